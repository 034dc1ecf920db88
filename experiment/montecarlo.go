package experiment

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
	"github.com/divergence-research/divergence/scenarios"
)

// MonteCarloSpec is the [montecarlo] table: every run of the experiment
// (its baseline parameter sets) replayed over bootstrapped paths.
type MonteCarloSpec struct {
	// Paths is the number of paths. Default 200; at most 1,000,000.
	Paths int `toml:"paths"`
	// Days is each path's length in calendar days. Default 365. On an
	// experiment of exchange sessions alone a path holds their weekdays,
	// less the NYSE's holidays when the data close on them
	// (scenarios.MonteCarlo.PathDates), each a session's returns.
	Days int `toml:"days"`
	// MeanBlock is the stationary bootstrap's mean block length in dates.
	// Default 10.
	MeanBlock float64 `toml:"mean_block"`
	// Seed is the bootstrap's root seed. Default (nil): the experiment's
	// seed. 0 is a seed like any other: read as "not set", it took the
	// experiment's seed.
	Seed *uint64 `toml:"seed"`
	// Shock names a scenario (library name or file) injected into a path
	// with probability ShockProbability: a scenario of day offsets (every
	// library scenario) from a date drawn uniformly among the path's
	// dates from the third on (scenarios.MonteCarloConfig.Shock); shocks
	// that say random = true draw their own dates over the path.
	Shock string `toml:"shock"`
	// ShockProbability is the chance a path is shocked, in (0, 1]. Default
	// (nil): the scenario's own probability. 0 is refused: it would
	// leave every path unshocked (leave out Shock for that), and read
	// as "not set" it took the scenario's own probability without a word.
	ShockProbability *float64 `toml:"shock_probability"`
	// From is the first date (YYYY-MM-DD) of the history the bootstrap
	// draws from. Default: the experiment's start.
	From data.When `toml:"from"`
	// WarmupDays of real (or, on the synthetic market, generated) history
	// before each path's first date are replayed as warm-up: the
	// strategies read them (moving averages, hedge windows) but trade only
	// on the path. Default 365; 0 = none.
	WarmupDays *int `toml:"warmup_days"`
}

// seed is the bootstrap's root seed: Seed, else the experiment's root.
func (m *MonteCarloSpec) seed(root uint64) uint64 {
	if m.Seed == nil {
		return root
	}
	return *m.Seed
}

// warmup is WarmupDays with its default.
func (m *MonteCarloSpec) warmup() int {
	if m.WarmupDays == nil {
		return 365
	}
	return *m.WarmupDays
}

func (m *MonteCarloSpec) validate() error {
	if m.Paths == 0 {
		m.Paths = 200
	}
	if m.Days == 0 {
		m.Days = 365
	}
	if m.MeanBlock == 0 {
		m.MeanBlock = 10
	}
	if m.WarmupDays != nil && (*m.WarmupDays < 0 || *m.WarmupDays > 100_000) {
		return fmt.Errorf("montecarlo.warmup_days = %d: want 0 (none) to 100,000", *m.WarmupDays)
	}
	switch {
	case m.Paths < 1 || m.Paths > 1_000_000:
		return fmt.Errorf("montecarlo.paths = %d: want 1 to 1,000,000", m.Paths)
	case m.Days < 2 || m.Days > 36_525:
		return fmt.Errorf("montecarlo.days = %d: want 2 to 36,525 (100 years; longer paths would run past the dates a timestamp holds, 2262)", m.Days)
	case !(m.MeanBlock >= 1) || math.IsInf(m.MeanBlock, 1):
		return fmt.Errorf("montecarlo.mean_block = %g: want a finite length >= 1", m.MeanBlock)
	case m.ShockProbability != nil && !(*m.ShockProbability > 0 && *m.ShockProbability <= 1):
		return fmt.Errorf("montecarlo.shock_probability = %g: want a fraction in (0, 1] (for unshocked paths, leave out montecarlo.shock)", *m.ShockProbability)
	case m.ShockProbability != nil && m.Shock == "":
		return fmt.Errorf("montecarlo.shock_probability is set but montecarlo.shock is not")
	}
	if m.From != "" {
		if _, err := parseDay(string(m.From)); err != nil {
			return fmt.Errorf("montecarlo.from: %w", err)
		}
	}
	return nil
}

