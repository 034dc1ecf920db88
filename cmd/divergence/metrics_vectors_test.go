package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMetricsCommandVectors drives `divergence metrics` — flag parsing,
// reading the CSV, the JSON or series-CSV output — over every test vector
// of ../shared/data/metrics (184 from empyrical, 587 from
// PerformanceAnalytics; README.md there states their conventions). Each
// vector's parameters become flags (the table in docs/metrics.md), its
// inline inputs a CSV file, and the metric is read back from the output
// by name. Every parameter of a vector must be consumed by its flag
// mapping, so nothing is ignored silently; a vector that cannot be
// expressed would be logged by id with the reason, and the count of
// passes is asserted.
func TestMetricsCommandVectors(t *testing.T) {
	root := os.Getenv("DIVERGENCE_DATA_ROOT")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "data")
	}
	dir := filepath.Join(root, "metrics")
	if _, err := os.Stat(filepath.Join(dir, "empyrical.json")); err != nil {
		abs, _ := filepath.Abs(dir)
		t.Skipf("metrics test vectors not found in %s (set DIVERGENCE_DATA_ROOT): %v", abs, err)
	}
	tmp := t.TempDir()
	var total, passed, strict, strictChecked int
	var cannot []string
	perMetric := map[string]int{}
	for _, name := range []string{"empyrical.json", "performanceanalytics.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Vectors []cliVector `json:"vectors"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range f.Vectors {
			total++
			got, args, err := runVector(t, dir, tmp, v)
			if err != nil {
				if ce, ok := err.(cannotExpress); ok {
					cannot = append(cannot, fmt.Sprintf("%s (%s): %s", v.ID, v.Metric, ce))
					continue
				}
				t.Errorf("%s %s [%s]: %v\n  divergence %s", v.ID, v.Metric, v.LibraryCall, err, strings.Join(args, " "))
				continue
			}
			if err := compareValues(got, v.Expected, v.Tol.Abs, v.Tol.Rel); err != nil {
				t.Errorf("%s %s [%s]: %v\n  divergence %s", v.ID, v.Metric, v.LibraryCall, err, strings.Join(args, " "))
				continue
			}
			if len(v.Full) > 0 {
				strictChecked++
				if err := compareValues(got, v.Full, ptr(1e-10), ptr(1e-9)); err != nil {
					t.Errorf("%s %s: strict check against library_value_full_precision: %v", v.ID, v.Metric, err)
					continue
				}
				strict++
			}
			passed++
			perMetric[v.Metric]++
		}
	}
	for _, c := range cannot {
		t.Logf("cannot be expressed through the command: %s", c)
	}
	names := make([]string, 0, len(perMetric))
	for k := range perMetric {
		names = append(names, k)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, k := range names {
		fmt.Fprintf(&sb, " %s=%d", k, perMetric[k])
	}
	t.Logf("per metric:%s", sb.String())
	t.Logf("through the command: %d vectors, %d passed, %d cannot be expressed; strict full-precision check %d/%d", total, passed, len(cannot), strict, strictChecked)
	if total != 771 {
		t.Errorf("expected 771 vectors, found %d", total)
	}
	if passed != 771 {
		t.Errorf("%d of %d vectors pass through the command, want all 771", passed, total)
	}
}

func ptr(f float64) *float64 { return &f }

