package results

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results/metrics"
)

// RunFile is a run's metrics.json: what the run was (experiment, key,
// strategy, parameters, seed, data, period, cash) and its metrics.
type RunFile struct {
	Experiment     string         `json:"experiment"`
	Run            string         `json:"run"`
	Strategy       string         `json:"strategy"`
	Type           string         `json:"type"`
	Params         map[string]any `json:"params"`
	Swept          map[string]any `json:"swept,omitempty"`
	Seed           uint64         `json:"seed"`
	Synthetic      bool           `json:"synthetic"`
	Data           string         `json:"data"`
	Start          string         `json:"start"`
	End            string         `json:"end"`
	Cash           float64        `json:"initial_cash"`
	CommissionBps  float64        `json:"commission_bps"`
	PeriodsPerYear float64        `json:"periods_per_year"`
	Calendar       string         `json:"calendar"`
	Metrics        RunMetrics     `json:"metrics"`
	// StrategyStats are the strategy's own figures (strategies.Reporter):
	// average entry, tranches filled, days to full size, hedge ratios, …
	StrategyStats map[string]float64 `json:"strategy_stats,omitempty"`
}

// RunMetrics is what a run's metrics.json holds under "metrics": the
// summary of its returns (results/metrics) beside its counts and costs.
type RunMetrics struct {
	metrics.Summary
	Fills       int     `json:"fills"`
	Commission  float64 `json:"commission_paid"`
	FinalEquity float64 `json:"final_equity"`
	// Costs breaks down every cost the broker booked (money, positive =
	// paid); Total is the PnL they took.
	Costs        Costs `json:"costs"`
	Rejections   int   `json:"rejections"`
	MarginCalls  int   `json:"margin_calls"`
	Liquidations int   `json:"liquidations"`
	// ExposureTime is the share of the curve's points with a position;
	// Turnover the money traded per year as a multiple of mean equity.
	ExposureTime, Turnover float64
	// The max drawdown's peak, trough and recovery dates (recovery empty
	// when it never recovered; all empty without a drawdown).
	MaxDrawdownPeak, MaxDrawdownTrough, MaxDrawdownRecovery string
	// Benchmarks holds, per benchmark symbol of the experiment, beta,
	// alpha, correlation, tracking error, information ratio and capture
	// (see [MeasureBenchmarks]).
	Benchmarks map[string]json.RawMessage
}

// Costs is engine.CostBreakdown for JSON.
type Costs struct {
	Commission     float64 `json:"commission"`
	Slippage       float64 `json:"slippage"`
	Spread         float64 `json:"spread"`
	Impact         float64 `json:"impact"`
	Borrow         float64 `json:"borrow"`
	Funding        float64 `json:"funding"`
	Interest       float64 `json:"interest"`
	LiquidationFee float64 `json:"liquidation_fees"`
	Total          float64 `json:"total"`
}

// Measure computes a run's metrics from its equity curve: the simple
// returns between consecutive curve points, summarised with ppy periods
// per year ([metrics.Summarize]), with the run's counts and costs.
func Measure(res *engine.Result, ppy float64) RunMetrics {
	eq := res.Curve.Equity
	rets := metrics.ReturnsFromEquity(nil, eq)
	c := res.Costs
	m := RunMetrics{Summary: metrics.Summarize(rets, ppy, nil), Fills: len(res.Fills), Commission: res.Portfolio.Commission,
		Costs: Costs{Commission: c.Commission, Slippage: c.Slippage, Spread: c.Spread, Impact: c.Impact, Borrow: c.Borrow,
			Funding: c.Funding, Interest: c.Interest, LiquidationFee: c.LiquidationFee, Total: c.Total()},
		Rejections: res.Rejections, MarginCalls: res.MarginCalls, Liquidations: res.Liquidations}
	if len(eq) > 0 {
		m.FinalEquity = eq[len(eq)-1]
	}
	traded := 0.0
	for i := range res.Fills {
		traded += math.Abs(res.Fills[i].Qty * res.Fills[i].Price)
	}
	m.ExposureTime = metrics.ExposureTime(res.Curve.Gross)
	m.Turnover = metrics.Turnover(traded, eq, ppy)
	// The drawdown's dates: return row j ends at curve point j+1; a peak
	// at row −1 is the start.
	if dd := metrics.MaxDrawdownInfo(rets); dd.Depth < 0 {
		t := res.Curve.Time
		m.MaxDrawdownPeak, m.MaxDrawdownTrough = data.FormatDay(t[dd.Peak+1]), data.FormatDay(t[dd.Trough+1])
		if dd.Recovery >= 0 {
			m.MaxDrawdownRecovery = data.FormatDay(t[dd.Recovery+1])
		}
	}
	return m
}

