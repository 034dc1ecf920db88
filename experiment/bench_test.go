package experiment

import (
	"context"
	"fmt"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// widePanel is a synthetic market of 10 equities and 10 tokens over ten
// years (the default assets cloned under new symbols).
func widePanel(b testing.TB) (*data.Panel, []string, []string) {
	cfg := synth.DefaultConfig(1)
	cfg.Days = 3653
	var assets []synth.Asset
	var long, short []string
	base := synth.DefaultAssets()
	for i := 0; len(long) < 10 || len(short) < 10; i++ {
		a := base[i%len(base)]
		a.Symbol = fmt.Sprintf("%s%d", a.Symbol, i)
		if a.Class == data.Equity && len(long) < 10 {
			long = append(long, a.Symbol)
			assets = append(assets, a)
		} else if a.Class == data.Crypto && len(short) < 10 {
			short = append(short, a.Symbol)
			assets = append(assets, a)
		}
	}
	cfg.Assets = assets
	p, err := synth.Generate(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return p, long, short
}

// BenchmarkSweep200: a 200-run sweep of pair-hedge (10 gross levels × 20
// rebalance periods) on 20 instruments × 10 years, run through the
// experiment's worker pool with 1 and 2 workers. Reports runs/s; files are
// not written (the figure is the compute of the sweep).
func BenchmarkSweep200(b *testing.B) {
	p, long, short := widePanel(b)
	tl := engine.NewTimeline(p)
	var specs []strategies.Params
	for g := 1; g <= 10; g++ {
		for d := 1; d <= 20; d++ {
			specs = append(specs, strategies.Params{"long": long, "short": short, "gross": 0.2 * float64(g), "rebalance_days": int64(d)})
		}
	}
	reg := strategies.Builtins()
	// The garbage collector's target of the divergence program's runs
	// (Go's default, GOGC 100), so the figure is the program's.
	defer programGC()()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				err := parallel(context.Background(), len(specs), workers, nil, func(i int) error {
					res, _, err := runOne(reg, engine.Config{Cash: 1e6, Commission: 5, Seed: uint64(i)}, p, tl, "pair-hedge", specs[i])
					if err == nil {
						_ = results.Measure(res, 365)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(specs)*b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// BenchmarkMonteCarloPairHedge: 1,000 bootstrapped paths of 20 instruments
// × 2,520 days, each replayed through the pair hedge, with 1 and 2 workers
// (path generation and the engine run per path). Reports paths/s.
func BenchmarkMonteCarloPairHedge(b *testing.B) {
	p, long, short := widePanel(b)
	params := strategies.Params{"long": long, "short": short, "gross": 1.0, "rebalance_days": int64(7)}
	defer programGC()() // as the program runs
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			f := &File{Cash: 1e6, CommissionBps: 5, Seed: 1, MonteCarlo: &MonteCarloSpec{Paths: 1000, Days: 2520, MeanBlock: 10}}
			m := &Market{Panel: p, Timeline: engine.NewTimeline(p), PeriodsPerYear: 365, Base: engine.Config{Cash: 1e6, Commission: 5}}
			specs := []RunSpec{{Key: "hedge", Strategy: "hedge", Type: "pair-hedge", Params: params}}
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				if _, err := f.monteCarlo(context.Background(), specs, m, Options{Workers: workers, Strategies: strategies.Builtins()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "paths/s")
		})
	}
}
