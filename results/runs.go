package results

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/results/metrics"
)

// RunRecord is one run's record: what its metrics.json holds (written by
// [WriteJSON], with the keys of the tags below) and, flattened by
// [RunsTable], a row of the runs table (runs.csv, runs.parquet, the runs
// table of results.duckdb and of the report). It is the one definition of
// a run's results; readers find a run by its Run field (the key), never
// by the spelling of a folder name.
type RunRecord struct {
	Experiment string `json:"experiment"`
	// Run is the run's key: unique in its experiment, and the name of its
	// folder runs/<key>.
	Run      string         `json:"run"`
	Strategy string         `json:"strategy"`
	Type     string         `json:"type"`
	Params   map[string]any `json:"params"`
	// Swept holds the values of the swept parameters, when the strategy
	// has a sweep.
	Swept map[string]any `json:"swept,omitempty"`
	// Scenario is the stress scenario the run replays ("" for the
	// baseline), Base the key of the same run without it, LongLegOf (on a
	// pair hedge's long-leg companion run) the key of the hedge.
	Scenario  string `json:"scenario,omitempty"`
	Base      string `json:"base,omitempty"`
	LongLegOf string `json:"long_leg_of,omitempty"`
	Seed      uint64 `json:"seed"`
	Synthetic bool   `json:"synthetic"`
	// Data says "synthetic data" or "real data".
	Data string `json:"data"`
	// Start and End are the UTC dates (2006-01-02) of the first and last
	// curve points, on intraday bars too and whether the experiment's
	// start and end are dates or instants: the points' instants are the
	// equity's first and last times.
	Start string  `json:"start"`
	End   string  `json:"end"`
	Cash  float64 `json:"initial_cash"`
	// CommissionBps is the experiment's commission in basis points.
	CommissionBps  float64    `json:"commission_bps"`
	PeriodsPerYear float64    `json:"periods_per_year"`
	Calendar       string     `json:"calendar"`
	Metrics        RunMetrics `json:"metrics"`
	// StrategyStats are the strategy's own figures (average entry,
	// tranches filled, hedge ratios, …); finite values only.
	StrategyStats map[string]float64 `json:"strategy_stats,omitempty"`

	// PeriodsBasis says how PeriodsPerYear was derived on intraday bars
	// ("365 days × 24 bars (1h, 24/7)") and bars of a week or longer
	// ("365 days / 7 (1w bars)"); absent on daily bars.
	PeriodsBasis string `json:"periods_per_year_basis,omitempty"`
}

// RunMetrics are a run's metrics: the summary of its returns, its counts
// and costs, and its metrics against each benchmark.
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
	// Measures holds the run's [RunMeasures] by name: exposure_time (the
	// share of the curve's points with a position), turnover (the money
	// traded per year as a multiple of mean equity), ….
	Measures map[string]float64
	// The max drawdown's peak, trough and recovery dates (recovery empty
	// when it never recovered; all empty without a drawdown).
	MaxDrawdownPeak, MaxDrawdownTrough, MaxDrawdownRecovery string
	// Benchmarks holds, per benchmark symbol, the JSON of the run's
	// metrics.BenchmarkSummary against it (beta, alpha, correlation,
	// tracking_error, information_ratio, up_capture, down_capture; null
	// where undefined).
	Benchmarks map[string]json.RawMessage
}

// Costs are a run's costs by kind, in money (positive = paid).
type Costs struct {
	Commission     float64 `json:"commission"`
	Slippage       float64 `json:"slippage"`
	Spread         float64 `json:"spread"`
	Impact         float64 `json:"impact"`
	Borrow         float64 `json:"borrow"`
	Funding        float64 `json:"funding"`
	Interest       float64 `json:"interest"`
	LiquidationFee float64 `json:"liquidation_fees"`
	// Shortfall (≤ 0) is what isolated positions lost beyond their margin,
	// given back; absent when none did.
	Shortfall float64 `json:"isolated_shortfall,omitempty"`
	// Dividend is the cash dividends shorts paid less those longs
	// received (< 0 when received), with prices = "raw" and a dividends
	// table or dividends_from; absent when none was paid.
	Dividend float64 `json:"dividends,omitempty"`
	Total    float64 `json:"total"`
}

