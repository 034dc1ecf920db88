package experiment

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results/metrics"
	"github.com/divergence-research/divergence/scenarios"
)

// Limits bound what an experiment may cost; [Run] refuses, before any
// work, an experiment whose [Estimate] passes one (unless Force).
type Limits struct {
	// MaxRuns bounds the engine runs: sweep points × views (+ the stress
	// test's long-leg companions) + Monte Carlo paths × runs +
	// walk-forward windows × candidates. Default (0): DefaultMaxRuns; < 0:
	// no bound.
	MaxRuns int
	// MaxMemory bounds the estimated memory in bytes; 0: no bound. The
	// command sets it from the machine's memory.
	MaxMemory int64
	// MaxDisk bounds the estimated size of the results folder in bytes;
	// 0: no bound. The command sets it from the free space under --out.
	MaxDisk int64
	// DiskFree says MaxDisk is the free space (not a limit the user set),
	// for the message.
	DiskFree bool
	// Force runs the experiment whatever its estimate.
	Force bool
}

// DefaultMaxRuns is Limits.MaxRuns when unset: at a few milliseconds to a
// second a run, 100,000 runs is hours to a day of one machine.
const DefaultMaxRuns = 100_000

// The cost model of [Estimate]. Each constant is a size per unit as the
// code stands; a change to what a run keeps or writes should update it.
const (
	// barBytes is one bar of one instrument in a panel: time, open, high,
	// low, close, adjusted close, volume (7 × 8 bytes). Each scenario
	// view may copy the panel.
	barBytes = 56
	// curveColumns are the columns of a run's equity curve kept in memory
	// until the experiment ends (engine.Curve: time, equity, cash, gross,
	// net, drawdown), 8 bytes a step each, each allocated at once for
	// every step and rounded up as Go's allocator rounds it
	// (columnBytes). Counted at 48 bytes a step, a 200-run daily sweep
	// of 3,651 steps held 206 KB a run past its first (the live heap at
	// its end, 47.3 MiB against 8.2 for one run), where the model said
	// 183 KB: a column of 29,208 bytes takes 32,768.
	curveColumns = 6
	// runBytes is the rest a finished run keeps: its spec, parameters,
	// metrics, statistics and PnL attribution.
	runBytes = 8 << 10
	// workingStepBytes is what a run holds per step while it runs (curve,
	// fills, ledger, events, recycled from one run to the next), once per
	// worker: a second worker on a one-minute SMA sweep (525,600 steps)
	// added 23–35 MiB to the peak, 46–67 bytes a step.
	workingStepBytes = 64
	// workingFillBytes, reportFillBytes and databaseFillBytes are what a
	// fill costs, for the strategies that bound their fills
	// (strategies.FillBounder: a pair hedge trades every instrument of
	// its legs at each rebalance): a worker holds its run's fills, their
	// events and ledger entries and writes them to fills.parquet; the
	// report reads the fills of the runs it draws (their round trips),
	// and results.duckdb takes every run's. The bound is counted, not the
	// fills made, unless it is a decision at any step (runFills): the
	// largest run's in a worker, the largest maxLines runs' in the
	// report, every run's in the database. Measured on the 200-run
	// sweep of BenchmarkSweepCommand (20 instruments, 3,651 steps) with
	// every run rebalanced each day (39,360 fills a run) against every 20
	// days (3,480): without the report and the database, 198–202 MiB
	// against 187–188 on one worker, 11–15 MiB for 35,880 fills more,
	// 300–450 bytes a fill (300–480 a worker on two); with the report
	// alone, on one worker, 218–227 MiB against 180, 123–136 bytes a
	// fill of the 10 runs drawn; with both, 587–591 MiB against 238–239,
	// 51–52 bytes a fill of the 200 runs (on two workers, the report
	// beside it, 37–42). Counted at those fills, the sweep's estimate was
	// 0.71–0.78 of its peak (its fills were counted in no term).
	workingFillBytes  = 512
	reportFillBytes   = 144
	databaseFillBytes = 56
	// processBytes is the process before any experiment: the Go runtime,
	// the program's pages and DuckDB's library, and the experiment's
	// tables and charts (peak RSS of a one-run, 2,737-step daily
	// experiment with --no-report: 100.7 MiB).
	processBytes = 100 << 20
	// heapHeadroom is the Go heap's growth over what it holds: at GOGC
	// 100 the collector lets the heap reach twice its live data before
	// it runs, and the runs' results grow the live data to the end
	// (a 2,000-run sweep held ~1.7× the live bytes above at its peak).
	heapHeadroom = 2
	// tableRowBytes is what DuckDB holds per row while it reads a
	// one-table dataset (data.table, data.query) for the panel, outside
	// the Go heap, before the bars reach it: the rows of one query (a
	// batch of about duckdb.BatchRows rows; a query or an Arrow IPC
	// table at once), sorted by symbol and time. A 1.0M-bar Parquet
	// table (one batch) climbed to 325–332 MiB as DuckDB read it, then
	// fell by ~140 MiB when the query ended: 332 − 100 for the program −
	// 57 MiB of the bars decoded (56 B each) = 175 MiB, ~180 bytes a row.
	tableRowBytes = 192
	// outputHeadroom is the heap's growth over what it holds while
	// report.html and results.duckdb are made: the command runs the
	// collector at 50 then (cmd/divergence outputGC), and drops the bars
	// first (Options.FreeBars).
	outputHeadroom = 1.5
	// databaseBytes, databaseStepBytes and databaseRunBytes are what
	// building results.duckdb costs in memory (DuckDB's own, outside the
	// Go heap), beside the report and the runs' curves but after the
	// bars are dropped: ~20 MiB to open it (the same one-run experiment
	// peaked 19 MiB higher with it and the report), ~30 bytes per step of every
	// run as it takes their curves (a 10-run one-minute sweep, 5.3M
	// steps, peaked at 640–650 MiB: 100 for the program, 1.5 × 240 for
	// the curves, ~185 for the database), and per run, for its files and
	// rows, up to 128 KiB for each of DuckDB's threads (duckdbThreads): on
	// one, 1,000 daily runs of 2,557 steps peaked at 430–449 MiB, the
	// database's share past its steps under 90 KiB a run; on two, the
	// same at 638–641 MiB (the Go heap at most 214 MB, 208 on one), and
	// 500, 2,000 and 1,000 runs of 732 steps alike: 218–236 KiB a run.
	databaseBytes     = 24 << 20
	databaseStepBytes = 32
	databaseRunBytes  = 128 << 10
	// reportBytes, reportStepBytes, reportMaxBytes and reportLegBarBytes
	// are what report.html and the charts made beside it (the equity
	// chart's PNG among them) add to the Go heap while they are made:
	// ~6 MiB of fonts, images and page, and ~64 bytes a step of each run
	// shown (at most maxLines), its lines, returns and distribution,
	// garbage as soon as its section is written (a heap profile: ~46
	// bytes a shown step; peak RSS over the estimate without the report,
	// one-minute BTC, 16,610 steps, with --no-db: 1 run shown, −2 MiB; 5,
	// +5; 10 of 20, +9; with the database, on two workers: −6, +9, +18).
	// The collector, at outputGC, bounds that garbage near half the live
	// heap whatever the steps: on the 10-run one-minute sweep (5.3M steps
	// shown, 336 MB at 64 bytes a step) the report's heap grew from 245 to
	// 377 MiB, 132 MiB for a live heap of 245 (its curves), so the term
	// stops at reportMaxBytes, below that growth as the peak RSS rose
	// less (with results.duckdb, 636–651 MiB against 647 for the process,
	// the curves and the database alone: 100 MiB there is 1.16–1.19× the
	// peak, the runs' bound of 1.2 kept). A pair hedge
	// shown adds its legs' series, ~40 bytes a bar of the panel (3 on
	// 5-minute perps, 157,248 bars of 6 instruments: +22 MiB with
	// --no-db and +23 with the database, over what the steps count).
	reportBytes       = 6 << 20
	reportStepBytes   = 64
	reportMaxBytes    = 100 << 20
	reportLegBarBytes = 40
	// reportBesideBytes is what the report and results.duckdb made at
	// the same time (two workers or more) hold past the sum of their
	// terms: one-minute BTC (20 runs) peaked at 183–204 MiB where the
	// sum said 176, the hourly 50-run sweep at 163–189 where it said
	// 162; on one worker (one after the other) at 146–156, and with
	// --no-db at 130–137, both within their terms.
	reportBesideBytes = 10 << 20
	// diskStepBytes is what a run always writes per step: equity.parquet
	// (~40 bytes) and, for a strategy with legs, legs.parquet (~6).
	diskStepBytes = 48
	// diskCSVStepBytes is what its CSV copies add per step, when they are
	// written (File.perRunCSV: up to CSVRunsMax runs by default):
	// equity.csv (~120 bytes) and legs.csv (~20).
	diskCSVStepBytes = 144
	// diskDatabaseStepBytes is a step of a run in results.duckdb (~31–33
	// bytes measured, daily and one-minute).
	diskDatabaseStepBytes = 32
	// diskRunBytes is what a run writes besides: metrics.json (~2 KB),
	// fills (a few KB) and its rows in runs.*, the report and the
	// database.
	diskRunBytes = 16 << 10
	// diskChartBytes is a run's legs.png and legs.svg (~170–290 KB),
	// drawn for the pair-hedge runs the equity chart shows (at most
	// maxLines) or, with Options.AllCharts, every baseline one.
	diskChartBytes = 200 << 10
	// diskExperimentBytes is the experiment's own files (equity and
	// attribution charts, runs.*, prices.*), and diskOutputBytes what
	// report.html and an empty results.duckdb add (~2 MB for one run).
	diskExperimentBytes = 256 << 10
	diskOutputBytes     = 2 << 20
	// diskLineStepBytes is a step of a line of the equity chart, drawn
	// for the baseline runs shown (at most maxLines): equity.svg writes
	// ~26 bytes a point of a line that moves at every step, less where
	// it holds still (a flat stretch is drawn as its two ends): 361 KB
	// for 10 SMA crosses of 2,192 days on BTC, in cash about half the
	// time (567 KB when flat stretches were drawn point by point).
	diskLineStepBytes = 24
	// diskScenarioBytes is what each scenario kept adds to a stress
	// test's folder besides its runs: stress/<scenario>.png (194–226 KB)
	// and .svg (its lines as the equity chart's, diskLineStepBytes) and
	// its column of the heatmap; diskScenarioOutputBytes its share of
	// report.html and results.duckdb (real-ai-hedge under 9 library
	// scenarios: 3.3 MB past its runs' files and the svg lines, ~370 KB
	// a scenario, ~100 KB of it in the report and the database).
	diskScenarioBytes       = 224 << 10
	diskScenarioOutputBytes = 128 << 10
	// diskCloseBytes is a close of prices.* and benchmarks.* (an
	// instrument's closes, reduced to at most 4 × priceBuckets): a row of
	// the CSV (~29 bytes) and of the Parquet file (~8; real-ai-hedge's 7
	// instruments, 10,250 closes: 297,643 and 83,306 bytes).
	diskCloseBytes = 40
	// mcPathBytes is what Monte Carlo keeps per path and run: its terminal
	// return, drawdown, terminal value and shock flag (MonteCarloResult).
	// The paths' curves are not kept: they stream into per-day bands
	// (metrics.Bands), which hold up to metrics.DefaultExactPaths values
	// per day exactly (8 bytes each) and then a sketch of about
	// mcSketchDayBytes per day, whatever the path count.
	mcPathBytes = 64
	// mcSketchDayBytes is one day's quantile sketch (log bins at 0.1 %
	// over the range the day's values span).
	mcSketchDayBytes = 4 << 10
	// mcExactValueBytes is a value the bands keep exactly: 8 bytes and
	// append's slack (1,000 values sit in a slice grown to 1,280: 10,240
	// bytes a day). Past metrics.DefaultExactPaths paths the bands hold
	// that many of every day of every run before they turn to sketches,
	// the larger of the two phases: 4 SMA crosses × 5,000 paths × 1,000
	// days peaked at 168–200 MiB (the Go heap at 88 MB as the bands
	// turned, 37–40 MB live after: ~8 KB a day of sketch), estimated at
	// 135–168 with the sketch alone (0.81–0.84).
	mcExactValueBytes = 10
	// mcDiskPathBytes is one path's row of montecarlo.csv and .parquet
	// (63–71 and 18–22 bytes measured, with 2,000 and 20,000 paths), and
	// mcDatabasePathBytes its row in results.duckdb (~40).
	mcDiskPathBytes     = 96
	mcDatabasePathBytes = 48
	// mcDiskDayBytes is one day of a run's bands: its rows of
	// montecarlo_bands.csv and .parquet (103–166 bytes measured) and
	// the report's copy (~25).
	mcDiskDayBytes = 192
	// mcChartBytes and mcChartRunBytes are montecarlo.png and .svg: one
	// panel per run, at most maxOverlay (128 KB for 1 run, 267 KB for 3,
	// 527 KB for 10).
	mcChartBytes    = 64 << 10
	mcChartRunBytes = 48 << 10
	// wfDiskStepBytes is one step of a strategy's stitched out-of-sample
	// curve: walkforward/<strategy>/equity.csv and .parquet (~82 and
	// ~34 bytes measured); in results.duckdb and the report it costs
	// what a run's step does there (diskDatabaseStepBytes).
	wfDiskStepBytes = 128
	// wfDiskWindowBytes is one window's row of windows.csv and .parquet
	// (~300 bytes), and wfChartBytes walkforward.png and .svg (173 KB
	// for two SMA crosses' curves of 1,800 days).
	wfDiskWindowBytes = 512
	wfChartBytes      = 224 << 10
	// wfCutBarBytes and wfCutStepBytes are what a walk-forward's cut of
	// the panel holds (two a window, held to the end of the walk-forward):
	// its bars are sub-slices of the panel's, its timeline its own
	// (engine.Timeline: an instrument and a row, int32 each, a bar; a
	// time and an offset a step). They were counted as copies of the
	// whole panel, 56 bytes a bar each: a one-minute walk-forward on BTC
	// (525,600 bars, 48 windows of 30 + 7 days, 2 candidates,
	// --no-report) was estimated at 5.6 GB and peaked at 1,285 MiB
	// (now 1,359 MiB, 1.06×); 11 windows of 60 + 30 days of 4
	// candidates, 1.6 GB for a peak of 622–651 MiB (now 1.05–1.10×).
	wfCutBarBytes  = 8
	wfCutStepBytes = 12
)

