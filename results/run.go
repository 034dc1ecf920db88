package results

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results/metrics"
)

// Measure computes a run's metrics from its equity curve: the simple
// returns between consecutive curve points ([RunReturns]: first the
// return from the initial cash to the first point, when a fill at the
// first step's close made them differ), summarised with ppy periods per
// year ([metrics.Summarize]), with the run's counts and costs and its
// [RunMeasures].
func Measure(res *engine.Result, ppy float64) RunMetrics {
	eq := res.Curve.Equity
	rets, off := RunReturns(res.Initial, eq)
	c := res.Costs
	m := RunMetrics{Summary: metrics.Summarize(rets, ppy, nil), Fills: len(res.Fills), Commission: res.Portfolio.Commission,
		Costs: Costs{Commission: c.Commission, Slippage: c.Slippage, Spread: c.Spread, Impact: c.Impact, Borrow: c.Borrow,
			Funding: c.Funding, Interest: c.Interest, LiquidationFee: c.LiquidationFee, Shortfall: c.Shortfall,
			Dividend: c.Dividend, Total: c.Total()},
		Rejections: res.Rejections, MarginCalls: res.MarginCalls, Liquidations: res.Liquidations}
	if len(eq) > 0 {
		m.FinalEquity = eq[len(eq)-1]
	}
	in := MeasureInput{Result: res, Returns: rets, PeriodsPerYear: ppy}
	ms := RunMeasures()
	m.Measures = make(map[string]float64, len(ms))
	for _, x := range ms {
		m.Measures[x.Name] = x.Of(in)
	}
	// The drawdown's dates: return row j ends at curve point j+off; a
	// peak at row −1 is the start (the first point).
	if dd := metrics.MaxDrawdownInfo(rets); dd.Depth < 0 {
		t := res.Curve.Time
		at := func(j int) string { return data.FormatDay(t[max(j+off, 0)]) }
		m.MaxDrawdownPeak, m.MaxDrawdownTrough = at(dd.Peak), at(dd.Trough)
		if dd.Recovery >= 0 {
			m.MaxDrawdownRecovery = at(dd.Recovery)
		}
	}
	return m
}

// RunReturns returns a run's simple returns: between consecutive points
// of its equity curve and, when the first point is not the initial cash
// (a fill at the first step's close paid its costs before it), first the
// return from the initial cash to it, so that the returns compound to
// final equity / initial cash − 1. Return row j ends at curve point
// j + off (off is 1, or 0 with that first return). An initial cash of 0
// is unknown: the curve's returns alone.
func RunReturns(initial float64, equity []float64) (rets []float64, off int) {
	if initial > 0 && len(equity) > 0 && equity[0] != initial {
		rets = make([]float64, len(equity))
		rets[0] = equity[0]/initial - 1
		metrics.ReturnsFromEquity(rets[1:], equity)
		return rets, 0
	}
	return metrics.ReturnsFromEquity(nil, equity), 1
}

// MeasureBenchmarks measures a run against each benchmark instrument, on
// the benchmark's own bars: at each of its bar times within the run, the
// run's equity (its last point at or before that time) and the benchmark's
// close; returns between consecutive bars, so a run's weekend moves are
// compounded into the benchmark's Monday return instead of meeting a zero.
// A benchmark bar with no new point of the run since the last one sampled
// (a token's weekend beside a run of equities) is skipped, its move
// compounded into the next: the run's zero weekend returns would pull its
// correlation towards 0. Annualised with the benchmark's own periods
// per year, benchPPY[symbol] (its bars' interval and calendar: 8,760 for
// hourly 24/7 bars, 252 × 78 for 5-minute sessions), or, when benchPPY
// has none, its calendar's daily count (252 sessions or 365 days); with
// the run's own periods per year, ppy, when bars were skipped (the
// samples are then the run's steps).
// On intraday bars the captures are taken on the days' returns
// (dailySamples), annualised with the benchmark's calendar's days, or the
// run's (curveDaysPerYear) when bars were skipped.
// Beta, alpha, correlation, tracking error, information ratio and capture
// (metrics.Summarize), and the periods per year they are annualised with
// (periods_per_year), keyed by symbol; nil without benchmarks.
func MeasureBenchmarks(res *engine.Result, bench *data.Panel, ppy float64, benchPPY map[string]float64) map[string]json.RawMessage {
	if bench == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(bench.Series))
	for i := range bench.Series {
		s := &bench.Series[i]
		smp := SampleOnBenchmark(res.Curve.Time, res.Curve.Equity, s.Time, s.Close)
		if len(smp.Run) < 2 {
			continue
		}
		per := benchPPY[s.Symbol]
		if !(per > 0) {
			per = s.Class.Calendar().PeriodsPerYear()
		}
		if smp.Skipped > 0 {
			per = ppy // sampled on the run's own steps
		}
		sum := metrics.Summarize(smp.Run, per, smp.Bench)
		daily := s.Class.Calendar().PeriodsPerYear()
		if smp.Skipped > 0 {
			// Sampled on the run's steps: the days are the run's (a
			// session run's against a token, its weekend compounded into
			// Monday: 252 days a year, not the token's 365).
			daily = curveDaysPerYear(res.Curve.Time)
		}
		if per > daily && sum.Benchmark != nil {
			// Intraday bars: captures annualised over bars raise a bar's
			// small moves to thousands of periods a year (an up capture
			// of 1e10 on hourly tokens, a down capture of 1 whatever the
			// strategy); they are taken on the days' returns instead.
			dr, db := dailySamples(res.Curve.Time, smp)
			c := metrics.Capture{Method: metrics.CaptureAnnualized, PeriodsPerYear: daily}
			sum.Benchmark.UpCapture, sum.Benchmark.DownCapture = c.Up(dr, db), c.Down(dr, db)
		}
		b, err := json.Marshal(sum)
		if err != nil {
			continue
		}
		var whole struct {
			Benchmark json.RawMessage `json:"benchmark"`
		}
		if json.Unmarshal(b, &whole) == nil && len(whole.Benchmark) > 1 {
			// The periods a year its annualised figures use, after them
			// (the run's own are its summary's periods_per_year).
			p, _ := json.Marshal(metrics.JSONFloat(per))
			out[s.Symbol] = slices.Concat(whole.Benchmark[:len(whole.Benchmark)-1], []byte(`,"periods_per_year":`), p, []byte("}"))
		}
	}
	return out
}

