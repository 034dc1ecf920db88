package strategies

import (
	"fmt"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/engine"
)

// SMACrossParams configures sma-cross.
type SMACrossParams struct {
	// Symbol is the instrument traded. Required.
	Symbol string `toml:"symbol"`
	// Fast is the short moving average's length in bars. Default 20; >= 1.
	Fast int `toml:"fast"`
	// Slow is the long moving average's length in bars. Default 50; > Fast,
	// at most 100,000,000.
	Slow int `toml:"slow"`
	// Weight is the fraction of equity held while the fast average is above
	// the slow one. Default 1.0 (all in); (0, 1].
	Weight float64 `toml:"weight"`
	// Fill is when the orders trade: "next-open" (default) or "close"
	// (market-on-close at the close the cross was seen on).
	Fill Fill `toml:"fill"`
}

// Validate names the bad key.
func (p *SMACrossParams) Validate() error {
	if p.Symbol == "" {
		return fmt.Errorf("symbol: required")
	}
	if p.Fast < 1 || p.Fast >= maxWindow {
		return fmt.Errorf("fast = %d: want >= 1 (and < slow <= %d)", p.Fast, maxWindow)
	}
	if p.Slow <= p.Fast || p.Slow > maxWindow {
		return fmt.Errorf("slow = %d: want > fast (%d) and <= %d bars", p.Slow, p.Fast, maxWindow)
	}
	if !(p.Weight > 0 && p.Weight <= 1) {
		return fmt.Errorf("weight = %g: want a fraction in (0, 1]", p.Weight)
	}
	if !valid(p.Fill) {
		return fmt.Errorf("fill = %v: want %s", p.Fill, strict.OneOf(p.Fill.spellings()))
	}
	return nil
}

// SMACross is long-only: it holds Weight of equity in the instrument while
// SMA(Fast) > SMA(Slow) of its closes, and is flat otherwise. Signals are
// computed on the close just seen and traded at the next open (or, with
// fill = "close", at that close). The
// averages are kept as running sums over the instrument's own bars (stale
// slices are ignored), O(1) per bar.
type SMACross struct {
	p          SMACrossParams
	i          int
	sumF, sumS float64
	seen       int // bars included in the sums
	long       bool
	fillSet    bool // params set fill
}

// NewSMACross builds sma-cross from its parameters.
func NewSMACross(params Params) (engine.Strategy, error) {
	p := SMACrossParams{Fast: 20, Slow: 50, Weight: 1}
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	_, set := params["fill"]
	return &SMACross{p: p, fillSet: set}, nil
}

// FillSet reports whether the params set fill (Filler).
func (s *SMACross) FillSet() bool { return s.fillSet }

// Init resolves the symbol.
func (s *SMACross) Init(ctx *engine.Context) error {
	idx, err := resolve(ctx, "symbol", []string{s.p.Symbol})
	if err == nil {
		s.i = idx[0]
	}
	return err
}

// OnBar updates the averages on a fresh bar and trades on a cross.
func (s *SMACross) OnBar(ctx *engine.Context, _ *engine.Slice) error {
	if ctx.Stale(s.i) {
		return nil
	}
	n := ctx.Bars(s.i)
	h := ctx.History(s.i, engine.Close, s.p.Slow+1)
	if n != s.seen+1 {
		// First call, or bars went by unseen (warm-up before the start):
		// rebuild the sums from the history window.
		s.sumF, s.sumS = 0, 0
		for k := 0; k < s.p.Slow && k < len(h); k++ {
			v := h[len(h)-1-k]
			s.sumS += v
			if k < s.p.Fast {
				s.sumF += v
			}
		}
	} else {
		c := h[len(h)-1]
		s.sumF += c
		s.sumS += c
		if n > s.p.Fast {
			s.sumF -= h[len(h)-1-s.p.Fast]
		}
		if n > s.p.Slow {
			s.sumS -= h[0]
		}
	}
	s.seen = n
	if n < s.p.Slow {
		return nil
	}
	up := s.sumF/float64(s.p.Fast) > s.sumS/float64(s.p.Slow)
	if up == s.long {
		return nil
	}
	s.long = up
	w := 0.0
	if up {
		w = s.p.Weight
	}
	_, err := ctx.TargetWeight(s.i, w, s.p.Fill.Kind(), "cross")
	return err
}

// Symbols is the one instrument.
func (s *SMACross) Symbols() []string { return []string{s.p.Symbol} }
