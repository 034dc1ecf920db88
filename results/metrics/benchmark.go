package metrics

import "math"

// rowFilter selects benchmark rows for the regression subsets.
type rowFilter int

const (
	allRows  rowFilter = iota
	upRows             // b > 0
	downRows           // b < 0
)

func (f rowFilter) keep(b float64) bool {
	switch f {
	case upRows:
		return b > 0
	case downRows:
		return b < 0
	}
	return true
}

// regression is the least-squares fit of r on b over the selected rows
// where both are present.
type regression struct {
	n         int
	mr, mb    float64
	srr, sbb  float64 // centred sums of squares
	srb       float64 // centred cross product
	bConstant bool
	rConstant bool
}

func regress(r, b []float64, f rowFilter) regression {
	checkLen(r, b)
	var g regression
	var sr, sb float64
	var r0, b0 float64
	g.bConstant, g.rConstant = true, true
	for i := range r {
		x, y := b[i], r[i]
		if math.IsNaN(x) || math.IsNaN(y) || !f.keep(x) {
			continue
		}
		if g.n == 0 {
			r0, b0 = y, x
		} else {
			if x != b0 {
				g.bConstant = false
			}
			if y != r0 {
				g.rConstant = false
			}
		}
		sr += y
		sb += x
		g.n++
	}
	if g.n == 0 {
		g.mr, g.mb = nan(), nan()
		return g
	}
	fn := float64(g.n)
	g.mr, g.mb = sr/fn, sb/fn
	if g.bConstant {
		g.mb = b0
	}
	if g.rConstant {
		g.mr = r0
	}
	for i := range r {
		x, y := b[i], r[i]
		if math.IsNaN(x) || math.IsNaN(y) || !f.keep(x) {
			continue
		}
		db, dr := x-g.mb, y-g.mr
		g.sbb += db * db
		g.srr += dr * dr
		g.srb += db * dr
	}
	return g
}

// degenerate reports too few rows or a (numerically) constant benchmark:
// population variance below 1e-30, empyrical's rule.
func (g regression) degenerate() bool {
	return g.n < 2 || g.bConstant || g.sbb/float64(g.n) < 1e-30
}

func (g regression) beta() float64 {
	if g.degenerate() {
		return nan()
	}
	return g.srb / g.sbb
}

func (g regression) alpha() float64 {
	if g.degenerate() {
		return nan()
	}
	return g.mr - g.srb/g.sbb*g.mb
}

// Beta returns the least-squares slope of r on the benchmark b,
//
//	β = Σ(r − r̄)(b − b̄) / Σ(b − b̄)² = cov(r, b) / var(b),
//
// over the rows where both are present. For the CAPM beta pass excess
// returns (Excess(nil, r, rf), Excess(nil, b, rf)); with a constant rf the
// slope is unchanged. NaN with fewer than 2 rows or when the benchmark's
// population variance is below 1e-30.
func Beta(r, b []float64) float64 { return regress(r, b, allRows).beta() }

// UpBeta is Beta over the rows where the benchmark is positive
// (empyrical's up_alpha_beta; PerformanceAnalytics' CAPM.beta.bull when
// given excess returns).
func UpBeta(r, b []float64) float64 { return regress(r, b, upRows).beta() }

// DownBeta is Beta over the rows where the benchmark is negative
// (empyrical's down_alpha_beta; PerformanceAnalytics' CAPM.beta.bear).
func DownBeta(r, b []float64) float64 { return regress(r, b, downRows).beta() }

// TimingRatio returns UpBeta(r, b) / DownBeta(r, b)
// (PerformanceAnalytics' TimingRatio): above 1 when the strategy takes
// more market risk in rising markets.
func TimingRatio(r, b []float64) float64 { return UpBeta(r, b) / DownBeta(r, b) }

// AlphaPerPeriod returns the least-squares intercept of r on b,
//
//	a = mean(r) − β·mean(b) = mean(r − β·b),
//
// over the rows where both are present, per period (PerformanceAnalytics'
// CAPM.alpha with excess returns). NaN when Beta is.
func AlphaPerPeriod(r, b []float64) float64 { return regress(r, b, allRows).alpha() }

// Alpha returns the annualised alpha, the per-period intercept compounded
// over a year, (1 + AlphaPerPeriod(r, b))^ppy − 1 (empyrical's alpha).
// Pass excess returns for Jensen's (CAPM) alpha.
func Alpha(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	return annualiseAlpha(regress(r, b, allRows).alpha(), ppy)
}

