package engine

import (
	"fmt"
	"math"
)

// Commission is charged per order, in money: an order filled whole pays
//
//	min(max(Minimum, B), MaxBps × notional) + (Maker or Taker) × notional
//
// with B = PerShare × |qty| + Bps × notional, as brokers price an order
// (Interactive Brokers' fixed US pricing: PerShare 0.005, Minimum 1,
// MaxBps 100, 1 % of the trade value). The cap comes after the minimum: an
// order whose cap is under the minimum pays the cap. MaxBps 0 is no cap.
// Maker applies to the fills of limits resting in the book (a Limit, or a
// triggered StopLimit resting as one), Taker to every other fill (a limit
// the open already passes when it reaches the market included), outside
// the minimum and the cap (exchange fees on top of the broker's).
//
// An order filled in parts (the participation cap splits it across
// bars) pays together what it would whole: part k pays f_k − f_{k−1},
// f_k the min(max(…)) above of the order's first k parts together (f_0
// = 0), so the minimum is paid once, by the first part, and the cap is on
// the whole order's value. Two orders pay two minimums. A fill of no
// quantity pays nothing (a target already reached trades nothing). The
// zero value means "not set": Config.Commission (bps of notional) applies
// instead. Commission is the built-in FeeModel; the per-order rule is the
// engine's, for the built-in: Fee, called alone, prices a fill as a whole
// order, and a FeeModel of one's own is asked per fill.
type Commission struct {
	Bps      BasisPoints // of notional
	PerShare float64     // money per unit of quantity
	Minimum  float64     // floor of the Bps + PerShare part, per order
	MaxBps   BasisPoints // cap of the Bps + PerShare part, of the order's notional, after the minimum; 0: none
	Maker    BasisPoints // added to Limit fills
	Taker    BasisPoints // added to all other fills
}

func (c *Commission) set() bool { return *c != Commission{} }

// Fee implements FeeModel: the fill as a whole order.
func (c Commission) Fee(t Trade) float64 { return c.part(t.Qty, t.Price, t.Maker, 0, 0) }

// part is what a part of qty at price pays of an order whose earlier
// parts traded units (Σ |qty|, 0: none) and notional (Σ |qty × price|).
func (c *Commission) part(qty, price float64, maker bool, units, notional float64) float64 {
	if qty == 0 {
		return 0
	}
	n := math.Abs(qty * price)
	var fee float64
	switch {
	case units == 0:
		fee = c.order(math.Abs(qty), n)
	case c.Minimum == 0 && c.MaxBps == 0:
		// Linear: the part's own base, which the difference below is
		// but for its float error (a fill's fee, bit for bit as before).
		fee = c.PerShare*math.Abs(qty) + c.Bps.Fraction()*n
	default:
		fee = math.Max(0, c.order(units+math.Abs(qty), notional+n)-c.order(units, notional))
	}
	if maker {
		return fee + c.Maker.Fraction()*n
	}
	return fee + c.Taker.Fraction()*n
}

// order is the PerShare + Bps part of an order of units and notional,
// its minimum and cap applied.
func (c *Commission) order(units, notional float64) float64 {
	base := c.PerShare*units + c.Bps.Fraction()*notional
	if base < c.Minimum {
		base = c.Minimum
	}
	if c.MaxBps > 0 {
		base = math.Min(base, c.MaxBps.Fraction()*notional)
	}
	return base
}

// Validate reports a field that is not a finite amount >= 0, by its key
// in an experiment file's fee table (bps, pershare, minimum, maxbps,
// maker, taker): a negative rate would pay the account for trading, and a NaN
// minimum would be no minimum. Config.Validate calls it for a Commission
// given as a FeeModel; the Terms' own Commission is checked there too.
func (c Commission) Validate() error {
	for _, f := range []struct {
		n string
		v float64
	}{{"bps", float64(c.Bps)}, {"pershare", c.PerShare}, {"minimum", c.Minimum}, {"maxbps", float64(c.MaxBps)}, {"maker", float64(c.Maker)}, {"taker", float64(c.Taker)}} {
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
