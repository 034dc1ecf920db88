package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeBadFactorPastEnd writes A.csv into dir: every weekday from
// 2024-01-01 to 2024-03-29, a flat raw close of 100 (open, high and low
// alike), adj_close equal to the close but from 2024-03-11 on, where it
// is 0.9 of it: adj_close/close falls from 1 to 0.9 going forward, which
// no dividend does (a dividend lowers the factor's past, not its
// future). It returns the CSV line of 2024-03-11, counted as written.
//
// By hand: the header is line 1; January 2024 has 23 weekdays (it starts
// on a Monday: 5 + 5 + 5 + 5 + 3), February 21 (from Thursday the 1st:
// 2 + 5 + 5 + 5 + 4), March 1–11 seven (1, 4–8, 11): 2024-03-11 is data
// row 23 + 21 + 7 = 51, line 52.
func writeBadFactorPastEnd(t *testing.T, dir string) int {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	line, bad := 1, 0
	cut := time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		line++
		f := 1.0
		if !d.Before(cut) {
			f = 0.9
		}
		if d.Equal(cut) {
			bad = line
		}
		fmt.Fprintf(&b, "%s,100,100,100,100,%.17g,1000000\n", d.Format("2006-01-02"), 100*f)
	}
	if err := os.WriteFile(filepath.Join(dir, "A.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if bad != 52 {
		t.Fatalf("2024-03-11 is on line %d, by hand 52", bad)
	}
	return bad
}

// replayReviewToml is a raw-price experiment (dividends_from =
// "adj_close") on dir's A.csv ending on 2024-02-29, with the scenario
// shock given.
func replayReviewToml(dir, shock string) string {
	return fmt.Sprintf(`name = "review"
cash = 10_000.0
commission_bps = 0.0
prices = "raw"
dividends_from = "adj_close"
start = "2024-01-02"
end = "2024-02-29"
[data]
dir = %q
classes = { A = "equity" }
[[scenario]]
name = "s"
[[scenario.shock]]
%s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
`, dir, shock)
}

// The replays' source reads its dividends from its own adj_close past
// the runs' end (experiment/scenarios.go replayDividends): a bad factor
// there (2024-03-11, after the end 2024-02-29) fails a replay of that
// window with an error naming the file and the line of the bar whose
// factor moved, as the run's own inference names it in the history.
func TestReviewReplaySourceBadFactorNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	line := writeBadFactorPastEnd(t, dir)
	_, err := runIn(t, dir, replayReviewToml(dir, `type = "transplant"
symbols = ["A"]
from = 2024-03-05
to = 2024-03-15
date = 2024-01-09`))
	if err == nil {
		t.Fatal("no error for a factor that rises past the end")
	}
	for _, want := range []string{"A.csv", "2024-03-11", fmt.Sprintf("A.csv:%d:", line)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// The same error names the file and the date in any case (the part of
// the message that holds today).
func TestReviewReplaySourceBadFactorNamesFile(t *testing.T) {
	dir := t.TempDir()
	writeBadFactorPastEnd(t, dir)
	_, err := runIn(t, dir, replayReviewToml(dir, `type = "transplant"
symbols = ["A"]
from = 2024-03-05
to = 2024-03-15
date = 2024-01-09`))
	if err == nil {
		t.Fatal("no error for a factor that rises past the end")
	}
	for _, want := range []string{"A.csv", "2024-03-11", "dividends_from", "the replays' source"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// A scenario that replays nothing (a jump of −10 % on 2024-01-15) reads
// no source past the runs' end: the factor past it, which no run and no
// shock reads, is not its concern, as it was not before the replays'
// source read its own dividends. Its view ends at 100 × (1 − 0.1) = 90.
func TestReviewJumpDoesNotReadReplaySource(t *testing.T) {
	dir := t.TempDir()
	writeBadFactorPastEnd(t, dir)
	o, err := runIn(t, dir, replayReviewToml(dir, `type = "jump"
symbols = ["A"]
date = 2024-01-15
move = -0.1`))
	if err != nil {
		t.Fatal(err)
	}
	c := o.Views[1].Panel.Series[0].Close
	if got := c[len(c)-1]; math.Abs(got-90) > 1e-9 {
		t.Errorf("the jump's last close = %v, want 90", got)
	}
}

// A Monte Carlo whose shock replays nothing (ai-bubble-burst: jumps and
// regimes) reads no replays' source either: the paths run (five of 20
// days).
func TestReviewMonteCarloJumpDoesNotReadReplaySource(t *testing.T) {
	dir := t.TempDir()
	writeBadFactorPastEnd(t, dir)
	text := replayReviewToml(dir, `type = "jump"
symbols = ["A"]
date = 2024-01-15
move = -0.1`) + `[montecarlo]
paths = 5
days = 20
mean_block = 5
shock = "ai-bubble-burst"
`
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.MonteCarlo) == 0 {
		t.Fatal("no Monte Carlo result")
	}
}
