package report

import (
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// A run whose first point stands below its cash (a fill at the first
// bar's close paid its costs before it) is drawn from the cash, as its
// metrics measure it: the page's growth divides by C, the cash, and its
// drawdown starts from the cash as the first peak. Cash 100, equity 98,
// 99, 97, 102: drawdown −2 %, −1 %, −3 %, 0 %. Before, the page took 98
// as the base and the peak (drawdown 0, 0, −2.04 %, 0: max_drawdown's
// −3 % was nowhere). A walk-forward's stitched curve of the same values
// grows from the cash too: 0.98 … 1.02, its total return of +2 %, where
// the first point's base made it 1.0408.
func TestReportFromTheInitialCash(t *testing.T) {
	tm := make([]int64, 4)
	for k := range tm {
		tm[k] = time.Date(2024, 1, 2+k, 0, 0, 0, 0, time.UTC).UnixNano()
	}
	eq := []float64{98, 99, 97, 102}
	rec := results.RunRecord{Run: "a", Strategy: "s", Cash: 100}
	f, err := New(Input{Runs: []results.RunRecord{rec}, Equity: []charts.Series{{Name: "a", Time: tm, Values: eq}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := buildPayload(f, charts.NewPalette([]string{f.Runs[0].Name}), []int{0}, 2, 252, nil, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	jr := p.Runs[0]
	if jr.C != 100 {
		t.Errorf("the growth's base C = %g, want the cash, 100", float64(jr.C))
	}
	for k, want := range []float64{-0.02, -0.01, -0.03, 0} {
		if got := float64(jr.DD.V[k]); math.Abs(got-want) > 1e-12 {
			t.Errorf("drawdown[%d] = %g, want %g", k, got, want)
		}
	}
	wf := walkForwardLines(f, charts.NewPalette([]string{f.Runs[0].Name}), WalkForward{Strategy: "s", Windows: &Table{}, Equity: tm, Values: eq}, nil)
	for k, want := range []float64{0.98, 0.99, 0.97, 1.02} {
		if got := float64(wf.OOS.V[k]); math.Abs(got-want) > 1e-12 {
			t.Errorf("walk-forward growth[%d] = %g, want %g", k, got, want)
		}
	}
}
