package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// CompareOptions choose the runs [CompareWith] draws and how.
type CompareOptions struct {
	// Runs selects runs by key: each key is looked up in every folder and
	// every match is drawn; a key found in no folder is an error. Empty:
	// every main run of every folder (not the runs under a scenario, nor
	// companion runs such as a hedge's long leg alone, which are drawn
	// when named).
	Runs []string
	// Top, when > 0 and more runs are chosen, draws only the Top runs
	// with the highest By (lowest for annual_volatility); the caption
	// says so. Aligned (AlignCommon), By is measured over the dates every
	// chosen run shares (each run's own period when they share none),
	// a run ruined by the end of those dates last, one ruined only after
	// them by its returns in them; with AlignNone, over each run's own
	// period (its metrics.json).
	// DefaultCompareTop when 0; < 0 draws every run.
	Top int
	// By is the metric of Top (results.MetricNames()); "sharpe" when empty.
	By string
	// Align is how runs of different periods are put on one chart.
	Align Align
	// Outs are the files to write: charts (.png, .svg) and the table of
	// the runs drawn (.csv, see [Comparison]). Empty: CompareName(dirs)
	// .png, .svg and .csv beside the first folder (in its parent, out/ for
	// out/<experiment>): a run of the experiment replaces its folder
	// whole, and a comparison written inside it was lost at the next run.
	Outs []string
	// Hold, when set, is called before each folder is read, and the
	// release it returns once the folder is read (before the next is
	// held): a command takes the folder's lock there, which a run holds
	// while it replaces the folder (by two renames: read meanwhile, it
	// was missing, or half the old results and half the new). An error
	// ends the comparison, nothing written.
	Hold func(dir string) (release func(), err error)
}

// loadHeld loads the folder's runs (LoadRuns: a comparison draws its
// runs alone, and an optional file it does not read, damaged, does not
// stop it) between hold's call and its release (CompareOptions.Hold);
// without hold, LoadRuns alone.
func loadHeld(dir string, hold func(string) (func(), error)) (*Folder, error) {
	if hold == nil {
		return LoadRuns(dir)
	}
	release, err := hold(dir)
	if err != nil {
		return nil, err
	}
	if release != nil {
		defer release()
	}
	return LoadRuns(dir)
}

// Comparison is what [CompareWith] made: the files it wrote and the table
// of the runs it drew.
type Comparison struct {
	// Outs are the files written, in the order given.
	Outs []string
	// Rows are the runs drawn, best first by CompareOptions.By (a ruined
	// run last: results.Rank), each with its metrics over the dates it is
	// drawn on.
	Rows []CompareRow
	// Over says which dates the rows' metrics are measured over: "the
	// dates they all share (FROM to TO)" when they are aligned,
	// else "each run's own period (its metrics.json)".
	Over string
	// Missing says, for each run named (CompareOptions.Runs) that some of
	// the folders lack, which: it is drawn from the others only.
	Missing []string
}

// CompareRow is one run of a comparison's table.
type CompareRow struct {
	// Name is the run's label on the chart; Folder the results folder as
	// given; Key the run's key there.
	Name, Folder, Key string
	// Start and End are the first and last points measured, as drawn
	// (at the bars' ends when the runs' intervals differ).
	Start, End int64
	// Intraday says the run's points are finer than a day apart (its
	// bars are), or not at 00:00 UTC: its Start and End are instants,
	// 00:00 too (CompareStamp).
	Intraday bool
	// Metrics are measured over Start to End: the simple returns between
	// the run's equity points from its value as of Start, annualised with
	// the run's own periods per year (as results.Measure does over a whole
	// run); the run's own metrics.json when it is drawn over its own
	// period. FinalEquity is the run's equity at End, in its currency.
	Metrics results.RunMetrics
	// RuinedBefore says the run's equity fell to 0 or below before Start
	// (aligned on dates after its own start): it was ruined then, and
	// what it did from Start means nothing either, whatever Metrics say.
	RuinedBefore bool
}

