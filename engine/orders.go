package engine

import (
	"fmt"
	"math"
)

// The broker's order book: orders in and out (submit, cancel, replace,
// brackets), and the fill moments at an open and a close, where market
// and market-on-close orders fill and target orders are sized.

// fillAtOpen fills market orders submitted before step k whose instrument
// has a bar at k, at that bar's open.
func (b *broker) fillAtOpen(k int) {
	if len(b.pending) == 0 {
		return
	}
	b.openMarks(k)
	b.execute(k, Market)
}

// openMarks sets b.mark to the opens of the instruments with a bar at step
// k and the last prices known now of the others: the last close, or,
// when that bar is still open now (stamped off this step's grid: an
// equity's 13:30 bar at a token's 14:00 step), its open.
func (b *broker) openMarks(k int) {
	for i := range b.mark {
		b.mark[i] = b.knownPrice(i)
	}
	inst, row := b.tl.Active(k)
	for j, i := range inst {
		b.mark[i] = b.series[i].Open[row[j]]
	}
}

// fillAtClose fills market-on-close orders whose instrument has a bar at
// step k, at its close.
func (b *broker) fillAtClose(k int) {
	moc := false
	for j := range b.pending {
		moc = moc || b.pending[j].Kind == MarketOnClose && !b.pending[j].done
	}
	if !moc {
		return
	}
	// The closes fill in time order, each instrument's orders at its
	// bar's close (b.closeAt), with the others at the last prices known
	// then: an instrument whose bar closes later (a token's daily bar
	// at 24:00 UTC beside an equity's at 21:00, a daily bar beside hourly
	// ones) counts at its open, and one whose bar closed before at its
	// close. So an equity's order is sized at 21:00 UTC without the
	// token's move after it, and fills at its own close.
	inst, _ := b.tl.Active(k)
	last := int64(math.MinInt64)
	for {
		at := int64(math.MaxInt64)
		for _, i := range inst {
			if c := b.market.close[i]; c > last && c < at {
				at = c
			}
		}
		if at == math.MaxInt64 {
			break
		}
		for i := range b.mark {
			b.mark[i] = b.knownAt(i, at)
		}
		if b.settleCloses(k, at) {
			b.compact()
		}
		b.closeAt, b.closing = at, true
		b.execute(k, MarketOnClose)
		last = at
	}
	b.closing = false
}

// due reports whether pending order o fills now, at a fill moment of the
// given kind in step k.
func (b *broker) due(o *Order, k int, kind OrderKind) bool {
	if o.done || o.Kind != kind || b.last[o.Instrument] != k {
		return false
	}
	// A market-on-close order fills with the closes of its own time; a
	// change that reached the market by then was settled first
	// (settleCloses).
	if kind == MarketOnClose && b.closing && b.market.close[o.Instrument] != b.closeAt {
		return false
	}
	// A market order never fills in the step it was submitted in: its
	// price would be one the strategy has already seen. Nor on a bar
	// that opened before a close the strategy saw (market.ready).
	return (kind != Market || o.step < k) && b.ready(o)
}