type cliVector struct {
	ID     string                     `json:"id"`
	Metric string                     `json:"metric"`
	Params map[string]json.RawMessage `json:"params"`
	Input  struct {
		Dates           []string     `json:"dates"`
		Returns         []*float64   `json:"returns"`
		Benchmark       []*float64   `json:"benchmark"`
		RiskFree        []*float64   `json:"risk_free"`
		MAR             []*float64   `json:"mar"`
		AssetReturns    [][]*float64 `json:"asset_returns"`
		Weights         []float64    `json:"weights"`
		CSV             string       `json:"csv"`
		ReturnsColumn   string       `json:"returns_column"`
		BenchmarkColumn string       `json:"benchmark_column"`
		RiskFreeColumn  string       `json:"risk_free_column"`
		Columns         []string     `json:"columns"`
		Rows            []int        `json:"rows"`
	} `json:"input"`
	Expected json.RawMessage `json:"expected"`
	Tol      struct {
		Abs *float64 `json:"abs"`
		Rel *float64 `json:"rel"`
	} `json:"tolerance"`
	Full        json.RawMessage `json:"library_value_full_precision"`
	LibraryCall string          `json:"library_call"`
}

// cannotExpress is the reason a vector has no equivalent flags.
type cannotExpress string

func (c cannotExpress) Error() string { return string(c) }

// vparams hands out a vector's parameters and remembers which were read.
type vparams struct {
	raw  map[string]json.RawMessage
	used map[string]bool
	err  error
}

func (p *vparams) fail(format string, a ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, a...)
	}
}

func (p *vparams) has(k string) bool { _, ok := p.raw[k]; return ok }

func (p *vparams) get(k string, v any) {
	raw, ok := p.raw[k]
	if !ok {
		p.fail("missing parameter %q", k)
		return
	}
	p.used[k] = true
	if err := json.Unmarshal(raw, v); err != nil {
		p.fail("parameter %q: %v", k, err)
	}
}

func (p *vparams) num(k string) float64 {
	var v float64
	p.get(k, &v)
	return v
}

func (p *vparams) str(k string) string {
	var v string
	p.get(k, &v)
	return v
}

func (p *vparams) oneOf(k string, allowed ...string) string {
	v := p.str(k)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail("parameter %s = %q: not one of %v", k, v, allowed)
	return v
}

