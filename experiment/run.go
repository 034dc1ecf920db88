package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
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
	// Limits bound the experiment's estimated runs, memory and disk
	// (see [Estimate]); the zero value bounds the runs only.
	Limits Limits
	// Holder describes this process in the results folder's lock file
	// (pid, start time, command), for the message of a run that finds the
	// folder locked. Default: "pid N".
	Holder string
	// Wait makes a run into a locked results folder wait for it instead
	// of failing.
	Wait bool
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
}

// Outcome is an executed experiment.
type Outcome struct {
	Dir            string // the experiment's output folder
	Panel          *data.Panel
	Runs           []RunResult
	PeriodsPerYear float64
	Calendar       string
	WalkForward    []WalkForward // when the experiment has [walkforward]
	Cash           float64       // every run's initial cash
	Views          []View        // the baseline, then one per scenario
	Notes          []string      // scenarios skipped, and why
	Stress         *Stress       // when there are scenarios
	MonteCarlo     []MonteCarloResult
	Estimate       Estimate // what the experiment was estimated to cost

	lock *Lock // with Options.Hold
}

// Market is an experiment's loaded data: the panel (adjusted and cut to
// the experiment's end), its merged timeline, the first replayed step's
// time and the periods per year of its calendar.
type Market struct {
	Panel          *data.Panel
	Timeline       *engine.Timeline
	Start          int64
	PeriodsPerYear float64
	Calendar       string
	Inputs         []results.Input
	// Base is the engine configuration every run starts from: cash,
	// commission, cost and margin terms, financing, splits.
	Base engine.Config
	// Bench holds the benchmark instruments (nil without benchmarks).
	Bench *data.Panel
	// Notes say what the data made the experiment decide or skip.
	Notes []string
}

// prepare loads the data the experiment's runs need. opt has its
// defaults.
func (f *File) prepare(ctx context.Context, specs []RunSpec, opt Options) (*Market, error) {
	reg := opt.Strategies
	// The union of the strategies' instruments, in order of first mention.
	var symbols []string
	seen := map[string]bool{}
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
				add(sym)
			}
		}
	}
	for _, s := range f.Data.Symbols {
		add(s)
	}

	if err := f.checkDataKeys(symbols); err != nil {
		return nil, err
	}
	p, inputs, err := f.loadPanel(ctx, symbols, opt.DataDir)
	if err != nil {
		return nil, err
	}
	if f.Prices == "adjusted" {
		p = p.Adjusted()
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
	var notes []string
	for _, in := range inputs {
		if n := len(in.Repairs); n > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d bad row(s) skipped or repaired by on_bad_row (listed in the manifest), the first: %s", in.Symbol, n, in.Repairs[0]))
		}
	}
	if end == 0 {
		// No end given: stop on the last day every instrument trades, so
		// that no run goes on with an instrument frozen at its last close.
		common, last, who := int64(math.MaxInt64), int64(0), ""
		for i := range p.Series {
			t := p.Series[i].Time[p.Series[i].Len()-1]
			if t < common {
				common, who = t, p.Series[i].Symbol
			}
			last = max(last, t)
		}
		if common < last {
			end = common + nsPerDay
			notes = append(notes, fmt.Sprintf("no end given: the runs end on %s, the last day of %s's data (other instruments go on to %s); set end to choose",
				data.FormatDay(common), who, data.FormatDay(last)))
		}
	}
	if end != 0 {
		p = p.Window(0, end)
		for i := range p.Series {
			if p.Series[i].Len() == 0 {
				return nil, fmt.Errorf("end = %s: %s has no bars before it", f.End, p.Series[i].Symbol)
			}
		}
	}
	if err := f.checkSplits(p, f.Splits); err != nil {
		return nil, err
	}
	tl := engine.NewTimeline(p)
	if start != 0 && tl.StepAt(start) >= tl.Len() {
		return nil, fmt.Errorf("start = %s: no bars on or after it (data ends %s)", f.Start, data.FormatDay(tl.Times[tl.Len()-1]))
	}
	ppy, calendar := periodsPerYear(p)
	// Benchmarks load apart: they must not change the runs' timeline or
	// calendar.
	var bench *data.Panel
	if len(f.Benchmarks) > 0 {
		syms := make([]string, len(f.Benchmarks))
		for i, s := range f.Benchmarks {
			syms[i] = data.CanonicalSymbol(s)
		}
		if bench, _, err = f.loadPanel(ctx, syms, opt.DataDir); err != nil {
			return nil, fmt.Errorf("benchmarks: %w", err)
		}
		if f.Prices == "adjusted" {
			bench = bench.Adjusted()
		}
	}
	base, err := f.engineBase(func(sym string) (data.Class, bool) {
		if i := p.Index(sym); i >= 0 {
			return p.Series[i].Class, true
		}
		return 0, false
	})
	if err != nil {
		return nil, err
	}
	notes = append(notes, fundingCoverage(base, p, start)...)
	return &Market{Panel: p, Timeline: tl, Start: start, PeriodsPerYear: ppy, Calendar: calendar, Inputs: inputs, Base: base, Bench: bench, Notes: notes}, nil
}

