package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/scenarios"
)

// A start or end at 1970-01-01 (0 ns) is a bound: it parsed to 0, which
// the experiment took for "not given", and the runs went from the data's
// first bar (1969) or to its last (1970). The file holds the weekdays
// 1969-12-22 … 1970-01-09; 1970-01-01 is a Thursday.
func TestStartEndAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 12, 22, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 10, 0, 0, 0, 0, time.UTC), false)
	day := func(y, m, d int) int64 { return data.Day(y, time.Month(m), d) }
	for _, tc := range []struct {
		name        string
		bounds      string
		first, last int64 // the runs' equity curve's first and last stamps
	}{
		// 1970-01-01 (stamp 0) … 1970-01-09.
		{"start", `start = "1970-01-01"`, 0, day(1970, 1, 9)},
		{"start instant", `start = "1970-01-01T00:00:00Z"`, 0, day(1970, 1, 9)},
		// 1969-12-22 … 12-31: the end is excluded.
		{"end", `end = "1970-01-01"`, day(1969, 12, 22), day(1969, 12, 31)},
		// 1969-12-29 … 12-31.
		{"start and end", "start = \"1969-12-29\"\nend = \"1970-01-01\"", day(1969, 12, 29), day(1969, 12, 31)},
		// 1970-01-01 … 01-07, cold: no bar before start is seen.
		{"start and end, no warm-up", "start = \"1970-01-01\"\nend = \"1970-01-08\"\nwarmup = false", 0, day(1970, 1, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf(`name = "x"
cash = 10000.0
%s
[data]
dir = %q
files = { ABC = "abc.csv" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["ABC"]
`, tc.bounds, dir)
			f, err := Parse("x.toml", text)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			c := o.Runs[0].Result.Curve
			if first, last := c.Time[0], c.Time[c.Len()-1]; first != tc.first || last != tc.last {
				t.Errorf("runs from %s to %s, want %s to %s", data.FormatStamp(first), data.FormatStamp(last), data.FormatStamp(tc.first), data.FormatStamp(tc.last))
			}
			// Daily bars stamped on or after an end given as a date are
			// past it, not bars it falls inside (cutAt): no such note.
			for _, n := range o.Notes {
				if strings.Contains(n, "falls inside") {
					t.Errorf("note %q: every bar here ends by the end or starts at or after it", n)
				}
			}
		})
	}
}

