package experiment

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/strategies"
)

// LongLegSuffix ends the key of a pair hedge's long-leg companion run.
const LongLegSuffix = "~long-leg"

// longLegs adds, for every run of a hedge type (one whose factory in reg
// has a LongLeg, as pair-hedge's), a companion run that holds its long leg
// alone: the same strategy with the parameters LongLeg gives. The stress
// table measures how much of the long leg's loss the hedge removed.
func longLegs(reg strategies.Registry, specs []RunSpec) []RunSpec {
	var out []RunSpec
	for _, s := range specs {
		leg := reg[s.Type].LongLeg
		if leg == nil {
			continue
		}
		params := leg(s.Params)
		out = append(out, RunSpec{Key: s.Key + LongLegSuffix, Strategy: s.Strategy + " (long leg alone)", Type: s.Type,
			Params: params, Swept: s.Swept, Index: s.Index, LongLegOf: s.Key})
	}
	return out
}

// StressRow is one run under one scenario in the stress table.
type StressRow struct {
	Run         string  // the run's key without the scenario
	Strategy    string  // the strategy's name
	Scenario    string  // "baseline" or the scenario's name
	Probability float64 // the scenario's probability, NaN when it has none
	PnL         float64 // final equity − initial cash
	// PnLVsBaseline is PnL minus the same run's baseline PnL: what the
	// scenario cost (negative) or earned.
	PnLVsBaseline float64
	TotalReturn   float64
	MaxDrawdown   float64
	// WorstDay is the worst return over a UTC calendar day (results.WorstDay):
	// on daily bars the worst one-step return, on intraday bars the worst
	// day's bars compounded, not the worst bar.
	WorstDay     float64
	Fills        int
	Costs        float64 // every cost the broker booked (commission, slippage, borrow, funding, …)
	MarginCalls  int
	Liquidations int
	// LongLegPnLVsBaseline is the long leg alone's loss to the scenario
	// (pair hedges only; NaN otherwise), in money, and
	// LongLegChangeVsBaseline the same over its baseline's final equity;
	// HedgeEffectiveness is 1 − the hedge's change / the long leg's, each
	// relative to the run's own baseline (results.ScenarioChange): the
	// share of the long leg's scenario loss the hedge removed (above 1: the
	// hedge turned it into a gain). NaN when the long leg lost less than
	// results.HedgeThreshold (1%): the ratio of two near-zero numbers says
	// nothing (results.ScenarioHedgeEffectiveness); NaN too when the
	// scenario could not shock an instrument the run trades (View.Unshocked).
	LongLegPnLVsBaseline    float64
	LongLegChangeVsBaseline float64
	HedgeEffectiveness      float64
	// VarianceReduction is 1 − Var(hedged daily returns) / Var(long leg's)
	// over the whole run (pair hedges only).
	VarianceReduction float64
	// InstrumentsTraded is the number of instruments the run has fills
	// in, under the scenario or in its baseline, and InstrumentsShocked
	// how many of them the scenario changed (View.Shocked; 0 on a
	// baseline row); fewer shocked than traded is a partial measure.
	InstrumentsTraded, InstrumentsShocked int
	// InstrumentsUnreplayed is how many of the instruments the run trades
	// the scenario meant to shock and left as they were (View.Unshocked
	// and not View.Shocked: a replay's or transplant's member without
	// source bars in its window, a series that ends before the shock or
	// starts after it). Under a scenario, 0 shocked and some unreplayed
	// is an unknown row (Unknown): the scenario did not happen to what
	// the run trades, and its 0 is no measure; 0 shocked and none
	// unreplayed is a true 0 (untouched): the scenario aims at other
	// instruments, and the run is unaffected by it.
	InstrumentsUnreplayed int
}

// Unknown reports whether the row's scenario was meant to shock
// instruments the run trades and shocked none of them (a replay whose
// source has no bars for them in its window): its PnL vs baseline is
// not a measure of the scenario, and the summary leaves it out.
func (r *StressRow) Unknown() bool {
	return r.Scenario != "baseline" && r.InstrumentsShocked == 0 && r.InstrumentsUnreplayed > 0
}

// Stress is the stress table and its probability-weighted summary.
type Stress struct {
	Rows []StressRow
	// Expected is, per run, Σ p × PnLVsBaseline over the scenarios that carry
	// a probability (the probability-weighted expected loss), with the sum
	// of those probabilities.
	Expected []ExpectedLoss
	// Notes say which hedge effectiveness cells were left empty because
	// the scenario could not shock an instrument the hedge trades.
	Notes []string
}

