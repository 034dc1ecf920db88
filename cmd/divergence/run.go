package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/report"
	"github.com/divergence-research/divergence/results/resultsdb"
	"github.com/divergence-research/divergence/strategies"
)

// envData names the environment variable that replaces an experiment
// file's data.dir (experiment.Options.DataDir).
const envData = "DIVERGENCE_DATA"

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runExperiment(ctx, "run", args, stdout, stderr, false)
}

// runExperiment is `run` and `stress`: stress also runs every library
// scenario when the experiment names none, and prints the stress table.
func runExperiment(ctx context.Context, name string, args []string, stdout, stderr io.Writer, stress bool) error {
	fs := newFlags(name, name+" EXPERIMENT.toml [--out DIR] [--workers N] [--sort METRIC] [--top N] [--quiet] [--no-report] [--no-db] [--charts report|all] [--csv auto|always|never] [--timings] [--max-runs N] [--max-memory SIZE] [--max-disk SIZE] [--force] [--wait [D]] [--shard I/N] [--shards N]", stderr)
	out := fs.String("out", "out", "folder to write the experiment's results folder into")
	workers := fs.Int("workers", 0, "runs executed at once, and the cores the process uses (its Go runtime and DuckDB's threads); 0 = all cores")
	sortBy := fs.String("sort", "sharpe", "metric the printed table is sorted by: total_return, cagr, annual_volatility, sharpe, sortino, max_drawdown, calmar, final_equity")
	top := fs.Int("top", 20, "print the best N runs (0 = all)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	noReport := fs.Bool("no-report", false, "skip results.duckdb and report.html")
	noDB := fs.Bool("no-db", false, "skip results.duckdb (the longest output of a large sweep), still write report.html; divergence db OUT/<experiment> makes it later")
	lf := addLimitFlags(fs)
	csvSet := fs.String("csv", "", fmt.Sprintf("CSV copies of each run's equity, fills and legs beside their Parquet files: auto = for an experiment of up to %d runs, always, never (default: the experiment file's [output] csv, else auto)", experiment.CSVRunsMax))
	chartSet := fs.String("charts", "report", "per-run charts (runs/<key>/legs.png/.svg): report = only for the runs the equity chart and report show (the baseline runs, or the best 10 of them by --sort), all = for every baseline run")
	shardFlag := fs.String("shard", "", "run only shard I of N (0 ≤ I < N) into OUT/<experiment>-shard-I-of-N, to be merged (divergence merge); without it, from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm) when set")
	shardsFlag := fs.Int("shards", 0, "the shard count N beside JOB_COMPLETION_INDEX (or set DIVERGENCE_SHARDS; both set, they must agree)")
	timings := fs.Bool("timings", false, "print the wall time of each phase (load, runs, montecarlo, walkforward, report) to stderr; without Monte Carlo or walk-forward the report and database are made beside the runs and counted in runs")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *workers < 0 {
		return fmt.Errorf("--workers = %d: want 0 (all cores) or more", *workers)
	}
	defer limitCores(*workers)()
	if *top < 0 {
		return fmt.Errorf("--top = %d: want 0 (all) or more", *top)
	}
	lim, err := lf.limits(*out)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%s: want one experiment file, got %d arguments", name, len(pos))
	}
	if err := results.ValidMetric(*sortBy); err != nil {
		return fmt.Errorf("--sort: %w", err)
	}
	if err := experiment.ValidCSV(*csvSet); err != nil {
		return fmt.Errorf("--csv %w", err)
	}
	if *chartSet != "report" && *chartSet != "all" {
		return fmt.Errorf("--charts %q: want report or all", *chartSet)
	}
	shard, err := shardFrom(*shardFlag, *shardsFlag, os.Getenv)
	if err != nil {
		return err
	}
	// A shard's folder is not the results: the merge writes the CSV
	// copies and the per-run charts, so it takes these flags.
	if shard != nil && *csvSet != "" {
		return fmt.Errorf("--csv %s with --shard: the CSV copies are written by the merge; give --csv to divergence merge", *csvSet)
	}
	if shard != nil && *chartSet == "all" {
		return fmt.Errorf("--charts all with --shard: the per-run charts are drawn by the merge; give --charts to divergence merge")
	}
	// --sort picks the runs of the equity chart and ranks the report's:
	// the merge's (a shard took it and ignored it, and the merge drew by
	// Sharpe).
	if shard != nil && *sortBy != "sharpe" {
		return fmt.Errorf("--sort %s with --shard: the charts and the report that rank by it are the merge's; give --sort to divergence merge", *sortBy)
	}
	if err := dbOut(*out, *noReport || *noDB || shard != nil); err != nil {
		return err
	}
	f, err := experiment.Load(pos[0])
	if err != nil {
		return err
	}
	opt := experiment.Options{Shard: shard, Strategies: strategies.Builtins(), DataDir: os.Getenv(envData),
		Out: *out, Workers: *workers, Version: version, SortBy: *sortBy, Stress: stress,
		Limits: lim, Wait: lf.wait.on(), WaitUpTo: lf.wait.upTo(), NoWait: lf.wait.refused(), Waiting: func(line string) { fmt.Fprintln(stderr, "divergence:", line) }, Hold: true, Holder: holder(append([]string{name}, args...)),
		Note:      func(s string) { fmt.Fprintln(stderr, "note:", s) },
		AllCharts: *chartSet == "all", CSV: *csvSet, FreeBars: true}
	if shard != nil {
		if opt.Build, err = programBuild(); err != nil {
			return err
		}
	}
	defer withOutputs(&opt, *noReport, *noDB)()
	var bar *progress
	if !*quiet && isTerminal(stderr) {
		bar = newProgress(stderr)
		opt.Progress = bar.update
	}
	var clock phaseClock
	if *timings {
		opt.Phase = clock.start
	}
	o, err := experiment.Run(ctx, f, opt)
	bar.finish()
	if err != nil {
		return wayOut(err)
	}
	defer o.Release() // held while the database and the report are written
	if *timings {
		clock.print(stderr)
	}
	if shard != nil {
		fmt.Fprintf(stdout, "%s — shard %s (%s): %d runs; merge the shards with: divergence merge OUT %s\n", f.Name, shard, shard.Source, len(o.Runs), filepath.Dir(o.Dir))
		fmt.Fprintf(stdout, "shard: %s\n", o.Dir)
		return nil
	}
	printSummary(stdout, f.Name, o, *top, *sortBy)
	fmt.Fprintf(stdout, "results: %s (plot: %s)\n", o.Dir, filepath.Join(o.Dir, "equity.png"))
	printOutputs(stdout, o.Dir, *noReport, *noDB)
	return nil
}