// isColumn reports whether a rate parameter is "column".
func (p *vparams) isColumn(k string) bool {
	if string(p.raw[k]) == `"column"` {
		p.used[k] = true
		return true
	}
	return false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// vectorRun assembles the command line of one vector.
type vectorRun struct {
	p     *vparams
	args  []string
	ppy   float64
	rfCol string // the input's risk-free column
	// read: the metric's name in the JSON, or a series column of the CSV
	// with the rows to keep from skip on.
	name   string
	series bool
	skip   int
}

func (r *vectorRun) flag(name, value string) { r.args = append(r.args, "--"+name, value) }

// rate passes a per-period rate parameter k (a number or "column") as the
// flag: a column by name, a number with --rate-convention per-period.
func (r *vectorRun) rate(k, flagName, column string) {
	if r.p.isColumn(k) {
		r.flag(flagName, column)
		return
	}
	r.flag("rate-convention", "per-period")
	r.flag(flagName, fmtNum(r.p.num(k)))
}

// level passes the VaR level: PerformanceAnalytics' confidence p as
// --confidence (the command, like PA, takes 1 − p in floating point),
// empyrical's cutoff as --tail. It returns the label of the metric names.
func (r *vectorRun) level() string {
	a := r.p.num("alpha")
	if r.p.has("confidence") {
		c := r.p.num("confidence")
		if math.Abs(c-(1-a)) > 1e-12 {
			r.p.fail("confidence %v and alpha %v disagree", c, a)
		}
		r.flag("confidence", fmtNum(c))
		return levelLabel(c)
	}
	r.flag("tail", fmtNum(a))
	return levelLabel(1 - a)
}

func (r *vectorRun) method() string {
	m := r.p.oneOf("method", "historical", "gaussian", "cornish_fisher")
	r.flag("var-method", strings.ReplaceAll(m, "_", "-"))
	if m == "gaussian" {
		r.flag("gaussian-ddof", fmtNum(r.p.num("ddof")))
	}
	return m
}

func (r *vectorRun) missing() {
	if r.p.has("missing_as_zero_return") {
		var z bool
		r.p.get("missing_as_zero_return", &z)
		if z {
			r.flag("missing", "zero")
		} else {
			r.flag("missing", "skip")
		}
	}
}

func (r *vectorRun) capture(base string) {
	r.missing()
	switch r.p.oneOf("method", "annualized_return_ratio", "cumulative_ratio", "arithmetic_ratio") {
	case "annualized_return_ratio":
		r.name = base + "_annualized"
	case "cumulative_ratio":
		r.name = base
	case "arithmetic_ratio":
		r.name = base + "_arithmetic"
	}
	if r.p.oneOf("down_filter", "lt0", "le0") == "le0" {
		r.flag("down-market", "non-positive")
	} else {
		r.flag("down-market", "negative")
	}
}

func (r *vectorRun) subset(all, up, down string) {
	switch r.p.oneOf("subset", "all", "benchmark_positive", "benchmark_negative") {
	case "all":
		r.name = all
	case "benchmark_positive":
		r.name = up
	case "benchmark_negative":
		r.name = down
	}
}

// vectorFlags maps a vector's metric and parameters to flags and the name
// of the output to read.
var vectorFlags = map[string]func(r *vectorRun){
	"total_return": func(r *vectorRun) {
		r.name = "total_return"
		if r.p.has("geometric") {
			var g bool
			r.p.get("geometric", &g)
			if !g {
				r.name = "total_return_arithmetic"
			}
		}
		if r.p.has("starting_value") {
			if s := r.p.num("starting_value"); s != 0 {
				r.flag("starting-value", fmtNum(s))
				r.name = "final_value"
			}
		}
	},
	"cumulative_returns": func(r *vectorRun) {
		r.series, r.name = true, "r.cumulative_return"
		r.args = append(r.args, "--series")
		if s := r.p.num("starting_value"); s != 0 {
			r.flag("starting-value", fmtNum(s))
			r.name = "r.value"
		}
	},
	"annualized_return": func(r *vectorRun) {
		var g bool
		r.p.get("geometric", &g)
		r.name = "cagr"
		if !g {
			r.name = "annual_return_arithmetic"
		}
		r.missing()
	},
	"annualized_volatility": func(r *vectorRun) {
		r.flag("ddof", fmtNum(r.p.num("ddof")))
		r.name = "annual_volatility"
	},
	"sharpe_ratio": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		if r.p.num("ddof") != 1 {
			r.p.fail("only ddof 1")
		}
		r.name = "sharpe"
		if r.p.oneOf("annualization", "arithmetic", "geometric") == "geometric" {
			r.name = "sharpe_geometric"
		}
		// Both libraries: a zero-volatility Sharpe ratio is ±Inf.
		r.flag("zero-risk", "inf")
	},
	"rolling_sharpe_ratio": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		if r.p.num("ddof") != 1 {
			r.p.fail("only ddof 1")
		}
		r.p.oneOf("annualization", "arithmetic")
		w := int(r.p.num("window"))
		r.flag("rolling", strconv.Itoa(w))
		r.series, r.name, r.skip = true, "r.rolling_sharpe", w-1
	},
	"sortino_ratio": func(r *vectorRun) {
		r.p.oneOf("denominator", "all")
		r.rate("mar", "mar", "mar")
		r.name = "sortino"
	},
	"downside_deviation": func(r *vectorRun) {
		r.rate("mar", "mar", "mar")
		r.name = "downside_deviation"
		if r.p.oneOf("denominator", "all", "below") == "below" {
			r.name = "downside_deviation_below"
		}
	},
	"downside_potential": func(r *vectorRun) {
		r.p.oneOf("denominator", "all")
		r.rate("mar", "mar", "mar")
		r.name = "downside_potential"
	},
	"semi_deviation": func(r *vectorRun) { r.name = "semi_deviation" },
	"max_drawdown":   func(r *vectorRun) { r.name = "max_drawdown" },
	"pain_index":     func(r *vectorRun) { r.name = "pain_index" },
	"drawdown_series": func(r *vectorRun) {
		r.args = append(r.args, "--series")
		r.series, r.name = true, "r.drawdown"
	},
	"rolling_max_drawdown": func(r *vectorRun) {
		w := int(r.p.num("window"))
		r.flag("rolling", strconv.Itoa(w))
		r.series, r.name, r.skip = true, "r.rolling_max_drawdown", w-1
	},
	"calmar_ratio": func(r *vectorRun) {
		r.missing()
		r.flag("zero-risk", r.p.oneOf("no_drawdown", "nan", "inf"))
		r.name = "calmar"
	},
	"sterling_ratio": func(r *vectorRun) {
		r.flag("sterling-excess", fmtNum(r.p.num("excess")))
		r.name = "sterling"
	},
	"omega_ratio": func(r *vectorRun) {
		if r.p.has("threshold") {
			r.rate("threshold", "threshold", "")
		} else {
			// empyrical: required_return is annual, compounded over
			// `annualization` periods; risk_free is per period. One
			// --rate-convention serves both numbers, so a vector with
			// both non-zero would need a column for the risk-free rate;
			// none has.
			r.ppy = r.p.num("annualization")
			rr := r.p.num("required_return")
			if r.p.isColumn("risk_free") {
				r.flag("risk-free", r.rfCol)
			} else if rf := r.p.num("risk_free"); rf != 0 {
				if rr != 0 {
					r.p.fail("annual required_return and per-period risk_free both non-zero")
				}
				r.flag("rate-convention", "per-period")
				r.flag("risk-free", fmtNum(rf))
			}
			if rr != 0 {
				r.flag("rate-convention", "compound")
				r.flag("threshold", fmtNum(rr))
			}
		}
		r.flag("zero-risk", r.p.oneOf("zero_denominator", "nan", "inf"))
		r.name = "omega"
	},
	"value_at_risk": func(r *vectorRun) {
		l := r.level()
		m := r.method()
		if m == "historical" {
			r.p.oneOf("quantile", "linear")
		}
		r.name = "var_" + l + "_" + m
	},
	"expected_shortfall": func(r *vectorRun) {
		l := r.level()
		m := r.method()
		if m == "historical" {
			r.flag("es-rule", strings.ReplaceAll(r.p.oneOf("tail_rule", "k_smallest", "below_quantile"), "_", "-"))
		}
		r.name = "cvar_" + l + "_" + m
	},
	"var_sharpe_ratio": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		l := r.level()
		r.name = "var_sharpe_" + l + "_" + r.method()
	},
	"es_sharpe_ratio": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		l := r.level()
		r.name = "cvar_sharpe_" + l + "_" + r.method()
	},
	"beta": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		r.subset("beta", "up_beta", "down_beta")
	},
	"alpha": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		r.subset("alpha", "up_alpha", "down_alpha")
		if r.p.oneOf("annualization", "compound", "none") == "none" {
			if r.name != "alpha" {
				r.p.fail("per-period up/down alpha: not mapped")
			}
			r.name = "alpha_per_period"
		}
	},
	"timing_ratio": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		r.name = "timing_ratio"
	},
	"jensen_alpha": func(r *vectorRun) {
		r.rate("risk_free", "risk-free", r.rfCol)
		r.name = "jensen_alpha"
	},
	"active_premium": func(r *vectorRun) { r.name = "active_premium" },
	"tracking_error": func(r *vectorRun) {
		if r.p.num("ddof") != 1 {
			r.p.fail("only ddof 1")
		}
		r.name = "tracking_error"
	},
	"information_ratio": func(r *vectorRun) {
		r.name = "information_ratio"
		if r.p.oneOf("method", "arithmetic", "geometric_active_premium") != "arithmetic" {
			r.name = "information_ratio_geometric"
		}
	},
	"capture_ratio":           func(r *vectorRun) { r.capture("capture") },
	"up_capture":              func(r *vectorRun) { r.capture("up_capture") },
	"down_capture":            func(r *vectorRun) { r.capture("down_capture") },
	"up_down_capture":         func(r *vectorRun) { r.capture("up_down_capture") },
	"tail_ratio":              func(r *vectorRun) { r.name = "tail_ratio" },
	"stability_of_timeseries": func(r *vectorRun) { r.name = "stability" },
}

