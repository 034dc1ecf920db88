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
	// of them, long EQ, short TOK.
	run := func(write func(dir string)) (*Outcome, error) {
		dir := t.TempDir()
		write(dir)
		f, err := Parse("weekly.toml", fmt.Sprintf(`name = "weekly"
cash = 100000.0
[data]
dir = %q
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["EQ"]
short = ["TOK"]
`, dir))
		if err != nil {
			t.Fatal(err)
		}
		return Run(t.Context(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	}

	// Both on Mondays: the runs go ahead, and trade.
	o, err := run(func(dir string) {
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
	_, err = run(func(dir string) {
		writeWeekly(t, dir, "EQ.csv", monday, 60)
		writeWeekly(t, dir, "TOK.csv", monday.AddDate(0, 0, 6), 60)
	})
	want := "data: series EQ's 1w bar of 2024-01-01 lasts until 2024-01-08, but TOK has a bar stamped 2024-01-07 inside it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("weekly bars off one grid: err = %v\nwant it to say %s", err, want)
	}

	// A weekly file beside a daily one: the hint names no bar that
	// resampling refuses.
	_, err = run(func(dir string) {
		writeWeekly(t, dir, "EQ.csv", monday, 60)
		writeCSV(t, dir, "TOK.csv", 400, func(k int) float64 { return 50 })
	})
	want = "not to 1w: give every series 1w bars, or EQ's at 1d like TOK's"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("weekly beside daily: err = %v\nwant it to say %s", err, want)
	}
}
