package results

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/divergence-research/divergence/results/metrics"
)

// ColumnKind is the type of a runs-table column.
type ColumnKind int

// The kinds of runs-table columns. A Date column holds a date as text
// (2006-01-02, "" when undefined) in CSV and Parquet; the results
// database casts it to DATE (NULL for "").
const (
	Text ColumnKind = iota
	Float
	Int
	Uint
	Bool
	Date
)

// ColumnSet selects the columns of [RunsTable].
type ColumnSet int

const (
	// Headline is the compact table runs.csv holds: key, strategy, type,
	// data, params, scenario and long_leg_of (when any run has a
	// scenario or is a companion), one param_<name> per swept parameter,
	// the headline metrics and the counts and costs.
	Headline ColumnSet = iota
	// All is every column: the headline ones, then the run's setup, every
	// metric of metrics.json, the costs by kind (costs_<kind>), the
	// strategy's own statistics (stat_<key>: stat_hedge_ratio_mean, …)
	// and, per benchmark symbol, <metric>_<symbol> (beta_qqq, alpha_qqq,
	// …, periods_per_year_qqq: the periods a year those metrics are
	// annualised with; the symbol lower-cased, other characters than
	// letters and digits as _).
	All
)

// RunColumn is one column of the runs table, computed from a RunRecord.
type RunColumn struct {
	Name string
	Kind ColumnKind
	// Headline columns are in runs.csv (ColumnSet Headline).
	Headline bool
	text     func(*RunRecord) string
	float    func(*RunRecord) float64
	integer  func(*RunRecord) int64
	// metric, in place of float, gives a headline metric runs can be
	// ranked by ([MetricNames], [RunMetrics.Metric]).
	metric func(*RunMetrics) float64
}

// value is a Float column's value for r.
func (c *RunColumn) value(r *RunRecord) float64 {
	if c.metric != nil {
		return c.metric(&r.Metrics)
	}
	return c.float(r)
}

// MetricNames lists the headline metrics runs can be ranked by
// ([RunMetrics.Metric], `--sort`, a walk-forward's choice), in the runs
// table's order: the columns that have their getter on [RunMetrics].
func MetricNames() []string {
	var out []string
	for i := range runColumns {
		if runColumns[i].metric != nil {
			out = append(out, runColumns[i].Name)
		}
	}
	return out
}

// Metric returns the named headline metric of a run ([MetricNames]; NaN
// if unknown), read by the runs table's own getter.
func (m *RunMetrics) Metric(name string) float64 {
	for i := range runColumns {
		if c := &runColumns[i]; c.Name == name && c.metric != nil {
			return c.metric(m)
		}
	}
	return math.NaN()
}

