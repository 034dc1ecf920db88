package metrics

import "math"

// TotalReturn returns the compounded return of the series,
//
//	∏(1 + r_i) − 1
//
// over the non-missing rows (a missing row is a 0 % period). NaN when there
// is no non-missing row. Example: r = [0.1, −0.1] gives 1.1·0.9 − 1 = −0.01.
func TotalReturn(r []float64) float64 {
	prod, n := 1.0, 0
	for _, v := range r {
		if !math.IsNaN(v) {
			prod *= 1 + v
			n++
		}
	}
	if n == 0 {
		return nan()
	}
	return prod - 1
}

// ArithmeticTotalReturn returns the plain sum of the non-missing returns,
// Σr_i (PerformanceAnalytics' Return.cumulative(geometric=FALSE)). NaN when
// there is no non-missing row.
func ArithmeticTotalReturn(r []float64) float64 {
	var sum float64
	n := 0
	for _, v := range r {
		if !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return nan()
	}
	return sum
}

// CumulativeReturns writes the compounded return up to and including each
// row, dst[i] = ∏_{j≤i}(1 + r_j) − 1, into dst (len(r) values; nil dst
// allocates). A missing row is a 0 % period: dst carries the previous value
// (0 before the first return).
func CumulativeReturns(dst, r []float64) []float64 {
	dst = out(dst, len(r))
	w := 1.0
	for i, v := range r {
		if !math.IsNaN(v) {
			w *= 1 + v
		}
		dst[i] = w - 1
	}
	return dst
}

// CAGR returns the compound annual growth rate of the series,
//
//	(∏(1 + r_i))^(ppy/n) − 1,
//
// n the number of non-missing rows and ppy the periods per year. NaN when
// n = 0 or when the wealth ends negative (a return below −100 %); −1 when
// it ends at exactly 0. Example: 12 monthly returns of 1 % give
// 1.01^12 − 1 = 0.126825 with ppy = 12.
func CAGR(r []float64, ppy float64) float64 {
	checkPPY(ppy)
	prod, n := 1.0, 0
	for _, v := range r {
		if !math.IsNaN(v) {
			prod *= 1 + v
			n++
		}
	}
	return cagrOf(prod, n, ppy)
}

func cagrOf(prod float64, n int, ppy float64) float64 {
	if n == 0 || prod < 0 {
		return nan()
	}
	return math.Pow(prod, ppy/float64(n)) - 1
}

// ArithmeticAnnualReturn returns the annualised arithmetic mean return,
// mean(r)·ppy (PerformanceAnalytics' Return.annualized(geometric=FALSE)).
func ArithmeticAnnualReturn(r []float64, ppy float64) float64 {
	checkPPY(ppy)
	return Mean(r) * ppy
}

// PeriodRate converts an annual rate into the equivalent compounded
// per-period rate, (1 + annual)^(1/ppy) − 1 (annual itself when ppy = 1).
// NaN when annual ≤ −1. Example: PeriodRate(0.05, 12) = 0.0040741.
func PeriodRate(annual, ppy float64) float64 {
	checkPPY(ppy)
	if ppy == 1 {
		return annual
	}
	if !(annual > -1) {
		return nan()
	}
	return math.Pow(1+annual, 1/ppy) - 1
}

// Excess writes r − rf element-wise into dst (nil dst allocates): the
// excess return over a time-varying risk-free rate, or the shortfall
// against a time-varying minimum acceptable return. A NaN in either input
// gives NaN in that row. r and rf must have the same length.
func Excess(dst, r, rf []float64) []float64 {
	checkLen(r, rf)
	dst = out(dst, len(r))
	for i := range r {
		dst[i] = r[i] - rf[i]
	}
	return dst
}

// ReturnsFromEquity writes the simple returns of an equity (or price)
// curve, dst[i] = equity[i+1]/equity[i] − 1, into dst: len(equity)−1
// values (none for fewer than 2 points; nil dst allocates). A NaN point
// gives NaN for the two returns that touch it. A point of 0 (a ruined
// curve) gives −1, then NaN (0/0) while the curve stays at 0; returns
// across or between negative points are ratios of debts, not returns.
func ReturnsFromEquity(dst, equity []float64) []float64 {
	n := len(equity) - 1
	if n < 0 {
		n = 0
	}
	dst = out(dst, n)
	for i := 0; i < n; i++ {
		dst[i] = equity[i+1]/equity[i] - 1
	}
	return dst
}

// SimplePeriodRate converts an annual rate into a per-period rate by
// simple division, annual / ppy, the convention of rates quoted as
// "Rf = 0.035/12" (PerformanceAnalytics' examples); PeriodRate compounds
// instead. Example: SimplePeriodRate(0.06, 12) = 0.005.
func SimplePeriodRate(annual, ppy float64) float64 {
	checkPPY(ppy)
	return annual / ppy
}

// FillMissing writes r with every missing (NaN) row replaced by 0 into
// dst (len(r) values; nil dst allocates): a missing period becomes a 0 %
// period, which is how empyrical's annual_return, cagr and capture
// ratios count it (n includes the missing rows).
func FillMissing(dst, r []float64) []float64 {
	dst = out(dst, len(r))
	for i, v := range r {
		if math.IsNaN(v) {
			v = 0
		}
		dst[i] = v
	}
	return dst
}

// WeightedSum writes the return of a fixed-weight portfolio rebalanced
// every period, dst[i] = Σ_k w[k]·cols[k][i], into dst (nil dst
// allocates). A row where any component is missing is missing (NaN).
// Every column must have the same length and len(w) must equal
// len(cols), or it panics; with no column the result is empty.
func WeightedSum(dst []float64, cols [][]float64, w []float64) []float64 {
	if len(w) != len(cols) {
		panic("metrics: weights and columns length mismatch")
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	for _, c := range cols {
		checkLen(c, cols[0])
	}
	dst = out(dst, n)
	for i := range dst {
		var s float64
		for k, c := range cols {
			s += w[k] * c[i]
		}
		dst[i] = s
	}
	return dst
}