// execute fills the pending orders due now, at b.mark prices: quantity
// orders first in submission order, then the target orders as one batch,
// sized jointly against equity net of the batch's own commission, filled
// in four phases (reducing sells, covers, adding sells, adding buys).
// Orders that filled in full (or were sized to nothing, or
// rejected) leave the pending list; a remainder held back by the
// participation cap stays for the instrument's next bar.
func (b *broker) execute(k int, kind OrderKind) {
	b.batch = b.batch[:0]
	any := false
	for j := range b.pending {
		o := &b.pending[j]
		if !b.due(o, k, kind) {
			continue
		}
		any = true
		if o.Sizing == Quantity {
			b.fillQuantity(o, b.mark[o.Instrument], false, math.NaN())
			continue
		}
		b.batch = append(b.batch, j)
	}
	if len(b.batch) > 0 {
		b.sizeTargets()
		for _, j := range b.batch {
			b.pending[j].done = true
		}
		// The batch fills in four phases: the sells that reduce a
		// position, the buys that reduce one (covers), the sells that
		// add exposure (grow a position or cross zero), then the buys
		// that add it, fitted to the cash left (fitBuys). The margin a
		// rebalance frees is there before its additions are checked for
		// buying power, whatever order the instruments were listed in,
		// and the sells' proceeds are cash before the buys that add.
		// Each order's phase is decided before any of the batch fills.
		for _, j := range b.batch {
			b.adding[b.pending[j].Instrument] = b.adds(j)
		}
		for phase := 0; phase < 4; phase++ {
			if phase == 3 {
				b.fitBuys()
			}
			sell, add := phase%2 == 0, phase >= 2
			for _, j := range b.batch {
				o := &b.pending[j]
				d := b.delta[o.Instrument]
				if d == 0 || (d < 0) != sell || b.adding[o.Instrument] != add {
					continue
				}
				if _, finished := b.fillOrder(o, o.Kind, d, b.mark[o.Instrument], false, math.NaN()); !finished {
					o.done = false // carried: re-sized at the instrument's next bar
				}
			}
		}
	}
	if any {
		b.compact()
	}
}

// adds reports whether the batch's delta for pending order j adds
// exposure to its instrument's position: grows it, or crosses zero.
func (b *broker) adds(j int) bool {
	i := b.pending[j].Instrument
	q0, d := b.pf.Qty[i], b.delta[i]
	return math.Abs(q0+d) > math.Abs(q0) || (q0 != 0 && (d > 0) != (q0 > 0) && math.Abs(d) > math.Abs(q0))
}

// fillQuantity fills a quantity order (or what the participation cap lets
// through) at reference price ref and keeps the remainder pending.
func (b *broker) fillQuantity(o *Order, ref float64, maker bool, limit float64) float64 {
	q, finished := b.fillOrder(o, o.Kind, o.Amount, ref, maker, limit)
	o.Amount -= q
	if finished || o.Amount == 0 || math.Abs(o.Amount) <= 1e-12*math.Abs(q) {
		o.done = true
	}
	return q
}

// compact drops the orders that are done.
func (b *broker) compact() {
	n := 0
	for j := range b.pending {
		if !b.pending[j].done {
			b.pending[n] = b.pending[j]
			n++
		} else if b.pending[j].cancelSet {
			b.deferred-- // filled or expired before its cancel came
		}
	}
	b.pending = b.pending[:n]
}

// sizeTargets turns the batch's target orders into quantity deltas at the
// mark prices. With E the equity at those prices and K the commission the
// batch will pay, a weight target w wants a position worth w × (E − K);
// K (commission plus the slippage between mark and execution price)
// depends on the deltas, so it is found by fixed-point iteration, which
// contracts because K' ≤ fee × Σ|w| < 1 for any sane leverage. With
// Σ w ≤ 1 the cash left after the batch is (E − K)(1 − Σ w) ≥ 0.
// With slippage, each delta is still the target's value at the mark
// over the mark; its costs are reserved at the price it will execute at
// (the mark moved by the slippage of the delta's side and size), so the
// cash left is as planned.
func (b *broker) sizeTargets() {
	E := b.pf.Equity(b.mark)
	K := 0.0
	comSum := 0.0
	for iter := 0; iter < 64; iter++ {
		next := 0.0
		comSum = 0
		for _, j := range b.batch {
			o := &b.pending[j]
			i := o.Instrument
			p := b.mark[i]
			v := o.Amount
			if o.Sizing == TargetWeight {
				v = o.Amount * (E - K)
			}
			d := v/p - b.pf.Qty[i]
			if b.anySlip && b.slip[i] != nil {
				// Slippage moves the price by a few bps: it is found on
				// the first pass and kept while K converges. It is the
				// price of what fills on this bar: under a participation
				// cap the delta fills in parts of at most the cap, each
				// moving the price as much as a part does (the impact of
				// the whole delta at once, 4.6 days of a token's volume,
				// reserved 47 times the costs the fills paid).
				if iter == 0 {
					now := d
					if b.vol[i] != nil {
						now, _ = b.capped(i, d, p)
					}
					b.execp[i] = b.slipped(i, now, p, math.NaN())
				}
				p = b.execp[i]
			}
			b.rawd[i] = d
			if lot := b.series[i].LotSize; lot > 0 {
				d = roundLots(d, lot)
			}
			b.delta[i] = d
			// The batch's costs: commission, and the slippage between the
			// mark (where E is measured) and the execution price.
			// A delta of 0 trades nothing and pays nothing: a fee model's
			// minimum is not reserved for it.
			com := 0.0
			if d != 0 {
				com = b.commission(i, d, p, false, o)
			}
			comSum += com
			next += com + math.Abs(d*(p-b.mark[i]))
		}
		if math.Abs(next-K) <= 1e-15*math.Abs(E) || (!b.anyCom && !b.anySlip) {
			K = next
			break
		}
		K = next
	}
	// The cash the batch leaves when every delta fills as sized, before
	// lots round them: the buys may not take cash below it (fitBuys).
	b.planCash = b.pf.Cash - comSum
	for _, j := range b.batch {
		i := b.pending[j].Instrument
		b.planCash -= b.rawd[i] * b.execPrice(i)
	}
}

