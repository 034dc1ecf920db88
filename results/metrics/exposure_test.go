package metrics

import (
	"math"
	"testing"
)

func TestExposureTimeAndTurnover(t *testing.T) {
	// 5 points, a position at 3 of them (the NaN is skipped): 3/5.
	if got := ExposureTime([]float64{0, 10, math.NaN(), 5, 0, 7}); got != 0.6 {
		t.Errorf("exposure time %g, want 0.6", got)
	}
	if !math.IsNaN(ExposureTime(nil)) {
		t.Error("empty exposure is not NaN")
	}
	// 504 daily points (two years at 252), mean equity 100: 400 traded is
	// 400 / 100 / 2 = 2 a year.
	eq := make([]float64, 504)
	for i := range eq {
		eq[i] = 90 + 20*float64(i%2) // 90, 110, …: mean 100
	}
	if got := Turnover(400, eq, 252); math.Abs(got-2) > 1e-12 {
		t.Errorf("turnover %g, want 2", got)
	}
	if !math.IsNaN(Turnover(1, nil, 252)) {
		t.Error("turnover of no curve is not NaN")
	}
}