// Ruined reports whether the run was ruined by End: its equity fell to
// 0 or below in the dates measured (Metrics) or before them
// (RuinedBefore). Such a row's metrics mean nothing; it ranks last.
func (r *CompareRow) Ruined() bool { return r.RuinedBefore || r.Metrics.Ruined() }

// CompareName is the default name, without extension, of the chart
// comparing the folders dirs: "compare-" and their names joined by "-vs-"
// (compare-ai-hedge-vs-btc-trend), so that comparisons of other folders
// written beside them do not replace it. When two folders share a name
// (out/exp against old/exp, an experiment before and after a change) or a
// name holds "-vs-", a hash of every folder's absolute path follows
// (compare-exp-vs-exp-1a2b3c4d): another pair of folders of those names
// gets another. Past maxCompareName bytes it is the first folder's name,
// the number of the others and the hash (compare-ai-hedge-vs-5-more-1a2b3c4d).
func CompareName(dirs []string) string {
	abs := make([]string, len(dirs))
	names := make([]string, len(dirs))
	clash := false
	for i, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			a = filepath.Clean(d)
		}
		abs[i], names[i] = a, filepath.Base(a)
		clash = clash || slices.Contains(names[:i], names[i]) || strings.Contains(names[i], "-vs-")
	}
	h := sha256.New()
	for _, a := range abs {
		h.Write([]byte(a + "\x00"))
	}
	hash := fmt.Sprintf("%x", h.Sum(nil)[:4])
	name := "compare-" + strings.Join(names, "-vs-")
	if clash {
		name += "-" + hash
	}
	if len(name) <= maxCompareName {
		return name
	}
	first := names[0]
	if len(first) > maxCompareName/2 {
		first = strings.ToValidUTF8(first[:maxCompareName/2], "") // no rune cut in two
	}
	return fmt.Sprintf("compare-%s-vs-%d-more-%s", first, len(dirs)-1, hash)
}

// maxCompareName bounds CompareName's names, well inside the 255 bytes of
// a file name on common file systems.
const maxCompareName = 120

// DefaultCompareTop is the number of runs a comparison draws when it is
// given more and no Top: beyond about ten lines a legend covers the chart.
const DefaultCompareTop = 10

// Align says how a comparison puts runs of different periods together.
type Align int

const (
	// AlignCommon cuts every run to the dates all of them span (from the
	// latest first date to the earliest last date), so every growth of 1
	// starts at 1 on the same date.
	AlignCommon Align = iota
	// AlignNone draws each run over its own period, each starting at 1 on
	// its own first date.
	AlignNone
)

// ParseAlign reads "common" or "none".
func ParseAlign(s string) (Align, error) {
	switch s {
	case "common", "":
		return AlignCommon, nil
	case "none":
		return AlignNone, nil
	}
	return 0, fmt.Errorf("report: compare: align %q: want common or none", s)
}