// MonteCarloResult is one run's distribution over the paths. The paths'
// curves are not kept: each path is reduced as it finishes to its
// terminal return and maximum drawdown and streamed into per-day
// quantile bands (metrics.Bands), so memory is O(days + paths), not
// O(paths × days).
type MonteCarloResult struct {
	Run, Strategy string
	Time          []int64 // the path dates
	// Bands are the charts.FanQuantiles (5, 25, 50, 75 and 95 %) of the
	// paths' growth of 1 on each date (each path over the initial cash,
	// charts.Series.Growth, into metrics.Bands): exact (R type 7, as charts.Fan.Bands) up to
	// metrics.DefaultExactPaths paths, within metrics.DefaultRelativeError
	// of the value beyond.
	Bands [5][]float64
	// Terminal holds each path's total return as the fan chart measures
	// it (charts.Fan.Terminal: last over first finite value, minus 1;
	// over the initial cash when the first point is not it, as Dist's).
	Terminal []float64
	Shocked  []bool
	// Dist holds each path's terminal return and maximum drawdown
	// (scenarios.TerminalReturn, scenarios.MaxDrawdown) and their VaR and
	// CVaR, as scenarios.Summarize gives them of whole curves.
	Dist scenarios.Distribution

	bands *metrics.Bands // the bands Bands is read from (a shard saves them for the merge)
}

// finish sets Bands and the VaR and CVaR of Dist from the bands and the
// terminal returns.
func (r *MonteCarloResult) finish() {
	if r.bands != nil {
		copy(r.Bands[:], r.bands.Quantiles())
	}
	d := &r.Dist
	d.VaR95, d.VaR99 = scenarios.VaR(d.TerminalReturns, 0.95), scenarios.VaR(d.TerminalReturns, 0.99)
	d.CVaR95, d.CVaR99 = scenarios.CVaR(d.TerminalReturns, 0.95), scenarios.CVaR(d.TerminalReturns, 0.99)
}