// runVector writes the vector's input, runs the command and returns the
// value (one number, or a series) and the command line.
func runVector(t *testing.T, dir, tmp string, v cliVector) ([]float64, []string, error) {
	mapFlags, ok := vectorFlags[v.Metric]
	if !ok {
		return nil, nil, cannotExpress("no flag mapping for metric " + v.Metric)
	}
	p := &vparams{raw: v.Params, used: map[string]bool{}}
	run := &vectorRun{p: p, ppy: 1}
	if p.has("periods_per_year") {
		run.ppy = p.num("periods_per_year")
	}
	in := v.Input
	var file string
	var pre []string // input flags
	if in.CSV != "" {
		file = filepath.Join(dir, in.CSV)
		switch {
		case in.Columns != nil:
			var ws []string
			for k, c := range in.Columns {
				ws = append(ws, c+"="+fmtNum(in.Weights[k]))
			}
			pre = append(pre, "--weights", strings.Join(ws, ","))
		default:
			pre = append(pre, "--column", in.ReturnsColumn)
		}
		if in.BenchmarkColumn != "" {
			pre = append(pre, "--benchmark", in.BenchmarkColumn)
		}
		run.rfCol = in.RiskFreeColumn
		if in.Rows != nil {
			dates, err := csvDates(file)
			if err != nil {
				return nil, nil, err
			}
			pre = append(pre, "--from", dates[in.Rows[0]-1], "--to", dates[in.Rows[1]-1])
		}
	} else {
		file = filepath.Join(tmp, v.ID+".csv")
		cols := []string{}
		var data [][]*float64
		if in.AssetReturns != nil {
			var ws []string
			for k, a := range in.AssetReturns {
				name := fmt.Sprintf("a%d", k+1)
				cols, data = append(cols, name), append(data, a)
				ws = append(ws, name+"="+fmtNum(in.Weights[k]))
			}
			pre = append(pre, "--weights", strings.Join(ws, ","))
		} else {
			cols, data = append(cols, "r"), append(data, in.Returns)
			pre = append(pre, "--column", "r")
		}
		if in.Benchmark != nil {
			cols, data = append(cols, "b"), append(data, in.Benchmark)
			pre = append(pre, "--benchmark", "b")
		}
		if in.RiskFree != nil {
			cols, data = append(cols, "rf"), append(data, in.RiskFree)
		}
		if in.MAR != nil {
			cols, data = append(cols, "mar"), append(data, in.MAR)
		}
		run.rfCol = "rf"
		large, err := writeVectorCSV(file, in.Dates, cols, data)
		if err != nil {
			return nil, nil, err
		}
		if large {
			// empyrical's VaR tests also take quantiles of plain numbers.
			pre = append(pre, "--any-value")
		}
	}
	mapFlags(run)
	if p.err != nil {
		return nil, nil, p.err
	}
	for k := range v.Params {
		if !p.used[k] {
			return nil, nil, fmt.Errorf("parameter %q not mapped to a flag", k)
		}
	}
	args := append([]string{"metrics", file, "--periods-per-year", fmtNum(run.ppy)}, pre...)
	args = append(args, run.args...)
	stdout, _, err := cli(t, args...)
	if err != nil {
		return nil, args[1:], err
	}
	if run.series {
		got, err := seriesColumn(stdout, run.name)
		if err != nil {
			return nil, args[1:], err
		}
		return got[run.skip:], args[1:], nil
	}
	var out metricsOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		return nil, args[1:], err
	}
	if len(out.Series) != 1 {
		return nil, args[1:], fmt.Errorf("%d series in the output, want 1", len(out.Series))
	}
	for _, m := range out.Series[0].Metrics {
		if m.Name == run.name {
			return []float64{float64(m.Value)}, args[1:], nil
		}
	}
	return nil, args[1:], fmt.Errorf("no metric %q in the output", run.name)
}