// CompareWith draws runs of several experiment folders side by side on one
// equity and drawdown chart ([charts.EquityDrawdown]) and writes it to each
// path of opt.Outs, as PNG or SVG by the path's extension (.png, .svg),
// and the table of the runs drawn ([Comparison], [CompareTable]) to each
// .csv path, each atomically. It returns the paths written and the table.
//
// A run is labelled "<experiment>: <strategy>" (the experiment's name
// from its metrics.json), with the end of the folder's path that tells
// it from the others (out/x, runs/x) instead of the experiment's when two
// folders share a name. The chart is marked
// synthetic when any chosen run is, and when real and synthetic folders
// are mixed the synthetic runs' labels end in "[SYNTHETIC]". Runs are
// aligned on their common dates unless opt.Align is AlignNone, and at
// most opt.Top are drawn (see [CompareOptions]); each drawn run has its
// own colour and keeps it whatever else is drawn (the palette is of the
// labels). The chart does not depend on the order of dirs: the folders'
// runs are drawn folder by folder, the folders in the order of their
// labels (the experiment's name, or the end of its path; two folders of
// one label by absolute path), each folder's runs in its own order (its
// manifest's), the last drawn on top. The table's rows are ranked
// ([Comparison]); only the default file name (CompareName) and the
// errors follow the order given.
func CompareWith(ctx context.Context, dirs []string, opt CompareOptions) (*Comparison, error) {
	if len(dirs) == 0 {
		return nil, errors.New("report: compare: no folders")
	}
	// One folder given twice (by two paths, a symbolic link) would be
	// drawn twice, as two experiments.
	infos := make([]os.FileInfo, len(dirs)) // nil where the path cannot be read (Load names it)
	for i, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil {
			continue
		}
		for j, o := range infos[:i] {
			if o != nil && os.SameFile(o, fi) {
				return nil, fmt.Errorf("report: compare: %s and %s are the same folder", dirs[j], d)
			}
		}
		infos[i] = fi
	}
	outs := opt.Outs
	if len(outs) == 0 {
		base := filepath.Join(dirs[0], "..", CompareName(dirs))
		outs = []string{base + ".png", base + ".svg", base + ".csv"}
	}
	by := opt.By
	if by == "" {
		by = "sharpe"
	}
	if err := results.ValidMetric(by); err != nil {
		return nil, fmt.Errorf("report: compare: %w", err)
	}
	top := opt.Top
	if top == 0 {
		top = DefaultCompareTop
	}
	runs := opt.Runs
	formats := make([]charts.Format, len(outs))
	for i, out := range outs {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".png":
			formats[i] = charts.PNG
		case ".svg":
			formats[i] = charts.SVG
		case ".csv":
			formats[i] = tableCSV
		default:
			return nil, fmt.Errorf("report: compare: %s: want a .png, .svg or .csv file", out)
		}
	}
	folders := make([]*Folder, len(dirs))
	titles := map[string]int{}
	for i, d := range dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := loadHeld(d, opt.Hold)
		if err != nil {
			return nil, err
		}
		folders[i] = f
		titles[f.Title()]++
	}
	// When real and synthetic folders are mixed, the synthetic runs say so
	// in their names too.
	mixed := false
	for _, f := range folders {
		mixed = mixed || f.Synthetic() != folders[0].Synthetic()
	}
	found := map[string]bool{}
	lacking := map[string][]string{} // a named run → the folders without it
	var curves []charts.Series
	var score []*results.RunMetrics
	var ppys []float64 // the runs' periods per year, for score on the dates drawn
	syn := false
	// Folders of one experiment (a run before and after a change) are
	// told apart by the end of their paths.
	paths := distinctPaths(dirs)
	var of []int     // the folder of each curve
	var runOf []*Run // the run of each curve
	prefixes := make([]string, len(folders))
	for fi, f := range folders {
		prefixes[fi] = f.Title()
		if titles[prefixes[fi]] > 1 {
			prefixes[fi] = paths[fi]
		}
	}
	for _, fi := range drawOrder(dirs, prefixes) {
		f, prefix := folders[fi], prefixes[fi]
		for _, k := range runs {
			if !slices.ContainsFunc(f.Runs, func(r Run) bool { return r.Key == k }) {
				lacking[k] = append(lacking[k], dirs[fi])
			}
		}
		for ri := range f.Runs {
			r := &f.Runs[ri]
			// The runs under a scenario and the companion runs (a hedge's
			// long leg alone) are drawn when named, not by default.
			if len(runs) > 0 && !slices.Contains(runs, r.Key) || len(runs) == 0 && companion(&r.Record) {
				continue
			}
			found[r.Key] = true
			s := r.Equity
			tag := ""
			if mixed && (f.Synthetic() || r.Record.Synthetic) {
				tag = " [SYNTHETIC]"
			}
			s.Name = prefix + ": " + r.Name + tag
			for n := 2; slices.ContainsFunc(curves, func(c charts.Series) bool { return c.Name == s.Name }); n++ {
				s.Name = fmt.Sprintf("%s: %s (%d)%s", prefix, r.Name, n, tag)
			}
			curves = append(curves, s)
			of = append(of, fi)
			runOf = append(runOf, r)
			score = append(score, &r.Record.Metrics)
			ppys = append(ppys, r.Record.PeriodsPerYear)
			syn = syn || f.Synthetic() || r.Record.Synthetic
		}
	}
	for _, k := range runs {
		if !found[k] {
			return nil, fmt.Errorf("report: compare: run %q is in none of %s", k, strings.Join(dirs, ", "))
		}
	}
	if len(curves) == 0 {
		return nil, errors.New("report: compare: no runs to draw")
	}
	total := len(curves)
	var notes, missing []string
	for _, k := range runs {
		if ds := lacking[k]; len(ds) > 0 {
			missing = append(missing, fmt.Sprintf("run %s is not in %s: drawn from the other folders only", k, strings.Join(ds, ", ")))
		}
	}
	notes = append(notes, missing...)
	if top > 0 && total > top {
		over := "each over its own dates (--align none)"
		if opt.Align == AlignCommon {
			// Aligned, the best are chosen over the dates every
			// candidate shares (a run's whole-period Sharpe says nothing
			// of the window another experiment's runs share with it),
			// on copies: the runs kept are then drawn as alone.
			cand := slices.Clone(curves)
			barEnds(cand)
			firsts := firstTimes(cand)
			whole := slices.Clone(cand) // the curves before the cut
			if from, err := alignCommon(cand); err == nil {
				to := from
				for _, c := range cand {
					to = max(to, c.Time[len(c.Time)-1])
				}
				over = fmt.Sprintf("over the dates all %d share (%s)", total, spanText(from, to, anyIntradayTimes(cand)))
				for i, c := range cand {
					score[i] = windowMetrics(c.Values, ppys[i], startCash(runOf[i], firsts[i], from))
					if ruinedBy(whole[i], c.Time[len(c.Time)-1]) {
						// Ruined before the window, or in it: its
						// returns mean nothing, it ranks last. A run
						// ruined after it (its metrics.json says ruined
						// too) ranks by its returns in it: what came
						// after is not in the dates compared.
						score[i].MaxDrawdown = math.Min(score[i].MaxDrawdown, -1)
					}
				}
			} else {
				over = "each over its own dates (they share none)"
			}
		}
		labels := make([]string, len(curves))
		for i, c := range curves {
			labels[i] = c.Name
		}
		idx := rankLabelled(by, score, labels)[:top]
		sort.Ints(idx)
		kept, keptOf, keptRun := make([]charts.Series, len(idx)), make([]int, len(idx)), make([]*Run, len(idx))
		for k, i := range idx {
			kept[k], keptOf[k], keptRun[k] = curves[i], of[i], runOf[i]
		}
		curves, of, runOf = kept, keptOf, keptRun
		notes = append(notes, fmt.Sprintf("top %d of %d runs by %s %s", top, total, by, over))
	}
	ends := barEnds(curves)
	if ends {
		notes = append(notes, "runs of different bar intervals: each point drawn at its bar's end (a daily close at the next 00:00 UTC), the dates here too")
	}
	aligned := opt.Align == AlignCommon && len(curves) > 1
	firsts := firstTimes(curves)
	var from int64    // the common start, aligned
	var before []bool // aligned, by curve: ruined before the common start
	if aligned {
		whole := slices.Clone(curves) // the curves before the cut
		var err error
		if from, err = alignCommon(curves); err != nil {
			return nil, err
		}
		before = make([]bool, len(curves))
		for i := range curves {
			before[i] = ruinedBy(whole[i], from-1)
		}
		rebaseAligned(curves, runOf, firsts, from)
		at := stampText(from, anyIntradayTimes(curves))
		if ends {
			at = "the bar ending " + at
		}
		notes = append(notes, "aligned on the common dates, every run rebased to 1 at "+at)
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	names := make([]string, len(curves))
	intraday := make([]bool, len(curves)) // intradayTimes, by curve
	anyIntraday := false
	for i, c := range curves {
		names[i] = c.Name
		first, last = min(first, c.Time[0]), max(last, c.Time[len(c.Time)-1])
		intraday[i] = intradayTimes(c.Time)
		anyIntraday = anyIntraday || intraday[i]
	}
	kind := "real market data"
	if syn {
		kind = "includes SYNTHETIC data (seeded, not real prices)"
	}
	caption := spanText(first, last, anyIntraday) + "; " + kind
	if len(notes) > 0 {
		caption += "; " + strings.Join(notes, "; ")
	}
	drawnFrom := map[int]bool{} // the folders of the runs drawn
	for _, fi := range of {
		drawnFrom[fi] = true
	}
	exps := plural(len(drawnFrom), "experiment")
	if len(drawnFrom) < len(folders) {
		// The best runs come from some of the folders given.
		exps = fmt.Sprintf("%d of %s", len(drawnFrom), plural(len(folders), "experiment"))
	}
	copt := charts.Options{
		Title:     fmt.Sprintf("Comparison of %s from %s", plural(len(curves), "run"), exps),
		Caption:   caption,
		Synthetic: syn,
		Palette:   charts.NewPalette(names),
	}
	cmp := &Comparison{Outs: outs, Over: "each run's own period (its metrics.json)", Missing: missing}
	if aligned {
		cmp.Over = "the dates they all share (" + spanText(curves[0].Time[0], last, anyIntraday) + ")"
	}
	rows := make([]CompareRow, len(curves))
	for i, c := range curves {
		r := runOf[i]
		rows[i] = CompareRow{Name: c.Name, Folder: dirs[of[i]], Key: r.Key, Start: c.Time[0], End: c.Time[len(c.Time)-1], Metrics: r.Record.Metrics}
		rows[i].Intraday = intraday[i]
		if aligned {
			rows[i].Metrics = *windowMetrics(c.Values, r.Record.PeriodsPerYear, startCash(r, firsts[i], from))
			rows[i].RuinedBefore = before[i]
		}
	}
	ms := make([]*results.RunMetrics, len(rows))
	for i := range rows {
		ms[i] = &rows[i].Metrics
		if rows[i].RuinedBefore {
			// Ranked as ruined (last), shown with its own drawdown.
			m := rows[i].Metrics
			m.MaxDrawdown = math.Min(m.MaxDrawdown, -1)
			ms[i] = &m
		}
	}
	for _, i := range rankLabelled(by, ms, names) {
		cmp.Rows = append(cmp.Rows, rows[i])
	}
	// Every output is made, and every output's place checked, before any
	// is written: a comparison that fails writes none of them (a chart
	// written, then the table's folder missing, left half a comparison
	// behind an error).
	made := make([][]byte, len(outs))
	for i, out := range outs {
		var b bytes.Buffer
		var err error
		if formats[i] == tableCSV {
			err = results.WriteTableCSV(&b, CompareTable(cmp.Rows))
		} else {
			err = charts.EquityDrawdown(&b, formats[i], copt, curves)
		}
		if err != nil {
			return nil, fmt.Errorf("report: compare: writing %s: %w", out, err)
		}
		made[i] = b.Bytes()
	}
	for _, out := range outs {
		if err := canWrite(out); err != nil {
			return nil, err
		}
	}
	for i, out := range outs {
		err := results.WriteFileAtomic(out, func(w io.Writer) error {
			_, err := w.Write(made[i])
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return cmp, nil
}

// drawOrder is the order in which CompareWith draws the folders dirs,
// labelled prefixes: by label, then (two folders of one label) by
// absolute path, so that the chart does not depend on the order of the
// folders on the command line ("compare A B" and "compare B A" draw the
// same lines in the same order, the last drawn on top).
func drawOrder(dirs, prefixes []string) []int {
	abs := make([]string, len(dirs))
	order := make([]int, len(dirs))
	for i, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			a = filepath.Clean(d)
		}
		abs[i], order[i] = a, i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := strings.Compare(prefixes[a], prefixes[b]); c != 0 {
			return c
		}
		return strings.Compare(abs[a], abs[b])
	})
	return order
}