// monteCarlo replays every baseline run spec (not the long-leg companions)
// over the experiment's bootstrapped paths. Paths are generated on the
// worker pool and dropped once replayed; every per-path figure is stored
// by path index and the bands are fed the paths in index order (a path
// finished early waits for the ones before it, at most a few per
// worker), so the result does not depend on the worker count.
func (f *File) monteCarlo(ctx context.Context, specs []RunSpec, m *Market, opt Options) ([]MonteCarloResult, error) {
	spec := f.MonteCarlo
	src, from, set := f.monteCarloHistory(m) // the bootstrap's source; its own warm-up is montecarlo's
	if set {
		if n := twoDates(src); n < 2 {
			what := "start = " + data.FormatStamp(from)
			if spec.From != "" {
				what = "montecarlo.from = " + string(spec.From)
			}
			last := int64(math.MinInt64)
			for _, s := range m.history().Series {
				if s.Len() > 0 {
					last = max(last, s.Time[s.Len()-1])
				}
			}
			return nil, fmt.Errorf("%s: the history the paths draw from has %d date(s) on or after it, want at least 2 (its data end on %s)", what, n, data.FormatDay(last))
		}
	}
	// Splits: on raw prices the bootstrap draws the holder's return
	// across a split, not its fall in the close (as a regime or a replay
	// reads it), and a path's prices are on the shares of the history's
	// last date: no split falls on a path (MonteCarlo.HistorySplits).
	// Dividends: a path pays those of the source dates it draws, on its
	// own dates, and its shock reads them there (Path.Dividends).
	cfg := scenarios.MonteCarloConfig{Paths: spec.Paths, Length: spec.Days, MeanBlock: spec.MeanBlock, Seed: spec.seed(f.Seed), Groups: f.Groups,
		Splits: m.Base.Splits, Dividends: m.Base.Dividends}
	if spec.Shock != "" {
		var err error
		if cfg.Shock, cfg.ShockProb, err = f.monteCarloShock(); err != nil {
			return nil, err
		}
		if !m.Panel.Synthetic {
			cfg.ShockSource = m.replaySource()
			// A replay on a path reads the holder's return across its
			// source's dividends, as in a scenario's view (read only for
			// a shock that replays it).
			if replays(cfg.Shock) {
				if cfg.ShockSourceDividends, err = f.replayDividends(m, cfg.ShockSource); err != nil {
					return nil, fmt.Errorf("montecarlo: %w", err)
				}
			}
		}
	}
	mc, err := scenarios.NewMonteCarlo(src, cfg)
	if err != nil {
		return nil, fmt.Errorf("montecarlo: %w", err)
	}
	if n := mc.SourceDates(); spec.MeanBlock > float64(n) {
		return nil, fmt.Errorf("montecarlo.mean_block = %g: longer than the %d dates of history the paths draw from (each path would replay it in order from one random date); want at most %d", spec.MeanBlock, n, n)
	}
	// The warm-up history: the last WarmupDays of the source, before the
	// paths (which start the day after it).
	warm := monteCarloWarmup(src, spec.warmup())
	runs := monteCarloRuns(specs)
	out := make([]MonteCarloResult, len(runs))
	for i, r := range runs {
		out[i] = MonteCarloResult{Run: r.Key, Strategy: r.Strategy, Terminal: make([]float64, spec.Paths), Shocked: make([]bool, spec.Paths),
			Dist: scenarios.Distribution{Paths: spec.Paths, TerminalReturns: make([]float64, spec.Paths), MaxDrawdowns: make([]float64, spec.Paths)}}
	}
	// A shard (opt.paths) replays its range of paths only; the figures
	// of the others stay zero and its bands hold its paths.
	first, end := 0, spec.Paths
	if opt.paths != nil {
		first, end = opt.paths[0], opt.paths[1]
	}
	fan := newFanCollector(len(runs), opt.Workers, f.Cash)
	fan.next = first
	// On cancellation the pool skips the paths not started: release the
	// workers waiting for them.
	defer context.AfterFunc(ctx, fan.stop)()
	err = parallel(ctx, end-first, opt.Workers, nil, func(t int) error {
		k := first + t
		curves, err := f.replayPath(mc, k, warm, runs, m, opt, out)
		if perr := fan.put(k, curves); err == nil {
			err = perr
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].bands, out[i].Time = fan.bands[i], fan.times[i]
		out[i].finish()
	}
	return out, nil
}

// monteCarloWarmup is the paths' warm-up: the last days calendar days of
// the source, up to its last date; nil when days is 0. Its first date is
// a bound at 1970-01-01 (0 ns) too, and a source ending before 1970 ends
// where it ends (the latest date was sought from 0 up, which is later).
func monteCarloWarmup(src *data.Panel, days int) *data.Panel {
	if days <= 0 {
		return nil
	}
	last := int64(math.MinInt64)
	for i := range src.Series {
		if n := src.Series[i].Len(); n > 0 {
			last = max(last, src.Series[i].Time[n-1])
		}
	}
	if last == math.MinInt64 {
		return src
	}
	return src.Since(last - int64(days-1)*data.NanosPerDay)
}

// replayPath generates path k, replays every run over it and stores the
// path's figures by index in out; it returns the runs' curves on the path
// (for the bands) or nil on error.
func (f *File) replayPath(mc *scenarios.MonteCarlo, k int, warm *data.Panel, runs []RunSpec, m *Market, opt Options, out []MonteCarloResult) ([]*engine.Curve, error) {
	p, err := mc.Path(k)
	if err != nil {
		return nil, fmt.Errorf("montecarlo path %d: %w", k, err)
	}
	panel, start := withWarmup(warm, p.Panel)
	tl := engine.NewTimeline(panel)
	curves := make([]*engine.Curve, len(runs))
	// The path's funding events, the same for every run on it.
	syms := pathFunding(withEnv(m.Base, panel, p.Env).Symbols, mc, p)
	divs := p.Dividends          // those of the source dates it draws
	splits := mc.HistorySplits() // none falls on a path
	for i, r := range runs {
		cfg := withEnv(m.Base, panel, p.Env)
		cfg.Symbols, cfg.Dividends, cfg.Splits = syms, divs, splits
		cfg.Seed = engine.SeedFor(f.Seed, fmt.Sprintf("mc-%d-%s", p.Index, r.Key))
		cfg.Start, cfg.StartSet = start, warm != nil // after the warm-up, at 1970-01-01 too
		cfg.Reuse = m.lend()
		res, _, err := runOne(opt.Strategies, cfg, panel, tl, r.Type, r.Params)
		if err != nil {
			return nil, fmt.Errorf("montecarlo path %d, run %s: %w", p.Index, r.Key, err)
		}
		m.recycle(res) // only the curve is read
		eq := res.Curve.Equity
		if len(eq) == 0 {
			return nil, fmt.Errorf("montecarlo path %d, run %s: the curve is empty", p.Index, r.Key)
		}
		o := &out[i]
		o.Shocked[p.Index] = p.Shocked
		o.Dist.TerminalReturns[p.Index], o.Dist.MaxDrawdowns[p.Index] = pathMeasures(res.Initial, eq)
		o.Terminal[p.Index] = charts.Fan{Paths: [][]float64{eq}}.Terminal()[0]
		if res.Initial > 0 && eq[0] != res.Initial {
			// From the cash, as the summary's terminal return: the
			// chart's labels are its percentiles.
			o.Terminal[p.Index] = o.Dist.TerminalReturns[p.Index]
		}
		if opt.onPath != nil {
			opt.onPath(i, p.Index, eq)
		}
		curves[i] = &res.Curve
	}
	return curves, nil
}

// pathFunding gives the perpetuals whose funding comes from a file
// (engine.Funding.Times) their events on path p: path date j settles the
// events of the day of the source date it draws (Draws[j]), at the same
// times of its own day, as it carries that date's returns; the file's
// events before the path's first date stay (the warm-up's). The file
// lists the history's dates alone: read at the path's own dates, which
// come after them, it charged no funding on any path. Terms without a
// file (a flat rate every interval, a registered model) are returned
// as they are; so is syms when none has a file (it is not modified).
func pathFunding(syms map[string]engine.Terms, mc *scenarios.MonteCarlo, p *scenarios.Path) map[string]engine.Terms {
	var out map[string]engine.Terms
	first := mc.PathTime(0)
	for sym, t := range syms {
		fu := t.Funding
		if len(fu.Times) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string]engine.Terms, len(syms))
			for k, v := range syms {
				out[k] = v
			}
		}
		n := sort.Search(len(fu.Times), func(k int) bool { return fu.Times[k] >= first })
		times := append(make([]int64, 0, n+3*len(p.Draws)), fu.Times[:n]...)
		rates := append(make([]float64, 0, cap(times)), fu.Rates[:n]...)
		for j, u := range p.Draws {
			day := mc.SourceTime(u)
			shift := mc.PathTime(j) - day
			for k := sort.Search(len(fu.Times), func(k int) bool { return fu.Times[k] >= day }); k < len(fu.Times) && fu.Times[k] < day+data.NanosPerDay; k++ {
				times, rates = append(times, fu.Times[k]+shift), append(rates, fu.Rates[k])
			}
		}
		t.Funding.Times, t.Funding.Rates = times, rates
		out[sym] = t
	}
	if out == nil {
		return syms
	}
	return out
}

