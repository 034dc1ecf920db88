package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
)

// A walk-forward whose stitched out-of-sample equity fell below 0 says
// so under its line. On real data (long NVDA/MSFT/AMD, short FET at gross
// 2, 2022-09 to 2025-07) window 2 lost 121.8 % and the stitched curve went
// on from -253,000: window 7's loss of 129.9 % turned it positive, and the
// line read "total return -98.67 %, Sharpe 0.95" with no word of the ruin.
// Here, by hand: cash 100; window 1 (days 0-1) ends at 50; window 2 (days
// 2-4) goes 50 → -10 (first point at or below 0: day 3, in window 2) →
// +20 (a 300 % "loss" compounded onto -10).
func TestWalkForwardRuinNote(t *testing.T) {
	d := func(k int) int64 { return int64(19000+k) * data.NanosPerDay }
	wf := experiment.WalkForward{
		Strategy: "hedge",
		Windows:  []experiment.Window{{ISStart: d(-10), ISEnd: d(0), OOSStart: d(0), OOSEnd: d(2)}, {ISStart: d(-8), ISEnd: d(2), OOSStart: d(2), OOSEnd: d(5)}},
		Curve: engine.Curve{Time: []int64{d(0), d(1), d(2), d(3), d(4)}, Equity: []float64{100, 50, 50, -10, 20},
			Cash: make([]float64, 5), Gross: make([]float64, 5), Net: make([]float64, 5), Drawdown: make([]float64, 5)},
	}
	got := wfRuinNote(&wf)
	want := "walk-forward hedge: the stitched out-of-sample equity fell to -10.00 on " + data.FormatStamp(d(3)) + ", in window 2 (ruin)"
	if !strings.HasPrefix(got, want) {
		t.Errorf("note %q, want it to start %q", got, want)
	}
	var b bytes.Buffer
	printWalkForward(&b, &experiment.Outcome{Cash: 100, PeriodsPerYear: 365, WalkForward: []experiment.WalkForward{wf}})
	if !strings.Contains(b.String(), "note: "+want) {
		t.Errorf("printed:\n%s\nwant the note %q", b.String(), want)
	}
	// Never at or below 0: no note.
	wf.Curve.Equity = []float64{100, 50, 50, 1, 20}
	if n := wfRuinNote(&wf); n != "" {
		t.Errorf("a curve above 0 throughout: note %q", n)
	}
}