// canWrite reports why path cannot be written by results.WriteFileAtomic
// (its folder missing or not a folder, path a folder, no permission), or
// nil: it goes as far as the temporary file, which it removes, and leaves
// a file at path as it was.
func canWrite(path string) error {
	probe := errors.New("probe")
	err := results.WriteFileAtomic(path, func(io.Writer) error { return probe })
	if errors.Is(err, probe) {
		return nil
	}
	return err
}

// rankLabelled is results.Rank of the runs labelled labels, with ties
// (equal values, NaNs, the ruined among themselves) in the order of
// their labels instead of the order of the folders on the command line:
// "compare A B" and "compare B A" rank, and keep with Top, the same runs.
func rankLabelled(by string, ms []*results.RunMetrics, labels []string) []int {
	perm := make([]int, len(ms))
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	sorted := make([]*results.RunMetrics, len(ms))
	for k, i := range perm {
		sorted[k] = ms[i]
	}
	idx := results.Rank(by, sorted)
	for k, j := range idx {
		idx[k] = perm[j]
	}
	return idx
}

// tableCSV marks an output of CompareWith that is the table, not a chart.
const tableCSV charts.Format = "csv"

// CompareTable is the table of a comparison's rows, as its CSV holds it:
// run (the chart's label), folder, key, start, end (CompareStamp),
// periods, periods_per_year, the headline metrics (total_return, cagr,
// annual_volatility, sharpe, sortino, max_drawdown, calmar, as decimals:
// 0.12 = 12 %), final_equity and ruined (the equity fell to 0 or below
// by the end of the dates measured, in them or before them:
// CompareRow.Ruined; its metrics mean nothing).
func CompareTable(rows []CompareRow) *results.Table {
	n := len(rows)
	text := func(name string, f func(r *CompareRow) string) results.Column {
		c := results.Column{Name: name, Strings: make([]string, n)}
		for i := range rows {
			c.Strings[i] = f(&rows[i])
		}
		return c
	}
	stamp := CompareStamp(rows)
	times := func(name string, f func(r *CompareRow) int64) results.Column {
		return text(name, func(r *CompareRow) string { return stamp(f(r)) })
	}
	t := &results.Table{Columns: []results.Column{
		text("run", func(r *CompareRow) string { return r.Name }),
		text("folder", func(r *CompareRow) string { return r.Folder }),
		text("key", func(r *CompareRow) string { return r.Key }),
		times("start", func(r *CompareRow) int64 { return r.Start }),
		times("end", func(r *CompareRow) int64 { return r.End }),
		{Name: "periods", Ints: make([]int64, n)},
		{Name: "periods_per_year", Floats: make([]float64, n)},
	}}
	for i := range rows {
		t.Columns[5].Ints[i] = int64(rows[i].Metrics.Periods)
		t.Columns[6].Floats[i] = rows[i].Metrics.PeriodsPerYear
	}
	for _, name := range results.MetricNames() {
		c := results.Column{Name: name, Floats: make([]float64, n)}
		for i := range rows {
			c.Floats[i] = rows[i].Metrics.Metric(name)
		}
		t.Columns = append(t.Columns, c)
	}
	ruined := results.Column{Name: "ruined", Bools: make([]bool, n)}
	for i := range rows {
		ruined.Bools[i] = rows[i].Ruined()
	}
	t.Columns = append(t.Columns, ruined)
	return t
}