// fanCollector streams the paths' growth of 1 into each run's bands in
// path order. A worker hands over its path's curves with put; a path
// that comes more than ahead paths before its turn waits for the earlier
// ones, so at most about ahead + workers paths' curves are held.
type fanCollector struct {
	mu      sync.Mutex
	cond    *sync.Cond
	next    int
	ahead   int
	pending map[int][]*engine.Curve
	failed  bool
	bands   []*metrics.Bands
	times   [][]int64
	growth  []float64
	// initial is the runs' cash: a path's growth of 1 is over it, as its
	// terminal return (a first-bar close fill puts the first point
	// below it).
	initial float64
}

func newFanCollector(runs, workers int, initial float64) *fanCollector {
	c := &fanCollector{ahead: 4 * max(workers, 1), pending: map[int][]*engine.Curve{},
		bands: make([]*metrics.Bands, runs), times: make([][]int64, runs), initial: initial}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// put hands over path k's curves (nil when the path failed: the bands
// are then not used). Every path index must be put once, unless stop is
// called.
func (c *fanCollector) put(k int, curves []*engine.Curve) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k-c.next > c.ahead && !c.failed {
		c.cond.Wait()
	}
	if c.failed {
		return nil // the run fails with the path's own error
	}
	c.pending[k] = curves
	var err error
	for {
		cs, ok := c.pending[c.next]
		if !ok {
			break
		}
		delete(c.pending, c.next)
		if cs == nil {
			c.failed = true
		}
		if !c.failed && err == nil {
			err = c.add(c.next, cs)
			c.failed = err != nil
		}
		c.next++
	}
	c.cond.Broadcast()
	return err
}

// stop gives up the bands (the Monte Carlo is cancelled): no put waits
// any more.
func (c *fanCollector) stop() {
	c.mu.Lock()
	c.failed = true
	c.pending = nil
	c.cond.Broadcast()
	c.mu.Unlock()
}

