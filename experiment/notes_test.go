package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The run's notes say what the reader did to a file (rows newest first,
// read in reverse; one line for the files it did the same to) and that
// start and end lie beyond the data (the runs span only its bars): none
// of it silently.
func TestRunNotesDataBeyondDates(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.Mkdir(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for d := 31; d >= 2; d-- { // 2024-01-31 down to 2024-01-02, newest first
		fmt.Fprintf(&b, "2024-01-%02d,10,11,9,10.5,100\n", d)
	}
	for _, sym := range []string{"AAA", "BBB"} {
		if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(start, end string) string {
		return "name = \"notes\"\nstart = \"" + start + "\"\nend = \"" + end + "\"\n[data]\ndir = \"prices\"\n" +
			"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\", \"BBB\"]\n"
	}
	o, err := runIn(t, dir, text("2023-06-01", "2024-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(o.Notes, "\n")
	for _, want := range []string{
		"AAA, BBB: rows are newest first", // one note for both files
		"start = 2023-06-01 is before the data: the runs start with its first bar, on 2024-01-02",
		"end = 2024-06-01 is after the data: the runs end with its last bar, on 2024-01-31",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	// Dates within the data: no such note.
	if o, err = runIn(t, dir, text("2024-01-05", "2024-01-20")); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(o.Notes, "\n"); strings.Contains(all, "is before the data") || strings.Contains(all, "is after the data") {
		t.Errorf("dates within the data noted:\n%s", all)
	}
}

// ruinNote names the first point where the equity is 0 or below, and is
// empty for a curve that stays positive.
func TestRuinNote(t *testing.T) {
	day := int64(24 * 3600 * 1e9)
	c := engine.Curve{Time: []int64{0, day, 2 * day, 3 * day}, Equity: []float64{100, 5, -7985.666, 10}}
	want := "run h: equity fell to -7985.67 on 1970-01-03 (ruin)"
	if got := ruinOf("h", &c).note; !strings.HasPrefix(got, want) {
		t.Errorf("%q, want %q…", got, want)
	}
	c.Equity[2] = 0.01
	if got := ruinOf("h", &c).note; got != "" {
		t.Errorf("positive curve: %q", got)
	}
	c.Time[1], c.Equity[1] = day+13*3600*1e9, 0 // an intraday point at 0 is named by its instant
	if got := ruinOf("h", &c).note; !strings.HasPrefix(got, "run h: equity fell to 0.00 on 1970-01-02T13:00:00Z") {
		t.Errorf("intraday: %q", got)
	}
}

// fundingCoverage notes a hole inside a funding file (a step over twice
// its usual 8 hours, within the run) and a rate of 1% or more per event
// (a file written in percent); a regular file of usual rates gets no note.
func TestFundingCoverageNotes(t *testing.T) {
	const h8 = 8 * 3600 * int64(1e9)
	day := data.Day(2024, 1, 1)
	p := &data.Panel{Series: []data.Series{{Instrument: data.Instrument{Symbol: "BTC", Class: data.Crypto}}}}
	for d := int64(0); d < 10; d++ {
		p.Series[0].Time = append(p.Series[0].Time, day+d*data.NanosPerDay)
	}
	var fu engine.Funding
	// Every 8 hours, event k at 2024-01-01 + 8k hours: 2023-12-31 00:00
	// (k = −3) to 2024-01-11 16:00 (k = 32); the hole runs from event 5
	// (40 h, 2024-01-02 16:00) to event 12 (96 h, 2024-01-05 00:00).
	for k := int64(-3); k < 33; k++ {
		if k >= 6 && k < 12 { // 48 h to 88 h missing: 2024-01-03 00:00 to 2024-01-04 16:00
			continue
		}
		fu.Times = append(fu.Times, day+k*h8)
		fu.Rates = append(fu.Rates, 0.0001)
	}
	cfg := engine.Config{Symbols: map[string]engine.Terms{"BTC": {Funding: fu}}}
	notes := fundingCoverage(cfg, p, 0)
	if len(notes) != 1 || notes[0] != "BTC's funding file has 1 hole(s) within the run, 6 event(s) missing (its events are usually 8h apart), the first from 2024-01-02T16:00:00Z to 2024-01-05T00:00:00Z: no funding is charged across them" {
		t.Errorf("hole: %q", notes)
	}
	fu.Rates[4] = -0.037 // 2024-01-01 08:00
	cfg.Symbols["BTC"] = engine.Terms{Funding: fu}
	notes = fundingCoverage(cfg, p, 0)
	if len(notes) != 2 || !strings.HasPrefix(notes[1], "BTC's funding file has a rate of 0.037 per event (2024-01-01T08:00:00Z), 3.7%") {
		t.Errorf("percent: %q", notes)
	}
	// No hole, usual rates: nothing to say.
	fu = engine.Funding{}
	for k := int64(-3); k < 33; k++ {
		fu.Times, fu.Rates = append(fu.Times, day+k*h8), append(fu.Rates, 0.0001)
	}
	cfg.Symbols["BTC"] = engine.Terms{Funding: fu}
	if notes := fundingCoverage(cfg, p, 0); len(notes) != 0 {
		t.Errorf("regular file: %q", notes)
	}
	// Stamped as Binance stamps its events, each a few ms late and not
	// by the same amount (0, 1, ..., 6 ms: steps of 8 h ± 6 ms), with
	// single events missing: event 10 (2024-01-04 08:00) and event 20
	// (2024-01-07 16:00), each a step of 16 h. Two holes of one event
	// each; before, a hole had to be over twice the usual step and
	// neither was noted.
	fu = engine.Funding{}
	for k := int64(-3); k < 33; k++ {
		if k == 10 || k == 20 {
			continue
		}
		fu.Times, fu.Rates = append(fu.Times, day+k*h8+(k+3)%7*1e6), append(fu.Rates, 0.0001)
	}
	cfg.Symbols["BTC"] = engine.Terms{Funding: fu}
	// Event 9 is at 72 h + (12 % 7) ms = 2024-01-04T00:00:00.005Z, event
	// 11 at 88 h + (14 % 7) ms = 2024-01-04T16:00:00Z.
	want := "BTC's funding file has 2 hole(s) within the run, 2 event(s) missing (its events are usually 8h apart), the first from 2024-01-04T00:00:00.005Z to 2024-01-04T16:00:00Z: no funding is charged across them"
	if notes := fundingCoverage(cfg, p, 0); len(notes) != 1 || notes[0] != want {
		t.Errorf("single missing events:\n%q\nwant\n%q", notes, want)
	}
	// A contract moved from 8-hourly to 4-hourly events: every 8 h from
	// 2023-12-31 00:00 (−24 h) to 2024-01-03 00:00 (48 h), the event at
	// 24 h missing; then every 4 h to 2024-01-12 00:00 (264 h), the event
	// at 100 h missing. The median step is 4 h (54 steps of 4 h against 8
	// of 8 h). The 8-hour steps are not holes (8 h is not over twice 4 h,
	// and not over 1.5 of the steps beside it); the step of 16 h (16 h to
	// 32 h) is one, over twice 4 h, missing (16 + 4) / 8 − 1 = 1 event at
	// its neighbours' 8 h; the step of 8 h from 96 h to 104 h is one, over
	// 1.5 of 4 h and of its neighbours' 4 h, missing (8 + 2) / 4 − 1 = 1.
	fu = engine.Funding{}
	for h := int64(-24); h <= 264; {
		if h != 24 && h != 100 {
			fu.Times, fu.Rates = append(fu.Times, day+h*3600*1e9), append(fu.Rates, 0.0001)
		}
		if h < 48 {
			h += 8
		} else {
			h += 4
		}
	}
	cfg.Symbols["BTC"] = engine.Terms{Funding: fu}
	want = "BTC's funding file has 2 hole(s) within the run, 2 event(s) missing (its events are usually 4h apart), the first from 2024-01-01T16:00:00Z to 2024-01-02T08:00:00Z: no funding is charged across them"
	if notes := fundingCoverage(cfg, p, 0); len(notes) != 1 || notes[0] != want {
		t.Errorf("8-hourly then 4-hourly:\n%q\nwant\n%q", notes, want)
	}
}

// The ends of a funding file are compared with the run's events, not with
// its bars' stamps. Daily bars 2024-01-01 .. 2024-01-10: the last bar
// settles the events of 2024-01-10 00:00, 08:00 and 16:00, so the run's
// events fall in [2024-01-01T00:00Z, 2024-01-11T00:00Z).
//   - A file stamped as Binance stamps it, each event a few ms late
//     (00:00:00.002), from 2024-01-01T00:00:00.002Z to
//     2024-01-10T16:00:00.002Z covers the run: no note (the first event
//     is 2 ms after the first bar's stamp, well within half the 8 h
//     interval; it was noted as not covering the run).
//   - The same file stopping at 2024-01-10T00:00:00.002Z leaves the last
//     day's 08:00 and 16:00 events unpaid: a note (there was none, for
//     00:00 of the last day was not before the last bar's stamp).
//     Stamped on the hour, the same (there was no note either).
//   - Starting at 2024-01-01T08:00:00.002Z leaves the first day's 00:00
//     event out: a note.
func TestFundingCoverageEnds(t *testing.T) {
	const h8, ms = 8 * 3600 * int64(1e9), int64(1e6)
	day := data.Day(2024, 1, 1)
	p := &data.Panel{Series: []data.Series{{Instrument: data.Instrument{Symbol: "BTC", Class: data.Crypto}, Interval: data.Daily}}}
	for d := int64(0); d < 10; d++ {
		p.Series[0].Time = append(p.Series[0].Time, day+d*data.NanosPerDay)
	}
	file := func(from, to, late int64) engine.Funding { // events k = from..to, at 8k h + late
		var fu engine.Funding
		for k := from; k <= to; k++ {
			fu.Times, fu.Rates = append(fu.Times, day+k*h8+late), append(fu.Rates, 0.0001)
		}
		return fu
	}
	notes := func(fu engine.Funding) []string {
		return fundingCoverage(engine.Config{Symbols: map[string]engine.Terms{"BTC": {Funding: fu}}}, p, 0)
	}
	// 10 days × 3 events: k = 0 (01-01 00:00) .. 29 (01-10 16:00).
	if got := notes(file(0, 29, 2*ms)); len(got) != 0 {
		t.Errorf("a file covering the run, stamped 2 ms late: %q", got)
	}
	// k = 27 is 2024-01-10 00:00.
	want := "BTC's funding file has events from 2024-01-01T00:00:00.002Z to 2024-01-10T00:00:00.002Z, the run's bars of BTC settle those from 2024-01-01 to before 2024-01-11: no funding is charged outside the file"
	if got := notes(file(0, 27, 2*ms)); len(got) != 1 || got[0] != want {
		t.Errorf("a file stopping at 00:00 of the last day:\n got %q\nwant %q", got, want)
	}
	if got := notes(file(0, 27, 0)); len(got) != 1 || !strings.HasSuffix(got[0], "no funding is charged outside the file") {
		t.Errorf("a file stopping at 00:00 of the last day, stamped on the hour: %q", got)
	}
	if got := notes(file(1, 29, 2*ms)); len(got) != 1 || !strings.HasPrefix(got[0], "BTC's funding file has events from 2024-01-01T08:00:00.002Z to 2024-01-10T16:00:00.002Z") {
		t.Errorf("a file starting at 08:00 of the first day: %q", got)
	}
	// A file wholly after the run (k = 30 is 2024-01-11 00:00, the run's
	// end), as the shared 2026 Binance files are after the shared prices:
	// the note says the instrument pays nothing.
	want = "BTC's funding file has events from 2024-01-11T00:00:00.002Z to 2024-01-12T16:00:00.002Z, the run's bars of BTC settle those from 2024-01-01 to before 2024-01-11: none falls within the run: BTC pays no funding"
	if got := notes(file(30, 35, 2*ms)); len(got) != 1 || got[0] != want {
		t.Errorf("a file after the run:\n got %q\nwant %q", got, want)
	}
}

// Up to maxRuinNotes ruined runs are noted one by one; more are one
// note naming each run and the date of its ruin, in run order. Run k of
// five falls to -1 on day k+1 (1970-01-02 … 1970-01-06); a run that stays
// positive is not named.
func TestRuinNotesGrouped(t *testing.T) {
	day := int64(24 * 3600 * 1e9)
	var ruined []ruin
	for k := range 5 {
		c := engine.Curve{Time: []int64{0, day, 2 * day, 3 * day, 4 * day, 5 * day}, Equity: []float64{100, 90, 80, 70, 60, 50}}
		c.Equity[k+1] = -1
		ruined = append(ruined, ruinOf(fmt.Sprintf("r%d", k), &c))
	}
	ok := engine.Curve{Time: []int64{0, day}, Equity: []float64{100, 101}}
	ruined = append(ruined[:2], append([]ruin{ruinOf("fine", &ok)}, ruined[2:]...)...)

	three := ruinNotes(ruined[:4]) // r0, r1, fine, r2
	if len(three) != 3 || !strings.HasPrefix(three[2], "run r2: equity fell to -1.00 on 1970-01-04 (ruin)") {
		t.Errorf("three ruined runs: %q", three)
	}
	all := ruinNotes(ruined)
	want := "5 runs were ruined, their equity at or below 0 (the runs table's ruined column): r0 on 1970-01-02, r1 on 1970-01-03, r2 on 1970-01-04, r3 on 1970-01-05, r4 on 1970-01-06; the returns after each ruin"
	if len(all) != 1 || !strings.HasPrefix(all[0], want) {
		t.Errorf("five ruined runs: %q\nwant one note beginning %q", all, want)
	}
}
