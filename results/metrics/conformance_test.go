package metrics_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

// The conformance test runs every test vector published with the shared
// data (../shared/data/metrics: 184 from empyrical, 587 from
// PerformanceAnalytics) through this package. The vectors state their
// expected value in canonical conventions (README.md there); the tables
// below say how each canonical metric and each library convention maps to
// our API. Nothing is skipped silently: an unknown metric, parameter key or
// parameter value fails the vector.

// conventions documents how a library convention (a vector parameter)
// maps to ours. Every parameter key a vector carries must appear here and
// be consumed by its metric's mapping.
var conventions = []struct{ param, library, ours string }{
	{"periods_per_year", "empyrical period= (252/52/12), PA scale/periodicity", "ppy argument; never inferred"},
	{"risk_free", "per-period number, or \"column\" (a series)", "rf argument; a column becomes Excess(nil, r, rf) with rf = 0 (applied to both series for beta/alpha)"},
	{"mar", "per-period MAR, or \"column\"", "mar argument; a column becomes Excess(nil, r, mar) with mar = 0"},
	{"ddof", "empyrical/PA sd: 1; PA sample_method=\"ML\" and single-series gaussian VaR/ES: 0", "AnnualVolatility is ddof 1, otherwise StdDev(r, ddof)·√ppy; Gaussian*(…, ddof)"},
	{"annualization (sharpe)", "arithmetic: mean·ppy/(sd·√ppy); geometric: PA table.AnnualizedReturns", "Sharpe / GeometricSharpe; PA's per-period SharpeRatio is ppy = 1"},
	{"annualization (alpha)", "empyrical compounds (1+a)^ppy−1; PA CAPM.alpha per period", "Alpha(…, ppy) / AlphaPerPeriod"},
	{"annualization (omega)", "empyrical: annual required_return → (1+rr)^(1/ann)−1", "threshold = rf + PeriodRate(rr, ann)"},
	{"required_return", "empyrical omega: ANNUAL rate", "PeriodRate(rr, annualization)"},
	{"threshold", "PA Omega L, per period", "Omega(r, threshold)"},
	{"zero_denominator", "omega without losses: empyrical NaN, PA Inf", "ours +Inf; \"nan\" maps our ±Inf to NaN"},
	{"no_drawdown", "calmar without drawdown: empyrical NaN, PA Inf", "ours ±Inf; \"nan\" maps our result to NaN when MaxDrawdown = 0"},
	{"missing_as_zero_return", "empyrical annual_return/cagr count a NaN row as a 0 % period", "true: NaN replaced by 0 before the call; false: NaN rows skipped (our default)"},
	{"geometric", "PA Return.cumulative/annualized geometric=FALSE", "ArithmeticTotalReturn / ArithmeticAnnualReturn"},
	{"starting_value", "empyrical cum_returns(starting_value=s)", "s·(1 + TotalReturn) when s ≠ 0"},
	{"alpha / confidence", "empyrical cutoff = alpha; PA p = confidence = 1−alpha (p < 0.51 read as alpha)", "alpha (tail probability); both must agree"},
	{"method (VaR/ES)", "historical / gaussian / PA \"modified\" Cornish–Fisher", "VaR, CVaR* / Gaussian* / Modified*; VaRMethod for the ratios"},
	{"quantile", "linear (numpy default = R type 7)", "Quantile is type 7"},
	{"tail_rule", "empyrical CVaR: ⌊(n−1)α⌋+1 smallest; PA ES: strictly below the quantile", "CVaR / CVaRBelowQuantile"},
	{"denominator", "downside deviation over all rows (both) or rows below MAR (PA method=\"subset\")", "DownsideDeviation / DownsideDeviationBelow"},
	{"subset", "regression on rows with benchmark > 0 / < 0 (of the excess benchmark)", "UpBeta/UpAlpha, DownBeta/DownAlpha on excess series"},
	{"method (capture)", "empyrical: ratio of CAGRs (ppy 252); PA UpDownRatios: cumulative (geometric) or sums", "Capture{Method: CaptureAnnualized / CaptureCumulative / CaptureArithmetic}"},
	{"down_filter", "empyrical down: b < 0; PA down: b ≤ 0", "Capture.ZeroIsDown = (down_filter == \"le0\")"},
	{"method (information ratio)", "empyrical excess_sharpe (not annualised); PA ActivePremium/TrackingError", "InformationRatio(…, ppy=1) / GeometricInformationRatio"},
	{"excess", "PA SterlingRatio excess (10 %)", "Sterling(r, ppy, excess)"},
	{"window", "empyrical roll_*: complete windows only", "Rolling*(…)[window−1:]"},
	{"(zero volatility)", "Sharpe with sd(e) = 0: ±Inf in both libraries", "ours NaN (documented); mapped back to ±Inf when StdDev(e, 1) = 0 and mean(e) ≠ 0"},
	{"(sign)", "PA maxDrawdown and component VaR print positive losses", "vectors are canonical (negative), as ours"},
}

