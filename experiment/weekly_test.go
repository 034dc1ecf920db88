package experiment

// Weekly price files: bars of one series longer than a day, revealed
// whole at their stamps, must not be open while another series' bar
// starts (data.Panel.CheckLongBars).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeWeekly writes a CSV of n weekly bars from first, the close rising
// by 1 a week from 100.
func writeWeekly(t *testing.T, dir, name string, first time.Time, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for k := range n {
		p := 100 + float64(k)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000000\n", first.AddDate(0, 0, 7*k).Format("2006-01-02"), p, p+1, p-1, p)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWeeklyFilesOnOneGrid(t *testing.T) {
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday
	// run writes EQ's and TOK's files with write and runs a pair hedge
	// of them, long EQ, short TOK, up to end ("" for none).
	run := func(end string, write func(dir string)) (*Outcome, error) {
		dir := t.TempDir()
		write(dir)
		if end != "" {
			end = fmt.Sprintf("end = %q\n", end)
		}
		f, err := Parse("weekly.toml", fmt.Sprintf(`name = "weekly"
cash = 100000.0
%s[data]
dir = %q
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["EQ"]
short = ["TOK"]
`, end, dir))
		if err != nil {
			t.Fatal(err)
		}
		return Run(t.Context(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	}

	// Both on Mondays: the runs go ahead, and trade.
	o, err := run("", func(dir string) {
		writeWeekly(t, dir, "EQ.csv", monday, 60)
		writeWeekly(t, dir, "TOK.csv", monday, 60)
	})
	if err != nil {
		t.Fatalf("weekly bars on one grid: %v", err)
	}
	fills := o.Runs[0].Result.Fills
	if len(fills) == 0 {
		t.Error("weekly bars on one grid: no fill")
	}
	for _, fl := range fills {
		if d := time.Unix(0, fl.Time).UTC(); d.Weekday() != time.Monday {
			t.Errorf("weekly bars on one grid: a fill of %s on %s, off the Mondays' grid", fl.Symbol, d.Format("2006-01-02 Mon"))
		}
	}

	// The token's weeks stamped on Sundays: a decision on the equity's
	// Monday bar (its close is that of the week to come) would fill the
	// token at its Sunday open six days later, before that close.
	_, err = run("", func(dir string) {
		writeWeekly(t, dir, "EQ.csv", monday, 60)
		writeWeekly(t, dir, "TOK.csv", monday.AddDate(0, 0, 6), 60)
	})
	want := "data: series EQ's 1w bar of 2024-01-01 lasts until 2024-01-08, but TOK has a bar stamped 2024-01-07 inside it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("weekly bars off one grid: err = %v\nwant it to say %s", err, want)
	}

	// A weekly file beside a daily one: the hint names no bar that
	// resampling refuses.
	_, err = run("", func(dir string) {
		writeWeekly(t, dir, "EQ.csv", monday, 60)
		writeCSV(t, dir, "TOK.csv", 400, func(k int) float64 { return 50 })
	})
	want = "resamples only to 1m, 5m, 15m, 1h, 4h or 1d: give every series 1w bars, or EQ's at 1d like TOK's"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("weekly beside daily: err = %v\nwant it to say %s", err, want)
	}

	// The token's weeks move to Sundays after 60 Mondays: bars the runs
	// never reach (after end, or after the equity's last bar when no end
	// is given) do not refuse them; bars they reach do.
	shift := func(eqWeeks int) func(dir string) {
		return func(dir string) {
			writeWeekly(t, dir, "EQ.csv", monday, eqWeeks)
			writeWeekly(t, dir, "TOK.csv", monday, 60)
			var b strings.Builder
			for k := range 10 {
				fmt.Fprintf(&b, "%s,160,161,159,160,1000000\n", monday.AddDate(0, 0, 7*60+6+7*k).Format("2006-01-02"))
			}
			f, err := os.OpenFile(filepath.Join(dir, "TOK.csv"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString(b.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Week 60 starts on 2025-02-24; the token's first Sunday is 03-02.
	for _, c := range []struct {
		end     string
		eqWeeks int
		refused bool
	}{
		{"2025-02-20", 80, false}, // an end before the Sundays
		{"", 60, false},           // no end: the runs stop after EQ's last bar, 2025-02-17
		{"2025-03-10", 80, true},  // an end after the first Sunday
		{"", 80, true},            // no end: the runs go on to the token's last bar
	} {
		_, err := run(c.end, shift(c.eqWeeks))
		switch {
		case c.refused && (err == nil || !strings.Contains(err.Error(), "TOK has a bar stamped 2025-03-02 inside it")):
			t.Errorf("end %q, %d weeks of EQ: err = %v, want the token's 2025-03-02 bar refused", c.end, c.eqWeeks, err)
		case !c.refused && err != nil:
			t.Errorf("end %q, %d weeks of EQ: %v", c.end, c.eqWeeks, err)
		}
	}
}

// Benchmarks are never traded: two weekly benchmarks stamped on
// different weekdays do not refuse a run of daily bars.
func TestWeeklyBenchmarksOffOneGrid(t *testing.T) {
	dir := t.TempDir()
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	writeCSV(t, dir, "EQ.csv", 300, func(k int) float64 { return 100 + float64(k%7) })
	writeWeekly(t, dir, "B1.csv", monday, 40)
	writeWeekly(t, dir, "B2.csv", monday.AddDate(0, 0, 6), 40)
	f, err := Parse("bench.toml", fmt.Sprintf(`name = "benchmarks"
cash = 100000.0
benchmarks = ["B1", "B2"]
[data]
dir = %q
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["EQ"]
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), f, Options{Out: t.TempDir(), Workers: 1}); err != nil {
		t.Errorf("weekly benchmarks off one grid: %v", err)
	}
}