// The columns of the runs table, in order, written once: [RunsTable]
// builds every runs table (runs.csv, runs.parquet, results.duckdb's runs,
// the report's) from this list. The scenario, base, long_leg_of, param_*
// and benchmark columns and the RunMeasures are added by RunsTable where
// they belong.
var runColumns = [...]RunColumn{
	{Name: "key", Kind: Text, Headline: true, text: func(r *RunRecord) string { return r.Run }},
	{Name: "strategy", Kind: Text, Headline: true, text: func(r *RunRecord) string { return r.Strategy }},
	{Name: "type", Kind: Text, Headline: true, text: func(r *RunRecord) string { return r.Type }},
	{Name: "data", Kind: Text, Headline: true, text: dataLabel},
	{Name: "params", Kind: Text, Headline: true, text: paramsJSON},
	// scenario, base, long_leg_of, param_* go here.
	{Name: "total_return", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.TotalReturn }},
	{Name: "cagr", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.CAGR }},
	{Name: "annual_volatility", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.AnnualVolatility }},
	{Name: "sharpe", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.Sharpe }},
	{Name: "sortino", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.Sortino }},
	{Name: "max_drawdown", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.MaxDrawdown }},
	{Name: "calmar", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.Calmar }},
	{Name: "final_equity", Kind: Float, Headline: true, metric: func(m *RunMetrics) float64 { return m.FinalEquity }},
	{Name: "commission_paid", Kind: Float, Headline: true, float: func(r *RunRecord) float64 { return r.Metrics.Commission }},
	{Name: "fills", Kind: Int, Headline: true, integer: func(r *RunRecord) int64 { return int64(r.Metrics.Fills) }},
	{Name: "total_costs", Kind: Float, Headline: true, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Total }},
	{Name: "rejections", Kind: Int, Headline: true, integer: func(r *RunRecord) int64 { return int64(r.Metrics.Rejections) }},
	{Name: "margin_calls", Kind: Int, Headline: true, integer: func(r *RunRecord) int64 { return int64(r.Metrics.MarginCalls) }},
	{Name: "liquidations", Kind: Int, Headline: true, integer: func(r *RunRecord) int64 { return int64(r.Metrics.Liquidations) }},
	// ruined: the equity fell to 0 or below (RunMetrics.Ruined), and the
	// returns after it, the metrics built on them, mean nothing.
	{Name: "ruined", Kind: Bool, Headline: true, integer: func(r *RunRecord) int64 { return b2i(r.Metrics.Ruined()) }},
	// The rest are in the All set only.
	{Name: "experiment", Kind: Text, text: func(r *RunRecord) string { return r.Experiment }},
	{Name: "synthetic", Kind: Bool, integer: func(r *RunRecord) int64 { return b2i(r.Synthetic) }},
	{Name: "seed", Kind: Uint, integer: func(r *RunRecord) int64 { return int64(r.Seed) }},
	{Name: "start", Kind: Date, text: func(r *RunRecord) string { return r.Start }},
	{Name: "end", Kind: Date, text: func(r *RunRecord) string { return r.End }},
	{Name: "initial_cash", Kind: Float, float: func(r *RunRecord) float64 { return r.Cash }},
	{Name: "commission_bps", Kind: Float, float: func(r *RunRecord) float64 { return r.CommissionBps }},
	{Name: "periods_per_year", Kind: Float, float: func(r *RunRecord) float64 { return r.PeriodsPerYear }},
	{Name: "calendar", Kind: Text, text: func(r *RunRecord) string { return r.Calendar }},
	{Name: "periods", Kind: Int, integer: func(r *RunRecord) int64 { return int64(r.Metrics.Periods) }},
	{Name: "max_drawdown_duration", Kind: Int, integer: func(r *RunRecord) int64 { return int64(r.Metrics.MaxDrawdownDuration) }},
	{Name: "max_drawdown_peak", Kind: Date, text: func(r *RunRecord) string { return r.Metrics.MaxDrawdownPeak }},
	{Name: "max_drawdown_trough", Kind: Date, text: func(r *RunRecord) string { return r.Metrics.MaxDrawdownTrough }},
	{Name: "max_drawdown_recovery", Kind: Date, text: func(r *RunRecord) string { return r.Metrics.MaxDrawdownRecovery }},
	{Name: "var_95", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.VaR95 }},
	{Name: "cvar_95", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.CVaR95 }},
	{Name: "skewness", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Skewness }},
	{Name: "kurtosis", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Kurtosis }},
	{Name: "hit_rate", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.HitRate }},
	{Name: "best_period", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.BestPeriod }},
	{Name: "worst_period", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.WorstPeriod }},
	// The RunMeasures go here.
	{Name: "costs_commission", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Commission }},
	{Name: "costs_slippage", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Slippage }},
	{Name: "costs_spread", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Spread }},
	{Name: "costs_impact", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Impact }},
	{Name: "costs_borrow", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Borrow }},
	{Name: "costs_funding", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Funding }},
	{Name: "costs_interest", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Interest }},
	{Name: "costs_liquidation_fees", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.LiquidationFee }},
	{Name: "costs_isolated_shortfall", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Shortfall }},
	{Name: "costs_dividends", Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Costs.Dividend }},
	// stat_<key> (the strategy's own statistics), then beta_<symbol>, …
	// go last.
}

// benchmarkColumns are the per-benchmark metrics, as <name>_<symbol>.
var benchmarkColumns = [...]struct {
	name string
	get  func(b *metrics.BenchmarkSummary) float64
}{
	{"beta", func(b *metrics.BenchmarkSummary) float64 { return b.Beta }},
	{"alpha", func(b *metrics.BenchmarkSummary) float64 { return b.Alpha }},
	{"correlation", func(b *metrics.BenchmarkSummary) float64 { return b.Correlation }},
	{"tracking_error", func(b *metrics.BenchmarkSummary) float64 { return b.TrackingError }},
	{"information_ratio", func(b *metrics.BenchmarkSummary) float64 { return b.InformationRatio }},
	{"up_capture", func(b *metrics.BenchmarkSummary) float64 { return b.UpCapture }},
	{"down_capture", func(b *metrics.BenchmarkSummary) float64 { return b.DownCapture }},
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func dataLabel(r *RunRecord) string {
	if r.Synthetic {
		return "synthetic"
	}
	return "real"
}

// paramsJSON is the parameters as compact JSON with sorted keys.
func paramsJSON(r *RunRecord) string {
	b, err := json.Marshal(r.Params)
	if err != nil {
		return ""
	}
	return string(b)
}

// ColumnSymbol is a benchmark symbol as it appears in column names:
// lower case, characters other than letters and digits as _ ("BTC-USD"
// gives btc_usd).
func ColumnSymbol(symbol string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return '_'
	}, symbol)
}

// BenchmarkColumnNames returns the names of the runs-table columns of a
// benchmark symbol, in order: <metric>_<ColumnSymbol(symbol)> (beta_qqq,
// alpha_qqq, …, periods_per_year_qqq). Two benchmarks of one experiment
// must not share them.
func BenchmarkColumnNames(symbol string) []string {
	cs := ColumnSymbol(symbol)
	out := make([]string, 0, len(benchmarkColumns)+1)
	for _, bc := range benchmarkColumns {
		out = append(out, bc.name+"_"+cs)
	}
	return append(out, "periods_per_year_"+cs)
}

