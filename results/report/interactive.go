package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/downsample"
	"github.com/divergence-research/divergence/results/metrics"
)

// chartBuckets is the number of columns a line is reduced to
// (downsample.MinMax keeps at most four points per column): about one per
// CSS pixel of the widest chart, so a chart's data are O(pixels) however
// many bars the run has.
const chartBuckets = 1000

// payload is what the page's script draws: the JSON object inlined in
// report.html (element #report-data). Its numbers follow jsondata.go.
type payload struct {
	Synthetic bool   `json:"synthetic"`
	Caption   string `json:"caption"`
	// Intraday is set when some time is not a UTC midnight: the read-out
	// then shows the time of day.
	Intraday bool `json:"intraday"`
	// Runs are the runs of the overview charts (equity, drawdown,
	// exposure, rolling risk).
	Runs   []jsRun `json:"runs"`
	Window int     `json:"window"`
	PPY    number  `json:"ppy"`
	// BetaVs names the benchmark the rolling beta is measured against,
	// over BetaWindow of its bars.
	BetaVs     string   `json:"betaVs,omitempty"`
	BetaWindow int      `json:"betaWindow,omitempty"`
	Legs       []jsLegs `json:"legs,omitempty"`
	// LegData are the legs' series, once per distinct legs (jsLegs.Data).
	LegData []jsLegData `json:"legData,omitempty"`
	WF      []jsWF      `json:"walkforward,omitempty"`
	Fans    []jsFan     `json:"fans,omitempty"`
	Sweep   *jsSweep    `json:"sweep,omitempty"`
	// Scenarios are the stress scenarios' runs, by scenario.
	Scenarios []jsScenario `json:"scenarios,omitempty"`
	// Ladders are the runs' fill charts (tranche ladders, fills on
	// prices), in the order of the runs' sections; Closes the prices
	// they draw on (jsLadder.Close), and Tags their fills' distinct tags
	// (jsLadder.EntryTags).
	Ladders []jsLadder  `json:"ladders,omitempty"`
	Closes  []priceLine `json:"closes,omitempty"`
	Tags    []string    `json:"tags,omitempty"`
}

type jsScenario struct {
	Name string          `json:"name"`
	Runs []jsScenarioRun `json:"runs"`
}

// jsScenarioRun is a run under a scenario: its growth of 1, styled as its
// base run (Base is the base run's key).
type jsScenarioRun struct {
	jsStyle
	Base string `json:"base"`
	// T is omitted when it is the base run's (payload.Runs) time column.
	T secs   `json:"t,omitempty"`
	G ratios `json:"g"`
}

// jsLine is a line of a chart: values at times (T omitted: the times of
// its run's equity).
type jsLine struct {
	T secs   `json:"t,omitempty"`
	V ratios `json:"v"`
}

type jsStyle struct {
	Key   string    `json:"key"`
	Name  string    `json:"name"`
	Color string    `json:"color"`
	Dash  []float64 `json:"dash,omitempty"`
}

type jsRun struct {
	jsStyle
	// T and E are the run's equity in money, reduced per pixel column.
	// In the page, T is left out when an earlier run has the same times
	// (the runs of a sweep over one period share them): TS is then that
	// run's index in the payload's Runs.
	T  secs  `json:"t,omitempty"`
	TS *int  `json:"ts,omitempty"`
	E  cents `json:"e"`
	// C is the initial cash, the base of the run's growth of 1 (its
	// first point stands below it when a fill at the first bar's close
	// paid its costs before it).
	C number `json:"c"`
	// DD is the drawdown (equity over its running peak − 1); G and N are
	// the gross and net exposure over equity (absent when unknown).
	DD     jsLine  `json:"dd"`
	G      *jsLine `json:"g,omitempty"`
	N      *jsLine `json:"n,omitempty"`
	Sharpe jsLine  `json:"sharpe"`
	Vol    jsLine  `json:"vol"`
	Beta   *jsLine `json:"beta,omitempty"`
}

// jsLegs is a run's legs chart: its style and its series, an index in
// the payload's LegData (the runs of a sweep share their legs: one copy).
type jsLegs struct {
	jsStyle
	Data int `json:"d"`
}

