package experiment

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
)

// instantsMarket writes TOK's 12 hourly flat bars (open = close) from
// 2024-03-04T10:00Z into dir: 100, 101, 102, 96, 100, 104, 105, 106, 107,
// 108, 109, 110.
func instantsMarket(t *testing.T, dir string) {
	t.Helper()
	px := []float64{100, 101, 102, 96, 100, 104, 105, 106, 107, 108, 109, 110}
	t0 := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	hourlyCSV(t, filepath.Join(dir, "TOK.csv"), hours(t0, len(px)),
		func(tm time.Time) float64 { return px[int(tm.Sub(t0)/time.Hour)] },
		func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
}

// instantsRun runs sma-cross (fast 1, slow 3: long while the close is
// above its 3-bar SMA, at the next open) on TOK with the given top-level
// lines, and returns the outcome.
func instantsRun(t *testing.T, top string) *Outcome {
	t.Helper()
	dir := t.TempDir()
	instantsMarket(t, dir)
	o, err := runIn(t, dir, `name = "instants"
`+top+`
[data]
dir = "."
[data.classes]
TOK = "crypto"
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "TOK"
fast = 1
slow = 3
`)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

type instantFill struct {
	at  string
	qty float64
	px  float64
}

// checkInstantsRun checks the run's curve times, its fills and its final
// equity.
func checkInstantsRun(t *testing.T, o *Outcome, first, last string, points int, fills []instantFill, final float64) {
	t.Helper()
	res := o.Runs[0].Result
	c := &res.Curve
	if c.Len() != points || data.FormatTime(c.Time[0]) != first || data.FormatTime(c.Time[c.Len()-1]) != last {
		t.Errorf("curve: %d points from %s to %s, want %d from %s to %s", c.Len(), data.FormatTime(c.Time[0]), data.FormatTime(c.Time[c.Len()-1]), points, first, last)
	}
	if len(res.Fills) != len(fills) {
		t.Fatalf("%d fills, want %d: %+v", len(res.Fills), len(fills), res.Fills)
	}
	for k, w := range fills {
		f := res.Fills[k]
		if got := data.FormatTime(f.Time); got != w.at || math.Abs(f.Qty-w.qty) > 1e-9 || f.Price != w.px {
			t.Errorf("fill %d: %s %g @ %g, want %+v", k, got, f.Qty, f.Price, w)
		}
	}
	if got := c.Equity[c.Len()-1]; math.Abs(got-final) > 1e-6 {
		t.Errorf("final equity %.6f, want %.6f", got, final)
	}
}

// An experiment's start and end at instants on hourly bars, checked by
// hand. TOK closes 100, 101, 102, 96, 100, 104, 105, 106, 107, 108, 109,
// 110 at 10:00Z … 21:00Z; sma-cross(1, 3) is long while close > SMA(3).
func TestStartEndInstants(t *testing.T) {
	const e6 = 1_000_000.0
	t.Run("instants", func(t *testing.T) {
		// start 14:00Z: bars 10:00–13:00Z are warm-up. The first decision
		// is at 14:00Z: SMA(3) = (102 + 96 + 100) / 3 = 99.33 < 100, long,
		// bought at the 15:00Z open, 104: qty = 1,000,000 / 104. end
		// 19:00Z drops the 19:00Z bar and after: the curve is 14:00–18:00Z
		// (5 points), the last close 107: 1,000,000 × 107 / 104 =
		// 1,028,846.153846.
		o := instantsRun(t, "start = \"2024-03-04T14:00:00Z\"\nend = \"2024-03-04T19:00:00Z\"")
		checkInstantsRun(t, o, "2024-03-04T14:00:00Z", "2024-03-04T18:00:00Z", 5,
			[]instantFill{{"2024-03-04T15:00:00Z", e6 / 104, 104}}, e6*107/104)
		// metrics.json keeps dates: the UTC days of the first and last
		// points; the manifest's settings give the bounds in UTC.
		b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "sma", "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rec results.RunRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Start != "2024-03-04" || rec.End != "2024-03-04" {
			t.Errorf("metrics.json start %q, end %q, want 2024-03-04 both", rec.Start, rec.End)
		}
		if got := settingsOf(t, o); got["start"] != "2024-03-04T14:00:00Z" || got["end"] != "2024-03-04T19:00:00Z" {
			t.Errorf("manifest settings start %q, end %q", got["start"], got["end"])
		}
	})
	t.Run("offsets", func(t *testing.T) {
		// The same instants with offsets: 09:00-05:00 = 14:00Z, 20:00+01:00
		// = 19:00Z. The same run; the manifest gives them in UTC.
		o := instantsRun(t, "start = \"2024-03-04T09:00:00-05:00\"\nend = \"2024-03-04T20:00:00+01:00\"")
		checkInstantsRun(t, o, "2024-03-04T14:00:00Z", "2024-03-04T18:00:00Z", 5,
			[]instantFill{{"2024-03-04T15:00:00Z", e6 / 104, 104}}, e6*107/104)
		if got := settingsOf(t, o); got["start"] != "2024-03-04T14:00:00Z" || got["end"] != "2024-03-04T19:00:00Z" {
			t.Errorf("manifest settings start %q, end %q", got["start"], got["end"])
		}
	})
	t.Run("cold", func(t *testing.T) {
		// warmup = false: nothing before 14:00Z. The 3-bar SMA is first
		// full at 16:00Z: (100 + 104 + 105) / 3 = 103 < 105, long, bought
		// at the 17:00Z open, 106: 1,000,000 × 107 / 106 = 1,009,433.962264.
		o := instantsRun(t, "start = \"2024-03-04T14:00:00Z\"\nend = \"2024-03-04T19:00:00Z\"\nwarmup = false")
		checkInstantsRun(t, o, "2024-03-04T14:00:00Z", "2024-03-04T18:00:00Z", 5,
			[]instantFill{{"2024-03-04T17:00:00Z", e6 / 106, 106}}, e6*107/106)
	})
	t.Run("start inside a bar", func(t *testing.T) {
		// start 13:30Z: the first bar at or after it is 14:00Z's, as above.
		// end 18:30Z falls inside the 18:00Z bar, which closes at 19:00Z:
		// it is left out (as a daily bar closing after an end is), and the
		// curve is 14:00–17:00Z (4 points), the last close 106:
		// 1,000,000 × 106 / 104 = 1,019,230.769231.
		o := instantsRun(t, "start = \"2024-03-04T13:30:00Z\"\nend = \"2024-03-04T18:30:00Z\"")
		checkInstantsRun(t, o, "2024-03-04T14:00:00Z", "2024-03-04T17:00:00Z", 4,
			[]instantFill{{"2024-03-04T15:00:00Z", e6 / 104, 104}}, e6*106/104)
	})
	t.Run("date", func(t *testing.T) {
		// A date is 00:00 UTC: every bar is replayed. 12:00Z: SMA(3) =
		// (100 + 101 + 102) / 3 = 101 < 102, long: 13:00Z open 96, qty
		// 1,000,000 / 96; 13:00Z: (101 + 102 + 96) / 3 = 99.67 > 96, flat:
		// sold at 14:00Z's 100, cash 1,000,000 × 100 / 96; 14:00Z long
		// again (as above): bought at 104; held to 21:00Z (each close
		// above its SMA), close 110: 1,000,000 × 100 / 96 × 110 / 104 =
		// 1,101,762.820513.
		fills := []instantFill{{"2024-03-04T13:00:00Z", e6 / 96, 96}, {"2024-03-04T14:00:00Z", -e6 / 96, 100},
			{"2024-03-04T15:00:00Z", e6 * 100 / 96 / 104, 104}}
		date := instantsRun(t, `start = "2024-03-04"`)
		checkInstantsRun(t, date, "2024-03-04T10:00:00Z", "2024-03-04T21:00:00Z", 12, fills, e6*100/96*110/104)
		// The same instant written as one: the same bytes.
		midnight := instantsRun(t, `start = "2024-03-04T00:00:00Z"`)
		for _, name := range []string{"equity.csv", "fills.csv", "metrics.json"} {
			a, errA := os.ReadFile(filepath.Join(date.Dir, "runs", "sma", name))
			b, errB := os.ReadFile(filepath.Join(midnight.Dir, "runs", "sma", name))
			if errA != nil || errB != nil || string(a) != string(b) {
				t.Errorf("%s differs between start = 2024-03-04 and 2024-03-04T00:00:00Z (%v, %v)", name, errA, errB)
			}
		}
		if got := settingsOf(t, date); got["start"] != "2024-03-04" {
			t.Errorf("manifest settings start %q, want the date as written", got["start"])
		}
	})
}

// TOML's own dates and date-times (unquoted) are the same bounds as the
// strings: start = 2024-03-04T09:00:00-05:00 (14:00Z) and end =
// 2024-03-04T19:00:00Z give the run of the "instants" case of
// TestStartEndInstants (bought at 15:00Z's 104, the last close 107), and
// start = 2024-03-04 the "date" case's every bar (12 points, last close
// 110, bought at 96 and 104, sold at 100 between).
func TestStartEndTOMLValues(t *testing.T) {
	const e6 = 1_000_000.0
	o := instantsRun(t, "start = 2024-03-04T09:00:00-05:00\nend = 2024-03-04T19:00:00Z")
	checkInstantsRun(t, o, "2024-03-04T14:00:00Z", "2024-03-04T18:00:00Z", 5,
		[]instantFill{{"2024-03-04T15:00:00Z", e6 / 104, 104}}, e6*107/104)
	if got := settingsOf(t, o); got["start"] != "2024-03-04T14:00:00Z" || got["end"] != "2024-03-04T19:00:00Z" {
		t.Errorf("manifest settings start %q, end %q", got["start"], got["end"])
	}
	o = instantsRun(t, "start = 2024-03-04")
	checkInstantsRun(t, o, "2024-03-04T10:00:00Z", "2024-03-04T21:00:00Z", 12,
		[]instantFill{{"2024-03-04T13:00:00Z", e6 / 96, 96}, {"2024-03-04T14:00:00Z", -e6 / 96, 100},
			{"2024-03-04T15:00:00Z", e6 * 100 / 96 / 104, 104}}, e6*100/96*110/104)
	if got := settingsOf(t, o); got["start"] != "2024-03-04" {
		t.Errorf("manifest settings start %q, want the date as written", got["start"])
	}
	// The other keys that take a date or an instant, unquoted.
	f, err := Parse("x.toml", `name = "x"
start = 2024-01-02
end = 2024-06-03T00:00:00Z
scenario_start = 2024-03-04T09:30:00-05:00
prices = "raw"
[[splits]]
symbol = "NVDA"
date = 2024-02-01
ratio = 4.0
[costs.equity]
borrow_recall = 2024-05-01T14:30:00Z
[montecarlo]
paths = 10
from = 2024-01-15
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
	if err != nil {
		t.Fatal(err)
	}
	if f.Start != "2024-01-02" || f.End != "2024-06-03T00:00:00Z" || f.ScenarioStart != "2024-03-04T09:30:00-05:00" ||
		f.Splits[0].Date != "2024-02-01" || *f.Costs.Equity.BorrowRecall != "2024-05-01T14:30:00Z" || f.MonteCarlo.From != "2024-01-15" {
		t.Errorf("read start %q, end %q, scenario_start %q, splits date %q, borrow_recall %q, montecarlo.from %q",
			f.Start, f.End, f.ScenarioStart, f.Splits[0].Date, *f.Costs.Equity.BorrowRecall, f.MonteCarlo.From)
	}
}

// settingsOf reads the outcome's manifest.json settings by key.
func settingsOf(t *testing.T, o *Outcome) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m results.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range m.Settings {
		out[s.Key] = s.Value
	}
	return out
}

// Bad bounds name their key and say what is wanted.
func TestStartEndInstantErrors(t *testing.T) {
	for _, c := range []struct{ top, want string }{
		{`start = "2024-03-04T14:30:00"`, `start = "2024-03-04T14:30:00": an instant needs its zone: add Z (UTC) or an offset such as -05:00`},
		{`end = "2024/03/08"`, `end = "2024/03/08": want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with Z or an offset, such as 2024-03-04T14:30:00Z or 2024-03-04T09:30:00-05:00`},
		{`end = "2024-02-30"`, `end = "2024-02-30": not a day of the calendar (day out of range)`},
		{"start = \"2024-03-04T14:30:00Z\"\nend = \"2024-03-04T09:30:00-05:00\"", `end = 2024-03-04T09:30:00-05:00 is not after start = 2024-03-04T14:30:00Z`},
		{"start = \"2024-03-04\"\nend = \"2024-03-03T19:00:00-05:00\"", `end = 2024-03-03T19:00:00-05:00 is not after start = 2024-03-04`},
		{`scenario_start = "2024-03-05T10:00"`, `scenario_start = "2024-03-05T10:00": want a date YYYY-MM-DD`},
		// Unquoted: TOML's date-time without a zone, its time of day and a
		// number, each named as written.
		{`start = 2024-03-04T14:30:00`, `start = 2024-03-04T14:30:00: an instant needs its zone: add Z (UTC) or an offset such as -05:00`},
		{`end = 14:30:00`, `end = 14:30:00: a time of day has no date`},
		{`start = 20240304`, `start = 20240304: want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant`},
		// A date key takes a TOML date; an instant there is refused.
		{"[montecarlo]\npaths = 10\nfrom = 2024-01-15T12:00:00Z", `montecarlo.from: data: date "2024-01-15T12:00:00Z" is not YYYY-MM-DD`},
	} {
		_, err := Parse("x.toml", `name = "x"
`+c.top+`
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %s", c.top, err, c.want)
		}
	}
}