// writeVectorCSV writes inline columns with their dates (or consecutive
// days from 2000-01-03 when the vector has none); nil is an empty cell.
// It reports whether a value lies outside the reader's default range.
func writeVectorCSV(path string, dates []string, cols []string, data [][]*float64) (bool, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(append([]string{"date"}, cols...))
	n := len(data[0])
	large := false
	start := time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		d := start.AddDate(0, 0, i).Format("2006-01-02")
		if dates != nil {
			d = dates[i]
		}
		rec := []string{d}
		for _, c := range data {
			cell := ""
			if c[i] != nil {
				cell = fmtNum(*c[i])
				if *c[i] <= -1 || *c[i] > 10 {
					large = true
				}
			}
			rec = append(rec, cell)
		}
		w.Write(rec)
	}
	w.Flush()
	return large, os.WriteFile(path, buf.Bytes(), 0o644)
}

// csvDates returns the date column of a CSV (row 1 = first data row).
func csvDates(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var d []string
	for _, rec := range recs[1:] {
		d = append(d, rec[0])
	}
	return d, nil
}

// seriesColumn reads one column of the series CSV the command writes.
func seriesColumn(out, name string) ([]float64, error) {
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		return nil, err
	}
	j := -1
	for k, h := range recs[0] {
		if h == name {
			j = k
		}
	}
	if j < 0 {
		return nil, fmt.Errorf("no column %q in %v", name, recs[0])
	}
	var col []float64
	for _, rec := range recs[1:] {
		v, err := strconv.ParseFloat(rec[j], 64)
		if err != nil {
			return nil, fmt.Errorf("column %q: %v", name, err)
		}
		col = append(col, v)
	}
	return col, nil
}