// MeasureBenchmarks measures a run against each benchmark instrument, on
// the benchmark's own bars: at each of its bar times within the run, the
// run's equity (its last point at or before that time) and the benchmark's
// close; returns between consecutive bars, so a run's weekend moves are
// compounded into the benchmark's Monday return instead of meeting a zero.
// Annualised with the benchmark's calendar (252 sessions or 365 days).
// Beta, alpha, correlation, tracking error, information ratio and capture
// (metrics.Summarize), keyed by symbol; nil without benchmarks.
func MeasureBenchmarks(res *engine.Result, bench *data.Panel) map[string]json.RawMessage {
	if bench == nil {
		return nil
	}
	t, eq := res.Curve.Time, res.Curve.Equity
	out := make(map[string]json.RawMessage, len(bench.Series))
	for i := range bench.Series {
		s := &bench.Series[i]
		var rr, br []float64
		k := -1
		prevE, prevB := math.NaN(), math.NaN()
		for j, tb := range s.Time {
			if tb < t[0] || tb > t[len(t)-1] {
				continue
			}
			for k+1 < len(t) && t[k+1] <= tb {
				k++
			}
			e, b := eq[k], s.Close[j]
			if !math.IsNaN(prevE) {
				rr = append(rr, e/prevE-1)
				br = append(br, b/prevB-1)
			}
			prevE, prevB = e, b
		}
		if len(rr) < 2 {
			continue
		}
		sum := metrics.Summarize(rr, s.Class.Calendar().PeriodsPerYear(), br)
		b, err := json.Marshal(sum)
		if err != nil {
			continue
		}
		var whole struct {
			Benchmark json.RawMessage `json:"benchmark"`
		}
		if json.Unmarshal(b, &whole) == nil {
			out[s.Symbol] = whole.Benchmark
		}
	}
	return out
}

// MetricNames lists the headline metrics runs can be ranked by
// ([RunMetrics.Metric], `--sort`, a walk-forward's choice).
var MetricNames = []string{"total_return", "cagr", "annual_volatility", "sharpe", "sortino", "max_drawdown", "calmar", "final_equity"}

// Metric returns the named headline metric of a run (NaN if unknown).
func (m *RunMetrics) Metric(name string) float64 {
	switch name {
	case "total_return":
		return m.TotalReturn
	case "cagr":
		return m.CAGR
	case "annual_volatility":
		return m.AnnualVolatility
	case "sharpe":
		return m.Sharpe
	case "sortino":
		return m.Sortino
	case "max_drawdown":
		return m.MaxDrawdown
	case "calmar":
		return m.Calmar
	case "final_equity":
		return m.FinalEquity
	}
	return math.NaN()
}

// ValidMetric reports whether name is a metric runs can be ranked by.
func ValidMetric(name string) error {
	for _, m := range MetricNames {
		if m == name {
			return nil
		}
	}
	return fmt.Errorf("unknown metric %q (known: %v)", name, MetricNames)
}

// MarshalJSON writes the summary's metrics (non-finite values as null)
// beside the run's counts and costs. Without it the embedded Summary's
// MarshalJSON would be promoted and hide the other fields.
func (m RunMetrics) MarshalJSON() ([]byte, error) {
	b, err := m.Summary.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	out["fills"] = m.Fills
	out["commission_paid"] = m.Commission
	out["final_equity"] = m.FinalEquity
	out["costs"] = m.Costs
	out["rejections"] = m.Rejections
	out["margin_calls"] = m.MarginCalls
	out["liquidations"] = m.Liquidations
	for k, v := range map[string]float64{"exposure_time": m.ExposureTime, "turnover": m.Turnover} {
		if v == v && v-v == 0 {
			out[k] = v
		} else {
			out[k] = nil
		}
	}
	out["max_drawdown_peak"] = m.MaxDrawdownPeak
	out["max_drawdown_trough"] = m.MaxDrawdownTrough
	out["max_drawdown_recovery"] = m.MaxDrawdownRecovery
	if len(m.Benchmarks) > 0 {
		out["benchmarks"] = m.Benchmarks
	}
	return json.Marshal(out)
}
