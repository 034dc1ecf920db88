package report

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results/charts"
)

// A daily and an hourly curve of the same token: the daily point of
// 2024-03-05 00:00 holds that day's close, which the hourly point of
// 2024-03-05 23:00 (the bar closing at 03-06 00:00) holds too. Moved to
// their bars' ends, both are drawn at 2024-03-06 00:00. Curves of one
// interval are not moved, and the curves' own times are not changed.
func TestBarEnds(t *testing.T) {
	h := int64(time.Hour)
	d0 := data.Day(2024, 3, 4)
	daily := charts.Series{Name: "daily", Time: []int64{d0, d0 + data.NanosPerDay, d0 + 2*data.NanosPerDay}, Values: []float64{1, 1.1, 1.2}}
	var hourly charts.Series
	hourly.Name = "hourly"
	for k := int64(0); k < 72; k++ {
		hourly.Time = append(hourly.Time, d0+k*h)
		hourly.Values = append(hourly.Values, 1)
	}
	dailyTimes, hourlyTimes := slices.Clone(daily.Time), slices.Clone(hourly.Time)

	curves := []charts.Series{daily, hourly}
	if !barEnds(curves) {
		t.Fatal("a daily and an hourly curve: not moved")
	}
	close := data.Day(2024, 3, 6)
	if got := curves[0].Time[1]; got != close {
		t.Errorf("daily point of 03-05 drawn at %s, want %s", data.FormatStamp(got), data.FormatStamp(close))
	}
	if got := curves[1].Time[47]; got != close { // the 23:00 bar of 03-05
		t.Errorf("hourly 03-05 23:00 drawn at %s, want %s", data.FormatStamp(got), data.FormatStamp(close))
	}
	if !slices.Equal(daily.Time, dailyTimes) || !slices.Equal(hourly.Time, hourlyTimes) {
		t.Error("barEnds changed the curves' own times")
	}

	same := []charts.Series{daily, daily}
	if barEnds(same) || !slices.Equal(same[0].Time, dailyTimes) {
		t.Error("two daily curves were moved")
	}
	// A one-point curve has no interval: it does not make the others mixed.
	one := []charts.Series{{Name: "one", Time: []int64{d0}, Values: []float64{1}}, daily}
	if barEnds(one) {
		t.Error("a one-point curve beside a daily one: moved")
	}
}