// scenario_start at an instant places day 0 of a scenario's day-offset
// shocks there on intraday bars: a −30% jump at day 0 with
// scenario_start 15:00Z first moves the 15:00Z bar.
func TestScenarioStartInstant(t *testing.T) {
	dir := t.TempDir()
	instantsMarket(t, dir)
	o, err := runIn(t, dir, `name = "x"
scenario_start = "2024-03-04T10:00:00-05:00"
[data]
dir = "."
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
[[scenario]]
name = "crash"
[[scenario.shock]]
type = "jump"
symbols = ["TOK"]
day = 0
move = -0.3
`)
	if err != nil {
		t.Fatal(err)
	}
	// buy-and-hold decides at 10:00Z and buys at the 11:00Z open, 101:
	// qty = 1,000,000 / 101. Unshocked, equity at 14:00Z = qty × 100 and
	// at 15:00Z = qty × 104; under the jump (10:00-05:00 = 15:00Z) the
	// 15:00Z bar and every later one are × 0.7: 14:00Z unchanged, 15:00Z
	// qty × 72.8.
	var base, shocked *RunResult
	for k := range o.Runs {
		if o.Runs[k].Scenario == "" {
			base = &o.Runs[k]
		} else {
			shocked = &o.Runs[k]
		}
	}
	if base == nil || shocked == nil {
		t.Fatalf("runs: %d, want the baseline and the scenario", len(o.Runs))
	}
	qty := 1_000_000.0 / 101
	for _, w := range []struct {
		r      *RunResult
		at     string
		equity float64
	}{
		{base, "2024-03-04T14:00:00Z", qty * 100}, {base, "2024-03-04T15:00:00Z", qty * 104},
		{shocked, "2024-03-04T14:00:00Z", qty * 100}, {shocked, "2024-03-04T15:00:00Z", qty * 104 * 0.7},
	} {
		c := &w.r.Result.Curve
		found := false
		for k := range c.Time {
			if data.FormatTime(c.Time[k]) == w.at {
				found = true
				if math.Abs(c.Equity[k]-w.equity) > 1e-6 {
					t.Errorf("%q at %s: equity %.6f, want %.6f", w.r.Scenario, w.at, c.Equity[k], w.equity)
				}
			}
		}
		if !found {
			t.Errorf("%q: no curve point at %s", w.r.Scenario, w.at)
		}
	}
}