// printSummary prints what run (and merge, of the merged experiment)
// says of an experiment's results: the data and the runs, the
// walk-forward's out-of-sample result, the best top runs by sortBy, the
// notes and the stress table.
func printSummary(w io.Writer, name string, o *experiment.Outcome, top int, sortBy string) {
	label := "real data"
	if o.Panel.Synthetic {
		label = "SYNTHETIC data"
	}
	// The stress test's long-leg companions feed the hedge columns; they
	// are in runs.csv (long_leg_of) but not in the table below, and the
	// count says so.
	var order []int
	for _, i := range experiment.Ranked(o.Runs, sortBy) {
		if o.Runs[i].LongLegOf == "" {
			order = append(order, i)
		}
	}
	runs := plural(len(o.Runs), "run")
	if c := len(o.Runs) - len(order); c > 0 {
		runs = fmt.Sprintf("%s (and %s for the hedge columns, in runs.csv)", plural(len(order), "run"), plural(c, "long-leg companion"))
	}
	fmt.Fprintf(w, "%s — %s, %s, %s, periods/year %g\n", name, label, runs, plural(len(o.Panel.Series), "instrument"), o.PeriodsPerYear)
	// A walk-forward's out-of-sample result is the estimate of what the
	// strategy earns; the runs below are in-sample (chosen with hindsight).
	printWalkForward(w, o)
	printRuns(w, o.Runs, order, top, sortBy)
	for _, n := range o.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	if o.Stress != nil {
		printStress(w, o.Stress)
	}
}