// add adds path k's growth of 1 to each run's bands; the first path sets
// the dates.
func (c *fanCollector) add(k int, curves []*engine.Curve) error {
	for i, cv := range curves {
		if c.bands[i] == nil {
			c.times[i] = cv.Time
			c.bands[i] = metrics.NewBands(len(cv.Time), charts.FanQuantiles[:])
		}
		if len(cv.Equity) != len(c.times[i]) {
			return fmt.Errorf("montecarlo path %d: %d dates, path 0 has %d: paths must share their dates", k, len(cv.Equity), len(c.times[i]))
		}
		c.growth = charts.Series{Values: cv.Equity, Initial: c.initial}.Growth(c.growth)
		c.bands[i].Add(c.growth)
	}
	return nil
}

// writeMonteCarlo writes montecarlo.csv/.parquet (run, path, shocked,
// terminal return, max drawdown), montecarlo_summary.csv/.parquet (per run:
// percentiles of the terminal return, VaR and CVaR at 95% and 99% as
// losses (positive for a loss), mean and worst max drawdown, the share of
// paths ending in a loss, the share ruined, the shocked paths) and montecarlo.png/.svg
// (fan chart and terminal distribution).
func writeMonteCarlo(f *File, dir string, mcs []MonteCarloResult, synthetic bool) error {
	var run []string
	var path []int64
	var shocked []bool
	var term, mdd []float64
	srun := make([]string, len(mcs))
	cols := make([][]float64, 11)
	for j := range cols {
		cols[j] = make([]float64, len(mcs))
	}
	nshock := make([]int64, len(mcs))
	for i, r := range mcs {
		d := r.Dist
		for p := range r.Shocked {
			run = append(run, r.Run)
			path = append(path, int64(p))
			shocked = append(shocked, r.Shocked[p])
			term = append(term, d.TerminalReturns[p])
			mdd = append(mdd, d.MaxDrawdowns[p])
			if r.Shocked[p] {
				nshock[i]++
			}
		}
		srun[i] = r.Run
		s := append([]float64(nil), d.TerminalReturns...)
		sort.Float64s(s)
		meanDD, worstDD := 0.0, 0.0
		for _, v := range d.MaxDrawdowns {
			meanDD += v / float64(len(d.MaxDrawdowns))
			worstDD = math.Min(worstDD, v)
		}
		for j, v := range []float64{scenarios.Quantile(s, 0.05), scenarios.Quantile(s, 0.25), scenarios.Quantile(s, 0.5),
			scenarios.Quantile(s, 0.75), scenarios.Quantile(s, 0.95), d.VaR95, d.VaR99, d.CVaR95, d.CVaR99, meanDD, worstDD} {
			cols[j][i] = v
		}
	}
	tab := &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "path", Ints: path}, {Name: "shocked", Bools: shocked},
		{Name: "terminal_return", Floats: term}, {Name: "max_drawdown", Floats: mdd}}}
	sum := &results.Table{Columns: []results.Column{{Name: "run", Strings: srun}}}
	for j, name := range []string{"terminal_p05", "terminal_p25", "terminal_median", "terminal_p75", "terminal_p95",
		"var_95", "var_99", "cvar_95", "cvar_99", "mean_max_drawdown", "worst_max_drawdown"} {
		sum.Columns = append(sum.Columns, results.Column{Name: name, Floats: cols[j]})
	}
	// The share of paths that end below the initial cash.
	loss := make([]float64, len(mcs))
	for i, r := range mcs {
		n := 0
		for _, v := range r.Dist.TerminalReturns {
			if v < 0 {
				n++
			}
		}
		loss[i] = float64(n) / float64(max(len(r.Dist.TerminalReturns), 1))
	}
	// The share of paths ruined: equity at 0 or below at some date.
	ruin := make([]float64, len(mcs))
	for i, r := range mcs {
		ruin[i] = float64(ruinedPaths(r.Dist.MaxDrawdowns)) / float64(max(len(r.Dist.MaxDrawdowns), 1))
	}
	sum.Columns = append(sum.Columns, results.Column{Name: "prob_loss", Floats: loss}, results.Column{Name: "prob_ruin", Floats: ruin},
		results.Column{Name: "shocked_paths", Ints: nshock})
	if err := results.WriteOutputs(dir, append(append(results.TableOutputs("montecarlo", tab), results.TableOutputs("montecarlo_summary", sum)...),
		results.TableOutputs("montecarlo_bands", bandsTable(mcs))...)...); err != nil {
		return err
	}
	var fans []charts.FanSummary
	var names []string
	for i, r := range mcs {
		if i == maxOverlay {
			break
		}
		fans = append(fans, charts.FanSummary{Name: r.Run, Time: r.Time, Bands: r.Bands, Terminal: r.Terminal})
		names = append(names, r.Run)
	}
	sort.Strings(names)
	spec := f.MonteCarlo
	kind := "bootstrapped from real daily bars"
	if synthetic {
		kind = "bootstrapped from the SYNTHETIC market"
	}
	length := fmt.Sprintf("%d days", spec.Days)
	if len(mcs) > 0 && len(mcs[0].Time) > 0 && len(mcs[0].Time) < spec.Days {
		// A path of exchange sessions holds their dates alone.
		length += fmt.Sprintf(" (%d sessions)", len(mcs[0].Time))
	}
	caption := fmt.Sprintf("%d paths of %s, %s, stationary block bootstrap (mean block %g)", spec.Paths, length, kind, spec.MeanBlock)
	if spec.Shock != "" && len(mcs) > 0 {
		// What the shock did, over every path (a shard's caption is
		// not drawn: its merge draws the whole).
		if n := shockedPaths(mcs[0].Shocked); n == 0 {
			caption += fmt.Sprintf("; shock %s changed none of the %d paths", spec.Shock, spec.Paths)
		} else {
			caption += fmt.Sprintf("; shock %s changed %d of %d paths", spec.Shock, n, spec.Paths)
		}
	}
	opt := charts.Options{Title: f.Name + ": Monte Carlo", Caption: caption, Synthetic: true, Palette: charts.NewPalette(names)}
	return charts.WriteFiles(filepath.Join(dir, "montecarlo"), func(w io.Writer, ft charts.Format) error { return charts.MonteCarloSummaries(w, ft, opt, fans) })
}