// execPrice is the price a target delta of instrument i was sized at.
func (b *broker) execPrice(i int) float64 {
	if b.anySlip && b.slip[i] != nil {
		return b.execp[i]
	}
	return b.mark[i]
}

// fitBuys scales the batch's buys that add exposure down, after its sells
// and covers have filled, when
// the sells brought in less than sized (a participation cap, slippage
// beyond the estimate, lots rounded toward zero): the buys may not take
// cash below what the full plan would have left. An unlevered rotation
// then never borrows; a levered one borrows no more than it asked for.
func (b *broker) fitBuys() {
	cost := 0.0
	for _, j := range b.batch {
		o := &b.pending[j]
		i := o.Instrument
		if d := b.delta[i]; d > 0 && b.adding[i] {
			p := b.execPrice(i)
			cost += d*p + b.commission(i, d, p, false, o)
		}
	}
	if cost <= 0 {
		return
	}
	room := b.pf.Cash - math.Min(b.planCash, 0)
	if room >= cost*(1-1e-9) {
		return
	}
	f := math.Max(0, room/cost)
	for _, j := range b.batch {
		i := b.pending[j].Instrument
		if d := b.delta[i]; d > 0 && b.adding[i] {
			d *= f
			if lot := b.series[i].LotSize; lot > 0 {
				d = roundLots(d, lot)
			}
			b.delta[i] = d
		}
	}
}

// submit queues an order (Context.Submit).
func (b *broker) submit(o Order) (OrderID, error) {
	if o.Instrument < 0 || o.Instrument >= len(b.series) {
		return 0, fmt.Errorf("engine: order for instrument %d, have %d", o.Instrument, len(b.series))
	}
	if b.hidden != nil && b.hidden[o.Instrument] {
		return 0, fmt.Errorf("engine: order for %s, which is not among the strategy's instruments (Config.Universe)", b.series[o.Instrument].Symbol)
	}
	if math.IsNaN(o.Amount) || math.IsInf(o.Amount, 0) {
		return 0, fmt.Errorf("engine: order for %s: amount %g is not finite", b.series[o.Instrument].Symbol, o.Amount)
	}
	if o.Kind < Market || o.Kind > TrailingStop {
		return 0, fmt.Errorf("engine: order for %s: unknown kind %d", b.series[o.Instrument].Symbol, o.Kind)
	}
	if o.Sizing > TargetValue {
		return 0, fmt.Errorf("engine: order for %s: unknown sizing %d", b.series[o.Instrument].Symbol, o.Sizing)
	}
	if o.TIF > Day {
		return 0, fmt.Errorf("engine: order for %s: unknown time in force %d", b.series[o.Instrument].Symbol, o.TIF)
	}
	if lot := b.series[o.Instrument].LotSize; lot > 0 && o.Sizing == Quantity {
		o.Amount = roundLots(o.Amount, lot)
	}
	if o.Sizing == Quantity && o.Amount == 0 {
		return 0, nil
	}
	b.nextID++
	o.id = b.nextID
	o.step, o.notBefore = b.step, b.known
	o.done, o.triggered, o.oco, o.partly, o.held, o.heldAt, o.booked = false, false, 0, false, false, 0, false
	o.units, o.notional = 0, 0
	if !validPrices(&o) {
		b.reject(&o, o.Amount, ReasonInvalidPrice)
		return o.id, nil
	}
	if o.Kind == TrailingStop {
		o.extreme = b.price[o.Instrument] // NaN before the first bar: set at the next open
		o.extRow = -1
	}
	if o.Sizing != Quantity && !o.Kind.resting() {
		for j := range b.pending {
			p := &b.pending[j]
			if p.Instrument != o.Instrument || p.Kind != o.Kind || p.Sizing == Quantity || p.done || p.cancelling() {
				continue
			}
			// The new target replaces the pending one; off the next
			// step's grid the old one stays live until the close the
			// decision saw, as a cancel's order does (cancel), and the
			// new one waits for it (notBefore).
			if at, later := b.deferTo(); later {
				b.cancelAfter(p, at)
				break
			}
			if p.cancelSet {
				b.deferred--
			}
			b.pending[j] = o
			return o.id, nil
		}
	}
	b.pending = append(b.pending, o)
	return o.id, nil
}