type vector struct {
	ID       string                     `json:"id"`
	Metric   string                     `json:"metric"`
	Params   map[string]json.RawMessage `json:"params"`
	Input    vectorInput                `json:"input"`
	Expected json.RawMessage            `json:"expected"`
	Tol      struct {
		Abs *float64 `json:"abs"`
		Rel *float64 `json:"rel"`
	} `json:"tolerance"`
	Full            json.RawMessage `json:"library_value_full_precision"`
	LibraryExpected json.RawMessage `json:"library_expected"`
	Source          string          `json:"source"`
	LibraryCall     string          `json:"library_call"`
	Provenance      string          `json:"provenance"`
	Notes           string          `json:"notes"`
	AlsoIn          json.RawMessage `json:"also_in"`
}

type vectorInput struct {
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
}

type vectorFile struct {
	SourceRepository   string   `json:"source_repository"`
	SourceCommit       string   `json:"source_commit"`
	SourceFile         string   `json:"source_file"`
	LibraryVersion     string   `json:"library_version"`
	LibraryVersionNote string   `json:"library_version_note"`
	Conventions        string   `json:"conventions"`
	Vectors            []vector `json:"vectors"`
}

// metricsDataDir finds the shared metrics vectors, or skips.
func metricsDataDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv("DIVERGENCE_DATA_ROOT")
	src := "DIVERGENCE_DATA_ROOT"
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "data")
		src = "default ../../../shared/data relative to results/metrics"
	}
	dir := filepath.Join(root, "metrics")
	if _, err := os.Stat(filepath.Join(dir, "empyrical.json")); err != nil {
		abs, _ := filepath.Abs(dir)
		t.Skipf("metrics test vectors not found: looked in %s (%s); set DIVERGENCE_DATA_ROOT to the shared data directory", abs, src)
	}
	return dir
}

// ---- inputs ----

type csvTable struct {
	cols map[string][]float64
}

type csvCache struct {
	dir    string
	tables map[string]*csvTable
}

func (c *csvCache) load(name string) (*csvTable, error) {
	if tb, ok := c.tables[name]; ok {
		return tb, nil
	}
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	tb := &csvTable{cols: map[string][]float64{}}
	header := recs[0]
	for j, h := range header {
		if j == 0 {
			continue // date
		}
		col := make([]float64, len(recs)-1)
		for i, rec := range recs[1:] {
			if rec[j] == "" {
				col[i] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				return nil, fmt.Errorf("%s row %d column %q: %w", name, i+2, h, err)
			}
			col[i] = v
		}
		tb.cols[h] = col
	}
	c.tables[name] = tb
	return tb, nil
}

func floats(p []*float64) []float64 {
	if p == nil {
		return nil
	}
	x := make([]float64, len(p))
	for i, v := range p {
		if v == nil {
			x[i] = math.NaN()
		} else {
			x[i] = *v
		}
	}
	return x
}

// weighted returns Σ w_k·col_k, NaN where any component is missing.
func weighted(cols [][]float64, w []float64) []float64 {
	out := make([]float64, len(cols[0]))
	for i := range out {
		for k, c := range cols {
			out[i] += w[k] * c[i]
		}
	}
	return out
}

