package engine

import (
	"math"

	"github.com/divergence-research/divergence/data"
)

// What holding positions costs and risks, step by step: the margin check
// and liquidation, borrow fees and interest, perpetual funding, recalls
// of borrowed shares, and splits.

// checkMaintenance is the margin check of step k, after the open and the
// resting fills. Isolated positions are checked first, each against its
// own margin (checkIsolated). Then the account: equity with every cross
// position at its bar's worst price (low for a long, high for a short;
// the last price when the instrument has no bar), and every isolated one
// at what it can still take from the account (its cost less its margin:
// nothing more), against the cross positions' maintenance requirement at
// those prices. Below it, a margin call is raised and every cross
// margined position (one with a maintenance model) with a bar now is
// liquidated at its liquidation price (liqPrice), paying the liquidation
// fee; positions without a bar wait for their next bar (the margin call,
// made when the account falls under, stays open without another until
// it is back above: checkCross).
func (b *broker) checkMaintenance(k int) {
	if !b.maint {
		return
	}
	if b.anyIso {
		b.checkIsolated(k)
	}
	b.checkCross(k)
}

// accountAtWorst is the cross-margined account's equity and maintenance
// requirement with every position at its bar's worst price (worst), an
// isolated one at its cost less its margin (it is backed apart), and
// whether a margined position has a bar at step k.
func (b *broker) accountAtWorst(k int) (eq, req float64, fresh bool) {
	eq = b.pf.Cash
	for i, q := range b.pf.Qty {
		if q == 0 {
			continue
		}
		if b.anyIso && b.iso[i] {
			eq += q*b.pf.AvgCost[i] - b.isoMargin(i, q)
			continue
		}
		p := b.worst(i, q, k)
		m := b.maintM[i]
		if b.last[i] == k && m != nil {
			fresh = true
		}
		eq += q * p
		if m != nil {
			req += b.requirement(m, i, q, p).Maintenance
		}
	}
	return eq, req, fresh
}

// checkCross is the maintenance check of the cross-margined account
// (checkMaintenance).
func (b *broker) checkCross(k int) {
	eq, req, fresh := b.accountAtWorst(k)
	if eq >= req || req == 0 {
		b.inCall = false
		return
	}
	// One call while the account stays under: steps at which no margined
	// position it holds has a bar (a weekend for an equity) liquidate
	// nothing, and counted a call each (TestMarginCallOncePerEpisode).
	if !b.inCall {
		b.inCall = true
		b.emit(Event{Kind: EventMarginCall, Time: b.now, Instrument: -1, Qty: eq, Price: req, Reason: ReasonMaintenance})
	}
	if !fresh {
		return
	}
	// Every liquidation price is solved on the same valuation (eq, req,
	// taken before any of them fills): the account with this position at
	// price L and every other one where the check valued it.
	for i, q := range b.pf.Qty {
		m := b.maintM[i]
		if q == 0 || b.last[i] != k || m == nil || (b.anyIso && b.iso[i]) {
			continue
		}
		w := b.worst(i, q, k)
		r := b.requirement(m, i, q, w).Maintenance
		b.liquidate(i, q, b.liqPrice(i, k, q, eq-q*w, req-r, rate(r, q, w)), m)
	}
}

// checkIsolated liquidates every isolated position with a bar at step k
// whose own equity — its margin M plus its unrealized PnL q × (price −
// average cost) — is below its maintenance requirement at the bar's worst
// price. The position's loss on the liquidation (trading loss and fee)
// is capped at M: the rest is the shortfall, given back to the account
// (CostShortfall).
func (b *broker) checkIsolated(k int) {
	for i, q := range b.pf.Qty {
		if q == 0 || !b.iso[i] || b.last[i] != k {
			continue
		}
		b.checkIsolatedOne(i, k)
	}
}

