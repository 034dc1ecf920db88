package metrics

import (
	"math"
	"testing"
)

// QuantileRank is the ⌈p·n⌉-th smallest value (nearest rank), by hand:
// of 5, 1, 4, 2, 3 (NaN left out), p = 0.2 gives the ⌈1⌉ = 1st, 1; p =
// 0.21 the ⌈1.05⌉ = 2nd, 2; p = 0.5 the ⌈2.5⌉ = 3rd, 3. Of 1…100, p =
// 1 − 0.95 (0.05000000000000004 in binary) gives the 5th, 5, not the 6th.
func TestQuantileRank(t *testing.T) {
	x := []float64{5, 1, math.NaN(), 4, 2, 3}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.2, 1}, {0.21, 2}, {0.5, 3}, {0.79, 4}, {0.8, 4}, {0.81, 5}, {1, 5}} {
		if got := QuantileRank(x, c.p); got != c.want {
			t.Errorf("p = %g: %g, want %g", c.p, got, c.want)
		}
	}
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i)
	}
	if got := QuantileRank(hundred, 1-0.95); got != 5 {
		t.Errorf("p = 1 − 0.95 of 1…100: %g, want 5", got)
	}
	if got := QuantileRank([]float64{math.NaN()}, 0.5); !math.IsNaN(got) {
		t.Errorf("no value: %g, want NaN", got)
	}
	if x[0] != 5 || x[1] != 1 {
		t.Error("x was reordered")
	}
}