type series struct{ r, b, rf, mar []float64 }

func (c *csvCache) series(in vectorInput) (series, error) {
	var s series
	if in.CSV == "" {
		s.r, s.b, s.rf, s.mar = floats(in.Returns), floats(in.Benchmark), floats(in.RiskFree), floats(in.MAR)
		if in.AssetReturns != nil {
			cols := make([][]float64, len(in.AssetReturns))
			for k, a := range in.AssetReturns {
				cols[k] = floats(a)
			}
			s.r = weighted(cols, in.Weights)
		}
		if s.r == nil {
			s.r = []float64{}
		}
		return s, nil
	}
	tb, err := c.load(in.CSV)
	if err != nil {
		return s, err
	}
	col := func(name string) ([]float64, error) {
		if name == "" {
			return nil, nil
		}
		x, ok := tb.cols[name]
		if !ok {
			return nil, fmt.Errorf("%s: no column %q", in.CSV, name)
		}
		if in.Rows != nil {
			x = x[in.Rows[0]-1 : in.Rows[1]]
		}
		return x, nil
	}
	if in.Columns != nil {
		cols := make([][]float64, len(in.Columns))
		for k, name := range in.Columns {
			if cols[k], err = col(name); err != nil {
				return s, err
			}
		}
		s.r = weighted(cols, in.Weights)
	} else if s.r, err = col(in.ReturnsColumn); err != nil {
		return s, err
	}
	if s.b, err = col(in.BenchmarkColumn); err != nil {
		return s, err
	}
	if s.rf, err = col(in.RiskFreeColumn); err != nil {
		return s, err
	}
	return s, nil
}

// ---- parameters ----

// params hands out a vector's parameters and remembers which were read,
// so an ignored parameter fails the vector.
type params struct {
	raw  map[string]json.RawMessage
	used map[string]bool
	err  error
}

func (p *params) fail(format string, a ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, a...)
	}
}

func (p *params) has(k string) bool { _, ok := p.raw[k]; return ok }

func (p *params) get(k string, v any) {
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

func (p *params) num(k string) float64 {
	var v float64
	p.get(k, &v)
	return v
}

func (p *params) numOr(k string, def float64) float64 {
	if !p.has(k) {
		return def
	}
	return p.num(k)
}

func (p *params) str(k string) string {
	var v string
	p.get(k, &v)
	return v
}

func (p *params) boolean(k string) bool {
	var v bool
	p.get(k, &v)
	return v
}

// numOrColumn reads a parameter that is a number or "column".
func (p *params) numOrColumn(k string) (float64, bool) {
	raw, ok := p.raw[k]
	if !ok {
		p.fail("missing parameter %q", k)
		return 0, false
	}
	if string(raw) == `"column"` {
		p.used[k] = true
		return 0, true
	}
	return p.num(k), false
}

func (p *params) oneOf(k string, allowed ...string) string {
	v := p.str(k)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail("parameter %s = %q: not one of %v", k, v, allowed)
	return v
}

func (p *params) wantInt(k string, want int) {
	if p.has(k) {
		if got := p.num(k); got != float64(want) {
			p.fail("parameter %s = %v: only %d is supported", k, got, want)
		}
	}
}

// alpha reads the tail probability and checks confidence agrees with it.
func (p *params) alpha() float64 {
	a := p.num("alpha")
	if p.has("confidence") {
		if c := p.num("confidence"); math.Abs(c-(1-a)) > 1e-12 {
			p.fail("confidence %v and alpha %v disagree", c, a)
		}
	}
	return a
}

func zeroFill(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		if !math.IsNaN(v) {
			y[i] = v
		}
	}
	return y
}

func shiftBy(x []float64, c float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v - c
	}
	return y
}

// ---- the metric mapping table ----

type vcase struct {
	s series
	p *params
	// applied records which value-changing convention mappings fired.
	applied map[string][]string
	id      string
}