// ExpectedLoss is a run's probability-weighted scenario PnL.
type ExpectedLoss struct {
	Run, Strategy    string
	ExpectedPnL      float64
	ProbabilityTotal float64
	Scenarios        int
	WorstScenario    string
	WorstPnL         float64
	// LeftOut counts the run's scenarios whose row is unknown
	// (StressRow.Unknown): they are in neither ExpectedPnL nor the worst.
	LeftOut int
}

// StressTable builds the stress table of an executed experiment with
// scenarios. Long-leg companion runs feed the hedge columns and get no
// rows of their own.
func StressTable(o *Outcome) *Stress {
	// The runs by their fields, not by their keys' spelling: a run's
	// baseline is the run of key r.Base in the first view, a hedge's
	// long-leg companion the run whose LongLegOf is the hedge's key, in
	// the same view.
	byKey := map[string]*RunResult{}
	type legOf struct {
		hedge string
		view  int
	}
	legs := map[legOf]*RunResult{}
	for i := range o.Runs {
		r := &o.Runs[i]
		byKey[r.Key] = r
		if r.LongLegOf != "" {
			legs[legOf{r.LongLegOf, r.View}] = r
		}
	}
	cash := o.Cash
	st := &Stress{}
	// The runs a scenario shocked none of the traded instruments of, by
	// scenario in the order they come, and those instruments.
	type unreachedRuns struct{ runs, syms []string }
	unreached := map[string]unreachedRuns{}
	var scenarioOrder []string
	for i := range o.Runs {
		r := &o.Runs[i]
		if r.LongLegOf != "" {
			continue
		}
		base := byKey[r.Base]
		pnl := r.Metrics.FinalEquity - cash
		row := StressRow{Run: r.Base, Strategy: r.Strategy, Scenario: o.Views[r.View].Name(), Probability: math.NaN(),
			PnL: pnl, PnLVsBaseline: r.Metrics.FinalEquity - base.Metrics.FinalEquity,
			TotalReturn: r.Metrics.TotalReturn, MaxDrawdown: r.Metrics.MaxDrawdown, WorstDay: results.WorstDay(r.Result.Initial, r.Result.Curve.Time, r.Result.Curve.Equity),
			Fills: r.Metrics.Fills, Costs: r.Metrics.Costs.Total, MarginCalls: r.Metrics.MarginCalls, Liquidations: r.Metrics.Liquidations,
			LongLegPnLVsBaseline: math.NaN(), LongLegChangeVsBaseline: math.NaN(), HedgeEffectiveness: math.NaN(), VarianceReduction: math.NaN()}
		if s := o.Views[r.View].Scenario; s != nil && s.Probability > 0 {
			row.Probability = s.Probability
		}
		v := &o.Views[r.View]
		row.InstrumentsTraded, row.InstrumentsShocked, row.InstrumentsUnreplayed = instrumentCounts(r.traded, base.traded, v.Shocked, v.Unshocked)
		// A scenario that shocked none of the instruments the run trades
		// and left some it meant to shock as they were (a replay whose
		// window the data do not cover for them) gives a row like the
		// baseline's that is no measure of it (row.Unknown): say so, once
		// per scenario, or it reads as a run the scenario could not hurt.
		if row.Unknown() {
			if _, ok := unreached[row.Scenario]; !ok {
				scenarioOrder = append(scenarioOrder, row.Scenario)
			}
			u := unreached[row.Scenario]
			u.runs = append(u.runs, r.Base)
			for _, sym := range tradedAmong(r, v.Unshocked) {
				if !slices.Contains(u.syms, sym) {
					u.syms = append(u.syms, sym)
				}
			}
			unreached[row.Scenario] = u
		}
		leg, legBase := legs[legOf{r.Base, r.View}], legs[legOf{r.Base, 0}]
		if leg != nil && legBase != nil {
			row.LongLegPnLVsBaseline = leg.Metrics.FinalEquity - legBase.Metrics.FinalEquity
			row.LongLegChangeVsBaseline = results.ScenarioChange(leg.Metrics.FinalEquity, legBase.Metrics.FinalEquity)
			row.HedgeEffectiveness = results.ScenarioHedgeEffectiveness(results.ScenarioChange(r.Metrics.FinalEquity, base.Metrics.FinalEquity), row.LongLegChangeVsBaseline)
			row.VarianceReduction = varianceReduction(results.DayEnds(r.Result.Curve.Time, r.Result.Curve.Equity), results.DayEnds(leg.Result.Curve.Time, leg.Result.Curve.Equity))
			// A scenario that left an instrument of the hedge unshocked
			// (a replay without its bars) measured a partial scenario: a
			// short leg it did not replay cannot have hedged anything.
			if miss := tradedAmong(r, o.Views[r.View].Unshocked); len(miss) > 0 && !math.IsNaN(row.HedgeEffectiveness) {
				row.HedgeEffectiveness = math.NaN()
				st.Notes = append(st.Notes, fmt.Sprintf("run %s, scenario %s: hedge effectiveness left empty: the scenario did not shock %s, which the run trades",
					r.Base, row.Scenario, strings.Join(miss, ", ")))
			}
		}
		st.Rows = append(st.Rows, row)
	}
	for _, sc := range scenarioOrder {
		u := unreached[sc]
		slices.Sort(u.syms)
		const left = "stress_summary.csv leaves %s out of expected_pnl_vs_baseline and worst_scenario"
		if len(u.runs) == 1 {
			st.Notes = append(st.Notes, fmt.Sprintf("scenario %s shocked none of the instruments run %s trades (%s not replayed): its row is what the run does without it, not a measure of the scenario; "+left,
				sc, u.runs[0], strings.Join(u.syms, ", "), "it"))
			continue
		}
		st.Notes = append(st.Notes, fmt.Sprintf("scenario %s shocked none of the instruments %d runs (%s) trade (%s not replayed): their rows are what the runs do without it, not a measure of the scenario; "+left,
			sc, len(u.runs), firstN(u.runs, 3), strings.Join(u.syms, ", "), "them"))
	}
	// Probability-weighted expected PnL per run.
	idx := map[string]int{}
	for _, row := range st.Rows {
		j, ok := idx[row.Run]
		if !ok {
			j = len(st.Expected)
			idx[row.Run] = j
			st.Expected = append(st.Expected, ExpectedLoss{Run: row.Run, Strategy: row.Strategy, WorstPnL: math.Inf(1)})
		}
		e := &st.Expected[j]
		if row.Scenario == "baseline" {
			continue
		}
		// An unknown row's 0 is not the scenario's cost: leave it out
		// of both (a true 0, a scenario on other instruments, stays).
		if row.Unknown() {
			e.LeftOut++
			continue
		}
		if row.PnLVsBaseline < e.WorstPnL {
			e.WorstPnL, e.WorstScenario = row.PnLVsBaseline, row.Scenario
		}
		if !math.IsNaN(row.Probability) {
			e.ExpectedPnL += row.Probability * row.PnLVsBaseline
			e.ProbabilityTotal += row.Probability
			e.Scenarios++
		}
	}
	// Probabilities above 1 in all are not exclusive outcomes: the sum
	// adds their expected costs up as if each could happen. Say so, once
	// per total, naming its runs.
	var totals []string
	over := map[string][]string{}
	for _, e := range st.Expected {
		if e.ProbabilityTotal > 1+1e-9 {
			p := fmt.Sprintf("%.4g", e.ProbabilityTotal)
			if _, ok := over[p]; !ok {
				totals = append(totals, p)
			}
			over[p] = append(over[p], e.Run)
		}
	}
	for _, p := range totals {
		runs := "run"
		if len(over[p]) > 1 {
			runs = "runs"
		}
		st.Notes = append(st.Notes, fmt.Sprintf("the scenarios' probabilities sum to %s, more than 1, for %s %s: they are not exclusive outcomes, and expected_pnl_vs_baseline (Σ probability × pnl_vs_baseline) adds up their expected costs as if every one could happen, not one expected cost",
			p, runs, firstN(over[p], 3)))
	}
	return st
}