type jsLegData struct {
	T           secs   `json:"t"`
	Long        ratios `json:"long"`
	ShortG      ratios `json:"short"`
	Beta        jsLine `json:"beta"`
	Correlation jsLine `json:"corr"`
}

type jsWF struct {
	Strategy string `json:"strategy"`
	Metric   string `json:"metric"`
	// OOS is the stitched out-of-sample growth of 1, from the cash (as
	// its headline total return); Best the in-sample best run and Bench
	// the first benchmark's close over the same dates, rebased to 1 at
	// the first out-of-sample date.
	OOS        *jsLine `json:"oos"`
	Best       *jsLine `json:"best,omitempty"`
	Bench      *jsLine `json:"bench,omitempty"`
	BestName   string  `json:"bestName"`
	BenchName  string  `json:"benchName"`
	BestColor  string  `json:"bestColor"`
	BenchColor string  `json:"benchColor"`
}

type jsFan struct {
	jsStyle
	T secs      `json:"t"`
	Q [5]ratios `json:"q"`
}

type jsSweep struct {
	// Groups are the strategies with at least two swept parameters.
	Groups []jsSweepGroup `json:"groups"`
	// Metrics are the numeric columns one may colour by; Lower those for
	// which lower is better (volatility, costs).
	Metrics []string `json:"metrics"`
	Lower   []string `json:"lower"`
	// Neutral are the metrics with no better direction (noBetter),
	// coloured from low to high.
	Neutral []string `json:"neutral"`
}

// jsSweepGroup is one strategy's sweep: its swept parameters (param_<name>
// columns without the prefix) and its runs.
type jsSweepGroup struct {
	Strategy string       `json:"strategy"`
	Params   []string     `json:"params"`
	Rows     []jsSweepRow `json:"rows"`
}

// jsSweepRow is a run: key, parameter values as text, metric values (NaN
// null, infinities as strings).
type jsSweepRow struct {
	Key    string   `json:"key"`
	Params []string `json:"p"`
	M      []number `json:"m"`
	// Ruined runs (equity at 0 or below) are drawn as such, not by a
	// metric of meaningless returns.
	Ruined bool `json:"r,omitempty"`
}

// reduce reduces a line to chartBuckets columns of its time range (see
// package downsample); a line that is short enough is returned as it is.
func reduce(t []int64, v []float64) ([]int64, []float64) {
	// M4 keeps up to four points per column: below that many points a
	// line is kept whole, and its lines share one time column.
	if len(t) <= 4*chartBuckets {
		return t, v
	}
	return reduceAt(t, seconds(t), v)
}

// seconds are the times t in seconds, as the reduction places them.
func seconds(t []int64) []float64 {
	x := make([]float64, len(t))
	for i, ti := range t {
		x[i] = float64(ti) / 1e9
	}
	return x
}

// reduceAt is reduce of a line longer than 4 × chartBuckets points, with
// its times also given in seconds (x).
func reduceAt(t []int64, x, v []float64) ([]int64, []float64) {
	xs, ys := downsample.MinMax(x, v, chartBuckets)
	ts := make([]int64, len(xs))
	// Kept points are points of the input: find each one's time.
	k := 0
	for i, xv := range xs {
		for k < len(x)-1 && x[k] < xv {
			k++
		}
		ts[i] = t[k]
	}
	return ts, ys
}

// line reduces (t, v) and omits t when it equals base.
func line(base, t []int64, v []float64) jsLine {
	ts, vs := reduce(t, v)
	return omitBase(base, ts, vs)
}

func omitBase(base, ts []int64, vs []float64) jsLine {
	if slices.Equal(ts, base) {
		ts = nil
	}
	return jsLine{T: ts, V: vs}
}

// runLines reduces the lines of one run, all at its equity's times t:
// the times in seconds are made once for every line, and the
// full-length series the lines come from (drawdown, exposures, rolling
// metrics) are made one after another in one scratch buffer (buf), each
// reduced before the next. A run of 125,000 bars made seven copies of
// its times in seconds and a new buffer of its length for each line:
// memory a fresh process pays a page fault a page for.
type runLines struct {
	t   []int64
	x   []float64 // t in seconds, for lines longer than 4 × chartBuckets
	buf []float64
}