// validPrices checks the prices an order's kind needs.
func validPrices(o *Order) bool {
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch o.Kind {
	case Limit:
		return pos(o.Price)
	case Stop:
		return pos(o.StopPrice)
	case StopLimit:
		return pos(o.Price) && pos(o.StopPrice)
	case TrailingStop:
		a, p := pos(o.Trail), o.TrailPct > 0 && o.TrailPct < 1
		return a != p && (o.Trail == 0 || a) && (o.TrailPct == 0 || p)
	}
	return true
}

// cancel removes a pending order and the other leg of its bracket
// (Context.Cancel). A cancel decided at a step that shows a close later
// than the next step (an equity's 13:30Z hourly bar, closing at 14:30Z,
// beside a token's 14:00Z bar to come) could not reach the market before
// that close: the order stays live as sent on the bars that open before
// it, and leaves the book at the first step at or after it
// (settleCancels). On one grid that is the next step: the order leaves
// at once. An order being cancelled is no longer pending for the
// strategy (Pending, Cancel, Replace).
func (b *broker) cancel(id OrderID) bool {
	for j := range b.pending {
		o := &b.pending[j]
		if o.id != id || o.done || o.cancelling() {
			continue
		}
		oco := o.oco
		if at, later := b.deferTo(); later {
			b.cancelAfter(o, at)
		} else {
			if o.cancelSet {
				b.deferred--
			}
			b.pending = append(b.pending[:j], b.pending[j+1:]...)
		}
		if oco != 0 {
			b.cancel(oco)
		}
		return true
	}
	return false
}

// cancelAfter makes o's cancel take effect at at (deferTo): it stays
// live until then, a deferred change of the book (b.deferred).
func (b *broker) cancelAfter(o *Order, at int64) {
	if !o.cancelSet {
		b.deferred++
	}
	o.cancelAt, o.cancelSet, o.replacing = at, true, false
}

// deferTo is when a cancel or replace decided now takes effect: later
// false for at once, when the next step comes at or after the latest
// close seen (or there is none), else that close (market.known), which
// may be 0 (1970-01-01 00:00). The next step is the
// next with a bar of the strategy's own: a step of hidden instruments
// alone (Config.Universe) fills none of its orders, and deferring to
// the close past it sent a replacing target to the end of the book, where
// the run without the hidden instrument kept its place
// (TestHiddenStepsDeferNothing).
func (b *broker) deferTo() (at int64, later bool) {
	k := b.step + 1
	for b.hidden != nil && k < len(b.tl.Times) && b.hiddenOnly(k) {
		k++
	}
	if k >= len(b.tl.Times) || b.tl.Times[k] >= b.known {
		return 0, false
	}
	return b.known, true
}