func (c *vcase) note(conv string) { c.applied[conv] = append(c.applied[conv], c.id) }

// excessPair returns r − rf and b − rf for a scalar or column risk-free rate.
func (c *vcase) excessPair() (er, eb []float64) {
	rf, col := c.p.numOrColumn("risk_free")
	if col {
		return metrics.Excess(nil, c.s.r, c.s.rf), metrics.Excess(nil, c.s.b, c.s.rf)
	}
	return shiftBy(c.s.r, rf), shiftBy(c.s.b, rf)
}

// excess returns the series net of a scalar or column rate k and the
// remaining scalar rate to pass on.
func (c *vcase) excess(k string, column []float64) ([]float64, float64) {
	v, col := c.p.numOrColumn(k)
	if col {
		return metrics.Excess(nil, c.s.r, column), 0
	}
	return c.s.r, v
}

func (c *vcase) maybeZeroFill() {
	if c.p.has("missing_as_zero_return") && c.p.boolean("missing_as_zero_return") {
		for _, x := range [][]float64{c.s.r, c.s.b} {
			if slices.ContainsFunc(x, math.IsNaN) {
				c.note("missing_as_zero_return (NaN → 0)")
				break
			}
		}
		c.s.r = zeroFill(c.s.r)
		if c.s.b != nil {
			c.s.b = zeroFill(c.s.b)
		}
	}
}

// zeroVolInf maps our NaN Sharpe for a zero-volatility series back to the
// libraries' ±Inf.
func (c *vcase) zeroVolInf(got float64, e []float64, rf float64) float64 {
	e = shiftBy(e, rf)
	if math.IsNaN(got) && metrics.StdDev(e, 1) == 0 {
		if m := metrics.Mean(e); m != 0 && !math.IsNaN(m) {
			c.note("zero volatility (our NaN → ±Inf)")
			return math.Copysign(math.Inf(1), m)
		}
	}
	return got
}

func varMethod(p *params) metrics.VaRMethod {
	switch p.oneOf("method", "historical", "gaussian", "cornish_fisher") {
	case "gaussian":
		p.wantInt("ddof", 0)
		return metrics.Gaussian
	case "cornish_fisher":
		return metrics.CornishFisher
	}
	return metrics.Historical
}

func captureOf(c *vcase) metrics.Capture {
	c.maybeZeroFill()
	var cp metrics.Capture
	switch c.p.oneOf("method", "annualized_return_ratio", "cumulative_ratio", "arithmetic_ratio") {
	case "annualized_return_ratio":
		cp.Method = metrics.CaptureAnnualized
		cp.PeriodsPerYear = c.p.num("periods_per_year")
	case "cumulative_ratio":
		cp.Method = metrics.CaptureCumulative
	case "arithmetic_ratio":
		cp.Method = metrics.CaptureArithmetic
	}
	cp.ZeroIsDown = c.p.oneOf("down_filter", "lt0", "le0") == "le0"
	return cp
}

