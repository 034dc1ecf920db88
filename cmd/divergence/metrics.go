package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
)

const metricsSynopsis = "metrics RETURNS.csv [--column C | --weights C=W,…] [--benchmark COL[,COL]] [--periods-per-year N] [--risk-free RATE|COL] [--mar RATE|COL] [--threshold RATE] [--confidence 0.95,0.99] [--var-method M[,M]] [--format json|table] [--series] [--rolling WINDOW] [--out FILE]"

const metricsHelp = `Every metric of results/metrics for the series of a returns CSV (a date
column, then simple per-period returns: 0.01 = +1 %; an empty cell is
missing). Formulas, and the empyrical and PerformanceAnalytics name of every
flag and metric, are in docs/metrics.md.

Rates given as numbers (--risk-free, --mar, --threshold) are ANNUAL and are
turned into per-period rates with --periods-per-year by --rate-convention
(compound: (1+r)^(1/ppy)−1; simple: r/ppy; per-period: the numbers are
per-period rates already, used as given). A column name instead gives a
per-period rate for every row. With --periods-per-year 1 every convention
uses the number as given.

JSON writes an undefined value (NaN) as null and an infinite one as the
strings "Infinity" / "-Infinity"; the table prints — and +Inf / -Inf.
--series or --rolling write a CSV of per-row series instead (NaN, Inf, -Inf
spelled out). A file with a header and no rows, or one row, gives undefined
metrics and a note on stderr (exit status 0).
`

// metricsOut is the JSON the metrics command prints.
type metricsOut struct {
	File           string         `json:"file"`
	Rows           int            `json:"rows"`
	PeriodsPerYear jsonValue      `json:"periods_per_year"`
	PPYSource      string         `json:"periods_per_year_source"`
	Benchmark      string         `json:"benchmark,omitempty"`
	Parameters     metricsParams  `json:"parameters"`
	Series         []seriesReport `json:"series"`
}

// metricsParams echoes the parameters the metrics were computed with.
type metricsParams struct {
	RiskFree           string           `json:"risk_free"`
	RiskFreePerPeriod  *jsonValue       `json:"risk_free_per_period,omitempty"`
	MAR                string           `json:"mar"`
	MARPerPeriod       *jsonValue       `json:"mar_per_period,omitempty"`
	Threshold          string           `json:"threshold"`
	ThresholdPerPeriod jsonValue        `json:"threshold_per_period"`
	RateConvention     rateConvention   `json:"rate_convention"`
	TailProbabilities  []float64        `json:"tail_probabilities"`
	VaRMethods         []string         `json:"var_methods"`
	ESRule             metrics.ESRule   `json:"es_rule"`
	GaussianDDoF       int              `json:"gaussian_ddof"`
	DDoF               int              `json:"ddof"`
	Missing            missingRule      `json:"missing"`
	DownMarket         downMarket       `json:"down_market"`
	SterlingExcess     float64          `json:"sterling_excess"`
	StartingValue      float64          `json:"starting_value,omitempty"`
	ZeroRisk           metrics.ZeroRisk `json:"zero_risk"`
	From               string           `json:"from,omitempty"`
	To                 string           `json:"to,omitempty"`
	Weights            string           `json:"weights,omitempty"`
}

type seriesReport struct {
	Name    string        `json:"name"`
	First   string        `json:"first"`
	Last    string        `json:"last"`
	Metrics []namedMetric `json:"metrics"`
}

type namedMetric struct {
	Name  string    `json:"name"`
	Value jsonValue `json:"value"` // null when NaN, "Infinity"/"-Infinity" when infinite
	Unit  string    `json:"unit"`
}

// jsonValue is a float64 that JSON-encodes NaN as null and ±Inf as the
// strings "Infinity" and "-Infinity", and decodes them back.
type jsonValue float64

func (v jsonValue) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Infinity"`), nil
	}
	return json.Marshal(f)
}

