package metrics

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// VaR returns the historical value at risk at tail probability alpha
// (0.05 for "95 % VaR"): the alpha-quantile of the non-missing returns by
// linear interpolation (type 7, see Quantile). It is a return, so a loss
// is negative: VaR = −0.03 means that 5 % of periods lost 3 % or more.
// empyrical's value_at_risk(cutoff=alpha); PerformanceAnalytics'
// VaR(p=1−alpha, method="historical"). NaN when there is no observation.
func VaR(r []float64, alpha float64) float64 {
	return Quantile(r, alpha)
}

// CVaR returns the historical conditional value at risk (expected
// shortfall) at tail probability alpha: the mean of the k smallest
// non-missing returns, k = ⌊(n−1)·alpha⌋ + 1 (empyrical's
// conditional_value_at_risk). Negative for a loss; never above VaR. NaN
// when there is no observation. See CVaRBelowQuantile for
// PerformanceAnalytics' rule.
func CVaR(r []float64, alpha float64) float64 {
	checkAlpha(alpha)
	_, es := varCVaR(validCopy(r), alpha)
	return es
}

// varCVaR returns the historical VaR and CVaR of the NaN-free s, which it
// reorders. The k = ⌊(n−1)·alpha⌋ + 1 smallest values are summed in
// ascending order.
func varCVaR(s []float64, alpha float64) (q, es float64) {
	q, lo := tail(s, alpha)
	if lo < 0 {
		return q, nan()
	}
	k := s[:lo+1]
	slices.Sort(k)
	var sum float64
	for _, v := range k {
		sum += v
	}
	return q, sum / float64(len(k))
}

// CVaRBelowQuantile returns the historical expected shortfall as
// PerformanceAnalytics computes it (ES(method="historical")): the mean of
// the returns strictly below the type-7 alpha-quantile, or the quantile
// itself when no return is below it. It differs from CVaR only when the
// quantile falls exactly on an observation. NaN when there is no
// observation.
func CVaRBelowQuantile(r []float64, alpha float64) float64 {
	checkAlpha(alpha)
	s := validCopy(r)
	q, lo := tail(s, alpha)
	if lo < 0 {
		return q
	}
	// Every value below q is among the lo+1 smallest (q ≤ the next one).
	below := s[:lo+1]
	slices.Sort(below)
	var sum float64
	k := 0
	for _, v := range below {
		if !(v < q) {
			break
		}
		sum += v
		k++
	}
	if k == 0 {
		return q
	}
	return sum / float64(k)
}

// GaussianVaR returns the parametric (normal) value at risk at tail
// probability alpha,
//
//	mean + z_alpha · sd,   z_alpha = Φ⁻¹(alpha) (−1.645 at 0.05),
//
// sd the standard deviation with the given ddof. PerformanceAnalytics'
// VaR(method="gaussian") uses ddof = 0 for one series (its portfolio
// "component" VaR uses ddof = 1). Negative for a loss. NaN when n − ddof ≤ 0.
func GaussianVaR(r []float64, alpha float64, ddof int) float64 {
	checkAlpha(alpha)
	m := momentsOf(r, 0)
	return m.mean + distuv.UnitNormal.Quantile(alpha)*m.sd(ddof)
}

// GaussianCVaR returns the parametric (normal) expected shortfall at tail
// probability alpha,
//
//	mean − sd · φ(z_alpha) / alpha,
//
// φ the standard normal density, sd with the given ddof (0 in
// PerformanceAnalytics' ES(method="gaussian")). Negative for a loss.
func GaussianCVaR(r []float64, alpha float64, ddof int) float64 {
	checkAlpha(alpha)
	m := momentsOf(r, 0)
	z := distuv.UnitNormal.Quantile(alpha)
	return m.mean - m.sd(ddof)*distuv.UnitNormal.Prob(z)/alpha
}

// cornishFisher returns mean, √m2, skewness s, excess kurtosis k and the
// Cornish–Fisher quantile h at alpha, from population moments.
func cornishFisher(r []float64, alpha float64) (mean, sigma, s, k, h float64, ok bool) {
	n, mean, m2, m3, m4 := centralMoments(r)
	if n < 2 || !(m2 > 0) {
		return mean, 0, 0, 0, 0, false
	}
	s = m3 / math.Pow(m2, 1.5)
	k = m4/(m2*m2) - 3
	z := distuv.UnitNormal.Quantile(alpha)
	h = z + (z*z-1)*s/6 + (z*z*z-3*z)*k/24 - (2*z*z*z-5*z)*s*s/36
	return mean, math.Sqrt(m2), s, k, h, true
}

