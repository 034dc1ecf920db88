package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// WalkForwardSpec is the [walkforward] table.
type WalkForwardSpec struct {
	// InSampleDays is the length of each in-sample window, in calendar days.
	InSampleDays int `toml:"in_sample_days"`
	// OutOfSampleDays is the length of each out-of-sample window, in
	// calendar days; windows step forward by it.
	OutOfSampleDays int `toml:"out_of_sample_days"`
	// Mode is "rolling" (the in-sample window moves with the out-of-sample
	// one; default) or "expanding" (it always starts at the first window's
	// start).
	Mode string `toml:"mode"`
	// Metric picks the best parameter set in sample (see `--sort`).
	// Default "sharpe".
	Metric string `toml:"metric"`
}

// maxWindowDays bounds a walk-forward window (100 years): past a few
// centuries its nanoseconds would overflow.
const maxWindowDays = 36_525

func (w *WalkForwardSpec) validate() error {
	if w.InSampleDays < 1 || w.InSampleDays > maxWindowDays {
		return fmt.Errorf("walkforward.in_sample_days = %d: want 1 to %d (100 years)", w.InSampleDays, maxWindowDays)
	}
	if w.OutOfSampleDays < 1 || w.OutOfSampleDays > maxWindowDays {
		return fmt.Errorf("walkforward.out_of_sample_days = %d: want 1 to %d (100 years)", w.OutOfSampleDays, maxWindowDays)
	}
	if w.Mode == "" {
		w.Mode = "rolling"
	}
	if w.Mode != "rolling" && w.Mode != "expanding" {
		return fmt.Errorf("walkforward.mode = %q: want \"rolling\" or \"expanding\"", w.Mode)
	}
	if w.Metric == "" {
		w.Metric = "sharpe"
	}
	if err := results.ValidMetric(w.Metric); err != nil {
		return fmt.Errorf("walkforward.metric: %w", err)
	}
	return nil
}

// Window is one walk-forward window: in-sample [ISStart, ISEnd), out of
// sample [OOSStart, OOSEnd), with ISEnd == OOSStart.
type Window struct {
	ISStart, ISEnd, OOSStart, OOSEnd int64
}

// Windows lays out the walk-forward windows from first (the first
// in-sample start) to last (exclusive end of the data). Out-of-sample
// windows are consecutive and never overlap; the last one is cut at last.
func (w *WalkForwardSpec) Windows(first, last int64) []Window {
	is := int64(w.InSampleDays) * data.NanosPerDay
	oos := int64(w.OutOfSampleDays) * data.NanosPerDay
	var out []Window
	for k := int64(0); ; k++ {
		oStart := first + is + k*oos
		if oStart >= last {
			break
		}
		oEnd := oStart + oos
		if oEnd > last {
			oEnd = last
		}
		iStart := oStart - is
		if w.Mode == "expanding" {
			iStart = first
		}
		out = append(out, Window{ISStart: iStart, ISEnd: oStart, OOSStart: oStart, OOSEnd: oEnd})
	}
	return out
}

// WalkForward is the result for one strategy.
type WalkForward struct {
	Strategy string
	Windows  []Window
	Chosen   []int     // per window: index into Candidates of the in-sample best
	ISScore  []float64 // its in-sample metric
	// ISTied is, per window, how many candidates scored exactly the
	// chosen one's in-sample score, itself included (1: no tie; a tie
	// goes to the first in sweep order). NaN scores tie with none.
	ISTied []int
	OOS    []results.RunMetrics
	// Curve is the stitched out-of-sample equity: each window's returns
	// compounded onto the previous window's last value, starting at cash.
	Curve      engine.Curve
	Candidates []RunSpec
}

