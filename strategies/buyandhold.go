package strategies

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// BuyAndHoldParams configures buy-and-hold.
type BuyAndHoldParams struct {
	// Symbols is the basket. Required.
	Symbols []string `toml:"symbols"`
	// Weights are the target fractions of equity, one per symbol, each in
	// [-1, 1] (negative = short); their absolute sum must not exceed 1.
	// Default: equal weights summing to 1.
	Weights []float64 `toml:"weights"`
	// RebalanceDays, when > 0, brings the basket back to Weights every so
	// many calendar days. Default 0: buy once and hold.
	RebalanceDays int `toml:"rebalance_days"`
	// RebalanceBars, when > 0, brings the basket back to Weights every so
	// many of its sync points (steps at which every instrument of the
	// basket has a fresh bar: 21 on equities is a trading month). Not
	// with RebalanceDays. Default 0; 0 to 100,000,000.
	RebalanceBars int `toml:"rebalance_bars"`
	// Fill is when the orders trade: "next-open" (default) or "close"
	// (market-on-close at the decision bar's close; on mixed daily
	// calendars an equity's at its next close).
	Fill Fill `toml:"fill"`
}

// Validate names the bad key.
func (p *BuyAndHoldParams) Validate() error {
	if len(p.Symbols) == 0 {
		return fmt.Errorf("symbols: at least one symbol is required")
	}
	if err := checkSymbols(p.Symbols); err != nil {
		return err
	}
	if len(p.Weights) == 0 {
		p.Weights = make([]float64, len(p.Symbols))
		for i := range p.Weights {
			p.Weights[i] = 1 / float64(len(p.Symbols))
		}
	}
	if len(p.Weights) != len(p.Symbols) {
		return fmt.Errorf("weights: %d weights for %d symbols", len(p.Weights), len(p.Symbols))
	}
	sum := 0.0
	for i, w := range p.Weights {
		if math.IsNaN(w) || w < -1 || w > 1 {
			return fmt.Errorf("weights[%d] = %g: want a fraction in [-1, 1]", i, w)
		}
		sum += math.Abs(w)
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("weights: absolute weights sum to %g, more than 1 (use pair-hedge or weights for leverage)", sum)
	}
	if err := checkClock(p.RebalanceDays, p.RebalanceBars); err != nil {
		return err
	}
	if !valid(p.Fill) {
		return fmt.Errorf("fill = %v: want %s", p.Fill, strict.OneOf(p.Fill.spellings()))
	}
	return nil
}

// BuyAndHold buys a basket at fixed weights once every instrument has a
// price, and holds it (rebalancing every RebalanceDays or RebalanceBars
// if set).
type BuyAndHold struct {
	p       BuyAndHoldParams
	idx     []int
	clock   clock
	fillSet bool // params set fill
}

// NewBuyAndHold builds buy-and-hold from its parameters.
func NewBuyAndHold(params Params) (engine.Strategy, error) {
	var p BuyAndHoldParams
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	_, set := params["fill"]
	return &BuyAndHold{p: p, fillSet: set}, nil
}

// FillSet reports whether the params set fill (Filler).
func (s *BuyAndHold) FillSet() bool { return s.fillSet }

// Init resolves the basket.
func (s *BuyAndHold) Init(ctx *engine.Context) error {
	idx, err := resolve(ctx, "symbols", s.p.Symbols)
	s.idx = idx
	s.clock = clock{days: s.p.RebalanceDays, bars: s.p.RebalanceBars}
	return err
}

// OnBar buys (or rebalances) when due.
func (s *BuyAndHold) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if !pricedAll(ctx, s.idx) {
		return nil
	}
	s.clock.tick(ctx, s.idx)
	if s.clock.begun && !s.clock.due(ctx.Time()) {
		return nil // not due: no need to look for a sync point
	}
	kind := s.p.Fill.Kind()
	if !syncPoint(ctx, s.idx, mixedCalendars(ctx, s.idx), kind == engine.Market) {
		return nil
	}
	s.clock.reset(ctx.Time())
	for j, i := range s.idx {
		if _, err := ctx.TargetWeight(i, s.p.Weights[j], kind, "rebalance"); err != nil {
			return err
		}
	}
	return nil
}

// Symbols is the basket.
func (s *BuyAndHold) Symbols() []string { return s.p.Symbols }

// FillRate bounds the run's fills (FillBounder): an order per symbol at
// each decision, and one decision a rebalancing period (the purchase
// starts the first). Without rebalance_days or rebalance_bars the basket
// is bought once: an order per symbol.
func (s *BuyAndHold) FillRate() FillRate {
	r := FillRate{Orders: len(s.p.Symbols), Decisions: 1, Days: s.p.RebalanceDays, Bars: s.p.RebalanceBars}
	if r.Days == 0 && r.Bars == 0 {
		r.Decisions, r.Extra = 0, 1
	}
	return r
}
