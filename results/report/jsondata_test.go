package report

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results/charts"
)

// TestJSONNumbers: the charts' JSON writes NaN as null and infinities as
// "Infinity"/"-Infinity"; money to the cent, ratios to 5 significant
// digits, times in whole seconds (floored before 1970), delta-encoded.
func TestJSONNumbers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{cents{1234567.891, -0.004, nan, inf, -inf, 2.0049}, `[1234567.89,0.00,null,"Infinity","-Infinity",2.00]`},
		{ratios{1.234567, -0.00012345678, nan, 1e9}, `[1.2346,-0.00012346,null,1e+09]`},
		// The first time, the unit (the steps' greatest common divisor), the steps in units.
		{secs{1_700_000_000_123_456_789, -1}, `[1700000000,1700000001,-1]`},
		{secs{86400e9, 2 * 86400e9, 5 * 86400e9, 5 * 86400e9}, `[86400,86400,1,3,0]`},
		{secs{60e9}, `[60,1]`},
		{secs{}, `[]`},
		{number(inf), `"Infinity"`},
		{prices{4557.694089840388}, `[4557.6941]`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%v: %s, want %s", tc.v, b, tc.want)
		}
	}
}

// TestReduceBounded: a line of 100,000 points keeps at most four per
// column, with its extremes; a short one is kept whole.
func TestReduceBounded(t *testing.T) {
	n := 100_000
	tm, v := make([]int64, n), make([]float64, n)
	for i := range n {
		tm[i], v[i] = int64(i)*60e9, math.Sin(float64(i)/1000)
	}
	v[54321] = 7 // a spike
	ts, vs := reduce(tm, v)
	if len(ts) > 4*chartBuckets || len(ts) != len(vs) {
		t.Fatalf("%d points", len(ts))
	}
	hi := math.Inf(-1)
	for i, x := range vs {
		hi = math.Max(hi, x)
		if i > 0 && ts[i] <= ts[i-1] {
			t.Fatalf("times not increasing at %d", i)
		}
	}
	if hi != 7 {
		t.Errorf("the spike is lost: max %g", hi)
	}
	if ts2, _ := reduce(tm[:4000], v[:4000]); len(ts2) != 4000 {
		t.Errorf("a line of 4,000 points reduced to %d", len(ts2))
	}
}

// TestHedgeThreshold: hedge effectiveness stays only where the long leg
// lost at least 1% of the cash (by hand: cash 1,000,000, threshold
// −10,000; −50,000 keeps, −5,000 and +20,000 are blanked, as written by
// a folder of the 0.1% threshold). The note counts those and the cell
// stress.csv already left empty (−2,000), not a strategy with no long
// leg and no value: 4 cells.
func TestHedgeThreshold(t *testing.T) {
	cells := []StressCell{
		{"h", "a", "long_leg_pnl_vs_baseline", -50000}, {"h", "a", "hedge_effectiveness", 0.8},
		{"h", "b", "long_leg_pnl_vs_baseline", -5000}, {"h", "b", "hedge_effectiveness", 29.18},
		{"h", "c", "long_leg_pnl_vs_baseline", 20000}, {"h", "c", "hedge_effectiveness", -3.93},
		{"x", "a", "hedge_effectiveness", 0.5}, // no long leg
		{"h", "d", "long_leg_pnl_vs_baseline", -2000}, {"h", "d", "hedge_effectiveness", math.NaN()},
		{"y", "a", "hedge_effectiveness", math.NaN()}, // not a pair hedge, no long-leg cell
		// not a pair hedge, as a wide stress.csv reads: empty cells
		{"z", "a", "long_leg_pnl_vs_baseline", math.NaN()}, {"z", "a", "hedge_effectiveness", math.NaN()},
	}
	out, note := hedgeThreshold(cells, 1e6)
	if !strings.Contains(note, " 4 cell(s) left blank") {
		t.Errorf("note %q, want 4 cells counted", note)
	}
	want := []float64{-50000, 0.8, -5000, math.NaN(), 20000, math.NaN(), math.NaN(), -2000, math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	for i, w := range want {
		if g := out[i].Value; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("cell %d (%s %s %s): %g, want %g", i, out[i].Strategy, out[i].Scenario, out[i].Metric, g, w)
		}
	}
	if cells[3].Value != 29.18 || note == "" {
		t.Error("the input was changed, or no note")
	}
}