// Summary measures the stitched out-of-sample curve at ppy periods per
// year, its returns taken from the initial cash (the first window's entry
// costs count; a first point at the cash is the baseline, as a run's):
// the result `divergence run` prints. The report's headline
// (results/report) computes the same from equity.csv.
func (wf *WalkForward) Summary(cash, ppy float64) metrics.Summary {
	rets, _ := results.RunReturns(cash, wf.Curve.Equity)
	return metrics.Summarize(rets, ppy, nil)
}

// walkForward runs the walk-forward of every strategy of the experiment.
func (f *File) walkForward(ctx context.Context, specs []RunSpec, m *Market, opt Options) ([]WalkForward, error) {
	wf, err := f.wfSetup(specs, m)
	if err != nil {
		return nil, err
	}
	scores, err := f.wfInSample(ctx, wf, m, opt, nil)
	if err != nil {
		return nil, err
	}
	return f.wfFinish(ctx, wf, scores, m, opt)
}

// wfPlan is a walk-forward laid out: its windows, the panel cut at each
// window's ends, one WalkForward per strategy with its candidates, and
// the in-sample runs (strategy × window × candidate, in that order).
type wfPlan struct {
	wins []Window
	cuts []wfCut // 2 per window: cut at the in-sample end, at the out-of-sample end
	out  []WalkForward
	jobs []wfJob
}

type wfCut struct {
	p  *data.Panel
	tl *engine.Timeline
}

// wfJob is one in-sample run: strategy s, window k, candidate c.
type wfJob struct{ s, k, c int }

// key is the in-sample run's key (wfKey), from which its seed derives.
func (w *wfPlan) key(j wfJob) string { return wfKey(j.k, w.out[j.s].Candidates[j.c].Key) }

// wfWindows lays out the experiment's walk-forward windows over the
// market's timeline.
func (f *File) wfWindows(m *Market) ([]Window, error) {
	w := f.WalkForward
	first := m.Start // a start before the data too
	if m.Start == 0 && !m.StartSet {
		first = m.Timeline.Times[0]
	}
	// The end of the last bar: a day after the last step's on daily bars,
	// a bar after it on intraday ones (a day would open an
	// out-of-sample window past the data when end falls on a weekend).
	tl := m.Timeline
	step := int64(data.NanosPerDay)
	if iv := panelInterval(m.Panel); iv.Intraday() {
		step = int64(iv)
	}
	last := tl.Times[tl.Len()-1] + step
	var wins []Window
	for _, win := range w.Windows(first, last) {
		// A window whose out-of-sample days hold no bar (a weekend of
		// equities with out_of_sample_days = 1) has nothing to replay.
		if k := tl.StepAt(win.OOSStart); k < tl.Len() && tl.Times[k] < win.OOSEnd {
			wins = append(wins, win)
		}
	}
	if len(wins) == 0 {
		return nil, fmt.Errorf("walkforward: no window fits between %s and %s: in_sample_days = %d is longer than the data", data.FormatStamp(first), data.FormatStamp(last), w.InSampleDays)
	}
	return wins, nil
}

// wfSetup lays out the walk-forward of every strategy of the experiment.
func (f *File) wfSetup(specs []RunSpec, m *Market) (*wfPlan, error) {
	wins, err := f.wfWindows(m)
	if err != nil {
		return nil, err
	}
	p := m.Panel
	// Per window: the panel cut at the window's end and its timeline, shared
	// by that window's runs. In sample, a daily bar that closes after the
	// end is left out, as the experiment's end leaves it out (cutAt): on
	// windows of whole days from a first bar inside a day (a token's 07:00
	// hourly bar), a daily equity's bar stamped 00:00 of the in-sample end
	// closes at 21:00, in the out-of-sample window, and the choice of
	// parameters would see its close. So is a weekly bar whose week runs
	// past the end (data.Series.LongBars). Out of sample it stays: the window's
	// last point marks it, and the next window's first point (after
	// which its returns count) marks it too, so its move counts once.
	cuts := make([]wfCut, 2*len(wins))
	for k, win := range wins {
		is, _, _, _ := cutAt(p, win.ISEnd)
		oos := p.Before(win.OOSEnd) // an end at 1970-01-01 too
		for j, c := range []*data.Panel{is, oos} {
			cuts[2*k+j] = wfCut{p: c, tl: engine.NewTimeline(c)}
		}
	}
	// Group the runs by strategy.
	var out []WalkForward
	for si := range f.Strategy {
		wf := WalkForward{Strategy: f.Strategy[si].Name, Windows: wins}
		for _, s := range specs {
			if s.Index == si && s.LongLegOf == "" {
				wf.Candidates = append(wf.Candidates, s)
			}
		}
		out = append(out, wf)
	}
	var jobs []wfJob
	for s := range out {
		for k := range wins {
			for c := range out[s].Candidates {
				jobs = append(jobs, wfJob{s, k, c})
			}
		}
	}
	return &wfPlan{wins: wins, cuts: cuts, out: out, jobs: jobs}, nil
}

