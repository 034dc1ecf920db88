package experiment_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// allIn is a strategy type of the program's own: it puts all its equity
// into one instrument at the first bar it sees and holds it.
type allIn struct {
	symbol string
	i      int
	done   bool
}

func newAllIn(p strategies.Params) (engine.Strategy, error) {
	var params struct {
		Symbol string `toml:"symbol"`
	}
	if err := strategies.Decode(p, &params); err != nil {
		return nil, err
	}
	if params.Symbol == "" {
		return nil, fmt.Errorf("symbol: required")
	}
	return &allIn{symbol: params.Symbol}, nil
}

func (s *allIn) Init(ctx *engine.Context) error {
	if s.i = ctx.Lookup(s.symbol); s.i < 0 {
		return fmt.Errorf("symbol: unknown symbol %q", s.symbol)
	}
	return nil
}

func (s *allIn) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if s.done || ctx.Stale(s.i) {
		return nil
	}
	s.done = true
	_, err := ctx.TargetWeight(s.i, 1, engine.Market, "all in")
	return err
}

// Symbols tells the experiment which instruments to load
// (strategies.Universe).
func (s *allIn) Symbols() []string { return []string{s.symbol} }

// A Go program runs an experiment with a strategy type of its own,
// registered beside the built-ins, on the seeded synthetic market. The
// experiment file names the type like any built-in one.
//
// The check beside the figure is by hand: with no costs, all of the cash
// buys BTC at the first fill's price and the final equity is
// cash × (last close / fill price).
func Example_ownStrategy() {
	reg := strategies.Builtins()
	reg["all-in"] = strategies.Factory{Name: "all-in", Doc: "all equity into one instrument, held", New: newAllIn}

	f, err := experiment.Parse("own.toml", `
name = "own strategy"
cash = 10000.0
start = "2021-01-04"
end = "2021-07-01"

[data]
synthetic = true

[[strategy]]
name = "btc"
type = "all-in"
params = { symbol = "BTC" }
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := os.MkdirTemp("", "divergence-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)

	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: reg, Out: out, Workers: 1, Keep: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := o.Runs[0]
	fill := r.Result.Fills[0]
	btc := &o.Panel.Series[o.Panel.Index("BTC")]
	last := btc.Close[btc.Len()-1]
	fmt.Printf("%s (%s): %d fill, final equity %.2f\n", r.Key, r.Type, r.Metrics.Fills, r.Metrics.FinalEquity)
	fmt.Printf("by hand: %.2f\n", o.Cash*last/fill.Price)

	// With the built-ins alone (Options.Strategies nil), the type is unknown.
	_, err = experiment.Run(context.Background(), f, experiment.Options{Out: out})
	fmt.Println("built-ins alone:", strings.Contains(fmt.Sprint(err), `unknown strategy type "all-in"`))
	// Output:
	// btc (all-in): 1 fill, final equity 9954.33
	// by hand: 9954.33
	// built-ins alone: true
}

// A Go program reads an experiment's results back from its folder, as
// another program (or a later session) would: the runs' records
// (results.ReadRuns, each run's metrics.json), and each run's equity curve
// and fills (runs/<key>/equity.parquet and fills.parquet, read with
// results.ReadTableParquet). The figures are then computed again by hand
// from the curve: the total return is final / initial cash − 1, the
// maximum drawdown the worst equity / running peak − 1 with the initial
// cash as the first peak, and the commission the sum of the fills'.
func Example_readResults() {
	f, err := experiment.Parse("read.toml", `
name = "read back"
cash = 100000.0
commission_bps = 5.0
start = "2022-01-03"
end = "2022-07-01"

[data]
synthetic = true

[[strategy]]
name = "hedge"
type = "pair-hedge"
params = { long = ["NVDA"], short = ["FET"], rebalance_days = 30 }
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := os.MkdirTemp("", "divergence-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: out, Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}

	recs, err := results.ReadRuns(o.Dir, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range recs {
		dir := filepath.Join(o.Dir, "runs", r.Run)
		eq, err := results.ReadTableParquet(filepath.Join(dir, "equity.parquet"), "time", "equity")
		if err != nil {
			fmt.Println(err)
			return
		}
		fills, err := results.ReadTableParquet(filepath.Join(dir, "fills.parquet"), "commission")
		if err != nil {
			fmt.Println(err)
			return
		}
		curve := eq.Column("equity").Floats
		peak, dd := r.Cash, 0.0
		for _, v := range curve {
			peak = math.Max(peak, v)
			dd = math.Min(dd, v/peak-1)
		}
		paid := 0.0
		for _, c := range fills.Column("commission").Floats {
			paid += c
		}
		fmt.Printf("%s: %d points from %s, %d fills\n", r.Run, eq.Rows(), r.Start, fills.Rows())
		fmt.Printf("total return %.6f, by hand %.6f\n", r.Metrics.TotalReturn, curve[len(curve)-1]/r.Cash-1)
		fmt.Printf("max drawdown %.6f, by hand %.6f\n", r.Metrics.MaxDrawdown, dd)
		fmt.Printf("commission %.2f, by hand %.2f\n", r.Metrics.Commission, paid)
	}
	// Output:
	// hedge: 179 points from 2022-01-03, 12 fills
	// total return 0.039901, by hand 0.039901
	// max drawdown -0.423716, by hand -0.423716
	// commission 98.53, by hand 98.53
}