var mapping = map[string]struct {
	doc  string
	eval func(c *vcase) any
}{
	"total_return": {"TotalReturn; geometric=false → ArithmeticTotalReturn; starting_value s≠0 → s·(1+TotalReturn)", func(c *vcase) any {
		if c.p.has("geometric") && !c.p.boolean("geometric") {
			return metrics.ArithmeticTotalReturn(c.s.r)
		}
		tr := metrics.TotalReturn(c.s.r)
		if s := c.p.numOr("starting_value", 0); s != 0 {
			return s * (1 + tr)
		}
		return tr
	}},
	"cumulative_returns": {"CumulativeReturns; starting_value s≠0 → s·(1+c)", func(c *vcase) any {
		cr := metrics.CumulativeReturns(nil, c.s.r)
		if s := c.p.numOr("starting_value", 0); s != 0 {
			for i := range cr {
				cr[i] = s * (1 + cr[i])
			}
		}
		return cr
	}},
	"annualized_return": {"CAGR (missing_as_zero_return → NaN→0 first); geometric=false → ArithmeticAnnualReturn", func(c *vcase) any {
		ppy := c.p.num("periods_per_year")
		if !c.p.boolean("geometric") {
			return metrics.ArithmeticAnnualReturn(c.s.r, ppy)
		}
		c.maybeZeroFill()
		return metrics.CAGR(c.s.r, ppy)
	}},
	"annualized_volatility": {"AnnualVolatility (ddof 1); other ddof → StdDev(r, ddof)·√ppy", func(c *vcase) any {
		ppy := c.p.num("periods_per_year")
		ddof := int(c.p.num("ddof"))
		if ddof == 1 {
			return metrics.AnnualVolatility(c.s.r, ppy)
		}
		return metrics.StdDev(c.s.r, ddof) * math.Sqrt(ppy)
	}},
	"sharpe_ratio": {"Sharpe / GeometricSharpe on r − rf; zero volatility: our NaN ↔ libraries' ±Inf", func(c *vcase) any {
		e, rf := c.excess("risk_free", c.s.rf)
		ppy := c.p.num("periods_per_year")
		c.p.wantInt("ddof", 1)
		var got float64
		if c.p.oneOf("annualization", "arithmetic", "geometric") == "geometric" {
			got = metrics.GeometricSharpe(e, rf, ppy)
		} else {
			got = metrics.Sharpe(e, rf, ppy)
		}
		return c.zeroVolInf(got, e, rf)
	}},
	"rolling_sharpe_ratio": {"RollingSharpe(…)[window−1:]", func(c *vcase) any {
		e, rf := c.excess("risk_free", c.s.rf)
		c.p.wantInt("ddof", 1)
		c.p.oneOf("annualization", "arithmetic")
		w := int(c.p.num("window"))
		return metrics.RollingSharpe(nil, e, w, rf, c.p.num("periods_per_year"))[w-1:]
	}},
	"sortino_ratio": {"Sortino(r − mar column, mar, ppy); PA per period = ppy 1", func(c *vcase) any {
		c.p.oneOf("denominator", "all")
		e, mar := c.excess("mar", c.s.mar)
		return metrics.Sortino(e, mar, c.p.num("periods_per_year"))
	}},
	"downside_deviation": {"DownsideDeviation (denominator all) / DownsideDeviationBelow (below)", func(c *vcase) any {
		e, mar := c.excess("mar", c.s.mar)
		ppy := c.p.num("periods_per_year")
		if c.p.oneOf("denominator", "all", "below") == "below" {
			return metrics.DownsideDeviationBelow(e, mar, ppy)
		}
		return metrics.DownsideDeviation(e, mar, ppy)
	}},
	"downside_potential": {"DownsidePotential", func(c *vcase) any {
		c.p.oneOf("denominator", "all")
		return metrics.DownsidePotential(c.s.r, c.p.num("mar"))
	}},
	"semi_deviation": {"SemiDeviation", func(c *vcase) any { return metrics.SemiDeviation(c.s.r) }},
	"max_drawdown": {"MaxDrawdown (≤ 0; PA's positive magnitude is library_expected)", func(c *vcase) any {
		return metrics.MaxDrawdown(c.s.r)
	}},
	"drawdown_series": {"DrawdownFromReturns", func(c *vcase) any { return metrics.DrawdownFromReturns(nil, c.s.r) }},
	"pain_index":      {"PainIndex", func(c *vcase) any { return metrics.PainIndex(c.s.r) }},
	"rolling_max_drawdown": {"RollingMaxDrawdown(…)[window−1:]", func(c *vcase) any {
		w := int(c.p.num("window"))
		return metrics.RollingMaxDrawdown(nil, c.s.r, w)[w-1:]
	}},
	"calmar_ratio": {"Calmar; no_drawdown=nan maps our ±Inf (MaxDrawdown = 0) to NaN", func(c *vcase) any {
		c.maybeZeroFill()
		got := metrics.Calmar(c.s.r, c.p.num("periods_per_year"))
		if c.p.oneOf("no_drawdown", "nan", "inf") == "nan" && metrics.MaxDrawdown(c.s.r) == 0 {
			c.note("no_drawdown=nan (our ±Inf/NaN → NaN)")
			got = math.NaN()
		}
		return got
	}},
	"sterling_ratio": {"Sterling(r, ppy, excess)", func(c *vcase) any {
		return metrics.Sterling(c.s.r, c.p.num("periods_per_year"), c.p.num("excess"))
	}},
	"omega_ratio": {"Omega(r, threshold); empyrical: threshold = rf + PeriodRate(required_return, annualization); zero_denominator=nan maps our +Inf to NaN", func(c *vcase) any {
		var got float64
		if c.p.has("threshold") {
			got = metrics.Omega(c.s.r, c.p.num("threshold"))
		} else {
			e, rf := c.excess("risk_free", c.s.rf)
			thr := metrics.PeriodRate(c.p.num("required_return"), c.p.num("annualization"))
			got = metrics.Omega(e, rf+thr)
		}
		if c.p.oneOf("zero_denominator", "nan", "inf") == "nan" && math.IsInf(got, 0) {
			c.note("zero_denominator=nan (our +Inf → NaN)")
			got = math.NaN()
		}
		return got
	}},
	"value_at_risk": {"VaR (historical) / GaussianVaR(ddof) / ModifiedVaR", func(c *vcase) any {
		a := c.p.alpha()
		switch c.p.oneOf("method", "historical", "gaussian", "cornish_fisher") {
		case "historical":
			c.p.oneOf("quantile", "linear")
			return metrics.VaR(c.s.r, a)
		case "gaussian":
			return metrics.GaussianVaR(c.s.r, a, int(c.p.num("ddof")))
		default:
			return metrics.ModifiedVaR(c.s.r, a)
		}
	}},
	"expected_shortfall": {"CVaR (k_smallest) / CVaRBelowQuantile (below_quantile) / GaussianCVaR(ddof) / ModifiedCVaR", func(c *vcase) any {
		a := c.p.alpha()
		switch c.p.oneOf("method", "historical", "gaussian", "cornish_fisher") {
		case "historical":
			if c.p.oneOf("tail_rule", "k_smallest", "below_quantile") == "k_smallest" {
				return metrics.CVaR(c.s.r, a)
			}
			return metrics.CVaRBelowQuantile(c.s.r, a)
		case "gaussian":
			return metrics.GaussianCVaR(c.s.r, a, int(c.p.num("ddof")))
		default:
			return metrics.ModifiedCVaR(c.s.r, a)
		}
	}},
	"var_sharpe_ratio": {"VaRSharpe(r − rf, …, method)", func(c *vcase) any {
		e, rf := c.excess("risk_free", c.s.rf)
		a := c.p.alpha()
		return metrics.VaRSharpe(e, rf, a, varMethod(c.p))
	}},
	"es_sharpe_ratio": {"ESSharpe(r − rf, …, method)", func(c *vcase) any {
		e, rf := c.excess("risk_free", c.s.rf)
		a := c.p.alpha()
		return metrics.ESSharpe(e, rf, a, varMethod(c.p))
	}},
	"beta": {"Beta / UpBeta / DownBeta of r − rf on b − rf", func(c *vcase) any {
		er, eb := c.excessPair()
		switch c.p.oneOf("subset", "all", "benchmark_positive", "benchmark_negative") {
		case "benchmark_positive":
			return metrics.UpBeta(er, eb)
		case "benchmark_negative":
			return metrics.DownBeta(er, eb)
		}
		return metrics.Beta(er, eb)
	}},
	"alpha": {"Alpha / UpAlpha / DownAlpha (compound, ppy) of r − rf on b − rf; annualization none → ppy 1 (AlphaPerPeriod)", func(c *vcase) any {
		er, eb := c.excessPair()
		ppy := c.p.num("periods_per_year")
		if c.p.oneOf("annualization", "compound", "none") == "none" {
			ppy = 1
		}
		switch c.p.oneOf("subset", "all", "benchmark_positive", "benchmark_negative") {
		case "benchmark_positive":
			return metrics.UpAlpha(er, eb, ppy)
		case "benchmark_negative":
			return metrics.DownAlpha(er, eb, ppy)
		}
		if ppy == 1 {
			return metrics.AlphaPerPeriod(er, eb)
		}
		return metrics.Alpha(er, eb, ppy)
	}},
	"timing_ratio": {"TimingRatio of r − rf on b − rf", func(c *vcase) any {
		er, eb := c.excessPair()
		return metrics.TimingRatio(er, eb)
	}},
	"jensen_alpha": {"JensenAlpha(r, b, rf column, ppy)", func(c *vcase) any {
		if _, col := c.p.numOrColumn("risk_free"); !col {
			c.p.fail("jensen_alpha: only a risk-free column is mapped")
		}
		return metrics.JensenAlpha(c.s.r, c.s.b, c.s.rf, c.p.num("periods_per_year"))
	}},
	"active_premium": {"ActivePremium", func(c *vcase) any {
		return metrics.ActivePremium(c.s.r, c.s.b, c.p.num("periods_per_year"))
	}},
	"tracking_error": {"TrackingError (ddof 1)", func(c *vcase) any {
		c.p.wantInt("ddof", 1)
		return metrics.TrackingError(c.s.r, c.s.b, c.p.num("periods_per_year"))
	}},
	"information_ratio": {"InformationRatio (arithmetic, ppy) / GeometricInformationRatio", func(c *vcase) any {
		ppy := c.p.num("periods_per_year")
		if c.p.oneOf("method", "arithmetic", "geometric_active_premium") == "arithmetic" {
			return metrics.InformationRatio(c.s.r, c.s.b, ppy)
		}
		return metrics.GeometricInformationRatio(c.s.r, c.s.b, ppy)
	}},
	"capture_ratio":           {"Capture.All", func(c *vcase) any { return captureOf(c).All(c.s.r, c.s.b) }},
	"up_capture":              {"Capture.Up", func(c *vcase) any { return captureOf(c).Up(c.s.r, c.s.b) }},
	"down_capture":            {"Capture.Down", func(c *vcase) any { return captureOf(c).Down(c.s.r, c.s.b) }},
	"up_down_capture":         {"Capture.UpDown", func(c *vcase) any { return captureOf(c).UpDown(c.s.r, c.s.b) }},
	"tail_ratio":              {"TailRatio", func(c *vcase) any { return metrics.TailRatio(c.s.r) }},
	"stability_of_timeseries": {"Stability", func(c *vcase) any { return metrics.Stability(c.s.r) }},
}