// start = 1970-01-01 with end before it is refused, as any such pair:
// 0 was taken for no start, and the pair passed.
func TestEndBeforeAStartAtTheEpoch(t *testing.T) {
	f, err := Parse("x.toml", `name = "x"
start = "1970-01-01"
end = "1969-12-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
	if err == nil {
		err = f.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "end = 1969-12-01 is not after start = 1970-01-01") {
		t.Errorf("got %v, want end refused", err)
	}
}

// Walk-forward windows begin at the runs' start: start = 1970-01-01 laid
// them from the data's first bar (1969-12-01) instead. Weekdays
// 1969-12-01 … 1970-03-31; the first in-sample window starts at 0.
func TestWalkForwardFromAStartAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(1970, 4, 1, 0, 0, 0, 0, time.UTC), true)
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 10000.0
start = "1970-01-01"
[data]
dir = %q
files = { ABC = "abc.csv" }
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "ABC"
slow = 10
[strategy.sweep]
fast = [2, 3]
[walkforward]
in_sample_days = 30
out_of_sample_days = 15
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.WalkForward) == 0 || len(o.WalkForward[0].Windows) == 0 {
		t.Fatal("no walk-forward windows")
	}
	if w := o.WalkForward[0].Windows[0]; w.ISStart != 0 {
		t.Errorf("first in-sample window starts %s, want 1970-01-01", data.FormatStamp(w.ISStart))
	}
}

// A scenario_start at 1970-01-01 (0 ns) is day 0 of the scenarios' day
// offsets: the scenarios took a Start of 0 for "from the panel's first
// bar", and a jump at day = 1 landed on 1969-12-23, a day after the
// data's first bar (1969-12-22), not on 1970-01-02. The closes are 100;
// the jump halves them from the bar it lands on.
func TestScenarioStartAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 12, 22, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 10, 0, 0, 0, 0, time.UTC), false)
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 10000.0
scenario_start = "1970-01-01"
[data]
dir = %q
files = { ABC = "abc.csv" }
[[scenario]]
name = "halved"
[[scenario.shock]]
type = "jump"
symbols = ["ABC"]
day = 1
move = -0.5
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["ABC"]
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Views) != 2 {
		t.Fatalf("%d views, want the baseline and the scenario's", len(o.Views))
	}
	s := o.Views[1].Panel.Series[0]
	at := -1
	for k, c := range s.Close {
		if c < 100 {
			at = k
			break
		}
	}
	if want := data.Day(1970, 1, 2); at < 0 || s.Time[at] != want || s.Close[at] != 50 {
		t.Fatalf("the jump lands at bar %d (%v), want a close of 50 on %s", at, s.Time, data.FormatStamp(want))
	}
}

// An out-of-sample window ending at 1970-01-01 (0 ns) ends there: its
// panel was cut at 0 with data.Panel.Window, for which 0 is no bound, and
// its run went on to the data's end. Weekdays 1969-11-03 … 1970-02-27;
// start 1969-12-02, 15 in-sample days to 12-17, 15 out-of-sample days to
// 1970-01-01: the first window's out-of-sample run ends on 1969-12-31,
// its last weekday before the end, and the stitched curve goes forward.
func TestWalkForwardWindowEndingAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 11, 3, 0, 0, 0, 0, time.UTC), time.Date(1970, 2, 28, 0, 0, 0, 0, time.UTC), true)
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 10000.0
start = "1969-12-02"
[data]
dir = %q
files = { ABC = "abc.csv" }
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "ABC"
slow = 10
[strategy.sweep]
fast = [2, 3]
[walkforward]
in_sample_days = 15
out_of_sample_days = 15
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.WalkForward) == 0 || len(o.WalkForward[0].Windows) < 2 {
		t.Fatal("want two walk-forward windows at least")
	}
	wf := o.WalkForward[0]
	if w := wf.Windows[0]; w.OOSEnd != 0 {
		t.Fatalf("first window's out of sample ends %s, want 1970-01-01", data.FormatStamp(w.OOSEnd))
	}
	for i := 1; i < wf.Curve.Len(); i++ {
		if wf.Curve.Time[i] <= wf.Curve.Time[i-1] {
			t.Fatalf("stitched curve goes back at point %d: %s after %s", i, data.FormatStamp(wf.Curve.Time[i]), data.FormatStamp(wf.Curve.Time[i-1]))
		}
	}
}

// A Monte Carlo path beginning on 1970-01-01 (0 ns: the day after data
// ending 1969-12-31) starts its runs there, after its warm-up: the runs'
// start was 0, taken for none, and they traded the warm-up bars (real
// history from 1969) as part of the path. Weekdays 1969-11-03 … 12-31.
func TestMonteCarloPathFromTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 11, 3, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), true)
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 10000.0
[data]
dir = %q
files = { ABC = "abc.csv" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["ABC"]
[montecarlo]
paths = 4
days = 10
warmup_days = 10
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.MonteCarlo) == 0 || len(o.MonteCarlo[0].Time) == 0 {
		t.Fatal("no Monte Carlo result")
	}
	if first := o.MonteCarlo[0].Time[0]; first < 0 {
		t.Errorf("the paths' runs begin %s, in their warm-up; want 1970-01-01 on", data.FormatStamp(first))
	}
}

// weekdaysCSV writes path: a daily bar on each weekday from from to
// before to, volume 1000, open = high = low = close: 100 each day, or,
// wobble, 100 + k mod 7 on the k-th weekday.
func weekdaysCSV(t *testing.T, path string, from, to time.Time, wobble bool) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	k := 0
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			p := 100.0
			if wobble {
				p += float64(k % 7)
			}
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", d.Format("2006-01-02"), p, p, p, p)
			k++
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// manifest.json's shock text says a date, an until or a drawn date at
// 1970-01-01 (0 ns) as such: date = 1970-01-01 was taken for none and
// written as day 0 after start (2024-01-01), until = 1970-01-01 as no
// until (the window's end at its start), and a random shock that drew
// 1970-01-01 as one whose draw is unknown.
func TestShockTextAtTheEpoch(t *testing.T) {
	start := data.Day(2024, time.January, 1)
	for _, tc := range []struct {
		name, shock string
		drawn       int64
		isDrawn     bool
		want        string
	}{
		{"date", "type = \"jump\"\nsymbols = [\"X\"]\ndate = 1970-01-01\nmove = -0.1", 0, false, ": from 1970-01-01"},
		{"until", "type = \"volatility\"\nsymbols = [\"X\"]\ndate = 1969-12-30\nuntil = 1970-01-01\nk = 2", 0, false, ": 1969-12-30 to 1970-01-01, the end excluded"},
		// Drawn 1970-01-01, a one-day window: to 1970-01-02.
		{"drawn", "type = \"volatility\"\nsymbols = [\"X\"]\nrandom = true\ndays = 1\nk = 2", 0, true, ": 1970-01-01 to 1970-01-02, the end excluded (drawn at random)"},
		{"not drawn", "type = \"volatility\"\nsymbols = [\"X\"]\nrandom = true\ndays = 1\nk = 2", 0, false, ": on a date drawn at random"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenarios.Parse("s.toml", "name = \"s\"\n[[shock]]\n"+tc.shock)
			if err != nil {
				t.Fatal(err)
			}
			if got := shockText(s.Shocks[0], start, tc.drawn, tc.isDrawn); !strings.HasSuffix(got, tc.want) {
				t.Errorf("shockText = %q, want it to end %q", got, tc.want)
			}
		})
	}
}

// A shock dated 1970-01-01 (0 ns) before start = 1970-01-05 gets the note
// that it moves only the warm-up history: the check took Date = 0 for a
// shock without a date.
func TestShockDatedAtTheEpochBeforeTheRunsStart(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for d := -12; d < 20; d++ { // 1969-12-20 … 1970-01-19
		fmt.Fprintf(&b, "%s,100,101,99,100,1000\n", data.FormatDay(int64(d)*data.NanosPerDay))
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 100_000.0
start = "1970-01-05"
[data]
dir = %q
files = { AAA = "AAA.csv" }
[data.classes]
AAA = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
[[scenario]]
name = "crash"
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
date = 1970-01-01
move = -0.3
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Release)
	want := "scenario crash: shock[0] (jump) is dated 1970-01-01, before the runs start (1970-01-05)"
	if !strings.Contains(strings.Join(o.Notes, "\n"), want) {
		t.Errorf("notes:\n%s\nwant one containing %q", strings.Join(o.Notes, "\n"), want)
	}
}

// The Monte Carlo warm-up is the source's last warmup_days calendar days,
// whatever side of 1970-01-01 they fall on. Source: one bar a day
// 1969-12-20 … (12 days before 1970-01-01) up to its last date.
//   - last 1970-01-10, 10 days: from 1970-01-10 − 9 days = 1970-01-01,
//     0 ns, which Window took for no bound: the whole source (22 bars),
//     not 10.
//   - last 1969-12-31, 5 days: the latest date was sought from 0 up, so
//     it stayed 0 (1970-01-01): from 1969-12-28, 4 bars, not from
//     1969-12-27, 5.
func TestMonteCarloWarmupAtTheEpoch(t *testing.T) {
	for _, tc := range []struct {
		name        string
		last, days  int // last: days from 1970-01-01
		first, bars int // first: days from 1970-01-01
	}{
		{"from 1970-01-01", 9, 10, 0, 10},
		{"source ends 1969-12-31", -1, 5, -5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := data.Series{Instrument: data.Instrument{Symbol: "ABC", Class: data.Crypto}}
			for d := -12; d <= tc.last; d++ {
				s.Time = append(s.Time, int64(d)*data.NanosPerDay)
				for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose, &s.Volume} {
					*c = append(*c, 100)
				}
			}
			w := monteCarloWarmup(&data.Panel{Series: []data.Series{s}}, tc.days)
			got := w.Series[0]
			if got.Len() != tc.bars || got.Time[0] != int64(tc.first)*data.NanosPerDay {
				t.Errorf("warm-up of %d bars from %s, want %d from %s", got.Len(), data.FormatDay(got.Time[0]), tc.bars, data.FormatDay(int64(tc.first)*data.NanosPerDay))
			}
		})
	}
}

// Data that end before 1970 and a window after them: the error says the
// start has no bars on or after it. The latest bar was sought from 0, so
// data ending 1969-12-24 seemed to go on to 1970-01-01, past end =
// 1969-12-31, and the error said the window between start and end was
// empty while the data went on to 1970-01-01.
func TestNoBarsAfterAStartWithDataBefore1970(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC), false)
	f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
start = "1969-12-29"
end = "1969-12-31"
[data]
dir = %q
files = { ABC = "abc.csv" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["ABC"]
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if want := "start = 1969-12-29: no bars on or after it (data ends 1969-12-24)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}