// withWarmup puts the warm-up bars before a path's bars, instrument by
// instrument, and returns the joined panel with the path's first time (the
// run's start: nothing trades before it). The path's prices continue from
// the warm-up's last closes (the bootstrap starts from the source's last
// close), so there is no jump at the seam.
func withWarmup(warm, path *data.Panel) (*data.Panel, int64) {
	first := int64(math.MaxInt64)
	for i := range path.Series {
		if path.Series[i].Len() > 0 && path.Series[i].Time[0] < first {
			first = path.Series[i].Time[0]
		}
	}
	if warm == nil {
		return path, 0
	}
	out := &data.Panel{Synthetic: path.Synthetic, Description: path.Description, Series: make([]data.Series, len(path.Series))}
	for i := range path.Series {
		w, p := &warm.Series[i], &path.Series[i]
		s := *p
		s.Time = append(append(make([]int64, 0, w.Len()+p.Len()), w.Time...), p.Time...)
		cat := func(a, b []float64) []float64 { return append(append(make([]float64, 0, len(a)+len(b)), a...), b...) }
		s.Open, s.High, s.Low, s.Close = cat(w.Open, p.Open), cat(w.High, p.High), cat(w.Low, p.Low), cat(w.Close, p.Close)
		s.AdjClose, s.Volume = cat(w.AdjClose, p.AdjClose), cat(w.Volume, p.Volume)
		s.Rows = nil
		out.Series[i] = s
	}
	return out, first
}

// monteCarloRuns are the runs a Monte Carlo replays (every one but the
// stress test's long-leg companions), in order: a merge finds each by its
// index among them.
func monteCarloRuns(specs []RunSpec) []RunSpec {
	var runs []RunSpec
	for _, s := range specs {
		if s.LongLegOf == "" {
			runs = append(runs, s)
		}
	}
	return runs
}

// pathMeasures returns a path's terminal return and maximum drawdown
// (scenarios.TerminalReturn, scenarios.MaxDrawdown), from the initial cash
// when the curve's first point is below it (a first-bar close fill paid
// its costs before it: results.RunReturns' rule), else from that point.
func pathMeasures(initial float64, eq []float64) (terminal, drawdown float64) {
	if !(initial > 0) || eq[0] == initial {
		return scenarios.TerminalReturn(eq), scenarios.MaxDrawdown(eq)
	}
	return eq[len(eq)-1]/initial - 1, scenarios.MaxDrawdownFrom(initial, eq)
}

