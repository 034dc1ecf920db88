package engine

import "math"

// Where in a bar resting orders (Limit, Stop, StopLimit, TrailingStop)
// fill: the bar's intrabar path and the broker's walk along it
// (docs/execution.md, "Intrabar path").

// hit is a resting order reached on the current bar's path.
type hit struct {
	j     int // index into pending
	id    OrderID
	pos   float64 // where on the path: 0 = the open, 3 = the close
	ref   float64 // reference price of the fill
	limit float64 // price cap of a triggered stop-limit's taker fill, NaN none
	// wasTriggered is the order's trigger state before this bar reached it.
	wasTriggered bool
	maker        bool
	buy          bool
}

// path returns the bar's intrabar path: open, the nearer-by-direction
// extreme, the other extreme, close. An up bar (close >= open) is taken
// as O→L→H→C, a down bar as O→H→L→C (the convention of nautilus and
// bbgo: the bar first moves against its final direction).
func path(o, h, l, cl float64) [4]float64 {
	if cl >= o {
		return [4]float64{o, l, h, cl}
	}
	return [4]float64{o, h, l, cl}
}

// cross finds the first point on the path, from position pos0 (price p0,
// in segment s0) on, where the price reaches x: up (dir > 0: price >= x,
// or > x when strict) or down (price <= x, or < x). It returns the
// position (segment index + fraction) and the price: p0 itself when it
// already satisfies (a gap at the open), else x.
func cross(pts *[4]float64, s0 int, pos0, p0, x float64, dir int, strict bool) (pos, px float64, ok bool) {
	sat := func(p float64) bool { return passes(p, x, dir, strict) }
	if sat(p0) {
		return pos0, p0, true
	}
	for s := s0; s < 3; s++ {
		a, b := pts[s], pts[s+1]
		if sat(b) {
			f := 1.0
			if b != a {
				f = (x - a) / (b - a)
			}
			p := float64(s) + math.Max(0, math.Min(1, f))
			if p < pos0 {
				p = pos0
			}
			return p, x, true
		}
	}
	return 0, 0, false
}

// passes reports whether price p has reached x: up (dir > 0: p >= x, or
// p > x when strict) or down (p <= x, or p < x).
func passes(p, x float64, dir int, strict bool) bool {
	switch {
	case dir > 0 && strict:
		return p > x
	case dir > 0:
		return p >= x
	case strict:
		return p < x
	}
	return p <= x
}

// reach decides whether resting order o (a buy when buy) is reached on the
// bar (O, H, L, C) and where; it updates the order's trigger and trailing
// state as the path passes. A limit (or a triggered stop-limit's limit)
// that the open already passes when the order reaches the market (its
// first bar in the book: !o.booked) is marketable: it takes liquidity at
// the open, as a market order capped at its limit (taker fee, slippage);
// one that rested in the book before the bar is a maker fill, at the open
// when the bar gaps through it, else at its limit (docs/execution.md,
// "Maker or taker").
func (b *broker) reach(o *Order, buy bool, O, H, L, C float64) (hit, bool) {
	pts := path(O, H, L, C)
	strict := b.cfg.LimitFill == Through
	limDir, stopDir := -1, 1 // a buy limit waits for price <= limit, a buy stop for price >= stop
	if !buy {
		limDir, stopDir = 1, -1
	}
	nan := math.NaN()
	switch o.Kind {
	case Limit:
		if pos, px, ok := cross(&pts, 0, 0, O, o.Price, limDir, strict); ok {
			return limitHit(o, pos, px, passes(O, o.Price, limDir, strict)), true
		}
	case Stop:
		if o.triggered {
			return hit{pos: 0, ref: O, limit: nan}, true
		}
		if pos, px, ok := cross(&pts, 0, 0, O, o.StopPrice, stopDir, false); ok {
			o.triggered = true
			return hit{pos: pos, ref: px, limit: nan}, true
		}
	case StopLimit:
		if o.triggered {
			if pos, px, ok := cross(&pts, 0, 0, O, o.Price, limDir, strict); ok {
				return limitHit(o, pos, px, passes(O, o.Price, limDir, strict)), true
			}
			return hit{}, false
		}
		pos, px, ok := cross(&pts, 0, 0, O, o.StopPrice, stopDir, false)
		if !ok {
			return hit{}, false
		}
		o.triggered, o.trigAt = true, b.now
		if (buy && px <= o.Price) || (!buy && px >= o.Price) {
			return hit{pos: pos, ref: px, limit: o.Price}, true
		}
		s0 := int(pos)
		if s0 > 2 {
			s0 = 2
		}
		if pos2, px2, ok := cross(&pts, s0, pos, px, o.Price, limDir, strict); ok {
			return hit{pos: pos2, ref: px2, limit: nan, maker: true}, true
		}
	case TrailingStop:
		if o.triggered {
			return hit{pos: 0, ref: O, limit: nan}, true
		}
		e0 := o.extreme
		h, ok := trail(o, &pts, buy)
		if o.extreme != e0 { // moved (or set, from NaN) on this bar's path
			o.extRow = b.cursor[o.Instrument]
		}
		return h, ok
	}
	return hit{}, false
}