// Estimate is what an experiment will cost, computed before any work:
// run counts from the file alone, memory and disk once the data's size is
// known (Bars and Steps; 0 before). Sizes are upper estimates from the
// cost model above. From the file alone, Views counts every scenario;
// [Run] counts again, once the data is loaded, only those it keeps (a
// library scenario that cannot apply to the data, or changes nothing in
// it, is skipped: [File.Views]).
type Estimate struct {
	Points      int   // parameter sets: every strategy's sweep points
	Views       int   // 1 (the baseline) + scenarios
	Companions  int   // long-leg companion runs per view (stress)
	Runs        int   // every engine run, Monte Carlo and walk-forward included
	MonteCarlo  int   // of Runs: Monte Carlo path replays
	WalkForward int   // of Runs: walk-forward window runs
	Bars        int64 // bars in the panel, every instrument (0: data not loaded)
	Steps       int64 // steps of the merged timeline (0: data not loaded)
	RunSteps    int64 // of Steps, those a run writes: from start, the warm-up left out
	Memory      int64 // bytes: peak memory of the process, its data's load included (known once loaded)
	Disk        int64 // bytes: the results folder, as the options write it
	// RunDisk is what Disk counts for one run's own folder (runs/<key>/:
	// its equity, legs, metrics and fills files); a run's fills, which
	// the model cannot know before the run, are counted at a few KB.
	// [Run] measures the runs' folders as they are written and stops an
	// experiment whose runs write more than that (diskGuard).
	RunDisk int64
	// Workers and Working: the runs held in memory at once (the workers,
	// at most one a run) and the bytes they hold, of Memory.
	Workers int
	Working int64
}

