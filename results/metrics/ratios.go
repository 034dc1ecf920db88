package metrics

import "math"

// AnnualVolatility returns the annualised volatility, the sample standard
// deviation (ddof = 1) of the non-missing returns times √ppy:
//
//	sqrt(Σ(r − mean)² / (n − 1)) · √ppy.
//
// Both empyrical and PerformanceAnalytics use ddof = 1; for another ddof
// use StdDev(r, ddof)·√ppy. NaN with fewer than 2 observations.
func AnnualVolatility(r []float64, ppy float64) float64 {
	checkPPY(ppy)
	return StdDev(r, 1) * math.Sqrt(ppy)
}

// Sharpe returns the annualised Sharpe ratio of r over a per-period
// risk-free rate rf,
//
//	mean(e) / sd(e) · √ppy,   e = r − rf, sd with ddof = 1,
//
// (empyrical's sharpe_ratio; PerformanceAnalytics' SharpeRatio.annualized
// with geometric=FALSE; its per-period SharpeRatio is ppy = 1). For a
// time-varying rate pass Excess(nil, r, rfSeries) and rf = 0. NaN with
// fewer than 2 observations and when sd(e) = 0 (a constant series; not
// ±Inf) or is under 1e-12 per period: rounding noise, as the returns of
// a curve in cash compounding at a fixed rate carry (~1e-16), not a
// strategy's.
func Sharpe(r []float64, rf, ppy float64) float64 {
	checkPPY(ppy)
	return sharpeOf(momentsOf(r, rf), ppy)
}

func sharpeOf(m moments, ppy float64) float64 {
	if m.n < 2 || m.constant {
		return nan()
	}
	sd := m.sd(1)
	if sd < noiseSD {
		return nan()
	}
	return m.mean / sd * math.Sqrt(ppy)
}

// GeometricSharpe returns the Sharpe ratio with a compounded numerator,
//
//	CAGR(e, ppy) / (sd(e) · √ppy),   e = r − rf, sd with ddof = 1,
//
// (PerformanceAnalytics' SharpeRatio.annualized(geometric=TRUE), the row
// of table.AnnualizedReturns). NaN with fewer than 2 observations or when
// sd(e) is 0 or under 1e-12 per period (rounding noise, see Sharpe).
func GeometricSharpe(r []float64, rf, ppy float64) float64 {
	checkPPY(ppy)
	m := momentsOf(r, rf)
	if m.n < 2 || m.constant {
		return nan()
	}
	sd := m.sd(1)
	if sd < noiseSD {
		return nan()
	}
	prod := 1.0
	for _, v := range r {
		e := v - rf
		if !math.IsNaN(e) {
			prod *= 1 + e
		}
	}
	return cagrOf(prod, m.n, ppy) / (sd * math.Sqrt(ppy))
}

// downside returns n (non-missing rows), the count of rows below mar,
// Σ min(r − mar, 0)² and Σ(r − mar).
func downside(r []float64, mar float64) (n, below int, ss, sum float64) {
	for _, v := range r {
		d := v - mar
		if math.IsNaN(d) {
			continue
		}
		n++
		sum += d
		if d < 0 {
			below++
			ss += d * d
		}
	}
	return n, below, ss, sum
}

// DownsideDeviation returns the annualised downside deviation below a
// per-period minimum acceptable return mar,
//
//	sqrt(Σ min(r − mar, 0)² / n) · √ppy,
//
// n = all non-missing rows (not only those below mar), as in empyrical's
// downside_risk and PerformanceAnalytics' DownsideDeviation (which is per
// period: ppy = 1). For a time-varying mar pass Excess(nil, r, marSeries)
// and mar = 0. NaN when there is no observation.
func DownsideDeviation(r []float64, mar, ppy float64) float64 {
	checkPPY(ppy)
	n, _, ss, _ := downside(r, mar)
	if n == 0 {
		return nan()
	}
	return math.Sqrt(ss/float64(n)) * math.Sqrt(ppy)
}

// DownsideDeviationBelow is DownsideDeviation dividing by the number of
// rows below mar instead of all rows (PerformanceAnalytics'
// DownsideDeviation(method="subset")):
//
//	sqrt(Σ min(r − mar, 0)² / #{r < mar}) · √ppy.
//
// NaN when no row is below mar.
func DownsideDeviationBelow(r []float64, mar, ppy float64) float64 {
	checkPPY(ppy)
	_, below, ss, _ := downside(r, mar)
	if below == 0 {
		return nan()
	}
	return math.Sqrt(ss/float64(below)) * math.Sqrt(ppy)
}

// DownsidePotential returns the mean shortfall below mar over all
// non-missing rows, Σ max(mar − r, 0) / n (per period). NaN when there is
// no observation.
func DownsidePotential(r []float64, mar float64) float64 {
	var sum float64
	n := 0
	for _, v := range r {
		d := v - mar
		if math.IsNaN(d) {
			continue
		}
		n++
		if d < 0 {
			sum -= d
		}
	}
	if n == 0 {
		return nan()
	}
	return sum / float64(n)
}

// SemiDeviation returns the per-period downside deviation below the mean,
// DownsideDeviation(r, mean(r), 1).
func SemiDeviation(r []float64) float64 {
	return DownsideDeviation(r, Mean(r), 1)
}