// The synthetic intraday market begins at 00:00 UTC of start's day (the
// generator's days start at midnight): a start at 14:30Z has that day's
// bars from 00:00Z as warm-up, and the runs start at the first hourly bar
// at or after 14:30Z, 15:00Z.
func TestStartInstantSyntheticIntraday(t *testing.T) {
	o, err := runIn(t, t.TempDir(), `name = "x"
start = "2025-01-06T14:30:00Z"
[data]
synthetic = true
interval = "1h"
days = 3
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := data.FormatTime(o.Panel.Series[o.Panel.Index("TAO")].Time[0]); got != "2025-01-06T00:00:00Z" {
		t.Errorf("TAO's first bar %s, want 2025-01-06T00:00:00Z", got)
	}
	if got := data.FormatTime(o.Runs[0].Result.Curve.Time[0]); got != "2025-01-06T15:00:00Z" {
		t.Errorf("the run starts at %s, want 2025-01-06T15:00:00Z", got)
	}
}

// The notes and errors on a start at an instant name the bars by their
// instants: TOK's bars run 10:00Z to 21:00Z.
func TestStartInstantNotes(t *testing.T) {
	o := instantsRun(t, `start = "2024-03-04T08:00:00Z"`)
	want := "start = 2024-03-04T08:00:00Z is before the data: the runs start with its first bar, on 2024-03-04T10:00:00Z"
	if !strings.Contains(strings.Join(o.Notes, "\n"), want) {
		t.Errorf("notes lack %q:\n%s", want, strings.Join(o.Notes, "\n"))
	}
	dir := t.TempDir()
	instantsMarket(t, dir)
	_, err := runIn(t, dir, `name = "x"
start = "2024-03-04T21:30:00Z"
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
`)
	if want := "start = 2024-03-04T21:30:00Z: no bars on or after it (data ends 2024-03-04T21:00:00Z)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("start after the data: %v, want %s", err, want)
	}
}

// A window that holds no bar of the data, which goes on past it, says so,
// not that the data end: 2019-03-02 is a Saturday and end is exclusive,
// so an equity has no bar from start to end, its last before end being
// Friday 2019-03-01.
func TestEmptyWindowSaysSo(t *testing.T) {
	f, err := Parse("x.toml", `name = "x"
start = "2019-03-02"
end = "2019-03-04"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["MSFT"]
`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	// Named by the experiment's file, as a parse error is.
	want := "x.toml: start = 2019-03-02, end = 2019-03-04: no bars between them (the last bar before end is on 2019-03-01; the data go on to "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "): widen the window") {
		t.Errorf("got %v, want %q", err, want)
	}
}