// Run runs an experiment: it checks the file against opt.Strategies,
// loads the data, runs every run of the experiment in parallel and writes
// the results under opt.Out/<slug of the name>/. The runs are the
// strategies × their parameter sets × (the baseline + every scenario);
// with scenarios (or opt.Stress) the stress table and plots are written
// too, and with [montecarlo] the Monte Carlo section, with [walkforward]
// the walk-forward analysis.
func Run(ctx context.Context, f *File, opt Options) (*Outcome, error) {
	opt = opt.withDefaults()
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	// The estimate comes first, from the file alone (runs, Monte Carlo
	// memory), then once the data's size is known; either refuses an
	// experiment past opt.Limits before a run starts or a folder exists.
	est, err := f.Estimate(opt.Stress, opt.Workers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	if err := opt.Limits.check(f.Name, est); err != nil {
		return nil, err
	}
	// The results folder is locked from here to the end (opt.Hold: until
	// Outcome.Release): a second run into it fails now, naming this one.
	slug := Slug(f.Name)
	final := filepath.Join(opt.Out, slug)
	lock, err := LockDir(ctx, opt.Out, slug, opt.Holder, opt.Wait)
	if err != nil {
		return nil, err
	}
	held := false
	defer func() {
		if !held {
			lock.Release()
		}
	}()
	if err := cleanLeftovers(opt.Out, slug, opt.note); err != nil {
		return nil, err
	}
	if err := checkReplace(final, f.Name); err != nil {
		return nil, err
	}
	specs, err := f.Runs(opt.Strategies)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	m, err := f.prepare(ctx, specs, opt)
	if err != nil {
		return nil, err
	}
	est = f.withData(est, m, opt.Workers)
	if err := opt.Limits.check(f.Name, est); err != nil {
		return nil, err
	}
	explicit := len(f.Scenarios)+len(f.Inline) > 0
	list, err := f.scenarioList(opt.Stress)
	if err != nil {
		return nil, err
	}
	views, notes, err := f.Views(m, list, !explicit)
	if err != nil {
		return nil, err
	}
	notes = append(append([]string(nil), m.Notes...), notes...)
	stress := len(views) > 1
	all := specs
	if stress {
		all = append(append([]RunSpec(nil), specs...), longLegs(specs)...)
	}
	var runs []RunResult
	for v := range views {
		for _, s := range all {
			r := RunResult{RunSpec: s, View: v, Base: s.Key}
			if v > 0 {
				r.Scenario = views[v].Name()
				r.Key = s.Key + "@" + Slug(r.Scenario)
			}
			r.Seed = engine.SeedFor(f.Seed, r.Key)
			runs = append(runs, r)
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
		Calendar: m.Calendar, Views: views, Notes: notes, Cash: f.Cash, Estimate: est}
	// Each worker runs, measures and writes its run; then, unless
	// opt.Keep, the run's fills and ledger are dropped (the metrics, the
	// curve and the PnL attribution stay): memory does not grow with the
	// fills of a large sweep.
	err = parallel(ctx, len(runs), opt.Workers, opt.Progress, func(i int) error {
		r := &runs[i]
		v := &views[r.View]
		cfg := withEnv(m.Base, v.Panel, v.Env)
		cfg.Seed, cfg.Start = r.Seed, m.Start
		res, stats, err := runOne(opt.Strategies, cfg, v.Panel, v.Timeline, r.Type, r.Params)
		if err != nil {
			return fmt.Errorf("run %s: %w", r.Key, err)
		}
		r.Result = res
		r.Stats = stats
		r.Metrics = results.Measure(res, m.PeriodsPerYear)
		r.Metrics.Benchmarks = results.MeasureBenchmarks(res, m.Bench)
		if err := writeRun(f, out, r); err != nil {
			return err
		}
		if r.View == 0 && r.LongLegOf == "" {
			legs := legsOf(opt.Strategies, r.Type, r.Params)
			r.Attribution = Attribution(r, legs)
			if err := writeLegs(out, r, legs, v.Panel); err != nil {
				return err
			}
		}
		if !opt.Keep {
			res.Fills, res.Ledger, res.Events = nil, nil, nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := write(f, out, m.Inputs, opt); err != nil {
		return nil, err
	}
	if err := writeAttribution(f, out); err != nil {
		return nil, err
	}
	if stress {
		out.Stress = StressTable(out)
		if err := writeStress(f, out); err != nil {
			return nil, err
		}
	}
	if f.MonteCarlo != nil {
		mc, err := f.monteCarlo(ctx, specs, m, opt)
		if err != nil {
			return nil, err
		}
		out.MonteCarlo = mc
		if err := writeMonteCarlo(f, out.Dir, mc, m.Panel.Synthetic); err != nil {
			return nil, err
		}
	}
	if f.WalkForward != nil {
		wfs, err := f.walkForward(ctx, specs, m, opt)
		if err != nil {
			return nil, err
		}
		if err := writeWalkForward(f, out.Dir, wfs, m.Panel.Synthetic); err != nil {
			return nil, err
		}
		out.WalkForward = wfs
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, final); err != nil {
		return nil, err
	}
	out.Dir = final
	if opt.Hold {
		out.lock, held = lock, true
	}
	return out, nil
}

// Release releases the results folder's lock that Run kept with
// Options.Hold (a no-op otherwise).
func (o *Outcome) Release() { o.lock.Release() }

// note reports a line of housekeeping through Options.Note, if set.
func (o Options) note(s string) {
	if o.Note != nil {
		o.Note(s)
	}
}

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

// periodsPerYear is 365 when any instrument trades every day (the union
// calendar then has a step every calendar day), else 252.
func periodsPerYear(p *data.Panel) (float64, string) {
	for i := range p.Series {
		if p.Series[i].Class.Calendar() == data.Continuous {
			return 365, "calendar days (a 24/7 instrument is in the panel)"
		}
	}
	return 252, "exchange sessions"
}

// Ranked returns the runs' indices ordered by a headline metric
// (results.MetricNames), best first (highest, except annual_volatility:
// lowest), NaN last, ties by index.
func Ranked(runs []RunResult, metric string) []int {
	values := make([]float64, len(runs))
	for i := range runs {
		values[i] = runs[i].Metrics.Metric(metric)
	}
	return metrics.Rank(metric, values)
}

// replaceDir puts the folder src in the place of dst: dst, if it exists,
// is moved aside, src renamed to dst, and the old folder removed.
func replaceDir(src, dst string) error {
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
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

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
		ts, err := data.ParseDay(sp.Date)
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

// fundingCoverage notes the instruments whose funding file does not cover
// their part of the run: outside the file no funding is charged.
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
		first, last := max(s.Time[0], start), s.Time[s.Len()-1]
		if fu.Times[0] > first || fu.Times[len(fu.Times)-1] < last {
			out = append(out, fmt.Sprintf("%s's funding file covers %s to %s, the run %s to %s: no funding is charged outside the file",
				sym, data.FormatDay(fu.Times[0]), data.FormatDay(fu.Times[len(fu.Times)-1]), data.FormatDay(first), data.FormatDay(last)))
		}
	}
	return out
}
