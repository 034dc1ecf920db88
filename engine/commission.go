package engine

import (
	"fmt"
	"math"
)

// Commission is charged on every fill, in money:
//
//	max(Minimum, PerShare × |qty| + Bps × notional) + (Maker or Taker) × notional
//
// Maker applies to Limit fills, Taker to every other fill. A fill of no
// quantity pays nothing (the Minimum is a fill's, not an order's: a
// target already reached trades nothing). The zero value
// means "not set": Config.Commission (bps of notional) applies instead.
// Commission is the built-in FeeModel.
type Commission struct {
	Bps      BasisPoints // of notional
	PerShare float64     // money per unit of quantity
	Minimum  float64     // floor of the Bps + PerShare part, per fill
	Maker    BasisPoints // added to Limit fills
	Taker    BasisPoints // added to all other fills
}

func (c *Commission) set() bool { return *c != Commission{} }

// Fee implements FeeModel.
func (c Commission) Fee(t Trade) float64 { return c.fee(t.Qty, t.Price, t.Maker) }

func (c *Commission) fee(qty, price float64, maker bool) float64 {
	if qty == 0 {
		return 0
	}
	n := math.Abs(qty * price)
	base := c.PerShare*math.Abs(qty) + c.Bps.Fraction()*n
	if base < c.Minimum {
		base = c.Minimum
	}
	if maker {
		return base + c.Maker.Fraction()*n
	}
	return base + c.Taker.Fraction()*n
}

// Validate reports a field that is not a finite amount >= 0, by its key
// in an experiment file's fee table (bps, pershare, minimum, maker,
// taker): a negative rate would pay the account for trading, and a NaN
// minimum would be no minimum. Config.Validate calls it for a Commission
// given as a FeeModel; the Terms' own Commission is checked there too.
func (c Commission) Validate() error {
	for _, f := range []struct {
		n string
		v float64
	}{{"bps", float64(c.Bps)}, {"pershare", c.PerShare}, {"minimum", c.Minimum}, {"maker", float64(c.Maker)}, {"taker", float64(c.Taker)}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s = %g: want a finite value >= 0", f.n, f.v)
		}
	}
	// A rate of 10,000 bps is the whole notional, as Config.Commission
	// refuses it.
	for _, f := range []struct {
		n string
		v BasisPoints
	}{{"bps", c.Bps}, {"maker", c.Maker}, {"taker", c.Taker}} {
		if f.v >= 1e4 {
			return fmt.Errorf("%s = %g: want a rate under 10000 bps (the whole notional)", f.n, float64(f.v))
		}
	}
	return nil
}
