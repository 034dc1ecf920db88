package metrics_test

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

func named(list []metrics.Named) map[string]float64 {
	m := map[string]float64{}
	for _, n := range list {
		if _, dup := m[n.Name]; dup {
			panic("duplicate metric " + n.Name)
		}
		m[n.Name] = n.Value
	}
	return m
}

func approx(t *testing.T, name string, got, want float64) {
	t.Helper()
	switch {
	case math.IsNaN(want):
		if !math.IsNaN(got) {
			t.Errorf("%s = %g, want NaN", name, got)
		}
	case math.IsInf(want, 0):
		if got != want {
			t.Errorf("%s = %g, want %g", name, got, want)
		}
	case !(math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))):
		t.Errorf("%s = %.17g, want %.17g", name, got, want)
	}
}

func TestHelpers(t *testing.T) {
	// 6 % a year in 12 simple parts: 0.06 / 12 = 0.005.
	approx(t, "SimplePeriodRate", metrics.SimplePeriodRate(0.06, 12), 0.005)
	nan := math.NaN()
	got := metrics.FillMissing(nil, []float64{0.1, nan, -0.2})
	for i, w := range []float64{0.1, 0, -0.2} {
		approx(t, "FillMissing", got[i], w)
	}
	// 0.5·0.1 + 0.5·0.3 = 0.2; 0.5·0.2 + 0.5·(−0.1) = 0.05; a missing
	// component makes the row missing.
	ws := metrics.WeightedSum(nil, [][]float64{{0.1, 0.2, nan}, {0.3, -0.1, 0.1}}, []float64{0.5, 0.5})
	for i, w := range []float64{0.2, 0.05, nan} {
		approx(t, "WeightedSum", ws[i], w)
	}
	if len(metrics.WeightedSum(nil, nil, nil)) != 0 {
		t.Error("WeightedSum of no column")
	}
}

func TestTextEnums(t *testing.T) {
	for _, name := range []string{"historical", "gaussian", "cornish-fisher"} {
		var m metrics.VaRMethod
		if err := m.UnmarshalText([]byte(name)); err != nil || m.String() != name {
			t.Errorf("%s: %v %v", name, m, err)
		}
	}
	var m metrics.VaRMethod
	if err := m.UnmarshalText([]byte("modified")); err != nil || m != metrics.CornishFisher {
		t.Errorf("modified: %v %v", m, err)
	}
	if err := m.UnmarshalText([]byte("monte-carlo")); err == nil {
		t.Error("unknown method accepted")
	}
	var e metrics.ESRule
	if err := e.UnmarshalText([]byte("below-quantile")); err != nil || e != metrics.BelowQuantile || e.String() != "below-quantile" {
		t.Errorf("es rule %v %v", e, err)
	}
	if err := e.UnmarshalText([]byte("mean")); err == nil {
		t.Error("unknown ES rule accepted")
	}
	var z metrics.ZeroRisk
	for _, name := range []string{"default", "inf", "nan"} {
		if err := z.UnmarshalText([]byte(name)); err != nil || z.String() != name {
			t.Errorf("%s: %v %v", name, z, err)
		}
	}
	if err := z.UnmarshalText([]byte("zero")); err == nil {
		t.Error("unknown zero-risk rule accepted")
	}
}