// wfInSample runs the in-sample runs, in parallel, and returns their
// scores by job index; with keep, only the runs whose key it accepts (a
// shard's), the others' scores left NaN.
func (f *File) wfInSample(ctx context.Context, wf *wfPlan, m *Market, opt Options, keep func(key string) bool) ([]float64, error) {
	w := f.WalkForward
	var todo []int
	for i, j := range wf.jobs {
		if keep == nil || keep(wf.key(j)) {
			todo = append(todo, i)
		}
	}
	scores := make([]float64, len(wf.jobs))
	for i := range scores {
		scores[i] = math.NaN()
	}
	err := parallel(ctx, len(todo), opt.Workers, nil, func(t int) error {
		i := todo[t]
		j := wf.jobs[i]
		cand := &wf.out[j.s].Candidates[j.c]
		cu := wf.cuts[2*j.k]
		if cu.tl.StepAt(wf.wins[j.k].ISStart) >= cu.tl.Len() {
			// No bar in sample (an equity's weekend before a Monday out of
			// sample, a start before the data): no evidence, a NaN score,
			// as a flat run's (wfNoScoreNote names the window).
			return nil
		}
		cfg := m.Base
		cfg.Seed, cfg.Start, cfg.StartSet = engine.SeedFor(f.Seed, wf.key(j)), wf.wins[j.k].ISStart, true
		cfg.Reuse = m.lend()
		res, _, err := runOne(opt.Strategies, cfg, cu.p, cu.tl, cand.Type, cand.Params)
		if err != nil {
			return fmt.Errorf("walkforward window %d in sample, %s: %w", j.k+1, cand.Key, err)
		}
		mm := results.Measure(res, m.PeriodsPerYear)
		scores[i] = wfScore(&mm, w.Metric)
		m.recycle(res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return scores, nil
}

// wfFinish picks each window's best candidate from the in-sample scores
// (by job index), runs it out of sample and stitches the out-of-sample
// curves.
func (f *File) wfFinish(ctx context.Context, wf *wfPlan, scores []float64, m *Market, opt Options) ([]WalkForward, error) {
	w := f.WalkForward
	wins, out, jobs, cuts := wf.wins, wf.out, wf.jobs, wf.cuts
	// Pick the best per (strategy, window): the highest score (lowest for
	// volatility), NaN never, ties to the first candidate.
	for s := range out {
		out[s].Chosen = make([]int, len(wins))
		out[s].ISScore = make([]float64, len(wins))
		out[s].ISTied = make([]int, len(wins))
		out[s].OOS = make([]results.RunMetrics, len(wins))
	}
	for i, j := range jobs {
		best := out[j.s].Chosen[j.k]
		bi := i - j.c + best
		if j.c == 0 || metrics.Better(w.Metric, scores[i], scores[bi]) {
			out[j.s].Chosen[j.k] = j.c
			out[j.s].ISScore[j.k] = scores[i]
		}
	}
	for i, j := range jobs {
		if scores[i] == out[j.s].ISScore[j.k] { // false for NaN
			out[j.s].ISTied[j.k]++
		}
	}
	// Out of sample: the chosen candidate per window.
	oosRes := make([]*engine.Result, len(out)*len(wins))
	err := parallel(ctx, len(oosRes), opt.Workers, nil, func(i int) error {
		s, k := i/len(wins), i%len(wins)
		cand := &out[s].Candidates[out[s].Chosen[k]]
		cu := cuts[2*k+1]
		cfg := m.Base
		cfg.Seed, cfg.Start, cfg.StartSet = engine.SeedFor(f.Seed, fmt.Sprintf("wf-oos-%d-%s", k, cand.Key)), wins[k].OOSStart, true
		res, _, err := runOne(opt.Strategies, cfg, cu.p, cu.tl, cand.Type, cand.Params)
		if err != nil {
			return fmt.Errorf("walkforward window %d out of sample, %s: %w", k+1, cand.Key, err)
		}
		oosRes[i] = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	for s := range out {
		c := &out[s].Curve
		level := f.Cash
		peak := level
		for k := range wins {
			res := oosRes[s*len(wins)+k]
			out[s].OOS[k] = results.Measure(res, m.PeriodsPerYear)
			eq := res.Curve.Equity
			for n := range eq {
				if n > 0 {
					level *= eq[n] / eq[n-1]
				} else if k > 0 {
					// The window's first point restarts at cash: chain it flat.
					level *= eq[0] / f.Cash
				} else {
					level = eq[0] / f.Cash * f.Cash
				}
				if level > peak {
					peak = level
				}
				c.Time = append(c.Time, res.Curve.Time[n])
				c.Equity = append(c.Equity, level)
				c.Cash = append(c.Cash, res.Curve.Cash[n]/eq[n]*level)
				c.Gross = append(c.Gross, res.Curve.Gross[n]/eq[n]*level)
				c.Net = append(c.Net, res.Curve.Net[n]/eq[n]*level)
				c.Drawdown = append(c.Drawdown, level/peak-1)
			}
		}
	}
	return out, nil
}

// writeWalkForward writes walkforward/<strategy>/windows.csv and .parquet,
// walkforward/<strategy>/equity.csv and .parquet (the stitched
// out-of-sample curve), and walkforward.png/.svg.
func writeWalkForward(f *File, dir string, wfs []WalkForward, p *data.Panel) error {
	var curves []charts.Series
	var names []string
	for i := range wfs {
		wf := &wfs[i]
		d := filepath.Join(dir, "walkforward", results.Slug(wf.Strategy))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		n := len(wf.Windows)
		t := &results.Table{}
		win := make([]int64, n)
		isS, isE, oS, oE := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		key, params := make([]string, n), make([]string, n)
		score, oret, osharpe, odd := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		ruined := make([]bool, n)
		for k, w := range wf.Windows {
			c := &wf.Candidates[wf.Chosen[k]]
			win[k] = int64(k + 1)
			isS[k], isE[k], oS[k], oE[k] = w.ISStart, w.ISEnd, w.OOSStart, w.OOSEnd
			key[k] = c.Key
			b, _ := json.Marshal(c.Params)
			params[k] = string(b)
			score[k] = wf.ISScore[k]
			oret[k], osharpe[k], odd[k] = wf.OOS[k].TotalReturn, wf.OOS[k].Sharpe, wf.OOS[k].MaxDrawdown
			ruined[k] = wf.OOS[k].Ruined()
		}
		t.Columns = []results.Column{
			{Name: "window", Ints: win}, {Name: "is_start", Times: isS}, {Name: "is_end", Times: isE},
			{Name: "oos_start", Times: oS}, {Name: "oos_end", Times: oE}, {Name: "chosen", Strings: key},
			{Name: "params", Strings: params}, {Name: "is_" + f.WalkForward.Metric, Floats: score},
			{Name: "oos_total_return", Floats: oret}, {Name: "oos_sharpe", Floats: osharpe}, {Name: "oos_max_drawdown", Floats: odd},
			// The window's out-of-sample run fell to 0 or below: its Sharpe
			// ratio, on returns past the ruin, means nothing.
			{Name: "oos_ruined", Bools: ruined},
		}
		if err := results.WriteOutputs(d, append(results.TableOutputs("windows", t),
			results.Output{Name: "equity.csv", Write: func(w io.Writer) error { return results.WriteCurveCSV(w, &wf.Curve) }},
			results.Output{Name: "equity.parquet", Write: func(w io.Writer) error { return results.WriteCurveParquet(w, &wf.Curve) }})...); err != nil {
			return err
		}
		name := wf.Strategy + " (walk-forward, out of sample)"
		names = append(names, name)
		s := charts.CurveSeries(name, &wf.Curve)
		s.Initial = f.Cash // the stitched curve grows from the cash, as its metrics
		curves = append(curves, s)
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	kind := dataCaption(p)
	w := f.WalkForward
	opt := charts.Options{
		Title: f.Name + ": walk-forward",
		Caption: fmt.Sprintf("%s; %s windows, %d days in sample, %d out of sample, best by %s; out-of-sample parts stitched",
			kind, w.Mode, w.InSampleDays, w.OutOfSampleDays, w.Metric),
		Synthetic: p.Synthetic,
		Palette:   charts.NewPalette(sorted),
	}
	return charts.WriteFiles(filepath.Join(dir, "walkforward"), func(w io.Writer, ft charts.Format) error { return charts.EquityDrawdown(w, ft, opt, curves) })
}

// wfScore is a candidate's in-sample score: its metric, or NaN when it
// was ruined in sample (equity at or below 0), so that it is chosen only
// when every candidate was (its metric, on returns past the ruin, means
// nothing; results.Rank ranks such runs last too), and NaN when it made
// no trade in sample: no evidence either. Minimising volatility or
// drawdown, a candidate that stays in cash scored 0 and won every window
// (with a cash rate, its interest alone gave it the best Sharpe ratio
// too), and the walk-forward traded out of sample on a signal that never
// fired in sample.
func wfScore(m *results.RunMetrics, metric string) float64 {
	if m.Ruined() || m.Fills == 0 {
		return math.NaN()
	}
	return m.Metric(metric)
}

// wfRuinNote says when a walk-forward's stitched out-of-sample equity
// fell to 0 or below (the first such point, and its window), "" otherwise:
// the windows after it compound their returns onto a negative level, so
// a window that gains pulls the curve down and one that loses more than
// everything turns it positive again, and the figures above mean nothing.
func wfRuinNote(wf *WalkForward) string {
	c := &wf.Curve
	k := firstRuin(c)
	if k < 0 {
		return ""
	}
	win := 0
	for j, w := range wf.Windows {
		if c.Time[k] >= w.OOSStart && c.Time[k] < w.OOSEnd {
			win = j + 1
		}
	}
	return fmt.Sprintf("walk-forward %s: the stitched out-of-sample equity fell to %.2f on %s, in window %d (ruin): the later windows' returns compound onto a negative level (a window that gains pulls it down), so its total return, CAGR, Sharpe ratio and drawdown above mean nothing; windows.csv gives each window's own result",
		wf.Strategy, c.Equity[k], data.FormatStamp(c.Time[k]), win)
}

// wfNoScoreNote names the windows of a walk-forward where no candidate
// had an in-sample score (no bar in sample, or every one without a trade,
// flat, ruined, or with too few returns for the metric), "" when there is none: there the first candidate in
// sweep order trades out of sample by default, on no evidence.
func wfNoScoreNote(wf *WalkForward, metric string) string {
	var ks []string
	for k, s := range wf.ISScore {
		if math.IsNaN(s) {
			ks = append(ks, strconv.Itoa(k+1))
		}
	}
	if len(ks) == 0 || len(wf.Candidates) == 0 {
		return ""
	}
	return fmt.Sprintf("walk-forward %s: in %s no candidate has an in-sample %s (no bar in sample, or every one without a trade in sample, flat, ruined or too short to measure): the first in sweep order, %s, trades out of sample there by default, chosen on no evidence (windows.csv leaves its is_%s empty)",
		wf.Strategy, windowList(ks), metric, wf.Candidates[0].Key, metric)
}

// wfInfNote names the windows of a walk-forward whose chosen candidate
// scored +Inf in sample, "" when none did: a Sortino or Calmar ratio of
// a candidate with no losing period (no downside, no drawdown) is +Inf.
// The choice keeps it (no downside is the best a ratio of downside can
// say), but +Inf ranks nothing among the candidates that reach it: they
// tie, and the first in sweep order is chosen, not the one that made
// the most. The note says how many tied, window by window.
func wfInfNote(wf *WalkForward, metric string) string {
	var inf []string
	tied := map[int][]string{} // candidates tied at +Inf → windows
	for k, s := range wf.ISScore {
		if !math.IsInf(s, 1) {
			continue
		}
		inf = append(inf, strconv.Itoa(k+1))
		if k < len(wf.ISTied) && wf.ISTied[k] > 1 {
			tied[wf.ISTied[k]] = append(tied[wf.ISTied[k]], strconv.Itoa(k+1))
		}
	}
	if len(inf) == 0 {
		return ""
	}
	ties := "no other candidate reached it"
	if len(tied) > 0 {
		ties = tiedText(tied) + " tied at it, and the first in sweep order was chosen, not the one that made the most"
	}
	return fmt.Sprintf("walk-forward %s: in %s the chosen candidate's in-sample %s is +Inf (no losing period in sample: a ratio over no downside or no drawdown), which ranks above every finite score but cannot rank the candidates that reach it: %s (windows.csv: is_%s = +Inf)",
		wf.Strategy, windowList(inf), metric, ties, metric)
}

// wfTieNote names the windows of a walk-forward whose chosen candidate's
// finite in-sample score other candidates equalled exactly, "" when
// none did (a tie at +Inf is wfInfNote's). Equal scores are most often
// the same trades (a parameter that changed nothing in sample): the
// first in sweep order is chosen, and the window's choice says nothing
// of the parameters that tied.
func wfTieNote(wf *WalkForward, metric string) string {
	tied := map[int][]string{} // candidates tied → windows
	for k, s := range wf.ISScore {
		if math.IsNaN(s) || math.IsInf(s, 0) || k >= len(wf.ISTied) || wf.ISTied[k] < 2 {
			continue
		}
		tied[wf.ISTied[k]] = append(tied[wf.ISTied[k]], strconv.Itoa(k+1))
	}
	if len(tied) == 0 {
		return ""
	}
	return fmt.Sprintf("walk-forward %s: %s scored exactly the chosen candidate's in-sample %s (most often the same trades: the parameters that differ changed nothing in sample), and the first in sweep order was chosen: there, the choice says nothing of those parameters",
		wf.Strategy, tiedText(tied), metric)
}

// tiedText says how many candidates tied in which windows, from the
// windows (numbers as text) by count of candidates tied: "2 candidates in
// windows 1, 3; 4 candidates in window 2".
func tiedText(tied map[int][]string) string {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(tied)) {
		parts = append(parts, fmt.Sprintf("%d candidates in %s", n, windowList(tied[n])))
	}
	return strings.Join(parts, "; ")
}

// windowList is "window 3" or "windows 1, 2, 4" of the window numbers ks.
func windowList(ks []string) string {
	if len(ks) == 1 {
		return "window " + ks[0]
	}
	return "windows " + strings.Join(ks, ", ")
}