// A comparison draws each folder's main runs by default: not the runs
// under a scenario (hedge@ai-bubble-burst) nor the companion runs
// (hedge~long-leg), which it draws when they are named.
func TestCompareSkipsCompanionRuns(t *testing.T) {
	o := runStress(t)
	svgOf := func(runs []string) string {
		out := filepath.Join(t.TempDir(), "c.svg")
		if _, err := CompareWith(context.Background(), []string{o.Dir}, CompareOptions{Runs: runs, Top: -1, Outs: []string{out}}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	svg := svgOf(nil)
	if !strings.Contains(svg, ": hedge<") && !strings.Contains(svg, ": hedge ") {
		t.Errorf("the main run hedge is not drawn")
	}
	for _, k := range []string{"hedge~long-leg", "@ai-bubble-burst"} {
		if strings.Contains(svg, k) {
			t.Errorf("a companion or scenario run (%q) is drawn by default", k)
		}
	}
	if named := svgOf([]string{"hedge~long-leg"}); !strings.Contains(named, "hedge~long-leg") {
		t.Errorf("hedge~long-leg, named, is not drawn:\n%s", regexp.MustCompile(`>[^<]+<`).FindAllString(named, -1))
	}
}

// The caption's span is in one format: dates when both ends are at
// 00:00 UTC and no run is intraday, instants otherwise.
func TestSpanText(t *testing.T) {
	d := data.Day(2024, 3, 4)
	for _, tc := range []struct {
		first, last int64
		intraday    bool
		want        string
	}{
		{d, d + 2*data.NanosPerDay, false, "2024-03-04 to 2024-03-06"},
		{d, d + 2*data.NanosPerDay, true, "2024-03-04T00:00:00Z to 2024-03-06T00:00:00Z"},
		{d, d + 2*data.NanosPerDay + 23*int64(time.Hour), false, "2024-03-04T00:00:00Z to 2024-03-06T23:00:00Z"},
		{d + int64(30*time.Minute), d + 2*data.NanosPerDay, false, "2024-03-04T00:30:00Z to 2024-03-06T00:00:00Z"},
	} {
		if got := spanText(tc.first, tc.last, tc.intraday); got != tc.want {
			t.Errorf("spanText = %q, want %q", got, tc.want)
		}
	}
}

// TestCompareRanksOnTheDatesDrawn: aligned on the dates the folders
// share, compare's --top chose the runs by each one's whole-period
// Sharpe (metrics.json) and drew them on the shared window, where
// another run may be best. It now ranks by the metric over the dates
// drawn. Folder A: sma-cross swept on the synthetic BTC over 2019–2024
// (8 runs); folder B: buy-and-hold over 2024 (1 run): the window is B's
// year. The expected top 3 are recomputed here from each run's equity
// curve cut to that window, Sharpe by hand (mean / sample standard
// deviation of the simple returns × √ppy), and differ from the top 3 of
// the whole period.
func TestCompareRanksOnTheDatesDrawn(t *testing.T) {
	run := func(text string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "e.toml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := experiment.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return o.Dir
	}
	a := run(`name = "a"
cash = 100_000.0
start = "2019-01-01"
end = "2024-12-31"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
[strategy.sweep]
fast = [5, 10, 20, 40]
slow = [60, 120]
`)
	b := run(`name = "b"
cash = 100_000.0
start = "2024-01-01"
end = "2024-12-31"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
	// Every run's Sharpe over the shared dates, and over its whole period.
	type score struct {
		key           string
		window, whole float64
	}
	var all []score
	var from, to int64 = math.MinInt64, math.MaxInt64
	folders := []*Folder{}
	for _, d := range []string{a, b} {
		f, err := Load(d)
		if err != nil {
			t.Fatal(err)
		}
		folders = append(folders, f)
		for _, r := range f.Runs {
			from, to = max(from, r.Equity.Time[0]), min(to, r.Equity.Time[len(r.Equity.Time)-1])
		}
	}
	for _, f := range folders {
		for _, r := range f.Runs {
			var eq []float64
			for k, tm := range r.Equity.Time {
				if tm >= from && tm <= to {
					eq = append(eq, r.Equity.Values[k])
				}
			}
			var sum, sq float64
			n := float64(len(eq) - 1)
			for k := 1; k < len(eq); k++ {
				sum += eq[k]/eq[k-1] - 1
			}
			mean := sum / n
			for k := 1; k < len(eq); k++ {
				d := eq[k]/eq[k-1] - 1 - mean
				sq += d * d
			}
			all = append(all, score{r.Key, mean / math.Sqrt(sq/(n-1)) * math.Sqrt(r.Record.PeriodsPerYear), r.Record.Metrics.Sharpe})
		}
	}
	top := func(by func(s score) float64) []string {
		s := slices.Clone(all)
		slices.SortStableFunc(s, func(x, y score) int { return cmp.Compare(by(y), by(x)) })
		var keys []string
		for _, x := range s[:3] {
			keys = append(keys, x.key)
		}
		slices.Sort(keys)
		return keys
	}
	want, whole := top(func(s score) float64 { return s.window }), top(func(s score) float64 { return s.whole })
	if slices.Equal(want, whole) {
		t.Fatalf("the top 3 over the window and over the whole period are the same (%v): the test shows nothing", want)
	}
	out := filepath.Join(t.TempDir(), "c.svg")
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: 3, Outs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var drawn []string
	for _, s := range all {
		if strings.Contains(string(svg), ": "+s.key+"<") || strings.Contains(string(svg), ": "+s.key+" ") {
			drawn = append(drawn, s.key)
		}
	}
	slices.Sort(drawn)
	if !slices.Equal(drawn, want) {
		t.Errorf("drew %v, want the top 3 by Sharpe over the shared dates %v (over the whole period: %v)", drawn, want, whole)
	}
	// The caption (wrapped over lines) says how the runs were chosen: over
	// B's year, which all 9 runs share; the 3 kept, all of A, are then
	// drawn over the dates they share.
	text := svgText(svg)
	if !strings.Contains(text, "top 3 of 9 runs by sharpe over the dates all 9 share") || !strings.Contains(text, "(2024-01-02 to 2024-12-30)") {
		t.Errorf("the caption does not say the runs were ranked over the dates they share: %s", text)
	}
	// A folder that does not exist, first or between, is Load's error
	// (the check of a folder given twice indexed past its list: a panic).
	for _, dirs := range [][]string{{"nosuch", a, b}, {a, "nosuch", b}} {
		if _, err := CompareWith(context.Background(), dirs, CompareOptions{Top: 3, Outs: []string{out}}); err == nil || !strings.Contains(err.Error(), "nosuch: no such folder") {
			t.Errorf("%v: %v", dirs, err)
		}
	}
}

// TestCompareTopOfRunsSharingNoDates: runs that share no dates are ranked
// each over its own period, and the best drawn alone (the ranking over
// the shared dates failed on them with "the runs share no dates", where
// the run drawn alone needs none).
func TestCompareTopOfRunsSharingNoDates(t *testing.T) {
	run := func(start, end string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "e.toml")
		text := "name = \"e" + start + "\"\ncash = 100_000.0\nstart = \"" + start + "\"\nend = \"" + end + "\"\n[data]\nsynthetic = true\n" +
			"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := experiment.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 1, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return o.Dir
	}
	a, b := run("2019-01-01", "2019-06-30"), run("2024-01-01", "2024-06-30")
	out := filepath.Join(t.TempDir(), "c.svg")
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Top: 1, Outs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	svg, _ := os.ReadFile(out)
	if text := svgText(svg); !strings.Contains(text, "top 1 of 2 runs by sharpe each over its own dates (they share none)") {
		t.Errorf("caption does not say how the run was chosen: %s", text)
	}
}

// svgText is the text of an SVG's elements, each trimmed, joined by
// spaces (a caption wrapped over lines reads as one).
func svgText(svg []byte) string {
	var out []string
	for _, m := range regexp.MustCompile(`>([^<]*)<`).FindAllSubmatch(svg, -1) {
		if t := strings.TrimSpace(string(m[1])); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// TestWindowMetricsRuined: a window whose equity is at or below 0 is
// ruined (its returns mean nothing): [-5, -6, -7] has a "return" of
// +40 % and a Sharpe of 123, and ranked first.
func TestWindowMetricsRuined(t *testing.T) {
	for _, c := range []struct {
		eq     []float64
		ruined bool
	}{{[]float64{-5, -6, -7}, true}, {[]float64{-5, -5, -5}, true}, {[]float64{100, 0, 10}, true}, {[]float64{100, 50, 80}, false}} {
		if got := windowMetrics(c.eq, 252, 0).Ruined(); got != c.ruined {
			t.Errorf("%v: ruined %v, want %v", c.eq, got, c.ruined)
		}
	}
}

// Comparisons of other folders get other default names, so that one does
// not replace another beside them (both were out/compare.png); a name
// too long for a file is cut to the first folder's name, the others'
// count and a hash of every path, which still tells comparisons apart.
func TestCompareName(t *testing.T) {
	for _, c := range []struct {
		dirs []string
		want string
	}{
		{[]string{"out/ai-hedge"}, "compare-ai-hedge"},
		{[]string{"out/ai-hedge/", "out/btc-trend"}, "compare-ai-hedge-vs-btc-trend"},
		{[]string{"out/btc-trend", "out/ai-hedge"}, "compare-btc-trend-vs-ai-hedge"},
		{[]string{"a/x", "b/y", "c/z"}, "compare-x-vs-y-vs-z"},
	} {
		if got := CompareName(c.dirs); got != c.want {
			t.Errorf("CompareName(%q) = %q, want %q", c.dirs, got, c.want)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := CompareName([]string{"."}); got != "compare-"+filepath.Base(wd) {
		t.Errorf(`CompareName(".") = %q, want the folder's own name`, got)
	}
	var many, other []string
	for i := range 12 {
		many = append(many, fmt.Sprintf("out/experiment-number-%02d", i))
		other = append(other, fmt.Sprintf("elsewhere/experiment-number-%02d", i))
	}
	a, b := CompareName(many), CompareName(other)
	if len(a) > 120 || !strings.HasPrefix(a, "compare-experiment-number-00-vs-11-more-") {
		t.Errorf("12 folders: %q, want compare-experiment-number-00-vs-11-more-<hash> of ≤ 120 bytes", a)
	}
	if a == b {
		t.Errorf("folders of the same names in other places share the name %q", a)
	}
	// Folders of one name in two places (an experiment before and after
	// a change) get a hash of their paths, other for other places; so
	// does a name holding "-vs-", which would read as two.
	same1, same2 := CompareName([]string{"out/exp", "old/exp"}), CompareName([]string{"out/exp", "older/exp"})
	if !strings.HasPrefix(same1, "compare-exp-vs-exp-") || len(same1) != len("compare-exp-vs-exp-")+8 || same1 == same2 {
		t.Errorf("out/exp vs old/exp: %q; vs older/exp: %q: want compare-exp-vs-exp-<hash>, two hashes", same1, same2)
	}
	if x, y := CompareName([]string{"a-vs-b", "c"}), CompareName([]string{"a", "b-vs-c"}); x == y {
		t.Errorf("a-vs-b with c and a with b-vs-c share the name %q", x)
	}
	long := strings.Repeat("é", 100) // 200 bytes: cut at a rune's edge
	if got := CompareName([]string{long, "b"}); !utf8.ValidString(got) || len(got) > 120 {
		t.Errorf("a long name gives %q (%d bytes)", got, len(got))
	}
}

// TestAlignCommonAsOf: a weekday curve beside a token curve that starts
// on a Saturday starts from its value as of that Saturday, Friday's
// close, so that Monday's return stays in the comparison. By hand: eq
// closes 100 (Thu, day 0), 110 (Fri, 1), 121 (Mon, 4), 133.1 (Tue, 5);
// tok starts on day 2 (Sat). The common start is day 2; eq's first
// point is Friday's 110 drawn at day 2, so its growth at Monday is
// 121 / 110 = 1.1 (it was 121 / 121 = 1, Monday's +10 % dropped, when
// the cut started at the first point on or after the common start).
func TestAlignCommonAsOf(t *testing.T) {
	day := int64(86400e9)
	eqTime := []int64{0, 1 * day, 4 * day, 5 * day}
	eq := charts.Series{Name: "eq", Time: eqTime, Values: []float64{100, 110, 121, 133.1}}
	tok := charts.Series{Name: "tok", Time: []int64{2 * day, 3 * day, 4 * day, 5 * day}, Values: []float64{50, 50, 55, 55}}
	curves := []charts.Series{eq, tok}
	from, err := alignCommon(curves)
	if err != nil {
		t.Fatal(err)
	}
	if from != 2*day {
		t.Fatalf("common start day %d, want 2", from/day)
	}
	c := curves[0]
	if len(c.Time) != 3 || c.Time[0] != 2*day || c.Time[1] != 4*day || c.Values[0] != 110 {
		t.Fatalf("eq cut to days %v values %v; want days 2, 4, 5 from Friday's 110", c.Time, c.Values)
	}
	if g := c.Values[1] / c.Values[0]; math.Abs(g-1.1) > 1e-12 {
		t.Errorf("eq growth at Monday %g, want 1.1", g)
	}
	if eqTime[1] != 1*day {
		t.Errorf("the run's own times were changed: %v", eqTime)
	}
	if k := curves[1]; len(k.Time) != 4 || k.Time[0] != 2*day || k.Values[0] != 50 {
		t.Errorf("tok cut to days %v values %v; want every point", k.Time, k.Values)
	}
}

// TestAlignCommonErrorInstants: hourly runs that share no dates are named
// in the refusal by instants, both of them, as the table and the caption
// give an intraday run's times: the later run starts at 00:00 UTC, which
// read "2025-09-15" beside "2025-04-30T19:00:00Z", a day beside an hour.
// Daily runs keep their dates.
func TestAlignCommonErrorInstants(t *testing.T) {
	bars := func(name, from string, step time.Duration, n int) charts.Series {
		t0, err := time.Parse(time.RFC3339, from)
		if err != nil {
			t.Fatal(err)
		}
		s := charts.Series{Name: name}
		for i := range n {
			s.Time = append(s.Time, t0.Add(time.Duration(i)*step).UnixNano())
			s.Values = append(s.Values, 100)
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		curves []charts.Series
		want   string
	}{
		// a: 2025-04-30 15:00–19:00 (5 bars); b: 2025-09-15 00:00–03:00.
		{"hourly", []charts.Series{bars("a", "2025-04-30T15:00:00Z", time.Hour, 5), bars("b", "2025-09-15T00:00:00Z", time.Hour, 4)},
			"the latest starts 2025-09-15T00:00:00Z, the earliest ends 2025-04-30T19:00:00Z"},
		// a: 2025-04-28–29; b: 2025-09-15–16.
		{"daily", []charts.Series{bars("a", "2025-04-28T00:00:00Z", 24*time.Hour, 2), bars("b", "2025-09-15T00:00:00Z", 24*time.Hour, 2)},
			"the latest starts 2025-09-15, the earliest ends 2025-04-29"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alignCommon(tc.curves)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestCompareTopRuined: aligned, --top ranks the runs over the dates they
// all share; a run ruined before those dates or in them ranks last (its
// returns there mean nothing), a run ruined only after them by its
// returns in them (what came after is not in the dates compared). Every
// run is measured from its cash of 100,000 or its value at the window's
// start, ppy 365 (BTC's); a's curve is the shortest and sets the window.
//
//	after: a, b, c from 2024-01-01; a ends 01-06, the window 01-01 to 01-06
//	  a: 100,000 99,000 98,000 99,000 97,000 96,000: mean return −0.00808 < 0, Sharpe < 0
//	  b: ×1.02 ×1.02 ×1.03 ×1.02 ×1.03 (to 112,583.55672): mean 0.024, sample sd
//	     √((3·0.004² + 2·0.006²)/4) = √0.00003 = 0.0054772, Sharpe 4.38178·√365 = 83.71;
//	     then 50,000, 10,000, 0, 0 on 01-07..10 (ruined after the window)
//	  c: 100,000 101,000 100,000 102,000 101,000 103,000: returns 0.01, −0.0099010,
//	     0.02, −0.0098039, 0.0198020, mean 0.0060194, sd 0.0150424, Sharpe 7.65
//	  top 2 by Sharpe: b and c (b's later ruin dropped it for a)
//	before: a from 01-03 to 01-08 (the window), b and c from 01-01
//	  b: −5,000 on 01-02, then from 100,000 on 01-03 the returns of b above (Sharpe
//	     83.71 in the window, ruined before it); c: 102,000 101,000 103,000 104,000
//	     105,000 from 01-04, returns all but one > 0, Sharpe > 0 > a's: a and c
func TestCompareTopRuined(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	up := []float64{100_000, 102_000, 104_040, 107_161.2, 109_304.424, 112_583.55672}
	down := []float64{100_000, 99_000, 98_000, 99_000, 97_000, 96_000}
	for _, tc := range []struct {
		name    string
		aFirst  int64
		b, c    []float64
		keepsAC bool // else b and c
	}{
		{"after the window", d1, append(slices.Clone(up), 50_000, 10_000, 0, 0),
			[]float64{100_000, 101_000, 100_000, 102_000, 101_000, 103_000, 104_000, 105_000, 106_000, 107_000}, false},
		{"before the window", d1 + 2*data.NanosPerDay, append([]float64{100_000, -5_000}, append(slices.Clone(up), 113_000, 114_000)...),
			[]float64{100_000, 101_000, 100_000, 102_000, 101_000, 103_000, 104_000, 105_000, 106_000, 107_000}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := holdFolder(t, "a", tc.aFirst, down)
			b := holdFolder(t, "b", d1, tc.b)
			c := holdFolder(t, "c", d1, tc.c)
			// b's metrics.json says what a run whose equity fell to 0 or
			// below says: a drawdown of −100 % or worse.
			mj := filepath.Join(b, "runs", "hold", "metrics.json")
			raw, err := os.ReadFile(mj)
			if err != nil {
				t.Fatal(err)
			}
			var rec map[string]any
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber() // the seed, a uint64, kept whole
			if err := dec.Decode(&rec); err != nil {
				t.Fatal(err)
			}
			rec["metrics"].(map[string]any)["max_drawdown"] = -1
			if raw, err = json.Marshal(rec); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(mj, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "c.csv")
			got, err := CompareWith(context.Background(), []string{a, b, c}, CompareOptions{Top: 2, Outs: []string{out}})
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, r := range got.Rows {
				kept = append(kept, r.Folder)
			}
			want := []string{b, c}
			if tc.keepsAC {
				want = []string{a, c}
			}
			slices.Sort(kept)
			slices.Sort(want)
			if !slices.Equal(kept, want) {
				t.Errorf("kept %v, want %v", kept, want)
			}
		})
	}
}

// A run whose equity fell below 0 before the dates the runs share, and
// came back, was ruined then: the table says so and ranks it last, as
// --top does (it showed ruined false and ranked it by its returns in the
// window, first here). Runs over 2024-01-03..01-08 (a starts 01-03):
// a falls 100,000 → 96,000 (total −4 %), c rises 2,000 net, and b —
// −5,000 on 01-02 — rises 100,000 → 112,583.56 over the window (total
// +12.58 %, the best of the three), ruined before it.
func TestCompareTableRuinedBeforeWindow(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1+2*data.NanosPerDay, []float64{100_000, 99_000, 98_000, 99_000, 97_000, 96_000})
	b := holdFolder(t, "b", d1, []float64{100_000, -5_000, 100_000, 102_000, 104_040, 107_161.2, 109_304.424, 112_583.55672})
	c := holdFolder(t, "c", d1, []float64{100_000, 101_000, 100_000, 102_000, 101_000, 103_000, 104_000, 102_000})
	got, err := CompareWith(context.Background(), []string{a, b, c}, CompareOptions{Top: -1, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range got.Rows {
		order = append(order, filepath.Base(r.Folder))
		if want := filepath.Base(r.Folder) == "b"; r.Ruined() != want || r.RuinedBefore != want {
			t.Errorf("%s: ruined %v (before %v), want %v", r.Folder, r.Ruined(), r.RuinedBefore, want)
		}
	}
	if want := []string{"c", "a", "b"}; !slices.Equal(order, want) {
		t.Errorf("rows %v, want %v (by Sharpe, b ruined last)", order, want)
	}
	for _, r := range got.Rows {
		if filepath.Base(r.Folder) == "b" && math.Abs(r.Metrics.TotalReturn-0.1258355672) > 1e-9 {
			t.Errorf("b's total return over the window %g, want 0.1258355672 (its own, shown though it ranks last)", r.Metrics.TotalReturn)
		}
	}
	tab := CompareTable(got.Rows)
	col := tab.Columns[len(tab.Columns)-1]
	if col.Name != "ruined" || !slices.Equal(col.Bools, []bool{false, false, true}) {
		t.Errorf("table column %s = %v, want ruined = [false false true]", col.Name, col.Bools)
	}
}
