package experiment

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/scenarios"
	"github.com/divergence-research/divergence/strategies"
)

// Options control an experiment's execution. The zero value runs the
// built-in strategies on the data the experiment file names, on all
// cores, into ./out.
type Options struct {
	// Strategies is the registry the experiment's strategy types are built
	// from. Default (nil): strategies.Builtins(). A program adds types of
	// its own beside the built-ins:
	//
	//	reg := strategies.Builtins()
	//	reg["my-type"] = strategies.Factory{Name: "my-type", New: newMine}
	Strategies strategies.Registry
	// Models are the cost models an experiment file may name in [costs]
	// (see ModelSpec). Default (the zero Registry): engine.Models(). A
	// program adds models of its own beside the built-ins:
	//
	//	models := engine.Models()
	//	models.Fee["my-fee"] = func() engine.FeeModel { return &MyFee{} }
	Models engine.Registry
	// DataDir, when set, replaces the experiment file's data.dir (used as
	// it is, not relative to the file); it has no effect on synthetic or
	// catalog data. cmd/divergence sets it from $DIVERGENCE_DATA.
	DataDir string
	// Out is the folder the experiment's folder is written into. Default "out".
	Out string
	// Workers is the number of runs executed at once. Default: all cores.
	Workers int
	// Version is the program version written to the manifest.
	Version string
	// Build identifies the program's build beyond Version, which every
	// build between two releases shares (cmd/divergence gives the SHA-256
	// of its executable): a shard records it in shard.json and a merge
	// refuses the shards of another build, whose runs another code may
	// have computed. Empty: not recorded, and only Version is compared.
	Build string
	// SortBy is the metric runs are ranked by in the plot (when there are
	// too many runs to draw them all) and by TopRuns. Default "sharpe".
	SortBy string
	// Stress runs every built-in library scenario when the experiment
	// names none (`divergence stress`).
	Stress bool
	// Keep keeps every run's fills, ledger and events in memory after the
	// run is written (by default they are dropped: a large sweep's fills
	// would otherwise all be held until the end).
	Keep bool
	// FreeBars drops the market's bars (data.Panel.DropBars) once the
	// runs' files and the tables are written (and the Monte Carlo and the
	// walk-forward run), before the report, the database and the charts,
	// which read the runs' results and not a bar: the database then
	// builds beside the results alone, not the market as well.
	// Outcome.Panel and Outcome.Views then keep their instruments,
	// without bars. It applies when the report or the database is made
	// (Report or Database set); a shard, a run without either, and a run
	// that fails keep their bars. The command sets it; a caller that
	// reads the bars after Run leaves it unset.
	FreeBars bool
	// Limits bound the experiment's estimated runs, memory and disk
	// (see [Estimate]); the zero value bounds the runs only.
	Limits Limits
	// Holder describes this process in the results folder's lock file
	// (pid, start time, command), for the message of a run that finds the
	// folder locked. Default: "pid N".
	Holder string
	// Wait makes a run into a locked results folder wait for it instead
	// of failing: up to WaitUpTo when it is above 0, else as long as it
	// takes. A data.catalog another process holds (an import writing it)
	// is waited for alike; without Wait, up to duckdb.DefaultCatalogWait.
	Wait     bool
	WaitUpTo time.Duration
	// NoWait, with Wait false, says the wait was refused outright
	// (--wait=0): a data.catalog another process holds fails the run at
	// once, where without it the run waits duckdb.DefaultCatalogWait.
	NoWait bool
	// Waiting, when set, receives with Wait one line when the run starts
	// waiting, saying for whom (LockDir); and, with Wait or not, one when
	// it waits for its data.catalog.
	Waiting func(string)
	// Hold keeps the results folder locked after Run returns, until
	// Outcome.Release (the command holds it while it writes the database
	// and the report).
	Hold bool
	// Note, when set, receives lines of housekeeping as they happen (a
	// dead run's leftovers removed).
	Note func(string)
	// Progress, when set, is called after each run with the number of runs
	// done and the total. It may be called from several goroutines, never
	// concurrently.
	Progress func(done, total int)
	// Report, when set, writes report.html into the experiment's folder
	// from the results the experiment holds in memory (ReportInput), and
	// Database, when set, builds results.duckdb there from the folder's
	// files, the runs' records and their equity curves. cmd/divergence
	// sets them to report.WriteInput and resultsdb.BuildRuns unless
	// --no-report (the experiment does not import those packages, whose
	// tests run experiments).
	Report func(ctx context.Context, in ReportInput) error
	// Database gets each run's equity curve too (equity[i] of runs[i]),
	// which it may read instead of the runs' equity files, and the
	// distinct values of the fills files' text columns across runs
	// (results.FillText), nil when not known.
	Database func(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error
	// CSV, when set, replaces the experiment file's output.csv: auto,
	// always or never (`divergence run --csv`).
	CSV string
	// AllCharts draws the per-run charts (runs/<key>/legs.png and .svg)
	// of every run. By default they are drawn only for the runs the
	// experiment's equity chart shows (the best maxLines by SortBy, see
	// [Outcome.Shown]); legs.csv is written for every run either way.
	// `divergence run --charts all` sets it.
	AllCharts bool
	// Phase, when set, is called as each phase of the experiment starts,
	// from the calling goroutine: "load" (the data), "runs" (on the
	// worker pool: each run, measured and written by its worker, then
	// the experiment's tables and charts and, unless the experiment has
	// Monte Carlo or walk-forward, report.html and results.duckdb),
	// "montecarlo", "walkforward", "report" (after a Monte Carlo or
	// walk-forward: report.html, results.duckdb, the equity and legs
	// charts, side by side), then "done". A caller times the phases with
	// it (`divergence run --timings`).
	Phase func(name string)

	// Shard, when set, runs only that shard of the experiment into
	// Out/<slug>-shard-I-of-N (see shard.go, [Merge]).
	Shard *Shard

	// merge, set by Merge, takes the runs' results from shards instead
	// of running them.
	merge *mergeSource
	// mergeRead, when set, is called before a merge reads the file name
	// of the shard folder dir.
	mergeRead func(dir, name string)
	// paths, set for a shard, is the range of Monte Carlo paths to run.
	paths *[2]int
	// computeOnly loads and runs, and writes nothing (the benchmarks'
	// load + engine baseline).
	computeOnly bool
	// onPath, when set, is called with each Monte Carlo path's equity
	// (index of the run among the Monte Carlo runs, path index), from the
	// workers, concurrently: the paths are not kept (tests).
	onPath func(run, path int, equity []float64)
}

// ReportInput is what Options.Report gets: the fields of report.Input.
type ReportInput struct {
	// Dir is the experiment's folder (being written: the optional tables
	// the report shows are in it).
	Dir      string
	Manifest results.Manifest
	// Runs are the runs' records, in manifest order; Equity[i] is the
	// equity curve of Runs[i] (charts.CurveSeries).
	Runs   []results.RunRecord
	Equity []charts.Series
	// Gross[i] and Net[i] are the gross and net exposure of Runs[i] at the
	// times of Equity[i] (engine.Curve).
	Gross, Net [][]float64
	// Prices are the instruments' closes, reduced per pixel column (Name =
	// the symbol), as written to prices.parquet: the report draws the
	// runs' entries and exits on them.
	Prices []charts.Series
	// Legs[i] are the leg series of Runs[i], the columns of its legs.csv
	// (nil for a run without legs).
	Legs []*Legs
}

// Legs are a pair hedge's legs at their sync points, as legs.csv holds
// them: the long and short leg returns since the previous point, the
// rolling beta of the short leg on the long and their rolling
// correlation (NaN before the window fills).
type Legs struct {
	Time                    []int64
	LongReturn, ShortReturn []float64
	BetaShortOnLong, Correl []float64
}

// finishing reports whether Report or Database is set.
func (o *Options) finishing() bool { return o.Report != nil || o.Database != nil }

// phase reports the start of a phase to o.Phase.
func (o *Options) phase(name string) {
	if o.Phase != nil {
		o.Phase(name)
	}
}

// RunResult is one executed run.
type RunResult struct {
	RunSpec
	// Base is the key of the run without its scenario; Scenario is the
	// scenario's name ("" for the baseline) and View its index in
	// Outcome.Views.
	Base     string
	Scenario string
	View     int
	Seed     uint64
	Result   *engine.Result
	// Metrics are computed from the run's equity curve (results.Measure).
	Metrics results.RunMetrics
	// Stats are the strategy's own statistics (tranches filled, hedge
	// ratio, …) when it reports any.
	Stats map[string]float64
	// Attribution splits a baseline run's PnL by instrument.
	Attribution []InstrumentPnL

	// legs are the strategy's legs (strategies.Legged; nil when it
	// declares none), found once as the run is executed.
	legs map[string][]string
	// traded are the symbols the run has fills in, sorted, when the
	// experiment has scenarios: kept when its fills are recycled (without
	// Options.Keep) for the stress table (instruments_traded,
	// instruments_shocked and the notes on View.Unshocked).
	traded []string
}

// Baseline reports whether the run is one of the experiment's own: on
// the unshocked data (not a scenario's view) and not a stress test's
// long-leg companion.
func (r *RunResult) Baseline() bool { return r.View == 0 && r.LongLegOf == "" }

// Outcome is an executed experiment.
type Outcome struct {
	Dir            string // the experiment's output folder
	Panel          *data.Panel
	Runs           []RunResult
	PeriodsPerYear float64
	Calendar       string
	PeriodsBasis   string        // how PeriodsPerYear was derived (intraday and weekly or longer bars; see Market)
	WalkForward    []WalkForward // when the experiment has [walkforward]
	Cash           float64       // every run's initial cash
	Views          []View        // the baseline, then one per scenario
	Notes          []string      // scenarios skipped, and why
	Stress         *Stress       // when there are scenarios
	Merged         int           // under Merge: the shards merged (others given are left out)
	MonteCarlo     []MonteCarloResult
	Estimate       Estimate // what the experiment was estimated to cost

	lock *Lock // with Options.Hold
	// Records[i] is the record of Runs[i] (its metrics.json, with its
	// Scenario, Base and LongLegOf filled in): what runs.csv, runs.parquet,
	// results.duckdb and report.html are made of.
	Records []results.RunRecord
	// Shown are the indices of the runs the equity chart draws (and whose
	// per-run charts are drawn without Options.AllCharts): the baseline
	// runs, or the best maxLines of them by Options.SortBy, in run order.
	Shown []int

	legs *legsMemo // the runs' shared leg series, legs.csv and charts
	csv  bool      // the runs' CSV copies are written (File.perRunCSV)
	// fillText[i] holds the distinct values of the text columns of
	// Runs[i]'s fills file (results.FillText), once written, with
	// Options.Database.
	fillText []map[string][]string

	pricesOnce sync.Once
	prices     []charts.Series // priceLines(Panel), made once for the table and the report
}

// closes returns the instruments' closes reduced per pixel column
// (priceLines), computed on first use: prices.parquet and the report
// both draw them.
func (o *Outcome) closes() []charts.Series {
	o.pricesOnce.Do(func() { o.prices = priceLines(o.Panel) })
	return o.prices
}

// Market is an experiment's loaded data: the panel (adjusted and cut to
// the experiment's end), its merged timeline, the first replayed step's
// time and the periods per year of its calendar.
type Market struct {
	// Panel is what the runs replay: with warmup = false, cut at start.
	Panel *data.Panel
	// History is the panel before that cut (Panel itself with warm-up):
	// the real returns scenarios transplant and Monte Carlo draws from.
	History  *data.Panel
	Timeline *engine.Timeline
	// Start is the experiment's start (UTC ns), a bound when StartSet
	// (start given: 0 is 1970-01-01T00:00Z) or when not 0; else the runs
	// go from the first bar (runsStart).
	Start          int64
	StartSet       bool
	PeriodsPerYear float64
	Calendar       string
	// PeriodsBasis says how PeriodsPerYear was derived on intraday bars
	// ("365 days × 24 bars (1h, 24/7)") and bars of a week or longer
	// ("365 days / 7 (1w bars)"); "" on daily bars.
	PeriodsBasis string
	Inputs       []results.Input
	// Base is the engine configuration every run starts from: cash,
	// commission, cost and margin terms, financing, splits.
	Base engine.Config
	// Bench holds the benchmark instruments (nil without benchmarks).
	Bench *data.Panel
	// BenchPeriods is each benchmark's periods per year on its own bars
	// (periodsPerYear of it alone: 252 or 365 on daily bars, 8,760 on
	// hourly 24/7 ones, 252 × 78 on 5-minute sessions), by symbol.
	BenchPeriods map[string]float64
	// Uncut is History before the cut at the experiment's end: the bars
	// the source read past it (a data folder's files whole; a table or
	// query is read up to end). Only the scenarios' replays and Monte
	// Carlo's shocks read it (replaySource), for an event after end.
	Uncut *data.Panel
	// ReplaySource, when set, is Uncut with the series the scenarios'
	// replays take an instrument's returns from under another symbol
	// (RENDER's history before 2023 as RNDR), loaded for them alone
	// (loadReplaySources).
	ReplaySource *data.Panel
	// Notes say what the data made the experiment decide or skip.
	Notes []string
	// bufs hands a finished run's logs (fills, ledger, events) to the next
	// run (engine.Buffers), once nothing reads them any more.
	bufs sync.Pool
}

// dropBars drops the bars of every panel of the market and of its views
// (data.Panel.DropBars) and their timelines, and returns the memory they
// held to the system (debug.FreeOSMemory: a garbage collection) before
// the outputs that follow allocate, DuckDB's included. Nothing may read a
// bar after, nor while it runs.
func (m *Market) dropBars(views []View) {
	for _, p := range []*data.Panel{m.Panel, m.History, m.Bench, m.Uncut, m.ReplaySource} {
		p.DropBars()
	}
	m.Timeline = nil
	for v := range views {
		views[v].Panel.DropBars()
		views[v].Bench.DropBars()
		views[v].Timeline = nil
	}
	debug.FreeOSMemory()
}

// lend returns logs an earlier run handed back, or nil.
func (m *Market) lend() *engine.Buffers {
	b, _ := m.bufs.Get().(*engine.Buffers)
	return b
}

// recycle takes res's logs for a later run; res must no longer be read
// for them.
func (m *Market) recycle(res *engine.Result) {
	if b := engine.Take(res); b != nil {
		m.bufs.Put(b)
	}
}

// replaySource is the panel the scenarios' replays take real returns
// from: ReplaySource when loadReplaySources made it, else replayBase.
func (m *Market) replaySource() *data.Panel {
	if m.ReplaySource != nil {
		return m.ReplaySource
	}
	return m.replayBase()
}

// replayBase is the panel the scenarios' replays read: before the cuts
// at end and at start (Market.Uncut; history() when unset).
func (m *Market) replayBase() *data.Panel {
	if m.Uncut != nil {
		return m.Uncut
	}
	return m.history()
}

// history is the panel before the warm-up cut (Market.History; Panel
// when unset).
func (m *Market) history() *data.Panel {
	if m.History != nil {
		return m.History
	}
	return m.Panel
}

// prepare loads the data the experiment's runs need. opt has its
// defaults.
func (f *File) prepare(ctx context.Context, specs []RunSpec, opt Options) (*Market, error) {
	reg := opt.Strategies
	// The union of the strategies' instruments, in order of first mention.
	var symbols []string
	seen := map[string]bool{}
	asker := map[string]string{} // the first strategy and parameter asking for each symbol
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			symbols = append(symbols, s)
		}
	}
	for _, spec := range specs {
		s, err := reg.New(spec.Type, spec.Params)
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", spec.Key, err)
		}
		if u, ok := s.(strategies.Universe); ok {
			for _, sym := range u.Symbols() {
				if err := checkSymbol(sym); err != nil {
					return nil, fmt.Errorf("run %s: symbol %q in strategy %q's params: %w", spec.Key, sym, spec.Strategy, err)
				}
				// Every reader names an instrument canonically (upper
				// case, no quote currency): "nvda" found NVDA.csv, then
				// the strategy looked for an instrument "nvda".
				if c := data.CanonicalSymbol(sym); c != sym {
					return nil, fmt.Errorf("run %s: symbol %q in strategy %q's params: the data name it %q (upper case, without a quote currency): write %q", spec.Key, sym, spec.Strategy, c, c)
				}
				if _, ok := asker[sym]; !ok {
					asker[sym] = fmt.Sprintf("strategy %q asks for %q", spec.Strategy, sym)
					if p := paramPath(spec.Params, sym); p != "" {
						asker[sym] += " (" + p + ")"
					}
				}
				add(sym)
			}
		}
	}
	for _, s := range f.Data.Symbols {
		// As the readers name it: "nvda" beside a strategy's "NVDA"
		// read NVDA.csv twice ("both give symbol").
		add(data.CanonicalSymbol(s))
	}
	if len(symbols) == 0 {
		return nil, errors.New("the experiment names no instrument: its strategies declare none (a strategy type of a program's own names them through strategies.Universe) and data.symbols lists none")
	}

	if err := f.checkDataKeys(symbols); err != nil {
		return nil, err
	}
	p, inputs, err := f.loadPanel(ctx, symbols, opt)
	if err != nil {
		// Who asked for a symbol the data do not hold, and the one
		// likely meant when the reader did not say.
		var us *data.UnknownSymbolError
		if errors.As(err, &us) && asker[us.Symbol] != "" {
			hint := ":"
			if c := strict.Closest(us.Symbol, us.Have); c != "" {
				hint = fmt.Sprintf("; did you mean %q?", c)
			}
			return nil, fmt.Errorf("%s, which the data do not hold%s %w", asker[us.Symbol], hint, err)
		}
		return nil, err
	}
	var unadjusted []string // equities adjusted from a file without adj_close: as they are
	if f.Prices == "adjusted" {
		for i := range p.Series {
			s := &p.Series[i]
			if s.NoAdjClose && s.Class == data.Equity && !p.Synthetic {
				unadjusted = append(unadjusted, fmt.Sprintf("%s (%s)", s.Symbol, filepath.Base(s.Source)))
			}
		}
		if p, err = adjustedPanel(p); err != nil {
			return nil, err
		}
	}
	lots := make([]string, 0, len(f.Data.LotSizes))
	for sym := range f.Data.LotSizes {
		lots = append(lots, sym)
	}
	sort.Strings(lots)
	for _, sym := range lots {
		lot := f.Data.LotSizes[sym]
		i := p.Index(sym)
		if i < 0 {
			return nil, fmt.Errorf("data.lot_sizes.%s: the experiment's data has no such instrument", sym)
		}
		if !(lot > 0) || math.IsInf(lot, 0) {
			return nil, fmt.Errorf("data.lot_sizes.%s = %g: want a positive lot", sym, lot)
		}
		p.Series[i].LotSize = lot
	}
	start, end := f.Bounds()
	hasStart, hasEnd := f.bounded()
	var notes []string
	if len(unadjusted) > 0 {
		notes = append(notes, fmt.Sprintf("%s: no adj_close column, so prices = \"adjusted\" leaves the bars as they are: dividends are not in these equities' returns (give files with adj_close, or set prices = \"raw\" to say the prices are raw)",
			strings.Join(unadjusted, ", ")))
	}
	for _, in := range inputs {
		if n := len(in.Repairs); n > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d bad row(s) skipped or repaired by on_bad_row (listed in the manifest), the first: %s", in.Symbol, n, in.Repairs[0]))
		}
	}
	// What the readers did that the user should know ("rows were newest
	// first; read in reverse"), and dates asked for beyond the data.
	// The same note of several instruments (each resampled alike) is one
	// line naming them all, in order of first mention (data.Panel.Notes).
	notes = append(notes, p.Notes()...)
	if n := currencyNote(p); n != "" {
		notes = append(notes, n)
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	// dataEnd is when the data's last bars end: a day after the last
	// stamp, or a weekly bar's week after it (lastEnd).
	dataEnd := int64(math.MinInt64)
	for i := range p.Series {
		first, last = min(first, p.Series[i].Time[0]), max(last, p.Series[i].Time[p.Series[i].Len()-1])
		dataEnd = max(dataEnd, lastEnd(&p.Series[i]))
	}
	if hasStart && start < first {
		notes = append(notes, fmt.Sprintf("start = %s is before the data: the runs start with its first bar, on %s", f.Start, data.FormatStamp(first)))
	}
	if hasEnd && end > dataEnd {
		notes = append(notes, fmt.Sprintf("end = %s is after the data: the runs end with its last bar, on %s", f.End, data.FormatStamp(last)))
	}
	// endWho is the instrument whose data end first, when no end is
	// given and the runs end with it.
	endWho := ""
	if !hasEnd {
		// No end given: stop on the last day every instrument trades, so
		// that no run goes on with an instrument frozen at its last close.
		// (last, every instrument's latest bar, is found above.)
		common, who := int64(math.MaxInt64), ""
		for i := range p.Series {
			if t := p.Series[i].Time[p.Series[i].Len()-1]; t < common {
				common, who = t, p.Series[i].Symbol
			}
		}
		endWho = who
		if iv := p.Series[p.Index(who)].Interval; common < last && iv.Intraday() {
			// Intraday: right after the bar that ends first, not at the
			// end of its day.
			end, hasEnd = common+int64(iv), true
			// The others go on to when their latest bar ends, not
			// to its stamp (a 4h bar stamped at the end given here
			// would read as ending there).
			goesOn := last
			for i := range p.Series {
				goesOn = max(goesOn, engine.BarEnd(&p.Series[i], p.Series[i].Len()-1))
			}
			notes = append(notes, fmt.Sprintf("no end given: the runs end at %s, the end of %s's last bar (other instruments go on to %s); set end to choose",
				data.FormatTime(end), who, data.FormatTime(goesOn)))
		} else if common < last {
			// A day after its last bar, or, a bar of a week or longer,
			// when that bar ends (cutAt would leave it out otherwise).
			end, hasEnd = lastEnd(&p.Series[p.Index(who)]), true
			notes = append(notes, fmt.Sprintf("no end given: the runs end on %s, the last day of %s's data (other instruments go on to %s); set end to choose",
				data.FormatDay(common), who, data.FormatDay(last)))
		}
	}
	// What the files hold past end, which the runs never see, is kept for
	// the scenarios' replays: a replay of an event after end (DeepSeek's
	// 2025-01-27 on a 2024 book) takes its returns from there.
	uncut := p
	if hasEnd {
		var daily, intraday, long []string
		p, daily, intraday, long = cutAt(p, end)
		// With no end given the runs' end is derived (above), and the
		// notes name it, not the unset key ("end =  falls inside").
		at := fmt.Sprintf("end = %s", f.End)
		if endWho != "" {
			at = "the runs' end, " + data.FormatTime(end) + ","
		}
		if len(daily) > 0 {
			notes = append(notes, fmt.Sprintf("%s falls inside the daily bars of %s, which close after it: left out (an end given as a date ends on a day's close)", at, strings.Join(daily, ", ")))
		}
		if len(intraday) > 0 {
			notes = append(notes, fmt.Sprintf("%s falls inside the bars of %s, which close after it: left out", at, strings.Join(intraday, ", ")))
		}
		if len(long) > 0 {
			notes = append(notes, fmt.Sprintf("%s falls inside the bars of %s, which close after it: left out (a bar of a week or longer is revealed whole at its stamp, its close that of its span's last day)", at, strings.Join(long, ", ")))
		}
		for i := range p.Series {
			if p.Series[i].Len() > 0 {
				continue
			}
			if endWho != "" {
				// The end is the first instrument's last bar, and this
				// one starts after it: the data share no period.
				u := &uncut.Series[uncut.Index(endWho)]
				return nil, fmt.Errorf("no end given, so the runs end with the data that end first, %s's on %s, before %s's first bar on %s: the instruments share no period; load instruments whose data overlap (or set end)",
					endWho, data.FormatStamp(u.Time[u.Len()-1]), p.Series[i].Symbol, data.FormatStamp(uncut.Series[i].Time[0]))
			}
			return nil, fmt.Errorf("end = %s: %s has no bars before it", f.End, p.Series[i].Symbol)
		}
	}
	// Weekly bars off one another's grid, on the bars the runs see
	// (resampled bars are a day at most; benchmarks, never traded, load
	// apart).
	if err := p.CheckLongBars(); err != nil {
		return nil, err
	}
	tl := engine.NewTimeline(p)
	if hasStart && tl.StepAt(start) >= tl.Len() {
		// The bars were cut at end: the data may go on past it, so the
		// window, not the data, is what holds no bar.
		if last := lastBar(uncut); hasEnd && last >= end {
			if endWho != "" {
				// No end given: the runs' end is the first instrument's
				// last bar (above), not a key to widen.
				u := &uncut.Series[uncut.Index(endWho)]
				return nil, fmt.Errorf("start = %s: no end given, so the runs end with the data that end first, %s's on %s, before start (the other data go on to %s): set end, or leave %s out",
					f.Start, endWho, data.FormatStamp(u.Time[u.Len()-1]), data.FormatStamp(last), endWho)
			}
			return nil, fmt.Errorf("start = %s, end = %s: no bars between them (the last bar before end is on %s; the data go on to %s): widen the window", f.Start, f.End, data.FormatStamp(tl.Times[tl.Len()-1]), data.FormatStamp(last))
		}
		return nil, fmt.Errorf("start = %s: no bars on or after it (data ends %s)", f.Start, data.FormatStamp(tl.Times[tl.Len()-1]))
	}
	notes = append(notes, coverageNotes(p, runsFrom(start, hasStart, tl), tl.Times[tl.Len()-1])...)
	history := p
	if !f.warm() && hasStart {
		// A cold start: the runs see nothing before start.
		p = p.Since(start)
		for i := range p.Series {
			if p.Series[i].Len() == 0 {
				return nil, fmt.Errorf("warmup = false: %s has no bars on or after start = %s", p.Series[i].Symbol, f.Start)
			}
		}
		tl = engine.NewTimeline(p)
	}
	if f.MonteCarlo != nil {
		if err := scenarios.DailyOnly(p); err != nil {
			return nil, err
		}
	}
	ppy, calendar, basis := periodsPerYear(runsPanel(p, runsFrom(start, hasStart, tl)))
	notes = append(notes, calendarNotes(p)...)
	// Benchmarks load apart: they must not change the runs' timeline or
	// calendar.
	var bench *data.Panel
	var benchPPY map[string]float64
	if len(f.Benchmarks) > 0 {
		syms := make([]string, len(f.Benchmarks))
		for i, s := range f.Benchmarks {
			syms[i] = data.CanonicalSymbol(s)
		}
		var benchIn []results.Input
		if bench, benchIn, err = f.loadPanel(ctx, syms, opt); err != nil {
			return nil, fmt.Errorf("benchmarks: %w", err)
		}
		// A benchmark the runs do not trade is an input all the same:
		// its file's fingerprint goes into the manifest beside theirs.
		for _, in := range benchIn {
			if !slices.ContainsFunc(inputs, func(x results.Input) bool { return x.Symbol == in.Symbol }) {
				inputs = append(inputs, in)
			}
		}
		if f.Prices == "adjusted" {
			if bench, err = adjustedPanel(bench); err != nil {
				return nil, fmt.Errorf("benchmarks: %w", err)
			}
		}
		notes = append(notes, benchCoverage(bench, runsFrom(start, hasStart, tl), tl.Times[tl.Len()-1])...)
		benchPPY = make(map[string]float64, len(bench.Series))
		for i := range bench.Series {
			benchPPY[bench.Series[i].Symbol], _, _ = periodsPerYear(&data.Panel{Series: bench.Series[i : i+1]})
		}
	}
	// A costs table for an instrument no run trades applies to none (a
	// typo, or a table kept from another experiment): refused, saying
	// which instruments the runs have, since its file may well lie in
	// the data folder (only the instruments the strategies name load).
	for _, sym := range slices.Sorted(maps.Keys(f.Costs.Symbols)) {
		if p.Index(sym) < 0 {
			have := p.Symbols()
			slices.Sort(have)
			return nil, fmt.Errorf("costs.symbols.%s: no strategy of the experiment trades %s (the runs' instruments: %s): the table applies to none", sym, sym, strings.Join(have, ", "))
		}
	}
	f.instruments = p.Symbols()
	slices.Sort(f.instruments)
	base, err := f.engineBase(opt.Models, func(sym string) (data.Class, bool) {
		if i := p.Index(sym); i >= 0 {
			return p.Series[i].Class, true
		}
		return 0, false
	})
	if err != nil {
		return nil, err
	}
	// After engineBase, which names a split's bad ratio or symbol: the
	// check reads the close's move against 1/ratio.
	if err := f.checkSplits(history, f.Splits); err != nil {
		return nil, err
	}
	if err := f.checkDividends(history); err != nil {
		return nil, err
	}
	divNotes, err := f.inferDividends(&base, history)
	if err != nil {
		return nil, err
	}
	notes = append(notes, divNotes...)
	notes = append(notes, fundingCoverage(base, p, runsFrom(start, hasStart, tl))...)
	notes = append(notes, f.rateFileNotes(base, p, runsFrom(start, hasStart, tl), tl.Times[tl.Len()-1])...)
	notes = append(notes, f.Costs.rateNotes()...)
	notes = append(notes, f.Costs.recallNotes(runsFrom(start, hasStart, tl), tl.Times[tl.Len()-1])...)
	notes = append(notes, f.feeNotes()...)
	// The bars' source rows named the files' rows in the readers' and
	// validation's messages, all made by now: nothing reads them after,
	// and they cost 8 bytes a bar (50 MB for a year of 20 instruments'
	// one-minute bars, held to the end of the run).
	// With dividends_from the replays' source (Market.replayBase) keeps
	// them: its dividends are read when a scenario replays it
	// (replayDividends), and an error there names the file's row.
	var source *data.Panel
	if f.DividendsFrom != "" {
		source = cmp.Or(uncut, history, p)
	}
	for _, q := range []*data.Panel{p, history, uncut, bench} {
		if q == nil || q == source {
			continue
		}
		for i := range q.Series {
			q.Series[i].Rows = nil
		}
	}
	return &Market{Panel: p, History: history, Uncut: uncut, Timeline: tl, Start: start, StartSet: hasStart, PeriodsPerYear: ppy, Calendar: calendar, PeriodsBasis: basis, Inputs: inputs, Base: base, Bench: bench, BenchPeriods: benchPPY, Notes: notes}, nil
}

