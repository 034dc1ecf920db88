package metrics

import "math"

// Named is one metric of a Report: a snake_case name, its value and its
// unit ("fraction", "ratio", "periods").
type Named struct {
	Name  string
	Value float64
	Unit  string
}

// Report computes a fixed set of the package's metrics of a return series
// (and, when benchmark is not nil, some against it), in a fixed order.
// rf, mar and the Omega threshold are 0. VaR and CVaR are returns
// (negative for a loss) at the tail probabilities 5% and 1%; its Gaussian
// VaR/ES use the sample sd (ddof 1) and its up/down captures are the
// cumulative ones. The `divergence metrics` command computes its metrics
// with [Options] instead (Gaussian ddof 0 by default, captures in three
// forms), and a run's metrics.json is [Summarize]'s (annualised captures).
func Report(r []float64, ppy float64, benchmark []float64) []Named {
	checkPPY(ppy)
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
		best, worst = math.NaN(), math.NaN()
	}
	dd := MaxDrawdownInfo(r)
	out := []Named{
		{"periods", float64(n), "periods"},
		{"periods_per_year", ppy, "periods"},
		{"total_return", TotalReturn(r), "fraction"},
		{"cagr", CAGR(r, ppy), "fraction per year"},
		{"annual_volatility", AnnualVolatility(r, ppy), "fraction per year"},
		{"sharpe", Sharpe(r, 0, ppy), "ratio (annualised)"},
		{"sortino", Sortino(r, 0, ppy), "ratio (annualised)"},
		{"downside_deviation", DownsideDeviation(r, 0, ppy), "fraction per year"},
		{"max_drawdown", dd.Depth, "fraction"},
		{"max_drawdown_peak_index", float64(dd.Peak), "period index"},
		{"max_drawdown_trough_index", float64(dd.Trough), "period index"},
		{"max_drawdown_duration", float64(MaxDrawdownDuration(r)), "periods"},
		{"calmar", Calmar(r, ppy), "ratio"},
		{"omega", Omega(r, 0), "ratio"},
		{"var_95_historical", VaR(r, 0.05), "fraction per period"},
		{"cvar_95_historical", CVaR(r, 0.05), "fraction per period"},
		{"var_99_historical", VaR(r, 0.01), "fraction per period"},
		{"cvar_99_historical", CVaR(r, 0.01), "fraction per period"},
		{"var_95_gaussian", GaussianVaR(r, 0.05, 1), "fraction per period"},
		{"cvar_95_gaussian", GaussianCVaR(r, 0.05, 1), "fraction per period"},
		{"var_95_cornish_fisher", ModifiedVaR(r, 0.05), "fraction per period"},
		{"cvar_95_cornish_fisher", ModifiedCVaR(r, 0.05), "fraction per period"},
		{"tail_ratio", TailRatio(r), "ratio"},
		{"stability", Stability(r), "R²"},
		{"skewness", Skewness(r), "ratio"},
		{"kurtosis", Kurtosis(r), "excess"},
		{"hit_rate", HitRate(r), "fraction"},
		{"profit_factor", ProfitFactor(r), "ratio"},
		{"average_win", AverageWin(r), "fraction per period"},
		{"average_loss", AverageLoss(r), "fraction per period"},
		{"best_period", best, "fraction per period"},
		{"worst_period", worst, "fraction per period"},
	}
	if benchmark != nil {
		out = append(out,
			Named{"beta", Beta(r, benchmark), "ratio"},
			Named{"alpha", Alpha(r, benchmark, ppy), "fraction per year"},
			Named{"correlation", Correlation(r, benchmark), "ratio"},
			Named{"tracking_error", TrackingError(r, benchmark, ppy), "fraction per year"},
			Named{"information_ratio", InformationRatio(r, benchmark, ppy), "ratio (annualised)"},
			Named{"up_capture", UpCapture(r, benchmark), "ratio"},
			Named{"down_capture", DownCapture(r, benchmark), "ratio"},
		)
	}
	return out
}