func newRunLines(t []int64) *runLines {
	l := &runLines{t: t, buf: make([]float64, len(t))}
	if len(t) > 4*chartBuckets {
		l.x = seconds(t)
	}
	return l
}

// reduce is reduce(l.t, v); a line kept whole is a copy of v, which may
// be the scratch buffer.
func (l *runLines) reduce(v []float64) ([]int64, []float64) {
	if l.x == nil {
		return l.t, slices.Clone(v)
	}
	return reduceAt(l.t, l.x, v)
}

// line is line(base, l.t, v).
func (l *runLines) line(base []int64, v []float64) jsLine {
	ts, vs := l.reduce(v)
	return omitBase(base, ts, vs)
}

func style(pal *charts.Palette, key, name string) jsStyle {
	s := jsStyle{Key: key, Name: name, Color: cssColor(pal, name)}
	for _, d := range charts.Dashes(pal.Index(name)) {
		s.Dash = append(s.Dash, math.Round(float64(d)*96/72*10)/10) // points to CSS pixels
	}
	return s
}

// ratioOf writes num / den into dst (of their length), NaN where den is
// 0 or the ratio infinite.
func ratioOf(dst, num, den []float64) []float64 {
	out := dst[:len(num)]
	for i := range num {
		out[i] = num[i] / den[i]
		if den[i] == 0 || math.IsInf(out[i], 0) {
			out[i] = math.NaN()
		}
	}
	return out
}

// buildPayload gathers what the page's charts draw.
func buildPayload(f *Folder, pal *charts.Palette, overview []int, window int, ppy float64, bench *charts.Series, betaWindow int, caption string) (*payload, error) {
	// The beta is drawn against bench over betaWindow of its bars (none
	// when 0); the walk-forward charts show bench's close either way.
	p := &payload{Synthetic: f.Synthetic(), Caption: caption, Window: window, PPY: number(ppy)}
	for i := range f.Runs {
		if slices.ContainsFunc(f.Runs[i].Equity.Time, func(t int64) bool { return t%data.NanosPerDay != 0 }) {
			p.Intraday = true
			break
		}
	}
	if bench != nil && betaWindow > 0 {
		p.BetaVs, p.BetaWindow = bench.Name, betaWindow
	}
	var legSeries []*LegSeries // the distinct legs, by p.LegData index
	for _, i := range overview {
		r := &f.Runs[i]
		t, v := r.Equity.Time, r.Equity.Values
		ls := newRunLines(t)
		et, ev := ls.reduce(v) // its times in seconds serve every line of the run
		jr := jsRun{jsStyle: style(pal, r.Key, r.Name), T: et, E: ev, C: number(r.Equity.Initial)}
		jr.DD = ls.line(et, r.Equity.Drawdown(ls.buf))
		if r.Gross != nil && r.Net != nil {
			g := ls.line(et, ratioOf(ls.buf, r.Gross, v))
			n := ls.line(et, ratioOf(ls.buf, r.Net, v))
			jr.G, jr.N = &g, &n
		}
		ret := r.Equity.Returns()
		jr.Sharpe = ls.line(et, charts.Rolled(ls.buf, ret, func(dst, r []float64) []float64 { return metrics.RollingSharpe(dst, r, window, 0, ppy) }))
		jr.Vol = ls.line(et, charts.Rolled(ls.buf, ret, func(dst, r []float64) []float64 { return metrics.RollingVolatility(dst, r, window, ppy) }))
		if bench != nil && betaWindow > 0 {
			b := ls.line(et, rollingBetaOn(ls.buf, t, v, bench, betaWindow))
			jr.Beta = &b
		}
		p.Runs = append(p.Runs, jr)
		if r.Legs != nil {
			l := r.Legs
			lg := jsLegs{jsStyle: style(pal, r.Key, r.Name), Data: -1}
			for k, s := range legSeries {
				if sameLegs(s, l) {
					lg.Data = k
					break
				}
			}
			if lg.Data < 0 {
				lg.Data = len(p.LegData)
				legSeries = append(legSeries, l)
				p.LegData = append(p.LegData, legData(l))
			}
			p.Legs = append(p.Legs, lg)
		}
	}
	for _, wf := range f.WalkForwards {
		p.WF = append(p.WF, walkForwardLines(f, pal, wf, bench))
	}
	for _, b := range bandsOf(f) {
		name := b.Run
		if r := f.run(b.Run); r != nil {
			name = r.Name
		}
		fan := jsFan{jsStyle: style(pal, b.Run, name)}
		var q [5][]float64
		fan.T, q = fanLines(b)
		for k := range q {
			fan.Q[k] = q[k]
		}
		p.Fans = append(p.Fans, fan)
	}
	p.Sweep = sweepOf(f)
	inOverview := map[string]bool{}
	for _, i := range overview {
		inOverview[f.Runs[i].Key] = true
	}
	at := map[string]int{}
	for i := range f.Runs {
		r := &f.Runs[i]
		if r.Record.Scenario == "" || !inOverview[r.Record.BaseKey()] {
			continue
		}
		k, ok := at[r.Record.Scenario]
		if !ok {
			k = len(p.Scenarios)
			at[r.Record.Scenario] = k
			p.Scenarios = append(p.Scenarios, jsScenario{Name: r.Record.Scenario})
		}
		b := f.run(r.Record.BaseKey())
		g := r.Equity.Growth(nil)
		sr := jsScenarioRun{jsStyle: style(pal, r.Key, b.Name), Base: b.Key}
		sr.T, sr.G = reduce(r.Equity.Time, g)
		for _, jr := range p.Runs {
			if jr.Key == b.Key && slices.Equal(jr.T, sr.T) {
				sr.T = nil
			}
		}
		p.Scenarios[k].Runs = append(p.Scenarios[k].Runs, sr)
	}
	return p, nil
}