// Run runs an experiment: it checks the file against opt.Strategies,
// loads the data, runs every run of the experiment in parallel and writes
// the results under opt.Out/<slug of the name>/. The runs are the
// strategies × their parameter sets × (the baseline + every scenario);
// with scenarios (or opt.Stress) the stress table and plots are written
// too, and with [montecarlo] the Monte Carlo section, with [walkforward]
// the walk-forward analysis.
func Run(ctx context.Context, f *File, opt Options) (*Outcome, error) {
	if f == nil {
		return nil, errors.New("experiment: nil File (read one with Parse or Load)")
	}
	opt = opt.withDefaults()
	if err := f.Validate(); err != nil {
		return nil, f.named(err)
	}
	if err := ValidCSV(opt.CSV); err != nil {
		return nil, fmt.Errorf("Options.CSV = %w", err)
	}
	// The estimate comes first, from the file alone (runs, Monte Carlo
	// memory), then once the data's size is known; either refuses an
	// experiment past opt.Limits before a run starts or a folder exists.
	est, err := f.Estimate(opt)
	if err != nil {
		return nil, f.named(err)
	}
	if err := opt.Limits.check(f.Name, est.share(opt.Shard)); err != nil {
		return nil, err
	}
	// The results folder is locked from here to the end (opt.Hold: until
	// Outcome.Release): a second run into it fails now, naming this one.
	// A shard locks its own folder instead (runShard). A merge locks it
	// once its shards are chosen and read (mergeLoad): one refused leaves
	// no folder and no lock file behind (lock files are never removed:
	// lock.go).
	slug := results.Slug(f.Name)
	final := filepath.Join(opt.Out, slug)
	// Before any folder or lock file is made: results the data would
	// read back are refused.
	outName := slug
	if opt.Shard != nil {
		outName = opt.Shard.Name(slug)
	}
	if err := f.checkOutside(opt.Out, outName); err != nil {
		return nil, f.named(err)
	}
	var lock *Lock
	held := false
	defer func() {
		if !held {
			lock.Release()
		}
	}()
	lockOut := func() error {
		var err error
		if lock, err = LockDirUpTo(ctx, opt.Out, slug, opt.Holder, opt.waiter(), opt.WaitUpTo); err != nil {
			return err
		}
		if err := cleanLeftovers(opt.Out, slug, opt.note); err != nil {
			return err
		}
		return checkReplace(final, f.Name)
	}
	if opt.Shard == nil && opt.merge == nil {
		if err := lockOut(); err != nil {
			return nil, err
		}
	}
	specs, sweepNotes, err := f.RunsNoted(opt.Strategies)
	if err != nil {
		return nil, f.named(err)
	}
	opt.phase("load")
	m, err := f.prepare(ctx, specs, opt)
	if err != nil {
		// Named by the experiment's file, as a parse error is: the data,
		// start and end it names are what failed.
		return nil, f.named(err)
	}
	m.Notes = append(sweepNotes, m.Notes...)
	// Scenarios named in the file must all apply (or the run fails): each
	// counts. Of the library's (divergence stress), only those that apply
	// to the data count: the baseline now, and each scenario as Views
	// keeps it (a limit passed stops it there, before a run), then the
	// estimate is made again of the views kept.
	explicit := len(f.Scenarios)+len(f.Inline) > 0
	fileEst := est
	if !explicit {
		est = fileEst.withViews(1)
	}
	est = f.withData(est, m, opt, specs)
	if err := opt.Limits.check(f.Name, est.share(opt.Shard)); err != nil {
		return nil, err
	}
	// A walk-forward that no data can hold fails now, not after the runs,
	// and so does a Monte Carlo shock that cannot be read or given.
	if f.WalkForward != nil {
		if _, err := f.wfWindows(m); err != nil {
			return nil, f.named(err)
		}
	}
	if f.MonteCarlo != nil && f.MonteCarlo.Shock != "" {
		if _, _, err := f.monteCarloShock(); err != nil {
			return nil, err
		}
	}
	list, origins, err := f.scenarioOrigins(opt.Stress)
	if err != nil {
		return nil, err
	}
	if err := f.loadReplaySources(ctx, m, list, opt); err != nil {
		return nil, err
	}
	admit := func(n int) error {
		return opt.Limits.check(f.Name, f.withData(fileEst.withViews(n), m, opt, specs).share(opt.Shard))
	}
	if explicit {
		admit = nil // counted above
	}
	views, vnotes, err := f.views(m, list, !explicit, admit)
	if err != nil {
		return nil, err
	}
	if !explicit {
		est = f.withData(fileEst.withViews(len(views)), m, opt, specs)
	}
	notes := append(append([]string(nil), m.Notes...), vnotes...)
	stress := len(views) > 1
	if opt.Stress && !stress && len(list) > 0 {
		// divergence stress with not one scenario that applies: a stress
		// test of nothing is not a result.
		return nil, fmt.Errorf("stress: none of the %d scenario(s) applies to this experiment (a shock may fall past the data: see scenario_start):\n  %s", len(list), strings.Join(vnotes, "\n  "))
	}
	all := specs
	if stress {
		all = append(append([]RunSpec(nil), specs...), longLegs(opt.Strategies, specs)...)
	}
	var runs []RunResult
	for v := range views {
		for _, s := range all {
			r := RunResult{RunSpec: s, View: v, Base: s.Key}
			if v > 0 {
				r.Scenario = views[v].Name()
				r.Key = s.Key + "@" + results.Slug(r.Scenario)
			}
			r.Seed = engine.SeedFor(f.Seed, r.Key)
			runs = append(runs, r)
		}
	}
	if opt.Shard != nil {
		return f.runShard(ctx, opt, est, specs, m, views, runs, stress, notes)
	}
	perRunCSV, csvNote := f.perRunCSV(len(runs), opt)
	if csvNote != "" {
		notes = append(notes, csvNote)
	}
	var wf *wfPlan
	if opt.merge != nil {
		if wf, err = f.mergeLoad(ctx, opt, specs, m, views, runs, stress); err != nil {
			return nil, err
		}
		if err := lockOut(); err != nil {
			return nil, err
		}
	}
	// Everything is written into a fresh folder beside the final one, which
	// replaces the final folder only once complete: a rerun leaves no file
	// of an earlier run behind, and a failed run leaves the earlier results
	// as they were.
	tmp, err := os.MkdirTemp(opt.Out, "."+slug+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	out := &Outcome{Dir: tmp, Panel: m.Panel, Runs: runs, PeriodsPerYear: m.PeriodsPerYear,
		Calendar: m.Calendar, PeriodsBasis: m.PeriodsBasis, Views: views, Notes: notes, Cash: f.Cash, Estimate: est, Records: make([]results.RunRecord, len(runs)), legs: newLegsMemo(perRunCSV), csv: perRunCSV,
		fillText: make([]map[string][]string, len(runs))}
	// One pool of tasks: first every run, each run, measured and written
	// by its worker (its files, legs.csv and, with AllCharts, its legs
	// chart); then the experiment's tables and the charts, which wait
	// until every run is measured (the equity chart picks the runs it
	// shows by their metrics), and without the report and the database
	// draw beside the last runs' files.
	// Unless opt.Keep, a run's fills, ledger and events are dropped once
	// written (the metrics, the curve and the PnL attribution stay): memory
	// does not grow with the fills of a large sweep. Everything is stored
	// by index.
	opt.phase("runs")
	measured := make(chan struct{})     // closed when every run is measured
	filesWritten := make(chan struct{}) // closed when every run's files are written
	left, unwritten := int64(len(runs)), int64(len(runs))
	var failed atomic.Bool
	var progress sync.Mutex
	var done int
	measure := func(i int) error { return f.execute(opt, m, views, out, i) }
	ruined := make([]ruin, len(runs)) // by run: its note when its equity fell to 0 or below
	// A digest of each swept run's result, taken before its result is
	// written and recycled, for the note on runs with the same results.
	digests, digested := make([][sha256.Size]byte, len(runs)), make([]bool, len(runs))
	// The runs' folders measured as they are written: an experiment whose
	// results cannot fit the disk limit stops there, not at a full disk.
	var guard *diskGuard
	if opt.merge == nil && !opt.computeOnly {
		guard = newDiskGuard(f.Name, opt.Limits, est, len(runs), opt.Database != nil)
	}
	runTask := func(i int) error {
		err := measure(i)
		if err != nil {
			failed.Store(true)
		} else if runs[i].Result != nil {
			ruined[i] = ruinOf(runs[i].Key, &runs[i].Result.Curve)
			if len(runs[i].Swept) > 0 && runs[i].View == 0 {
				digests[i], digested[i] = resultDigest(runs[i].Result), true
			}
		}
		if atomic.AddInt64(&left, -1) == 0 {
			// The last run measured: what needs every run.
			if !failed.Load() {
				if !opt.computeOnly {
					out.Shown = shown(out.Runs, opt.SortBy)
					if stress {
						out.Stress = StressTable(out)
					}
				}
				// The runs' notes, before the files that record them
				// (manifest.json, the report) are written.
				out.Notes = append(out.Notes, runNotes(out, ruined, m.Panel)...)
				out.Notes = append(out.Notes, sameResults(out.Runs, digests, digested)...)
			}
			close(measured)
		}
		if err == nil && !opt.computeOnly {
			err = writeRunFiles(out, &runs[i], &out.Records[i], views[runs[i].View].Panel, opt)
			if err == nil {
				err = guard.add(runDir(out.Dir, runs[i].Key))
			}
			if err == nil && runs[i].Result != nil && opt.Database != nil {
				// The values its fills file holds, for the database's
				// types, while the fills are in memory.
				out.fillText[i] = results.FillText(runs[i].Result.Fills)
			}
		}
		if atomic.AddInt64(&unwritten, -1) == 0 {
			close(filesWritten)
		}
		if !opt.Keep && runs[i].Result != nil {
			m.recycle(runs[i].Result)
		}
		if opt.Progress != nil {
			progress.Lock()
			done++
			opt.Progress(done, len(runs))
			progress.Unlock()
		}
		return err
	}
	// after wraps a task that needs every run measured.
	after := func(task func() error) func() error {
		return func() error {
			select {
			case <-measured:
			case <-ctx.Done():
				return ctx.Err()
			}
			if failed.Load() {
				return nil // the run's own error is returned
			}
			return task()
		}
	}
	var tasks []func() error
	manifest := f.manifest(out, m.Inputs, opt)
	manifest.Scenarios = scenarioSetups(views, origins)
	manifest.MonteCarlo = f.monteCarloSetup(m)
	// With opt.FreeBars, the first output that needs no bar drops them
	// all, and the others wait until it has (sync.Once).
	var barsOnce sync.Once
	freeBars := func() {
		if opt.FreeBars {
			barsOnce.Do(func() { m.dropBars(views) })
		}
	}
	// Without Monte Carlo or walk-forward, the report and the database
	// read nothing written after the runs' files and the tables: they are
	// made here, in the same pool, with the charts, each once every run's
	// files and the tables are written (every task they wait for comes
	// before them in the pool's order, so it is taken first and waiting
	// cannot block).
	early := opt.finishing() && f.MonteCarlo == nil && f.WalkForward == nil
	if !opt.computeOnly {
		// Without the report and the database, the charts (the equity
		// chart's PNG the longest task left once the runs are measured,
		// then the legs charts of the runs it shows) are taken before
		// the tables, so that they do not start last, alone.
		if !opt.finishing() {
			for _, t := range unreadCharts(f, out, opt) {
				tasks = append(tasks, after(t))
			}
		}
		tables := []func() error{
			func() error {
				// Every note is known once the runs are measured.
				manifest.Notes = out.Notes
				return write(out, manifest)
			},
			func() error { return writeAttribution(f, out, opt.SortBy) },
			// The closes the report draws entries and exits on, kept
			// in the folder so that a report made again from it (after
			// --no-report too) is the same.
			func() error {
				return results.WriteOutputs(out.Dir, results.TableOutputs(PricesFile, pricesTable(out.closes()))...)
			},
		}
		if stress {
			tables = append(tables, func() error { return writeStress(f, out) })
		}
		if m.Bench != nil {
			// The closes the report's rolling beta is measured on.
			tables = append(tables, func() error {
				tl := m.Timeline
				t := pricesTable(benchmarkLines(m.Bench, runsFrom(m.Start, m.StartSet, tl), tl.Times[tl.Len()-1]))
				return results.WriteOutputs(out.Dir, results.TableOutputs(BenchmarksFile, t)...)
			})
		}
		written := make(chan struct{})
		pending := int64(len(tables))
		for _, t := range tables {
			tasks = append(tasks, after(func() error {
				defer func() {
					if atomic.AddInt64(&pending, -1) == 0 {
						close(written)
					}
				}()
				return t()
			}))
		}
		// wait wraps a task that needs every run measured and the
		// channels closed.
		wait := func(task func() error, chans ...chan struct{}) func() error {
			return after(func() error {
				for _, c := range chans {
					select {
					case <-c:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				return task()
			})
		}
		// The database, the longest of them, is taken first, then the
		// report beside it, then the charts. Each waits for every run's
		// files (the legs they draw are made with them) and the tables
		// (the closes the report draws): from then on none reads a bar,
		// and with opt.FreeBars the first of them to start drops them.
		if early {
			noBars := func(task func() error) func() error {
				return wait(func() error { freeBars(); return task() }, written, filesWritten)
			}
			tasks = append(tasks, noBars(writeDatabase(ctx, out, opt)))
			tasks = append(tasks, noBars(writeReport(ctx, out, manifest, opt)))
			for _, t := range unreadCharts(f, out, opt) {
				tasks = append(tasks, noBars(t))
			}
		}
	}
	err = parallel(ctx, len(runs)+len(tasks), opt.Workers, nil, func(i int) error {
		if i < len(runs) {
			return runTask(i)
		}
		return tasks[i-len(runs)]()
	})
	if err != nil {
		return nil, err
	}
	if opt.computeOnly {
		opt.phase("done")
		return out, nil
	}
	if f.MonteCarlo != nil {
		opt.phase("montecarlo")
		var mc []MonteCarloResult
		if opt.merge != nil {
			mc = opt.merge.mc
		} else if mc, err = f.monteCarlo(ctx, specs, m, opt); err != nil {
			return nil, err
		}
		out.MonteCarlo = mc
		if err := writeMonteCarlo(f, out.Dir, mc, m.Panel.Synthetic); err != nil {
			return nil, err
		}
		out.Notes = append(out.Notes, f.monteCarloNotes(m)...)
		out.Notes = append(out.Notes, monteCarloRuinNotes(mc)...)
		var prob float64 // the chance a path draws the shock, checked before the runs
		if f.MonteCarlo.Shock != "" {
			_, prob, _ = f.monteCarloShock()
		}
		out.Notes = append(out.Notes, monteCarloShockNotes(f.MonteCarlo, mc, prob)...)
	}
	if f.WalkForward != nil {
		opt.phase("walkforward")
		var wfs []WalkForward
		if opt.merge != nil {
			wfs, err = f.wfFinish(ctx, wf, opt.merge.wfScoresOf(wf), m, opt)
		} else {
			wfs, err = f.walkForward(ctx, specs, m, opt)
		}
		if err != nil {
			return nil, err
		}
		if err := writeWalkForward(f, out.Dir, wfs, m.Panel); err != nil {
			return nil, err
		}
		out.WalkForward = wfs
		for i := range wfs {
			for _, n := range []string{wfNoScoreNote(&wfs[i], f.WalkForward.Metric), wfInfNote(&wfs[i], f.WalkForward.Metric), wfTieNote(&wfs[i], f.WalkForward.Metric), wfRuinNote(&wfs[i])} {
				if n != "" {
					out.Notes = append(out.Notes, n)
				}
			}
		}
	}
	if len(out.Notes) > len(manifest.Notes) {
		// manifest.json, written with the runs' notes, records the Monte
		// Carlo's and the walk-forward's too, and so does the report,
		// made from it.
		manifest.Notes = out.Notes
		if err := writeManifest(out.Dir, manifest); err != nil {
			return nil, err
		}
	}
	if opt.finishing() && !early {
		// The Monte Carlo and the walk-forward, which replay the
		// market, are done.
		freeBars()
		if err := finish(ctx, f, out, manifest, opt); err != nil {
			return nil, err
		}
	}
	if opt.merge != nil {
		if err := opt.merge.writeRecord(tmp); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, final, opt.note); err != nil {
		return nil, err
	}
	out.Dir = final
	if opt.Hold {
		out.lock, held = lock, true
	}
	opt.phase("done")
	return out, nil
}

// adjustedPanel is p on its adjusted closes (data.Panel.Adjusted), once
// every series' adj_close passes its check (data.Series.CheckAdjClose: a
// one-row spike is refused, naming the file and row).
func adjustedPanel(p *data.Panel) (*data.Panel, error) {
	for i := range p.Series {
		if err := p.Series[i].CheckAdjClose(p.Series[i].Source); err != nil {
			return nil, err
		}
	}
	return p.Adjusted(), nil
}

// runNotes are the notes on the runs once every run is measured: the
// ruined ones (ruined holds each run's ruinNote), the stress table's, the
// runs idle at the close, those that never traded and the rejections.
func runNotes(out *Outcome, ruined []ruin, p *data.Panel) []string {
	notes := ruinNotes(ruined)
	if out.Stress != nil {
		notes = append(notes, out.Stress.Notes...)
	}
	idle, explained := idleAtClose(out.Runs, p)
	notes = append(notes, idle...)
	if n := noTrade(out.Runs, explained); n != "" {
		notes = append(notes, n)
	}
	if n := rejected(out.Runs); n != "" {
		notes = append(notes, n)
	}
	if n := dragged(out.Runs); n != "" {
		notes = append(notes, n)
	}
	notes = append(notes, pendingNotes(out.Runs)...)
	return notes
}

// dragged is a note naming the baseline runs, not ruined, with a positive
// Sharpe ratio and a loss: their mean return a period is above the
// risk-free rate, but their volatility drags the compounded return below
// zero (its rate is about the mean less half the variance), so a table
// sorted by Sharpe ratio ranks a loss among the gains. "" when none.
func dragged(runs []RunResult) string {
	var keys []string
	for i := range runs {
		r := &runs[i]
		m := &r.Metrics
		if r.Baseline() && !m.Ruined() && m.Sharpe > 0 && m.TotalReturn < 0 {
			keys = append(keys, fmt.Sprintf("%s (Sharpe %.2f, total return %.2f%%, volatility %.0f%% a year)", r.Key, m.Sharpe, 100*m.TotalReturn, 100*m.AnnualVolatility))
		}
	}
	if len(keys) == 0 {
		return ""
	}
	return fmt.Sprintf("%d run(s) with a positive Sharpe ratio lost money: %s; their mean return a period is positive, but their volatility drags the compounded return below zero (about the mean less half the variance), so a ranking by Sharpe ratio puts these losses among the gains: sort by cagr or calmar (--sort) to rank by what was made", len(keys), firstN(keys, 10))
}

// execute runs, measures and records run i of out (out.Runs[i]): on the
// engine, or under a merge (Options.merge) from the shard that ran it.
func (f *File) execute(opt Options, m *Market, views []View, out *Outcome, i int) error {
	r := &out.Runs[i]
	if opt.merge != nil {
		sr, ok := opt.merge.runs[r.Key]
		if !ok {
			return fmt.Errorf("merge: no shard holds run %s", r.Key)
		}
		r.Result = &engine.Result{Initial: f.Cash, Curve: sr.Curve, Fills: sr.Fills.fills(), Pending: sr.Pending}
		if len(views) > 1 {
			r.traded = tradedSymbols(r.Result.Fills)
		}
		r.Stats, r.Attribution = sr.Stats.stats(), sr.Attribution.rows()
		r.Metrics = results.RunMetrics{}
		if err := json.Unmarshal(sr.Metrics, &r.Metrics); err != nil {
			return fmt.Errorf("merge: run %s: its metrics: %w", r.Key, err)
		}
		out.Records[i] = record(f, out, r)
		r.legs = legsOf(opt.Strategies, r.Type, r.Params)
		return nil
	}
	v := &views[r.View]
	cfg := withEnv(m.Base, v.Panel, v.Env)
	cfg.Seed, cfg.Start, cfg.StartSet = r.Seed, m.Start, m.StartSet
	cfg.Reuse = m.lend()
	res, stats, err := runOne(opt.Strategies, cfg, v.Panel, v.Timeline, r.Type, r.Params)
	if err != nil {
		return fmt.Errorf("run %s: %w", r.Key, err)
	}
	r.Result = res
	if len(views) > 1 {
		r.traded = tradedSymbols(res.Fills)
	}
	r.Stats = stats
	r.Metrics = results.Measure(res, m.PeriodsPerYear)
	r.Metrics.Benchmarks = results.MeasureBenchmarks(res, v.Bench, m.PeriodsPerYear, m.BenchPeriods)
	out.Records[i] = record(f, out, r)
	r.legs = legsOf(opt.Strategies, r.Type, r.Params)
	if r.Baseline() {
		r.Attribution = Attribution(r, r.legs)
	}
	return nil
}

// idleAtClose notes the baseline runs that filled market-on-close
// (fill = "close") and made no trade on a panel whose intraday bars are
// stamped off each other's grid: such a strategy decides only at an
// instant where every instrument it holds has a bar, which never comes
// (docs/strategies.md, sync points). Nothing is said on one grid. keys
// are the runs noted.
func idleAtClose(runs []RunResult, p *data.Panel) (notes, keys []string) {
	var idle []*RunResult
	for i := range runs {
		r := &runs[i]
		if r.Baseline() && r.Metrics.Fills == 0 && (r.Params["fill"] == "close" || r.Params["execution"] == "close") {
			idle = append(idle, r)
		}
	}
	if len(idle) == 0 {
		return nil, nil
	}
	a, b, off := offGrid(p)
	if a == "" {
		return nil, nil
	}
	offText := off.String()
	if off%time.Minute == 0 {
		offText = fmt.Sprintf("%d minutes", off/time.Minute)
	}
	for _, r := range idle {
		notes = append(notes, fmt.Sprintf("run %s made no trade: with fill = \"close\" it decides only at an instant where every instrument it holds has a bar, and %s's bars are stamped %s off %s's, so they never share one; use fill = \"next-open\" (or data on one grid)",
			r.Key, a, offText, b))
		keys = append(keys, r.Key)
	}
	return notes, keys
}

// noTrade notes the baseline runs that made no trade, but those of
// explained (noted with their reason already): their metrics are those
// of cash held, which a sweep's table would otherwise show as a result
// (a slow average longer than the data, a threshold never reached).
func noTrade(runs []RunResult, explained []string) string {
	var keys []string
	for i := range runs {
		r := &runs[i]
		if r.Baseline() && r.Metrics.Fills == 0 && !slices.Contains(explained, r.Key) {
			keys = append(keys, r.Key)
		}
	}
	switch {
	case len(keys) == 0:
		return ""
	case len(keys) == 1:
		return fmt.Sprintf("run %s made no trade: its metrics are those of cash held (check its parameters against the data: a lookback longer than the bars, a threshold never crossed)", keys[0])
	}
	return fmt.Sprintf("%d runs made no trade: %s; their metrics are those of cash held (check their parameters against the data: a lookback longer than the bars, a threshold never crossed)", len(keys), firstN(keys, 10))
}

// firstN lists a note's runs (or symbols): the first n, and how many
// more.
func firstN(keys []string, n int) string {
	if len(keys) > n {
		return fmt.Sprintf("%s and %d more", strings.Join(keys[:n], ", "), len(keys)-n)
	}
	return strings.Join(keys, ", ")
}

// rejected is a note naming the baseline runs that had orders rejected
// (buying power, a short without borrow, a price that is not one): a
// rejected order is not retried, so such a run holds less than its
// strategy asked for, and a hedge may run one-legged; the count is in
// its metrics (rejections), each rejection an event of the run.
func rejected(runs []RunResult) string {
	var keys []string
	for i := range runs {
		r := &runs[i]
		if r.Baseline() && r.Metrics.Rejections > 0 {
			keys = append(keys, fmt.Sprintf("%s (%d)", r.Key, r.Metrics.Rejections))
		}
	}
	if len(keys) == 0 {
		return ""
	}
	what := "run had orders"
	if len(keys) > 1 {
		what = "runs had orders"
	}
	return fmt.Sprintf("%d %s rejected: %s; a rejected order is not retried, so the run holds less than its strategy asked for (a short without borrow, an order past buying power or margin, an invalid price), and a hedge may run one-legged: see the rejections column", len(keys), what, firstN(keys, 10))
}

// offGrid returns two instruments of p with intraday bars of one interval
// stamped off each other's grid (most of a's bars start off past b's by
// off: Yahoo's hourly equities at :30, Binance's tokens at :00), or "".
func offGrid(p *data.Panel) (a, b string, off time.Duration) {
	type grid struct {
		sym   string
		step  int64
		phase int64
	}
	var seen []grid
	for i := range p.Series {
		s := &p.Series[i]
		iv := int64(s.Interval)
		if !s.Interval.Intraday() || iv <= 0 || s.Len() == 0 {
			continue
		}
		// The phase most of its bars have (a few odd stamps do not
		// count), the earliest of equals.
		counts := map[int64]int{}
		for _, t := range s.Time {
			counts[((t%iv)+iv)%iv]++
		}
		best, n := int64(0), -1
		for ph, c := range counts {
			if c > n || c == n && ph < best {
				best, n = ph, c
			}
		}
		for _, g := range seen {
			if g.step == iv && g.phase != best {
				d := ((best-g.phase)%iv + iv) % iv
				return s.Symbol, g.sym, time.Duration(d)
			}
		}
		seen = append(seen, grid{s.Symbol, iv, best})
	}
	return "", "", 0
}

// coverageNotes notes the instruments whose data does not span the runs
// (from the bar at or after from to the last bar, at to; every series of
// p has a bar by then, as prepare has windowed it): one whose data ends
// before the runs start is never traded, and a strategy that names it
// runs without it (a hedge leg without it is that much smaller); one
// whose data ends over a week before the runs end is no longer traded
// from a week after its last bar, and a position in it stays at its last
// close (docs/strategies.md); one whose data starts over a week after the
// runs start is not traded before it, though the metrics span the whole
// period.
func coverageNotes(p *data.Panel, from, to int64) []string {
	var notes []string
	for i := range p.Series {
		s := &p.Series[i]
		last := s.Time[s.Len()-1]
		switch {
		case last < from:
			without := "runs without it"
			if from-last <= 7*data.NanosPerDay {
				// Within a week of the start, the instrument has not
				// ended yet (strategies.md: no bar for over a week): a
				// strategy that waits for every instrument it names
				// waits for it.
				without = fmt.Sprintf("runs without it once a week has passed since its last bar (after %s); until then one that trades its instruments together (a hedge's legs, a basket) waits for it and trades none",
					data.FormatStamp(last+7*data.NanosPerDay))
			}
			notes = append(notes, fmt.Sprintf("%s's data ends on %s, before the runs start (%s): no run trades it, and a strategy that names it %s (a hedge leg without it is that much smaller)",
				s.Symbol, data.FormatStamp(last), data.FormatStamp(from), without))
		case to-last > 7*data.NanosPerDay:
			notes = append(notes, fmt.Sprintf("%s's data ends on %s, %s days before the runs end (%s): from a week after its last bar it is no longer traded, and a position in it stays at its last close",
				s.Symbol, stamp(s, last), strconv.FormatFloat(float64(to-last)/float64(data.NanosPerDay), 'f', 0, 64), stamp(s, to)))
		case endsEarly(s, last, to):
			notes = append(notes, fmt.Sprintf("%s's data ends at %s, %s hours before the runs end (%s): its last close is carried flat to the end (a position in it is valued at it, and no order to it fills), and a hedge with it as a leg does not rebalance then (sync points wait a week for its next bar)",
				s.Symbol, data.FormatTime(last), strconv.FormatFloat(math.Round(100*float64(to-last)/float64(time.Hour))/100, 'f', -1, 64), data.FormatTime(to)))
		}
		if first := firstFrom(s, from); first-from > 7*data.NanosPerDay && last >= from {
			notes = append(notes, fmt.Sprintf("%s's data starts on %s, %s days after the runs start (%s): no run trades it before, and the metrics span the whole period (a hedge with it as a leg is one-legged or flat until then; set start to its first bar to compare like with like)",
				s.Symbol, data.FormatStamp(first), strconv.FormatFloat(float64(first-from)/float64(data.NanosPerDay), 'f', 0, 64), data.FormatStamp(from)))
		}
	}
	return notes
}

// endedEarlyBars is how many of its bars a 24/7 instrument on intraday
// bars may lack at the runs' end before coverageNotes says its data end
// early (an hour at least: an exchange's maintenance window).
const endedEarlyBars = 3

// endsEarly reports whether a series on intraday bars whose last bar is
// at last, within a week of the runs' end to, ends early: a week is the
// threshold for daily bars (an exchange's longest closures), hundreds of
// hourly bars. A 24/7 instrument ends early when it lacks more than
// endedEarlyBars of its bars (or an hour); one of exchange sessions when
// an NYSE session (a weekday not a holiday: data.NYSESession) opened after
// the UTC day of its last bar and by to (engine.SessionHours): its nights,
// weekends and holidays hold no bar in any file, so the runs going on
// through them beside 24/7 instruments is not data missing, a whole
// session is (7 hourly bars, 78 of 5 minutes). A file that stops within
// its last day's session is not noted. Daily bars: false (the week rule).
func endsEarly(s *data.Series, last, to int64) bool {
	if !s.Interval.Intraday() || to <= last {
		return false
	}
	if s.Class.Calendar() == data.Continuous {
		return to-last > max(endedEarlyBars*int64(s.Interval), int64(time.Hour))
	}
	for d := data.DayNumber(last) + 1; d <= data.DayNumber(to); d++ {
		if day := d * data.NanosPerDay; data.NYSESession(day) {
			open, _ := engine.SessionHours(day)
			return open <= to
		}
	}
	return false
}

// stamp is t as a date for a series of daily bars, an instant for one of
// intraday bars (00:00 too, beside its other bars' instants).
func stamp(s *data.Series, t int64) string {
	if s.Interval.Intraday() {
		return data.FormatTime(t)
	}
	return data.FormatStamp(t)
}

// firstFrom is the time of s's first bar at or after from (its last bar
// when it has none).
func firstFrom(s *data.Series, from int64) int64 {
	k, _ := slices.BinarySearch(s.Time, from)
	if k == s.Len() {
		return s.Time[s.Len()-1]
	}
	return s.Time[k]
}

// runsFrom is the runs' first time: start, or the timeline's first step
// when start is unset (0 and not set; data before 1970 has negative
// times, which a max with 0 would lose).
func runsFrom(start int64, set bool, tl *engine.Timeline) int64 {
	if start == 0 && !set {
		return tl.Times[0]
	}
	return max(start, tl.Times[0])
}

// runsStart is the runs' first time (runsFrom).
func (m *Market) runsStart() int64 { return runsFrom(m.Start, m.StartSet, m.Timeline) }

// benchCoverage notes the benchmarks whose bars do not span the runs
// (from, to) within a week at either end: their beta, correlation and
// capture are measured on the part they cover, with a meaning that part
// alone has.
func benchCoverage(bench *data.Panel, from, to int64) []string {
	var notes []string
	for i := range bench.Series {
		s := &bench.Series[i]
		if s.Len() == 0 {
			continue
		}
		first, last := s.Time[0], s.Time[s.Len()-1]
		if first-from > 7*data.NanosPerDay || to-last > 7*data.NanosPerDay {
			notes = append(notes, fmt.Sprintf("benchmark %s has bars from %s to %s, the runs go from %s to %s: its beta, correlation and capture are measured on the dates it covers alone",
				s.Symbol, data.FormatStamp(first), data.FormatStamp(last), data.FormatStamp(from), data.FormatStamp(to)))
		}
	}
	return notes
}

// tradedSymbols returns the distinct symbols of fills, sorted.
func tradedSymbols(fills []engine.Fill) []string {
	var out []string
	for k := range fills {
		if s := fills[k].Symbol; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// Release releases the results folder's lock that Run kept with
// Options.Hold (a no-op otherwise).
func (o *Outcome) Release() { o.lock.Release() }

// catalogWait is how a run waits for a data.catalog another process holds
// (an import writing it): with Wait as a results folder's lock is waited
// for (up to WaitUpTo, else as long as it takes), without it
// duckdb.DefaultCatalogWait, as `data list` does; saying so through
// Waiting either way. It is opened read-only, so that runs (shards) read
// it at once: each held it in turn, and the others waited and failed. It
// was always the default 10 s, in silence and deaf to an interrupt, and
// `run --wait` did not lengthen it, though its error said to wait longer
// with --wait.
func (o Options) catalogWait() duckdb.CatalogOptions {
	c := duckdb.CatalogOptions{Waiting: o.Waiting, ReadOnly: true}
	switch {
	case !o.Wait && o.NoWait:
		c.Wait = -1
	case !o.Wait:
	case o.WaitUpTo > 0:
		c.Wait = o.WaitUpTo
	default:
		c.Wait = duckdb.WaitForever
	}
	return c
}

// waiter is LockDir's wait argument: nil without Wait.
func (o Options) waiter() func(string) {
	switch {
	case !o.Wait:
		return nil
	case o.Waiting == nil:
		return func(string) {}
	}
	return o.Waiting
}

// note reports a line of housekeeping through Options.Note, if set.
func (o Options) note(s string) {
	if o.Note != nil {
		o.Note(s)
	}
}

// unreadCharts returns the tasks that draw the charts nobody reads back:
// the equity chart (equity.png, equity.svg) and, without opt.AllCharts,
// the legs charts of the runs it shows; one task per file. The tasks
// may be made before the runs are measured: each looks at o.Shown when
// it runs.
func unreadCharts(f *File, o *Outcome, opt Options) []func() error {
	var tasks []func() error
	for _, ft := range []charts.Format{charts.PNG, charts.SVG} {
		tasks = append(tasks, func() error { return plot(f, o, opt.SortBy, ft) })
	}
	if opt.AllCharts {
		return tasks
	}
	for k := range maxLines {
		for _, ft := range []charts.Format{charts.PNG, charts.SVG} {
			tasks = append(tasks, func() error {
				if k >= len(o.Shown) {
					return nil
				}
				r := &o.Runs[o.Shown[k]]
				return writeLegsChart(o, r, r.legs, o.Views[r.View].Panel, ft)
			})
		}
	}
	return tasks
}

// writeRunFiles writes a run's files (writeRun) and legs.csv, with its
// legs chart when opt.AllCharts (writeLegs).
func writeRunFiles(o *Outcome, r *RunResult, rec *results.RunRecord, p *data.Panel, opt Options) error {
	if err := writeRun(o, r, rec); err != nil {
		return err
	}
	var legs map[string][]string
	if r.Baseline() {
		legs = r.legs
	}
	if err := writeLegs(o, r, legs, p, opt.AllCharts); err != nil {
		return fmt.Errorf("run %s: %w", r.Key, err)
	}
	return nil
}

// finish writes, on the worker pool, report.html ([writeReport]) and
// results.duckdb ([writeDatabase]) when set, both from the records and curves in
// memory and the files written before, beside the charts nobody reads
// back ([unreadCharts]); the report and the database come first: they
// take longest.
func finish(ctx context.Context, f *File, o *Outcome, manifest *results.Manifest, opt Options) error {
	opt.phase("report")
	tasks := []func() error{writeReport(ctx, o, manifest, opt), writeDatabase(ctx, o, opt)}
	tasks = append(tasks, unreadCharts(f, o, opt)...)
	return parallel(ctx, len(tasks), opt.Workers, nil, func(i int) error { return tasks[i]() })
}

// writeDatabase returns the task that builds results.duckdb
// (Options.Database) from the folder's files and the records in memory;
// nil without Options.Database.
func writeDatabase(ctx context.Context, o *Outcome, opt Options) func() error {
	return func() error {
		if opt.Database == nil {
			return nil
		}
		var equity []*engine.Curve
		for i := range o.Runs {
			if o.Runs[i].Result == nil {
				equity = nil // a run without its result: the files
				break
			}
			equity = append(equity, &o.Runs[i].Result.Curve)
		}
		// The fills' values when every run's are known (each run whose
		// files were written here, from a shard's fills under a merge
		// too), else none: the database then reads them from the files.
		var fillText map[string][]string
		if len(o.fillText) == len(o.Runs) && !slices.ContainsFunc(o.fillText, func(t map[string][]string) bool { return t == nil }) {
			fillText = results.MergeFillText(o.fillText)
		}
		if err := opt.Database(ctx, o.Dir, o.Records, equity, fillText); err != nil {
			return fmt.Errorf("results database: %w", err)
		}
		return nil
	}
}

// writeReport returns the task that writes report.html (Options.Report)
// from the records and curves in memory and the optional files already
// written (stress, attribution, Monte Carlo).
func writeReport(ctx context.Context, o *Outcome, manifest *results.Manifest, opt Options) func() error {
	return func() error {
		if opt.Report == nil {
			return nil
		}
		equity := make([]charts.Series, len(o.Runs))
		gross, net := make([][]float64, len(o.Runs)), make([][]float64, len(o.Runs))
		for i := range o.Runs {
			c := &o.Runs[i].Result.Curve
			equity[i] = charts.ResultSeries(o.Runs[i].Key, o.Runs[i].Result)
			gross[i], net[i] = c.Gross, c.Net
		}
		// The closes, as prices.parquet holds them (written with the
		// tables).
		prices := o.closes()
		legs := make([]*Legs, len(o.Runs))
		for i := range o.Runs {
			r := &o.Runs[i]
			if !r.Baseline() {
				continue
			}
			if l := r.legs; l != nil {
				legs[i] = o.legs.get(r, l, o.Views[r.View].Panel).legs
			}
		}
		if err := opt.Report(ctx, ReportInput{Dir: o.Dir, Manifest: *manifest, Runs: o.Records, Equity: equity, Gross: gross, Net: net, Prices: prices, Legs: legs}); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return nil
	}
}

// shown returns the indices of the runs the equity chart draws: the
// baseline runs (not the stress test's long-leg companions), or the best
// maxLines of them by sortBy when there are more, in run order.
func shown(runs []RunResult, sortBy string) []int {
	var pick []int
	for _, i := range Ranked(runs, sortBy) {
		if runs[i].Baseline() {
			pick = append(pick, i)
		}
	}
	if len(pick) > maxLines {
		pick = pick[:maxLines]
	}
	sort.Ints(pick)
	return pick
}

// maxLines is the number of runs the equity chart draws at most.
const maxLines = 10

// withDefaults fills in the defaults; it is the one place a nil
// Strategies becomes the built-ins.
func (o Options) withDefaults() Options {
	if o.Strategies == nil {
		o.Strategies = strategies.Builtins()
	}
	if o.Out == "" {
		o.Out = "out"
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.SortBy == "" {
		o.SortBy = "sharpe"
	}
	return o
}

// runOne builds a fresh strategy from reg and replays the panel through
// it. The statistics of a strategy that reports some
// (strategies.Reporter) come back beside the result.
//
// cfg is the market's base configuration (Market.Base) with the run's
// Seed, Start and Env set.
func runOne(reg strategies.Registry, cfg engine.Config, p *data.Panel, tl *engine.Timeline, typ string, params strategies.Params) (*engine.Result, map[string]float64, error) {
	s, err := reg.New(typ, params)
	if err != nil {
		return nil, nil, err
	}
	// The strategy sees its own instruments alone: its fills do not
	// depend on the others the experiment loads (another strategy's
	// tokens beside its equities would make its market-on-close orders
	// wait for their later closes).
	if u, ok := s.(strategies.Universe); ok {
		cfg.Universe = u.Symbols()
	}
	res, err := engine.Run(p, tl, s, cfg)
	if err != nil {
		return nil, nil, err
	}
	var stats map[string]float64
	if r, ok := s.(strategies.Reporter); ok {
		stats = r.Report()
	}
	return res, stats, nil
}

// legsOf returns the legs of a fresh strategy of the type with the
// parameters, when it declares some (strategies.Legged), else nil.
func legsOf(reg strategies.Registry, typ string, params strategies.Params) map[string][]string {
	s, err := reg.New(typ, params)
	if err != nil {
		return nil
	}
	if l, ok := s.(strategies.Legged); ok {
		return l.Legs()
	}
	return nil
}

// parallel calls job(i) for i in [0, n) on a pool of workers. Jobs write
// their results by index, so the outcome does not depend on which worker
// ran what or in which order. The first error (by index) is returned.
func parallel(ctx context.Context, n, workers int, progress func(done, total int), job func(i int) error) error {
	errs := make([]error, n)
	next := int64(-1)
	var done int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	if workers > n {
		workers = n
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(atomic.AddInt64(&next, 1))
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				errs[i] = job(i)
				d := atomic.AddInt64(&done, 1)
				if progress != nil {
					mu.Lock()
					progress(int(d), n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Ranked returns the runs' indices ordered by a headline metric
// (results.MetricNames()), best first (highest, except annual_volatility:
// lowest), NaN last, ties by index, ruined runs after the others
// (results.Rank).
func Ranked(runs []RunResult, metric string) []int {
	ms := make([]*results.RunMetrics, len(runs))
	for i := range runs {
		ms[i] = &runs[i].Metrics
	}
	return results.Rank(metric, ms)
}

// replaceDir puts the folder src in the place of dst: dst, if it exists,
// is moved aside, src renamed to dst, and the old folder removed. The old
// folder's entries that are not the program's (ProgramEntry: a notes.txt
// the user put there) are moved into the new one first (keepUsers), and
// said through note: the old folder was removed whole, the user's files
// with it. An entry that cannot be moved keeps the old folder, under a
// name no cleaner removes (<dst>.previous-…), and is said too.
func replaceDir(src, dst string, note func(string)) error {
	// src's files were written without a sync each (a working folder):
	// one sync of the filesystem makes them durable before src replaces
	// the old results.
	if err := syncFolder(src); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(dst); err == nil {
		o, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".old-")
		if err != nil {
			return err
		}
		os.Remove(o)
		if err := os.Rename(dst, o); err != nil {
			return fmt.Errorf("experiment: moving the previous results aside: %w", err)
		}
		old = o
	}
	if err := os.Rename(src, dst); err != nil {
		if old != "" {
			os.Rename(old, dst) // put the previous results back
		}
		return fmt.Errorf("experiment: %w", err)
	}
	if old == "" {
		return nil
	}
	if !keepUsers(old, dst, note) {
		return nil
	}
	return removeTree(old)
}

// keepUsers moves the entries of old, a replaced results folder, that
// are not the program's (ProgramEntry) into dst, its replacement, unless
// dst has an entry of that name, and says which through note. It reports
// whether old may be removed: when an entry could not be moved, old is
// renamed to <dst>.previous-… (a name no cleaner removes), said through
// note, and false is returned. The cleaner of a dead run's leftovers
// (trashName) calls it too, for a run killed between its rename and the
// moves.
func keepUsers(old, dst string, note func(string)) bool {
	ents, err := os.ReadDir(old)
	if err != nil {
		return true
	}
	var kept, stuck []string
	for _, e := range ents {
		name := e.Name()
		if name == "runs" && e.IsDir() {
			k, st := keepUsersRuns(filepath.Join(old, name), filepath.Join(dst, name))
			kept, stuck = append(kept, k...), append(stuck, st...)
			continue
		}
		if ProgramEntry(name) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dst, name)); err == nil {
			stuck = append(stuck, name+" (the new results have one)")
			continue
		}
		if err := os.Rename(filepath.Join(old, name), filepath.Join(dst, name)); err != nil {
			stuck = append(stuck, name+" ("+err.Error()+")")
			continue
		}
		kept = append(kept, name)
	}
	if len(kept) > 0 {
		note("kept from the previous results, which this run replaced: " + strings.Join(kept, ", ") + " (not files of the program's)")
	}
	if len(stuck) == 0 {
		return true
	}
	prev, err := os.MkdirTemp(filepath.Dir(dst), filepath.Base(dst)+".previous-")
	if err == nil {
		os.Remove(prev)
		err = os.Rename(old, prev)
	}
	if err != nil {
		note(fmt.Sprintf("the previous results, with %s, which could not join the new ones, are left in %s", strings.Join(stuck, ", "), old))
		return false
	}
	note(fmt.Sprintf("the previous results, with %s, which could not join the new ones, are kept in %s: take what is yours, then remove it", strings.Join(stuck, ", "), prev))
	return false
}

// keepUsersRuns moves the user's entries of old, the runs folder of a
// replaced results (or shard) folder, into dst, its replacement's (made
// when missing), and returns their names (runs/…) and those it could not
// move, with why. The user's entries are the files at the top of runs/,
// the folders that are no run (a run's folder holds metrics.json, in the
// old results or the new), and within a run's folder the entries that
// are not its files (RunEntry): they go into the new run's folder, or a
// folder of that name when the new results have no such run.
func keepUsersRuns(old, dst string) (kept, stuck []string) {
	ents, err := os.ReadDir(old)
	if err != nil {
		return nil, nil
	}
	move := func(from, to, label string) {
		if _, err := os.Lstat(to); err == nil {
			stuck = append(stuck, label+" (the new results have one)")
			return
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			stuck = append(stuck, label+" ("+err.Error()+")")
			return
		}
		if err := os.Rename(from, to); err != nil {
			stuck = append(stuck, label+" ("+err.Error()+")")
			return
		}
		kept = append(kept, label)
	}
	isRun := func(name string) bool {
		for _, d := range []string{old, dst} {
			if _, err := os.Stat(filepath.Join(d, name, results.RunFile)); err == nil {
				return true
			}
		}
		return false
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			continue
		}
		if !e.IsDir() || !isRun(name) {
			move(filepath.Join(old, name), filepath.Join(dst, name), "runs/"+name)
			continue
		}
		inner, err := os.ReadDir(filepath.Join(old, name))
		if err != nil {
			continue
		}
		for _, f := range inner {
			if RunEntry(f.Name()) {
				continue
			}
			move(filepath.Join(old, name, f.Name()), filepath.Join(dst, name, f.Name()), "runs/"+name+"/"+f.Name())
		}
	}
	return kept, stuck
}

// RunEntry reports whether name, an entry of a run's folder
// (runs/<key>/), is one the program writes there: metrics.json, the
// equity, fills and legs tables and the legs chart, or a temporary file
// of its own (.name.tmp-…). Any other is the user's, kept when the
// results are replaced (keepUsersRuns).
func RunEntry(name string) bool {
	if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
		return true
	}
	if name == results.RunFile {
		return true
	}
	base, ext, ok := strings.Cut(name, ".")
	return ok && slices.Contains(programExts[:], ext) && (base == "equity" || base == "fills" || base == "legs")
}

// ProgramEntry reports whether name, an entry at the top of a results
// folder or a shard's, is one the program writes there (the run, a
// shard, the merge, db, report; compare before it wrote beside the
// folder), or a temporary file of its own (.name.tmp-…): such entries
// of a replaced folder are its results, gone with it; any other is the
// user's, kept (replaceDir). Names are matched whole: notes.txt,
// runs_analysis.ipynb, equity.xlsx and .gitignore are the user's. The
// command's TestShardsMergeByteIdentical checks every entry of folders
// with every output (scenarios, Monte Carlo, walk-forward, attribution,
// shards and their merge, report and database).
func ProgramEntry(name string) bool {
	if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
		return true
	}
	switch name {
	case "manifest.json", "merge.json", "shard.json", "state.gob", "report.html", "results.duckdb", "results.duckdb.wal",
		"runs", "stress", "walkforward":
		return true
	}
	base, ext, ok := strings.Cut(name, ".")
	if !ok || !slices.Contains(programExts[:], ext) {
		return false
	}
	return slices.Contains(programBases[:], base)
}

// programBases and programExts make the names of ProgramEntry's files:
// each base with each extension (stress_heatmap.png, runs.parquet, …).
var (
	programBases = [...]string{"attribution", "attribution_detail", "benchmarks", "compare", "equity", "montecarlo", "montecarlo_bands",
		"montecarlo_summary", "montecarlo_paths", "prices", "runs", "stress", "stress_summary", "stress_heatmap",
		"walkforward", "walkforward_in_sample"}
	programExts = [...]string{"csv", "parquet", "png", "svg"}
)

// checkSplits checks a splits table against raw prices: each split date
// must fall within the instrument's data, and the close must move there by
// about 1/ratio (between half and twice that) — a table applied to prices
// that are already split-adjusted would multiply positions for nothing.
func (f *File) checkSplits(p *data.Panel, splits []SplitSpec) error {
	if f.Prices != "raw" {
		return nil // engineBase refuses a splits table on adjusted prices
	}
	for k, sp := range splits {
		i := p.Index(sp.Symbol)
		if i < 0 {
			continue // engineBase names it
		}
		s := &p.Series[i]
		ts, err := data.ParseDay(string(sp.Date))
		if err != nil {
			continue
		}
		j := sort.Search(s.Len(), func(x int) bool { return s.Time[x] >= ts })
		if j == 0 || j >= s.Len() {
			continue // outside the data (a vendor's full split history): nothing to apply or check
		}
		move := s.Close[j] / s.Close[j-1]
		if want := 1 / sp.Ratio; move < want/2 || move > want*2 {
			return fmt.Errorf("splits[%d]: %s's close goes from %g to %g on %s, not by about 1/%g: are these prices already split-adjusted?",
				k, sp.Symbol, s.Close[j-1], s.Close[j], data.FormatDay(s.Time[j]), sp.Ratio)
		}
	}
	return nil
}

// checkDividends refuses a row of the dividends table whose amount is
// not below the instrument's close before its ex-date (the bar before
// the first bar at or after its date): a dividend is paid out of the
// price, and one of the whole close or more (an amount in cents, a row
// under another symbol) would take the share below nothing. The amount
// is per share after a split of the splits table dated after that bar
// and up to the ex-date (engine.Dividend), so that close is divided by
// their ratios. Rows dated at or before the first bar (already in the
// prices, never paid) or after the last are not checked.
func (f *File) checkDividends(p *data.Panel) error {
	if f.Prices != "raw" {
		return nil // engineBase refuses a dividends table on adjusted prices
	}
	for k, d := range f.Dividends {
		i := p.Index(d.Symbol)
		ts, err := data.ParseDay(string(d.Date))
		if i < 0 || err != nil {
			continue // engineBase names them
		}
		s := &p.Series[i]
		j := sort.Search(s.Len(), func(x int) bool { return s.Time[x] >= ts })
		if j == 0 || j >= s.Len() {
			continue
		}
		before, ratio := s.Close[j-1], 1.0
		for _, sp := range f.Splits {
			st, err := data.ParseDay(string(sp.Date))
			if err == nil && sp.Symbol == d.Symbol && st > s.Time[j-1] && st <= ts && sp.Ratio > 0 {
				ratio *= sp.Ratio
			}
		}
		if c := before / ratio; !(d.Amount < c) {
			at := fmt.Sprintf("on %s", data.FormatDay(s.Time[j-1]))
			if ratio != 1 {
				at = fmt.Sprintf("(%g %s, split %g-for-1 since)", before, at, ratio)
			}
			return fmt.Errorf("dividends[%d].amount = %g: not below %s's close of %g %s, the bar before its ex-date %s: a dividend is paid out of the price (amount is per share, in the price's unit)",
				k, d.Amount, d.Symbol, c, at, data.FormatDay(ts))
		}
	}
	return nil
}

// inferDividends adds to cfg.Dividends, with dividends_from = "adj_close",
// the cash dividends read from each instrument's adj_close/close in p
// (data.Series.InferDividends), but for the instruments the dividends
// table names: the table gives theirs. A split of the splits table is
// divided out of the factor at the first bar on or after its date. It
// notes the equities of whose files no dividend can be read: without an
// adj_close column, or with one equal to the close on every bar (no
// dividend paid, or a close already adjusted for them, as yfinance's
// auto-adjusted files are: their "raw" prices hold the dividends).
func (f *File) inferDividends(cfg *engine.Config, p *data.Panel) ([]string, error) {
	if f.DividendsFrom == "" {
		return nil, nil
	}
	var silent []string
	for i := range p.Series {
		s := &p.Series[i]
		if _, ok := cfg.Dividends[s.Symbol]; ok {
			continue
		}
		var splits map[int64]float64
		for _, sp := range cfg.Splits[s.Symbol] {
			j := sort.Search(s.Len(), func(x int) bool { return s.Time[x] >= sp.Time })
			if j > 0 && j < s.Len() {
				if splits == nil {
					splits = map[int64]float64{}
				}
				splits[s.Time[j]] = sp.Ratio
			}
		}
		ds, err := s.InferDividends(splits)
		if err != nil {
			return nil, fmt.Errorf("dividends_from = %q: %w", f.DividendsFrom, err)
		}
		if len(ds) == 0 {
			if s.Class == data.Equity && !p.Synthetic && (s.NoAdjClose || slices.Equal(s.AdjClose, s.Close)) {
				silent = append(silent, s.Symbol)
			}
			continue
		}
		if cfg.Dividends == nil {
			cfg.Dividends = map[string][]engine.Dividend{}
		}
		out := make([]engine.Dividend, len(ds))
		for k, d := range ds {
			out[k] = engine.Dividend{Time: d.Time, Amount: d.Amount}
		}
		cfg.Dividends[s.Symbol] = out
	}
	if len(silent) == 0 {
		return nil, nil
	}
	return []string{fmt.Sprintf("dividends_from = %q: %s: the file's adj_close is its close on every bar, so no dividend is read: the instrument pays none, or its close is already adjusted for them (yfinance's auto-adjusted files, such as the shared MSFT.csv: their \"raw\" prices hold the dividends, which are not paid again)",
		f.DividendsFrom, strings.Join(silent, ", "))}, nil
}

// fundingCoverage notes the instruments whose funding file does not cover
// their part of the run: outside the file no funding is charged. The
// run's events of an instrument are those in [its first bar, its last
// bar + the bar's span) (a daily bar settles its whole day, 00:00 to
// 16:00, at its close). Each end of the file is compared with the run's
// within half of the file's interval: Binance stamps an event a few
// milliseconds late (the 00:00 event at 00:00:00.002), which covers the
// run's first day, while a file that stops at 00:00 of the run's last day
// leaves that day's 08:00 and 16:00 events unpaid.
func fundingCoverage(cfg engine.Config, p *data.Panel, start int64) []string {
	var out []string
	syms := make([]string, 0, len(cfg.Symbols))
	for s := range cfg.Symbols {
		syms = append(syms, s)
	}
	sort.Strings(syms)
	for _, sym := range syms {
		fu := cfg.Symbols[sym].Funding
		i := p.Index(sym)
		if len(fu.Times) == 0 || i < 0 {
			continue
		}
		s := &p.Series[i]
		span := cfg.BarDuration
		if span == 0 {
			span = data.NanosPerDay
			if s.Interval.Intraday() {
				span = int64(s.Interval)
			}
		}
		first, last := max(s.Time[0], start), s.Time[s.Len()-1]
		end := last + span // the run's events of sym are in [first, end)
		step := int64(data.DetectInterval(fu.Times))
		fileFirst, fileLast := fu.Times[0], fu.Times[len(fu.Times)-1]
		if fileFirst > first+step/2 || fileLast < end-step-step/2 {
			what := "no funding is charged outside the file"
			if fileFirst >= end || fileLast < first {
				what = fmt.Sprintf("none falls within the run: %s pays no funding", sym)
			}
			out = append(out, fmt.Sprintf("%s's funding file has events from %s to %s, the run's bars of %s settle those from %s to before %s: %s",
				sym, data.FormatTime(fileFirst), data.FormatTime(fileLast), sym, data.FormatStamp(first), data.FormatStamp(end), what))
		}
		// Holes inside the file, within the run: no funding is charged
		// across them. A hole is a step over twice the file's usual one
		// (its median), or over 1.5 of it and of the steps on either side:
		// a single missing event is a hole, and so is one event missing in
		// a stretch at another interval, but the steps of such a stretch
		// are not (an exchange moves a contract from 8-hourly to 4-hourly
		// events). It misses as many events as its length has room for at
		// the spacing around it (the usual one or, in a stretch at a
		// longer one, the shorter of its neighbours). The spacing is said
		// to the second (Binance's events are stamped a few ms late, by
		// varying amounts).
		holes, missing, from, to := 0, int64(0), int64(0), int64(0)
		big, bigAt := 0.0, int64(0)
		t := fu.Times
		for k := range t {
			if k > 0 && step > 0 && t[k] > first && t[k-1] < end {
				gap, prev, next := t[k]-t[k-1], step, step
				if k >= 2 {
					prev = t[k-1] - t[k-2]
				}
				if k+1 < len(t) {
					next = t[k+1] - t[k]
				}
				if gap > 2*step || (gap > step+step/2 && 2*gap > 3*max(prev, next)) {
					if holes == 0 {
						from, to = t[k-1], t[k]
					}
					holes++
					around := max(step, min(prev, next))
					missing += (gap+around/2)/around - 1
				}
			}
			if r := math.Abs(fu.Rates[k]); r > big && t[k] >= first && t[k] < end {
				big, bigAt = r, t[k]
			}
		}
		if holes > 0 {
			out = append(out, fmt.Sprintf("%s's funding file has %d hole(s) within the run, %d event(s) missing (its events are usually %s apart), the first from %s to %s: no funding is charged across them",
				sym, holes, missing, data.Interval(time.Duration(step).Round(time.Second)), data.FormatTime(from), data.FormatTime(to)))
		}
		// Perpetual funding is a few hundredths of a percent per event; a
		// rate of 1% or more is likely a file written in percent.
		if big >= 0.01 {
			out = append(out, fmt.Sprintf("%s's funding file has a rate of %g per event (%s), %.4g%%: rates are fractions (0.0001 = 0.01%%); check the file is not written in percent",
				sym, big, data.FormatTime(bigAt), 100*big))
		}
	}
	return out
}

// rateFileNotes says which stablecoin a cash rate file is of, and notes
// the rate files (f.rateFiles) that do not cover the run's accrual, from
// its first step (first, or a borrowing symbol's first bar after it) to
// its last (last), or have gaps within it: before a file's first row the
// constant rate holds (for borrow, the class's borrow_rate, ACT/360; for
// cash, none); across a gap, and after its last row, the rates before are
// held on, noted when the run goes on past where the file's next row was
// due (1.5 of its usual spacing; a gap, over twice it). A
// rate over 100 % a year in force within the run is noted too: real pools
// reach it past their utilisation kink (Aave v2 WETH, 103 %), and a file
// in percent with small rates (3 for 3 %) passes the 1,000 % bound.
func (f *File) rateFileNotes(cfg engine.Config, p *data.Panel, first, last int64) []string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(f.rateFiles)) {
		rs := f.rateFiles[key]
		from, what := first, "cash"
		sym, borrow := strings.CutPrefix(key, "costs.symbols.")
		before := "cash earns and pays nothing"
		rates := [][]float64{rs.Supply, rs.Borrow}
		names := []string{"supply_rate", "borrow_rate"}
		if borrow {
			sym = strings.TrimSuffix(sym, ".borrow_rate_file")
			i := p.Index(sym)
			if i < 0 {
				continue
			}
			from = max(first, p.Series[i].Time[0])
			what = "a short of " + sym
			before = what + " pays no borrow fee"
			if r := cfg.Symbols[sym].Borrow.Rate; r != 0 {
				before = fmt.Sprintf("%s pays its class's borrow_rate, %g a year (ACT/360)", what, r)
			}
			rates, names = rates[1:], names[1:]
		} else {
			out = append(out, fmt.Sprintf("%s: cash earns %s's supply_rate and pays its borrow_rate (%q in %s), per year of 365 days",
				key, rs.Asset, rs.Raw, filepath.Base(rs.Source)))
		}
		n := rs.Len()
		fileFirst, fileLast := rs.Times[0], rs.Times[n-1]
		step := int64(data.DetectInterval(rs.Times))
		if step <= 0 {
			step = data.NanosPerDay
		}
		switch {
		case fileFirst >= last:
			out = append(out, fmt.Sprintf("%s starts at %s, after the run's last step (%s): none of its rates falls within the run: %s",
				key, data.FormatTime(fileFirst), data.FormatStamp(last), before))
			continue
		case fileFirst > from:
			out = append(out, fmt.Sprintf("%s starts at %s, after the run's first step (%s): before it %s",
				key, data.FormatTime(fileFirst), data.FormatStamp(from), before))
		}
		if last-fileLast > step+step/2 {
			r := fmt.Sprintf("borrow_rate %.6g", rs.Borrow[n-1])
			if !borrow {
				r = fmt.Sprintf("supply_rate %.6g and borrow_rate %.6g", rs.Supply[n-1], rs.Borrow[n-1])
			}
			out = append(out, fmt.Sprintf("%s ends at %s, %.4g days before the run's last step (%s): its last row's %s a year are held to the end",
				key, data.FormatTime(fileLast), float64(last-fileLast)/float64(data.NanosPerDay), data.FormatStamp(last), r))
		}
		// Gaps inside the file, within the run: the rate before a gap is
		// held across it, as after the last row. In a daily file (a row a
		// day, Aave's snapshots wandering by hours around the day's end,
		// or Compound's dates) a gap is a UTC day without a row: one
		// missing day is 48 h between rows give or take the snapshots'
		// wander (47.92 h in aave_v2_usdc.csv), which "over twice the
		// spacing" let pass. In another file, a step over twice its
		// usual one.
		daily := step > data.NanosPerDay*5/6 && step < data.NanosPerDay*7/6
		gaps, missing, gapFrom, gapTo := 0, int64(0), int64(0), int64(0)
		for k := 1; k < n; k++ {
			if rs.Times[k] <= from || rs.Times[k-1] >= last {
				continue
			}
			gap := rs.Times[k]-rs.Times[k-1] > 2*step
			if daily {
				days := data.DayNumber(rs.Times[k]) - data.DayNumber(rs.Times[k-1])
				gap = days > 1
				missing += max(days-1, 0)
			}
			if gap {
				if gaps == 0 {
					gapFrom, gapTo = rs.Times[k-1], rs.Times[k]
				}
				gaps++
			}
		}
		switch {
		case gaps > 0 && daily:
			fromS, toS := data.FormatTime(gapFrom), data.FormatTime(gapTo)
			if rs.Dated { // the rows' dates, each held from its day's end
				fromS, toS = data.FormatDay(gapFrom-data.NanosPerDay), data.FormatDay(gapTo-data.NanosPerDay)
			}
			out = append(out, fmt.Sprintf("%s has %d gap(s) within the run, %d day(s) without a row (it has a row a day), the first from %s to %s: the rate before a gap is held across it",
				key, gaps, missing, fromS, toS))
		case gaps > 0:
			out = append(out, fmt.Sprintf("%s has %d gap(s) of over twice its usual spacing (%s) within the run, the first from %s to %s: the rate before a gap is held across it",
				key, gaps, data.Interval(step), data.FormatTime(gapFrom), data.FormatTime(gapTo)))
		}
		// The largest rate in force within the run: rows from the one
		// standing at from to the last before last.
		big, at, inForce := 0.0, -1, 0
		for k := max(rs.At(from), 0); k < n && rs.Times[k] < last; k++ {
			inForce++
			for c, col := range rates {
				if col[k] > big {
					big, at = col[k], k*2+c
				}
			}
		}
		if big > 1 {
			k := at / 2
			out = append(out, fmt.Sprintf("%s has a %s of %.6g a year (line %d, %s), %.4g %%: real pools reach this past their utilisation kink, but check the file is not written in percent",
				key, names[at%2], big, rs.Lines[k], data.FormatTime(rs.Times[k]), 100*big))
		}
		// A supply_rate above the borrow_rate: a pool pays its suppliers
		// out of what its borrowers pay, so as a rule supply < borrow,
		// and a file whose columns are swapped has supply above borrow
		// on nearly every row (a short then pays the supply rate). Real
		// Aave v2 stablecoin pools have it on some days, in runs of
		// days (their stable-rate borrows pay more than the variable
		// borrow_rate the file gives: the shared aave_v2_usdc.csv on 50
		// of its 709 rows, 3 of the 4 from 2020-12-31): accepted, and
		// said when it holds on most of the file's rows, which a short
		// run's window cannot tell, when any row is in force.
		above, firstAbove := 0, -1
		for k := range n {
			if rs.Supply[k] > rs.Borrow[k] {
				if above == 0 {
					firstAbove = k
				}
				above++
			}
		}
		if inForce > 0 && 2*above > n {
			payer := "a negative cash balance"
			if borrow {
				payer = what
			}
			when := data.FormatTime(rs.Times[firstAbove])
			if rs.Dated {
				when = data.FormatDay(rs.Times[firstAbove] - data.NanosPerDay)
			}
			out = append(out, fmt.Sprintf("%s has a supply_rate above its borrow_rate on %d of its %d row(s) (the first at line %d, %s: %.6g > %.6g): check that the columns are not swapped (%s pays the borrow_rate); a pool pays suppliers less than borrowers pay, save days of an Aave v2 pool whose stable-rate borrows pay more",
				key, above, n, rs.Lines[firstAbove], when, rs.Supply[firstAbove], rs.Borrow[firstAbove], payer))
		}
		// Rates all 0 within the run charge nothing, as a file wholly
		// after it: a pool that did not lend the asset writes 0s (the
		// shared aave_v1_uni.csv on every row).
		if inForce > 0 && big == 0 {
			nothing := "cash earns and pays nothing"
			if borrow {
				nothing = what + " pays no borrow fee"
			}
			out = append(out, fmt.Sprintf("%s: every %s in force within the run is 0 (%d row(s)): %s at the file's rates; a pool that did not lend the asset writes 0s",
				key, strings.Join(names, " and "), inForce, nothing))
		}
	}
	return out
}

// currencyNote says when the instruments' symbols tell of prices in more
// than one currency (9984.T in yen beside NVDA in dollars, data
// .QuoteCurrency): the engine converts none, so a book holding them
// together adds yen to dollars in its cash, its PnL and its weights. ""
// when they share one.
func currencyNote(p *data.Panel) string {
	by := map[string][]string{}
	for i := range p.Series {
		c := data.QuoteCurrency(p.Series[i].Symbol)
		by[c] = append(by[c], p.Series[i].Symbol)
	}
	if len(by) < 2 {
		return ""
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(by)) {
		parts = append(parts, strings.Join(by[c], ", ")+" in "+c)
	}
	return "prices in more than one currency (" + strings.Join(parts, "; ") + ", as their symbols tell): the engine converts none, so a book holding them together counts one currency as another in its cash, PnL and weights; convert the files to one currency first"
}

// ruin is a run's ruin, when its equity fell to 0 or below: its note,
// and the run and the ruin's date for a note on many runs ("" when
// none).
type ruin struct{ note, short string }

// ruinOf is run key's ruin at the first point where its equity fell to
// 0 or below (none otherwise): past it, returns change sign with the
// equity and say nothing, nor do the metrics built on them.
func ruinOf(key string, c *engine.Curve) ruin {
	k := firstRuin(c)
	if k < 0 {
		return ruin{}
	}
	at := data.FormatStamp(c.Time[k])
	return ruin{
		note:  fmt.Sprintf("run %s: equity fell to %.2f on %s (ruin): the returns after it, and the metrics built on them (Sharpe, volatility, drawdown), mean nothing; it ranks after every run that was not ruined", key, c.Equity[k], at),
		short: key + " on " + at,
	}
}

// maxRuinNotes is the number of ruined runs noted one by one: more are
// one note, so that a sweep of high leverage does not print a screen of
// the same line.
const maxRuinNotes = 3

// ruinNotes are the notes on the ruined runs, in run order: one each, or
// one for them all past maxRuinNotes.
func ruinNotes(ruined []ruin) []string {
	var notes, short []string
	for _, r := range ruined {
		if r.note != "" {
			notes, short = append(notes, r.note), append(short, r.short)
		}
	}
	if len(notes) <= maxRuinNotes {
		return notes
	}
	return []string{fmt.Sprintf("%d runs were ruined, their equity at or below 0 (the runs table's ruined column): %s; the returns after each ruin, and the metrics built on them (Sharpe, volatility, drawdown), mean nothing; they rank after every run that was not ruined",
		len(short), firstN(short, 10))}
}

// firstRuin is the index of a curve's first point at or below 0, -1 when
// there is none.
func firstRuin(c *engine.Curve) int {
	return slices.IndexFunc(c.Equity, func(e float64) bool { return e <= 0 })
}

// cutAt is p with the bars before end alone (data.Panel.Before), less a
// bar stamped before end that closes after it (engine.BarEnd): a daily
// bar stamped before an end given as an instant (an equity's session of
// that day opening after a 12:00Z end), or an intraday bar that the end
// falls inside (an hourly bar of 14:00Z, an end at 14:30Z). Its prices
// come after the end, and it is left out. So is a bar of a week or
// longer whose span runs past end (data.Series.LongBars): revealed whole
// at its stamp (engine.BarEnd counts it as a day), the weekly bar stamped
// on the Monday before an end on a Thursday shows the close of the Sunday
// after it. A weekly equity bar whose session ended on the Friday before
// a weekend end is left out too: its span is the week. daily, intraday
// and long name the bars left out so, as "SYMBOL (day)", "SYMBOL
// (instant)" and "SYMBOL (day to day)".
func cutAt(p *data.Panel, end int64) (q *data.Panel, daily, intraday, long []string) {
	q = p.Before(end)
	for i := range q.Series {
		s := &q.Series[i]
		n := s.Len()
		if p.Series[i].BarInterval() >= data.Weekly {
			// Read on p's bars: the next one may lie past end.
			lb := p.Series[i].LongBars()
			for n > 0 && lb.End(n-1) > end {
				n--
				long = append(long, fmt.Sprintf("%s (%s to %s)", s.Symbol, data.FormatStamp(s.Time[n]), data.FormatStamp(lb.End(n))))
			}
			*s = s.Bars(0, n)
			continue
		}
		for n > 0 && engine.BarEnd(s, n-1) > end {
			if t := s.Time[n-1]; s.BarInterval().Intraday() {
				intraday = append(intraday, s.Symbol+" ("+data.FormatTime(t)+")")
			} else {
				daily = append(daily, s.Symbol+" ("+data.FormatDay(t)+")")
			}
			n--
			*s = s.Bars(0, n)
		}
	}
	return q, daily, intraday, long
}

// lastEnd is when the last bar of s ends, as cutAt reads it: a day after
// its stamp, or, on bars of a week or longer, at the end of its span
// (data.Series.LongBars: a weekly bar's week).
func lastEnd(s *data.Series) int64 {
	n := s.Len()
	if s.BarInterval() >= data.Weekly {
		return s.LongBars().End(n - 1)
	}
	return s.Time[n-1] + data.NanosPerDay
}

// lastBar is the time of the latest bar of any series of p
// (math.MinInt64 for none: 0 is 1970-01-01, after data that end before
// it).
func lastBar(p *data.Panel) int64 {
	t := int64(math.MinInt64)
	for i := range p.Series {
		if s := &p.Series[i]; s.Len() > 0 {
			t = max(t, s.Time[s.Len()-1])
		}
	}
	return t
}

// named prefixes err with the experiment file's path, unless it is a
// cancellation or already begins with it.
func (f *File) named(err error) error {
	if f.path == "" || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.HasPrefix(err.Error(), f.path+":") {
		return err
	}
	return fmt.Errorf("%s: %w", f.path, err)
}

// paramPath is the path, in params, of the first parameter (keys sorted)
// naming sym: a string (symbol), an element of a list (short[1]), a
// table's key (weights.MARA) or deeper (schedule[0].weights.MARA); ""
// when none does (a strategy of a program's own that names it otherwise).
func paramPath(params strategies.Params, sym string) string {
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if p, ok := valuePath(reflect.ValueOf(params[k]), sym); ok {
			return k + p
		}
	}
	return ""
}

// valuePath is paramPath within one value: the path below it, and whether
// it names sym.
func valuePath(v reflect.Value, sym string) (string, bool) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return "", v.String() == sym
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p, ok := valuePath(v.Index(i), sym); ok {
				return fmt.Sprintf("[%d]%s", i, p), true
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return "", false
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			if k == sym {
				return "." + k, true
			}
			if p, ok := valuePath(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), sym); ok {
				return "." + k + p, true
			}
		}
	}
	return "", false
}
