package metrics

import (
	"fmt"
	"math"
)

// UnmarshalText reads a VaRMethod from its name: "historical",
// "gaussian" or "cornish-fisher" ("cornish_fisher" and "modified", the
// PerformanceAnalytics name, are accepted too).
func (m *VaRMethod) UnmarshalText(b []byte) error {
	switch string(b) {
	case "historical":
		*m = Historical
	case "gaussian":
		*m = Gaussian
	case "cornish-fisher", "cornish_fisher", "modified":
		*m = CornishFisher
	default:
		return fmt.Errorf("VaR method %q: want historical, gaussian or cornish-fisher", b)
	}
	return nil
}

// MarshalText writes the name UnmarshalText reads.
func (m VaRMethod) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// String returns "historical", "gaussian" or "cornish-fisher".
func (m VaRMethod) String() string {
	switch m {
	case Historical:
		return "historical"
	case Gaussian:
		return "gaussian"
	case CornishFisher:
		return "cornish-fisher"
	}
	return fmt.Sprintf("VaRMethod(%d)", int(m))
}

// ESRule selects which returns a historical expected shortfall averages.
type ESRule int

const (
	// KSmallest averages the ⌊(n−1)·alpha⌋ + 1 smallest returns (CVaR;
	// empyrical's conditional_value_at_risk).
	KSmallest ESRule = iota
	// BelowQuantile averages the returns strictly below the alpha-quantile
	// (CVaRBelowQuantile; PerformanceAnalytics' ES(method="historical")).
	BelowQuantile
)

// UnmarshalText reads "k-smallest" or "below-quantile".
func (e *ESRule) UnmarshalText(b []byte) error {
	switch string(b) {
	case "k-smallest", "k_smallest":
		*e = KSmallest
	case "below-quantile", "below_quantile":
		*e = BelowQuantile
	default:
		return fmt.Errorf("expected-shortfall rule %q: want k-smallest or below-quantile", b)
	}
	return nil
}

// MarshalText writes the name UnmarshalText reads.
func (e ESRule) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// String returns "k-smallest" or "below-quantile".
func (e ESRule) String() string {
	if e == BelowQuantile {
		return "below-quantile"
	}
	return "k-smallest"
}

// ZeroRisk says what a risk-adjusted ratio is when its risk (the
// denominator: a standard deviation, downside, losses, drawdown or tail
// loss) is exactly zero and its numerator is not.
type ZeroRisk int

const (
	// ZeroRiskDefault keeps each function's own rule: Sharpe,
	// GeometricSharpe and InformationRatio are NaN; Sortino, Omega,
	// Calmar, Sterling and the VaR/ES ratios are ±Inf.
	ZeroRiskDefault ZeroRisk = iota
	// ZeroRiskInf makes every such ratio ±Inf by the sign of its
	// numerator (PerformanceAnalytics throughout; empyrical for Sharpe).
	ZeroRiskInf
	// ZeroRiskNaN makes every such ratio NaN (empyrical for Omega and
	// Calmar).
	ZeroRiskNaN
)

// UnmarshalText reads "default", "inf" or "nan".
func (z *ZeroRisk) UnmarshalText(b []byte) error {
	switch string(b) {
	case "default":
		*z = ZeroRiskDefault
	case "inf":
		*z = ZeroRiskInf
	case "nan":
		*z = ZeroRiskNaN
	default:
		return fmt.Errorf("zero-risk rule %q: want default, inf or nan", b)
	}
	return nil
}

// MarshalText writes the name UnmarshalText reads.
func (z ZeroRisk) MarshalText() ([]byte, error) { return []byte(z.String()), nil }

// String returns "default", "inf" or "nan".
func (z ZeroRisk) String() string {
	switch z {
	case ZeroRiskInf:
		return "inf"
	case ZeroRiskNaN:
		return "nan"
	}
	return "default"
}

// apply maps a ratio num/den computed as got by a function's own rule.
func (z ZeroRisk) apply(got, num, den float64) float64 {
	if den != 0 || num == 0 || math.IsNaN(num) || math.IsNaN(den) {
		return got
	}
	switch z {
	case ZeroRiskInf:
		return math.Copysign(math.Inf(1), num)
	case ZeroRiskNaN:
		return nan()
	}
	return got
}

// Tail is one VaR level of a configurable report: the tail probability
// Alpha (0.05 for 95 % VaR) and the label its metrics are named by
// ("95" gives var_95_historical).
type Tail struct {
	Alpha float64
	Label string
}

