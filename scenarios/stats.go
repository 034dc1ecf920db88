package scenarios

import (
	"fmt"
	"math"
	"sort"
)

// Distribution summarises value curves across Monte Carlo paths (equity
// curves, or any positive series on a common step grid).
type Distribution struct {
	Paths int
	// TerminalReturns[i] = curve_i[last]/curve_i[0] − 1, in path order.
	TerminalReturns []float64
	// MaxDrawdowns[i] = min_t (curve_i[t] / max_{s<=t} curve_i[s]) − 1 (<= 0).
	MaxDrawdowns []float64
	// Value at risk and expected shortfall of the terminal return, as
	// positive losses (see VaR, CVaR).
	VaR95, VaR99, CVaR95, CVaR99 float64
}

// Summarize computes the distribution of terminal returns and maximum
// drawdowns of the curves. Empty curves are an error.
func Summarize(curves [][]float64) (Distribution, error) {
	d := Distribution{Paths: len(curves), TerminalReturns: make([]float64, len(curves)), MaxDrawdowns: make([]float64, len(curves))}
	for i, c := range curves {
		if len(c) == 0 {
			return d, fmt.Errorf("scenarios: curve %d is empty", i)
		}
		d.TerminalReturns[i] = TerminalReturn(c)
		d.MaxDrawdowns[i] = MaxDrawdown(c)
	}
	if len(curves) > 0 {
		d.VaR95, d.VaR99 = VaR(d.TerminalReturns, 0.95), VaR(d.TerminalReturns, 0.99)
		d.CVaR95, d.CVaR99 = CVaR(d.TerminalReturns, 0.95), CVaR(d.TerminalReturns, 0.99)
	}
	return d, nil
}

// TerminalReturn is c[last]/c[0] − 1.
func TerminalReturn(c []float64) float64 { return c[len(c)-1]/c[0] - 1 }

// MaxDrawdown is min over t of c[t]/peak(t) − 1, a number <= 0.
func MaxDrawdown(c []float64) float64 { return MaxDrawdownFrom(math.Inf(-1), c) }

// MaxDrawdownFrom is MaxDrawdown with a peak before c's first value
// (a run's initial cash).
func MaxDrawdownFrom(peak float64, c []float64) float64 {
	dd := 0.0
	for _, x := range c {
		peak = max(peak, x)
		if peak > 0 {
			dd = min(dd, x/peak-1)
		}
	}
	return dd
}

// Quantile is the empirical quantile: the ⌈p·n⌉-th smallest value (the
// smallest for p = 0). NaN for no values. (results/metrics.QuantileRank
// is the same rule, for the Monte Carlo chart's labels: this package may
// not depend on results.)
func Quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return quantileSorted(s, p)
}

func quantileSorted(s []float64, p float64) float64 {
	x := p * float64(len(s))
	if r := math.Round(x); math.Abs(x-r) < 1e-9 {
		x = r // 1 − 0.95 is 0.05000000000000004: 100 values give the 5th, not the 6th
	}
	k := int(math.Ceil(x)) - 1
	return s[min(max(k, 0), len(s)-1)]
}

// VaR is the value at risk at a confidence level (0.95, 0.99) of returns,
// as a positive loss: VaR = −Quantile(returns, 1 − level).
func VaR(returns []float64, level float64) float64 {
	return -Quantile(returns, 1-level)
}

// CVaR is the expected shortfall: minus the mean of the returns at or below
// Quantile(returns, 1 − level).
func CVaR(returns []float64, level float64) float64 {
	if len(returns) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), returns...)
	sort.Float64s(s)
	q := quantileSorted(s, 1-level)
	sum, n := 0.0, 0
	for _, x := range s {
		if x > q {
			break
		}
		sum += x
		n++
	}
	return -sum / float64(n)
}

// Fan returns, for each probability in ps, the empirical quantile across
// curves at every step: out[q][t] = Quantile({c[t] : c in curves}, ps[q]).
// Curves must have the same length.
func Fan(curves [][]float64, ps []float64) ([][]float64, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("scenarios: fan of no curves")
	}
	n := len(curves[0])
	for i, c := range curves {
		if len(c) != n {
			return nil, fmt.Errorf("scenarios: curve %d has %d steps, curve 0 has %d", i, len(c), n)
		}
	}
	out := make([][]float64, len(ps))
	for q := range ps {
		out[q] = make([]float64, n)
	}
	col := make([]float64, len(curves))
	for t := 0; t < n; t++ {
		for i, c := range curves {
			col[i] = c[t]
		}
		sort.Float64s(col)
		for q, p := range ps {
			out[q][t] = quantileSorted(col, p)
		}
	}
	return out, nil
}