// RunColumns returns the columns of the runs table of recs, in order,
// with their kinds (the dynamic ones included).
func RunColumns(recs []RunRecord, set ColumnSet) []RunColumn {
	var swept, bench, stats []string
	seenS, seenB, seenT := map[string]bool{}, map[string]bool{}, map[string]bool{}
	scen := false
	for i := range recs {
		r := &recs[i]
		for k := range r.Swept {
			if !seenS[k] {
				seenS[k] = true
				swept = append(swept, k)
			}
		}
		for k := range r.StrategyStats {
			if !seenT[k] {
				seenT[k] = true
				stats = append(stats, k)
			}
		}
		for s := range r.Metrics.Benchmarks {
			if !seenB[s] {
				seenB[s] = true
				bench = append(bench, s)
			}
		}
		scen = scen || r.Scenario != "" || r.LongLegOf != ""
	}
	sort.Strings(swept)
	sort.Strings(bench)
	sort.Strings(stats)
	var out []RunColumn
	for _, c := range runColumns {
		if set == Headline && !c.Headline {
			break // the headline columns come first
		}
		out = append(out, c)
		if c.Name == "worst_period" {
			for _, x := range RunMeasures() {
				out = append(out, RunColumn{Name: x.Name, Kind: Float, float: func(r *RunRecord) float64 { return r.Metrics.Measures[x.Name] }})
			}
		}
		if c.Name != "params" {
			continue
		}
		if scen || set == All {
			out = append(out, RunColumn{Name: "scenario", Kind: Text, Headline: true, text: (*RunRecord).ScenarioName})
			if set == All {
				out = append(out, RunColumn{Name: "base", Kind: Text, text: (*RunRecord).BaseKey})
			}
			out = append(out, RunColumn{Name: "long_leg_of", Kind: Text, Headline: true, text: func(r *RunRecord) string { return r.LongLegOf }})
		}
		for _, k := range swept {
			out = append(out, RunColumn{Name: "param_" + k, Kind: Text, Headline: true, text: func(r *RunRecord) string {
				if v, ok := r.Swept[k]; ok {
					return FormatParam(v)
				}
				return ""
			}})
		}
	}
	if set == All {
		out = append(out, statColumns(stats)...)
		for _, s := range bench {
			for _, bc := range benchmarkColumns {
				out = append(out, RunColumn{Name: bc.name + "_" + ColumnSymbol(s), Kind: Float, float: func(r *RunRecord) float64 {
					b, ok := r.Metrics.Benchmark(s)
					if !ok {
						return math.NaN()
					}
					return bc.get(&b)
				}})
			}
			out = append(out, RunColumn{Name: "periods_per_year_" + ColumnSymbol(s), Kind: Float, float: func(r *RunRecord) float64 {
				return r.Metrics.BenchmarkPeriods(s)
			}})
		}
	}
	return out
}

// StatColumnPrefix begins the name of a runs-table column of a
// strategy's own statistic (statColumns: stat_hedge_ratio_mean).
const StatColumnPrefix = "stat_"

// statColumns are the columns of the strategies' own statistics
// (RunRecord.StrategyStats), one per key any run reports, in the keys'
// order: stat_<key> with the key as [ColumnSymbol] writes a symbol
// (NVDA.tranches_filled gives stat_nvda_tranches_filled); NaN where a run
// does not report it. Two keys that would give one name (NVDA.x and
// nvda.x) keep both, the later as stat_<key>_2 (then _3, …).
func statColumns(keys []string) []RunColumn {
	out := make([]RunColumn, 0, len(keys))
	taken := map[string]bool{}
	for _, k := range keys {
		base := StatColumnPrefix + ColumnSymbol(k)
		name := base
		for n := 2; taken[name]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		taken[name] = true
		out = append(out, RunColumn{Name: name, Kind: Float, float: func(r *RunRecord) float64 {
			if v, ok := r.StrategyStats[k]; ok {
				return v
			}
			return math.NaN()
		}})
	}
	return out
}

// RunsTable is the runs table of recs, one row per record in order, with
// the columns of the set ([RunColumns]).
func RunsTable(recs []RunRecord, set ColumnSet) *Table {
	cols := RunColumns(recs, set)
	t := &Table{Columns: make([]Column, len(cols))}
	n := len(recs)
	for j, c := range cols {
		col := Column{Name: c.Name}
		switch c.Kind {
		case Text, Date:
			col.Strings = make([]string, n)
			for i := range recs {
				col.Strings[i] = c.text(&recs[i])
			}
		case Float:
			col.Floats = make([]float64, n)
			for i := range recs {
				col.Floats[i] = c.value(&recs[i])
			}
		case Int:
			col.Ints = make([]int64, n)
			for i := range recs {
				col.Ints[i] = c.integer(&recs[i])
			}
		case Uint:
			col.Uints = make([]uint64, n)
			for i := range recs {
				col.Uints[i] = uint64(c.integer(&recs[i]))
			}
		case Bool:
			col.Bools = make([]bool, n)
			for i := range recs {
				col.Bools[i] = c.integer(&recs[i]) != 0
			}
		}
		t.Columns[j] = col
	}
	return t
}