// EstimateError is an experiment refused for its estimate.
type EstimateError struct {
	Name     string // the experiment
	Estimate Estimate
	Over     []string // what passed its limit: "runs", "memory", "disk"
	Limits   Limits
}

func (e *EstimateError) Error() string {
	est, lim := e.Estimate, e.Limits
	// Before the data are loaded (no steps yet) memory and disk are
	// Monte Carlo's share alone: a lower bound, said so.
	size := "an estimated "
	if est.Steps == 0 {
		size = "at least "
	}
	var parts []string
	for _, o := range e.Over {
		switch o {
		case "runs":
			parts = append(parts, fmt.Sprintf("an estimated %s runs (limit %s)", count(int64(est.Runs)), count(int64(lim.maxRuns()))))
		case "memory":
			parts = append(parts, fmt.Sprintf("%s%s of memory (limit %s)", size, Bytes(est.Memory), Bytes(lim.MaxMemory)))
		case "disk":
			room := "limit " + Bytes(lim.MaxDisk)
			if lim.DiskFree {
				room = Bytes(lim.MaxDisk) + " free"
			}
			parts = append(parts, fmt.Sprintf("%s%s of results on disk (%s)", size, Bytes(est.Disk), room))
		}
	}
	return fmt.Sprintf("experiment %q is too large: %s; it would make %s", e.Name, strings.Join(parts, ", "), est.describe())
}