// CompareStamp is how a comparison's table writes its rows' Start and
// End: instants (2025-01-01T00:00:00Z) when any row is intraday, so that
// an intraday run's start at 00:00 UTC reads as its end does and a
// column holds one format, else dates (2025-01-01).
func CompareStamp(rows []CompareRow) func(int64) string {
	for i := range rows {
		if rows[i].Intraday {
			return data.FormatTime
		}
	}
	return data.FormatDay
}

// barEnds moves every curve's points to their bars' ends, its times plus
// its bar interval (the median step, data.DetectInterval), when the
// curves' intervals differ, and reports whether it did. A run's equity is
// stamped with its bar's start but measured at the bar's close: a daily
// point of 00:00 holds that day's close, an hourly point of 10:00 the
// 11:00 close. Drawn as stamped, a daily curve beside an hourly one sits
// a day early; at the bars' ends a token's daily close meets its 23:00
// hourly bar's (an equity's daily close, at 16:00 New York, is drawn at
// 00:00 UTC, hours late rather than a day early). Curves of one interval
// are left as stamped. The times are copied, not changed in place.
func barEnds(curves []charts.Series) bool {
	steps := make([]int64, len(curves))
	mixed := false
	var first int64 // the first curve's interval (0: one point, none)
	for i, c := range curves {
		steps[i] = int64(data.DetectInterval(c.Time))
		if first == 0 {
			first = steps[i]
		}
		mixed = mixed || steps[i] != 0 && steps[i] != first
	}
	if !mixed {
		return false
	}
	for i := range curves {
		t := make([]int64, len(curves[i].Time))
		for k, v := range curves[i].Time {
			t[k] = v + steps[i]
		}
		curves[i].Time = t
	}
	return true
}

