package strategies

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/engine"
)

// PairHedgeParams configures pair-hedge.
type PairHedgeParams struct {
	// Long is the long leg's basket, e.g. ["MSFT", "NVDA", "META"]. Required.
	Long []string `toml:"long"`
	// Short is the short leg's basket, e.g. ["TAO", "RENDER", "FET"]. Required.
	Short []string `toml:"short"`
	// Gross is the gross leverage, Σ|weights| as a multiple of equity:
	// 1.0 puts 50% of equity long and 50% short. Default 1.0; (0, 10].
	Gross float64 `toml:"gross"`
	// RebalanceDays: the legs are brought back to their targets every so
	// many calendar days. Default 7; >= 1.
	RebalanceDays int `toml:"rebalance_days"`
}

// Validate names the bad key.
func (p *PairHedgeParams) Validate() error {
	if len(p.Long) == 0 {
		return fmt.Errorf("long: at least one symbol is required")
	}
	if len(p.Short) == 0 {
		return fmt.Errorf("short: at least one symbol is required")
	}
	seen := map[string]string{}
	for _, s := range p.Long {
		seen[s] = "long"
	}
	for _, s := range p.Short {
		if seen[s] == "long" {
			return fmt.Errorf("short: %q is also in long", s)
		}
	}
	if !(p.Gross > 0 && p.Gross <= 10) || math.IsNaN(p.Gross) {
		return fmt.Errorf("gross = %g: want a leverage in (0, 10]", p.Gross)
	}
	if p.RebalanceDays < 1 {
		return fmt.Errorf("rebalance_days = %d: want >= 1", p.RebalanceDays)
	}
	return nil
}

// PairHedge holds a long basket against a short basket: equal weights
// inside each leg, the legs dollar-neutral (each Gross/2 of equity),
// rebalanced every RebalanceDays calendar days at the next open. It starts
// once every instrument of both legs has a price.
type PairHedge struct {
	p           PairHedgeParams
	long, short []int
	last        int64
}

// NewPairHedge builds pair-hedge from its parameters.
func NewPairHedge(params Params) (engine.Strategy, error) {
	p := PairHedgeParams{Gross: 1, RebalanceDays: 7}
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &PairHedge{p: p}, nil
}

// Init resolves both legs.
func (s *PairHedge) Init(ctx *engine.Context) error {
	var err error
	if s.long, err = resolve(ctx, "long", s.p.Long); err != nil {
		return err
	}
	s.short, err = resolve(ctx, "short", s.p.Short)
	return err
}

// OnBar rebalances when due.
func (s *PairHedge) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if !pricedAll(ctx, s.long) || !pricedAll(ctx, s.short) {
		return nil
	}
	if s.last != 0 && ctx.Time()-s.last < int64(s.p.RebalanceDays)*nsPerDay {
		return nil
	}
	s.last = ctx.Time()
	wl := s.p.Gross / 2 / float64(len(s.long))
	ws := -s.p.Gross / 2 / float64(len(s.short))
	for _, i := range s.long {
		if _, err := ctx.TargetWeight(i, wl, engine.Market, "rebalance long"); err != nil {
			return err
		}
	}
	for _, i := range s.short {
		if _, err := ctx.TargetWeight(i, ws, engine.Market, "rebalance short"); err != nil {
			return err
		}
	}
	return nil
}

// Symbols is the long leg, then the short leg.
func (s *PairHedge) Symbols() []string {
	return append(append([]string{}, s.p.Long...), s.p.Short...)
}