// TestLossesNegative: a Monte Carlo summary whose VaR is the negative of
// its 5th percentile has its VaR and CVaR columns negated; one already
// in returns is left alone.
func TestLossesNegative(t *testing.T) {
	pos := &Table{Header: []string{"run", "terminal_p05", "var_95", "cvar_95"}, Rows: [][]string{{"a", "-0.2", "0.2", "0.3"}, {"b", "0.05", "-0.05", "-0.01"}}}
	got, flipped := lossesNegative(pos)
	if !flipped || got.Rows[0][2] != "-0.2" || got.Rows[0][3] != "-0.3" || got.Rows[1][2] != "0.05" || pos.Rows[0][2] != "0.2" {
		t.Errorf("flipped %v: %v", flipped, got.Rows)
	}
	neg := &Table{Header: pos.Header, Rows: [][]string{{"a", "-0.2", "-0.2", "-0.3"}}}
	if _, flipped := lossesNegative(neg); flipped {
		t.Error("a summary already in returns was negated")
	}
	// A run whose paths end flat (5th percentile 0, VaR 0, CVaR 0) agrees
	// with either convention: it does not stop the other runs' flip, and
	// its zeros stay "0".
	flat := &Table{Header: pos.Header, Rows: [][]string{{"flat", "0", "0", "0"}, {"a", "-0.2", "0.2", "0.3"}}}
	got, flipped = lossesNegative(flat)
	if !flipped || got.Rows[0][2] != "0" || got.Rows[0][3] != "0" || got.Rows[1][2] != "-0.2" || got.Rows[1][3] != "-0.3" {
		t.Errorf("with a flat run: flipped %v: %v", flipped, got.Rows)
	}
	flatNeg := &Table{Header: pos.Header, Rows: [][]string{{"flat", "0", "0", "0"}, {"a", "-0.2", "-0.2", "-0.3"}}}
	if _, flipped := lossesNegative(flatNeg); flipped {
		t.Error("a summary in returns with a flat run was negated")
	}
}

// TestRobustLimit: the colour limit is the 90th percentile of |value|
// (by hand: |values| 1…10 and an outlier 1000, sorted, h = 10 × 0.9 = 9:
// the 10th value, 10), so the outlier does not set the scale.
func TestRobustLimit(t *testing.T) {
	m := charts.Matrix{Values: [][]float64{{1, -2, 3, 4}, {5, 6, -7, 8}, {9, 10, 1000, math.NaN()}}}
	if got := charts.RobustLimit(m); got != 10 {
		t.Errorf("limit %g, want 10", got)
	}
}

// sameLegs finds the runs whose legs are the same series (NaN equal to
// NaN, as before a rolling window fills) and tells apart those that are
// not.
func TestSameLegs(t *testing.T) {
	nan := math.NaN()
	a := &LegSeries{Time: []int64{1, 2, 3}, LongReturn: []float64{0.01, -0.02, 0.03}, ShortReturn: []float64{0.02, 0.01, -0.01},
		BetaShortOnLong: []float64{nan, nan, 0.5}, Correl: []float64{nan, nan, 0.3}}
	b := &LegSeries{Time: slices.Clone(a.Time), LongReturn: slices.Clone(a.LongReturn), ShortReturn: slices.Clone(a.ShortReturn),
		BetaShortOnLong: slices.Clone(a.BetaShortOnLong), Correl: slices.Clone(a.Correl)}
	if !sameLegs(a, b) {
		t.Error("equal legs (with NaN) found different")
	}
	b.Correl[2] = 0.31
	if sameLegs(a, b) {
		t.Error("legs that differ in one correlation found the same")
	}
	c := *a
	c.Time = []int64{1, 2, 4}
	if sameLegs(a, &c) {
		t.Error("legs at other times found the same")
	}
}

// The note's count on a wide stress.csv as package experiment writes it
// (read by readStress, empty cells NaN): one pair hedge whose leg lost
// 50,000 (kept) and 2,000 (left empty: counted), and a buy-and-hold with
// empty hedge columns (not counted): 1 cell.
func TestHedgeThresholdWideStress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stress.csv")
	text := "run,strategy,scenario,pnl_vs_baseline,long_leg_pnl_vs_baseline,hedge_effectiveness\n" +
		"hedge,hedge,crash,-10000,-50000,0.8\n" +
		"hedge,hedge,dip,-500,-2000,\n" +
		"hold,hold,crash,-40000,,\n" +
		"hold,hold,dip,-1500,,\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cells, err := readStress(path, &Folder{})
	if err != nil {
		t.Fatal(err)
	}
	out, note := hedgeThreshold(cells, 1e6)
	if !strings.Contains(note, " 1 cell(s) left blank") {
		t.Errorf("note %q, want 1 cell counted", note)
	}
	kept := 0
	for _, c := range out {
		if c.Metric == "hedge_effectiveness" && !math.IsNaN(c.Value) {
			kept++
			if c.Strategy != "hedge" || c.Scenario != "crash" || c.Value != 0.8 {
				t.Errorf("kept %+v", c)
			}
		}
	}
	if kept != 1 {
		t.Errorf("%d effectiveness cells kept, want 1", kept)
	}
}

// decodeTimes decodes a time column as the page's script does (report.js
// times: the first time, the unit, the steps in units), in float64 as
// JavaScript's numbers are.
func decodeTimes(a []any) []float64 {
	if len(a) == 0 {
		return nil
	}
	x, u := a[0].(float64), a[1].(float64)
	out := []float64{x}
	for _, d := range a[2:] {
		x += d.(float64) * u
		out = append(out, x)
	}
	return out
}

