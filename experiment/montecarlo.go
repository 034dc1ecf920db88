package experiment

import (
	"context"
	"fmt"
	"github.com/divergence-research/divergence/data"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/scenarios"
)

// MonteCarloSpec is the [montecarlo] table: every run of the experiment
// (its baseline parameter sets) replayed over bootstrapped paths.
type MonteCarloSpec struct {
	// Paths is the number of paths. Default 200; at most 1,000,000.
	Paths int `toml:"paths"`
	// Days is each path's length in calendar days. Default 365.
	Days int `toml:"days"`
	// MeanBlock is the stationary bootstrap's mean block length in dates.
	// Default 10.
	MeanBlock float64 `toml:"mean_block"`
	// Seed is the bootstrap's root seed. Default: the experiment's seed.
	Seed uint64 `toml:"seed"`
	// Shock names a scenario (library name or file) injected into a path
	// with probability ShockProbability, at a random date when its shocks
	// say random = true (otherwise at their day offsets from the path's
	// start).
	Shock string `toml:"shock"`
	// ShockProbability is the chance a path is shocked. Default: the
	// scenario's own probability.
	ShockProbability float64 `toml:"shock_probability"`
	// From is the first date (YYYY-MM-DD) of the history the bootstrap
	// draws from. Default: the experiment's start.
	From string `toml:"from"`
	// WarmupDays of real (or, on the synthetic market, generated) history
	// before each path's first date are replayed as warm-up: the
	// strategies read them (moving averages, hedge windows) but trade only
	// on the path. Default 365; 0 = none.
	WarmupDays *int `toml:"warmup_days"`
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
	case m.Days < 2 || m.Days > 100_000:
		return fmt.Errorf("montecarlo.days = %d: want 2 to 100,000", m.Days)
	case !(m.MeanBlock >= 1):
		return fmt.Errorf("montecarlo.mean_block = %g: want >= 1", m.MeanBlock)
	case m.ShockProbability < 0 || m.ShockProbability > 1 || math.IsNaN(m.ShockProbability):
		return fmt.Errorf("montecarlo.shock_probability = %g: want a fraction in [0, 1]", m.ShockProbability)
	case m.ShockProbability > 0 && m.Shock == "":
		return fmt.Errorf("montecarlo.shock_probability is set but montecarlo.shock is not")
	}
	if m.From != "" {
		if _, err := parseDay(m.From); err != nil {
			return fmt.Errorf("montecarlo.from: %w", err)
		}
	}
	return nil
}

// MonteCarloResult is one run's distribution over the paths.
type MonteCarloResult struct {
	Run, Strategy string
	Time          []int64     // the path dates
	Curves        [][]float64 // equity per path
	Shocked       []bool
	Dist          scenarios.Distribution
}

