package metrics_test

import (
	"math"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

func TestRank(t *testing.T) {
	nan := math.NaN()
	values := []float64{0.5, nan, 1.2, 0.5, -0.3}
	cases := []struct {
		metric string
		want   []int
	}{
		// Highest first; the tie at 0.5 keeps index order; NaN last.
		{"sharpe", []int{2, 0, 3, 4, 1}},
		// Lowest first for volatility; NaN still last.
		{"annual_volatility", []int{4, 0, 3, 2, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.metric, func(t *testing.T) {
			if got := metrics.Rank(tc.metric, values); !slices.Equal(got, tc.want) {
				t.Errorf("Rank = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBetter(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		metric string
		x, y   float64
		want   bool
	}{
		{"sharpe", 2, 1, true},
		{"sharpe", 1, 2, false},
		{"sharpe", 1, 1, false},
		{"max_drawdown", -0.1, -0.3, true}, // drawdowns are ≤ 0: shallower is better
		{"annual_volatility", 0.1, 0.2, true},
		{"annual_volatility", 0.2, 0.1, false},
		{"sharpe", 1, nan, true},
		{"sharpe", nan, 1, false},
		{"sharpe", nan, nan, false},
	}
	for _, tc := range cases {
		if got := metrics.Better(tc.metric, tc.x, tc.y); got != tc.want {
			t.Errorf("Better(%s, %g, %g) = %v, want %v", tc.metric, tc.x, tc.y, got, tc.want)
		}
	}
}