// checkIsolatedOne is checkIsolated for the isolated position of
// instrument i, which has a bar at step k.
func (b *broker) checkIsolatedOne(i, k int) {
	q := b.pf.Qty[i]
	m, a := b.maintM[i], b.pf.AvgCost[i]
	mg := b.isoMargin(i, q)
	w := b.worst(i, q, k)
	eq := mg + q*(w-a)
	r := b.requirement(m, i, q, w).Maintenance
	if eq >= r {
		return
	}
	b.emit(Event{Kind: EventMarginCall, Time: b.now, Instrument: i, Qty: eq, Price: r, Reason: ReasonMaintenance})
	// The position's equity at price L is (mg − q × a) + q × L.
	p := b.liqPrice(i, k, q, mg-q*a, 0, rate(r, q, w))
	fee := b.liquidate(i, q, p, m)
	if short := q*(a-p) + fee - mg; short > 0 {
		b.pf.charge(-short)
		b.book(i, CostShortfall, -short)
	}
}

// liquidationFirst reports whether instrument i's position, on its bar at
// step k, reaches the price at which it is liquidated (liqPrice: for a
// cross-margined position, with the account's other positions at their
// opens, or last prices known) before the point pos of the bar's path,
// where a resting order of i is reached; and if so liquidates it there
// first, as the maintenance check would (for a cross-margined position,
// every margined one with a bar now: the account's margin call). A
// resting stop below a long's liquidation price then finds nothing to
// close, where it used to fill first and leave the liquidation, which the
// path reached before it, undone. Another position's fall alone does not
// pre-empt i's order: it is left to the maintenance check after the
// resting orders. A tie goes to the order.
func (b *broker) liquidationFirst(i, k int, pos float64) {
	q := b.pf.Qty[i]
	m := b.maintM[i]
	if !b.maint || q == 0 || m == nil || b.last[i] != k {
		return
	}
	w := b.worst(i, q, k)
	r := b.requirement(m, i, q, w).Maintenance
	rt := rate(r, q, w)
	var eo, ro float64 // the rest of what backs the position, and its requirement
	iso := b.anyIso && b.iso[i]
	if iso {
		a, mg := b.pf.AvgCost[i], b.isoMargin(i, q)
		if mg+q*(w-a) >= r {
			return
		}
		eo = mg - q*a
	} else {
		eq, req, _ := b.accountAtWorst(k)
		if eq >= req || req == 0 {
			return // no margin call on this bar at all
		}
		// Where i's own move takes the account to its requirement, the
		// others where they stand when i's bar opens (their opens, or
		// last prices known: b.mark, which fillResting set by openMarks
		// before it reached any order): their bars' worst prices may come
		// later on their own paths, which the maintenance check after the
		// resting orders takes (checkMaintenance).
		eo = b.pf.Cash
		for j, qj := range b.pf.Qty {
			if qj == 0 || j == i {
				continue
			}
			if b.anyIso && b.iso[j] {
				eo += qj*b.pf.AvgCost[j] - b.isoMargin(j, qj)
				continue
			}
			p := b.mark[j]
			eo += qj * p
			if mj := b.maintM[j]; mj != nil {
				ro += b.requirement(mj, j, qj, p).Maintenance
			}
		}
	}
	l := liqLevel(q, eo, ro, rt)
	s, row := &b.series[i], b.cursor[i]
	pts := path(s.Open[row], s.High[row], s.Low[row], s.Close[row])
	dir := -1 // a long is liquidated as the price falls to l
	if q < 0 {
		dir = 1
	}
	// From where the position began on this bar (the open, or a fill
	// of an earlier resting order: pathFrom).
	first, _, _, from := b.pathFrom(i, k)
	at, _, ok := 0.0, 0.0, true
	if !math.IsNaN(l) {
		at, _, ok = cross(&pts, min(int(from), 2), from, first, l, dir, false)
	} else if o := first; eo+q*o >= ro+math.Abs(q)*o*rt {
		// The equity less the requirement does not move with i's price:
		// only an account already short of it at i's open is liquidated
		// there, as liqPrice takes it; else not on i's account.
		return
	}
	if !ok || at >= pos {
		return
	}
	if iso {
		b.checkIsolatedOne(i, k)
	} else {
		b.checkCross(k)
	}
}

// isoMargin is an isolated position's margin: the initial requirement of
// q valued at its average cost.
func (b *broker) isoMargin(i int, q float64) float64 {
	return b.requirement(b.initM[i], i, q, b.pf.AvgCost[i]).Initial
}