// ruinedPaths counts the paths whose equity fell to 0 or below: their
// maximum drawdown, from a positive peak (the cash, or a first point
// above it), is then −1 or less (pathMeasures), and only then.
func ruinedPaths(drawdowns []float64) int {
	n := 0
	for _, d := range drawdowns {
		if d <= -1 {
			n++
		}
	}
	return n
}

// shockedPaths counts the paths a shock changed (MonteCarloResult.Shocked:
// the same paths for every run, which all replay the same paths).
func shockedPaths(shocked []bool) int {
	n := 0
	for _, s := range shocked {
		if s {
			n++
		}
	}
	return n
}

// monteCarloShockNotes say when montecarlo.shock changed none of the
// paths: montecarlo_summary's shocked_paths is then 0 for every run, and
// every path's figures are unshocked. It is decided over all the paths
// (a run's, or a merge's of its shards): a shard's range of paths may
// hold none shocked by chance. prob is the chance a path draws the shock
// (monteCarloShock), 0 when unknown: the chance that none of the paths
// drew it tells chance from a shock drawn and changing nothing.
func monteCarloShockNotes(spec *MonteCarloSpec, mcs []MonteCarloResult, prob float64) []string {
	if spec.Shock == "" || len(mcs) == 0 || shockedPaths(mcs[0].Shocked) > 0 {
		return nil
	}
	n := len(mcs[0].Shocked)
	drawn := ""
	if prob > 0 {
		drawn = fmt.Sprintf(" Each path draws it with probability %g: none of %d with chance %.3g.", prob, n, math.Pow(1-prob, float64(n)))
	}
	return []string{fmt.Sprintf("montecarlo.shock = %q changed none of the %d paths: shocked_paths is 0 and every path's figures are unshocked.%s A drawn shock changes nothing when its groups hold none of the paths' instruments, or its dates none of their bars",
		spec.Shock, n, drawn)}
}

// monteCarloRuinNotes name the runs whose equity fell to 0 or below on
// some paths, as a run's own ruin is noted: those paths' terminal
// returns and drawdowns pass −100 % (the account went on with negative
// equity) and weigh on the percentiles, VaR and CVaR.
func monteCarloRuinNotes(mcs []MonteCarloResult) []string {
	var notes []string
	for _, r := range mcs {
		if n := ruinedPaths(r.Dist.MaxDrawdowns); n > 0 {
			total := len(r.Dist.MaxDrawdowns)
			notes = append(notes, fmt.Sprintf("montecarlo: run %s: %d of %d paths' equity fell to 0 or below (ruin, prob_ruin %.3g%%): their terminal returns and drawdowns pass -100%% and weigh on the run's percentiles, VaR and CVaR",
				r.Run, n, total, 100*float64(n)/float64(total)))
		}
	}
	return notes
}

// twoDates counts the distinct bar times of p, up to 2.
func twoDates(p *data.Panel) int {
	var seen []int64
	for _, s := range p.Series {
		for _, t := range s.Time {
			if !slices.Contains(seen, t) {
				if seen = append(seen, t); len(seen) == 2 {
					return 2
				}
			}
		}
	}
	return len(seen)
}

// monteCarloHistory is the history the paths draw from: the market's
// from montecarlo.from, else from start (from; set false when neither is
// given).
func (f *File) monteCarloHistory(m *Market) (src *data.Panel, from int64, set bool) {
	src, from, set = m.history(), m.Start, m.Start != 0 || m.StartSet
	if f.MonteCarlo.From != "" {
		from, _ = parseDay(string(f.MonteCarlo.From))
		set = true
	}
	if set {
		src = src.Since(from)
	}
	return src, from, set
}