// Sortino returns the annualised Sortino ratio against a per-period
// minimum acceptable return mar,
//
//	mean(r − mar)·ppy / DownsideDeviation(r, mar, ppy)
//	= √ppy · mean(r − mar) / sqrt(Σ min(r − mar, 0)² / n),
//
// (empyrical's sortino_ratio; PerformanceAnalytics' SortinoRatio is the
// per-period ratio, ppy = 1). NaN with fewer than 2 observations; +Inf when
// no row is below mar and the mean excess is positive, NaN when it is 0.
func Sortino(r []float64, mar, ppy float64) float64 {
	checkPPY(ppy)
	n, _, ss, sum := downside(r, mar)
	if n < 2 {
		return nan()
	}
	fn := float64(n)
	return math.Sqrt(ppy) * (sum / fn) / math.Sqrt(ss/fn)
}

// Calmar returns the Calmar ratio, CAGR(r, ppy) / |MaxDrawdown(r)|.
// +Inf when there is no drawdown and the CAGR is positive (the ratio
// convention of PerformanceAnalytics; empyrical returns NaN there), NaN
// when there is no observation.
func Calmar(r []float64, ppy float64) float64 {
	return CAGR(r, ppy) / math.Abs(MaxDrawdown(r))
}

// Sterling returns the Sterling ratio as PerformanceAnalytics defines it,
// CAGR(r, ppy) / (|MaxDrawdown(r)| + excess), excess typically 0.10.
func Sterling(r []float64, ppy, excess float64) float64 {
	return CAGR(r, ppy) / (math.Abs(MaxDrawdown(r)) + excess)
}

// Omega returns the omega ratio around a per-period threshold,
//
//	Σ max(r − threshold, 0) / Σ max(threshold − r, 0).
//
// For an annual required return use PeriodRate(annual, ppy) as the
// threshold; for a time-varying risk-free rate pass Excess(nil, r, rf).
// NaN with fewer than 2 observations or a NaN threshold; +Inf when nothing
// falls below the threshold but something lies above it
// (PerformanceAnalytics; empyrical returns NaN), NaN when nothing lies on
// either side.
func Omega(r []float64, threshold float64) float64 {
	if math.IsNaN(threshold) {
		return nan()
	}
	var gain, loss float64
	n := 0
	for _, v := range r {
		e := v - threshold
		if math.IsNaN(e) {
			continue
		}
		n++
		if e > 0 {
			gain += e
		} else {
			loss -= e
		}
	}
	if n < 2 {
		return nan()
	}
	return gain / loss
}

// TailRatio returns |Quantile(r, 0.95)| / |Quantile(r, 0.05)| (type-7
// quantiles, empyrical's tail_ratio): how much fatter the right tail is
// than the left. NaN when there is no observation (1 for a single
// non-zero one).
func TailRatio(r []float64) float64 {
	s := validCopy(r)
	if len(s) == 0 {
		return nan()
	}
	hi, _ := tail(s, 0.95)
	lo, _ := tail(s, 0.05)
	return math.Abs(hi) / math.Abs(lo)
}

// Stability returns the R² of the least-squares line through the
// cumulative log returns y_t = Σ_{j≤t} log(1 + r_j) against t = 0..n−1,
// over the non-missing rows (empyrical's stability_of_timeseries): 1 for a
// perfectly steady compounding, near 0 for a random walk. NaN with fewer
// than 2 observations, a return ≤ −100 %, or when y is constant.
func Stability(r []float64) float64 {
	// Pass 1: means of t and y.
	var sy, y float64
	n := 0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		y += math.Log1p(v)
		sy += y
		n++
	}
	if n < 2 || math.IsNaN(y) || math.IsInf(y, 0) {
		return nan()
	}
	fn := float64(n)
	mt := (fn - 1) / 2
	my := sy / fn
	// Pass 2: centred sums.
	var stt, syy, sty float64
	y = 0
	t := 0.0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		y += math.Log1p(v)
		dt, dy := t-mt, y-my
		stt += dt * dt
		syy += dy * dy
		sty += dt * dy
		t++
	}
	if syy == 0 {
		return nan()
	}
	return sty * sty / (stt * syy)
}

// HitRate returns the fraction of non-missing periods with a positive
// return, #{r > 0} / n (a 0 % period is not a hit). NaN when n = 0.
func HitRate(r []float64) float64 {
	hits, n := 0, 0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		n++
		if v > 0 {
			hits++
		}
	}
	if n == 0 {
		return nan()
	}
	return float64(hits) / float64(n)
}

// ProfitFactor returns the sum of the positive returns over the absolute
// sum of the negative ones, Σ_{r>0} r / |Σ_{r<0} r|. +Inf when there is no
// loss and some gain, NaN when there is neither or no observation.
func ProfitFactor(r []float64) float64 {
	var gain, loss float64
	n := 0
	for _, v := range r {
		if math.IsNaN(v) {
			continue
		}
		n++
		if v > 0 {
			gain += v
		} else {
			loss -= v
		}
	}
	if n == 0 {
		return nan()
	}
	return gain / loss
}

// AverageWin returns the mean of the positive returns, NaN if there is none.
func AverageWin(r []float64) float64 {
	var sum float64
	n := 0
	for _, v := range r {
		if v > 0 {
			sum += v
			n++
		}
	}
	if n == 0 {
		return nan()
	}
	return sum / float64(n)
}

// AverageLoss returns the mean of the negative returns (a negative number),
// NaN if there is none.
func AverageLoss(r []float64) float64 {
	var sum float64
	n := 0
	for _, v := range r {
		if v < 0 {
			sum += v
			n++
		}
	}
	if n == 0 {
		return nan()
	}
	return sum / float64(n)
}