// describe says where the runs come from.
func (e Estimate) describe() string {
	s := fmt.Sprintf("%s parameter set(s) × %d view(s) (baseline + scenarios)", count(int64(e.Points)), e.Views)
	if e.Companions > 0 {
		s += fmt.Sprintf(" + %s long-leg companion(s) per view", count(int64(e.Companions)))
	}
	if e.MonteCarlo > 0 {
		s += fmt.Sprintf(" + %s Monte Carlo path runs", count(int64(e.MonteCarlo)))
	}
	if e.WalkForward > 0 {
		s += fmt.Sprintf(" + %s walk-forward runs", count(int64(e.WalkForward)))
	}
	s += fmt.Sprintf(" = %s runs", count(int64(e.Runs)))
	if e.Steps > 0 {
		s += fmt.Sprintf(", over %s steps (%s bars)", count(e.Steps), count(e.Bars))
	}
	switch {
	case e.Steps > 0:
		s += fmt.Sprintf("; about %s of memory and %s on disk", Bytes(e.Memory), Bytes(e.Disk))
	case e.Memory > 0:
		// From the file alone: Monte Carlo's share, the data's to come.
		s += fmt.Sprintf("; at least %s of memory and %s on disk (Monte Carlo's share, before the data are loaded: theirs is counted then)", Bytes(e.Memory), Bytes(e.Disk))
	}
	return s
}