// printOutputs says where the report and the database are, or how to
// make the database a run skipped.
func printOutputs(w io.Writer, dir string, noReport, noDB bool) {
	switch {
	case noReport:
	case noDB:
		fmt.Fprintf(w, "report: %s  (no database: divergence db %s makes it)\n", filepath.Join(dir, report.ReportFile), dir)
	default:
		fmt.Fprintf(w, "report: %s  database: %s\n", filepath.Join(dir, report.ReportFile), filepath.Join(dir, resultsdb.File))
	}
}

// withOutputs sets the experiment's report.html and results.duckdb writers
// unless --no-report (neither) or --no-db (the report alone). The first
// of them to start lowers the garbage collector's target to outputGC;
// the function returned puts it back (the command's tests run in one
// process).
func withOutputs(opt *experiment.Options, noReport, noDB bool) (restore func()) {
	if noReport {
		return func() {}
	}
	gc := &outputsGC{}
	opt.Report = func(ctx context.Context, in experiment.ReportInput) error {
		gc.lower()
		return writeReport(ctx, in)
	}
	if !noDB {
		opt.Database = func(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
			gc.lower()
			return writeDatabase(ctx, dir, runs, equity, fillText)
		}
	}
	return gc.restore
}

// outputGC is the garbage collector's target (GOGC) while report.html
// and results.duckdb are made, unless GOGC is set. They start once every
// run is measured, and allocate for a while beside the runs' results,
// which stay in memory: at Go's default of 100 the heap grew to twice
// those results, its peak of the whole run. Measured as a user runs the
// program, a fresh process each time, 2-core machine, five interleaved
// rounds at load 1.1–2.3 (2026-12-05), the default against 50 and 25
// from the outputs on (a build that read the target from the
// environment), peak RSS in MiB (/usr/bin/time's KiB / 1,024):
//
//	                           100                        50                         25
//	8 × 125,000 bars, whole    2.01–2.46 s, 382–392 MiB   1.94–2.24 s, 328–351 MiB   1.95–2.47 s, 314–334 MiB
//	200-run sweep, 2 workers   3.41–4.33 s, 392–418 MiB   3.47–4.73 s, 359–380 MiB   3.52–4.62 s, 331–364 MiB
//
// The program as built, against the one before, five more interleaved
// rounds (load 1.6–2.1): whole 1.84–1.97 s and 331–347 MiB against
// 1.97–2.26 s and 351–372 MiB (GOGC=50 throughout: 335–346 MiB); the
// sweep 363–377 MiB against 359–391 MiB, its time within the noise. The
// runs themselves, which allocate most in a sweep, keep the default (see
// main).
const outputGC = 50

// outputsGC lowers the collector's target once, and restores it.
type outputsGC struct {
	once sync.Once
	prev int
	set  bool
}

func (g *outputsGC) lower() {
	g.once.Do(func() {
		if os.Getenv("GOGC") != "" {
			return // the user's choice
		}
		g.prev, g.set = debug.SetGCPercent(outputGC), true
	})
}

// restore puts the earlier target back. Its Do waits for a lower in
// progress, and keeps any later one from lowering again.
func (g *outputsGC) restore() {
	g.once.Do(func() {})
	if g.set {
		debug.SetGCPercent(g.prev)
		g.set = false
	}
}

// limitCores makes --workers N (0 < N < the machine's cores) the number of
// cores the process uses: GOMAXPROCS, which bounds the Go runtime (the
// garbage collector's workers included) and, through it, the threads of
// the DuckDB databases the experiment opens. On a shared machine or a
// cluster slot, N workers use N cores, not N plus a collector and a
// database on the others. It returns the function that restores the
// earlier setting (the command's tests run in one process).
func limitCores(workers int) (restore func()) {
	prev := runtime.GOMAXPROCS(0)
	if workers > 0 && workers < prev {
		runtime.GOMAXPROCS(workers)
		return func() { runtime.GOMAXPROCS(prev) }
	}
	return func() {}
}

// writeReport is experiment.Options.Report: report.html of the results
// in memory.
func writeReport(ctx context.Context, in experiment.ReportInput) error {
	legs := make([]*report.LegSeries, len(in.Legs))
	for i, l := range in.Legs {
		legs[i] = (*report.LegSeries)(l)
	}
	return report.WriteInput(ctx, report.Input{Dir: in.Dir, Manifest: in.Manifest, Runs: in.Runs, Equity: in.Equity, Gross: in.Gross, Net: in.Net, Prices: in.Prices, Legs: legs})
}