// MarshalJSON writes the summary's metrics (NaN as null, ±Inf as
// "Infinity" and "-Infinity", [metrics.JSONFloat])
// beside the run's counts and costs, every key sorted. Without it the
// embedded Summary's MarshalJSON would be promoted and hide the other
// fields.
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
	out["commission_paid"] = metrics.JSONFloat(m.Commission)
	out["final_equity"] = metrics.JSONFloat(m.FinalEquity)
	out["costs"] = m.Costs
	out["rejections"] = m.Rejections
	out["margin_calls"] = m.MarginCalls
	out["liquidations"] = m.Liquidations
	for _, x := range RunMeasures() {
		out[x.Name] = metrics.JSONFloat(m.Measures[x.Name])
	}
	out["max_drawdown_peak"] = m.MaxDrawdownPeak
	out["max_drawdown_trough"] = m.MaxDrawdownTrough
	out["max_drawdown_recovery"] = m.MaxDrawdownRecovery
	if len(m.Benchmarks) > 0 {
		out["benchmarks"] = m.Benchmarks
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes; null reads as NaN.
func (m *RunMetrics) UnmarshalJSON(b []byte) error {
	if err := m.Summary.UnmarshalJSON(b); err != nil {
		return err
	}
	var aux struct {
		Fills               int                        `json:"fills"`
		Commission          *metrics.JSONFloat         `json:"commission_paid"`
		FinalEquity         *metrics.JSONFloat         `json:"final_equity"`
		Costs               Costs                      `json:"costs"`
		Rejections          int                        `json:"rejections"`
		MarginCalls         int                        `json:"margin_calls"`
		Liquidations        int                        `json:"liquidations"`
		MaxDrawdownPeak     string                     `json:"max_drawdown_peak"`
		MaxDrawdownTrough   string                     `json:"max_drawdown_trough"`
		MaxDrawdownRecovery string                     `json:"max_drawdown_recovery"`
		Benchmarks          map[string]json.RawMessage `json:"benchmarks"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	orNaN := func(p *metrics.JSONFloat) float64 {
		if p == nil {
			return math.NaN()
		}
		return float64(*p)
	}
	m.Fills, m.Commission, m.FinalEquity, m.Costs = aux.Fills, orNaN(aux.Commission), orNaN(aux.FinalEquity), aux.Costs
	m.Rejections, m.MarginCalls, m.Liquidations = aux.Rejections, aux.MarginCalls, aux.Liquidations
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	ms := RunMeasures()
	m.Measures = make(map[string]float64, len(ms))
	for _, x := range ms {
		var v *metrics.JSONFloat
		if raw, ok := keys[x.Name]; ok {
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("%s: %w", x.Name, err)
			}
		}
		m.Measures[x.Name] = orNaN(v)
	}
	m.MaxDrawdownPeak, m.MaxDrawdownTrough, m.MaxDrawdownRecovery = aux.MaxDrawdownPeak, aux.MaxDrawdownTrough, aux.MaxDrawdownRecovery
	m.Benchmarks = aux.Benchmarks
	return nil
}

// Benchmark returns the run's metrics against the benchmark symbol (NaN
// where undefined), and false when the run has none for it.
func (m *RunMetrics) Benchmark(symbol string) (metrics.BenchmarkSummary, bool) {
	raw, ok := m.Benchmarks[symbol]
	if !ok {
		return metrics.BenchmarkSummary{}, false
	}
	var f map[string]*metrics.JSONFloat
	if json.Unmarshal(raw, &f) != nil {
		return metrics.BenchmarkSummary{}, false
	}
	v := func(k string) float64 {
		if p := f[k]; p != nil {
			return float64(*p)
		}
		return math.NaN()
	}
	return metrics.BenchmarkSummary{Beta: v("beta"), Alpha: v("alpha"), Correlation: v("correlation"), TrackingError: v("tracking_error"),
		InformationRatio: v("information_ratio"), UpCapture: v("up_capture"), DownCapture: v("down_capture")}, true
}

// BenchmarkPeriods returns the periods per year the run's metrics against
// the benchmark symbol are annualised with (its alpha, tracking error and
// information ratio; [MeasureBenchmarks]), NaN when unknown.
func (m *RunMetrics) BenchmarkPeriods(symbol string) float64 {
	var f struct {
		PPY *metrics.JSONFloat `json:"periods_per_year"`
	}
	if raw, ok := m.Benchmarks[symbol]; !ok || json.Unmarshal(raw, &f) != nil || f.PPY == nil {
		return math.NaN()
	}
	return float64(*f.PPY)
}

// ScenarioName is the run's scenario: Scenario, or "baseline".
func (r *RunRecord) ScenarioName() string {
	if r.Scenario == "" {
		return "baseline"
	}
	return r.Scenario
}

// BaseKey is the key of the run without its scenario: Base, or Run.
func (r *RunRecord) BaseKey() string {
	if r.Base == "" {
		return r.Run
	}
	return r.Base
}

// RunsCSV, RunsParquet and RunFile are the names of the runs table (CSV and Parquet
// beside each other) and of a run's record in runs/<key>/.
const (
	RunsCSV     = "runs.csv"
	RunsParquet = "runs.parquet"
	RunFile     = "metrics.json"
)

// ReadRunRecord reads a run's metrics.json. Errors name the file.
func ReadRunRecord(path string) (RunRecord, error) {
	var r RunRecord
	b, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("results: %w", err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("results: %s: %w", path, err)
	}
	if r.Run == "" {
		return r, fmt.Errorf("results: %s: no run key", path)
	}
	return r, nil
}

// ReadRuns reads the records of an experiment folder's runs: every
// runs/<key>/metrics.json, in the order of keys (the manifest's, when
// given; then the other folders sorted by key). A record written before
// RunRecord had Scenario, Base and LongLegOf gets the first two from its
// key's "<base>@<scenario>" form and the third from runs.parquet's
// long_leg_of column, so that older folders read the same; the scenario's
// name (the key holds its slug) comes from runs.parquet's scenario
// column.
func ReadRuns(dir string, keys []string) ([]RunRecord, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "runs", "*", RunFile))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	sort.Strings(paths)
	order := map[string]int{}
	for i, k := range keys {
		order[k] = i
	}
	var out []RunRecord
	seen := map[string]bool{}
	legacy := false
	for _, p := range paths {
		r, err := ReadRunRecord(p)
		if err != nil {
			return nil, err
		}
		if seen[r.Run] {
			return nil, fmt.Errorf("results: %s: run %q appears twice in %s", p, r.Run, dir)
		}
		seen[r.Run] = true
		if r.Scenario == "" && r.Base == "" {
			if base, sc, ok := strings.Cut(r.Run, "@"); ok {
				r.Base, r.Scenario = base, sc
			}
			legacy = true
		}
		out = append(out, r)
	}
	if legacy {
		// long_leg_of and the scenario's name (the key holds its slug:
		// "nvda-30" for "NVDA @ -30%") are in the runs table, both there
		// when any run has a scenario or is a companion.
		if t, err := ReadTableParquet(filepath.Join(dir, RunsParquet), "key", "long_leg_of", "scenario"); err == nil {
			of, name := map[string]string{}, map[string]string{}
			for i, k := range t.Columns[0].Strings {
				of[k], name[k] = t.Columns[1].Strings[i], t.Columns[2].Strings[i]
			}
			for i := range out {
				if out[i].LongLegOf == "" {
					out[i].LongLegOf = of[out[i].Run]
				}
				if n := name[out[i].Run]; n != "" && out[i].Scenario != "" {
					out[i].Scenario = n
				}
			}
		}
	}
	for _, k := range keys {
		if !seen[k] {
			return nil, fmt.Errorf("results: %s: run %q has no %s", dir, k, filepath.Join("runs", k, RunFile))
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ia, oka := order[out[a].Run]
		ib, okb := order[out[b].Run]
		switch {
		case oka && okb:
			return ia < ib
		case oka != okb:
			return oka
		}
		return out[a].Run < out[b].Run
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("results: %s: no runs/*/%s: %w", dir, RunFile, fs.ErrNotExist)
	}
	return out, nil
}

// FindRun returns the index of the run with the key in recs, or -1.
func FindRun(recs []RunRecord, key string) int {
	return slices.IndexFunc(recs, func(r RunRecord) bool { return r.Run == key })
}

// FormatParam formats a parameter value for a param_<name> column: a
// number in its shortest form, text as is, a list joined by "+".
func FormatParam(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case json.Number:
		return x.String()
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = FormatParam(e)
		}
		return strings.Join(parts, "+")
	}
	return fmt.Sprint(v)
}

// Slug turns a name into a folder name: lower case, each run of
// characters other than a-z and 0-9 replaced by one dash, none at either
// end; "run" when nothing is left. A run's folder (runs/<key>) and an
// experiment's are named by it; the report finds them by it.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "run"
	}
	return b.String()
}
