package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// Write reads the experiment folder dir (see [Load]) and writes
// dir/report.html atomically (through [results.WriteFileAtomic]): a failed
// write leaves any previous report untouched.
func Write(ctx context.Context, dir string) error {
	f, err := Load(dir)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, ReportFile), func(w io.Writer) error {
		return Render(ctx, w, f)
	})
}

// writeFile writes a report to path through results.WriteFileAtomic,
// after removing the temporary files of reports of path that were killed
// while writing (results.RemoveLeftovers: .report.html.tmp-… files no
// live process is writing), which no other command removes.
func writeFile(path string, write func(io.Writer) error) error {
	results.RemoveLeftovers(path)
	return results.WriteFileAtomic(path, write)
}

// WriteTo reads the experiment folder dir and writes its report to path,
// atomically.
func WriteTo(ctx context.Context, dir, path string) error {
	f, err := Load(dir)
	if err != nil {
		return err
	}
	return writeFile(path, func(w io.Writer) error { return Render(ctx, w, f) })
}

// WriteInput writes in.Dir/report.html of results held in memory (see
// [New]), atomically.
func WriteInput(ctx context.Context, in Input) error {
	f, err := New(in)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(in.Dir, ReportFile), func(w io.Writer) error {
		return Render(ctx, w, f)
	})
}

// Render writes the HTML report of a loaded folder to w. The output is
// deterministic: the same folder gives the same bytes. The page goes to
// w as it is made, not through a copy of it in memory (8 MB for a sweep
// of 200 runs): on an error w may hold part of it, which [Write] and
// [WriteInput] never leave behind (their file is written atomically).
// A bidi control in any text of the folder reaches the page as U+FFFD
// (see bidiWriter).
func Render(ctx context.Context, w io.Writer, f *Folder) error {
	page, err := build(ctx, f)
	if err != nil {
		return err
	}
	bw := &bidiWriter{w: w}
	if err := pageTemplate.Execute(bw, page); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return bw.Flush()
}

// page is what the template shows.
type page struct {
	Title     string
	Synthetic bool
	Generated string // program version
	Setup     []pair
	Inputs    []results.Input
	RunsTable *runsTable
	ChartNote string
	// Which interactive charts the page has.
	Exposure, Beta bool
	RollingCap     string
	Runs           []runSection
	Stress         []template.HTML
	StressNote     string
	MonteCarlo     template.HTML
	Fans           []int
	FanNote        string
	Legs           template.HTML
	LegsNote       string
	// Notes are the program's notes on the experiment (Manifest.Notes).
	Notes []string
	// Others lists the scenario and companion runs.
	Others            *htmlTable
	StressSummary     *htmlTable
	Scenarios         []string
	MonteCarloSummary *htmlTable
	MonteCarloNote    string
	// MonteCarloAbout says what the Monte Carlo figures are of (paths,
	// days, bootstrap, shock); ScenarioRows describe the stress scenarios.
	MonteCarloAbout string
	ScenarioRows    []scenarioRow
	// ScenarioNote says which runs the scenario charts draw; WFNote
	// what the walk-forward windows' figures are of.
	ScenarioNote, WFNote string
	WalkForwards         []wfSection
	Sweep                bool
	// Data is the charts' JSON; Script and Style the inlined uPlot and
	// the report's own code.
	Data   template.JS
	Script template.JS
	Style  template.CSS
}

type wfSection struct {
	ID, Strategy string
	// Headline is the stitched out-of-sample result, as divergence run
	// prints it: one row of windows, period and headline metrics.
	Headline *htmlTable
	Windows  *htmlTable
}

// wfHeadline is the stitched out-of-sample curve of wf summarised as
// divergence run prints it: the number of windows, the curve's first and
// last times, and its total return, CAGR, Sharpe ratio and maximum
// drawdown at ppy periods per year, its returns taken from the initial
// cash (the first window's entry costs count: windowMetrics); nil for a
// curve of fewer than 2 points, which the command does not print either.
func wfHeadline(wf WalkForward, ppy, cash float64) *htmlTable {
	if len(wf.Values) < 2 {
		return nil
	}
	m := windowMetrics(wf.Values, ppy, cash)
	row := []cell{
		{Text: strconv.Itoa(len(wf.Windows.Rows)), Numeric: true},
		{Text: results.FormatTime(wf.Equity[0])},
		{Text: results.FormatTime(wf.Equity[len(wf.Equity)-1])},
	}
	for _, k := range []string{"total_return", "cagr", "sharpe", "max_drawdown"} {
		v := map[string]float64{"total_return": m.TotalReturn, "cagr": m.CAGR, "sharpe": m.Sharpe, "max_drawdown": m.MaxDrawdown}[k]
		row = append(row, cell{Text: formatValue(k, v), Numeric: true})
	}
	return &htmlTable{Header: []string{"windows", "from", "to", "total_return", "cagr", "sharpe", "max_drawdown"}, Rows: [][]cell{row}}
}

type htmlTable struct {
	Header []string
	Rows   [][]cell
}

type pair struct{ K, V string }

// metricPair is a run's metric with its unit, shown on hover as in the
// runs table's header, for the metrics whose names do not say it
// (columnUnits: max_drawdown_duration in periods, turnover); "" for the
// others.
type metricPair struct {
	pair
	Unit string
}