// keptByAny is the times of t that reduce keeps of any of the lines vs
// (each column's first, last, lowest and highest point of each line), in
// order: lines drawn on one time column each keep their extremes, at most
// len(vs) times the points of one line. t itself when it is short enough
// to be kept whole.
func keptByAny(t []int64, vs ...[]float64) []int64 {
	if len(t) <= 4*chartBuckets {
		return t
	}
	x := seconds(t)
	keep := make([]bool, len(t))
	for _, v := range vs {
		kept, _ := reduceAt(t, x, v)
		j := 0
		for _, k := range kept {
			for t[j] < k {
				j++
			}
			keep[j] = true
		}
	}
	var out []int64
	for i, k := range keep {
		if k {
			out = append(out, t[i])
		}
	}
	return out
}

// fanLines are a fan's dates and bands as drawn: every band at the dates
// any of the five keeps (keptByAny), so that each keeps its extremes (the
// bands taken at the median's kept dates lost theirs).
func fanLines(b Band) ([]int64, [5][]float64) {
	t := keptByAny(b.Time, b.Q[:]...)
	var q [5][]float64
	for k := range q {
		q[k] = pick(b.Time, t, b.Q[k])
	}
	return t, q
}

// pick returns the values of v (at times t) at the times kept (a subset
// of t, in order).
func pick(t, kept []int64, v []float64) []float64 {
	out := make([]float64, len(kept))
	j := 0
	for i, k := range kept {
		for j < len(t)-1 && t[j] < k {
			j++
		}
		out[i] = v[j]
	}
	return out
}

// run returns the run of the key, or nil.
func (f *Folder) run(key string) *Run {
	if i, ok := f.byKey[key]; ok {
		return &f.Runs[i]
	}
	return nil
}

// bandsOf are the Monte Carlo bands to draw: the bands file's, else those
// of montecarlo.csv's whole paths.
func bandsOf(f *Folder) []Band {
	if len(f.Bands) > 0 {
		return f.Bands
	}
	var out []Band
	for _, fn := range f.Fans {
		q := fn.Bands()
		out = append(out, Band{Run: fn.Name, Time: fn.Time, Q: q})
	}
	return out
}