// Options are the parameters of the configurable report (Options.Series
// and Options.Relative), the metrics of the `divergence metrics` command.
// Rates are per period. The zero value is rf = mar = threshold = 0, no VaR
// level, b < 0 as the down market and DDoF 0, the population volatility:
// set DDoF to 1 for the sample volatility of AnnualVolatility and Summary
// (the command's --ddof default).
type Options struct {
	// PeriodsPerYear annualises; NaN (unknown) makes every annualised
	// metric NaN instead of panicking.
	PeriodsPerYear float64
	// RiskFree is the per-period risk-free rate; RiskFreeSeries, when not
	// nil, is a per-period rate for every row and replaces it.
	RiskFree       float64
	RiskFreeSeries []float64
	// MAR is the per-period minimum acceptable return of Sortino and the
	// downside measures; MARSeries, when not nil, replaces it row by row.
	MAR       float64
	MARSeries []float64
	// Threshold is the omega threshold per period, above the risk-free
	// rate: Omega(r − rf, Threshold) (empyrical's omega_ratio).
	Threshold float64
	// Tails are the VaR levels; Methods the estimators reported at each.
	Tails   []Tail
	Methods []VaRMethod
	// GaussianDDoF is the ddof of the Gaussian VaR/ES standard deviation
	// (PerformanceAnalytics uses 0 for one series).
	GaussianDDoF int
	// ES is the historical expected-shortfall rule.
	ES ESRule
	// DDoF is the ddof of annual_volatility (1 = sample, 0 = population,
	// the zero value's).
	DDoF int
	// DownIncludesZero puts rows with b = 0 into the down market of the
	// capture ratios (PerformanceAnalytics' UpDownRatios).
	DownIncludesZero bool
	// SterlingExcess is added to the drawdown in the Sterling ratio
	// (PerformanceAnalytics' default 0.10).
	SterlingExcess float64
	// StartingValue, when not 0, adds final_value = StartingValue·(1 +
	// total return) (empyrical's cum_returns(starting_value=…)).
	StartingValue float64
	// ZeroRisk is the rule for ratios with zero risk.
	ZeroRisk ZeroRisk
}

func (o Options) ppyOK() bool {
	return o.PeriodsPerYear > 0 && !math.IsInf(o.PeriodsPerYear, 0)
}

// annual evaluates f when the periods per year are known, NaN otherwise.
func (o Options) annual(f func(ppy float64) float64) float64 {
	if !o.ppyOK() {
		return nan()
	}
	return f(o.PeriodsPerYear)
}

// excess returns r net of the risk-free rate (a new slice unless rf is 0).
func (o Options) excess(r []float64) []float64 {
	if o.RiskFreeSeries != nil {
		return Excess(nil, r, o.RiskFreeSeries)
	}
	return shift(r, o.RiskFree)
}

// riskFreeSeries returns the per-period risk-free rate of every row.
func (o Options) riskFreeSeries(n int) []float64 {
	if o.RiskFreeSeries != nil {
		return o.RiskFreeSeries
	}
	rf := make([]float64, n)
	for i := range rf {
		rf[i] = o.RiskFree
	}
	return rf
}

// belowMAR returns r net of a MAR series and the scalar MAR left to apply.
func (o Options) belowMAR(r []float64) ([]float64, float64) {
	if o.MARSeries != nil {
		return Excess(nil, r, o.MARSeries), 0
	}
	return r, o.MAR
}

// Named is one metric of a metrics list: a snake_case name, its value
// and its unit ("fraction", "ratio", "periods").
type Named struct {
	Name  string
	Value float64
	Unit  string
}