// rate is the maintenance requirement r of position q at price w per unit
// of its value (the built-in Margin's Maintenance; for a model of one's
// own, its requirement's slope at w, exact when proportional to value).
func rate(r, q, w float64) float64 {
	v := math.Abs(q * w)
	if v == 0 {
		return 0
	}
	return r / v
}

// liqPrice is the price at which position q of instrument i is liquidated
// on its bar now. Its liquidation price L is the price at which the
// equity backing it, eo + q × L, equals the maintenance requirement,
// ro + |q| × L × rate (eo and ro: the rest of the account, or for an
// isolated position its margin less its cost, and 0):
//
//	L = (ro − eo) / (q − |q| × rate)
//
// A bar that opened beyond L (at or below it for a long, at or above it
// for a short) is liquidated at the open, the first price it traded;
// otherwise at L, which then lies between the open and the bar's worst
// price (clamped to [low, high] against rounding). When the equity less
// the requirement does not move with the price (a long at rate 1), at
// the open. For a position a resting order opened or turned on this
// bar, the open, low and high are those of the path from its fill on
// (pathFrom).
func (b *broker) liqPrice(i, k int, q, eo, ro, rate float64) float64 {
	open, lo, hi, _ := b.pathFrom(i, k)
	d := q - math.Abs(q)*rate
	if q > 0 {
		if d <= 0 {
			return open
		}
		l := (ro - eo) / d
		if open <= l {
			return open
		}
		return math.Min(math.Max(l, lo), hi)
	}
	l := (ro - eo) / d
	if open >= l {
		return open
	}
	return math.Max(math.Min(l, hi), lo)
}

// liqLevel is liqPrice's liquidation price L = (ro − eo) / (q − |q| ×
// rate), before it is held to the bar: NaN when the equity less the
// requirement does not move with the price (a long at rate 1), which
// liqPrice takes at the open.
func liqLevel(q, eo, ro, rate float64) float64 {
	d := q - math.Abs(q)*rate
	if q > 0 && d <= 0 {
		return math.NaN()
	}
	return (ro - eo) / d
}

// liquidate closes position q of instrument i at price p (fill kind
// Liquidation: no commission, no slippage), pays its liquidation fee
// under margin model m and returns the fee.
func (b *broker) liquidate(i int, q, p float64, m MarginModel) float64 {
	o := Order{Instrument: i, Kind: Liquidation, Tag: "liquidation"}
	b.fillOrder(&o, Liquidation, -q, p, false, math.NaN())
	fee := b.requirement(m, i, q, p).LiquidationFee
	b.pf.charge(fee)
	b.book(i, CostLiquidationFee, fee)
	b.fills[len(b.fills)-1].Fee = fee
	b.emit(Event{Kind: EventLiquidation, Time: b.now, Instrument: i, Qty: -q, Price: p, Reason: ReasonMaintenance})
	return fee
}

// worst is position q of instrument i valued at the worst price of its
// bar that it lived through (pathFrom), or, without a bar at step k, at
// the last price known now (knownPrice).
func (b *broker) worst(i int, q float64, k int) float64 {
	if b.last[i] != k {
		return b.knownPrice(i)
	}
	if b.entryStep != nil && b.entryStep[i] == k {
		_, lo, hi, _ := b.pathFrom(i, k)
		if q > 0 {
			return lo
		}
		return hi
	}
	s, r := &b.series[i], b.cursor[i] // the whole bar (pathFrom's first case, without its call)
	if q > 0 {
		return s.Low[r]
	}
	return s.High[r]
}

