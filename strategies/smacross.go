package strategies

import (
	"fmt"
	"math"

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
// slices are ignored), O(1) per bar and allocation-free.
//
// A tie is no cross: SMA(Fast) equal to SMA(Slow) is flat. Plain running
// sums drift (each add and subtract rounds, and the rounding stays in the
// sum after the bar has left the window), so that two equal closes with
// fast 1 / slow 2 read as a cross up. The sums are compensated (see ksum:
// their error stays within a few ulps of the window's sum, however long
// the run), and the averages are compared up to levelTol of their size
// (past): a difference that small is rounding, far below a price tick.
type SMACross struct {
	p          SMACrossParams
	i          int
	sumF, sumS ksum
	seen       int // bars included in the sums
	long       bool
	fillSet    bool // params set fill
}

// ksum is a compensated running sum (Neumaier's variant of Kahan
// summation): s holds the sum as rounded, c the rounding errors of the
// additions so far, so that s + c is the exact sum of the terms up to a
// few ulps, where a plain sum's error grows with every term it ever held.
// O(1) per term, no allocation.
type ksum struct{ s, c float64 }

// add adds x, keeping its rounding error in c.
func (k *ksum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

// value is the sum.
func (k ksum) value() float64 { return k.s + k.c }

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
		s.sumF, s.sumS = ksum{}, ksum{}
		for k := 0; k < s.p.Slow && k < len(h); k++ {
			v := h[len(h)-1-k]
			s.sumS.add(v)
			if k < s.p.Fast {
				s.sumF.add(v)
			}
		}
	} else {
		c := h[len(h)-1]
		s.sumF.add(c)
		s.sumS.add(c)
		if n > s.p.Fast {
			s.sumF.add(-h[len(h)-1-s.p.Fast])
		}
		if n > s.p.Slow {
			s.sumS.add(-h[0])
		}
	}
	s.seen = n
	if n < s.p.Slow {
		return nil
	}
	// Above past the rounding: a tie is flat (see SMACross).
	up := past(s.sumF.value()/float64(s.p.Fast), s.sumS.value()/float64(s.p.Slow))
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