// walkForwardLines is a walk-forward's chart: the stitched out-of-sample
// growth against the in-sample best run of its strategy (best over the
// whole period by the walk-forward's metric: a hindsight choice) and the
// benchmark's close, both rebased to 1 at the first out-of-sample date.
func walkForwardLines(f *Folder, pal *charts.Palette, wf WalkForward, bench *charts.Series) jsWF {
	out := jsWF{Strategy: wf.Strategy}
	for _, h := range wf.Windows.Header {
		if m, ok := strings.CutPrefix(h, "is_"); ok && m != "start" && m != "end" {
			out.Metric = m
		}
	}
	t0 := wf.Equity[0]
	rebase := func(t []int64, v []float64) *jsLine {
		k, _ := slices.BinarySearch(t, t0)
		if k >= len(t) || !(v[k] > 0) {
			return nil
		}
		ts, vs := reduce(t[k:], charts.Growth(nil, v[k:]))
		return &jsLine{T: ts, V: vs}
	}
	// The stitched curve grows from the experiment's cash, as its
	// headline total return does (its first point stands below it when
	// the first window's first fill, at a close, paid its costs).
	cash := 0.0
	for _, i := range f.Main {
		if r := &f.Runs[i]; results.Slug(r.Record.Strategy) == wf.Strategy {
			cash = r.Record.Cash
			break
		}
	}
	if s := (charts.Series{Values: wf.Values, Initial: cash}); cash > 0 && len(wf.Values) > 0 {
		ts, vs := reduce(wf.Equity, s.Growth(nil))
		out.OOS = &jsLine{T: ts, V: vs}
	} else {
		out.OOS = rebase(wf.Equity, wf.Values)
	}
	metric := out.Metric
	if results.ValidMetric(metric) != nil {
		metric = "sharpe"
	}
	// The best as results.Rank orders the runs: a ruined run (its equity
	// fell to 0 or below) only when every run was, whatever its metric,
	// as the runs table and the walk-forward's own choice rank it.
	var best *Run
	bestV, bestRuined := math.NaN(), false
	for _, i := range f.Main {
		r := &f.Runs[i]
		if results.Slug(r.Record.Strategy) != wf.Strategy {
			continue
		}
		v, ruined := r.Record.Metrics.Metric(metric), r.Record.Metrics.Ruined()
		if v != v {
			continue
		}
		if best == nil || (bestRuined && !ruined) || (ruined == bestRuined && metrics.Better(metric, v, bestV)) {
			best, bestV, bestRuined = r, v, ruined
		}
	}
	if best != nil {
		out.Best = rebase(best.Equity.Time, best.Equity.Values)
		out.BestName, out.BestColor = best.Name+" (in-sample best by "+metric+", whole period)", cssColor(pal, best.Name)
	}
	if bench != nil {
		out.Bench = rebase(bench.Time, bench.Values)
		out.BenchName, out.BenchColor = bench.Name+" (close, no costs)", benchColor
	}
	return out
}

// sweepOf is the sweep heatmap's data: the main runs of each strategy
// that sweeps at least two parameters.
func sweepOf(f *Folder) *jsSweep {
	recs := make([]results.RunRecord, len(f.Main))
	for k, i := range f.Main {
		recs[k] = f.Runs[i].Record
	}
	t := results.RunsTable(recs, results.All)
	s := &jsSweep{}
	var pcols, mcols []*results.Column
	for j := range t.Columns {
		c := &t.Columns[j]
		if strings.HasPrefix(c.Name, "param_") && c.Strings != nil {
			pcols = append(pcols, c)
		} else if c.Floats != nil && !setupColumn[c.Name] {
			s.Metrics = append(s.Metrics, c.Name)
			mcols = append(mcols, c)
			if lowerIsBetter(c.Name) {
				s.Lower = append(s.Lower, c.Name)
			} else if noBetter(c.Name) {
				s.Neutral = append(s.Neutral, c.Name)
			}
		}
	}
	var order []string
	rowsOf := map[string][]int{}
	for i := range recs {
		st := recs[i].Strategy
		if _, ok := rowsOf[st]; !ok {
			order = append(order, st)
		}
		rowsOf[st] = append(rowsOf[st], i)
	}
	for _, st := range order {
		rows := rowsOf[st]
		var cols []*results.Column
		g := jsSweepGroup{Strategy: st}
		for _, c := range pcols {
			all := true
			for _, i := range rows {
				all = all && c.Strings[i] != ""
			}
			if all {
				cols = append(cols, c)
				g.Params = append(g.Params, strings.TrimPrefix(c.Name, "param_"))
			}
		}
		if len(cols) < 2 {
			continue
		}
		for _, i := range rows {
			row := jsSweepRow{Key: recs[i].Run, Ruined: recs[i].Metrics.Ruined()}
			for _, c := range cols {
				row.Params = append(row.Params, c.Strings[i])
			}
			for _, c := range mcols {
				row.M = append(row.M, number(c.Floats[i]))
			}
			g.Rows = append(g.Rows, row)
		}
		s.Groups = append(s.Groups, g)
	}
	if len(s.Groups) == 0 {
		return nil
	}
	return s
}