// instrumentCounts returns the number of distinct symbols of traded and
// baseTraded (each sorted), how many of them are in shocked, and how
// many of the others are in unshocked (both sorted).
func instrumentCounts(traded, baseTraded, shocked, unshocked []string) (n, hit, missed int) {
	count := func(sym string) {
		n++
		if _, ok := slices.BinarySearch(shocked, sym); ok {
			hit++
		} else if _, ok := slices.BinarySearch(unshocked, sym); ok {
			missed++
		}
	}
	for _, sym := range traded {
		count(sym)
	}
	for _, sym := range baseTraded {
		if _, ok := slices.BinarySearch(traded, sym); !ok {
			count(sym)
		}
	}
	return n, hit, missed
}

// tradedAmong returns the symbols of syms (sorted) that the run traded
// (RunResult.traded, kept when its fills are recycled).
func tradedAmong(r *RunResult, syms []string) []string {
	var out []string
	for _, sym := range syms {
		if _, ok := slices.BinarySearch(r.traded, sym); ok {
			out = append(out, sym)
		}
	}
	return out
}

// varianceReduction is 1 − Var(returns of a) / Var(returns of b), a and b
// the two runs' equity at the end of each UTC day (results.DayEnds): daily
// returns whatever the bar, as documented (on hourly bars, bar returns
// made it another measure, and one that blew up near a ruin).
func varianceReduction(a, b []float64) float64 {
	va, vb := retVar(a), retVar(b)
	if !(vb > 0) {
		return math.NaN()
	}
	return 1 - va/vb
}

