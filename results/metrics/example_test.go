package metrics_test

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/divergence-research/divergence/results/metrics"
)

func ExampleSharpe() {
	// Four monthly returns; a 0.1 % monthly risk-free rate.
	r := []float64{0.02, -0.01, 0.03, 0.01}
	fmt.Printf("monthly Sharpe    %.4f\n", metrics.Sharpe(r, 0.001, 1))
	fmt.Printf("annualised Sharpe %.4f\n", metrics.Sharpe(r, 0.001, 12))
	fmt.Printf("constant series   %.4f\n", metrics.Sharpe([]float64{0.01, 0.01, 0.01}, 0, 12))
	// Output:
	// monthly Sharpe    0.6734
	// annualised Sharpe 2.3326
	// constant series   NaN
}

func ExampleMaxDrawdownInfo() {
	// Wealth 1 → 1.1 → 0.55 → 0.66 → 1.32 → 1.188.
	r := []float64{0.1, -0.5, 0.2, 1.0, -0.1}
	dd := metrics.MaxDrawdownInfo(r)
	fmt.Printf("depth %.2f peak row %d trough row %d recovered row %d after %d periods\n",
		dd.Depth, dd.Peak, dd.Trough, dd.Recovery, dd.Duration)
	fmt.Printf("%.2f\n", metrics.DrawdownFromReturns(nil, r))
	// Output:
	// depth -0.50 peak row 0 trough row 1 recovered row 3 after 3 periods
	// [0.00 -0.50 -0.40 0.00 -0.10]
}

func ExampleVaR() {
	r := []float64{-0.05, 0.01, 0.02, -0.02, 0.03, 0.00, -0.01, 0.04, -0.03, 0.01}
	// Tail probability 0.2, i.e. 80 % VaR; a loss is negative.
	fmt.Printf("historical VaR %.4f CVaR %.4f\n", metrics.VaR(r, 0.2), metrics.CVaR(r, 0.2))
	fmt.Printf("gaussian   VaR %.4f ES   %.4f\n", metrics.GaussianVaR(r, 0.2, 0), metrics.GaussianCVaR(r, 0.2, 0))
	fmt.Printf("modified   VaR %.4f ES   %.4f\n", metrics.ModifiedVaR(r, 0.2), metrics.ModifiedCVaR(r, 0.2))
	// Output:
	// historical VaR -0.0220 CVaR -0.0400
	// gaussian   VaR -0.0223 ES   -0.0370
	// modified   VaR -0.0238 ES   -0.0392
}

func ExampleCapture() {
	b := []float64{0.02, -0.01, 0.01, 0, -0.02}
	r := []float64{0.03, -0.005, 0.01, 0.01, -0.01}
	fmt.Printf("up %.3f down %.3f\n", metrics.UpCapture(r, b), metrics.DownCapture(r, b))
	pa := metrics.Capture{Method: metrics.CaptureArithmetic, ZeroIsDown: true}
	fmt.Printf("arithmetic, b = 0 counted down: up %.3f down %.3f\n", pa.Up(r, b), pa.Down(r, b))
	// Output:
	// up 1.334 down 0.502
	// arithmetic, b = 0 counted down: up 1.333 down 0.167
}

func ExampleRollingVolatility() {
	r := []float64{0.01, 0.03, 0.05, math.NaN(), 0.05, 0.05}
	// Windows of 3 rows; the NaN row is skipped inside its windows.
	fmt.Printf("%.4f\n", metrics.RollingVolatility(nil, r, 3, 1))
	// Output:
	// [NaN NaN 0.0200 0.0141 0.0000 0.0000]
}

func ExampleHedgeEffectiveness() {
	// A long position and a short hedge leg that offsets most of it.
	unhedged := []float64{0.02, -0.03, 0.04, -0.05, 0.01}
	hedge := []float64{-0.015, 0.02, -0.03, 0.04, -0.01}
	hedged := make([]float64, len(unhedged))
	for i := range hedged {
		hedged[i] = unhedged[i] + hedge[i]
	}
	fmt.Printf("variance removed: %.1f %%\n", 100*metrics.HedgeEffectiveness(hedged, unhedged))
	// Output:
	// variance removed: 94.2 %
}

func ExampleSummarize() {
	r := []float64{0.01, -0.02, 0.015, 0.03, -0.01, 0.005, math.NaN(), 0.02}
	b := []float64{0.005, -0.01, 0.01, 0.02, -0.015, 0.0, 0.01, 0.01}
	s := metrics.Summarize(r, 12, b)
	fmt.Printf("periods %d, CAGR %.4f, Sharpe %.4f, max drawdown %.4f over %d periods\n",
		s.Periods, s.CAGR, s.Sharpe, s.MaxDrawdown, s.MaxDrawdownDuration)
	fmt.Printf("beta %.3f, up capture %.3f, down capture %.3f\n",
		s.Benchmark.Beta, s.Benchmark.UpCapture, s.Benchmark.DownCapture)
	// Output:
	// periods 7, CAGR 0.0875, Sharpe 1.4314, max drawdown -0.0200 over 4 periods
	// beta 1.352, up capture 1.738, down capture 1.185
}

func ExampleSummary_MarshalJSON() {
	// One period: no dispersion (NaN, written null) and no drawdown
	// (Calmar +Inf, written "Infinity").
	b, _ := json.MarshalIndent(metrics.Summarize([]float64{0.5}, 1, nil), "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "periods": 1,
	//   "periods_per_year": 1,
	//   "total_return": 0.5,
	//   "cagr": 0.5,
	//   "annual_volatility": null,
	//   "sharpe": null,
	//   "sortino": null,
	//   "max_drawdown": 0,
	//   "max_drawdown_duration": 0,
	//   "calmar": "Infinity",
	//   "var_95": 0.5,
	//   "cvar_95": 0.5,
	//   "skewness": null,
	//   "kurtosis": null,
	//   "hit_rate": 1,
	//   "best_period": 0.5,
	//   "worst_period": 0.5
	// }
}
