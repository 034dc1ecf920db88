package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data"
)

// Describe writes a shock as its type and its set fields, key=value,
// nested parts (target, timing, path) flattened: "jump groups=[ai_tokens]
// day=4 gap=true spread_days=1 move=-0.22 overrides={TAO: -0.23}".
func Describe(sh Shock) string {
	v := reflect.Indirect(reflect.ValueOf(sh))
	var parts []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() || f.Name == "SetRate" || f.Name == "DateSet" || f.Name == "UntilSet" { // not keys: rate= or mult=, date= or until= says them
				continue
			}
			if fv.Kind() == reflect.Struct {
				walk(fv)
				continue
			}
			if fv.IsZero() && !shownAtZero(v, f.Name) {
				continue
			}
			// A date from the file's time key is an instant, shown as
			// the key it came from.
			if w, ok := v.Interface().(When); ok && w.Time {
				if f.Name == "Time" {
					continue
				}
				if f.Name == "Date" {
					parts = append(parts, "time="+data.FormatTime(w.Date))
					continue
				}
			}
			if fv.Kind() == reflect.Float64 && math.IsNaN(fv.Float()) {
				continue
			}
			val := fmt.Sprint(fv.Interface())
			if fv.Kind() == reflect.Int64 && strings.HasSuffix(f.Name, "Date") || f.Name == "Date" || f.Name == "Until" || f.Name == "From" || f.Name == "To" || f.Name == "At" {
				val = data.FormatDay(fv.Int())
			}
			if fv.Kind() == reflect.Map {
				keys := fv.MapKeys()
				sort.Slice(keys, func(a, b int) bool { return fmt.Sprint(keys[a]) < fmt.Sprint(keys[b]) })
				var kv []string
				for _, k := range keys {
					kv = append(kv, fmt.Sprintf("%v: %v", k, fv.MapIndex(k)))
				}
				val = "{" + strings.Join(kv, ", ") + "}"
			}
			parts = append(parts, snake(f.Name)+"="+val)
		}
	}
	walk(v)
	typ := strings.ToLower(v.Type().Name())
	return typ + " " + strings.Join(parts, " ")
}

// shownAtZero reports whether field name of the shock part v is shown
// even at its zero value, where 0 is what the file says, not a default:
// a move, k or rho of 0, the day offset 0 (a shock on the start day, when
// neither a date nor random places it), a date or until given as
// 1970-01-01 (0 ns; When.DateSet, Window.UntilSet), a transplant's from
// and to (always given; 0 is 1970-01-01), a rate set to 0, a volume_mult of
// 0 (volume gone; NaN, unchanged, is not shown) and gap = false (the move
// during the bar, where true is the default).
func shownAtZero(v reflect.Value, name string) bool {
	switch name {
	case "Move", "K", "Rho", "VolumeMult", "Gap":
		return true
	case "Day":
		w, ok := v.Interface().(When)
		return ok && !w.Dated() && !w.Random
	case "Date":
		w, ok := v.Interface().(When)
		return ok && w.Dated()
	case "Until":
		w, ok := v.Interface().(Window)
		return ok && w.HasUntil()
	case "From", "To":
		// A transplant's window: both required, 0 is 1970-01-01.
		_, ok := v.Interface().(Transplant)
		return ok
	case "Rate":
		set := v.FieldByName("SetRate")
		return set.IsValid() && set.Bool()
	}
	return false
}

// snake turns a Go field name into snake_case: SpreadDays → spread_days.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}