// monteCarlo replays every baseline run spec (not the long-leg companions)
// over the experiment's bootstrapped paths. Paths are generated once and
// shared by the runs; everything is stored by path index, so the result
// does not depend on the worker count.
func (f *File) monteCarlo(ctx context.Context, specs []RunSpec, m *Market, opt Options) ([]MonteCarloResult, error) {
	spec := f.MonteCarlo
	src := m.history() // the bootstrap's source; its own warm-up is montecarlo's
	from := m.Start
	if spec.From != "" {
		from, _ = parseDay(spec.From)
	}
	if from != 0 {
		src = src.Window(from, 0)
	}
	cfg := scenarios.MonteCarloConfig{Paths: spec.Paths, Length: spec.Days, MeanBlock: spec.MeanBlock, Seed: spec.Seed, Groups: f.Groups}
	if cfg.Seed == 0 {
		cfg.Seed = f.Seed
	}
	if spec.Shock != "" {
		var s *scenarios.Scenario
		var err error
		if strings.HasSuffix(spec.Shock, ".toml") {
			s, err = scenarios.Load(f.resolve(spec.Shock))
		} else {
			s, err = scenarios.Lookup(spec.Shock)
		}
		if err != nil {
			return nil, fmt.Errorf("montecarlo.shock: %w", err)
		}
		cfg.Shock, cfg.ShockProb = s, spec.ShockProbability
		if cfg.ShockProb == 0 {
			cfg.ShockProb = s.Probability
		}
		if !m.Panel.Synthetic {
			cfg.ShockSource = m.history()
		}
	}
	mc, err := scenarios.NewMonteCarlo(src, cfg)
	if err != nil {
		return nil, fmt.Errorf("montecarlo: %w", err)
	}
	// The warm-up history: the last WarmupDays of the source, before the
	// paths (which start the day after it).
	var warm *data.Panel
	if spec.warmup() > 0 {
		last := int64(0)
		for i := range src.Series {
			if n := src.Series[i].Len(); n > 0 && src.Series[i].Time[n-1] > last {
				last = src.Series[i].Time[n-1]
			}
		}
		warm = src.Window(last-int64(spec.warmup()-1)*data.NanosPerDay, 0)
	}
	var runs []RunSpec
	for _, s := range specs {
		if s.LongLegOf == "" {
			runs = append(runs, s)
		}
	}
	out := make([]MonteCarloResult, len(runs))
	for i, r := range runs {
		out[i] = MonteCarloResult{Run: r.Key, Strategy: r.Strategy, Curves: make([][]float64, spec.Paths), Shocked: make([]bool, spec.Paths)}
	}
	err = parallel(ctx, spec.Paths, opt.Workers, nil, func(j int) error {
		p, err := mc.Path(j)
		if err != nil {
			return err
		}
		panel, start := withWarmup(warm, p.Panel)
		tl := engine.NewTimeline(panel)
		for i, r := range runs {
			cfg := withEnv(m.Base, panel, p.Env)
			cfg.Seed = engine.SeedFor(f.Seed, fmt.Sprintf("mc-%d-%s", p.Index, r.Key))
			cfg.Start = start
			res, _, err := runOne(opt.Strategies, cfg, panel, tl, r.Type, r.Params)
			if err != nil {
				return fmt.Errorf("montecarlo path %d, run %s: %w", p.Index, r.Key, err)
			}
			out[i].Curves[p.Index] = res.Curve.Equity
			out[i].Shocked[p.Index] = p.Shocked
			if p.Index == 0 {
				out[i].Time = res.Curve.Time
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Dist, err = scenarios.Summarize(out[i].Curves); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// writeMonteCarlo writes montecarlo.csv/.parquet (run, path, shocked,
// terminal return, max drawdown), montecarlo_summary.csv (per run:
// percentiles of the terminal return, VaR and CVaR at 95% and 99% as
// positive losses, mean and worst max drawdown) and montecarlo.png/.svg
// (fan chart and terminal distribution).
func writeMonteCarlo(f *File, dir string, mcs []MonteCarloResult, synthetic bool) error {
	var run []string
	var path []int64
	var shocked []string
	var term, mdd []float64
	srun := make([]string, len(mcs))
	cols := make([][]float64, 11)
	for j := range cols {
		cols[j] = make([]float64, len(mcs))
	}
	nshock := make([]int64, len(mcs))
	for i, r := range mcs {
		d := r.Dist
		for p := range r.Curves {
			run = append(run, r.Run)
			path = append(path, int64(p))
			shocked = append(shocked, fmt.Sprint(r.Shocked[p]))
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
	tab := &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "path", Ints: path}, {Name: "shocked", Strings: shocked},
		{Name: "terminal_return", Floats: term}, {Name: "max_drawdown", Floats: mdd}}}
	sum := &results.Table{Columns: []results.Column{{Name: "run", Strings: srun}}}
	for j, name := range []string{"terminal_p05", "terminal_p25", "terminal_median", "terminal_p75", "terminal_p95",
		"var_95", "var_99", "cvar_95", "cvar_99", "mean_max_drawdown", "worst_max_drawdown"} {
		sum.Columns = append(sum.Columns, results.Column{Name: name, Floats: cols[j]})
	}
	sum.Columns = append(sum.Columns, results.Column{Name: "shocked_paths", Ints: nshock})
	if err := results.WriteOutputs(dir, append(append(results.TableOutputs("montecarlo", tab, true), results.TableOutputs("montecarlo_summary", sum, false)...),
		results.TableOutputs("montecarlo_bands", bandsTable(mcs), true)...)...); err != nil {
		return err
	}
	var fans []charts.Fan
	var names []string
	for i, r := range mcs {
		if i == maxOverlay {
			break
		}
		fans = append(fans, charts.Fan{Name: r.Run, Time: r.Time, Paths: r.Curves})
		names = append(names, r.Run)
	}
	sort.Strings(names)
	spec := f.MonteCarlo
	kind := "bootstrapped from real daily bars"
	if synthetic {
		kind = "bootstrapped from the SYNTHETIC market"
	}
	caption := fmt.Sprintf("%d paths of %d days, %s, stationary block bootstrap (mean block %g)", spec.Paths, spec.Days, kind, spec.MeanBlock)
	if spec.Shock != "" {
		caption += fmt.Sprintf("; shock %s injected", spec.Shock)
	}
	opt := charts.Options{Title: f.Name + ": Monte Carlo", Caption: caption, Synthetic: true, Palette: charts.NewPalette(names)}
	return charts.WriteFiles(filepath.Join(dir, "montecarlo"), func(w io.Writer, ft charts.Format) error { return charts.MonteCarlo(w, ft, opt, fans) })
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