// lowerIsBetter reports whether a smaller value of the runs-table column
// is the better one (volatility, costs, tracking error, the share of the
// benchmark's falls captured).
func lowerIsBetter(col string) bool {
	return col == "annual_volatility" || col == "commission_paid" || col == "total_costs" || col == "turnover" ||
		strings.HasPrefix(col, "costs_") || strings.HasPrefix(col, "tracking_error_") || strings.HasPrefix(col, "down_capture_")
}

// noBetter reports whether the runs-table column has no better direction
// in itself: a hedge seeks a low beta or correlation, a leveraged bet a
// high one; skewness and kurtosis describe the returns' shape; a
// strategy's own statistics (stat_<name>: rebalances, the mean hedge
// ratio, an average entry price) describe what it did.
func noBetter(col string) bool {
	return col == "skewness" || col == "kurtosis" || strings.HasPrefix(col, "beta_") || strings.HasPrefix(col, "correlation_") ||
		strings.HasPrefix(col, results.StatColumnPrefix)
}

// setupColumn are the runs-table columns that describe the experiment's
// setup rather than a run's result.
var setupColumn = map[string]bool{"initial_cash": true, "commission_bps": true, "periods_per_year": true}

// marshalPayload writes the payload as JSON that is safe inside a
// <script type="application/json"> element ("<" escaped, as json.Marshal
// escapes <, > and & in strings). The encoder writes its (pooled) buffer
// into the text once: json.Marshal's result, then its conversion to
// text, were two more copies of several megabytes.
func marshalPayload(p *payload) (template.JS, error) {
	q := *p
	q.Runs = shareTimes(p.Runs)
	var b strings.Builder
	if err := json.NewEncoder(&b).Encode(&q); err != nil {
		return "", fmt.Errorf("report: chart data: %w", err)
	}
	return template.JS(strings.TrimSuffix(b.String(), "\n")), nil // Encode ends the value with a newline
}

// legData reduces a run's legs for the payload.
func legData(l *LegSeries) jsLegData {
	var d jsLegData
	// The legs' growth lines share their times: those either keeps, so
	// that each keeps its extremes (the short leg, taken at the long
	// leg's kept times, lost its own).
	long, short := growth(l.LongReturn), growth(l.ShortReturn)
	d.T = keptByAny(l.Time, long, short)
	if len(d.T) == len(l.Time) {
		d.Long, d.ShortG = long, short
	} else {
		d.Long, d.ShortG = pick(l.Time, d.T, long), pick(l.Time, d.T, short)
	}
	d.Beta = line(d.T, l.Time, l.BetaShortOnLong)
	d.Correlation = line(d.T, l.Time, l.Correl)
	return d
}

// sameLegs reports whether a and b hold the same series (NaN equal to
// NaN): the runs of a sweep over other parameters than the legs.
func sameLegs(a, b *LegSeries) bool {
	if a == b {
		return true
	}
	eq := func(x, y []float64) bool {
		return slices.EqualFunc(x, y, func(u, v float64) bool { return u == v || (u != u && v != v) })
	}
	return slices.Equal(a.Time, b.Time) && eq(a.LongReturn, b.LongReturn) && eq(a.ShortReturn, b.ShortReturn) &&
		eq(a.BetaShortOnLong, b.BetaShortOnLong) && eq(a.Correl, b.Correl)
}

// shareTimes returns runs (a copy, runs is left as it is) with the time
// column of each run left out when an earlier run has the same one, the
// run pointing at it (jsRun.TS): the ten runs a daily sweep draws wrote
// ten copies of one column.
func shareTimes(runs []jsRun) []jsRun {
	out := slices.Clone(runs)
	for i := range out {
		for j := range i {
			if out[j].TS == nil && len(runs[i].T) > 0 && slices.Equal(runs[i].T, runs[j].T) {
				k := j
				out[i].T, out[i].TS = nil, &k
				break
			}
		}
	}
	return out
}
