package experiment

import (
	"context"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// A pair hedge trades every instrument of its legs at each rebalance: its
// fills, which the estimate counted in no term, are held by the worker
// that runs it, read back by the report for the runs it draws and taken
// by results.duckdb for every run. The 200-run sweep of
// BenchmarkSweepCommand (1,866,800 fills) peaked at 371–405 MiB on two
// workers, estimated at 290.5 MB (0.72–0.78). The estimate now counts
// the fills the strategy bounds (strategies.FillRate).
//
// Here two pair hedges on A and B, 100 daily bars each (200 bars, 100
// steps over 100 days), rebalanced every day and every 10 days, on two
// workers with the report and the database, the bars dropped before them.
// The fills' bounds: every day, min(100 steps, 100 / 1 + 1) × 2 = 200;
// every 10 days, min(100, 100 / 10 + 1 = 11) × 2 = 22; 222 in all.
//
// The runs: the panel, 200 × 56 = 11,200, and 2 runs of 6 curve columns
// of 100 × 8 = 800 bytes and an eighth, 900, to 16 bytes 912, + 8,192 =
// 13,664, 27,328: 38,528, twice, 77,056; each of the 2 workers, 100 × 64
// = 6,400 and the largest run's 200 fills × 512 = 102,400: 217,600; the
// process, 104,857,600: 105,152,256.
// The outputs: 1.5 × 27,328 = 40,992; the database, 24 MiB = 25,165,824
// + 2 × (100 × 32 + 2 threads × 131,072) = 530,688 + 222 fills × 56 =
// 12,432: 25,708,944; the report, 6 MiB = 6,291,456 + 2 runs × 100 × 64
// = 12,800 + their legs, 2 × 200 × 40 = 16,000 + their fills, 222 × 144
// = 31,968: 6,352,224; both at once, + 10 MiB = 10,485,760: 42,546,928;
// the process: 147,445,520, the larger.
func TestEstimateCountsHedgeFills(t *testing.T) {
	twoCores(t) // DuckDB's threads (duckdbThreads)
	report := func(context.Context, ReportInput) error { return nil }
	database := func(context.Context, string, []results.RunRecord, []*engine.Curve, map[string][]string) error {
		return nil
	}
	opt := Options{Workers: 2, Report: report, Database: database, FreeBars: true}.withDefaults()
	e := estimateAB(t, "h.toml", "name = \"h\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"A\"]\nshort = [\"B\"]\n[strategy.sweep]\nrebalance_days = [1, 10]\n", opt)
	if e.Working != 217_600 {
		t.Errorf("the workers' share %d, want 217,600", e.Working)
	}
	if e.Memory != 147_445_520 {
		t.Errorf("memory %d, want 147,445,520", e.Memory)
	}
}

// A bound without a rebalancing period (a pair hedge with a drift band,
// a gross cap or a stop-loss may decide at any step) is not counted:
// a decision every step is thousands of times what such a hedge makes
// (the synthetic intraday-hedge example on one-minute bars over a year,
// drift_band = 0.02: 822 fills against a bound of 525,420 steps × 6 =
// 3,152,520, estimated at 3.5 GB for a peak of 405 MB), and a strategy
// without a bound is counted as one that trades now and then.
//
// Two pair hedges on A and B (drift_band 0.02 and 0.05, no calendar),
// 100 daily steps, on two workers: each worker's share is 100 × 64 B =
// 6,400, 12,800 for both, with no fill term (counted, the bound was
// 100 steps × 2 orders = 200 fills × 512 B = 102,400 more a worker).
func TestEstimateLeavesOutAnyStepFills(t *testing.T) {
	twoCores(t) // DuckDB's threads (duckdbThreads)
	opt := Options{Workers: 2}.withDefaults()
	e := estimateAB(t, "h.toml", "name = \"h\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"A\"]\nshort = [\"B\"]\nrebalance_days = 0\n[strategy.sweep]\ndrift_band = [0.02, 0.05]\n", opt)
	if e.Working != 12_800 {
		t.Errorf("the workers' share %d, want 12,800", e.Working)
	}
}

// A weights basket bounds its fills too (strategies.FillRate): two
// baskets of A and B rebalanced every day and every 10 days, 100 daily
// steps over 100 days, on two workers. The daily one's bound: min(100
// steps, 100 / 1 + 1 = 101 periods + 2 first prices) = 100 decisions × 2
// orders = 200 fills, the largest; each worker holds 100 × 64 = 6,400
// and 200 × 512 = 102,400: 108,800, 217,600 for both (without the
// bound, 12,800).
func TestEstimateCountsBasketFills(t *testing.T) {
	twoCores(t) // DuckDB's threads (duckdbThreads)
	opt := Options{Workers: 2}.withDefaults()
	e := estimateAB(t, "w.toml", "name = \"w\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"w\"\ntype = \"weights\"\n[strategy.params]\nsymbols = [\"A\", \"B\"]\nweights = [0.5, 0.5]\n[strategy.sweep]\nrebalance_days = [1, 10]\n", opt)
	if e.Working != 217_600 {
		t.Errorf("the workers' share %d, want 217,600", e.Working)
	}
}

// estimateAB is the estimate of the experiment file text (named name)
// with opt over two series A and B of 100 daily bars from 2024-01-01
// (100 steps over 100 days), as Run makes it once the data are read.
func estimateAB(t *testing.T, name, text string, opt Options) Estimate {
	t.Helper()
	const n = 100
	a, b := series("A", n), series("B", n)
	for i := range a.Time {
		a.Time[i] = int64(19723+i) * data.NanosPerDay // from 2024-01-01
	}
	copy(b.Time, a.Time)
	panel := &data.Panel{Series: []data.Series{a, b}}
	f, err := Parse(name, text)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := f.Runs(opt.Strategies)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Estimate(opt)
	if err != nil {
		t.Fatal(err)
	}
	return f.withData(e, &Market{Panel: panel, Timeline: &engine.Timeline{Times: a.Time}}, opt, specs)
}
