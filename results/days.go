package results

import (
	"math"

	"github.com/divergence-research/divergence/data"
)

// WorstDay is the smallest return over a UTC calendar day of an equity
// curve (t in UTC ns, one equity per time): a day's return is its last
// equity over the last equity of the day before, less 1; the first day's
// is its last equity over the curve's first point, less 1 (none when the
// first day has one point, as no return ends on it), or over the initial
// cash when the first point is not the cash (initial > 0: a first-bar
// close fill's costs, as results.RunReturns counts them). On a daily curve
// (one point per day) it is the worst one-step return, the summary's
// worst_period; on an intraday curve it compounds each day's bars, which
// worst_period does not (it is the worst bar). Days whose return is
// NaN (after a ruin, 0/0) are skipped; NaN when no day has a return.
func WorstDay(initial float64, t []int64, equity []float64) float64 {
	worst := math.NaN()
	if len(t) == 0 || len(t) != len(equity) {
		return worst
	}
	from, first := equity[0], 0
	if initial > 0 && equity[0] != initial {
		// The first day's costs before its first point count
		// (results.RunReturns' rule): its return runs from the cash.
		from, first = initial, -1
	}
	for i := 0; i < len(t); {
		day := data.DayNumber(t[i])
		j := i
		for j+1 < len(t) && data.DayNumber(t[j+1]) == day {
			j++
		}
		if j > first {
			// A return of NaN (0/0 after a ruin, a NaN equity) is
			// skipped, as the summary's worst_period skips it.
			if r := equity[j]/from - 1; r < worst || math.IsNaN(worst) && !math.IsNaN(r) {
				worst = r
			}
		}
		from = equity[j]
		i = j + 1
	}
	return worst
}

// DayEnds returns the equity at the last point of each UTC calendar day
// of a curve (t in UTC ns, one equity per time), in order: a daily curve
// as it is, an intraday one by its days' last bars. nil when the lengths
// differ.
func DayEnds(t []int64, equity []float64) []float64 {
	if len(t) != len(equity) {
		return nil
	}
	var out []float64
	for i := range t {
		if i+1 == len(t) || data.DayNumber(t[i+1]) != data.DayNumber(t[i]) {
			out = append(out, equity[i])
		}
	}
	return out
}