// pathFrom is the part of instrument i's bar at step k (path: open, then
// the extreme nearer the open's side, the other, the close) that its
// position lived through: the whole bar, its open, low and high, from
// position 0 of the path; or, for a position a resting order opened or
// turned on this bar, from that fill on: the price at its point of the
// path, and the lowest and highest after it. A position added to keeps
// where it began: its earlier part lived through the bar before the add
// (with every other position at its worst, as the check values them). A buy stop
// filled at 105 on the way up of a bar 100, 90, 110, 108 lives through
// 105 to 110 to 108: it is not margin-checked at the low of 90, which
// came before it existed, nor liquidated at the open.
func (b *broker) pathFrom(i, k int) (first, lo, hi, from float64) {
	s, r := &b.series[i], b.cursor[i]
	if b.entryStep == nil || b.entryStep[i] != k {
		return s.Open[r], s.Low[r], s.High[r], 0
	}
	pts := path(s.Open[r], s.High[r], s.Low[r], s.Close[r])
	from = b.entryPos[i]
	seg := min(int(from), 2)
	first = pts[seg] + (from-float64(seg))*(pts[seg+1]-pts[seg])
	lo, hi = first, first
	for _, v := range pts[seg+1:] {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return first, lo, hi, from
}

// accrue books the holding costs of the calendar days since the previous
// step, on the positions and cash held at its end, valued at its prices:
// the borrow fee of shorts but perpetuals' (BorrowModel, under the
// scenario's factors of each part of the period, borrowFee); interest on the cash
// balance net of short-sale proceeds and of perpetuals' notional
// (InterestModel).
func (b *broker) accrue() {
	// Run calls it from the second step on: b.prev is the previous
	// step's time, 0 too when that was 1970-01-01 (it was taken for
	// none, and the day after it accrued nothing, TestStepAfterTheEpoch).
	if !b.finance {
		return
	}
	a := Accrual{From: b.prev, To: b.now, Days: float64(b.now-b.prev) / float64(data.NanosPerDay)}
	bal := b.pf.Cash
	for i, q := range b.pf.Qty {
		if q == 0 {
			continue
		}
		v := q * b.price[i]
		perp := b.fund[i] != nil
		if perp || q < 0 {
			bal += v // short proceeds and perpetual notional are not cash that earns or owes interest
		}
		if q > 0 || perp {
			continue
		}
		h := Holding{Instrument: i, Time: b.prev, Qty: q, Price: b.price[i]}
		fee := b.borrowFee(i, h, a)
		if fee != 0 {
			b.pf.charge(fee)
			b.book(i, CostBorrow, fee)
		}
	}
	if b.interest == nil {
		return
	}
	if amt := b.interest.Interest(bal, a); amt != 0 {
		b.pf.charge(amt)
		b.book(-1, CostInterest, amt)
	}
}

// borrowFee is short h's fee over period a under instrument i's borrow
// model. A SpanEnv's factors apply to the part of the period they hold
// for: the period is cut where they change and each part pays at its own
// factors, so that a scenario's borrow window charges the calendar days
// inside it, and only those (an equity's Friday → Monday accrual across
// a window that starts on Saturday pays Saturday and Sunday at the
// window's rate, not all three days at Friday's). A plain Env is asked
// once, at the period's start.
func (b *broker) borrowFee(i int, h Holding, a Accrual) float64 {
	if b.span == nil {
		env := Neutral()
		if b.env != nil {
			env = b.env.At(i, a.From)
		}
		return b.borrowFeeAt(i, h, a, env)
	}
	var fee float64
	b.spanParts(i, a.From, a.To, func(from, to int64, env EnvFactors) {
		part := a
		if from != a.From || to != a.To {
			part = Accrual{From: from, To: to, Days: float64(to-from) / float64(data.NanosPerDay)}
		}
		fee += b.borrowFeeAt(i, h, part, env)
	})
	return fee
}

// spanParts cuts [from, to) where instrument i's SpanEnv factors change
// and calls part with each piece and its factors, in time order.
func (b *broker) spanParts(i int, from, to int64, part func(from, to int64, env EnvFactors)) {
	for t := from; t < to; {
		env, until := b.span.AtUntil(i, t)
		next := to
		if until > t && until < to {
			next = until
		}
		part(t, next, env)
		t = next
	}
}

// borrowFeeAt is instrument i's borrow model's fee over a under env.
func (b *broker) borrowFeeAt(i int, h Holding, a Accrual, env EnvFactors) float64 {
	if bm, ok := b.borrow[i].(*Borrow); ok {
		return bm.BorrowFee(h, a, env) // the built-in, called directly
	}
	return b.borrow[i].BorrowFee(h, a, env)
}

// settleFunding pays the funding events of every perpetual with a bar at
// step k: the events in [settled up to, bar time + the bar's span), on the
// position held after the bar's open, at the bar's close. The span is
// Config.BarDuration when set, else the instrument's interval on intraday
// bars (so an 08:00 event settles at the bar that opens at 08:00, or the
// one holding 08:00) and a day on daily bars (the events of a day settle
// together at that day's bar).
func (b *broker) settleFunding(k int) {
	if !b.funding {
		return
	}
	inst, _ := b.tl.Active(k)
	for _, i32 := range inst {
		i := int(i32)
		m := b.fund[i]
		if m == nil {
			continue
		}
		dur := b.cfg.BarDuration
		if dur == 0 {
			dur = b.market.span[i]
		}
		from, end := b.fundTo[i], b.now+dur
		if from == 0 {
			from = b.now
		}
		b.fundTo[i] = end
		// Events in [from, now) fell in days without a bar (a gap in the
		// data): they are owed on the position held through the gap, the
		// one before this step's fills; events of the bar's own day, on
		// the position after the open (noteOpenPositions), not the one
		// left after the bar's resting fills and liquidations: a long
		// liquidated in the bar held the day's first event, and a limit
		// that fills in it did not.
		var nGap, nCur int
		var gapSum, curSum float64
		if from < b.now {
			nGap, gapSum = b.fundEvents(m, i, from, b.now)
		}
		nCur, curSum = b.fundEvents(m, i, max(from, b.now), end)
		q, q0 := b.qtyFund[i], b.qtyOpen[i]
		if (q == 0 || nCur == 0) && (q0 == 0 || nGap == 0) {
			continue
		}
		switch {
		case b.span != nil:
			// Each event at the factors of its own time: a scenario's
			// funding window that begins or ends inside a gap charges
			// the gap's events on either side at their own rate. The
			// bar's own events take the step's factors (asked once per
			// window) when they hold to the bar's end.
			if nGap > 0 {
				gapSum = b.fundSpan(m, i, from, b.now)
			}
			if e := b.factors(i); end <= b.envUntil[i] {
				curSum = funded(e, nCur, curSum)
			} else {
				curSum = b.fundSpan(m, i, max(from, b.now), end)
			}
		case b.env != nil:
			e := b.factors(i)
			gapSum, curSum = funded(e, nGap, gapSum), funded(e, nCur, curSum)
		}
		pay := (q0*gapSum + q*curSum) * b.price[i]
		if pay == 0 {
			continue
		}
		b.pf.charge(pay)
		b.book(i, CostFunding, pay)
	}
}

// fundSpan is the sum of instrument i's funding rates over [from, to)
// under a SpanEnv: the interval is cut where the factors change, and each
// part's events take its factors (FundingSet replacing each rate,
// FundingMult scaling them).
func (b *broker) fundSpan(m FundingModel, i int, from, to int64) float64 {
	var sum float64
	b.spanParts(i, from, to, func(from, to int64, env EnvFactors) {
		n, s := b.fundEvents(m, i, from, to)
		sum += funded(&env, n, s)
	})
	return sum
}

// funded is the sum of n funding rates (sum) under factors e: FundingSet
// replaces each rate, FundingMult scales them.
func funded(e *EnvFactors, n int, sum float64) float64 {
	if e.FundingSet == e.FundingSet {
		sum = float64(n) * e.FundingSet
	}
	return sum * e.FundingMult
}

// fundEvents asks funding model m of instrument i for its events in
// [from, to).
func (b *broker) fundEvents(m FundingModel, i int, from, to int64) (int, float64) {
	if f, ok := m.(*Funding); ok {
		return f.events(from, to) // the built-in, called directly
	}
	return m.Events(i, from, to)
}

// recall covers, at the open of step k, every short whose borrow has been
// recalled by now.
func (b *broker) recall(k int) {
	if !b.recalls {
		return
	}
	marked := false
	inst, row := b.tl.Active(k)
	for j, i32 := range inst {
		i := int(i32)
		at, rec := b.shorting[i].recall()
		q := b.pf.Qty[i]
		if !rec || b.now < at || q >= 0 {
			continue
		}
		if !marked {
			b.openMarks(k)
			marked = true
		}
		o := Order{Instrument: i, Kind: Recall, Tag: "recall"}
		b.fillOrder(&o, Recall, -q, b.series[i].Open[row[j]], false, math.NaN())
		b.emit(Event{Kind: EventRecall, Time: b.now, Instrument: i, Qty: -q, Price: b.fills[len(b.fills)-1].Price, Reason: ReasonRecalled})
	}
}

// payDividends pays, at each instrument's own bar, the dividends with an
// ex-date since its previous bar (in (its previous bar, now]) on the
// position held going into the bar, before its fills: cash += qty ×
// amount (a short pays), booked as CostDividend; qty divided by the
// splits applied since the ex-date, as the amount is per share on it. Its own bar is where
// the raw price first falls by the dividend: paid at another
// instrument's step before it (a token's 00:00Z step beside an equity
// whose session opens at 13:30Z), the equity curve held the dividend
// and the pre-ex-date mark together until the equity's bar
// (TestDividendAtItsInstrumentsOwnBar). The position cannot change
// between the two: the instrument fills only on its own bars. Those
// dated at or before the instrument's first bar in the run are already
// in its prices: none is paid (no position is held going into it; b.prev
// is no test of a first step, as a step at 1970-01-01 has time 0).
func (b *broker) payDividends() {
	if b.divs == nil {
		return
	}
	inst, _ := b.tl.Active(b.step)
	for _, i := range inst {
		ds := b.divs[i]
		for b.divAt[i] < len(ds) && ds[b.divAt[i]].Time <= b.now {
			d := ds[b.divAt[i]]
			b.divAt[i]++
			q := b.pf.Qty[i]
			if q == 0 {
				continue
			}
			// Per share on its date: a split dated after it that has
			// applied by now (the ex-date had no bar of the instrument,
			// the split's step came first) made each of those shares r.
			pay := -q * d.Amount / b.splitSince(int(i), d.Time)
			b.pf.charge(pay)
			b.book(int(i), CostDividend, pay)
		}
	}
}

// splitSince is what one share of instrument i at time t has become by
// now: the product of the ratios of its splits applied so far dated after
// t (1: none).
func (b *broker) splitSince(i int, t int64) float64 {
	r := 1.0
	if b.splits == nil {
		return r
	}
	ss := b.splits[i][:b.splitAt[i]]
	for j := len(ss) - 1; j >= 0 && ss[j].Time > t; j-- {
		r *= ss[j].Ratio
	}
	return r
}

// applySplits applies the splits dated in (previous step, now]: positions
// × ratio; average costs, the last mark and pending orders' prices ÷ ratio;
// pending quantity orders × ratio.
func (b *broker) applySplits() {
	if b.splits == nil {
		return
	}
	for i, ss := range b.splits {
		for b.splitAt[i] < len(ss) && ss[b.splitAt[i]].Time <= b.now {
			sp := ss[b.splitAt[i]]
			b.splitAt[i]++
			if b.step == 0 || sp.Time <= b.prev { // step 0: no previous step (b.prev 0 is also 1970-01-01's)
				continue // before the run: the prices already reflect it
			}
			r := sp.Ratio
			b.pf.Qty[i] *= r
			b.pf.AvgCost[i] /= r
			b.price[i] /= r
			for j := range b.pending {
				o := &b.pending[j]
				if o.Instrument != i {
					continue
				}
				if o.Sizing == Quantity {
					o.Amount *= r
					o.replFrom *= r
					o.repl[0] *= r
				}
				o.Price /= r
				o.StopPrice /= r
				o.Trail /= r
				o.extreme /= r
				if o.replacing {
					// A replace on its way, in the prices before the split
					// (for a trailing stop, price is a Trail, or TrailPct,
					// which a split leaves alone).
					if o.Kind != TrailingStop || o.TrailPct == 0 {
						o.repl[1] /= r
					}
					o.repl[2] /= r
				}
			}
		}
	}
}