// ---- comparison ----

func decodeExpected(raw json.RawMessage) ([]float64, bool, error) {
	one := func(v any) (float64, error) {
		switch x := v.(type) {
		case float64:
			return x, nil
		case string:
			switch x {
			case "nan":
				return math.NaN(), nil
			case "inf":
				return math.Inf(1), nil
			case "-inf":
				return math.Inf(-1), nil
			}
		}
		return 0, fmt.Errorf("bad expected value %v", v)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false, err
	}
	if list, ok := v.([]any); ok {
		out := make([]float64, len(list))
		for i, x := range list {
			f, err := one(x)
			if err != nil {
				return nil, true, err
			}
			out[i] = f
		}
		return out, true, nil
	}
	f, err := one(v)
	return []float64{f}, false, err
}

func within(got, want, abs, rel float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	case math.IsNaN(got) || math.IsInf(got, 0):
		return false
	}
	d := math.Abs(got - want)
	return d <= abs || d <= rel*math.Abs(want)
}

func compare(got any, want []float64, isList bool, abs, rel float64) error {
	var g []float64
	switch x := got.(type) {
	case float64:
		if isList {
			return fmt.Errorf("got a number, want a series")
		}
		g = []float64{x}
	case []float64:
		if !isList {
			return fmt.Errorf("got a series, want a number")
		}
		g = x
	}
	if len(g) != len(want) {
		return fmt.Errorf("got %d values, want %d", len(g), len(want))
	}
	for i := range g {
		if !within(g[i], want[i], abs, rel) {
			return fmt.Errorf("value %d: got %.17g, want %.17g (abs %g, rel %g)", i, g[i], want[i], abs, rel)
		}
	}
	return nil
}