type cell struct {
	Text    string
	Numeric bool
	Swatch  string // CSS colour of the run, for the key column
	Dash    string // its swatch's dash class ("" solid, d1 dashed, d2 dotted, d3 dash-dotted)
	// V is the raw value a sortable table sorts by (data-v), when HasV.
	V     string
	HasV  bool
	Class string
	Title string
}

type runSection struct {
	ID, Key, Name, Type, Swatch string
	Dash                        string // the swatch's dash class, as cell.Dash
	Params                      string
	Metrics                     []metricPair
	Monthly, Distribution       template.HTML
	// Legs is set for a pair hedge drawn in the overview (its legs'
	// charts are drawn by the script).
	Legs bool
	// Trades is the round-trip table and TradesNote its summary; Ladders
	// the ids of the run's fill charts.
	Trades     *htmlTable
	TradesNote string
	Ladders    []string
	// Ruined: the run's equity fell to 0 or below (RunMetrics.Ruined).
	Ruined bool
}

// percentKeys are the metrics (and runs.csv columns) that are decimal rates,
// shown as percentages.
var percentKeys = map[string]bool{
	"total_return": true, "cagr": true, "annual_volatility": true, "max_drawdown": true,
	"var_95": true, "cvar_95": true, "hit_rate": true, "best_period": true, "worst_period": true,
	"alpha": true, "tracking_error": true, "exposure_time": true,
	// stress.csv and the Monte Carlo tables of package experiment
	"pnl_vs_baseline_pct_of_cash": true, "worst_day": true, "variance_reduction": true, "hedge_effectiveness": true,
	"probability": true, "probability_total": true, "terminal_return": true, "terminal_p05": true, "terminal_p25": true,
	"terminal_median": true, "terminal_p75": true, "terminal_p95": true, "var_99": true, "cvar_99": true,
	"mean_max_drawdown": true, "worst_max_drawdown": true, "prob_loss": true, "prob_ruin": true,
	// walk-forward windows
	"oos_total_return": true, "oos_max_drawdown": true, "is_total_return": true, "is_cagr": true, "is_max_drawdown": true,
}

// moneyKeys are runs.csv columns in money.
var moneyKeys = map[string]bool{
	"commission_paid": true, "final_equity": true, "initial_cash": true,
	"pnl": true, "pnl_vs_baseline": true, "costs": true, "long_leg_pnl_vs_baseline": true,
	"expected_pnl_vs_baseline": true, "worst_pnl_vs_baseline": true,
}

