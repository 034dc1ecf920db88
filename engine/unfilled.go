package engine

import (
	"math"
	"sort"

	"github.com/divergence-research/divergence/data"
)

// PendingWhy says why an order was still pending when a run ended.
type PendingWhy uint8

const (
	// PendingNoBar: its instrument had no bar after the order was placed
	// (on which it could fill): it was placed on the run's last bar (a
	// market order decided at the last close), or off the grid, after the
	// last bar's open it could fill at. It never had a chance to fill.
	PendingNoBar PendingWhy = iota + 1
	// PendingDataEnded: its instrument's data ended (PendingOrder.DataEnd)
	// before the run's last step, with no bar after the order was
	// placed: it never had a chance to fill. An equity whose market was
	// closed from the day after its last bar to the run's end (a run
	// going on over a weekend, or for a New York equity an NYSE holiday,
	// beside tokens) is PendingNoBar: its market ended the run, not its
	// data.
	PendingDataEnded
	// PendingNotReached: a resting order (limit, stop, stop-limit,
	// trailing stop) that would open, add to or turn a position, whose level
	// the instrument's bars after its placement never reached
	// (PendingOrder.Reach says how near they came).
	PendingNotReached
	// PendingResting: a resting order that would reduce or close the
	// position held at the end, no more (a protective stop, a
	// take-profit; one that would turn it is an entry), or a
	// target order with nothing to do (a bracket leg on a flat
	// position): resting at the end by design.
	PendingResting
	// PendingHeldBack: the order had bars to fill on, but the fill-volume
	// cap held it (or the rest of it) back: a market order, or a resting
	// order held back on its instrument's last bar. A resting order held
	// back before, whose level the bars after that never reached, is
	// PendingNotReached (its Reach counts those bars).
	PendingHeldBack
)

// String names the reason as a phrase.
func (w PendingWhy) String() string {
	switch w {
	case PendingNoBar:
		return "no bar after its placement"
	case PendingDataEnded:
		return "its instrument's data ended"
	case PendingNotReached:
		return "level never reached"
	case PendingResting:
		return "resting (protective or nothing to do)"
	case PendingHeldBack:
		return "held back by the fill-volume cap"
	}
	return "unknown"
}

// PendingOrder is an order still pending when the run ended
// (Result.Pending): it never filled, or (Partly) filled in part only.
// Orders being cancelled (a cancel decided off the next step's grid) are
// not among them.
type PendingOrder struct {
	Order      OrderID
	Instrument int
	Symbol     string
	Kind       OrderKind
	Sizing     Sizing
	// Amount is the quantity left to fill (Quantity) or the target
	// weight or value.
	Amount float64
	// Side is +1 for a buy, −1 for a sell, 0 for a target order with
	// nothing to do at the last prices (already at its target). A target
	// order's side is its delta at the instrument's last close.
	Side int
	// Level is the price a resting order waits for: a limit's price, a
	// stop's trigger (a stop-limit's limit once triggered), a trailing
	// stop's level at the end; NaN for market and market-on-close orders
	// (and a trailing stop that never saw a price).
	Level float64
	// Reach is, for PendingNotReached, how far the instrument's bars went
	// toward Level after the order's placement (a triggered stop-limit's:
	// after the bar that triggered it, for its limit waited from then
	// on; an order the fill-volume cap held back: after the last bar it
	// did): the lowest low for a buy limit or a sell stop, the highest
	// high for a sell limit or a buy stop; a trailing stop's, whose level
	// moves with its extreme, counts the bars' path from the point where
	// the extreme took its last value (the one Level is at) on: the
	// lowest point of a sell's, the highest of a buy's. NaN otherwise, or
	// when no bar came after.
	Reach float64
	Tag   string
	// Placed is the time of the step the order was submitted (or last
	// replaced) in.
	Placed int64
	// Why says why it is left (PendingWhy).
	Why PendingWhy
	// DataEnd is the time of the instrument's last bar in the panel.
	DataEnd int64
	// Partly: some of it filled.
	Partly bool
}