// Series computes the metrics of one return series in a fixed order
// (names, units and formulas in docs/metrics.md). Series given in
// Options (RiskFreeSeries, MARSeries) must have len(r) rows.
func (o Options) Series(r []float64) []Named {
	if o.RiskFreeSeries != nil {
		checkLen(r, o.RiskFreeSeries)
	}
	if o.MARSeries != nil {
		checkLen(r, o.MARSeries)
	}
	z := o.ZeroRisk
	best, worst := math.Inf(-1), math.Inf(1)
	n := 0
	for _, v := range r {
		if v == v {
			n++
			best = math.Max(best, v)
			worst = math.Min(worst, v)
		}
	}
	if n == 0 {
		best, worst = nan(), nan()
	}
	e := o.excess(r)
	me := momentsOf(e, 0)
	dr, mar := o.belowMAR(r)
	dn, _, dss, dsum := downside(dr, mar)
	dd := MaxDrawdownInfo(r)
	tr := TotalReturn(r)
	cagr := o.annual(func(ppy float64) float64 { return CAGR(r, ppy) })
	ppy := o.PeriodsPerYear
	if !o.ppyOK() {
		ppy = nan()
	}
	out := []Named{
		{"periods", float64(n), "periods"},
		{"periods_per_year", ppy, "periods"},
		{"total_return", tr, "fraction"},
		{"total_return_arithmetic", ArithmeticTotalReturn(r), "fraction"},
	}
	if o.StartingValue != 0 {
		out = append(out, Named{"final_value", o.StartingValue * (1 + tr), "value"})
	}
	sharpe := z.apply(o.annual(func(ppy float64) float64 { return Sharpe(e, 0, ppy) }), me.mean, sdOrNaN(me))
	gsharpe := z.apply(o.annual(func(ppy float64) float64 { return GeometricSharpe(e, 0, ppy) }), geoNum(e, me), sdOrNaN(me))
	sortino := nan()
	if dn >= 2 {
		sortino = z.apply(o.annual(func(ppy float64) float64 { return Sortino(dr, mar, ppy) }), dsum, dss)
	}
	mdd := dd.Depth
	calmar := z.apply(cagr/math.Abs(mdd), cagr, mdd)
	sterling := z.apply(cagr/(math.Abs(mdd)+o.SterlingExcess), cagr, math.Abs(mdd)+o.SterlingExcess)
	omega := Omega(e, o.Threshold)
	if math.IsInf(omega, 0) {
		omega = z.apply(omega, 1, 0)
	}
	out = append(out,
		Named{"cagr", cagr, "fraction per year"},
		Named{"annual_return_arithmetic", o.annual(func(ppy float64) float64 { return ArithmeticAnnualReturn(r, ppy) }), "fraction per year"},
		Named{"annual_volatility", o.annual(func(ppy float64) float64 { return StdDev(r, o.DDoF) * math.Sqrt(ppy) }), "fraction per year"},
		Named{"sharpe", sharpe, "ratio (annualised)"},
		Named{"sharpe_geometric", gsharpe, "ratio (annualised)"},
		Named{"sortino", sortino, "ratio (annualised)"},
		Named{"downside_deviation", o.annual(func(ppy float64) float64 { return DownsideDeviation(dr, mar, ppy) }), "fraction per year"},
		Named{"downside_deviation_below", o.annual(func(ppy float64) float64 { return DownsideDeviationBelow(dr, mar, ppy) }), "fraction per year"},
		Named{"downside_potential", DownsidePotential(dr, mar), "fraction per period"},
		Named{"semi_deviation", SemiDeviation(r), "fraction per period"},
		Named{"max_drawdown", mdd, "fraction"},
		Named{"max_drawdown_peak_index", float64(dd.Peak), "period index"},
		Named{"max_drawdown_trough_index", float64(dd.Trough), "period index"},
		Named{"max_drawdown_duration", float64(MaxDrawdownDuration(r)), "periods"},
		Named{"pain_index", PainIndex(r), "fraction"},
		Named{"calmar", calmar, "ratio"},
		Named{"sterling", sterling, "ratio"},
		Named{"omega", omega, "ratio"},
	)
	for _, t := range o.Tails {
		for _, m := range o.Methods {
			v, es := o.tailRisk(r, t.Alpha, m)
			ve, ese := o.tailRisk(e, t.Alpha, m)
			suffix := t.Label + "_" + snake(m)
			out = append(out,
				Named{"var_" + suffix, v, "fraction per period"},
				Named{"cvar_" + suffix, es, "fraction per period"},
				Named{"var_sharpe_" + suffix, z.apply(me.mean/-ve, me.mean, ve), "ratio (per period)"},
				Named{"cvar_sharpe_" + suffix, z.apply(me.mean/-ese, me.mean, ese), "ratio (per period)"},
			)
		}
	}
	out = append(out,
		Named{"tail_ratio", TailRatio(r), "ratio"},
		Named{"stability", Stability(r), "R²"},
		Named{"skewness", Skewness(r), "ratio"},
		Named{"kurtosis", Kurtosis(r), "excess"},
		Named{"hit_rate", HitRate(r), "fraction"},
		Named{"profit_factor", ProfitFactor(r), "ratio"},
		Named{"average_win", AverageWin(r), "fraction per period"},
		Named{"average_loss", AverageLoss(r), "fraction per period"},
		Named{"best_period", best, "fraction per period"},
		Named{"worst_period", worst, "fraction per period"},
	)
	return out
}

// sdOrNaN is the sample sd of the moments, NaN with fewer than 2 rows (so
// that ZeroRisk leaves an undefined ratio undefined).
func sdOrNaN(m moments) float64 {
	if m.n < 2 {
		return nan()
	}
	if m.constant {
		return 0
	}
	return m.sd(1)
}