// UpAlpha is Alpha over the rows where the benchmark is positive.
func UpAlpha(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	return annualiseAlpha(regress(r, b, upRows).alpha(), ppy)
}

// DownAlpha is Alpha over the rows where the benchmark is negative.
func DownAlpha(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	return annualiseAlpha(regress(r, b, downRows).alpha(), ppy)
}

func annualiseAlpha(a, ppy float64) float64 {
	if ppy == 1 {
		return a
	}
	return math.Pow(1+a, ppy) - 1
}

// JensenAlpha returns Jensen's alpha as PerformanceAnalytics'
// CAPM.jensenAlpha computes it from annualised returns,
//
//	R_p − R_f − β·(R_b − R_f),
//
// R_p, R_b, R_f the CAGRs of r, b and rf, each over its own non-missing
// rows, and β = Beta(r − rf, b − rf) over the rows where all three are
// present. rf is a per-period series (nil means 0).
func JensenAlpha(r, b, rf []float64, ppy float64) float64 {
	checkPPY(ppy)
	checkLen(r, b)
	if rf == nil {
		rf = make([]float64, len(r))
	}
	checkLen(r, rf)
	beta := Beta(Excess(nil, r, rf), Excess(nil, b, rf))
	rF := CAGR(rf, ppy)
	return CAGR(r, ppy) - rF - beta*(CAGR(b, ppy)-rF)
}

// Correlation returns the Pearson correlation of r and b over the rows
// where both are present. NaN with fewer than 2 rows or when either series
// is constant (or the benchmark's variance is below 1e-30).
func Correlation(r, b []float64) float64 {
	return regress(r, b, allRows).correlation()
}

func (g regression) correlation() float64 {
	if g.degenerate() || g.rConstant || g.srr == 0 {
		return nan()
	}
	c := g.srb / math.Sqrt(g.sbb*g.srr)
	return math.Max(-1, math.Min(1, c))
}

// TrackingError returns the annualised tracking error,
// sd(r − b)·√ppy with ddof = 1, over the rows where both are present.
// NaN with fewer than 2 rows.
func TrackingError(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	return momentsDiff(r, b, 0).sd(1) * math.Sqrt(ppy)
}

// InformationRatio returns the annualised information ratio, the Sharpe
// ratio of the active return a = r − b:
//
//	mean(a) / sd(a) · √ppy,   sd with ddof = 1,
//
// (empyrical's excess_sharpe is ppy = 1). NaN with fewer than 2 rows or
// a tracking error under noiseSD per period: a run that is its benchmark
// up to rounding (active returns of 1e-16) has no ratio, not one of
// rounding noise. See GeometricInformationRatio for PerformanceAnalytics'
// definition.
func InformationRatio(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	return activeRatio(momentsDiff(r, b, 0), ppy)
}

// activeRatio is the annualised ratio of the active returns' moments
// (InformationRatio's), NaN when their deviation is rounding noise.
func activeRatio(m moments, ppy float64) float64 {
	if m.n >= 2 && m.sd(1) < noiseSD {
		return nan()
	}
	return sharpeOf(m, ppy)
}

// noiseSD is the per-period standard deviation of returns (or of active
// returns) below which they are rounding noise (returns of doubles near
// 1 carry about 1e-16 of it), not a strategy's: the Sharpe and
// information ratios are NaN under it.
const noiseSD = 1e-12

// ActivePremium returns CAGR(r) − CAGR(b) over the rows where both are
// present (PerformanceAnalytics' ActivePremium).
func ActivePremium(r, b []float64, ppy float64) float64 {
	checkPPY(ppy)
	checkLen(r, b)
	pr, pb, n := 1.0, 1.0, 0
	for i := range r {
		if math.IsNaN(r[i]) || math.IsNaN(b[i]) {
			continue
		}
		pr *= 1 + r[i]
		pb *= 1 + b[i]
		n++
	}
	return cagrOf(pr, n, ppy) - cagrOf(pb, n, ppy)
}

// GeometricInformationRatio returns ActivePremium(r, b, ppy) /
// TrackingError(r, b, ppy) (PerformanceAnalytics' InformationRatio).
func GeometricInformationRatio(r, b []float64, ppy float64) float64 {
	return ActivePremium(r, b, ppy) / TrackingError(r, b, ppy)
}