// Options.Series on four returns, every figure by hand.
func TestOptionsSeries(t *testing.T) {
	r := []float64{0.04, -0.01, 0.02, 0.03}
	o := metrics.Options{
		PeriodsPerYear: 12, RiskFree: 0.01, MAR: 0.01, DDoF: 1, SterlingExcess: 0.1,
		Tails:   []metrics.Tail{{Alpha: 0.25, Label: "75"}},
		Methods: []metrics.VaRMethod{metrics.Historical},
	}
	m := named(o.Series(r))
	// e = r − 0.01 = [0.03, −0.02, 0.01, 0.02]: mean 0.01, deviations
	// [0.02, −0.03, 0, 0.01], Σd² = 0.0014, sd = √(0.0014/3).
	approx(t, "sharpe", m["sharpe"], 0.01/math.Sqrt(0.0014/3)*math.Sqrt(12))
	// d = r − mar = e; the only shortfall is −0.02: DD = √(0.0004/4) = 0.01
	// a period; Sortino = √12 · 0.01 / 0.01; below the MAR alone:
	// √(0.0004/1) = 0.02; downside potential 0.02 / 4.
	approx(t, "sortino", m["sortino"], math.Sqrt(12))
	approx(t, "downside_deviation", m["downside_deviation"], 0.01*math.Sqrt(12))
	approx(t, "downside_deviation_below", m["downside_deviation_below"], 0.02*math.Sqrt(12))
	approx(t, "downside_potential", m["downside_potential"], 0.005)
	// Omega of e around 0: gains 0.03 + 0.01 + 0.02, losses 0.02.
	approx(t, "omega", m["omega"], 3)
	// Wealth 1.04, 1.0296, 1.050192, 1.08169776: one drawdown, 1.0296/1.04
	// − 1 = −0.01, at row 1; pain index 0.01 / 4.
	approx(t, "total_return", m["total_return"], 0.08169776)
	approx(t, "total_return_arithmetic", m["total_return_arithmetic"], 0.08)
	approx(t, "max_drawdown", m["max_drawdown"], -0.01)
	approx(t, "pain_index", m["pain_index"], 0.0025)
	cagr := math.Pow(1.08169776, 12.0/4) - 1
	approx(t, "cagr", m["cagr"], cagr)
	approx(t, "annual_return_arithmetic", m["annual_return_arithmetic"], 0.02*12)
	approx(t, "calmar", m["calmar"], cagr/0.01)
	approx(t, "sterling", m["sterling"], cagr/0.11)
	// Sorted r: −0.01, 0.02, 0.03, 0.04; h = 3·0.25 = 0.75: VaR = −0.01 +
	// 0.75·0.03 = 0.0125; ES averages the ⌊0.75⌋ + 1 = 1 smallest: −0.01.
	approx(t, "var_75_historical", m["var_75_historical"], 0.0125)
	approx(t, "cvar_75_historical", m["cvar_75_historical"], -0.01)
	// Sorted e: −0.02, 0.01, 0.02, 0.03: VaR = −0.02 + 0.75·0.03 = 0.0025
	// (a gain), ES = −0.02; ratios mean(e) / −VaR = 0.01 / −0.0025 = −4 and
	// 0.01 / 0.02 = 0.5.
	approx(t, "var_sharpe_75_historical", m["var_sharpe_75_historical"], -4)
	approx(t, "cvar_sharpe_75_historical", m["cvar_sharpe_75_historical"], 0.5)
	if _, ok := m["final_value"]; ok {
		t.Error("final_value without a starting value")
	}
	o.StartingValue = 100
	approx(t, "final_value", named(o.Series(r))["final_value"], 108.169776)

	// Unknown periods per year: annualised metrics are NaN, the others
	// stay defined, nothing panics.
	u := named(metrics.Options{PeriodsPerYear: math.NaN()}.Series(r))
	approx(t, "cagr (ppy unknown)", u["cagr"], math.NaN())
	approx(t, "sharpe (ppy unknown)", u["sharpe"], math.NaN())
	approx(t, "max_drawdown (ppy unknown)", u["max_drawdown"], -0.01)
	// No rows at all: every value NaN except the count.
	for _, n := range (metrics.Options{PeriodsPerYear: 12}).Series(nil) {
		if n.Name != "periods" && n.Name != "periods_per_year" && n.Name != "max_drawdown_peak_index" &&
			n.Name != "max_drawdown_trough_index" && n.Name != "max_drawdown_duration" && !math.IsNaN(n.Value) {
			t.Errorf("empty input: %s = %g", n.Name, n.Value)
		}
	}
}