func (l Limits) maxRuns() int {
	if l.MaxRuns == 0 {
		return DefaultMaxRuns
	}
	return l.MaxRuns
}

// check returns an *EstimateError when e passes a limit (and not Force).
func (l Limits) check(name string, e Estimate) error {
	if l.Force {
		return nil
	}
	var over []string
	if m := l.maxRuns(); m > 0 && e.Runs > m {
		over = append(over, "runs")
	}
	if l.MaxMemory > 0 && e.Memory > l.MaxMemory {
		over = append(over, "memory")
	}
	if l.MaxDisk > 0 && e.Disk > l.MaxDisk {
		over = append(over, "disk")
	}
	if len(over) == 0 {
		return nil
	}
	return &EstimateError{Name: name, Estimate: e, Over: over, Limits: l}
}

// points counts each strategy's parameter sets (its sweep's cartesian
// product) without building them, checking every sweep's values.
func (f *File) points() ([]int, error) {
	out := make([]int, len(f.Strategy))
	for si, spec := range f.Strategy {
		total := 1
		for _, k := range slices.Sorted(maps.Keys(spec.Sweep)) {
			vs, err := sweepValues(fmt.Sprintf("strategy[%d].sweep.%s", si, k), spec.Sweep[k])
			if err != nil {
				return nil, err
			}
			total *= len(vs) // at most 100,000 each: no overflow below
			if total > 1_000_000 {
				return nil, fmt.Errorf("strategy[%d].sweep: more than 1,000,000 runs", si)
			}
		}
		out[si] = total
	}
	return out, nil
}

