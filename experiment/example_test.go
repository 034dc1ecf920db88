package experiment_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/experiment"
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