// hiddenOnly reports whether every instrument with a bar at step k is
// outside the strategy's universe.
func (b *broker) hiddenOnly(k int) bool {
	inst, _ := b.tl.Active(k)
	for _, i := range inst {
		if !b.hidden[i] {
			return false
		}
	}
	return true
}

// settleCancels applies, at step k, the cancels and replaces whose time
// has come (cancelAt at or before now), before any order fills at k.
func (b *broker) settleCancels() {
	if b.deferred == 0 {
		return
	}
	any := false
	for j := range b.pending {
		o := &b.pending[j]
		if !o.cancelSet || o.cancelAt > b.now || o.done {
			continue
		}
		any = b.settle(o) || any
	}
	if any {
		b.compact()
	}
}

// settle applies order o's deferred cancel or replace (its cancelAt has
// come) and reports whether it left the book (done: compact it).
func (b *broker) settle(o *Order) bool {
	b.deferred--
	at := o.cancelAt
	o.cancelAt, o.cancelSet = 0, false
	if !o.replacing {
		o.done = true
		return true
	}
	o.replacing = false
	amount := o.repl[0]
	if amount != 0 && o.Sizing == Quantity && o.Amount != o.replFrom {
		// A quantity order that partly filled while the change was on its
		// way: the new amount, less what filled since.
		amount -= o.replFrom - o.Amount
		if amount == 0 || (amount > 0) != (o.repl[0] > 0) {
			o.done = true
			return true
		}
	}
	if n, ok := b.replaced(o, amount, o.repl[1], o.repl[2]); ok {
		n.step, n.notBefore = o.replStep, at
		*o = n
	}
	return false
}

// settleCloses applies, before the closes at time at fill at step k, the
// deferred cancels and replaces of the market-on-close orders of the
// instruments closing then whose change has reached the market by then
// (cancelAt at or before at): the replaced order fills at that close,
// the cancelled one leaves. The instrument's later bars close after at,
// so no earlier close is skipped. Returns whether one left the book.
func (b *broker) settleCloses(k int, at int64) bool {
	if b.deferred == 0 {
		return false
	}
	any := false
	for j := range b.pending {
		o := &b.pending[j]
		i := o.Instrument
		if o.Kind != MarketOnClose || !o.cancelSet || o.cancelAt > at || o.done || b.last[i] != k || b.market.close[i] != at {
			continue
		}
		any = b.settle(o) || any
	}
	return any
}

// cancelAll removes every pending order of instrument i (Context.CancelAll).
func (b *broker) cancelAll(i int) int {
	n := 0
	for j := 0; j < len(b.pending); {
		if o := &b.pending[j]; o.Instrument == i && !o.done && !o.cancelling() {
			b.cancel(o.id) // at once, or deferred: the order stays, being cancelled
			n++
			j = 0 // Cancel may have removed others too
			continue
		}
		j++
	}
	return n
}

// replace modifies a pending order (Context.Replace). Like a cancel, a
// replace decided off the next step's grid takes effect at the close the
// strategy saw (deferTo): the order stays live as sent until then.
func (b *broker) replace(id OrderID, amount, price, stop float64) bool {
	for j := range b.pending {
		o := &b.pending[j]
		if o.id != id || o.done || o.cancelling() {
			continue
		}
		if o.replacing {
			// A second change before the first took effect: both apply,
			// in turn, when it does.
			n, ok := b.replaced(o, o.repl[0], o.repl[1], o.repl[2])
			if !ok {
				return false
			}
			if _, ok := b.replaced(&n, amount, price, stop); !ok {
				return false
			}
			keep := func(v, old float64) float64 {
				if v != 0 {
					return v
				}
				return old
			}
			o.repl = [3]float64{keep(amount, o.repl[0]), keep(price, o.repl[1]), keep(stop, o.repl[2])}
			if amount != 0 {
				// The new amount is decided on what has filled so far.
				o.replFrom = o.Amount
			}
			o.cancelAt, o.replStep = max(o.cancelAt, b.known), b.step
			return true
		}
		n, ok := b.replaced(o, amount, price, stop)
		if !ok {
			return false
		}
		if at, later := b.deferTo(); later {
			o.cancelAt, o.cancelSet, o.replacing, o.repl, o.replStep, o.replFrom = at, true, true, [3]float64{amount, price, stop}, b.step, o.Amount
			b.deferred++
			return true
		}
		n.step, n.notBefore = b.step, b.known
		*o = n
		return true
	}
	return false
}