// decodePayload undoes the payload's compact forms in place as report.js
// decode does: every "t" decoded, a run without times given those of
// the run its "ts" names, ladder tags looked up in "tags".
func decodePayload(p map[string]any) {
	var walk func(x any)
	walk = func(x any) {
		switch v := x.(type) {
		case []any:
			for _, y := range v {
				walk(y)
			}
		case map[string]any:
			for k, y := range v {
				if a, ok := y.([]any); ok && k == "t" {
					v[k] = decodeTimes(a)
				} else {
					walk(y)
				}
			}
		}
	}
	walk(p)
	runs, _ := p["runs"].([]any)
	for _, x := range runs {
		r := x.(map[string]any)
		if _, ok := r["t"]; !ok {
			r["t"] = runs[int(r["ts"].(float64))].(map[string]any)["t"]
		}
	}
	tags, _ := p["tags"].([]any)
	ladders, _ := p["ladders"].([]any)
	for _, x := range ladders {
		l := x.(map[string]any)
		for _, k := range []string{"entryTags", "exitTags"} {
			var out []string
			idx, _ := l[k].([]any)
			for _, i := range idx {
				out = append(out, tags[int(i.(float64))].(string))
			}
			l[k] = out
		}
	}
}

// TestTimesRoundTrip: a time column written delta-encoded and decoded as
// the page's script decodes it gives back every time in whole seconds
// exactly (floored), whatever its steps: daily with weekends, minutes
// with gaps, irregular, before 1970, repeated, one time, none.
func TestTimesRoundTrip(t *testing.T) {
	day := int64(86400e9)
	t0 := int64(1_546_300_800e9) // 2019-01-01
	var daily, minutes, odd []int64
	for k := range 3651 {
		if d := (k + 2) % 7; d != 5 && d != 6 || k > 3000 { // weekdays, then every day
			daily = append(daily, t0+int64(k)*day)
		}
	}
	for k := range 5000 {
		if k%390 < 200 || k%977 == 0 {
			minutes = append(minutes, t0+int64(k)*60e9+30e9)
		}
	}
	x := -5*day - 1
	for k := range 200 {
		odd = append(odd, x)
		x += int64(k%7) * 1_234_567_891 // steps of 0 s, sub-second parts
	}
	for _, s := range [][]int64{daily, minutes, odd, {t0}, {t0, t0, t0}, nil, {-1, 1}} {
		b, err := json.Marshal(secs(s))
		if err != nil {
			t.Fatal(err)
		}
		var a []any
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		got := decodeTimes(a)
		if len(got) != len(s) {
			t.Fatalf("%d times decoded from %.60s…, want %d", len(got), b, len(s))
		}
		for i, tm := range s {
			if want := float64(floorDiv(tm, 1e9)); got[i] != want {
				t.Fatalf("time %d decoded as %v, want %v (%.60s…)", i, got[i], want, b)
			}
		}
	}
	// The daily column's steps are in days: two characters a time.
	if b, _ := json.Marshal(secs(daily)); len(b) > 2*len(daily)+30 {
		t.Errorf("%d daily times in %d bytes, want about 2 a time", len(daily), len(b))
	}
}

// TestTimesAreT: the page's script decodes every field "t" of the
// payload as a time column, and only those: every time column (secs) of
// the payload's types is named "t", and every "t" is one.
func TestTimesAreT(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(ty reflect.Type, path string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Array || ty.Kind() == reflect.Map {
			if ty == reflect.TypeFor[secs]() {
				break
			}
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for _, f := range reflect.VisibleFields(ty) {
			if !f.IsExported() || f.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if isT := f.Type == reflect.TypeFor[secs](); isT != (name == "t") {
				t.Errorf("%s.%s (json %q) is of type %v: a time column must be, and only it be, named \"t\"", path, f.Name, name, f.Type)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[payload](), "payload")
	if len(seen) < 10 {
		t.Errorf("%d types walked", len(seen))
	}
}

// TestHedgeThresholdRelative: a stress.csv with the long leg's change
// relative to its baseline (long_leg_change_vs_baseline) is thresholded on
// it, not on the money loss against the cash: −2 % keeps (though its
// money loss, 5,000, is 0.5 % of the cash), −0.5 % is blanked (though its
// money loss, 30,000, is 3 % of the cash: the long leg alone had grown
// to 6,000,000).
func TestHedgeThresholdRelative(t *testing.T) {
	cells := []StressCell{
		{"h", "a", "long_leg_pnl_vs_baseline", -5000}, {"h", "a", "long_leg_change_vs_baseline", -0.02}, {"h", "a", "hedge_effectiveness", 0.4},
		{"h", "b", "long_leg_pnl_vs_baseline", -30000}, {"h", "b", "long_leg_change_vs_baseline", -0.005}, {"h", "b", "hedge_effectiveness", 0.9},
	}
	out, note := hedgeThreshold(cells, 1e6)
	if out[2].Value != 0.4 || !math.IsNaN(out[5].Value) {
		t.Errorf("effectiveness %g and %g, want 0.4 kept and the second blanked", out[2].Value, out[5].Value)
	}
	if !strings.Contains(note, "1 cell(s) left blank") || !strings.Contains(note, "of its baseline's final equity") {
		t.Errorf("note %q", note)
	}
}