func (v *jsonValue) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*v = jsonValue(math.NaN())
		return nil
	case `"Infinity"`:
		*v = jsonValue(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*v = jsonValue(math.Inf(-1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = jsonValue(f)
	return nil
}

// tableValue prints a metric for the table: — for undefined, +Inf/-Inf.
func tableValue(f float64) string {
	switch {
	case math.IsNaN(f):
		return "—"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}

// csvValue prints a series value for CSV: shortest round-trip decimal,
// NaN, Inf or -Inf.
func csvValue(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// rateConvention turns an annual rate into a per-period one.
type rateConvention int

const (
	rateCompound  rateConvention = iota
	rateSimple                   // annual / ppy
	ratePerPeriod                // the number is already a per-period rate
)

func (c *rateConvention) UnmarshalText(b []byte) error {
	switch string(b) {
	case "compound":
		*c = rateCompound
	case "simple":
		*c = rateSimple
	case "per-period":
		*c = ratePerPeriod
	default:
		return fmt.Errorf("%q: want compound, simple or per-period", b)
	}
	return nil
}

func (c rateConvention) MarshalText() ([]byte, error) {
	switch c {
	case rateSimple:
		return []byte("simple"), nil
	case ratePerPeriod:
		return []byte("per-period"), nil
	}
	return []byte("compound"), nil
}

// perPeriod converts a rate given on the command line into a per-period
// one; NaN when it needs the periods per year and they are unknown.
func (c rateConvention) perPeriod(annual, ppy float64) float64 {
	if c == ratePerPeriod {
		return annual
	}
	if !(ppy > 0) || math.IsInf(ppy, 0) {
		if annual == 0 {
			return 0
		}
		return math.NaN()
	}
	if c == rateSimple {
		return metrics.SimplePeriodRate(annual, ppy)
	}
	return metrics.PeriodRate(annual, ppy)
}

// missingRule says how a missing return is treated.
type missingRule int

const (
	missingSkip missingRule = iota
	missingZero
)

func (m *missingRule) UnmarshalText(b []byte) error {
	switch string(b) {
	case "skip":
		*m = missingSkip
	case "zero":
		*m = missingZero
	default:
		return fmt.Errorf("%q: want skip or zero", b)
	}
	return nil
}

func (m missingRule) MarshalText() ([]byte, error) {
	if m == missingZero {
		return []byte("zero"), nil
	}
	return []byte("skip"), nil
}

// downMarket says which benchmark rows are the down market of captures.
type downMarket int

const (
	downNegative downMarket = iota
	downNonPositive
)

func (d *downMarket) UnmarshalText(b []byte) error {
	switch string(b) {
	case "negative":
		*d = downNegative
	case "non-positive":
		*d = downNonPositive
	default:
		return fmt.Errorf("%q: want negative or non-positive", b)
	}
	return nil
}

func (d downMarket) MarshalText() ([]byte, error) {
	if d == downNonPositive {
		return []byte("non-positive"), nil
	}
	return []byte("negative"), nil
}

// floatList is a comma-separated list of numbers in [0, 1].
type floatList struct {
	vals []float64
	set  bool
}

func (l *floatList) String() string {
	if l == nil {
		return ""
	}
	s := make([]string, len(l.vals))
	for i, v := range l.vals {
		s[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

func (l *floatList) Set(s string) error {
	l.vals, l.set = nil, true
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v >= 0 && v <= 1) {
			return fmt.Errorf("%q is not a number in [0, 1]", f)
		}
		l.vals = append(l.vals, v)
	}
	return nil
}

// methodList is a comma-separated list of VaR methods.
type methodList []metrics.VaRMethod

func (l *methodList) String() string {
	if l == nil {
		return ""
	}
	s := make([]string, len(*l))
	for i, m := range *l {
		s[i] = m.String()
	}
	return strings.Join(s, ",")
}

func (l *methodList) Set(s string) error {
	*l = nil
	for _, f := range strings.Split(s, ",") {
		var m metrics.VaRMethod
		if err := m.UnmarshalText([]byte(strings.TrimSpace(f))); err != nil {
			return err
		}
		*l = append(*l, m)
	}
	return nil
}

// levelLabel names a VaR level by its confidence in percent: 0.95 → "95",
// 0.9501 → "95.01".
func levelLabel(conf float64) string {
	s := strconv.FormatFloat(conf*100, 'f', 8, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// metricsFlags holds the parsed flags of the metrics command.
type metricsFlags struct {
	column, bench, weights   string
	ppy                      float64
	riskFree, mar, threshold string
	rates                    rateConvention
	confidence, tail         floatList
	methods                  methodList
	es                       metrics.ESRule
	gaussDDoF, ddof          int
	missing                  missingRule
	down                     downMarket
	sterling, start          float64
	zero                     metrics.ZeroRisk
	from, to                 string
	anyValue                 bool
	format                   string
	series                   bool
	rolling                  int
	out                      string
}

func cmdMetrics(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("metrics", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: divergence %s\n\n%s\nFlags:\n", metricsSynopsis, metricsHelp)
		printFlags(fs)
	}
	var f metricsFlags
	f.methods = methodList{metrics.Historical, metrics.Gaussian, metrics.CornishFisher}
	f.confidence.vals = []float64{0.95, 0.99}
	fs.StringVar(&f.column, "column", "", "the `COLUMN` to measure (default: every column but the benchmarks and rate columns)")
	fs.StringVar(&f.weights, "weights", "", "measure the fixed-weight portfolio `COL=W,COL=W,…` (Σ w·column each row, missing if a component is; reported as series \"portfolio\") instead of the columns")
	fs.StringVar(&f.bench, "benchmark", "", "`COLUMNS` to measure the series against, comma-separated (beta, alpha, captures, …); with several, each relative metric is prefixed by its benchmark")
	fs.Float64Var(&f.ppy, "periods-per-year", 0, "annualisation factor `N` (0 = inferred from the dates: 252, 365, 52, 12, 4 or 1 for daily or longer steps; on intraday stamps the bars of a year, as a run's: 8760 for hourly 24/7 rows, 8760 + 252 × 7 for Yahoo's hourly equities beside them, 4h equities from 00:00 UTC 3 bars a winter-time session and 2 a summer-time one, weighted by the sessions in each; with --column, from the dates it has a return on; columns whose own dates disagree are refused)")
	fs.StringVar(&f.riskFree, "risk-free", "0", "risk-free `RATE|COLUMN`: an annual rate (see --rate-convention) or the name of a column of per-period rates; Sharpe, VaR/ES Sharpe, omega and the regressions (beta, alpha, timing, Jensen) use returns net of it")
	fs.StringVar(&f.mar, "mar", "0", "minimum acceptable return `RATE|COLUMN` of Sortino, downside deviation and downside potential: an annual rate (see --rate-convention) or the name of a column of per-period rates")
	fs.StringVar(&f.threshold, "threshold", "0", "omega threshold `RATE` above the risk-free rate, annual (see --rate-convention; empyrical's required_return; PerformanceAnalytics' L with --risk-free 0)")
	fs.TextVar(&f.rates, "rate-convention", rateCompound, "`compound|simple|per-period`: how the numbers of --risk-free, --mar and --threshold become per-period rates: compound (annual, (1+r)^(1/N)−1), simple (annual, r/N, as in Rf = 0.035/12) or per-period (used as given)")
	fs.Var(&f.confidence, "confidence", "VaR/ES confidence `LEVELS`, comma-separated; the tail probability is 1 − level, computed in floating point as PerformanceAnalytics does")
	fs.Var(&f.tail, "tail", "VaR/ES tail `PROBABILITIES` instead of --confidence (empyrical's cutoff: 0.05 for 95 %), used exactly as given")
	fs.Var(&f.methods, "var-method", "VaR/ES estimators `M[,M]`: historical, gaussian, cornish-fisher (PerformanceAnalytics' \"modified\")")
	fs.TextVar(&f.es, "es-rule", metrics.KSmallest, "historical expected shortfall, `k-smallest|below-quantile`: k-smallest (mean of the ⌊(n−1)α⌋+1 smallest, empyrical) or below-quantile (mean of the returns below the VaR, PerformanceAnalytics)")
	fs.IntVar(&f.gaussDDoF, "gaussian-ddof", 0, "ddof `N` of the standard deviation of Gaussian VaR/ES (0 = population, PerformanceAnalytics' single series; 1 = sample)")
	fs.IntVar(&f.ddof, "ddof", 1, "ddof `N` of annual_volatility (1 = sample standard deviation; 0 = population, PerformanceAnalytics' sample_method=\"ML\")")
	fs.TextVar(&f.missing, "missing", missingSkip, "a missing return, `skip|zero`: skip (the row does not count; PerformanceAnalytics' na.omit) or zero (a 0 % period that counts in n, as empyrical's annual_return, cagr and captures)")
	fs.TextVar(&f.down, "down-market", downNegative, "benchmark rows of the down-market captures, `negative|non-positive`: negative (b < 0, empyrical, Morningstar) or non-positive (b ≤ 0, PerformanceAnalytics' UpDownRatios)")
	fs.Float64Var(&f.sterling, "sterling-excess", 0.10, "`EXCESS` added to the drawdown in the Sterling ratio, CAGR / (|max drawdown| + excess)")
	fs.Float64Var(&f.start, "starting-value", 0, "starting `VALUE`: adds final_value = value·(1 + total return), and the series CSV's value column (0 = omitted)")
	fs.TextVar(&f.zero, "zero-risk", metrics.ZeroRiskDefault, "`default|inf|nan`: a risk-adjusted ratio whose risk is exactly 0 (constant series, no loss, no drawdown): default (Sharpe and information ratio NaN, the others ±Inf), inf (±Inf) or nan")
	fs.StringVar(&f.from, "from", "", "first `DATE` (YYYY-MM-DD, inclusive) of the rows measured")
	fs.StringVar(&f.to, "to", "", "last `DATE` (YYYY-MM-DD, inclusive) of the rows measured")
	fs.BoolVar(&f.anyValue, "any-value", false, "accept any finite number as a return (by default ≤ −1 and > 10 are refused as likely prices or percentages)")
	fs.StringVar(&f.format, "format", "json", "output `json|table` of the metrics (not with --series or --rolling, which write CSV)")
	fs.BoolVar(&f.series, "series", false, "write per-row series as CSV instead of the metrics: cumulative return, drawdown (and value with --starting-value)")
	fs.IntVar(&f.rolling, "rolling", 0, "with the series, the rolling metrics of every `WINDOW` rows (volatility, Sharpe, max drawdown; beta and correlation per benchmark); implies --series")
	fs.StringVar(&f.out, "out", "", "write the output to `FILE` instead of stdout")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("metrics: want one returns file, got %d arguments", len(pos))
	}
	if f.format != "json" && f.format != "table" {
		return fmt.Errorf("--format = %q: want json or table", f.format)
	}
	formatSet := false
	fs.Visit(func(fl *flag.Flag) { formatSet = formatSet || fl.Name == "format" })
	if formatSet && (f.series || f.rolling > 0) {
		// The series are a CSV: a --format would be ignored.
		return fmt.Errorf("--format applies to the metrics; --series and --rolling write the series as CSV")
	}
	if f.rolling < 0 {
		return fmt.Errorf("--rolling = %d: want a window of at least 1 row", f.rolling)
	}
	if f.ppy < 0 || math.IsNaN(f.ppy) || math.IsInf(f.ppy, 0) {
		return fmt.Errorf("--periods-per-year = %g: want > 0", f.ppy)
	}
	if f.ddof < 0 || f.gaussDDoF < 0 {
		return fmt.Errorf("--ddof and --gaussian-ddof must be ≥ 0")
	}
	if f.confidence.set && f.tail.set {
		return errors.New("--confidence and --tail: give one of them")
	}
	if f.column != "" && f.weights != "" {
		return errors.New("--column and --weights: give one of them")
	}
	if f.out != "" {
		// The output is made first and replaces the file whole: a failed
		// measurement leaves an earlier output as it was (the file was
		// truncated before the returns were read), and the returns file
		// itself is never the output (it was emptied, then read).
		if in, err := os.Stat(pos[0]); err == nil {
			if o, err := os.Stat(f.out); err == nil && os.SameFile(in, o) {
				return fmt.Errorf("metrics: --out %s is the returns file: it would be replaced by its metrics; give another path", f.out)
			}
		}
		var buf bytes.Buffer
		if err := measureUntil(ctx, &f, pos[0], &buf, stderr); err != nil {
			return err
		}
		return results.WriteFileAtomic(f.out, func(w io.Writer) error {
			_, err := w.Write(buf.Bytes())
			return err
		})
	}
	return measureUntil(ctx, &f, pos[0], stdout, stderr)
}

// measureUntil is metricsRun until ctx is done (a signal): it returns
// ctx's error then, at once, and nothing more is written to stdout or
// stderr. Reading a returns file of millions of rows takes seconds and
// does not look at ctx: metricsRun goes on on its own goroutine, writing
// nothing, until the process ends.
func measureUntil(ctx context.Context, f *metricsFlags, path string, stdout, stderr io.Writer) error {
	_, err := untilDone(ctx, func() (struct{}, error) {
		return struct{}{}, metricsRun(f, path, stopWriter{ctx, stdout}, stopWriter{ctx, stderr})
	})
	if cerr := ctx.Err(); cerr != nil {
		return cerr // what it wrote was cut short
	}
	return err
}

// stopWriter writes to w until ctx is done, then fails with ctx's error.
type stopWriter struct {
	ctx context.Context
	w   io.Writer
}

func (s stopWriter) Write(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	return s.w.Write(p)
}

// measured is one series the command measures.
type measured struct {
	name string
	r    []float64
}

// rateArg is a --risk-free / --mar / --threshold value: an annual rate or
// a column of per-period rates.
type rateArg struct {
	annual    float64
	perPeriod float64
	column    []float64 // nil for a number
}

func metricsRun(f *metricsFlags, path string, stdout, stderr io.Writer) error {
	r, err := results.ReadReturnsWith(path, results.ReadOptions{AnyValue: f.anyValue})
	if err != nil {
		return err
	}
	if err := selectRows(r, f.from, f.to); err != nil {
		return err
	}
	rows := len(r.Dates)
	out := metricsOut{File: path, Rows: rows, PeriodsPerYear: jsonValue(f.ppy), PPYSource: "--periods-per-year", Benchmark: f.bench}
	if f.ppy == 0 {
		// One column measured: inferred from the dates it has a return on
		// (a stock's blank weekends in a file shared with a token are not
		// its periods), unless --missing zero makes every row a period.
		src, what := r, fmt.Sprintf("%d rows are", rows)
		if col, err := r.Column(f.column); f.column != "" && err == nil && f.missing != missingZero {
			src = ownDates(r, col)
			what = fmt.Sprintf("column %s has a return on %d rows,", f.column, len(src.Dates))
		}
		ppy := src.InferPeriodsPerYear()
		out.PeriodsPerYear, out.PPYSource = jsonValue(ppy), "inferred from the dates"
		if ppy == 0 {
			// Too few dates to infer from (those the inference read: a
			// column's own in a longer file) get a note; enough dates
			// that make no calendar, an error.
			if len(src.Dates) >= 3 {
				return fmt.Errorf("%s: cannot infer the periods per year from the dates; give --periods-per-year", path)
			}
			out.PeriodsPerYear, out.PPYSource = jsonValue(math.NaN()), "unknown"
			fmt.Fprintf(stderr, "note: %s: %s too few to infer the periods per year: annualised metrics are undefined (give --periods-per-year)\n", path, what)
		}
	}
	ppy := float64(out.PeriodsPerYear)
	switch {
	case rows == 0:
		fmt.Fprintf(stderr, "note: %s: no rows: every metric is undefined\n", path)
	case rows == 1:
		fmt.Fprintf(stderr, "note: %s: one row: metrics that need two observations (volatility, Sharpe, regressions, …) are undefined\n", path)
	}
	// Columns that are inputs, not series to measure.
	used := map[string]bool{}
	rate := func(flagName, v string) (rateArg, error) {
		if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return rateArg{}, fmt.Errorf("--%s = %q: want a finite rate", flagName, v)
			}
			return rateArg{annual: x, perPeriod: f.rates.perPeriod(x, ppy)}, nil
		}
		col, err := r.Column(v)
		if err != nil {
			return rateArg{}, fmt.Errorf("--%s = %q is neither a number nor a column: %w", flagName, v, err)
		}
		used[v] = true
		return rateArg{column: col}, nil
	}
	rf, err := rate("risk-free", f.riskFree)
	if err != nil {
		return err
	}
	mar, err := rate("mar", f.mar)
	if err != nil {
		return err
	}
	thr, err := strconv.ParseFloat(strings.TrimSpace(f.threshold), 64)
	if err != nil || math.IsNaN(thr) || math.IsInf(thr, 0) {
		return fmt.Errorf("--threshold = %q: want an annual rate", f.threshold)
	}
	opt := metrics.Options{
		PeriodsPerYear:   ppy,
		RiskFree:         rf.perPeriod,
		RiskFreeSeries:   rf.column,
		MAR:              mar.perPeriod,
		MARSeries:        mar.column,
		Threshold:        f.rates.perPeriod(thr, ppy),
		Methods:          f.methods,
		GaussianDDoF:     f.gaussDDoF,
		ES:               f.es,
		DDoF:             f.ddof,
		DownIncludesZero: f.down == downNonPositive,
		SterlingExcess:   f.sterling,
		StartingValue:    f.start,
		ZeroRisk:         f.zero,
	}
	if f.tail.set {
		for _, a := range f.tail.vals {
			opt.Tails = append(opt.Tails, metrics.Tail{Alpha: a, Label: levelLabel(1 - a)})
		}
	} else {
		for _, c := range f.confidence.vals {
			opt.Tails = append(opt.Tails, metrics.Tail{Alpha: 1 - c, Label: levelLabel(c)})
		}
	}
	out.Parameters = metricsParams{
		RiskFree: f.riskFree, MAR: f.mar, Threshold: f.threshold, ThresholdPerPeriod: jsonValue(opt.Threshold),
		RateConvention: f.rates, ESRule: f.es, GaussianDDoF: f.gaussDDoF, DDoF: f.ddof, Missing: f.missing,
		DownMarket: f.down, SterlingExcess: f.sterling, StartingValue: f.start, ZeroRisk: f.zero,
		From: f.from, To: f.to, Weights: f.weights, VaRMethods: []string{},
	}
	if rf.column == nil {
		v := jsonValue(rf.perPeriod)
		out.Parameters.RiskFreePerPeriod = &v
	}
	if mar.column == nil {
		v := jsonValue(mar.perPeriod)
		out.Parameters.MARPerPeriod = &v
	}
	for _, t := range opt.Tails {
		out.Parameters.TailProbabilities = append(out.Parameters.TailProbabilities, t.Alpha)
	}
	for _, m := range f.methods {
		out.Parameters.VaRMethods = append(out.Parameters.VaRMethods, m.String())
	}

	var benchNames []string
	var benches [][]float64
	isBench := map[string]bool{}
	if f.bench != "" {
		for _, name := range strings.Split(f.bench, ",") {
			name = strings.TrimSpace(name)
			col, err := r.Column(name)
			if err != nil {
				return fmt.Errorf("--benchmark: %w", err)
			}
			benchNames = append(benchNames, name)
			benches = append(benches, col)
			isBench[name] = true
		}
	}
	var series []measured
	switch {
	case f.weights != "":
		var cols [][]float64
		var ws []float64
		for _, item := range strings.Split(f.weights, ",") {
			name, wt, ok := strings.Cut(item, "=")
			name = strings.TrimSpace(name)
			x, err := strconv.ParseFloat(strings.TrimSpace(wt), 64)
			if !ok || err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("--weights: %q: want COLUMN=WEIGHT", item)
			}
			col, err := r.Column(name)
			if err != nil {
				return fmt.Errorf("--weights: %w", err)
			}
			cols = append(cols, col)
			ws = append(ws, x)
		}
		series = append(series, measured{"portfolio", metrics.WeightedSum(nil, cols, ws)})
	case f.column != "":
		col, err := r.Column(f.column)
		if err != nil {
			return fmt.Errorf("--column: %w", err)
		}
		series = append(series, measured{f.column, col})
	default:
		for i, name := range r.Names {
			if !isBench[name] && !used[name] {
				series = append(series, measured{name, r.Cols[i]})
			}
		}
	}
	if len(series) == 0 {
		return fmt.Errorf("metrics: no series left to measure (every column is a benchmark or a rate)")
	}
	// Several columns on one inferred periods per year: each must agree
	// with it on its own dates, or its CAGR, volatility and Sharpe are
	// annualised by another's calendar (with --missing zero every row is
	// a period of every column: they agree).
	if f.ppy == 0 && f.column == "" && f.weights == "" && ppy > 0 && f.missing != missingZero {
		for _, s := range series {
			if own := ownDates(r, s.r).InferPeriodsPerYear(); own > 0 && own != ppy {
				return fmt.Errorf("%s: column %s has returns on %g periods a year by its own dates, the file's dates %g (its blank rows are days it has no return): measure it alone (--column %s) or give --periods-per-year",
					path, s.name, own, ppy, s.name)
			}
		}
	}
	if f.missing == missingZero {
		for i := range series {
			series[i].r = metrics.FillMissing(nil, series[i].r)
		}
		for i := range benches {
			benches[i] = metrics.FillMissing(nil, benches[i])
		}
	}
	// A rate missing where a series has a return would drop that return
	// from every excess-return metric (on the day of the series' largest
	// gain, Sharpe's sign can turn): refused, named. Where the series has
	// no return either, the row is dropped anyway (empyrical's NaN rule).
	for _, rc := range []struct {
		flag, name string
		col        []float64
	}{{"risk-free", f.riskFree, rf.column}, {"mar", f.mar, mar.column}} {
		for _, sr := range series {
			for k := range rc.col {
				if math.IsNaN(rc.col[k]) && !math.IsNaN(sr.r[k]) {
					return fmt.Errorf("--%s = %q: the column has no rate on %s (data row %d), where %s has a return: fill every such row, or give a constant annual rate",
						rc.flag, rc.name, data.FormatStamp(r.Dates[k]), k+1, sr.name)
				}
			}
		}
	}
	if f.series || f.rolling > 0 {
		return writeSeriesCSV(stdout, r.Dates, r.Intraday, opt, f, series, benchNames, benches)
	}
	for _, s := range series {
		rep := seriesReport{Name: s.name, First: firstValid(r.Dates, r.Intraday, s.r, false), Last: firstValid(r.Dates, r.Intraday, s.r, true)}
		all := opt.Series(s.r)
		for j, b := range benches {
			rel := opt.Relative(s.r, b)
			if len(benches) > 1 {
				for k := range rel {
					rel[k].Name = benchNames[j] + "." + rel[k].Name
				}
			}
			all = append(all, rel...)
		}
		for _, m := range all {
			rep.Metrics = append(rep.Metrics, namedMetric{Name: m.Name, Value: jsonValue(m.Value), Unit: m.Unit})
		}
		out.Series = append(out.Series, rep)
	}
	if f.format == "json" {
		return results.WriteJSON(stdout, out)
	}
	fmt.Fprintf(stdout, "%s — %d rows, periods per year %s (%s)\n", out.File, rows, tableValue(ppy), out.PPYSource)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprint(tw, "metric")
	for _, s := range out.Series {
		fmt.Fprintf(tw, "\t%s", s.Name)
	}
	fmt.Fprintln(tw, "\tunit")
	for i, m := range out.Series[0].Metrics {
		fmt.Fprint(tw, m.Name)
		for _, s := range out.Series {
			fmt.Fprintf(tw, "\t%s", tableValue(float64(s.Metrics[i].Value)))
		}
		fmt.Fprintf(tw, "\t%s\n", m.Unit)
	}
	return tw.Flush()
}

// selectRows keeps the rows dated from..to (inclusive; "" = open).
func selectRows(r *results.Returns, from, to string) error {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	for _, d := range []struct {
		flag, v string
		dst     *int64
	}{{"from", from, &lo}, {"to", to, &hi}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			return fmt.Errorf("--%s = %q: want YYYY-MM-DD", d.flag, d.v)
		}
		// A bound past the times Unix nanoseconds hold (--to 9999-12-31
		// for "no end") is past every row: time.UnixNano wrapped it into
		// another date (9999-12-31 into 1816-03-29), and --to kept none.
		n, err := data.UnixNanos(t)
		switch {
		case err == nil:
		case t.Year() > 1970:
			n = math.MaxInt64
		default:
			n = math.MinInt64
		}
		*d.dst = n
	}
	if lo > hi {
		return fmt.Errorf("--from %s is after --to %s", from, to)
	}
	i0, i1 := 0, len(r.Dates)
	for i0 < i1 && r.Dates[i0] < lo {
		i0++
	}
	for i1 > i0 && r.Dates[i1-1] > hi {
		i1--
	}
	r.Dates = r.Dates[i0:i1]
	for j := range r.Cols {
		r.Cols[j] = r.Cols[j][i0:i1]
	}
	return nil
}

// writeSeriesCSV writes the per-row series: date, then for each measured
// series its cumulative return, drawdown, value (with --starting-value)
// and, with --rolling, the rolling metrics.
func writeSeriesCSV(w io.Writer, dates []int64, intraday bool, opt metrics.Options, f *metricsFlags, series []measured, benchNames []string, benches [][]float64) error {
	header := []string{"date"}
	var cols [][]float64
	add := func(name string, c []float64) {
		header = append(header, name)
		cols = append(cols, c)
	}
	ppy := opt.PeriodsPerYear
	ppyOK := ppy > 0 && !math.IsInf(ppy, 0)
	nanCol := func(n int) []float64 {
		c := make([]float64, n)
		for i := range c {
			c[i] = math.NaN()
		}
		return c
	}
	for _, s := range series {
		n := len(s.r)
		cum := metrics.CumulativeReturns(nil, s.r)
		add(s.name+".cumulative_return", cum)
		if opt.StartingValue != 0 {
			v := make([]float64, n)
			for i, c := range cum {
				v[i] = opt.StartingValue * (1 + c)
			}
			add(s.name+".value", v)
		}
		add(s.name+".drawdown", metrics.DrawdownFromReturns(nil, s.r))
		if f.rolling == 0 {
			continue
		}
		e := s.r
		if opt.RiskFreeSeries != nil {
			e = metrics.Excess(nil, s.r, opt.RiskFreeSeries)
		}
		if ppyOK {
			add(s.name+".rolling_volatility", metrics.RollingVolatility(nil, s.r, f.rolling, ppy))
			add(s.name+".rolling_sharpe", metrics.RollingSharpe(nil, e, f.rolling, opt.RiskFree, ppy))
		} else {
			add(s.name+".rolling_volatility", nanCol(n))
			add(s.name+".rolling_sharpe", nanCol(n))
		}
		add(s.name+".rolling_max_drawdown", metrics.RollingMaxDrawdown(nil, s.r, f.rolling))
		for j, b := range benches {
			prefix := s.name + "."
			if len(benches) > 1 {
				prefix += benchNames[j] + "."
			}
			add(prefix+"rolling_beta", metrics.RollingBeta(nil, s.r, b, f.rolling))
			add(prefix+"rolling_correlation", metrics.RollingCorrelation(nil, s.r, b, f.rolling))
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i, d := range dates {
		rec[0] = formatRow(d, intraday)
		for k, c := range cols {
			rec[k+1] = csvValue(c[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formatRow writes a row's date: YYYY-MM-DD, or the instant on a table
// of intraday rows (Returns.Intraday).
func formatRow(t int64, intraday bool) string {
	if intraday {
		return data.FormatTime(t)
	}
	return data.FormatDay(t)
}

// firstValid is the date of the first (or last) non-missing value.
func firstValid(dates []int64, intraday bool, col []float64, last bool) string {
	for k := range col {
		i := k
		if last {
			i = len(col) - 1 - k
		}
		if !math.IsNaN(col[i]) {
			return formatRow(dates[i], intraday)
		}
	}
	return ""
}

// ownDates returns r's dates on which col has a value (not NaN), for
// inferring col's own periods per year.
func ownDates(r *results.Returns, col []float64) *results.Returns {
	out := &results.Returns{File: r.File}
	for i, v := range col {
		if !math.IsNaN(v) {
			out.Dates = append(out.Dates, r.Dates[i])
		}
	}
	return out
}