func retVar(eq []float64) float64 {
	n := 0
	mean, m2 := 0.0, 0.0
	for k := 1; k < len(eq); k++ {
		r := eq[k]/eq[k-1] - 1
		n++
		d := r - mean
		mean += d / float64(n)
		m2 += d * (r - mean)
	}
	if n < 2 {
		return math.NaN()
	}
	return m2 / float64(n-1)
}

// writeStress writes stress.csv/.parquet (the table), stress_summary.csv/.parquet
// (probability-weighted expected PnL), stress_heatmap.png/.svg (run ×
// scenario PnL vs baseline, % of initial cash) and
// stress/<scenario>.png/.svg (the runs' equity under each scenario).
func writeStress(f *File, o *Outcome) error {
	st := o.Stress
	n := len(st.Rows)
	run, strat, scen := make([]string, n), make([]string, n), make([]string, n)
	fills, calls, liqs := make([]int64, n), make([]int64, n), make([]int64, n)
	traded, shocked, unreplayed := make([]int64, n), make([]int64, n), make([]int64, n)
	cols := make([][]float64, 12)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for i, r := range st.Rows {
		run[i], strat[i], scen[i], fills[i] = r.Run, r.Strategy, r.Scenario, int64(r.Fills)
		calls[i], liqs[i] = int64(r.MarginCalls), int64(r.Liquidations)
		traded[i], shocked[i], unreplayed[i] = int64(r.InstrumentsTraded), int64(r.InstrumentsShocked), int64(r.InstrumentsUnreplayed)
		for j, v := range []float64{r.Probability, r.PnL, r.PnLVsBaseline, r.TotalReturn, r.MaxDrawdown, r.WorstDay, r.Costs,
			r.LongLegPnLVsBaseline, r.LongLegChangeVsBaseline, r.HedgeEffectiveness, r.VarianceReduction, r.PnLVsBaseline / f.Cash} {
			cols[j][i] = v
		}
	}
	names := []string{"probability", "pnl", "pnl_vs_baseline", "total_return", "max_drawdown", "worst_day", "costs",
		"long_leg_pnl_vs_baseline", "long_leg_change_vs_baseline", "hedge_effectiveness", "variance_reduction", "pnl_vs_baseline_pct_of_cash"}
	tab := &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "strategy", Strings: strat}, {Name: "scenario", Strings: scen}}}
	for j, name := range names {
		tab.Columns = append(tab.Columns, results.Column{Name: name, Floats: cols[j]})
	}
	tab.Columns = append(tab.Columns, results.Column{Name: "fills", Ints: fills}, results.Column{Name: "margin_calls", Ints: calls},
		results.Column{Name: "liquidations", Ints: liqs}, results.Column{Name: "instruments_traded", Ints: traded},
		results.Column{Name: "instruments_shocked", Ints: shocked}, results.Column{Name: "instruments_unreplayed", Ints: unreplayed})
	ne := len(st.Expected)
	er, es, ws := make([]string, ne), make([]string, ne), make([]string, ne)
	ep, pt, wp := make([]float64, ne), make([]float64, ne), make([]float64, ne)
	nsc, left := make([]int64, ne), make([]int64, ne)
	for i, e := range st.Expected {
		er[i], es[i], ws[i], ep[i], pt[i], wp[i], nsc[i], left[i] = e.Run, e.Strategy, e.WorstScenario, e.ExpectedPnL, e.ProbabilityTotal, e.WorstPnL, int64(e.Scenarios), int64(e.LeftOut)
		if e.WorstScenario == "" {
			wp[i] = math.NaN() // every scenario left out: no worst
		}
	}
	sum := &results.Table{Columns: []results.Column{{Name: "run", Strings: er}, {Name: "strategy", Strings: es},
		{Name: "expected_pnl_vs_baseline", Floats: ep}, {Name: "probability_total", Floats: pt}, {Name: "scenarios_with_probability", Ints: nsc},
		{Name: "worst_scenario", Strings: ws}, {Name: "worst_pnl_vs_baseline", Floats: wp}, {Name: "scenarios_left_out", Ints: left}}}
	if err := results.WriteOutputs(o.Dir, append(results.TableOutputs("stress", tab), results.TableOutputs("stress_summary", sum)...)...); err != nil {
		return err
	}
	// The heatmap: rows are runs (not long legs), columns the scenarios.
	var rows []string
	rowIdx := map[string]int{}
	var cols2 []string
	colIdx := map[string]int{}
	for _, r := range st.Rows {
		if r.Scenario == "baseline" {
			continue
		}
		if _, ok := rowIdx[r.Run]; !ok {
			rowIdx[r.Run] = len(rows)
			rows = append(rows, r.Run)
		}
		if _, ok := colIdx[r.Scenario]; !ok {
			colIdx[r.Scenario] = len(cols2)
			cols2 = append(cols2, r.Scenario)
		}
	}
	vals := make([][]float64, len(rows))
	for i := range vals {
		vals[i] = make([]float64, len(cols2))
		for j := range vals[i] {
			vals[i][j] = math.NaN()
		}
	}
	// Marks: a cell whose scenario was meant to shock what the run
	// trades and shocked none of it (not replayed) is unknown, one that
	// shocked some a partial measure, one that aimed at none of it a
	// true 0 (untouched).
	var marks [][]charts.Mark
	for _, r := range st.Rows {
		if r.Scenario == "baseline" {
			continue
		}
		i, j := rowIdx[r.Run], colIdx[r.Scenario]
		vals[i][j] = r.PnLVsBaseline / f.Cash
		mk := charts.Measured
		switch {
		case r.Unknown():
			mk = charts.Unmeasured
		case r.InstrumentsTraded > 0 && r.InstrumentsShocked == 0:
			mk = charts.Untouched
		case r.InstrumentsShocked > 0 && r.InstrumentsShocked < r.InstrumentsTraded:
			mk = charts.Partial
		}
		if mk == charts.Measured {
			continue
		}
		if marks == nil {
			marks = make([][]charts.Mark, len(rows))
			for k := range marks {
				marks[k] = make([]charts.Mark, len(cols2))
			}
		}
		marks[i][j] = mk
	}
	pal := runPalette(o)
	kind := dataCaption(o.Panel)
	opt := charts.Options{Title: f.Name + ": stress test", Synthetic: o.Panel.Synthetic, Palette: pal,
		Caption: fmt.Sprintf("%s; PnL of each run under each scenario minus its unshocked PnL, %% of initial cash", kind)}
	mat := charts.Matrix{Metric: "PnL vs baseline (% of initial cash)", Rows: rows, Cols: cols2, Values: vals, Percent: true, RowAxis: "run", ColAxis: "scenario",
		Marks: marks, MarkNames: results.StressMarkNames()}
	if err := charts.WriteFiles(filepath.Join(o.Dir, "stress_heatmap"), func(w io.Writer, ft charts.Format) error { return charts.Heatmap(w, ft, opt, mat) }); err != nil {
		return err
	}
	// Equity overlays per scenario: the runs equity.png shows (o.Shown),
	// each under the scenario, in its colour there.
	shown := map[string]bool{}
	for _, i := range o.Shown {
		shown[o.Runs[i].Key] = true
	}
	for v := 1; v < len(o.Views); v++ {
		var curves []charts.Series
		for i := range o.Runs {
			r := &o.Runs[i]
			if r.View == v && r.LongLegOf == "" && shown[r.Base] {
				curves = append(curves, charts.ResultSeries(r.Base, r.Result))
			}
		}
		if len(curves) == 0 {
			continue
		}
		sc := o.Views[v].Scenario
		vopt := charts.Options{Title: f.Name + " under " + sc.Name, Synthetic: o.Panel.Synthetic, Palette: pal,
			Caption: fmt.Sprintf("%s; shocked by scenario %s (source: %s)", kind, sc.Name, clip(sc.Source, 60))}
		if err := charts.WriteFiles(filepath.Join(o.Dir, "stress", results.Slug(sc.Name)), func(w io.Writer, ft charts.Format) error {
			return charts.EquityDrawdown(w, ft, vopt, curves)
		}); err != nil {
			return err
		}
	}
	return nil
}

const maxOverlay = 10

// clip shortens s to at most n runes, ending in "…" when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