// unfilled lists the pending orders at the end of a run (after its last
// step), nil when there are none. It runs once, after the loop.
func (b *broker) unfilled() []PendingOrder {
	if len(b.pending) == 0 {
		return nil
	}
	copy(b.mark, b.price)
	endStep := b.tl.Len() - 1
	runEnd := b.tl.Times[endStep]
	out := make([]PendingOrder, 0, len(b.pending))
	for j := range b.pending {
		o := &b.pending[j]
		if o.done || o.cancelling() {
			continue
		}
		i := o.Instrument
		s := &b.series[i]
		po := PendingOrder{
			Order: o.id, Instrument: i, Symbol: s.Symbol, Kind: o.Kind, Sizing: o.Sizing,
			Amount: o.Amount, Level: math.NaN(), Reach: math.NaN(), Tag: o.Tag, Partly: o.partly,
		}
		po.Placed = b.tl.Times[max(o.step, 0)]
		if n := len(s.Time); n > 0 {
			po.DataEnd = s.Time[n-1]
		}
		p := b.price[i]
		priced := p == p && p > 0
		d := 0.0
		if priced {
			if d = b.orderDelta(o, p, o.Kind == Limit, math.NaN()); d > 0 {
				po.Side = 1
			} else if d < 0 {
				po.Side = -1
			}
		}
		buy := po.Side > 0
		po.Level = level(o, buy)
		// A bar it could fill on: one of its instrument's after its
		// placement (at it, for a market-on-close order) that opens (or
		// closes) at or after the close the strategy had seen then.
		chance := false
		if last := b.last[i]; last >= 0 {
			if o.Kind == MarketOnClose {
				chance = last >= o.step && b.close[i] >= o.notBefore
			} else {
				chance = last > o.step && b.tl.Times[last] >= o.notBefore
			}
		}
		pos := b.pf.Qty[i]
		// Protective: against the position, and at most closing it (a
		// target order by its delta to its target at the last close); a
		// sell stop of 20 under a long of 10 would turn it short, an
		// entry on the other side.
		protective := o.Kind.resting() && pos != 0 && po.Side != 0 && (po.Side > 0) != (pos > 0) &&
			math.Abs(d) <= math.Abs(pos)*(1+1e-12)
		switch {
		case priced && po.Side == 0 && o.Sizing != Quantity:
			po.Why = PendingResting
		case !chance && po.DataEnd < runEnd && !closedUntil(s.Class, b.exch[i], po.DataEnd, runEnd):
			po.Why = PendingDataEnded
		case protective:
			po.Why = PendingResting
		case !chance:
			po.Why = PendingNoBar
		case !o.Kind.resting() || o.held && b.tl.Times[b.last[i]] <= o.heldAt:
			// A market order with bars after it, or a resting order the
			// cap held back on its instrument's last bar. A resting order
			// held back before, with bars after that, was left by its
			// level: it had filled, or been held back again, had the bars
			// reached it (Reach counts the bars after the hold only).
			po.Why = PendingHeldBack
		default:
			po.Why = PendingNotReached
			po.Reach = b.reachAfter(o, buy)
		}
		out = append(out, po)
	}
	if len(out) == 0 {
		return nil // every order left is being cancelled
	}
	return out
}

// closedUntil reports whether an instrument of class c, traded on
// exchange e, whose last bar is at last had no session to trade in after
// last's day, up to end's day: an equity whose data stops on a Friday, in
// a run going on to Sunday beside tokens, ended with its market, not its
// data. A New York equity's closed days are the NYSE's weekends and
// full-day holidays; another exchange's, whose holidays are not known,
// its weekends only (a Tokyo equity on the NYSE's July 4 had a session).
// A crypto instrument trades every day.
func closedUntil(c data.Class, e data.Exchange, last, end int64) bool {
	if c != data.Equity {
		return false
	}
	for d := (data.DayNumber(last) + 1) * data.NanosPerDay; d <= end; d += data.NanosPerDay {
		if e == data.NewYork && data.NYSESession(d) || e != data.NewYork && data.Weekday(d) < 5 {
			return false
		}
	}
	return true
}

// level is the price resting order o waits for on side buy (NaN for the
// others).
func level(o *Order, buy bool) float64 {
	switch o.Kind {
	case Limit:
		return o.Price
	case Stop:
		return o.StopPrice
	case StopLimit:
		if o.triggered {
			return o.Price
		}
		return o.StopPrice
	case TrailingStop:
		E := o.extreme
		switch {
		case buy && o.TrailPct > 0:
			return E * (1 + o.TrailPct)
		case buy:
			return E + o.Trail
		case o.TrailPct > 0:
			return E * (1 - o.TrailPct)
		}
		return E - o.Trail
	}
	return math.NaN()
}