// curveDaysPerYear is the days a year of a run's curve (times t): 365
// when it has a point on a UTC Saturday or Sunday (a 24/7 instrument in
// its panel), else 252 (exchange sessions, which never fall on a UTC
// weekend).
func curveDaysPerYear(t []int64) float64 {
	if data.HasWeekend(t) {
		return 365
	}
	return 252
}

// dailySamples compounds a run's and a benchmark's paired returns (smp)
// into one return each per UTC day, the day of the run's point each
// return ends on (t, the run's curve times): an equity's session lies
// within one UTC day, a token's day is its UTC day.
func dailySamples(t []int64, smp BenchmarkSamples) (run, bench []float64) {
	day := int64(math.MinInt64)
	for j := range smp.Run {
		d := data.DayNumber(t[smp.At[j]])
		if d != day {
			run, bench, day = append(run, 0), append(bench, 0), d
		}
		k := len(run) - 1
		run[k] = (1+run[k])*(1+smp.Run[j]) - 1
		bench[k] = (1+bench[k])*(1+smp.Bench[j]) - 1
	}
	return run, bench
}

// BenchmarkSamples are a run's returns and a benchmark's over the same
// periods, as [SampleOnBenchmark] takes them.
type BenchmarkSamples struct {
	// Run[j] and Bench[j] are the run's and the benchmark's returns over
	// the j-th period; At[j] is the index in the run's curve of the point
	// that period ends on.
	Run, Bench []float64
	At         []int
	// Skipped counts the benchmark's bars passed over because the run had
	// no new point since the last one sampled.
	Skipped int
}

// SampleOnBenchmark pairs a run's equity (times t, values eq) with a
// benchmark's closes (times bt, values bc) on the benchmark's own bars,
// as [MeasureBenchmarks] measures them: at each of its bar times within
// the run, the run's equity (its last point at or before that time) and
// the benchmark's close; returns between consecutive samples. A bar with
// no new point of the run since the last one sampled is skipped, its move
// compounded into the next. Both time columns are increasing.
//
// Times are bars' opens. Bars of different lengths (data.DetectInterval)
// are paired by their ends instead, each time moved by its own interval:
// a daily benchmark's bar of day D closes at the end of D, with the
// hourly run's point of 23:00, not of 00:00 (which closes at 01:00 and
// gave a beta of 0.03 against the run's own daily candles).
func SampleOnBenchmark(t []int64, eq []float64, bt []int64, bc []float64) BenchmarkSamples {
	var out BenchmarkSamples
	if len(t) == 0 {
		return out
	}
	var shiftRun, shiftBench int64
	if ir, ib := int64(data.DetectInterval(t)), int64(data.DetectInterval(bt)); ir > 0 && ib > 0 && ir != ib {
		shiftRun, shiftBench = ir, ib
	}
	k, prevK := -1, -1
	prevE, prevB := math.NaN(), math.NaN()
	for j, tb := range bt {
		tb += shiftBench
		if tb < t[0]+shiftRun || tb > t[len(t)-1]+shiftRun {
			continue
		}
		for k+1 < len(t) && t[k+1]+shiftRun <= tb {
			k++
		}
		if k == prevK {
			// The run has no point since the last bar sampled (a
			// token's weekend beside a run of equities): not one of
			// its periods; the benchmark's move compounds into the
			// next.
			out.Skipped++
			continue
		}
		e, b := eq[k], bc[j]
		if !math.IsNaN(prevE) {
			out.Run = append(out.Run, e/prevE-1)
			out.Bench = append(out.Bench, b/prevB-1)
			out.At = append(out.At, k)
		}
		prevE, prevB, prevK = e, b, k
	}
	return out
}

// Ruined reports whether the run's equity fell to zero or below (its
// maximum drawdown is −100% or worse): the returns after that, and the
// metrics built on them, mean nothing.
func (m *RunMetrics) Ruined() bool { return m.MaxDrawdown <= -1 }

// Rank returns the indices of runs ordered best first by the named
// headline metric (metrics.Rank: NaN last, ties in index order), the
// ruined runs ([RunMetrics.Ruined]) after all the others whatever their
// metric: a run that lost everything and kept trading does not head a
// table by a Sharpe ratio of meaningless returns.
func Rank(metric string, runs []*RunMetrics) []int {
	values := make([]float64, len(runs))
	for i, m := range runs {
		values[i] = m.Metric(metric)
	}
	idx := metrics.Rank(metric, values)
	out := make([]int, 0, len(idx))
	for _, i := range idx {
		if !runs[i].Ruined() {
			out = append(out, i)
		}
	}
	for _, i := range idx {
		if runs[i].Ruined() {
			out = append(out, i)
		}
	}
	return out
}

// ValidMetric reports whether name is a metric runs can be ranked by.
func ValidMetric(name string) error {
	for _, m := range MetricNames() {
		if m == name {
			return nil
		}
	}
	return fmt.Errorf("unknown metric %q (known: %s)", name, strings.Join(MetricNames(), ", "))
}