// compareValues checks got against an expected value of the vectors'
// schema (a number, a list, or "nan"/"inf"/"-inf"): |got − want| ≤ abs or
// ≤ rel·|want|; NaN matches only NaN, an infinity only itself.
func compareValues(got []float64, raw json.RawMessage, absP, relP *float64) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	one := func(x any) (float64, error) {
		switch y := x.(type) {
		case float64:
			return y, nil
		case string:
			switch y {
			case "nan":
				return math.NaN(), nil
			case "inf":
				return math.Inf(1), nil
			case "-inf":
				return math.Inf(-1), nil
			}
		}
		return 0, fmt.Errorf("bad expected value %v", x)
	}
	var want []float64
	if list, ok := v.([]any); ok {
		for _, x := range list {
			f, err := one(x)
			if err != nil {
				return err
			}
			want = append(want, f)
		}
	} else {
		f, err := one(v)
		if err != nil {
			return err
		}
		want = []float64{f}
	}
	if len(got) != len(want) {
		return fmt.Errorf("got %d values, want %d", len(got), len(want))
	}
	abs, rel := 0.0, 0.0
	if absP != nil {
		abs = *absP
	}
	if relP != nil {
		rel = *relP
	}
	for i := range got {
		g, w := got[i], want[i]
		ok := false
		switch {
		case math.IsNaN(w):
			ok = math.IsNaN(g)
		case math.IsInf(w, 0):
			ok = g == w
		case math.IsNaN(g) || math.IsInf(g, 0):
		default:
			d := math.Abs(g - w)
			ok = d <= abs || d <= rel*math.Abs(w)
		}
		if !ok {
			return fmt.Errorf("value %d: got %.17g, want %.17g (abs %g, rel %g)", i, g, w, abs, rel)
		}
	}
	return nil
}
