package strategies_test

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// MomentumParams configures momentum. Field comments give the default,
// the unit and the valid range; the toml tags are the keys users write.
type MomentumParams struct {
	// Symbol is the instrument traded. Required.
	Symbol string `toml:"symbol"`
	// Lookback is the number of the instrument's own bars to look back.
	// Default 20; >= 1.
	Lookback int `toml:"lookback"`
	// Weight is the fraction of equity held while the close is above the
	// close Lookback bars ago. Default 1.0; (0, 1].
	Weight float64 `toml:"weight"`
}

// Validate names the bad key.
func (p *MomentumParams) Validate() error {
	if p.Symbol == "" {
		return fmt.Errorf("symbol: required")
	}
	if p.Lookback < 1 {
		return fmt.Errorf("lookback = %d: want >= 1", p.Lookback)
	}
	if !(p.Weight > 0 && p.Weight <= 1) {
		return fmt.Errorf("weight = %g: want a fraction in (0, 1]", p.Weight)
	}
	return nil
}

// Momentum holds Weight of equity in one instrument while its close is
// above its close Lookback bars earlier, and is flat otherwise.
type Momentum struct {
	p    MomentumParams
	i    int  // the instrument's index, resolved in Init
	long bool // the state last ordered
}

// NewMomentum is the constructor the registry calls: defaults first, then
// the user's keys decoded strictly (an unknown key is an error), then
// Validate.
func NewMomentum(params strategies.Params) (engine.Strategy, error) {
	p := MomentumParams{Lookback: 20, Weight: 1}
	if err := strategies.Decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Momentum{p: p}, nil
}

// Init runs once before the first bar: resolve symbols, size buffers.
func (s *Momentum) Init(ctx *engine.Context) error {
	s.i = ctx.Lookup(s.p.Symbol)
	if s.i < 0 {
		return fmt.Errorf("symbol: unknown symbol %q", s.p.Symbol)
	}
	return nil
}

// OnBar sees one time slice: closes up to now, never later. Orders placed
// here fill at the instrument's next open.
func (s *Momentum) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if ctx.Stale(s.i) { // no bar for our instrument at this slice
		return nil
	}
	h := ctx.History(s.i, engine.Close, s.p.Lookback+1) // oldest first, ends now
	if len(h) <= s.p.Lookback {
		return nil // not enough history yet
	}
	up := h[len(h)-1] > h[0]
	if up == s.long {
		return nil
	}
	s.long = up
	w := 0.0
	if up {
		w = s.p.Weight
	}
	_, err := ctx.TargetWeight(s.i, w, engine.Market, "momentum")
	return err
}

// Symbols tells the experiment runner which instruments to load.
func (s *Momentum) Symbols() []string { return []string{s.p.Symbol} }

// Example_writeAStrategy registers Momentum beside the built-ins and runs
// it on a hand-made market of nine daily bars.
//
// Closes 100 101 99 104 106 103 98 97 99, lookback 3: on bar 3 the close
// 104 > 100 (bar 0) → long, filled at bar 4's open 105: 10000/105 =
// 95.238095 units. On bar 6, 98 < 104 (bar 3) → flat, filled at bar 7's
// open 98: equity 95.238095 × 98 = 9333.33.
func Example_writeAStrategy() {
	reg := strategies.Builtins()
	reg["momentum"] = strategies.Factory{Name: "momentum", Doc: "long while the close is above the close N bars ago", New: NewMomentum}

	opens := []float64{100, 100, 101, 100, 105, 105, 102, 98, 97}
	closes := []float64{100, 101, 99, 104, 106, 103, 98, 97, 99}
	s := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}}
	for k := range closes {
		s.Time = append(s.Time, data.Day(2024, 3, 1+k))
		s.Open = append(s.Open, opens[k])
		s.High = append(s.High, math.Max(opens[k], closes[k]))
		s.Low = append(s.Low, math.Min(opens[k], closes[k]))
		s.Close = append(s.Close, closes[k])
		s.Volume = append(s.Volume, 1000)
	}
	s.AdjClose = s.Close
	panel := &data.Panel{Series: []data.Series{s}}

	strat, err := reg.New("momentum", strategies.Params{"symbol": "TAO", "lookback": 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := engine.Run(panel, nil, strat, engine.Config{Cash: 10000})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Fills {
		fmt.Printf("%s %s %+.6f @ %g (%s)\n", data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Tag)
	}
	fmt.Printf("final equity %.2f\n", res.Curve.Equity[res.Curve.Len()-1])

	_, err = reg.New("momentum", strategies.Params{"symbol": "TAO", "lookbak": 3})
	fmt.Println(err)
	// Output:
	// 2024-03-05 TAO +95.238095 @ 105 (momentum)
	// 2024-03-08 TAO -95.238095 @ 98 (momentum)
	// final equity 9333.33
	// momentum: params: unknown key lookbak (did you mean lookback? known: lookback, symbol, weight)
}