// ZeroRisk on series whose risk is exactly zero.
func TestOptionsZeroRisk(t *testing.T) {
	flat := []float64{0.01, 0.01, 0.01} // sd 0, no loss, no drawdown
	cases := []struct {
		z                     metrics.ZeroRisk
		sharpe, omega, calmar float64
	}{
		{metrics.ZeroRiskDefault, math.NaN(), math.Inf(1), math.Inf(1)},
		{metrics.ZeroRiskInf, math.Inf(1), math.Inf(1), math.Inf(1)},
		{metrics.ZeroRiskNaN, math.NaN(), math.NaN(), math.NaN()},
	}
	for _, c := range cases {
		m := named(metrics.Options{PeriodsPerYear: 12, ZeroRisk: c.z}.Series(flat))
		approx(t, c.z.String()+" sharpe", m["sharpe"], c.sharpe)
		approx(t, c.z.String()+" sharpe_geometric", m["sharpe_geometric"], c.sharpe)
		approx(t, c.z.String()+" omega", m["omega"], c.omega)
		approx(t, c.z.String()+" calmar", m["calmar"], c.calmar)
		approx(t, c.z.String()+" sortino", m["sortino"], c.omega)
	}
	// A falling constant series: −Inf under inf.
	m := named(metrics.Options{PeriodsPerYear: 12, ZeroRisk: metrics.ZeroRiskInf}.Series([]float64{-0.01, -0.01}))
	approx(t, "sharpe of a constant loss", m["sharpe"], math.Inf(-1))
	// One observation stays undefined whatever the rule.
	m = named(metrics.Options{PeriodsPerYear: 12, ZeroRisk: metrics.ZeroRiskInf}.Series([]float64{0.01}))
	approx(t, "sharpe of one row", m["sharpe"], math.NaN())
	approx(t, "sortino of one row", m["sortino"], math.NaN())
}

// Options.Relative against a benchmark, by hand.
func TestOptionsRelative(t *testing.T) {
	r := []float64{0.04, -0.01, 0.02, 0.03}
	b := []float64{0.02, -0.02, 0.01, 0.03}
	m := named(metrics.Options{PeriodsPerYear: 12}.Relative(r, b))
	// Means: r 0.02, b 0.01; deviations r [0.02, −0.03, 0, 0.01],
	// b [0.01, −0.03, 0, 0.02]: Σdb² = 0.0014, Σdr·db = 0.0013, β = 13/14,
	// a = 0.02 − (13/14)·0.01 = 0.15/14 a period.
	approx(t, "beta", m["beta"], 13.0/14)
	approx(t, "alpha_per_period", m["alpha_per_period"], 0.15/14)
	approx(t, "alpha", m["alpha"], math.Pow(1+0.15/14, 12)-1)
	// Up rows (b > 0): r [0.04, 0.02, 0.03], b [0.02, 0.01, 0.03]: means
	// 0.03 and 0.02, db [0, −0.01, 0.01], dr [0.01, −0.01, 0]: β = 0.0001 /
	// 0.0002. One down row: no down beta, no timing ratio.
	approx(t, "up_beta", m["up_beta"], 0.5)
	approx(t, "down_beta", m["down_beta"], math.NaN())
	approx(t, "timing_ratio", m["timing_ratio"], math.NaN())
	// Captures: up cumulative (1.04·1.02·1.03 − 1)/(1.02·1.01·1.03 − 1),
	// arithmetic 0.09/0.06; down −0.01/−0.02 both ways, annualised
	// (0.99¹² − 1)/(0.98¹² − 1).
	approx(t, "up_capture", m["up_capture"], (1.04*1.02*1.03-1)/(1.02*1.01*1.03-1))
	approx(t, "up_capture_arithmetic", m["up_capture_arithmetic"], 1.5)
	approx(t, "down_capture", m["down_capture"], 0.5)
	approx(t, "down_capture_arithmetic", m["down_capture_arithmetic"], 0.5)
	approx(t, "down_capture_annualized", m["down_capture_annualized"], (math.Pow(0.99, 12)-1)/(math.Pow(0.98, 12)-1))
	// Active returns r − b = [0.02, 0.01, 0.01, 0]: mean 0.01, Σd² =
	// 0.0001 + 0 + 0 + 0.0001, sd = √(0.0002/3).
	te := math.Sqrt(0.0002/3) * math.Sqrt(12)
	approx(t, "tracking_error", m["tracking_error"], te)
	approx(t, "information_ratio", m["information_ratio"], 0.01*12/te)

	// b = 0 is a down row only with DownIncludesZero.
	r2 := []float64{0.01, -0.02, 0.03}
	b2 := []float64{0, -0.01, 0.02}
	approx(t, "down (b < 0)", named(metrics.Options{PeriodsPerYear: 12}.Relative(r2, b2))["down_capture_arithmetic"], 2)
	// b ≤ 0: (0.01 − 0.02) / (0 − 0.01) = 1.
	approx(t, "down (b ≤ 0)", named(metrics.Options{PeriodsPerYear: 12, DownIncludesZero: true}.Relative(r2, b2))["down_capture_arithmetic"], 1)
}