// monteCarloNotes are the notes on the history the paths draw from (the
// source monteCarlo bootstraps, from montecarlo.from or start): an
// instrument whose bars start after a tenth or more of its dates (a path
// drawn from the dates before holds no bar of it, and a basket waits for
// it: on paths from a history since 2023-07-01, TAO was missing on 38 %
// of dates and 133 of 500 paths stayed out for 10 days or more), and a
// history of fewer dates than a path holds (each path replays the same
// few dates over and over: ten dates of history for 365-day paths gave a
// median terminal return of +280 %); likewise an instrument whose bars
// end before a tenth or more of the dates (AGIX, merged into FET, stops
// on 2023-12-29: a path date drawn from 2024 holds no AGIX bar).
func (f *File) monteCarloNotes(m *Market) []string {
	spec := f.MonteCarlo
	src, _, _ := f.monteCarloHistory(m)
	dates := map[int64]bool{}
	for i := range src.Series {
		for _, t := range src.Series[i].Time {
			dates[t] = true
		}
	}
	n := len(dates)
	if n == 0 {
		return nil
	}
	first := int64(math.MaxInt64)
	for t := range dates {
		first = min(first, t)
	}
	var notes []string
	for i := range src.Series {
		s := &src.Series[i]
		if s.Len() == 0 {
			continue
		}
		before := 0
		for t := range dates {
			if t < s.Time[0] {
				before++
			}
		}
		if 10*before >= n {
			notes = append(notes, fmt.Sprintf("montecarlo: %s's bars start on %s, after %d of the %d dates the paths draw from (from %s): a path drawn from those dates holds no %s bar, and a strategy that waits for every instrument stays out; set montecarlo.from on or after %s to draw from dates with every instrument",
				s.Symbol, data.FormatDay(s.Time[0]), before, n, data.FormatDay(first), s.Symbol, data.FormatDay(s.Time[0])))
		}
	}
	last := int64(math.MinInt64)
	for t := range dates {
		last = max(last, t)
	}
	// Likewise one whose bars end before a tenth or more of the dates (a
	// token merged away, a delisting, a file that stops): a path date
	// drawn from after its end holds no bar of it, so a position in it
	// keeps its price (a zero return, not the loss or conversion that
	// ended it) and a basket that waits for every instrument stays put.
	for i := range src.Series {
		s := &src.Series[i]
		if s.Len() == 0 {
			continue
		}
		end, after := s.Time[s.Len()-1], 0
		for t := range dates {
			if t > end {
				after++
			}
		}
		if 10*after >= n {
			notes = append(notes, fmt.Sprintf("montecarlo: %s's bars end on %s, before %d of the %d dates the paths draw from (to %s): a path date drawn from those dates holds no %s bar, so a position in it keeps its price (a zero return, not what ended its data) and a strategy that waits for every instrument does not trade; leave it out, or set end to the day after its last bar",
				s.Symbol, data.FormatDay(end), after, n, data.FormatDay(last), s.Symbol))
		}
	}
	// A borrow recall at or before the paths' first date (the day after
	// the history) refuses the shorts it covers on every path.
	pathStart := last + data.NanosPerDay
	f.Costs.recalls(func(key, raw string, at int64) {
		if at > pathStart {
			return
		}
		what := map[string]string{"costs.equity": "an equity", "costs.crypto": "a token"}[key]
		if sym, ok := strings.CutPrefix(key, "costs.symbols."); ok {
			what = sym
		}
		notes = append(notes, fmt.Sprintf("montecarlo: %s.borrow_recall = %s comes before the paths (from %s): no short of %s can be opened on any path (a recall refuses new shorts from then on)",
			key, raw, data.FormatDay(pathStart), what))
	})
	if n < spec.Days {
		notes = append(notes, fmt.Sprintf("montecarlo: the history the paths draw from holds %d dates (from %s), fewer than a path's %d days: each path replays the same dates many times over, and its spread says little; set montecarlo.from earlier",
			n, data.FormatDay(first), spec.Days))
	}
	return notes
}

// monteCarloShock is the scenario montecarlo.shock names and the chance a
// path receives it (shock_probability, else the scenario's own); an error
// when there is none (every library scenario but ai-bubble-burst has no
// probability of its own: no path was shocked, and nothing said so, the
// chart's caption saying the shock was injected). Run checks it before
// the runs.
func (f *File) monteCarloShock() (*scenarios.Scenario, float64, error) {
	spec := f.MonteCarlo
	s, err := f.scenario(spec.Shock)
	if err != nil {
		return nil, 0, fmt.Errorf("montecarlo.shock: %w", err)
	}
	p := s.Probability
	if spec.ShockProbability != nil {
		p = *spec.ShockProbability
	}
	if p == 0 {
		return nil, 0, fmt.Errorf("montecarlo.shock = %q: scenario %q gives no probability and montecarlo.shock_probability is not set: no path would be shocked; set shock_probability to a fraction in (0, 1]", spec.Shock, s.Name)
	}
	return s, p, nil
}