// intradayTimes says a run's points are finer than a day apart (its bars
// are) or not at 00:00 UTC: its times are written as instants, 00:00 too.
func intradayTimes(t []int64) bool {
	return data.DetectInterval(t).Intraday() || t[0]%data.NanosPerDay != 0 || t[len(t)-1]%data.NanosPerDay != 0
}

// spanText names the span from first to last in one format: two dates
// when both are at 00:00 UTC and no run is intraday, else two instants (a
// daily curve beside an hourly one reads "2024-03-04T00:00:00Z to
// 2024-03-06T23:00:00Z", not "2024-03-04 to 2024-03-06T23:00:00Z"; hourly
// runs sharing 00:00 to 00:00 read as instants, as the table's start and
// end do, CompareStamp).
func spanText(first, last int64, intraday bool) string {
	if !intraday && first%data.NanosPerDay == 0 && last%data.NanosPerDay == 0 {
		return data.FormatDay(first) + " to " + data.FormatDay(last)
	}
	return data.FormatTime(first) + " to " + data.FormatTime(last)
}

// stampText names one time as spanText does: a date when it is at 00:00
// UTC and no run is intraday, else an instant (an hourly run's 00:00 bar
// is 2025-09-15T00:00:00Z, not the day 2025-09-15).
func stampText(t int64, intraday bool) string {
	if !intraday && t%data.NanosPerDay == 0 {
		return data.FormatDay(t)
	}
	return data.FormatTime(t)
}