// dbOut refuses, before any work, an --out out whose path has a glob
// character when results.duckdb is written there (unless noDB): DuckDB
// would expand it (resultsdb.GlobChars), and the database, the last
// output made, would fail once every run was done.
func dbOut(out string, noDB bool) error {
	if noDB || !strings.ContainsAny(out, resultsdb.GlobChars) {
		return nil
	}
	return fmt.Errorf("--out %s: its path has a glob character (* ? [ ] { }), which DuckDB would expand building results.duckdb there: choose another --out, or pass --no-db (the report and the runs' files are written as usual)", out)
}

// writeDatabase is experiment.Options.Database: results.duckdb of the
// folder, with the runs' records, equity curves and fills' values in
// memory.
func writeDatabase(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
	_, err := resultsdb.BuildRuns(ctx, dir, filepath.Join(dir, resultsdb.File), runs, equity, fillText)
	return err
}

// phaseClock times the phases experiment.Run reports (Options.Phase).
type phaseClock struct {
	names []string
	times []time.Time
}

func (c *phaseClock) start(name string) {
	c.names = append(c.names, name)
	c.times = append(c.times, time.Now())
}

// print writes each phase's wall time and the total.
func (c *phaseClock) print(w io.Writer) {
	for i := 0; i+1 < len(c.names); i++ {
		fmt.Fprintf(w, "%-12s %8.3f s\n", c.names[i], c.times[i+1].Sub(c.times[i]).Seconds())
	}
	if n := len(c.times); n > 1 {
		fmt.Fprintf(w, "%-12s %8.3f s\n", "total", c.times[n-1].Sub(c.times[0]).Seconds())
	}
}

// printWalkForward prints each walk-forward's stitched out-of-sample
// result, when the experiment has one.
func printWalkForward(w io.Writer, o *experiment.Outcome) {
	if len(o.WalkForward) == 0 {
		return
	}
	fmt.Fprintln(w, "walk-forward, out of sample (parameters chosen in sample, run on the next unseen window, stitched):")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "strategy\twindows\tfrom\tto\ttotal return\tCAGR\tSharpe\tmax DD\t")
	for _, wf := range o.WalkForward {
		c := &wf.Curve
		if c.Len() < 2 {
			continue
		}
		// From the initial cash: the first window's entry costs count.
		s := wf.Summary(o.Cash, o.PeriodsPerYear)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", wf.Strategy, len(wf.Windows), data.FormatDay(c.Time[0]), data.FormatDay(c.Time[c.Len()-1]),
			pct(s.TotalReturn), pct(s.CAGR), num(s.Sharpe), pct(s.MaxDrawdown))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nin sample (every run over the whole period; the best of a sweep is chosen with hindsight):")
}

func pct(v float64) string {
	if v != v || math.IsInf(v, 0) {
		return "—"
	}
	return unsignedZero(fmt.Sprintf("%.2f%%", 100*v))
}

// unsignedZero drops the sign of a number that printed as zero: a Sharpe
// ratio of -0.0004 reads 0.00, not -0.00.
func unsignedZero(s string) string {
	if rest, ok := strings.CutPrefix(s, "-"); ok && strings.Trim(rest, "0.%") == "" {
		return rest
	}
	return s
}

// plural is "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func num(v float64) string {
	if v != v || math.IsInf(v, 0) {
		return "—"
	}
	return unsignedZero(fmt.Sprintf("%.2f", v))
}

