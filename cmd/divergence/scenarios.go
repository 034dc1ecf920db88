package main

import (
	"math"
	"reflect"
	"slices"

	"context"
	"fmt"
	"github.com/divergence-research/divergence/data"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/scenarios"
)

func cmdScenarios(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && slices.ContainsFunc(args, isHelp) {
		// scenarios --help, scenarios list --help, scenarios show -h.
		args = []string{"--help"}
	}
	if len(args) == 0 || args[0] == "list" {
		if len(args) > 1 {
			return fmt.Errorf("scenarios list: takes no argument, got %q (scenarios show NAME shows one)", args[1])
		}
		lib, err := scenarios.Library()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "name\tprobability\tshocks\tsource")
		for _, s := range lib {
			p := "—"
			if s.Probability > 0 {
				p = fmt.Sprintf("%g", s.Probability)
			}
			src := s.Source
			if len(src) > 70 {
				src = src[:67] + "..."
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", s.Name, p, len(s.Shocks), src)
		}
		return tw.Flush()
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprint(stdout, "Usage:\n  divergence scenarios list        the built-in scenario library\n  divergence scenarios show NAME|FILE.toml   a scenario's description, source, shocks and cited figures\n")
		return nil
	}
	if args[0] == "show" {
		if len(args) != 2 {
			return fmt.Errorf("scenarios show: want one scenario name")
		}
		// A name from the library, or a scenario file (as an experiment's
		// scenarios list takes either).
		var s *scenarios.Scenario
		var err error
		if strings.HasSuffix(strings.ToLower(args[1]), ".toml") {
			s, err = scenarios.Load(args[1])
		} else {
			s, err = scenarios.Lookup(args[1])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n\n", s.Name)
		if d := strings.TrimSpace(s.Description); d != "" {
			fmt.Fprintf(stdout, "%s\n\n", d)
		}
		if s.Source != "" {
			fmt.Fprintf(stdout, "source: %s\n", s.Source)
		}
		if s.Probability > 0 {
			fmt.Fprintf(stdout, "probability: %g\n", s.Probability)
		}
		fmt.Fprintf(stdout, "shocks (applied in this order):\n")
		for i, sh := range s.Shocks {
			fmt.Fprintf(stdout, "  %d. %s\n", i+1, describe(sh))
		}
		// The groups the shocks name, in order of first use, with their
		// instruments: the scenario's own [groups] over the built-in ones;
		// an experiment's [groups] may redefine any of them.
		var used []string
		for _, sh := range s.Shocks {
			if t, ok := scenarios.TargetOf(sh); ok {
				for _, g := range t.Groups {
					if !slices.Contains(used, g) {
						used = append(used, g)
					}
				}
			}
		}
		if len(used) > 0 {
			builtin := scenarios.DefaultGroups()
			fmt.Fprintf(stdout, "groups (an experiment's [groups] may redefine them):\n")
			for _, g := range used {
				switch {
				case s.Groups[g] != nil:
					fmt.Fprintf(stdout, "  %s = %s (the scenario's own)\n", g, strings.Join(s.Groups[g], ", "))
				case builtin[g] != nil:
					fmt.Fprintf(stdout, "  %s = %s\n", g, strings.Join(builtin[g], ", "))
				default:
					fmt.Fprintf(stdout, "  %s: not built in: the experiment's [groups] must define it\n", g)
				}
			}
		}
		if len(s.Metadata) > 0 {
			keys := s.MetadataKeys()
			sort.Strings(keys)
			fmt.Fprintf(stdout, "figures cited:\n")
			for _, k := range keys {
				fmt.Fprintf(stdout, "  %s = %v\n", k, s.Metadata[k])
			}
		}
		return nil
	}
	return fmt.Errorf("scenarios: want list or show NAME, got %q", args[0])
}

// describe writes a shock as its type and its set fields, key=value,
// nested parts (target, timing, path) flattened: "jump groups=[ai_tokens]
// day=4 gap=true spread_days=1 move=-0.22 overrides={TAO: -0.23}".
func describe(sh scenarios.Shock) string {
	v := reflect.Indirect(reflect.ValueOf(sh))
	var parts []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() {
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
			if w, ok := v.Interface().(scenarios.When); ok && w.Time {
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
// neither a date nor random places it) and a rate set to 0.
func shownAtZero(v reflect.Value, name string) bool {
	switch name {
	case "Move", "K", "Rho":
		return true
	case "Day":
		w, ok := v.Interface().(scenarios.When)
		return ok && w.Date == 0 && !w.Random
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

func cmdStress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runExperiment(ctx, "stress", args, stdout, stderr, true)
}