// reachAfter is how far the bars of o's instrument after o's placement
// went toward its level on side buy: the lowest low a buy limit (or a
// sell stop) waits under, the highest high a sell limit (or a buy stop)
// waits over. A triggered stop-limit's limit counts the bars after its
// trigger bar only: before, it waited for its stop, and the bars under a
// buy's stop went under its limit too (the trigger bar's path before the
// trigger may have). A trailing stop's level moves with its extreme:
// its reach counts the path from the point where the extreme took its
// last value on (trailReach).
func (b *broker) reachAfter(o *Order, buy bool) float64 {
	low := buy
	if o.Kind == Stop || o.Kind == TrailingStop || o.Kind == StopLimit && !o.triggered {
		low = !buy
	}
	s := &b.series[o.Instrument]
	from := b.tl.Times[max(o.step, 0)]
	if o.Kind == StopLimit && o.triggered {
		from = max(from, o.trigAt)
	}
	if o.held {
		// Held back by the fill-volume cap on a bar that reached it:
		// the bars after count.
		from = max(from, o.heldAt)
	}
	r := math.NaN()
	// The bars after from and at or after the close the strategy had
	// seen, up to the last one the run reached.
	first := sort.Search(len(s.Time), func(k int) bool { return s.Time[k] > from && s.Time[k] >= o.notBefore })
	end := min(b.cursor[o.Instrument], len(s.Time)-1)
	// The splits applied in the run (raw prices): they divided o's
	// prices, so the bars before each count divided by its ratio.
	var ss []Split
	if b.splits != nil {
		ss = b.splits[o.Instrument][:b.splitAt[o.Instrument]]
	}
	if o.Kind == TrailingStop {
		return trailReach(s, ss, first, end, o.extreme, o.extRow, low)
	}
	for k := first; k <= end; k++ {
		if lo := unsplit(ss, s.Time[k], s.Low[k]); low && !(lo >= r) {
			r = lo
		} else if hi := unsplit(ss, s.Time[k], s.High[k]); !low && !(hi <= r) {
			r = hi
		}
	}
	return r
}

// unsplit is price p of a bar at time t in the units of the run's end:
// divided by the ratio of each split of ss (the ones applied in the run,
// in date order) dated after t (a bar dated at a split is in its new
// units), one after the other as applySplits divided the orders' prices
// (p / 3 / 3 may differ from p / 9 by an ulp, and a trailing stop's
// extreme is compared for equality); p when none is.
func unsplit(ss []Split, t int64, p float64) float64 {
	j := len(ss)
	for j > 0 && ss[j-1].Time > t {
		j--
	}
	for ; j < len(ss); j++ {
		p /= ss[j].Ratio
	}
	return p
}

// trailReach is the reach of a trailing stop whose extreme ended at E
// (a sell's peak when low, a buy's trough), last moved on the path of
// bar row (−1: never since its placement), over the bars first to end of
// series s: the lowest point (low) or the highest of their paths after
// the point of bar row that took E, which sets its level at the end,
// PendingOrder.Level; the points before were held to a level not yet
// there (a sell's lower). A bar before a split applied in the run (ss)
// counts divided by the ratios of those after it (unsplit), in Level's
// units. When the extreme never moved over those bars
// (it is the one it was placed at, or it moved before them), every point
// counts, one that only equals E too (it did not move it). NaN when E is
// (no price seen) or no point follows.
func trailReach(s *data.Series, ss []Split, first, end int, E float64, row int, low bool) float64 {
	if E != E {
		return math.NaN()
	}
	ak, at := first, -1 // count from point at + 1 of bar ak on
	if row >= first && row <= end {
		// The extreme only moves further (a peak up): the first point of
		// the bar at E or beyond it is where it took E.
		ak = row
		for m, p := range path(s.Open[row], s.High[row], s.Low[row], s.Close[row]) {
			if p = unsplit(ss, s.Time[row], p); low && p >= E || !low && p <= E {
				at = m
				break
			}
		}
	}
	r := math.NaN()
	for k := ak; k <= end; k++ {
		pts := path(s.Open[k], s.High[k], s.Low[k], s.Close[k])
		m0 := 0
		if k == ak {
			m0 = at + 1
		}
		for _, p := range pts[m0:] {
			if p = unsplit(ss, s.Time[k], p); low && !(p >= r) || !low && !(p <= r) {
				r = p
			}
		}
	}
	return r
}