// limitHit is the fill of limit order o (or a triggered stop-limit resting
// as a limit) reached at pos on the path, at price px (the open when
// atOpen: the open passes the limit): a maker fill at px, but for an
// order that the open passes on its first bar in the book, which takes
// liquidity (a taker fill at the open, its slippage capped at the limit).
func limitHit(o *Order, pos, px float64, atOpen bool) hit {
	if atOpen && !o.booked {
		return hit{pos: 0, ref: px, limit: o.Price}
	}
	return hit{pos: pos, ref: px, limit: math.NaN(), maker: true}
}

// trail walks a trailing stop along the path: the extreme follows the
// price in the position's favour (the peak under a sell stop, the trough
// under a buy stop) and the stop, at Trail or TrailPct from it, triggers
// when the price comes back to it. A bar opening beyond the stop fills at
// the open.
func trail(o *Order, pts *[4]float64, buy bool) (hit, bool) {
	E := o.extreme
	if E != E {
		E = pts[0]
	}
	level := func() float64 {
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
	better := func(p float64) bool { return (buy && p < E) || (!buy && p > E) }
	reached := func(p, lv float64) bool { return (buy && p >= lv) || (!buy && p <= lv) }
	if better(pts[0]) {
		E = pts[0]
	}
	if lv := level(); reached(pts[0], lv) {
		o.extreme, o.triggered = E, true
		return hit{pos: 0, ref: pts[0], limit: math.NaN()}, true
	}
	for s := 0; s < 3; s++ {
		a, b := pts[s], pts[s+1]
		if better(b) {
			E = b
			continue
		}
		if lv := level(); reached(b, lv) {
			o.extreme, o.triggered = E, true
			f := 1.0
			if b != a {
				f = (lv - a) / (b - a)
			}
			return hit{pos: float64(s) + math.Max(0, math.Min(1, f)), ref: lv, limit: math.NaN()}, true
		}
	}
	o.extreme = E
	return hit{}, false
}

// orderDelta is the signed quantity order o wants at reference price ref
// for instrument o.Instrument (others at b.mark): its amount, or the
// distance from the position to the target. A weight target is a share
// of equity net of the fill's own costs K (as for market batches,
// sizeTargets), found by fixed-point iteration: its commission and, for
// a taker fill, the slippage between ref and the price it executes at
// (limit: a triggered stop-limit's cap, NaN none), so that an all-in
// target leaves cash at zero (TestRestingTargetReservesSlippage).
func (b *broker) orderDelta(o *Order, ref float64, maker bool, limit float64) float64 {
	if o.Sizing == Quantity {
		return o.Amount
	}
	i := o.Instrument
	v := o.Amount
	var d float64
	if o.Sizing == TargetWeight {
		saved := b.mark[i]
		b.mark[i] = ref
		E := b.pf.Equity(b.mark)
		b.mark[i] = saved
		K := 0.0
		p := ref
		for iter := 0; iter < 32; iter++ {
			d = o.Amount*(E-K)/ref - b.pf.Qty[i]
			if iter == 0 && !maker && b.anySlip && b.slip[i] != nil {
				// The price of what fills on this bar, found on the
				// first pass and kept while K converges (sizeTargets).
				now := d
				if b.vol[i] != nil {
					now, _ = b.capped(i, d, ref)
				}
				p = b.slipped(i, now, ref, limit)
			}
			next := b.commission(i, d, p, maker, o) + math.Abs(d*(p-ref))
			if math.Abs(next-K) <= 1e-15*math.Abs(E) || (!b.anyCom && !b.anySlip) {
				break
			}
			K = next
		}
	} else {
		d = v/ref - b.pf.Qty[i]
	}
	if lot := b.series[i].LotSize; lot > 0 {
		d = roundLots(d, lot)
	}
	if math.Abs(d) <= 1e-12*math.Abs(b.pf.Qty[i]) {
		return 0
	}
	return d
}

// fillResting fills the resting orders (Limit, Stop, StopLimit,
// TrailingStop) submitted before step k whose instrument has a bar at k,
// in the order the bar's path reaches them (ties: submission order). The
// other instruments are marked at their opens (or last closes) for sizing
// and buying power. A leg of a one-cancels-other pair that fills cancels
// the other.
func (b *broker) fillResting(k int) {
	if len(b.pending) == 0 {
		return
	}
	b.hits = b.hits[:0]
	marked := false
	for j := range b.pending {
		o := &b.pending[j]
		i := o.Instrument
		if o.done || !o.Kind.resting() || b.last[i] != k || o.step >= k || !b.ready(o) {
			continue
		}
		if !marked {
			b.openMarks(k)
			marked = true
		}
		s, r := &b.series[i], b.cursor[i]
		d := b.orderDelta(o, s.Open[r], false, math.NaN())
		if d == 0 {
			continue // a closing order with nothing to close: inert
		}
		if o.triggered && o.trigBuy != (d > 0) {
			// Triggered on the other side and held back (the
			// participation cap) before the position turned: a closing
			// target's stop of this side has not been reached
			// (TestTargetStopRearmedWhenThePositionTurns).
			o.triggered = false
		}
		wasTriggered := o.triggered
		if h, ok := b.reach(o, d > 0, s.Open[r], s.High[r], s.Low[r], s.Close[r]); ok {
			h.j, h.id, h.buy, h.wasTriggered = j, o.id, d > 0, wasTriggered
			b.hits = append(b.hits, h)
		}
		o.booked = true // from the next bar on, it rests in the book
		if o.triggered {
			o.trigBuy = d > 0
		}
	}
	if len(b.hits) == 0 {
		return
	}
	// Insertion sort by path position, then id: a handful of orders.
	for a := 1; a < len(b.hits); a++ {
		for z := a; z > 0; z-- {
			x, y := &b.hits[z-1], &b.hits[z]
			if x.pos < y.pos || (x.pos == y.pos && x.id < y.id) {
				break
			}
			*x, *y = *y, *x
		}
	}
	for _, h := range b.hits {
		o := &b.pending[h.j]
		if o.done {
			continue
		}
		b.liquidationFirst(o.Instrument, k, h.pos)
		d := b.orderDelta(o, h.ref, h.maker, h.limit)
		if d == 0 || (d > 0) != h.buy {
			// Reached, but an earlier fill on this bar left it nothing to do
			// (a second closing stop after the first closed the position):
			// it is not triggered, and waits for its price again.
			o.triggered = h.wasTriggered
			continue
		}
		before := b.pf.Qty[o.Instrument]
		var q float64
		if o.Sizing == Quantity {
			q = b.fillQuantity(o, h.ref, h.maker, h.limit)
		} else {
			var finished bool
			q, finished = b.fillOrder(o, o.Kind, d, h.ref, h.maker, h.limit)
			o.done = finished
		}
		if after := b.pf.Qty[o.Instrument]; b.entryStep != nil && after != 0 && (before == 0 || (before > 0) != (after > 0)) {
			// Opened or turned here: the position lives through the bar
			// from this point on only. An add keeps the point the
			// position began at (the open, or an earlier fill of this
			// bar): what it held before lived through the bar before
			// the add, every other position at its worst with it.
			b.entryStep[o.Instrument], b.entryPos[o.Instrument] = k, h.pos
		}
		if q != 0 && o.oco != 0 {
			for x := range b.pending {
				if p := &b.pending[x]; p.id == o.oco && !p.done {
					p.done = true
					b.emit(Event{Kind: EventCancelled, Time: b.now, Order: p.id, Instrument: p.Instrument, Qty: p.Amount, Reason: ReasonOCO})
				}
			}
			o.oco = 0
		}
	}
	b.compact()
}