// ModifiedVaR returns the Cornish–Fisher ("modified") value at risk at
// tail probability alpha (PerformanceAnalytics' VaR(method="modified"),
// its default):
//
//	mean + h · √m2,
//	h = z + (z²−1)s/6 + (z³−3z)k/24 − (2z³−5z)s²/36,
//
// z = Φ⁻¹(alpha), m_k population central moments, s = m3/m2^1.5 the
// skewness and k = m4/m2² − 3 the excess kurtosis. Negative for a loss.
// NaN with fewer than 2 observations or zero variance.
func ModifiedVaR(r []float64, alpha float64) float64 {
	checkAlpha(alpha)
	mean, sigma, _, _, h, ok := cornishFisher(r, alpha)
	if !ok {
		return nan()
	}
	return mean + h*sigma
}

// ModifiedCVaR returns the Cornish–Fisher ("modified") expected shortfall
// at tail probability alpha, with PerformanceAnalytics' default
// operational=TRUE bound:
//
//	mean + √m2 · min(−MES/alpha, h),
//	MES = φ(h)·(1 + h³s/6 + (h⁶−9h⁴+9h²+3)s²/72 + (h⁴−2h²−1)k/24),
//
// with h, s, k as in ModifiedVaR. Negative for a loss. NaN with fewer than
// 2 observations or zero variance.
func ModifiedCVaR(r []float64, alpha float64) float64 {
	checkAlpha(alpha)
	mean, sigma, s, k, h, ok := cornishFisher(r, alpha)
	if !ok {
		return nan()
	}
	h2 := h * h
	h3 := h2 * h
	h4 := h2 * h2
	h6 := h4 * h2
	mes := distuv.UnitNormal.Prob(h) *
		(1 + h3*s/6 + (h6-9*h4+9*h2+3)*s*s/72 + (h4-2*h2-1)*k/24)
	return mean + sigma*math.Min(-mes/alpha, h)
}

// VaRMethod selects how VaRSharpe and ESSharpe estimate the tail.
type VaRMethod int

const (
	// Historical uses VaR and CVaR (empirical quantile, k smallest).
	Historical VaRMethod = iota
	// Gaussian uses GaussianVaR and GaussianCVaR with ddof = 0.
	Gaussian
	// CornishFisher uses ModifiedVaR and ModifiedCVaR.
	CornishFisher
)

func (m VaRMethod) vaR(x []float64, alpha float64) float64 {
	switch m {
	case Historical:
		return VaR(x, alpha)
	case Gaussian:
		return GaussianVaR(x, alpha, 0)
	case CornishFisher:
		return ModifiedVaR(x, alpha)
	}
	panic("metrics: unknown VaRMethod")
}

func (m VaRMethod) es(x []float64, alpha float64) float64 {
	switch m {
	case Historical:
		return CVaR(x, alpha)
	case Gaussian:
		return GaussianCVaR(x, alpha, 0)
	case CornishFisher:
		return ModifiedCVaR(x, alpha)
	}
	panic("metrics: unknown VaRMethod")
}

// VaRSharpe returns the per-period return-to-VaR ratio
//
//	mean(e) / −VaR(e),   e = r − rf,
//
// the loss −VaR being positive (PerformanceAnalytics' SharpeRatio(FUN="VaR"),
// whose default method is CornishFisher). For a time-varying rf pass
// Excess(nil, r, rfSeries) and rf = 0.
func VaRSharpe(r []float64, rf, alpha float64, m VaRMethod) float64 {
	e := shift(r, rf)
	return Mean(e) / -m.vaR(e, alpha)
}

// ESSharpe returns the per-period return-to-expected-shortfall ratio,
// mean(e) / −ES(e), e = r − rf (PerformanceAnalytics'
// SharpeRatio(FUN="ES")).
func ESSharpe(r []float64, rf, alpha float64, m VaRMethod) float64 {
	e := shift(r, rf)
	return Mean(e) / -m.es(e, alpha)
}

// shift returns r − c (r itself when c = 0).
func shift(r []float64, c float64) []float64 {
	if c == 0 {
		return r
	}
	e := make([]float64, len(r))
	for i, v := range r {
		e[i] = v - c
	}
	return e
}
