package metrics_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

var nan = math.NaN()

// near reports whether got equals want to 1e-12 absolute or relative;
// NaN matches NaN and infinities match exactly.
func near(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	d := math.Abs(got - want)
	return d <= 1e-12 || d <= 1e-12*math.Abs(want)
}

func check(t *testing.T, name string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.17g, want %.17g", name, got, want)
	}
}

func checkSeries(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i]) {
			t.Errorf("%s[%d] = %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

func TestReturns(t *testing.T) {
	// 1.1 · 0.9 − 1 = −0.01
	check(t, "TotalReturn", metrics.TotalReturn([]float64{0.1, -0.1}), -0.01)
	check(t, "TotalReturn(NaN row)", metrics.TotalReturn([]float64{0.1, nan, -0.1}), -0.01)
	check(t, "TotalReturn(empty)", metrics.TotalReturn(nil), nan)
	check(t, "TotalReturn(all NaN)", metrics.TotalReturn([]float64{nan}), nan)
	// 0.1 + (−0.1) = 0
	check(t, "ArithmeticTotalReturn", metrics.ArithmeticTotalReturn([]float64{0.1, nan, -0.1}), 0)
	// [1.1 − 1, carry, 1.1·0.9 − 1]
	checkSeries(t, "CumulativeReturns", metrics.CumulativeReturns(nil, []float64{0.1, nan, -0.1}), []float64{0.1, 0.1, -0.01})
	// 1.1^4 = 1.4641 over 4 half-years: 1.4641^(2/4) − 1 = 1.21 − 1
	check(t, "CAGR", metrics.CAGR([]float64{0.1, 0.1, 0.1, 0.1}, 2), 0.21)
	check(t, "CAGR(NaN skipped)", metrics.CAGR([]float64{0.1, nan, 0.1}, 1), 0.1)
	check(t, "CAGR(empty)", metrics.CAGR(nil, 12), nan)
	check(t, "CAGR(total loss)", metrics.CAGR([]float64{0.5, -1}, 12), -1)
	check(t, "CAGR(negative wealth)", metrics.CAGR([]float64{-1.5}, 12), nan)
	// mean 0.02 · 12
	check(t, "ArithmeticAnnualReturn", metrics.ArithmeticAnnualReturn([]float64{0.01, 0.03}, 12), 0.24)
	// 1.21^(1/2) − 1
	check(t, "PeriodRate", metrics.PeriodRate(0.21, 2), 0.1)
	check(t, "PeriodRate(ppy 1)", metrics.PeriodRate(0.05, 1), 0.05)
	check(t, "PeriodRate(≤ −100 %)", metrics.PeriodRate(-1, 12), nan)
	checkSeries(t, "Excess", metrics.Excess(nil, []float64{0.03, nan, 0.01}, []float64{0.01, 0.01, nan}), []float64{0.02, nan, nan})
	// 110/100 − 1, 99/110 − 1
	checkSeries(t, "ReturnsFromEquity", metrics.ReturnsFromEquity(nil, []float64{100, 110, 99}), []float64{0.1, -0.1})
	checkSeries(t, "ReturnsFromEquity(1 point)", metrics.ReturnsFromEquity(nil, []float64{100}), []float64{})
}

func TestMoments(t *testing.T) {
	check(t, "Mean", metrics.Mean([]float64{1, 2, nan, 3}), 2)
	check(t, "Mean(empty)", metrics.Mean(nil), nan)
	// mean 2.5, Σd² = 2.25 + 0.25 + 0.25 + 2.25 = 5
	check(t, "StdDev ddof 1", metrics.StdDev([]float64{1, 2, 3, 4}, 1), math.Sqrt(5.0/3))
	check(t, "StdDev ddof 0", metrics.StdDev([]float64{1, 2, 3, 4}, 0), math.Sqrt(5.0/4))
	check(t, "StdDev(1 obs, ddof 1)", metrics.StdDev([]float64{1}, 1), nan)
	check(t, "StdDev(1 obs, ddof 0)", metrics.StdDev([]float64{1}, 0), 0)
	// Constant series: exactly 0, whatever the rounding of the mean.
	if sd := metrics.StdDev([]float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 1); sd != 0 {
		t.Errorf("StdDev(constant) = %g, want exactly 0", sd)
	}
	// x = [1 2 3 10]: mean 4, d = −3 −2 −1 6; m2 = 50/4 = 12.5,
	// m3 = (−27 −8 −1 +216)/4 = 45, m4 = (81 + 16 + 1 + 1296)/4 = 348.5;
	// skew = 45 / 12.5^1.5 = 1.0182337649086284,
	// excess kurtosis = 348.5 / 156.25 − 3 = −0.7696.
	x := []float64{1, 2, nan, 3, 10}
	check(t, "Skewness", metrics.Skewness(x), 45/math.Pow(12.5, 1.5))
	check(t, "Kurtosis", metrics.Kurtosis(x), 348.5/156.25-3)
	check(t, "Skewness(constant)", metrics.Skewness([]float64{2, 2, 2}), nan)
	check(t, "Kurtosis(1 obs)", metrics.Kurtosis([]float64{2}), nan)
	// s = [−0.03 −0.01 0.02 0.04]; p = 0.25: h = 3·0.25 = 0.75, −0.03 + 0.75·0.02
	check(t, "Quantile", metrics.Quantile([]float64{0.04, -0.01, nan, 0.02, -0.03}, 0.25), -0.015)
	check(t, "Quantile(0)", metrics.Quantile([]float64{0.04, -0.01}, 0), -0.01)
	check(t, "Quantile(1)", metrics.Quantile([]float64{0.04, -0.01}, 1), 0.04)
}

func TestVolatilityAndSharpe(t *testing.T) {
	r := []float64{0.01, 0.03}
	// sd = sqrt((0.01² + 0.01²)/1) = 0.0141421; × √4
	check(t, "AnnualVolatility", metrics.AnnualVolatility(r, 4), math.Sqrt(0.0002)*2)
	// mean 0.02 / 0.0141421 · √4 = 2√2
	check(t, "Sharpe", metrics.Sharpe(r, 0, 4), 2*math.Sqrt2)
	// e = [0, 0.02]: mean 0.01 / 0.0141421 · 2 = √2
	check(t, "Sharpe(rf)", metrics.Sharpe(r, 0.01, 4), math.Sqrt2)
	check(t, "Sharpe(1 obs)", metrics.Sharpe([]float64{0.01}, 0, 252), nan)
	check(t, "Sharpe(zero vol)", metrics.Sharpe([]float64{0.01, 0.01, 0.01}, 0, 252), nan)
	check(t, "Sharpe(empty)", metrics.Sharpe(nil, 0, 252), nan)
	// CAGR = (1.1 · 0.95)^(1/2) − 1 = 0.0222524, sd = 0.15/√2 = 0.1060660
	check(t, "GeometricSharpe", metrics.GeometricSharpe([]float64{0.1, -0.05}, 0, 1), (math.Sqrt(1.1*0.95)-1)/(0.15/math.Sqrt2))
}

func TestDownside(t *testing.T) {
	r := []float64{0.02, -0.01, nan, -0.03, 0.04}
	// Σ min(r, 0)² = 0.0001 + 0.0009 = 0.001; / 4 rows = 0.00025
	check(t, "DownsideDeviation", metrics.DownsideDeviation(r, 0, 1), math.Sqrt(0.00025))
	check(t, "DownsideDeviation(ppy 4)", metrics.DownsideDeviation(r, 0, 4), 2*math.Sqrt(0.00025))
	// / 2 rows below = 0.0005
	check(t, "DownsideDeviationBelow", metrics.DownsideDeviationBelow(r, 0, 1), math.Sqrt(0.0005))
	// (0.01 + 0.03) / 4
	check(t, "DownsidePotential", metrics.DownsidePotential(r, 0), 0.01)
	// mean 0.005 / 0.0158114 = 0.3162278; × √4
	check(t, "Sortino", metrics.Sortino(r, 0, 1), 0.005/math.Sqrt(0.00025))
	check(t, "Sortino(ppy 4)", metrics.Sortino(r, 0, 4), 2*0.005/math.Sqrt(0.00025))
	check(t, "Sortino(no downside)", metrics.Sortino([]float64{0.01, 0.02}, 0, 252), math.Inf(1))
	check(t, "Sortino(all at mar)", metrics.Sortino([]float64{0, 0}, 0, 252), nan)
	// mean 2.5: d below = −1.5, −0.5: (2.25 + 0.25)/4 = 0.625
	check(t, "SemiDeviation", metrics.SemiDeviation([]float64{1, 2, 3, 4}), math.Sqrt(0.625))
}

func TestDrawdown(t *testing.T) {
	// W = 1.1, 0.55, 0.66, 1.32, 1.188: peak 1.1 (row 0) → trough 0.55
	// (row 1): −50 %; back above 1.1 at row 3; then 1.32 → 1.188: −10 %.
	r := []float64{0.1, -0.5, 0.2, 1.0, -0.1}
	check(t, "MaxDrawdown", metrics.MaxDrawdown(r), -0.5)
	info := metrics.MaxDrawdownInfo(r)
	want := metrics.DrawdownInfo{Depth: -0.5, Peak: 0, Trough: 1, Recovery: 3, Duration: 3}
	if info != want {
		t.Errorf("MaxDrawdownInfo = %+v, want %+v", info, want)
	}
	// Spells under water: rows 0→3 (3 periods), 3→end (1 period).
	if d := metrics.MaxDrawdownDuration(r); d != 3 {
		t.Errorf("MaxDrawdownDuration = %d, want 3", d)
	}
	checkSeries(t, "DrawdownFromReturns", metrics.DrawdownFromReturns(nil, r), []float64{0, -0.5, -0.4, 0, -0.1})
	// (0 + 0.5 + 0.4 + 0 + 0.1) / 5
	check(t, "PainIndex", metrics.PainIndex(r), 0.2)
	// CAGR with ppy 5 over 5 rows = 1.188 − 1 = 0.188; / 0.5
	check(t, "Calmar", metrics.Calmar(r, 5), 0.376)
	// 0.188 / (0.5 + 0.1)
	check(t, "Sterling", metrics.Sterling(r, 5, 0.1), 0.188/0.6)
	check(t, "Calmar(no drawdown)", metrics.Calmar([]float64{0.01, 0.02}, 12), math.Inf(1))

	// The starting wealth is a peak: a first-period loss is a drawdown,
	// never recovered here (1.0 · 0.9 · 1.1 = 0.99 < 1).
	r2 := []float64{-0.1, 0.1}
	check(t, "MaxDrawdown(first loss)", metrics.MaxDrawdown(r2), -0.1)
	info = metrics.MaxDrawdownInfo(r2)
	want = metrics.DrawdownInfo{Depth: -0.1, Peak: -1, Trough: 0, Recovery: -1, Duration: 2}
	if !near(info.Depth, want.Depth) || info.Peak != want.Peak || info.Trough != want.Trough ||
		info.Recovery != want.Recovery || info.Duration != want.Duration {
		t.Errorf("MaxDrawdownInfo(first loss) = %+v, want %+v", info, want)
	}
	if d := metrics.MaxDrawdownDuration(r2); d != 2 {
		t.Errorf("MaxDrawdownDuration(first loss) = %d, want 2", d)
	}
	check(t, "MaxDrawdown(empty)", metrics.MaxDrawdown(nil), nan)
	check(t, "MaxDrawdown(rising)", metrics.MaxDrawdown([]float64{0.1, 0.2}), 0)
	if info := metrics.MaxDrawdownInfo([]float64{0.1}); info.Peak != -1 || info.Trough != -1 || info.Duration != 0 || info.Depth != 0 {
		t.Errorf("MaxDrawdownInfo(rising) = %+v", info)
	}

	// Equity curve: peaks 100, 120, 120, 130, (NaN), 130.
	checkSeries(t, "Drawdown", metrics.Drawdown(nil, []float64{100, 120, 90, 130, nan, 117}), []float64{0, 0, -0.25, 0, nan, -0.1})
}

func TestRatios(t *testing.T) {
	r := []float64{0.02, -0.01, nan, -0.03, 0.04}
	// gains 0.02 + 0.04 = 0.06, losses 0.01 + 0.03 = 0.04
	check(t, "Omega", metrics.Omega(r, 0), 1.5)
	// threshold 0.01: gains 0.01 + 0.03 = 0.04, losses 0.02 + 0.04 = 0.06
	check(t, "Omega(0.01)", metrics.Omega(r, 0.01), 0.04/0.06)
	check(t, "Omega(no losses)", metrics.Omega([]float64{0.01, 0.02}, 0), math.Inf(1))
	check(t, "Omega(1 obs)", metrics.Omega([]float64{0.01}, 0), nan)
	check(t, "Omega(NaN threshold)", metrics.Omega(r, nan), nan)
	// s = [−0.03 −0.01 0.02 0.04]: q95 at h = 2.85: 0.02 + 0.85·0.02 = 0.037;
	// q05 at h = 0.15: −0.03 + 0.15·0.02 = −0.027
	check(t, "TailRatio", metrics.TailRatio(r), 0.037/0.027)
	check(t, "TailRatio(empty)", metrics.TailRatio(nil), nan)
	// Steady compounding: log(1 + r) constant, y = 0.1·(t+1) is a line.
	g := math.Expm1(0.1)
	check(t, "Stability", metrics.Stability([]float64{g, g, nan, g, g}), 1)
	check(t, "Stability(1 obs)", metrics.Stability([]float64{g}), nan)
	// 2 positive out of 4 non-missing (0 is not a hit)
	check(t, "HitRate", metrics.HitRate([]float64{0.02, -0.01, 0, 0.04, nan}), 0.5)
	check(t, "ProfitFactor", metrics.ProfitFactor(r), 1.5)
	check(t, "ProfitFactor(no loss)", metrics.ProfitFactor([]float64{0.01}), math.Inf(1))
	check(t, "AverageWin", metrics.AverageWin(r), 0.03)
	check(t, "AverageLoss", metrics.AverageLoss(r), -0.02)
	check(t, "AverageLoss(none)", metrics.AverageLoss([]float64{0.01}), nan)
}

func TestVaR(t *testing.T) {
	r := []float64{0.04, -0.01, nan, 0.02, -0.03}
	// sorted [−0.03 −0.01 0.02 0.04], α 0.25: h = 0.75 → −0.015
	check(t, "VaR", metrics.VaR(r, 0.25), -0.015)
	// k = ⌊3·0.25⌋ + 1 = 1 → −0.03; α 0.5: k = ⌊1.5⌋ + 1 = 2 → −0.02
	check(t, "CVaR(0.25)", metrics.CVaR(r, 0.25), -0.03)
	check(t, "CVaR(0.5)", metrics.CVaR(r, 0.5), -0.02)
	check(t, "CVaR(1)", metrics.CVaR(r, 1), 0.005)
	// α = 1/3: h = 1, the quantile is the observation −0.01 itself;
	// CVaR averages k = 2 values, CVaRBelowQuantile only −0.03 (< −0.01).
	check(t, "CVaR(1/3)", metrics.CVaR(r, 1.0/3), -0.02)
	check(t, "CVaRBelowQuantile(1/3)", metrics.CVaRBelowQuantile(r, 1.0/3), -0.03)
	// α = 0.5: q = −0.01 + 0.5·0.03 = 0.005; below it: −0.03, −0.01
	check(t, "CVaRBelowQuantile(0.5)", metrics.CVaRBelowQuantile(r, 0.5), -0.02)
	// nothing below the minimum: the quantile itself
	check(t, "CVaRBelowQuantile(0)", metrics.CVaRBelowQuantile(r, 0), -0.03)
	check(t, "VaR(empty)", metrics.VaR(nil, 0.05), nan)

	// mean 0.02, population sd 0.01, z(0.05) = −1.6448536269514726,
	// φ(z) = 0.10313564037537132:
	// VaR = 0.02 − 1.6448536·0.01; ES = 0.02 − 0.01·0.1031356/0.05
	g := []float64{0.01, 0.03}
	check(t, "GaussianVaR", metrics.GaussianVaR(g, 0.05, 0), 0.003551463730485274)
	check(t, "GaussianCVaR", metrics.GaussianCVaR(g, 0.05, 0), -0.0006271280750742604)
	// ddof 1: sd = 0.0141421
	check(t, "GaussianVaR ddof 1", metrics.GaussianVaR(g, 0.05, 1), 0.02-1.6448536269514726*math.Sqrt(0.0002))

	// x = [1 2 3 10]: mean 4, m2 = 12.5, s = 1.0182338, k = −0.7696 (see
	// TestMoments). z = −1.6448536:
	// h = z + (z²−1)s/6 + (z³−3z)k/24 − (2z³−5z)s²/36 = −1.3514704870189282
	// VaR = 4 + h·√12.5 = −0.7781697297228511
	// MES = φ(h)(1 + h³s/6 + (h⁶−9h⁴+9h²+3)s²/72 + (h⁴−2h²−1)k/24)
	//     = 0.08941723270641289, −MES/0.05 = −1.7883446541282577;
	// min(−1.788, h = −1.351) = −1.788, so
	// ES = 4 + √12.5·(−1.7883446541282577) = −2.3227531601640097
	x := []float64{1, 2, 3, 10}
	if got := metrics.ModifiedVaR(x, 0.05); math.Abs(got-(-0.7781697297228511)) > 1e-12 {
		t.Errorf("ModifiedVaR = %.17g", got)
	}
	if got := metrics.ModifiedCVaR(x, 0.05); math.Abs(got-(-2.3227531601640097)) > 1e-12 {
		t.Errorf("ModifiedCVaR = %.17g", got)
	}
	check(t, "ModifiedVaR(constant)", metrics.ModifiedVaR([]float64{1, 1}, 0.05), nan)

	// VaRSharpe = mean / −VaR: mean 0.02, Gaussian VaR 0.00355 (a gain) → negative ratio
	check(t, "VaRSharpe", metrics.VaRSharpe(g, 0, 0.05, metrics.Gaussian), 0.02/-0.003551463730485274)
	check(t, "ESSharpe", metrics.ESSharpe(g, 0, 0.05, metrics.Gaussian), 0.02/0.0006271280750742604)
	// historical on r: mean 0.005, VaR(0.25) = −0.015
	check(t, "VaRSharpe historical", metrics.VaRSharpe(r, 0, 0.25, metrics.Historical), 0.005/0.015)
}

func TestBenchmark(t *testing.T) {
	b := []float64{0.01, -0.02, 0.03, -0.01, nan}
	r := []float64{0.03, -0.02, 0.07, -0.01, 0.5}
	// Up rows (b > 0): (0.01, 0.03) → (0.03, 0.07): slope 0.04/0.02 = 2.
	// Down rows: (−0.02, −0.01) → (−0.02, −0.01): slope 1. The NaN row is dropped.
	check(t, "UpBeta", metrics.UpBeta(r, b), 2)
	check(t, "DownBeta", metrics.DownBeta(r, b), 1)
	check(t, "TimingRatio", metrics.TimingRatio(r, b), 2)
	// All rows: b̄ = 0.0025, r̄ = 0.0175; db = 0.0075 −0.0225 0.0275 −0.0125,
	// dr = 0.0125 −0.0375 0.0525 −0.0275: Σdb·dr = 0.002725, Σdb² = 0.001475,
	// Σdr² = 0.005075. β = 0.002725/0.001475 = 109/59; a = 0.0175 − β·0.0025
	check(t, "Beta", metrics.Beta(r, b), 109.0/59)
	check(t, "AlphaPerPeriod", metrics.AlphaPerPeriod(r, b), 0.0175-109.0/59*0.0025)
	check(t, "Alpha", metrics.Alpha(r, b, 12), math.Pow(1+0.0175-109.0/59*0.0025, 12)-1)
	// corr = 0.002725 / sqrt(0.001475 · 0.005075) = 0.99598
	check(t, "Correlation", metrics.Correlation(r, b), 0.002725/math.Sqrt(0.001475*0.005075))
	check(t, "Beta(constant b)", metrics.Beta(r, []float64{0.01, 0.01, 0.01, 0.01, 0.01}), nan)
	check(t, "Beta(1 row)", metrics.Beta([]float64{0.01}, []float64{0.02}), nan)
	// UpAlpha: intercept of r = 2b + 0.01 on the up rows
	check(t, "UpAlpha", metrics.UpAlpha(r, b, 1), 0.01)
	check(t, "DownAlpha", metrics.DownAlpha(r, b, 1), 0)

	// Active a = r − b = [0.02, 0, 0.04, 0]: mean 0.015, sd = sqrt(0.0011/3)
	sd := math.Sqrt(0.0011 / 3)
	check(t, "TrackingError", metrics.TrackingError(r, b, 12), sd*math.Sqrt(12))
	check(t, "InformationRatio", metrics.InformationRatio(r, b, 12), 0.015/sd*math.Sqrt(12))
	// CAGR(r) = 0.1 over 2 years, CAGR(b) = 0
	check(t, "ActivePremium", metrics.ActivePremium([]float64{0.1, 0.1}, []float64{0, 0}, 1), 0.1)
	// r = 2b so β = 2; CAGRs with ppy 2 over 2 rows: 1.2·0.9 − 1 = 0.08,
	// 1.1·0.95 − 1 = 0.045; rf = 0: 0.08 − 2·0.045 = −0.01
	check(t, "JensenAlpha", metrics.JensenAlpha([]float64{0.2, -0.1}, []float64{0.1, -0.05}, nil, 2), 0.08-2*0.045)

	// Hedged = half the unhedged exposure: variance ratio 1/4.
	u := []float64{0.02, -0.02, 0.04, -0.04}
	h := []float64{0.01, -0.01, 0.02, -0.02}
	check(t, "HedgeEffectiveness", metrics.HedgeEffectiveness(h, u), 0.75)
	check(t, "HedgeEffectiveness(perfect)", metrics.HedgeEffectiveness([]float64{0, 0, 0, 0}, u), 1)
}

func TestCapture(t *testing.T) {
	b := []float64{0.02, -0.01, 0.01, 0, -0.02}
	r := []float64{0.03, -0.005, 0.01, 0.01, -0.01}
	// Up rows (b > 0): r 0.03, 0.01; b 0.02, 0.01
	// cumulative (1.03·1.01 − 1)/(1.02·1.01 − 1) = 0.0403/0.0302
	check(t, "UpCapture", metrics.UpCapture(r, b), 0.0403/0.0302)
	check(t, "Up arithmetic", metrics.Capture{Method: metrics.CaptureArithmetic}.Up(r, b), 0.04/0.03)
	// Down rows (b < 0): r −0.005, −0.01; b −0.01, −0.02
	// (0.995·0.99 − 1)/(0.99·0.98 − 1) = −0.01495/−0.0298
	check(t, "DownCapture", metrics.DownCapture(r, b), 0.01495/0.0298)
	check(t, "Down arithmetic", metrics.Capture{Method: metrics.CaptureArithmetic}.Down(r, b), 0.5)
	// b ≤ 0 adds the row (r 0.01, b 0): −0.005 / −0.03
	check(t, "Down arithmetic, zero is down",
		metrics.Capture{Method: metrics.CaptureArithmetic, ZeroIsDown: true}.Down(r, b), 0.005/0.03)
	// Annualised with ppy 2 over the 2 up rows: CAGR = ∏ − 1, same as cumulative
	check(t, "Up annualised", metrics.Capture{Method: metrics.CaptureAnnualized, PeriodsPerYear: 2}.Up(r, b), 0.0403/0.0302)
	check(t, "UpDown arithmetic", metrics.Capture{Method: metrics.CaptureArithmetic}.UpDown(r, b), (0.04/0.03)/0.5)
	check(t, "Up(no up rows)", metrics.UpCapture([]float64{0.01}, []float64{-0.01}), nan)
}

func TestRollingHand(t *testing.T) {
	r := []float64{0.01, 0.03, 0.05, nan, 0.05, 0.05}
	// windows of 3: [0.01 0.03 0.05] sd 0.02; [0.03 0.05 ·] sd 0.0141421;
	// [0.05 · 0.05] sd exactly 0; [· 0.05 0.05] 0
	checkSeries(t, "RollingVolatility", metrics.RollingVolatility(nil, r, 3, 1),
		[]float64{nan, nan, 0.02, math.Sqrt(0.0002), 0, 0})
	// Sharpe: 0.03/0.02 = 1.5; 0.04/0.0141421 = 2.8284271; zero sd → NaN
	checkSeries(t, "RollingSharpe", metrics.RollingSharpe(nil, r, 3, 0, 1),
		[]float64{nan, nan, 1.5, 0.04 / math.Sqrt(0.0002), nan, nan})
	// Wealth restarts each window: [−0.1 0.2] → −0.1; [0.2 −0.5] → −0.5
	checkSeries(t, "RollingMaxDrawdown", metrics.RollingMaxDrawdown(nil, []float64{-0.1, 0.2, -0.5}, 2),
		[]float64{nan, -0.1, -0.5})
	b := []float64{0.01, -0.02, 0.03, -0.01}
	x := []float64{0.02, -0.04, 0.06, -0.02} // 2b
	checkSeries(t, "RollingBeta", metrics.RollingBeta(nil, x, b, 2), []float64{nan, 2, 2, 2})
	checkSeries(t, "RollingCorrelation", metrics.RollingCorrelation(nil, x, b, 2), []float64{nan, 1, 1, 1})
	// Window longer than the series: all NaN.
	checkSeries(t, "RollingVolatility(long window)", metrics.RollingVolatility(nil, b, 10, 1), []float64{nan, nan, nan, nan})
}

func TestPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"ppy 0":          func() { metrics.CAGR([]float64{0.1}, 0) },
		"alpha > 1":      func() { metrics.VaR([]float64{0.1}, 1.5) },
		"length":         func() { metrics.Beta([]float64{0.1}, []float64{0.1, 0.2}) },
		"dst length":     func() { metrics.CumulativeReturns(make([]float64, 1), []float64{0.1, 0.2}) },
		"window 0":       func() { metrics.RollingVolatility(nil, []float64{0.1}, 0, 1) },
		"negative ddof":  func() { metrics.StdDev([]float64{0.1}, -1) },
		"annualised ppy": func() { metrics.Capture{Method: metrics.CaptureAnnualized}.Up([]float64{0.1}, []float64{0.1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestSummarize(t *testing.T) {
	r := []float64{0.1, -0.5, 0.2, 1.0, -0.1}
	s := metrics.Summarize(r, 5, nil)
	check(t, "TotalReturn", s.TotalReturn, 0.188)
	check(t, "CAGR", s.CAGR, 0.188)
	check(t, "MaxDrawdown", s.MaxDrawdown, -0.5)
	check(t, "Calmar", s.Calmar, 0.376)
	check(t, "Sharpe", s.Sharpe, metrics.Sharpe(r, 0, 5))
	check(t, "Sortino", s.Sortino, metrics.Sortino(r, 0, 5))
	check(t, "AnnualVolatility", s.AnnualVolatility, metrics.AnnualVolatility(r, 5))
	check(t, "VaR95", s.VaR95, metrics.VaR(r, 0.05))
	check(t, "CVaR95", s.CVaR95, -0.5)
	check(t, "Skewness", s.Skewness, metrics.Skewness(r))
	check(t, "Kurtosis", s.Kurtosis, metrics.Kurtosis(r))
	check(t, "HitRate", s.HitRate, 0.6)
	check(t, "BestPeriod", s.BestPeriod, 1.0)
	check(t, "WorstPeriod", s.WorstPeriod, -0.5)
	if s.Periods != 5 || s.PeriodsPerYear != 5 || s.MaxDrawdownDuration != 3 || s.Benchmark != nil {
		t.Errorf("Summarize = %+v", s)
	}

	b := []float64{0.05, -0.2, 0.1, 0.3, 0}
	sb := metrics.Summarize(r, 5, b)
	if sb.Benchmark == nil {
		t.Fatal("no benchmark summary")
	}
	check(t, "Beta", sb.Benchmark.Beta, metrics.Beta(r, b))
	check(t, "Alpha", sb.Benchmark.Alpha, metrics.Alpha(r, b, 5))
	check(t, "Correlation", sb.Benchmark.Correlation, metrics.Correlation(r, b))
	check(t, "TrackingError", sb.Benchmark.TrackingError, metrics.TrackingError(r, b, 5))
	check(t, "InformationRatio", sb.Benchmark.InformationRatio, metrics.InformationRatio(r, b, 5))
	// Summary's capture is the annualised one (empyrical, Morningstar): the
	// cumulative form tends to 1 over long daily series.
	ann := metrics.Capture{Method: metrics.CaptureAnnualized, PeriodsPerYear: 5}
	check(t, "UpCapture", sb.Benchmark.UpCapture, ann.Up(r, b))
	check(t, "DownCapture", sb.Benchmark.DownCapture, ann.Down(r, b))

	// Empty input: NaN everywhere, 0 periods.
	e := metrics.Summarize(nil, 252, nil)
	if e.Periods != 0 || !math.IsNaN(e.Sharpe) || !math.IsNaN(e.TotalReturn) || !math.IsNaN(e.BestPeriod) {
		t.Errorf("Summarize(empty) = %+v", e)
	}
}

func TestSummaryJSON(t *testing.T) {
	// One period: volatility, Sharpe, Sortino, skewness are NaN, written
	// null; Calmar is +Inf (no drawdown), written "Infinity".
	s := metrics.Summarize([]float64{0.01}, 252, []float64{0.02})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{`"sharpe":null`, `"calmar":"Infinity"`, `"annual_volatility":null`,
		`"total_return":0.01`, `"periods":1`, `"periods_per_year":252`, `"benchmark":{"beta":null`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON %s lacks %s", js, want)
		}
	}
	// Every exported field appears, in snake_case.
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"periods", "periods_per_year", "total_return", "cagr", "annual_volatility",
		"sharpe", "sortino", "max_drawdown", "max_drawdown_duration", "calmar", "var_95", "cvar_95",
		"skewness", "kurtosis", "hit_rate", "best_period", "worst_period", "benchmark"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	if len(keys) != 18 {
		t.Errorf("JSON has %d keys, want 18: %s", len(keys), js)
	}
	// Round trip: null comes back as NaN, numbers exactly.
	var back metrics.Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Sharpe) || !math.IsInf(back.Calmar, 1) || back.TotalReturn != s.TotalReturn || back.Periods != 1 ||
		back.Benchmark == nil || !math.IsNaN(back.Benchmark.Beta) {
		t.Errorf("round trip = %+v", back)
	}
	b2, _ := json.Marshal(back)
	if string(b2) != js {
		t.Errorf("round trip changed the JSON:\n%s\n%s", js, b2)
	}
	// Without a benchmark the key is omitted.
	b3, _ := json.Marshal(metrics.Summarize([]float64{0.01, 0.02}, 12, nil))
	if strings.Contains(string(b3), "benchmark") {
		t.Errorf("benchmark key without benchmark: %s", b3)
	}
}

// A series that is its benchmark up to rounding (each active return
// about 1e-17, as r = b computed two ways gives) has no information
// ratio: its tracking error is noise, and the ratio of noise to noise
// (−13.4 here without the rule) means nothing. Active returns
// a = 1e-5 + 1e-6·(−1, 1, −1, 1) still give one: mean 1e-5, sd (ddof 1)
// √(4e-12 / 3) = 1.1547e-6, ratio 8.660 per period, × √252.
func TestInformationRatioNoise(t *testing.T) {
	b := []float64{0.01, -0.02, 0.015, 0.003}
	r := make([]float64, len(b))
	for i, v := range b {
		r[i] = (1+v)*1.0000000000000002/1.0000000000000002 - 1 + 1e-17*float64(i%2)
	}
	if got := metrics.InformationRatio(r, b, 252); !math.IsNaN(got) {
		t.Errorf("IR of a series equal to its benchmark up to rounding: %g, want NaN", got)
	}
	// The summary a run's benchmarks get goes the same way.
	if got := metrics.Summarize(r, 252, b).Benchmark.InformationRatio; !math.IsNaN(got) {
		t.Errorf("Summarize's IR of a series equal to its benchmark up to rounding: %g, want NaN", got)
	}
	for i, v := range b {
		r[i] = v + 1e-5 + 1e-6*float64(2*(i%2)-1)
	}
	want := 1e-5 / math.Sqrt(4e-12/3) * math.Sqrt(252)
	if got := metrics.InformationRatio(r, b, 252); math.Abs(got-want) > 1e-6*want {
		t.Errorf("IR %.9g, want %.9g", got, want)
	}
}

// A run that sits in cash earning a fixed rate compounds by the same
// factor every day; its returns, taken from the equity curve, are that
// rate up to the rounding of e[i+1]/e[i] − 1 (~1e-16), so they are not
// detected as constant, and mean/sd gave a Sharpe ratio of ~1.4e13. A
// deviation under 1e-12 per period is rounding noise: the series has no
// Sharpe ratio, as a constant one has none.
func TestSharpeRoundingNoise(t *testing.T) {
	eq := []float64{100000}
	for range 365 {
		c := eq[len(eq)-1]
		eq = append(eq, c+c*0.03/360) // 3 % a year, ACT/360, each day
	}
	r := metrics.ReturnsFromEquity(nil, eq)
	if sd := metrics.StdDev(r, 1); !(sd > 0 && sd < 1e-12) {
		t.Fatalf("the case needs rounding noise: sd %g", sd)
	}
	check(t, "Sharpe", metrics.Sharpe(r, 0, 365), nan)
	check(t, "GeometricSharpe", metrics.GeometricSharpe(r, 0, 365), nan)
	check(t, "Summarize.Sharpe", metrics.Summarize(r, 365, nil).Sharpe, nan)
	roll := metrics.RollingSharpe(nil, r, 30, 0, 365)
	for i, v := range roll {
		if !math.IsNaN(v) {
			t.Fatalf("RollingSharpe row %d: %g, want NaN", i, v)
		}
	}
	o := metrics.Options{PeriodsPerYear: 365}
	for _, m := range o.Series(r) {
		if (m.Name == "sharpe" || m.Name == "sharpe_geometric") && !math.IsNaN(m.Value) {
			t.Errorf("Options %s: %g, want NaN", m.Name, m.Value)
		}
	}
	// A small but real deviation keeps its ratio: 1e-4 ± 1e-9 on
	// alternate days, mean 1e-4, sd = 1e-9·√(4/3) (ddof 1, 4 rows):
	// 1e-4 / 1.1547e-9 · √365 = 1.6545e6.
	small := []float64{1e-4 + 1e-9, 1e-4 - 1e-9, 1e-4 + 1e-9, 1e-4 - 1e-9}
	want := 1e-4 / (1e-9 * math.Sqrt(4.0/3)) * math.Sqrt(365)
	if got := metrics.Sharpe(small, 0, 365); math.Abs(got-want) > 1e-6*want {
		t.Errorf("Sharpe of a small deviation: %g, want %g", got, want)
	}
}