// geoNum is the numerator of GeometricSharpe, ∏(1 + e) − 1 (its sign is
// the CAGR's).
func geoNum(e []float64, m moments) float64 {
	if m.n == 0 {
		return nan()
	}
	return TotalReturn(e)
}

// tailRisk returns VaR and ES of x at alpha by method m.
func (o Options) tailRisk(x []float64, alpha float64, m VaRMethod) (v, es float64) {
	switch m {
	case Historical:
		if o.ES == BelowQuantile {
			return VaR(x, alpha), CVaRBelowQuantile(x, alpha)
		}
		return VaR(x, alpha), CVaR(x, alpha)
	case Gaussian:
		return GaussianVaR(x, alpha, o.GaussianDDoF), GaussianCVaR(x, alpha, o.GaussianDDoF)
	case CornishFisher:
		return ModifiedVaR(x, alpha), ModifiedCVaR(x, alpha)
	}
	panic("metrics: unknown VaRMethod")
}

func snake(m VaRMethod) string {
	if m == CornishFisher {
		return "cornish_fisher"
	}
	return m.String()
}

// Relative computes the metrics of r against one benchmark b (same rows)
// in a fixed order: regressions on the excess returns r − rf and b − rf,
// the rest on the raw returns.
func (o Options) Relative(r, b []float64) []Named {
	checkLen(r, b)
	er, eb := o.excess(r), o.excess(b)
	all, up, down := regress(er, eb, allRows), regress(er, eb, upRows), regress(er, eb, downRows)
	ppy := o.PeriodsPerYear
	annualA := func(a float64) float64 {
		return o.annual(func(ppy float64) float64 { return annualiseAlpha(a, ppy) })
	}
	act := momentsDiff(r, b, 0)
	ir := o.annual(func(ppy float64) float64 { return InformationRatio(r, b, ppy) })
	ir = o.ZeroRisk.apply(ir, act.mean, sdOrNaN(act))
	te := o.annual(func(ppy float64) float64 { return TrackingError(r, b, ppy) })
	ap := o.annual(func(ppy float64) float64 { return ActivePremium(r, b, ppy) })
	gir := ap / te
	if te == 0 {
		gir = o.ZeroRisk.apply(gir, ap, te)
	} else if act.n >= 2 && act.sd(1) < noiseSD {
		gir = nan() // a tracking error of rounding noise (InformationRatio)
	}
	out := []Named{
		{"beta", all.beta(), "ratio"},
		{"alpha", annualA(all.alpha()), "fraction per year"},
		{"alpha_per_period", all.alpha(), "fraction per period"},
		{"up_beta", up.beta(), "ratio"},
		{"down_beta", down.beta(), "ratio"},
		{"up_alpha", annualA(up.alpha()), "fraction per year"},
		{"down_alpha", annualA(down.alpha()), "fraction per year"},
		{"timing_ratio", up.beta() / down.beta(), "ratio"},
		{"jensen_alpha", o.annual(func(ppy float64) float64 { return JensenAlpha(r, b, o.riskFreeSeries(len(r)), ppy) }), "fraction per year"},
		{"correlation", Correlation(r, b), "ratio"},
		{"tracking_error", te, "fraction per year"},
		{"active_premium", ap, "fraction per year"},
		{"information_ratio", ir, "ratio (annualised)"},
		{"information_ratio_geometric", gir, "ratio"},
	}
	methods := []struct {
		suffix string
		c      Capture
	}{
		{"", Capture{Method: CaptureCumulative, ZeroIsDown: o.DownIncludesZero}},
		{"_annualized", Capture{Method: CaptureAnnualized, PeriodsPerYear: ppy, ZeroIsDown: o.DownIncludesZero}},
		{"_arithmetic", Capture{Method: CaptureArithmetic, ZeroIsDown: o.DownIncludesZero}},
	}
	for _, m := range methods {
		c := m.c
		ok := c.Method != CaptureAnnualized || o.ppyOK()
		val := func(f func(r, b []float64) float64) float64 {
			if !ok {
				return nan()
			}
			return f(r, b)
		}
		out = append(out,
			Named{"up_capture" + m.suffix, val(c.Up), "ratio"},
			Named{"down_capture" + m.suffix, val(c.Down), "ratio"},
			Named{"up_down_capture" + m.suffix, val(c.UpDown), "ratio"},
			Named{"capture" + m.suffix, val(c.All), "ratio"},
		)
	}
	return out
}