// Estimate is the experiment's cost as far as the file tells: its runs,
// and the memory Monte Carlo's paths will keep. Of opt it reads Stress
// (every library scenario when the file names none) and Strategies (the hedge types, whose runs get a
// long-leg companion under scenarios; default the built-ins).
func (f *File) Estimate(opt Options) (Estimate, error) {
	opt = opt.withDefaults()
	stress := opt.Stress
	pts, err := f.points()
	if err != nil {
		return Estimate{}, err
	}
	var e Estimate
	pairs := 0
	for si, n := range pts {
		e.Points += n
		if opt.Strategies[f.Strategy[si].Type].LongLeg != nil {
			pairs += n
		}
	}
	e.Views = 1 + len(f.Scenarios) + len(f.Inline)
	if e.Views == 1 && stress {
		lib, err := scenarios.Library()
		if err != nil {
			return e, err
		}
		e.Views += len(lib)
	}
	if e.Views > 1 {
		e.Companions = pairs
	}
	e.Runs = (e.Points + e.Companions) * e.Views
	if mc := f.MonteCarlo; mc != nil {
		e.MonteCarlo = e.Points * mc.Paths
		e.Runs += e.MonteCarlo
		// Per run: the bands (exact values of the first paths, then a
		// sketch per day) and a few figures per path.
		exact := int64(min(mc.Paths, metrics.DefaultExactPaths)) * int64(mc.Days) * mcExactValueBytes
		if mc.Paths > metrics.DefaultExactPaths {
			exact = max(exact, int64(mc.Days)*mcSketchDayBytes)
		}
		e.Memory += int64(e.Points) * (exact + int64(mc.Paths)*mcPathBytes)
		// On disk, per run: its paths' rows (and in results.duckdb), its
		// bands' days; and the chart of the runs' fans.
		row := int64(mcDiskPathBytes)
		if opt.Database != nil {
			row += mcDatabasePathBytes
		}
		e.Disk += int64(e.Points)*(int64(mc.Paths)*row+int64(mc.Days)*mcDiskDayBytes) +
			mcChartBytes + int64(min(e.Points, maxOverlay))*mcChartRunBytes
	}
	return e, nil
}

// withViews is the file's estimate e with n views kept (the baseline
// and n−1 scenarios): their runs and long-leg companions.
func (e Estimate) withViews(n int) Estimate {
	e.Runs -= (e.Points + e.Companions) * e.Views
	if n <= 1 {
		e.Companions = 0
	}
	e.Views = n
	e.Runs += (e.Points + e.Companions) * n
	return e
}