func printRuns(w io.Writer, runs []experiment.RunResult, order []int, top int, sortBy string) {
	if top > 0 && len(order) > top {
		fmt.Fprintf(w, "best %d of %d runs by %s:\n", top, len(order), sortBy)
		order = order[:top]
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\ttotal return\tCAGR\tvol\tSharpe\tmax DD\tfills\tcommission\t")
	for _, i := range order {
		m := runs[i].Metrics
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t\n", runs[i].Key, pct(m.TotalReturn), pct(m.CAGR),
			pct(m.AnnualVolatility), num(m.Sharpe), pct(m.MaxDrawdown), m.Fills, m.Commission)
	}
	tw.Flush()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws "[=====>    ] 12/200 runs  35.1 runs/s  5s left" on one
// line of stderr, only once a run has taken longer than a moment.
type progress struct {
	w     io.Writer
	start time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

func (p *progress) update(done, total int) {
	el := time.Since(p.start)
	if el < 300*time.Millisecond && done < total {
		return
	}
	const width = 30
	fill := width * done / total
	bar := make([]byte, width)
	for i := range bar {
		switch {
		case i < fill:
			bar[i] = '='
		case i == fill:
			bar[i] = '>'
		default:
			bar[i] = ' '
		}
	}
	rate := float64(done) / el.Seconds()
	left := time.Duration(float64(total-done)/rate) * time.Second
	fmt.Fprintf(p.w, "\r[%s] %d/%d runs  %.1f runs/s  %s left ", bar, done, total, rate, left.Round(time.Second))
	p.drawn = true
}

func (p *progress) finish() {
	if p != nil && p.drawn {
		fmt.Fprintln(p.w)
	}
}

// whole is x rounded to a whole number, with no negative zero: a loss of
// 0.3 prints as 0, not -0.
func whole(x float64) float64 {
	if r := math.Round(x); r != 0 {
		return r
	}
	return 0
}

func printStress(w io.Writer, st *experiment.Stress) {
	fmt.Fprintln(w, "\nstress test: PnL vs the unshocked baseline")
	fmt.Fprintf(w, "(hedge effectiveness, each run's loss relative to its own baseline, only where the long leg alone lost at least %g%% of its baseline, as in stress.csv and the report)\n", 100*results.HedgeThreshold)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "(shocked: how many of the instruments the run trades the scenario changed; 'untouched': it aims at none of them, a true 0; 'unknown (not replayed)': it was meant to shock them and its source has no bars for them, the row is the run without the scenario, not a measure of it)")
	fmt.Fprintln(tw, "run\tscenario\tprobability\tPnL vs baseline\tmax DD\tworst day\thedge effectiveness\tshocked\t")
	for _, r := range st.Rows {
		if r.Scenario == "baseline" {
			continue
		}
		p, he := "—", "—"
		if r.Probability == r.Probability {
			p = fmt.Sprintf("%g", r.Probability)
		}
		if r.HedgeEffectiveness == r.HedgeEffectiveness {
			he = fmt.Sprintf("%.0f%%", 100*r.HedgeEffectiveness)
		}
		shocked := fmt.Sprintf("%d of %d", r.InstrumentsShocked, r.InstrumentsTraded)
		switch {
		case r.Unknown():
			shocked = "unknown (not replayed)"
		case r.InstrumentsShocked == 0 && r.InstrumentsTraded > 0:
			shocked = fmt.Sprintf("none of %d (untouched)", r.InstrumentsTraded)
		case r.InstrumentsUnreplayed > 0:
			shocked += fmt.Sprintf(" (%d not replayed)", r.InstrumentsUnreplayed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.2f%%\t%.2f%%\t%s\t%s\t\n", r.Run, r.Scenario, p, whole(r.PnLVsBaseline), 100*r.MaxDrawdown, 100*r.WorstDay, he, shocked)
	}
	tw.Flush()
	over := false
	for _, e := range st.Expected {
		if e.LeftOut > 0 {
			fmt.Fprintf(w, "%s: %d scenario(s) left out of the probability-weighted PnL and the worst: unknown (not replayed)\n", e.Run, e.LeftOut)
		}
		if e.Scenarios > 0 {
			// 0.7 + 0.6 is 1.2999999999999998 in binary: 12 digits say 1.3.
			total := strconv.FormatFloat(e.ProbabilityTotal, 'g', 12, 64)
			fmt.Fprintf(w, "%s: probability-weighted scenario PnL %.0f over %d scenario(s) with total probability %s; worst: %s (%.0f)\n",
				e.Run, whole(e.ExpectedPnL), e.Scenarios, total, e.WorstScenario, whole(e.WorstPnL))
			over = over || e.ProbabilityTotal > 1+1e-9
		}
	}
	if over {
		fmt.Fprintln(w, "note: the scenarios' probabilities add up to more than 1: they are not exclusive outcomes, so a probability-weighted PnL is not an expected value")
	}
}