// anyIntradayTimes says one of the curves is intraday (intradayTimes).
func anyIntradayTimes(curves []charts.Series) bool {
	return slices.ContainsFunc(curves, func(c charts.Series) bool { return intradayTimes(c.Time) })
}

// alignCommon cuts the curves, in place, to the dates all of them span:
// from the latest first time to the earliest last time. It returns the
// common start. Each curve starts from its value as of the common start:
// its last point at or before it, moved to it (the times are copied), so
// that every growth of 1 is measured from the same instant. A weekday
// curve beside one that starts on a Saturday starts from Friday's close,
// not Monday's (which dropped Monday's return from the comparison); a
// daily curve beside an hourly one from the close before the first
// hourly bar's.
func alignCommon(curves []charts.Series) (int64, error) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	for _, c := range curves {
		from, to = max(from, c.Time[0]), min(to, c.Time[len(c.Time)-1])
	}
	if from > to {
		intraday := anyIntradayTimes(curves)
		return 0, fmt.Errorf("report: compare: the runs share no dates (the latest starts %s, the earliest ends %s); use --align none", stampText(from, intraday), stampText(to, intraday))
	}
	for i, c := range curves {
		a, ok := slices.BinarySearch(c.Time, from)
		if !ok {
			a-- // the last point before from: from is at or after the curve's first
		}
		b, ok := slices.BinarySearch(c.Time, to)
		if ok {
			b++
		}
		if b-a < 1 {
			intraday := anyIntradayTimes(curves)
			return 0, fmt.Errorf("report: compare: %s has no point between %s and %s", c.Name, stampText(from, intraday), stampText(to, intraday))
		}
		t := c.Time[a:b]
		if t[0] != from {
			t = slices.Clone(t)
			t[0] = from
		}
		curves[i].Time, curves[i].Values = t, c.Values[a:b]
	}
	return from, nil
}