// withData completes an estimate once the data is loaded: bars and steps
// of the panel, and from them the memory and disk of the runs, as opt
// will write them (its workers, CSV copies, charts, report and
// database). specs are the file's runs (File.Runs), whose strategies may
// bound their fills (nil: none counted).
func (f *File) withData(e Estimate, m *Market, opt Options, specs []RunSpec) Estimate {
	pts, _ := f.points() // checked by Estimate
	bars := panelBars(m.Panel)
	steps := int64(m.Timeline.Len())
	// A run writes the steps from start alone: the warm-up before it is
	// read, not written (a year's runs after 2019–2024 of daily warm-up,
	// real-ai-hedge, were counted 2,601 steps on disk for their 354).
	// Memory keeps the whole timeline's count, as measured.
	written := steps
	if (m.Start != 0 || m.StartSet) && steps > 0 {
		written -= int64(m.Timeline.StepAt(m.Start))
	}
	e.RunSteps = written
	e.Bars, e.Steps = bars, steps
	held := e.Memory // Monte Carlo's, from the file
	var wfDisk int64
	if w := f.WalkForward; w != nil && m.Timeline.Len() > 0 {
		first := m.Start // as wfWindows
		if m.Start == 0 && !m.StartSet {
			first = m.Timeline.Times[0]
		}
		ws := w.Windows(first, m.Timeline.Times[m.Timeline.Len()-1]+data.NanosPerDay)
		wins := int64(len(ws))
		wf := wins * int64(e.Points+len(f.Strategy))
		e.WalkForward = int(min(wf, 1<<40))
		e.Runs += e.WalkForward
		// Each window cuts the panel twice, at its in-sample and its
		// out-of-sample end (wfSetup): the cuts share the panel's bars,
		// and each holds a timeline of its own over the bars before it.
		for _, win := range ws {
			for _, end := range []int64{win.ISEnd, win.OOSEnd} {
				held += barsBefore(m.Panel, end)*wfCutBarBytes + int64(m.Timeline.StepAt(end))*wfCutStepBytes
			}
		}
		// On disk, per strategy: its stitched out-of-sample curve (the
		// steps the windows' out-of-sample parts hold) and its windows'
		// rows; and the chart of the curves.
		var oos int64
		if wins > 0 {
			from, _ := slices.BinarySearch(m.Timeline.Times, ws[0].OOSStart)
			to, _ := slices.BinarySearch(m.Timeline.Times, ws[len(ws)-1].OOSEnd)
			oos = int64(to - from)
		}
		perStep := int64(wfDiskStepBytes)
		if opt.Report != nil || opt.Database != nil {
			perStep += diskDatabaseStepBytes
		}
		wfDisk = int64(len(f.Strategy))*(oos*perStep+wins*wfDiskWindowBytes) + wfChartBytes
	}
	main := int64(e.Points+e.Companions) * int64(e.Views)
	lines := min(int64(e.Points), maxLines)
	most, shownFills, allFills := runFills(specs, m.Timeline, lines, e.Companions > 0, opt)
	allFills *= int64(e.Views)
	// The pool runs no more workers than there are runs: --workers
	// 100000 on 2 runs held 2, and was refused for 69.7 GB.
	e.Workers = max(1, min(opt.Workers, e.Runs))
	// The workers' share is an upper bound already (a one-minute sweep
	// on 2 workers peaked where the same on 1 did): no headroom on it.
	e.Working = int64(e.Workers) * (steps*workingStepBytes + most*workingFillBytes)
	curves := main * (curveColumns*columnBytes(steps) + runBytes)
	panels := int64(e.Views) * bars * barBytes
	// The series the replays take returns from under another symbol
	// (loadReplaySources: RNDR for RENDER), held once beside the panel
	// until the bars are dropped.
	if m.ReplaySource != nil {
		panels += (panelBars(m.ReplaySource) - panelBars(m.replayBase())) * barBytes
	}
	e.Memory = processBytes + heapHeadroom*(held+panels+curves) + e.Working
	// A third phase comes first: reading a one-table dataset, when
	// DuckDB holds a query's rows beside the bars decoded so far (every
	// bar read, to end, warm-up included).
	if f.Data.Table != "" || f.Data.Query != "" {
		read := panelBars(m.replayBase())
		rows := read
		if f.Data.Query == "" && !duckdb.ReadWhole(f.Data.Table) {
			rows = min(rows, duckdb.BatchRows)
		}
		e.Memory = max(e.Memory, processBytes+rows*tableRowBytes+read*barBytes)
	}
	outputs := opt.Report != nil || opt.Database != nil
	// Legs charts are drawn for baseline runs of a strategy with legs
	// (the pair hedges) alone: a sweep of SMA crosses draws none.
	var legged int64
	for si, n := range pts {
		if opt.Strategies[f.Strategy[si].Type].LongLeg != nil {
			legged += int64(n)
		}
	}
	if outputs {
		// report.html and results.duckdb are made once every run is
		// done: the workers' buffers are gone and, with FreeBars, the
		// bars; the curves stay. The peak is the larger of the phases:
		// a one-minute sweep's runs hold its bars, a daily sweep's
		// outputs its many runs' rows.
		kept := curves + held
		if !opt.FreeBars {
			kept += panels
		}
		var database, report int64
		if opt.Database != nil {
			database = databaseBytes + main*(steps*databaseStepBytes+int64(duckdbThreads(opt.Workers))*databaseRunBytes) +
				allFills*databaseFillBytes
		}
		if opt.Report != nil {
			report = min(reportBytes+lines*steps*reportStepBytes, reportMaxBytes) +
				min(legged, maxLines)*bars*reportLegBarBytes + shownFills*reportFillBytes
		}
		// On two workers or more the report and the database are made
		// at the same time, and their memory adds: the 5-minute pair
		// hedges, one-minute BTC (20 runs) and the hourly 50-run sweep
		// peaked 30–45 MiB higher than on one worker, where one follows
		// the other.
		both := max(database, report)
		if opt.Workers >= 2 && database > 0 && report > 0 {
			both = database + report + reportBesideBytes
		}
		e.Memory = max(e.Memory, processBytes+int64(outputHeadroom*float64(kept))+both)
	}
	// A step in the run's own folder, then in results.duckdb too.
	runStep := int64(diskStepBytes)
	if csv, _ := f.perRunCSV(int(min(main, 1<<40)), opt); csv {
		runStep += diskCSVStepBytes
	}
	perStep := runStep
	if opt.Database != nil {
		perStep += diskDatabaseStepBytes
	}
	e.Disk += wfDisk
	e.RunDisk = written*runStep + diskRunBytes
	charted := min(legged, maxLines)
	if opt.AllCharts {
		charted = legged
	}
	e.Disk += diskExperimentBytes + lines*written*diskLineStepBytes + main*(written*perStep+diskRunBytes) + charted*diskChartBytes
	// Each scenario kept: its equity chart, and its share of the
	// report's and the database's tables.
	scen := int64(diskScenarioBytes)
	if outputs {
		scen += diskScenarioOutputBytes
	}
	e.Disk += int64(e.Views-1) * (scen + lines*written*diskLineStepBytes)
	var closes int64
	for _, p := range []*data.Panel{m.Panel, m.Bench} {
		if p == nil {
			continue
		}
		for i := range p.Series {
			closes += int64(min(p.Series[i].Len(), 4*priceBuckets))
		}
	}
	e.Disk += closes * diskCloseBytes
	if outputs {
		e.Disk += diskOutputBytes
	}
	return e
}