// HedgeEffectiveness returns the share of the unhedged variance removed by
// the hedge,
//
//	1 − Var(hedged) / Var(unhedged),
//
// sample variances over the rows where both are present (the
// Ederington measure: 1 is a perfect hedge, 0 no reduction, negative a
// hedge that adds risk). NaN with fewer than 2 rows or a constant
// unhedged series.
func HedgeEffectiveness(hedged, unhedged []float64) float64 {
	checkLen(hedged, unhedged)
	g := regress(hedged, unhedged, allRows)
	if g.n < 2 || g.bConstant || g.sbb == 0 {
		return nan()
	}
	if g.rConstant {
		return 1
	}
	return 1 - g.srr/g.sbb
}

// CaptureMethod selects how a capture ratio compares the strategy's and
// the benchmark's returns over the selected rows.
type CaptureMethod int

const (
	// CaptureCumulative compares compounded returns,
	// (∏(1 + r) − 1) / (∏(1 + b) − 1) (PerformanceAnalytics' UpDownRatios
	// default, geometric=TRUE).
	CaptureCumulative CaptureMethod = iota
	// CaptureAnnualized compares CAGRs over the selected rows,
	// CAGR(r_sub, ppy) / CAGR(b_sub, ppy) (empyrical, Morningstar).
	CaptureAnnualized
	// CaptureArithmetic compares sums, Σr / Σb (UpDownRatios with
	// geometric=FALSE).
	CaptureArithmetic
)

// Capture computes up/down capture ratios: how much of the benchmark's
// rises (rows with b > 0) and falls (rows with b < 0) the strategy
// captured. Rows where either series is missing are dropped. The zero
// value is the cumulative method with b = 0 rows in neither set.
type Capture struct {
	Method CaptureMethod
	// PeriodsPerYear is used by CaptureAnnualized (empyrical uses 252
	// whatever the data frequency).
	PeriodsPerYear float64
	// ZeroIsDown puts rows with b = 0 into the down set
	// (PerformanceAnalytics' UpDownRatios: b ≤ 0); by default they are in
	// neither set (empyrical, Morningstar).
	ZeroIsDown bool
}

// captureSide selects the benchmark rows of a capture ratio.
type captureSide int

const (
	sideAll      captureSide = iota
	sideUp                   // b > 0
	sideDown                 // b < 0
	sideDownZero             // b ≤ 0
)

func (c Capture) ratio(r, b []float64, side captureSide) float64 {
	checkLen(r, b)
	pr, pb, sr, sb := 1.0, 1.0, 0.0, 0.0
	n := 0
	for i := range r {
		x, y := r[i], b[i]
		if math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		switch side {
		case sideUp:
			if !(y > 0) {
				continue
			}
		case sideDown:
			if !(y < 0) {
				continue
			}
		case sideDownZero:
			if !(y <= 0) {
				continue
			}
		}
		pr *= 1 + x
		pb *= 1 + y
		sr += x
		sb += y
		n++
	}
	if n == 0 {
		return nan()
	}
	switch c.Method {
	case CaptureCumulative:
		return (pr - 1) / (pb - 1)
	case CaptureAnnualized:
		checkPPY(c.PeriodsPerYear)
		return cagrOf(pr, n, c.PeriodsPerYear) / cagrOf(pb, n, c.PeriodsPerYear)
	case CaptureArithmetic:
		return sr / sb
	}
	panic("metrics: unknown CaptureMethod")
}

// Up returns the up-market capture ratio over the rows with b > 0.
// NaN when there is no such row.
func (c Capture) Up(r, b []float64) float64 {
	return c.ratio(r, b, sideUp)
}

// Down returns the down-market capture ratio over the rows with b < 0
// (b ≤ 0 with ZeroIsDown). Below 1 means the strategy lost less than the
// benchmark in falling markets. NaN when there is no such row.
func (c Capture) Down(r, b []float64) float64 {
	if c.ZeroIsDown {
		return c.ratio(r, b, sideDownZero)
	}
	return c.ratio(r, b, sideDown)
}

// All returns the capture ratio over all rows where both are present
// (empyrical's capture with CaptureAnnualized).
func (c Capture) All(r, b []float64) float64 {
	return c.ratio(r, b, sideAll)
}

// UpDown returns Up(r, b) / Down(r, b).
func (c Capture) UpDown(r, b []float64) float64 { return c.Up(r, b) / c.Down(r, b) }

// UpCapture returns the cumulative up-market capture ratio,
// (∏(1 + r) − 1) / (∏(1 + b) − 1) over the rows with b > 0
// (Capture{}.Up). Use a Capture value for the other conventions.
func UpCapture(r, b []float64) float64 { return Capture{}.Up(r, b) }

// DownCapture returns the cumulative down-market capture ratio over the
// rows with b < 0 (Capture{}.Down).
func DownCapture(r, b []float64) float64 { return Capture{}.Down(r, b) }
