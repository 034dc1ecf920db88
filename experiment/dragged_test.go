package experiment

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// A run whose returns alternate +50 % and −40 % for 10 periods has a
// positive mean return a period and loses money, and is noted; one that
// gains is not. By hand: the equity goes 100 → 150 → 90 → … and ends at
// 100 × (1.5 × 0.6)^5 = 59.049, a total return of −40.951 %; the mean
// return is (0.5 − 0.4)/2 = 0.05, its deviations ±0.45, the sample
// variance 10 × 0.2025 / 9 = 0.225, the standard deviation 0.474342,
// and the Sharpe ratio at 252 periods a year 0.05 / 0.474342 × √252 =
// 1.6733; the volatility 0.474342 × √252 = 753 % a year.
func TestDraggedNote(t *testing.T) {
	curve := func(up, down float64) *engine.Result {
		r := &engine.Result{Initial: 100}
		eq := 100.0
		for k := range 11 {
			if k > 0 {
				if k%2 == 1 {
					eq *= 1 + up
				} else {
					eq *= 1 + down
				}
			}
			r.Curve.Time = append(r.Curve.Time, int64(k)*86_400e9)
			r.Curve.Equity = append(r.Curve.Equity, eq)
		}
		return r
	}
	lose := results.Measure(curve(0.5, -0.4), 252)
	if math.Abs(lose.TotalReturn+0.40951) > 1e-9 || math.Abs(lose.Sharpe-1.6733) > 1e-4 {
		t.Fatalf("total return %g, Sharpe %g; want -0.40951 and 1.6733", lose.TotalReturn, lose.Sharpe)
	}
	gain := results.Measure(curve(0.5, -0.2), 252) // 1.5 × 0.8 = 1.2 a pair of periods
	runs := []RunResult{
		{RunSpec: RunSpec{Key: "lose"}, Metrics: lose},
		{RunSpec: RunSpec{Key: "gain"}, Metrics: gain},
		{RunSpec: RunSpec{Key: "lose@shock"}, View: 1, Metrics: lose},
	}
	got := dragged(runs)
	want := "1 run(s) with a positive Sharpe ratio lost money: lose (Sharpe 1.67, total return -40.95%, volatility 753% a year); their mean return a period is positive"
	if !strings.HasPrefix(got, want) {
		t.Errorf("note:\n%s\nwant it to begin:\n%s", got, want)
	}
	if dragged(runs[1:2]) != "" {
		t.Error("a run that gained was noted")
	}
}