// windowMetrics are the headline metrics of an equity curve cut to a
// window: the simple returns between its points summarised with ppy
// periods per year (as results.Measure does over a whole run), first
// from initial to the first point when initial is not 0 (a window that
// starts with the run, whose first point a fill at the first close put
// below its cash: results.RunReturns), and its last value. A window with
// a point at or below 0 is ruined (its returns mean nothing:
// results.RunMetrics.Ruined).
func windowMetrics(equity []float64, ppy, initial float64) *results.RunMetrics {
	rets, _ := results.RunReturns(initial, equity)
	m := &results.RunMetrics{Summary: metrics.Summarize(rets, ppy, nil)}
	if len(equity) > 0 {
		m.FinalEquity = equity[len(equity)-1]
	}
	if slices.ContainsFunc(equity, func(v float64) bool { return v <= 0 }) {
		// −1 at least; lower, as a run's metrics.json is, when the equity
		// went below 0.
		m.MaxDrawdown = math.Min(m.MaxDrawdown, -1)
	}
	return m
}

// ruinedBy says the equity of s fell to 0 or below at a point at or
// before end: the run was ruined by then (results.RunMetrics.Ruined,
// whose drawdown of −100 % or worse only such a point gives).
func ruinedBy(s charts.Series, end int64) bool {
	for k, t := range s.Time {
		if t > end {
			break
		}
		if s.Values[k] <= 0 {
			return true
		}
	}
	return false
}

// firstTimes are the curves' first times.
func firstTimes(curves []charts.Series) []int64 {
	t := make([]int64, len(curves))
	for i, c := range curves {
		t[i] = c.Time[0]
	}
	return t
}

// rebaseAligned sets the growth base of curves cut to the common start
// from: the cash only where the window starts with the run (startCash,
// windowMetrics' rule), else the curve's first value there (a run 3.4
// times its cash at the common start was drawn from its cash, not from
// 1 as the caption says).
func rebaseAligned(curves []charts.Series, runOf []*Run, firsts []int64, from int64) {
	for i := range curves {
		curves[i].Initial = startCash(runOf[i], firsts[i], from)
	}
}

// startCash is the cash a window of run r is measured from: its initial
// cash when the window starts at the run's own first point (first, the
// curve's first time as drawn, is the window's start from), as its
// metrics.json is; else 0 (the window's first point).
func startCash(r *Run, first, from int64) float64 {
	if first == from {
		return r.Record.Cash
	}
	return 0
}

// distinctPaths labels each folder by the fewest last elements of its
// path that no other folder's path ends with: out/x and runs/x for two
// folders named x.
func distinctPaths(dirs []string) []string {
	parts := make([][]string, len(dirs))
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			abs = d
		}
		parts[i] = strings.Split(filepath.ToSlash(filepath.Clean(abs)), "/")
	}
	suffix := func(i, n int) string {
		p := parts[i]
		return strings.Join(p[max(len(p)-n, 0):], "/")
	}
	out := make([]string, len(dirs))
	for i := range dirs {
		for n := 1; ; n++ {
			s := suffix(i, n)
			clash := false
			for j := range dirs {
				if j != i && suffix(j, n) == s {
					clash = true
					break
				}
			}
			if !clash || n >= len(parts[i]) {
				out[i] = s
				break
			}
		}
	}
	return out
}

// plural is "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
