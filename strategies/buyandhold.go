package strategies

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
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
}

// Validate names the bad key.
func (p *BuyAndHoldParams) Validate() error {
	if len(p.Symbols) == 0 {
		return fmt.Errorf("symbols: at least one symbol is required")
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
	if p.RebalanceDays < 0 {
		return fmt.Errorf("rebalance_days = %d: want >= 0", p.RebalanceDays)
	}
	return nil
}

// BuyAndHold buys a basket at fixed weights once every instrument has a
// price, and holds it (rebalancing every RebalanceDays if set).
type BuyAndHold struct {
	p    BuyAndHoldParams
	idx  []int
	last int64 // time of the last rebalance, 0 before the first
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
	return &BuyAndHold{p: p}, nil
}

// Init resolves the basket.
func (s *BuyAndHold) Init(ctx *engine.Context) error {
	idx, err := resolve(ctx, "symbols", s.p.Symbols)
	s.idx = idx
	return err
}

// OnBar buys (or rebalances) when due.
func (s *BuyAndHold) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if !pricedAll(ctx, s.idx) || !syncPoint(ctx, s.idx, mixedCalendars(ctx, s.idx), true) {
		return nil
	}
	due := s.last == 0 || (s.p.RebalanceDays > 0 && ctx.Time()-s.last >= int64(s.p.RebalanceDays)*data.NanosPerDay)
	if !due {
		return nil
	}
	s.last = ctx.Time()
	for j, i := range s.idx {
		if _, err := ctx.TargetWeight(i, s.p.Weights[j], engine.Market, "rebalance"); err != nil {
			return err
		}
	}
	return nil
}

// Symbols is the basket.
func (s *BuyAndHold) Symbols() []string { return s.p.Symbols }
