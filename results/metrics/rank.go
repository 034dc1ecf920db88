package metrics

import (
	"math"
	"sort"
)

// LowerIsBetter reports whether a smaller value of the named metric is
// the better one: "annual_volatility" (every other headline metric,
// drawdowns included since they are ≤ 0, is better higher).
func LowerIsBetter(metric string) bool { return metric == "annual_volatility" }

// Better reports whether x is a better value than y of the named metric
// (see [LowerIsBetter]). NaN is never better than anything, and anything
// not NaN is better than NaN; equal values are not better.
func Better(metric string, x, y float64) bool {
	if math.IsNaN(x) {
		return false
	}
	if math.IsNaN(y) {
		return true
	}
	if LowerIsBetter(metric) {
		return x < y
	}
	return x > y
}

// Rank returns the indices of values ordered best first by the named
// metric ([Better]): NaN last, ties in index order.
func Rank(metric string, values []float64) []int {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return Better(metric, values[idx[a]], values[idx[b]]) })
	return idx
}