// runFills bounds the fills of the runs of specs over the timeline tl
// (strategies.FillRate; 0 for a strategy that does not bound them): of
// the largest run, of the shown largest runs together (the report draws
// at most that many), and of every run of one view, long-leg companions
// (counted as their hedges) included when companions. A bound of a
// decision at any step (FillRate.AnyStep: a pair hedge's or a weights
// basket's drift band, a pair hedge's gross cap or stop-loss) is not
// counted, as for a strategy without a bound: a decision every step is
// thousands of times the fills such a run makes (the intraday-hedge
// example on a year of one-minute bars: 822 fills, bound at 3,152,520,
// estimated at 3.5 GB for a peak of 405 MB).
func runFills(specs []RunSpec, tl *engine.Timeline, shown int64, companions bool, opt Options) (most, top, all int64) {
	if len(specs) == 0 || tl.Len() == 0 {
		return 0, 0, 0
	}
	steps := int64(tl.Len())
	days := (tl.Times[tl.Len()-1]-tl.Times[0])/data.NanosPerDay + 1
	var each []int64
	for i := range specs {
		r := specs[i].fills
		if r.AnyStep() {
			continue
		}
		n := r.Fills(steps, days)
		if n == 0 {
			continue
		}
		all += n
		if companions && opt.Strategies[specs[i].Type].LongLeg != nil {
			all += n
		}
		each = append(each, n)
	}
	slices.SortFunc(each, func(a, b int64) int { return cmp.Compare(b, a) })
	for i, n := range each {
		if int64(i) == shown {
			break
		}
		top += n
	}
	if len(each) > 0 {
		most = each[0]
	}
	return most, top, all
}

// columnBytes bounds what Go's allocator takes for a column of steps
// 8-byte values allocated at once: past 32 KiB, whole pages of 8 KiB;
// up to it, a size class at most an eighth over the bytes asked (Go's
// classes waste no more above a few hundred bytes), and never past the
// largest class, 32 KiB (29,208 bytes take 32,768).
func columnBytes(steps int64) int64 {
	const page, largest = 8 << 10, 32 << 10
	n := steps * 8
	if n > largest {
		return (n + page - 1) / page * page
	}
	return min(largest, (n+n/8+15)/16*16)
}

// duckdbThreads is the threads DuckDB builds results.duckdb on for
// workers workers: the process's cores (GOMAXPROCS), which the command
// lowers to --workers N below them (cmd/divergence limitCores).
func duckdbThreads(workers int) int {
	return max(1, min(workers, runtime.GOMAXPROCS(0)))
}

// barsBefore is the bars of every instrument of p stamped before t (as
// data.Panel.Before keeps them).
func barsBefore(p *data.Panel, t int64) int64 {
	var n int64
	for i := range p.Series {
		n += int64(sort.Search(len(p.Series[i].Time), func(k int) bool { return p.Series[i].Time[k] >= t }))
	}
	return n
}

// panelBars is the bars of every instrument of p.
func panelBars(p *data.Panel) int64 {
	var n int64
	for i := range p.Series {
		n += int64(p.Series[i].Len())
	}
	return n
}

// count writes n with thousands separators: 1,000,000.
func count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Bytes writes a size in bytes for people: 512 B, 1.5 KB, 5.3 GB (powers
// of 1024).
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, "KMGTPE"[i])
}