// replaced returns o with Replace's changes (a zero argument keeps the
// value), and whether they are valid.
func (b *broker) replaced(o *Order, amount, price, stop float64) (Order, bool) {
	n := *o
	// A price or stop the order's kind has no use for would be kept and
	// ignored: a stop moved with price (a Stop has no limit price) stayed
	// where it was, and Replace said it had changed.
	if price != 0 && (n.Kind == Market || n.Kind == MarketOnClose || n.Kind == Stop) ||
		stop != 0 && n.Kind != Stop && n.Kind != StopLimit {
		return Order{}, false
	}
	if amount != 0 {
		n.Amount = amount
	}
	if price != 0 {
		switch {
		case n.Kind == TrailingStop && n.TrailPct > 0:
			n.TrailPct = price
		case n.Kind == TrailingStop:
			n.Trail = price
		default:
			n.Price = price
		}
	}
	if stop != 0 {
		if stop != n.StopPrice {
			// A new stop has not been reached since the decision: a
			// triggered stop (a stop-limit resting as a limit) is armed
			// again, and triggers only when the path reaches the new one.
			n.triggered = false
		}
		n.StopPrice = stop
	}
	if lot := b.series[n.Instrument].LotSize; lot > 0 && n.Sizing == Quantity {
		n.Amount = roundLots(n.Amount, lot)
	}
	if n.Sizing == Quantity && n.Amount == 0 || math.IsNaN(n.Amount) || math.IsInf(n.Amount, 0) || !validPrices(&n) {
		return Order{}, false
	}
	n.cancelAt, n.cancelSet, n.replacing, n.repl = 0, false, false, [3]float64{}
	n.booked = false // a replaced order reaches the market anew
	return n, true
}

// bracket places a one-cancels-other pair (Context.Bracket).
func (b *broker) bracket(i int, stop, take float64, tag string) (sl, tp OrderID, err error) {
	if stop != 0 {
		if sl, err = b.submit(Order{Instrument: i, Kind: Stop, Sizing: TargetValue, StopPrice: stop, Tag: tag}); err != nil {
			return 0, 0, err
		}
	}
	if take != 0 {
		if tp, err = b.submit(Order{Instrument: i, Kind: Limit, Sizing: TargetValue, Price: take, Tag: tag}); err != nil {
			b.cancel(sl)
			return 0, 0, err
		}
	}
	if sl != 0 && tp != 0 {
		for j := range b.pending {
			switch b.pending[j].id {
			case sl:
				b.pending[j].oco = tp
			case tp:
				b.pending[j].oco = sl
			}
		}
	}
	return sl, tp, nil
}

// expire retires the Day orders whose instrument had its bar at step k
// (for market-on-close orders, submitted at k or before; for the others,
// before k).
func (b *broker) expire(k int) {
	any := false
	for j := range b.pending {
		o := &b.pending[j]
		if o.TIF != Day || o.done || b.last[o.Instrument] != k || (o.step >= k && o.Kind != MarketOnClose) || !b.ready(o) {
			continue
		}
		if o.cancelling() {
			// Being cancelled: it leaves the book without expiring.
			b.deferred--
			o.cancelAt, o.cancelSet, o.done, any = 0, false, true, true
			continue
		}
		o.done, any = true, true
		b.emit(Event{Kind: EventExpired, Time: b.now, Order: o.id, Instrument: o.Instrument, Qty: o.Amount})
	}
	if any {
		b.compact()
	}
}

// roundLots rounds the quantity q toward zero to whole lots of size lot,
// within 1e-9 of a lot: q / lot carries float error (14.4 / 0.1 is
// 143.99999999999997), and a plain truncation sold 143 lots of a
// position of 144, leaving a lot no order could sell.
func roundLots(q, lot float64) float64 {
	n := q / lot
	return math.Trunc(n+math.Copysign(1e-9, n)) * lot
}