func build(ctx context.Context, f *Folder) (*page, error) {
	syn := f.Synthetic()
	overview := chartRuns(f)
	pal := runPalette(f, overview)
	kind := "real market data"
	if syn {
		kind = "SYNTHETIC market (seeded, not real prices)"
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range f.Main {
		r := &f.Runs[i]
		first, last = min(first, r.Equity.Time[0]), max(last, r.Equity.Time[len(r.Equity.Time)-1])
	}
	period := spanText(first, last, false) // one format for both ends
	info := &f.Runs[f.Main[0]].Record
	p := &page{Title: f.Title(), Synthetic: syn, Generated: f.Manifest.ProgramVersion, Inputs: f.Manifest.Inputs, Notes: f.Manifest.Notes,
		Script: scripts(), Style: styles()}
	data := "real"
	if syn {
		data = "SYNTHETIC: generated by the seeded market model, not real prices"
	}
	// What a fill pays: by asset class when the manifest says so (a
	// class's own fees replace the experiment's commission_bps).
	commission := strconv.FormatFloat(info.CommissionBps, 'g', -1, 64) + " bps"
	if f.Manifest.Commission != "" {
		commission = f.Manifest.Commission
	}
	p.Setup = []pair{
		{"data", data},
		{"experiment file", f.Manifest.Experiment},
		{"experiment SHA-256", f.Manifest.ExperimentSHA256},
		{"seed", strconv.FormatUint(f.Manifest.Seed, 10)},
		{"period", period},
		{"initial cash", formatMoney(info.Cash)},
		{"commission", commission + " (bps of each fill's notional)"},
		{"periods per year", strconv.FormatFloat(info.PeriodsPerYear, 'g', -1, 64) + " (" + info.Calendar + ")"},
		{"runs", runCount(f)},
		{"program version", f.Manifest.ProgramVersion},
	}
	for _, st := range f.Manifest.Settings {
		v := st.Value
		if st.Key == "end" {
			v += " (exclusive: the period above ends before it)"
		}
		p.Setup = append(p.Setup, pair{st.Key, v})
	}
	p.RunsTable = newRunsTable(f, pal)
	p.ScenarioRows = scenarioRows(f)

	caption := fmt.Sprintf("%s, %s, commission %s", kind, period, commission)
	opt := charts.Options{Title: p.Title, Caption: caption, Synthetic: syn, Palette: pal}
	if len(overview) < len(f.Main) {
		p.ChartNote = fmt.Sprintf("The overview charts show the best %d of %d runs by %s, as the equity chart does; every run is in the runs table and has its own section below.", len(overview), len(f.Main), sortBy(f))
	}
	ppy := info.PeriodsPerYear
	if !(ppy > 0) {
		ppy = 252
	}
	window := rollingWindow(ppy, len(f.Runs[f.Main[0]].Equity.Time))
	// The rolling beta is measured against the experiment's first
	// benchmark instrument, on its own bars, as metrics.json's beta is.
	var bench *charts.Series
	betaWindow := 0
	if len(f.Benchmarks) > 0 {
		bench = &f.Benchmarks[0]
		betaWindow = benchWindow(&f.Runs[f.Main[0]].Equity, bench, window)
	}
	p.RollingCap = fmt.Sprintf("Window: %d periods (about a quarter at %g periods per year, or a sixth of the run when it is short).", window, ppy)
	switch {
	case bench != nil && betaWindow > 0:
		p.RollingCap += fmt.Sprintf(" Beta is measured against %s, the experiment's first benchmark, on its bars as metrics.json's beta_%s is: the run's return between two of its closes against its own (a token run's weekend compounds into the equity benchmark's Monday), over the last %d of its bars (the span of the window above), each value shown until the next bar.",
			bench.Name, results.ColumnSymbol(bench.Name), betaWindow)
		p.Beta = true
	case bench != nil:
		p.RollingCap += " The runs' span holds too few of " + bench.Name + "'s bars for a rolling beta against it."
	default:
		p.RollingCap += ` The experiment lists no benchmarks ("benchmarks" in the experiment file), so there is no beta chart.`
	}
	pl, err := buildPayload(f, pal, overview, window, ppy, bench, betaWindow, caption)
	if err != nil {
		return nil, err
	}
	for _, r := range pl.Runs {
		p.Exposure = p.Exposure || r.G != nil
	}
	legs := map[string]bool{}
	for _, l := range pl.Legs {
		legs[l.Key] = true
	}
	for _, sc := range pl.Scenarios {
		p.Scenarios = append(p.Scenarios, sc.Name)
	}
	p.ScenarioNote = "Each run under the scenario, in the run's colour"
	if len(overview) < len(f.Main) {
		p.ScenarioNote += fmt.Sprintf(": the %d runs of the overview charts (the best %d of %d by %s); the stress heatmaps above hold every run", len(overview), len(overview), len(f.Main), sortBy(f))
	}
	p.ScenarioNote += "; companion runs (such as run~long-leg) are not drawn. Growth of 1 from each run's start."
	p.WFNote = fmt.Sprintf("In the windows' table, is_%s is the chosen run's score over its in-sample window [is_start, is_end); oos_total_return, oos_sharpe and oos_max_drawdown are of its out-of-sample window [oos_start, oos_end) alone: the return not annualised, the Sharpe ratio annualised at %g periods per year with rf = 0.", wfMetric(f), ppy)
	p.Sweep = pl.Sweep != nil
	for k := range pl.Fans {
		p.Fans = append(p.Fans, k)
	}
	for k, wf := range f.WalkForwards {
		p.WalkForwards = append(p.WalkForwards, wfSection{ID: "wf-" + strconv.Itoa(k), Strategy: wf.Strategy,
			Headline: wfHeadline(wf, ppy, info.Cash), Windows: formatTable(withoutColumn(wf.Windows, "params"))})
	}

	var closes closeSet
	var tags tagSet
	drawn := map[int]bool{}
	for _, i := range overview {
		drawn[i] = true
	}
	for _, i := range f.Main {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := &f.Runs[i]
		rs := runSection{ID: "run-" + r.Key, Key: r.Key, Name: r.Name, Type: r.Record.Type, Swatch: cssColor(pal, r.Name), Dash: dashClass(pal, r.Name), Params: paramsText(r.Record.Params), Legs: legs[r.Key]}
		for _, m := range metricPairs(&r.Record.Metrics) {
			rs.Metrics = append(rs.Metrics, metricPair{pair: m, Unit: columnUnits[m.K]})
		}
		rs.Ruined = r.Record.Metrics.Ruined()
		if !drawn[i] {
			// Charts for the overview's runs only: the page's size stays
			// bounded however many runs a sweep has.
			p.Runs = append(p.Runs, rs)
			continue
		}
		if r.Fills, err = readFills(filepath.Join(f.Dir, "runs", r.Key)); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		end := int64(0)
		if t := r.Equity.Time; len(t) > 0 {
			end = t[len(t)-1]
		}
		rs.Trades, rs.TradesNote = tradesTable(RoundTrips(r.Fills), end)
		for _, l := range ladders(r, pal, f.Prices, &closes, &tags) {
			rs.Ladders = append(rs.Ladders, "ladder-"+strconv.Itoa(len(pl.Ladders)))
			pl.Ladders = append(pl.Ladders, l)
		}
		o := opt
		o.Title = r.Name
		o.Width, o.Height = 6*vg.Inch, 4.5*vg.Inch
		o.Caption = fmt.Sprintf("%s, %s to %s", kind, r.Record.Start, r.Record.End)
		if rs.Monthly, err = svg(func(w io.Writer) error { return charts.MonthlyReturns(w, charts.SVG, o, r.Equity) }); err != nil {
			return nil, err
		}
		rs.Monthly = labelled(rs.Monthly, r.Name+": monthly returns, "+o.Caption+"; its metrics are listed above.")
		if rs.Distribution, err = svg(func(w io.Writer) error { return charts.ReturnDistribution(w, charts.SVG, o, r.Equity) }); err != nil {
			return nil, err
		}
		rs.Distribution = labelled(rs.Distribution, r.Name+": distribution of period returns, "+o.Caption+"; its metrics are listed above.")
		p.Runs = append(p.Runs, rs)
	}
	pl.Closes, pl.Tags = closes.lines, tags.list
	p.Others = otherRuns(f)

	if len(f.Stress) > 0 {
		cells, note := hedgeThreshold(f.Stress, info.Cash)
		p.StressNote = note
		if n := coverageNote(f.StressCoverage); n != "" {
			p.StressNote = strings.TrimSpace(p.StressNote + " " + n)
		}
		for _, m := range pickStress(stressMatrices(cells)) {
			markCoverage(&m, f.StressCoverage)
			o := opt
			o.Title = "Stress test: " + m.Metric + " by run and scenario"
			o.Caption = kind
			if m.Percent {
				m.Metric += " (%)"
			}
			m.RowAxis = "run"
			m.Limit = charts.RobustLimit(m)
			o.Height = min(7*vg.Inch, (2.2+0.75*vg.Length(len(m.Rows)))*vg.Inch) // cells about as tall as wide
			h, err := svg(func(w io.Writer) error { return charts.Heatmap(w, charts.SVG, o, m) })
			if err != nil {
				return nil, err
			}
			p.Stress = append(p.Stress, labelled(h, heatmapLabel(o.Title, m)))
		}
	}
	if t := f.Tables["stress_summary.csv"]; t != nil {
		p.StressSummary = formatTable(t)
	}
	if len(pl.Fans) > 0 {
		p.FanNote = fmt.Sprintf("One chart per run: the median growth of 1 of the run's Monte Carlo paths with its 25–75%% and 5–95%% bands (%s).", kind)
	} else if len(f.Fans) == 0 {
		if b := f.SVG["montecarlo.svg"]; b != nil {
			p.MonteCarlo = labelled(cleanSVG(b), "Monte Carlo paths' growth of 1 (montecarlo.svg); montecarlo_summary.csv has their figures.")
		}
	}
	if len(pl.Fans) > 0 || p.MonteCarlo != "" || f.Tables["montecarlo_summary.csv"] != nil {
		p.MonteCarloAbout = monteCarloAbout(f)
	}
	if t := f.Tables["montecarlo_summary.csv"]; t != nil {
		var flipped bool
		t, flipped = lossesNegative(t)
		p.MonteCarloSummary = formatTable(t)
		if flipped {
			p.MonteCarloNote = "montecarlo_summary.csv writes VaR and CVaR as positive losses; they are shown here as returns, like every VaR in this report."
		}
	}
	if legs, note := overviewLegs(f, overview); len(legs) > 0 {
		o := opt
		o.Title = "PnL attribution by leg"
		o.Caption = kind
		// attribution.csv names runs by key; the chart labels them as
		// every other chart does (the strategy's name, or the key when
		// the folder has several runs of one strategy).
		legs = slices.Clone(legs)
		names := make([]string, len(legs))
		for i := range legs {
			if r := f.run(legs[i].Run); r != nil {
				legs[i].Run = r.Name
			}
			names[i] = legs[i].Run
		}
		o.Palette = paletteFor(pal, names)
		if p.Legs, err = svg(func(w io.Writer) error { return charts.LegAttribution(w, charts.SVG, o, legs) }); err != nil {
			return nil, err
		}
		p.Legs = labelled(p.Legs, "PnL attribution by leg, in the account currency ("+kind+"); attribution.csv has the figures.")
		p.LegsNote = note
	}
	if p.Data, err = marshalPayload(pl); err != nil {
		return nil, err
	}
	return p, nil
}

// hedgeThreshold blanks the hedge effectiveness of every stress cell
// whose long leg alone lost less than results.HedgeThreshold against its
// baseline (long_leg_change_vs_baseline > −HedgeThreshold), and says so,
// counting every such cell of a pair hedge. stress.csv leaves them empty
// itself; a folder written before it had that column measured the loss
// against the initial cash (long_leg_pnl_vs_baseline > −HedgeThreshold ×
// cash, 0.1% at first), and has its cells blanked by that rule here.
func hedgeThreshold(cells []StressCell, cash float64) ([]StressCell, string) {
	type rc struct{ r, c string }
	long := map[rc]float64{}
	have, relative := false, false
	for _, c := range cells {
		relative = relative || c.Metric == "long_leg_change_vs_baseline"
	}
	// The money rule needs the cash; the relative one does not.
	lossMetric, bound, measurable := "long_leg_pnl_vs_baseline", -results.HedgeThreshold*cash, cash > 0
	if relative {
		lossMetric, bound, measurable = "long_leg_change_vs_baseline", -results.HedgeThreshold, true
	}
	for _, c := range cells {
		if c.Metric == lossMetric {
			long[rc{c.Strategy, c.Scenario}] = c.Value
		}
		have = have || c.Metric == "hedge_effectiveness"
	}
	if !have {
		return cells, ""
	}
	out := slices.Clone(cells)
	blanked := 0
	for i, c := range out {
		if c.Metric != "hedge_effectiveness" {
			continue
		}
		l, ok := long[rc{c.Strategy, c.Scenario}]
		if math.IsNaN(c.Value) && (!ok || math.IsNaN(l)) {
			continue // not a pair hedge: no long leg, no effectiveness
		}
		if !ok || !measurable || !(l <= bound) {
			out[i].Value = math.NaN()
			blanked++
		}
	}
	of := "of its baseline's final equity"
	if !relative {
		of = "of the initial cash" // a folder written before the relative measure
	}
	return out, fmt.Sprintf("Hedge effectiveness (the share of the long leg's scenario loss the hedge saved, each run's loss relative to its own baseline) is shown only where the long leg alone lost at least %g%% "+of+" against its baseline; elsewhere it is not defined (grey, \"n/a\"). %d cell(s) left blank by this rule. It is n/a too where the scenario could not shock an instrument the run trades (a replay whose window the instrument's data does not cover): the notes in Setup name them. Colour scales span the 90th percentile of each metric's absolute values, so one outlier does not wash out the rest; the cell's text is always its value.", 100*results.HedgeThreshold, blanked)
}

// lossesNegative returns the Monte Carlo summary with VaR and CVaR as
// returns (losses negative): when its var_95 is the negative of its
// terminal_p05 on every row (package experiment writes losses as positive
// numbers; a run whose 5th percentile is 0 has a VaR of 0, which agrees),
// every var_*/cvar_* column is negated (0 stays 0, not "-0").
func lossesNegative(t *Table) (*Table, bool) {
	v, p := slices.Index(t.Header, "var_95"), slices.Index(t.Header, "terminal_p05")
	if v < 0 || p < 0 || len(t.Rows) == 0 {
		return t, false
	}
	for _, r := range t.Rows {
		a, err1 := strconv.ParseFloat(r[v], 64)
		b, err2 := strconv.ParseFloat(r[p], 64)
		if err1 != nil || err2 != nil || math.Abs(a+b) > 1e-12*math.Max(1, math.Abs(b)) {
			return t, false
		}
	}
	out := &Table{Header: t.Header}
	for _, r := range t.Rows {
		row := slices.Clone(r)
		for j, h := range t.Header {
			if strings.HasPrefix(h, "var_") || strings.HasPrefix(h, "cvar_") {
				if x, err := strconv.ParseFloat(row[j], 64); err == nil {
					row[j] = strconv.FormatFloat(0-x, 'g', -1, 64)
				}
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, true
}

// runCount says how many runs the folder has, and how many are scenario or
// companion runs.
func runCount(f *Folder) string {
	if len(f.Main) == len(f.Runs) {
		return strconv.Itoa(len(f.Runs))
	}
	return fmt.Sprintf("%d, and %d scenario or companion runs", len(f.Main), len(f.Runs)-len(f.Main))
}

// otherRuns tabulates the scenario and companion runs.
func otherRuns(f *Folder) *htmlTable {
	if len(f.Main) == len(f.Runs) {
		return nil
	}
	main := map[int]bool{}
	for _, i := range f.Main {
		main[i] = true
	}
	t := &htmlTable{Header: []string{"key", "strategy", "type", "total_return", "cagr", "annual_volatility", "sharpe", "max_drawdown", "var_95", "cvar_95"}}
	for i, r := range f.Runs {
		if main[i] {
			continue
		}
		m := r.Record.Metrics
		row := []cell{{Text: r.Key}, {Text: r.Record.Strategy}, {Text: r.Record.Type}}
		for k, v := range []float64{m.TotalReturn, m.CAGR, m.AnnualVolatility, m.Sharpe, m.MaxDrawdown, m.VaR95, m.CVaR95} {
			row = append(row, cell{Text: formatValue(t.Header[3+k], v), Numeric: true})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// withoutColumn is t without the named column (t itself when it has
// none). The walk-forward table leaves out params, the chosen run's whole
// parameter set as JSON: its key (chosen) names the swept ones, and the
// long column pushed the windows' figures off the page; windows.csv keeps
// it.
func withoutColumn(t *Table, name string) *Table {
	if t == nil {
		return nil
	}
	j := slices.Index(t.Header, name)
	if j < 0 {
		return t
	}
	out := &Table{Header: slices.Delete(slices.Clone(t.Header), j, j+1)}
	for _, r := range t.Rows {
		if j < len(r) {
			r = slices.Delete(slices.Clone(r), j, j+1)
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// formatTable formats a CSV table by its column names.
func formatTable(t *Table) *htmlTable {
	out := &htmlTable{Header: t.Header}
	for _, r := range t.Rows {
		row := make([]cell, len(r))
		for j, v := range r {
			row[j] = formatCell(t.Header[j], v)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// preferredStress are the stress metrics the report draws, in order, when
// the stress table has any of them; otherwise it draws every metric (at
// most maxStress).
var preferredStress = []string{"pnl_vs_baseline_pct_of_cash", "total_return", "max_drawdown", "sharpe", "hedge_effectiveness"}

const maxStress = 8

// pickStress keeps the matrices to draw: the preferred metrics with a
// finite value, or the first maxStress.
func pickStress(ms []charts.Matrix) []charts.Matrix {
	finite := func(m charts.Matrix) bool {
		for _, r := range m.Values {
			for _, v := range r {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					return true
				}
			}
		}
		return false
	}
	var out []charts.Matrix
	for _, name := range preferredStress {
		for _, m := range ms {
			if m.Metric == name && finite(m) {
				out = append(out, m)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, m := range ms {
		if finite(m) && len(out) < maxStress {
			out = append(out, m)
		}
	}
	return out
}

// paletteFor returns pal when it holds every name (so that runs keep their
// colours), else a palette of the names.
func paletteFor(pal *charts.Palette, names []string) *charts.Palette {
	for _, n := range names {
		if pal.Index(n) < 0 {
			return charts.NewPalette(names)
		}
	}
	return pal
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// overviewLegs is the attribution (f.Legs) of the overview charts' runs
// (chartRuns), in the file's order, and a note saying so when it leaves
// runs out: a sweep's chart of every run drew hundreds of bars and a
// legend of hundreds of names. A file that names none of them (the
// generic layout's strategies) is cut to its first maxLines runs.
func overviewLegs(f *Folder, overview []int) ([]charts.Legs, string) {
	if len(f.Legs) <= maxLines {
		return f.Legs, ""
	}
	want := map[string]bool{}
	for _, i := range overview {
		want[f.Runs[i].Key] = true
		want[f.Runs[i].Name] = true
	}
	var out []charts.Legs
	for _, l := range f.Legs {
		if want[l.Run] {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return f.Legs[:maxLines], fmt.Sprintf("The chart shows the first %d of the %d runs in attribution.csv.", maxLines, len(f.Legs))
	}
	return out, fmt.Sprintf("The chart shows the %d runs of the overview charts (the best by %s); attribution.csv holds all %d runs' legs.", len(out), sortBy(f), len(f.Legs))
}

// runPalette is the report's palette: the main runs' names in run order,
// the overview's runs first, so that they take the ten distinct colours,
// as in the experiment's own charts (equity.png, attribution.png and the
// stress charts order their palette the same way); every other label of
// a run (its key, its scenario runs) is an alias of its name.
func runPalette(f *Folder, overview []int) *charts.Palette {
	names := make([]string, 0, len(overview)+len(f.Main))
	for _, i := range overview {
		names = append(names, f.Runs[i].Name)
	}
	names = append(names, f.Names()...)
	return charts.NewPaletteInOrder(names).WithAliases(runAliases(f))
}

// maxLines is the number of runs an equity or rolling chart shows at most.
const maxLines = 10

// chartRuns returns the indices of the runs the overlay charts draw: the
// main runs, or the maxLines best of them by the folder's ranking metric
// (sortBy: the one the equity chart and the runs' legs charts were
// chosen by, results.Rank: ruined runs last), in run order.
func chartRuns(f *Folder) []int {
	idx := slices.Clone(f.Main)
	if len(idx) <= maxLines {
		return idx
	}
	ms := make([]*results.RunMetrics, len(idx))
	for k, i := range idx {
		ms[k] = &f.Runs[i].Record.Metrics
	}
	best := results.Rank(sortBy(f), ms)[:maxLines]
	out := make([]int, len(best))
	for k, b := range best {
		out[k] = idx[b]
	}
	sort.Ints(out)
	return out
}

// sortBy is the metric the folder's runs are ranked by (its manifest's
// sort_by), "sharpe" when it records none.
func sortBy(f *Folder) string {
	if f.Manifest.SortBy != "" {
		return f.Manifest.SortBy
	}
	return "sharpe"
}

// stressMatrices groups stress cells into one matrix per metric; metrics,
// rows and columns in order of first appearance. A pair given twice keeps
// the last value.
func stressMatrices(cells []StressCell) []charts.Matrix {
	var metricsOrder, rows, cols []string
	seenM, seenR, seenC := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range cells {
		for _, x := range []struct {
			v    string
			seen map[string]bool
			list *[]string
		}{{c.Metric, seenM, &metricsOrder}, {c.Strategy, seenR, &rows}, {c.Scenario, seenC, &cols}} {
			if !x.seen[x.v] {
				x.seen[x.v] = true
				*x.list = append(*x.list, x.v)
			}
		}
	}
	out := make([]charts.Matrix, len(metricsOrder))
	for k, m := range metricsOrder {
		mat := charts.Matrix{Metric: m, Rows: rows, Cols: cols, Percent: percentKeys[m], Values: make([][]float64, len(rows))}
		for i := range mat.Values {
			mat.Values[i] = make([]float64, len(cols))
			for j := range mat.Values[i] {
				mat.Values[i][j] = math.NaN()
			}
		}
		out[k] = mat
	}
	ri, ci, mi := indexOf(rows), indexOf(cols), indexOf(metricsOrder)
	for _, c := range cells {
		out[mi[c.Metric]].Values[ri[c.Strategy]][ci[c.Scenario]] = c.Value
	}
	return out
}

func indexOf(xs []string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[x] = i
	}
	return m
}

// metricPairs lists a run's metrics for its table: those of
// metrics.Summary in metrics.json order, then the others (counts, costs,
// dates, benchmarks) sorted by key; an object's numbers as key.sub (a
// benchmark's as benchmarks.<symbol>.<metric>).
func metricPairs(m *results.RunMetrics) []pair {
	b, err := json.Marshal(m.Summary)
	if err != nil {
		return nil
	}
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b))
	known := map[string]bool{"benchmark": true}
	// Walk the object's keys in order.
	if _, err := dec.Token(); err == nil {
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				break
			}
			k, _ := t.(string)
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				break
			}
			keys = append(keys, k)
			known[k] = true
		}
	}
	all, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var vals map[string]any
	_ = json.Unmarshal(all, &vals)
	var out []pair
	var add func(k, leaf string, v any)
	add = func(k, leaf string, v any) {
		switch x := v.(type) {
		case nil:
			out = append(out, pair{k, "n/a"})
		case float64:
			out = append(out, pair{k, formatValue(leaf, x)})
		case map[string]any:
			for _, sk := range sortedKeys(x) {
				// Named and formatted as the runs table's columns:
				// costs_commission (money), alpha_qqq (a rate).
				switch {
				case k == "costs":
					add("costs_"+sk, "costs_"+sk, x[sk])
				case strings.HasPrefix(k, "benchmarks."):
					name := sk + "_" + results.ColumnSymbol(strings.TrimPrefix(k, "benchmarks."))
					add(name, name, x[sk])
				default:
					add(k+"."+sk, sk, x[sk])
				}
			}
		case string:
			if x == "" {
				x = "—" // a date that did not happen (no recovery)
			}
			out = append(out, pair{k, x})
		default:
			out = append(out, pair{k, fmt.Sprint(x)})
		}
	}
	for _, k := range keys {
		add(k, k, vals[k])
	}
	var extra []string
	for k := range vals {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		add(k, k, vals[k])
	}
	return out
}

// paramsText is a run's parameters as compact JSON with sorted keys.
func paramsText(params map[string]any) string {
	if params == nil {
		return "{}"
	}
	b, err := json.Marshal(params)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// formatValue formats a metric by its key: rates as percentages, money
// with thousands separators, counts as integers, others to 4 significant
// digits.
func formatValue(key string, v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	case percentColumn(key):
		return minus(strconv.FormatFloat(100*v, 'f', 2, 64)) + "%"
	case moneyKeys[key] || strings.HasPrefix(key, "costs_") || key == "total_costs":
		return formatMoney(v)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return minus(strconv.FormatFloat(v, 'f', 0, 64))
	}
	return minus(strconv.FormatFloat(v, 'g', 4, 64))
}

// percentColumn reports whether the values of column key are rates the
// report shows in percent.
func percentColumn(key string) bool {
	return percentKeys[key] || strings.HasPrefix(key, "alpha_") || strings.HasPrefix(key, "tracking_error_")
}

// formatCell formats a runs.csv field by its column.
func formatCell(col, s string) cell {
	if s == "" {
		return cell{Text: "n/a", Numeric: true}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return cell{Text: s}
	}
	return cell{Text: formatValue(col, v), Numeric: true}
}

// formatMoney writes an amount with two decimals and thin-space thousands
// separators: 1234567.891 → "1 234 567.89".
func formatMoney(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac
	if v < 0 {
		out = "−" + out
	}
	return out
}

func minus(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// cssColor is the run's palette colour as #rrggbb.
// dashClass is the class of a run's swatch beside "swatch" that draws
// its line's dash pattern: runs past the palette's ten colours share a
// colour with another and differ by it, in the charts and the swatches.
func dashClass(pal *charts.Palette, name string) string {
	if k := charts.DashKind(pal.Index(name)); k > 0 {
		return fmt.Sprintf(" d%d", k)
	}
	return ""
}

func cssColor(pal *charts.Palette, name string) string {
	r, g, b, _ := pal.Color(name).RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// svg renders a chart as an inline SVG element: the XML prolog and the
// namespace declarations (implied in HTML) are dropped, and the fixed size
// gives way to the page's width.
func svg(draw func(io.Writer) error) (template.HTML, error) {
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		return "", err
	}
	return cleanSVG(buf.Bytes()), nil
}

// cleanSVG turns a chart's SVG file into an inline SVG element. Only
// charts drawn by package charts are passed in (from memory or from the
// folder), and those hold no script and no external reference. It edits
// the root element's start tag only, in one pass over it: whatever the
// chart's size, the rest of the document is copied as it is.
func cleanSVG(b []byte) template.HTML {
	if i := bytes.Index(b, []byte("<svg ")); i >= 0 {
		b = b[i:]
	}
	end := bytes.IndexByte(b, '>')
	if end < 0 {
		return template.HTML(b)
	}
	tag, rest := b[:end], b[end:]
	out := make([]byte, 0, len(b))
	if t, ok := dropSize(tag); ok {
		out = append(out, `<svg class="chart" role="img"`...)
		tag = t
	}
	// Drop xmlns="…" and xmlns:xlink="…", with the white space before them.
	for len(tag) > 0 {
		i := bytes.Index(tag, []byte("xmlns"))
		if i < 0 {
			break
		}
		j := i
		for j > 0 && isSpace(tag[j-1]) {
			j--
		}
		name := tag[i+len("xmlns"):]
		if bytes.HasPrefix(name, []byte(":xlink")) {
			name = name[len(":xlink"):]
		}
		if j == i || !bytes.HasPrefix(name, []byte(`="`)) {
			out = append(out, tag[:i+len("xmlns")]...)
			tag = tag[i+len("xmlns"):]
			continue
		}
		q := bytes.IndexByte(name[2:], '"')
		if q < 0 {
			break
		}
		out = append(out, tag[:j]...)
		tag = name[2+q+1:]
	}
	out = append(out, tag...)
	return template.HTML(append(out, rest...))
}

// labelled gives an inline SVG chart (cleanSVG's, role="img", whose
// drawn text a screen reader does not read) its text alternative: an
// aria-label.
func labelled(h template.HTML, label string) template.HTML {
	const start = `<svg class="chart" role="img"`
	rest, ok := strings.CutPrefix(string(h), start)
	if !ok {
		return h
	}
	return template.HTML(start + ` aria-label="` + template.HTMLEscapeString(label) + `"` + rest)
}

// markCoverage marks the cells of a stress matrix whose scenario was
// meant to shock the instruments the run trades and shocked none of them
// (charts.Unmeasured: unknown), only some (charts.Partial), or aims at
// none of them (charts.Untouched: a true 0), from stress.csv's
// instrument counts.
func markCoverage(m *charts.Matrix, cov []StressCoverage) {
	ri, ci := indexOf(m.Rows), indexOf(m.Cols)
	names := results.StressMarkNames()
	for _, c := range cov {
		i, okr := ri[c.Strategy]
		j, okc := ci[c.Scenario]
		mk := charts.Measured
		switch {
		case c.Unmeasured():
			mk = charts.Unmeasured
			if !c.HasUnreplayed {
				// A stress.csv from before instruments_unreplayed
				// does not say which kind of 0 it is.
				names[0] = "nothing it trades shocked"
			}
		case c.Partial():
			mk = charts.Partial
		case c.Untouched():
			mk = charts.Untouched
		}
		if !okr || !okc || mk == charts.Measured {
			continue
		}
		if m.Marks == nil {
			m.Marks = make([][]charts.Mark, len(m.Rows))
			for k := range m.Marks {
				m.Marks[k] = make([]charts.Mark, len(m.Cols))
			}
		}
		m.Marks[i][j] = mk
	}
	m.MarkNames = names
}

// coverageNote says which stress cells are unknown (the scenario was
// meant to shock what the run trades and shocked none of it), which a
// partial measure and which a true 0 (it aims at none of it), as the
// heatmaps mark them; "" when none is.
func coverageNote(cov []StressCoverage) string {
	var none, part, untouched []string
	legacy := false
	for _, c := range cov {
		switch {
		case c.Unmeasured():
			none = append(none, c.Strategy+" under "+c.Scenario)
			legacy = legacy || !c.HasUnreplayed
		case c.Partial():
			p := fmt.Sprintf("%s under %s (%d of %d", c.Strategy, c.Scenario, c.Shocked, c.Traded)
			if c.Unreplayed > 0 {
				p += fmt.Sprintf(", %d not replayed", c.Unreplayed)
			}
			part = append(part, p+")")
		case c.Untouched():
			untouched = append(untouched, c.Strategy+" under "+c.Scenario)
		}
	}
	list := func(xs []string) string {
		if len(xs) > 10 {
			return fmt.Sprintf("%s and %d more", strings.Join(xs[:10], ", "), len(xs)-10)
		}
		return strings.Join(xs, ", ")
	}
	var parts []string
	switch {
	case len(none) > 0 && legacy:
		parts = append(parts, fmt.Sprintf("Pale cells with a dashed border: the scenario shocked none of the instruments the run trades (instruments_shocked = 0 in stress.csv), so the cell is the run without the scenario, not a measure of it: %s.", list(none)))
	case len(none) > 0:
		parts = append(parts, fmt.Sprintf("Pale cells with a dashed border, unknown (not replayed): the scenario was meant to shock instruments the run trades and shocked none of them (instruments_shocked = 0, instruments_unreplayed > 0 in stress.csv: a replay whose source has no bars for them in its window), so the cell is the run without the scenario, not a measure of it, and stress_summary.csv leaves it out: %s.", list(none)))
	}
	if len(part) > 0 {
		parts = append(parts, fmt.Sprintf("Cells with a dark corner: it shocked only some of them (instruments shocked of traded): %s.", list(part)))
	}
	if len(untouched) > 0 {
		parts = append(parts, fmt.Sprintf("Cells with a dotted border, untouched: the scenario aims at none of the instruments the run trades (instruments_shocked = 0, instruments_unreplayed = 0), a true 0, a measure: %s.", list(untouched)))
	}
	return strings.Join(parts, " ")
}

// heatmapLabel is a stress heatmap's text alternative: its title, then
// each row's cells as the chart writes them (n/a for none), so that a
// screen reader reads every figure the colours show, and what a marked
// cell's mark says (charts.Matrix.Marks).
func heatmapLabel(title string, m charts.Matrix) string {
	var b strings.Builder
	b.WriteString(title + ", " + m.Metric + ".")
	for i, row := range m.Rows {
		b.WriteString(" " + row + ":")
		for j, col := range m.Cols {
			if j > 0 {
				b.WriteString(",")
			}
			v := m.Values[i][j]
			s := m.CellText(v)
			if m.Percent && !math.IsNaN(v) && !math.IsInf(v, 0) {
				s += "%"
			}
			if mk := m.MarkAt(i, j); mk != charts.Measured {
				s += " (" + m.MarkWords()[mk-1] + ")"
			}
			b.WriteString(" " + col + " " + s)
		}
		b.WriteString(".")
	}
	return b.String()
}

// dropSize removes the leading `<svg width="…" height="…"` of a start tag
// and returns the rest.
func dropSize(tag []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(tag, []byte(`<svg width="`))
	if !ok {
		return tag, false
	}
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		return tag, false
	}
	rest, ok = bytes.CutPrefix(rest[q+1:], []byte(` height="`))
	if !ok {
		return tag, false
	}
	q = bytes.IndexByte(rest, '"')
	if q < 0 {
		return tag, false
	}
	return rest[q+1:], true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// wfMetric is the metric the walk-forward windows were chosen by (their
// is_<metric> column), "sharpe" when no window table names one.
func wfMetric(f *Folder) string {
	for _, wf := range f.WalkForwards {
		for _, h := range wf.Windows.Header {
			if m, ok := strings.CutPrefix(h, "is_"); ok && m != "start" && m != "end" {
				return m
			}
		}
	}
	return "sharpe"
}

// rollingWindow is the rolling charts' window, in periods, for a run of
// n points at ppy periods a year: about a quarter (ppy/4, rounded), or
// a sixth of the run when it holds fewer than three quarters, 5 at the
// least.
func rollingWindow(ppy float64, n int) int {
	w := int(math.Round(ppy / 4))
	if n < 3*w {
		w = max(5, n/6)
	}
	return w
}