func TestConformance(t *testing.T) {
	dir := metricsDataDir(t)
	cache := &csvCache{dir: dir, tables: map[string]*csvTable{}}
	files := []string{"empyrical.json", "performanceanalytics.json"}
	var passed, failed, strictPassed, strictChecked int
	var skipped []string
	seen := map[string]bool{}
	perMetric := map[string]int{}
	applied := map[string][]string{}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var f vectorFile
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Vectors) == 0 {
			t.Fatalf("%s: no vectors", name)
		}
		for _, v := range f.Vectors {
			if seen[v.ID] {
				t.Errorf("%s: duplicate id", v.ID)
			}
			seen[v.ID] = true
			m, ok := mapping[v.Metric]
			if !ok {
				skipped = append(skipped, fmt.Sprintf("%s (%s): metric not offered", v.ID, v.Metric))
				continue
			}
			err := func() (err error) {
				s, err := cache.series(v.Input)
				if err != nil {
					return err
				}
				p := &params{raw: v.Params, used: map[string]bool{}}
				c := &vcase{s: s, p: p, applied: applied, id: v.ID}
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				got := m.eval(c)
				if p.err != nil {
					return p.err
				}
				for k := range v.Params {
					if !p.used[k] {
						return fmt.Errorf("parameter %q not mapped", k)
					}
				}
				want, isList, err := decodeExpected(v.Expected)
				if err != nil {
					return err
				}
				abs, rel := 0.0, 0.0
				if v.Tol.Abs != nil {
					abs = *v.Tol.Abs
				}
				if v.Tol.Rel != nil {
					rel = *v.Tol.Rel
				}
				if err := compare(got, want, isList, abs, rel); err != nil {
					return err
				}
				// Strict check: the library's own full-precision output.
				if len(v.Full) > 0 {
					full, fl, err := decodeExpected(v.Full)
					if err != nil {
						return err
					}
					strictChecked++
					if err := compare(got, full, fl, 1e-10, 1e-9); err != nil {
						return fmt.Errorf("strict check against library_value_full_precision: %v", err)
					}
					strictPassed++
				}
				return nil
			}()
			if err != nil {
				failed++
				t.Errorf("%s %s [%s]: %v", v.ID, v.Metric, v.LibraryCall, err)
				continue
			}
			passed++
			perMetric[v.Metric]++
		}
	}
	for _, s := range skipped {
		t.Logf("skipped %s", s)
	}
	metricsSeen := make([]string, 0, len(perMetric))
	for k := range perMetric {
		metricsSeen = append(metricsSeen, k)
	}
	sort.Strings(metricsSeen)
	var sb strings.Builder
	for _, k := range metricsSeen {
		fmt.Fprintf(&sb, " %s=%d", k, perMetric[k])
	}
	t.Logf("per metric:%s", sb.String())
	convs := make([]string, 0, len(applied))
	for k := range applied {
		convs = append(convs, k)
	}
	sort.Strings(convs)
	for _, k := range convs {
		t.Logf("convention mapping %s applied to %d vectors: %v", k, len(applied[k]), applied[k])
	}
	t.Logf("conformance: %d vectors, %d passed, %d failed, %d skipped; strict full-precision check %d/%d",
		len(seen), passed, failed, len(skipped), strictPassed, strictChecked)
	if len(seen) != 771 {
		t.Errorf("expected 771 vectors, found %d", len(seen))
	}
}

// TestConformanceTables keeps the documentation tables honest.
func TestConformanceTables(t *testing.T) {
	for k, m := range mapping {
		if m.doc == "" || m.eval == nil {
			t.Errorf("mapping %q incomplete", k)
		}
	}
	if len(conventions) == 0 {
		t.Fatal("no conventions")
	}
}
