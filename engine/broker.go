package engine

import (
	"math"

	"github.com/divergence-research/divergence/data"
)

// This file is the broker: what a fill costs, where in a bar resting
// orders fill, holding costs (borrow, funding, interest), margin and
// liquidation, recalls and splits. docs/execution.md describes the models;
// every function here runs inside the event loop and allocates nothing in
// steady state (the ledger, fills and events logs grow by amortized
// appends).

// setupModels resolves each instrument's terms and the flags that let the
// loop skip the models nobody configured.
func (c *Context) setupModels() {
	cfg := &c.cfg
	n := len(c.series)
	c.fee = cfg.Commission.Fraction()
	c.anyCom = c.fee != 0
	c.env = cfg.Env
	c.terms = make([]Terms, n)
	c.comSet = make([]bool, n)
	c.volUsed = make([]float64, n)
	c.volStep = make([]int, n)
	c.sigStep = make([]int, n)
	c.envUntil = make([]int64, n)
	c.span, _ = cfg.Env.(SpanEnv)
	c.envF = make([]EnvFactors, n)
	c.execp = make([]float64, n)
	c.rawd = make([]float64, n)
	c.sigVal = make([]float64, n)
	c.fundTo = make([]int64, n)
	c.qtyOpen = make([]float64, n)
	c.fundCur = make([]int, n)
	c.fundNext = make([]int64, n)
	c.finance = cfg.CashRate != 0 || cfg.BorrowRate != 0 || cfg.Env != nil
	for i := range c.series {
		t := cfg.Crypto
		if c.series[i].Class != data.Crypto {
			t = cfg.Equity
		}
		if o, ok := cfg.Symbols[c.series[i].Symbol]; ok {
			t = o
		}
		c.terms[i] = t
		c.volStep[i] = -1
		c.sigStep[i] = -1
		c.envUntil[i] = math.MinInt64
		c.comSet[i] = t.Commission.set()
		c.anyCom = c.anyCom || c.comSet[i]
		c.anySlip = c.anySlip || t.Slippage.set() || t.Slippage.MaxParticipation > 0
		c.margin = c.margin || t.Margin.Initial > 0
		c.maint = c.maint || t.Margin.Maintenance > 0
		c.finance = c.finance || t.Borrow.Rate != 0
		c.funding = c.funding || t.Funding.on()
		c.recalls = c.recalls || t.Borrow.RecallAt != 0
	}
	if len(cfg.Splits) > 0 {
		c.splits = make([][]Split, n)
		c.splitAt = make([]int, n)
		for i := range c.series {
			c.splits[i] = cfg.Splits[c.series[i].Symbol]
		}
	}
	c.hits = make([]hit, 0, 2*n+8)
	c.events = make([]Event, 0, 2*n+8)
	// Holding costs book an entry per position and step: size the ledger
	// for every instrument that can pay them, over the whole timeline,
	// rather than grow it by doubling through the run.
	if c.funding || c.finance {
		per := 1
		for i := range c.terms {
			if c.terms[i].Funding.on() || c.terms[i].Borrow.Rate != 0 {
				per++
			}
		}
		c.ledger = make([]Entry, 0, c.tl.Len()*(per+2))
	}
}

// appendDoubling appends v, doubling the capacity when the slice is full:
// logs that grow for the whole run then cost one allocation per doubling
// of their length (append grows large slices by 1.25×, which is three).
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		n := make([]T, len(s), 2*cap(s)+16)
		copy(n, s)
		s = n
	}
	return append(s, v)
}

// factors returns the environment at instrument i now. A plain Env is
// asked once per instrument and step, a SpanEnv once per window.
func (c *Context) factors(i int) *EnvFactors {
	f := &c.envF[i]
	if c.now >= c.envUntil[i] {
		switch {
		case c.span != nil:
			*f, c.envUntil[i] = c.span.AtUntil(i, c.now)
			if c.envUntil[i] <= c.now {
				c.envUntil[i] = c.now + 1
			}
		case c.env != nil:
			*f, c.envUntil[i] = c.env.At(i, c.now), c.now+1
		default:
			*f, c.envUntil[i] = Neutral(), math.MaxInt64
		}
	}
	return f
}

// emit records an event for the strategy and, but for fills, for the run.
func (c *Context) emit(e Event) {
	c.events = append(c.events, e)
	if e.Kind != EventFill {
		c.log = appendDoubling(c.log, e)
	}
	switch e.Kind {
	case EventRejected:
		c.rejects++
	case EventMarginCall:
		c.calls++
	case EventLiquidation:
		c.liqs++
	}
}

// reject reports that qty of o was refused.
func (c *Context) reject(o *Order, qty float64, why Reason) {
	c.emit(Event{Kind: EventRejected, Time: c.now, Order: o.id, Instrument: o.Instrument, Qty: qty, Reason: why})
}

// book appends a ledger entry (nothing for a zero amount).
func (c *Context) book(i int, k CostKind, amount float64) {
	if amount == 0 {
		return
	}
	c.ledger = appendDoubling(c.ledger, Entry{Time: c.now, Instrument: i, Kind: k, Amount: amount})
	c.costs.add(k, amount)
}

// commission is what a fill of qty at price pays (see Commission). Without
// a Commission in the instrument's terms it is Config.Commission bps of
// the notional, computed exactly as before the models existed.
func (c *Context) commission(i int, qty, price float64, maker bool) float64 {
	if !c.comSet[i] {
		return math.Abs(qty*price) * c.fee
	}
	cm := &c.terms[i].Commission
	n := math.Abs(qty * price)
	base := cm.PerShare*math.Abs(qty) + cm.Bps.Fraction()*n
	if base < cm.Minimum {
		base = cm.Minimum
	}
	if maker {
		return base + cm.Maker.Fraction()*n
	}
	return base + cm.Taker.Fraction()*n
}

// sigma is the sample standard deviation of instrument i's daily simple
// returns (close / previous close − 1) over the w closes before its
// current bar (0 with fewer than two returns). It is computed once per
// instrument and step.
func (c *Context) sigma(i, w int) float64 {
	if c.sigStep[i] == c.step {
		return c.sigVal[i]
	}
	if w <= 0 {
		w = 20
	}
	r := c.cursor[i]
	cl := c.series[i].Close
	lo := r - w
	if lo < 1 {
		lo = 1
	}
	v, n := 0.0, r-lo // returns cl[t]/cl[t−1] − 1 for t in [lo, r)
	if n >= 2 {
		// One pass, shifted by the first return for accuracy: daily
		// returns are small and the window short.
		k := cl[lo]/cl[lo-1] - 1
		sum, ss := 0.0, 0.0
		for t := lo; t < r; t++ {
			d := cl[t]/cl[t-1] - 1 - k
			sum += d
			ss += d * d
		}
		fn := float64(n)
		v = math.Sqrt(math.Max(0, (ss-sum*sum/fn)/(fn-1)))
	}
	c.sigStep[i], c.sigVal[i] = c.step, v
	return v
}

// slip returns the executed price of a taker fill of qty at reference
// price ref on instrument i's current bar, and the per-unit money of each
// component (fixed + range, spread, impact) after clamping to the bar's
// [low, high] (and to the limit, for a triggered stop-limit).
func (c *Context) slip(i int, qty, ref, limit float64) (price, fixed, spread, impact float64) {
	s := &c.terms[i].Slippage
	if !s.set() || qty == 0 {
		return ref, 0, 0, 0
	}
	f := c.factors(i)
	r := c.cursor[i]
	se := &c.series[i]
	hi, lo, vol := se.High[r], se.Low[r], se.Volume[r]
	fixed = (ref*s.Bps.Fraction() + s.RangeFrac*(hi-lo)) * f.SlippageMult
	spread = ref * s.SpreadBps.Fraction() / 2 * f.SpreadMult
	if s.ImpactK > 0 {
		if v := vol * f.VolumeMult; v > 0 {
			impact = ref * s.ImpactK * c.sigma(i, s.ImpactWindow) * math.Sqrt(math.Abs(qty)/v) * f.SlippageMult
		}
	}
	u := fixed + spread + impact
	if u <= 0 || math.IsNaN(u) {
		return ref, 0, 0, 0
	}
	price = ref + math.Copysign(u, qty)
	if qty > 0 {
		price = math.Min(price, hi)
		if limit == limit {
			price = math.Min(price, limit)
		}
	} else {
		price = math.Max(price, lo)
		if limit == limit {
			price = math.Max(price, limit)
		}
	}
	if got := math.Abs(price - ref); got < u {
		k := got / u
		fixed, spread, impact = fixed*k, spread*k, impact*k
	}
	return price, fixed, spread, impact
}

// slipped is the executed price of slip alone.
func (c *Context) slipped(i int, qty, ref, limit float64) float64 {
	p, _, _, _ := c.slip(i, qty, ref, limit)
	return p
}

// noBorrow reports whether instrument i cannot be shorted now.
func (c *Context) noBorrow(i int) bool {
	b := &c.terms[i].Borrow
	return b.Unavailable || (b.RecallAt != 0 && c.now >= b.RecallAt)
}

// fillOrder books up to qty (signed) of o's instrument on its current bar
// at reference price ref: the part that would open a short without borrow
// is rejected; the participation cap may hold part back (finished is then
// false); taker fills pay slippage, every fill a commission; a fill that
// raises exposure beyond buying power is rejected whole. It returns the
// quantity filled; finished is false only when the cap held a remainder.
// kind is the fill's kind (the order's, or Liquidation or Recall).
func (c *Context) fillOrder(o *Order, kind OrderKind, qty, ref float64, maker bool, limit float64) (filled float64, finished bool) {
	i := o.Instrument
	if qty == 0 || math.IsNaN(ref) {
		return 0, true
	}
	tm := &c.terms[i]
	q0 := c.pf.Qty[i]
	forced := kind == Liquidation || kind == Recall
	if qty < 0 && !forced && (tm.Borrow.Unavailable || tm.Borrow.RecallAt != 0) && c.noBorrow(i) {
		allowed := 0.0
		if q0 > 0 {
			allowed = -q0
		}
		if qty < allowed {
			c.reject(o, qty-allowed, ReasonBorrowUnavailable)
			qty = allowed
			if qty == 0 {
				return 0, true
			}
		}
	}
	finished = true
	if mp := tm.Slippage.MaxParticipation; mp > 0 && !forced {
		r := c.cursor[i]
		if v := c.series[i].Volume[r]; !math.IsNaN(v) {
			if c.volStep[i] != c.step {
				c.volStep[i], c.volUsed[i] = c.step, 0
			}
			avail := mp*v*c.factors(i).VolumeMult - c.volUsed[i]
			if avail < 0 {
				avail = 0
			}
			if math.Abs(qty) > avail {
				if lot := c.series[i].LotSize; lot > 0 {
					avail = math.Trunc(avail/lot) * lot
				}
				qty, finished = math.Copysign(avail, qty), false
				if qty == 0 {
					return 0, false
				}
			}
		}
	}
	price := ref
	var fixed, spread, impact float64
	if !maker && !(kind == Liquidation) && c.anySlip {
		price, fixed, spread, impact = c.slip(i, qty, ref, limit)
	}
	com := 0.0
	if kind != Liquidation {
		com = c.commission(i, qty, price, maker)
	}
	// A fill that adds exposure — grows the position, or crosses through
	// zero into the other side — needs equity and buying power; the part
	// that only closes the position never does.
	flip := q0 != 0 && (qty > 0) != (q0 > 0) && math.Abs(qty) > math.Abs(q0)
	if !forced && (flip || math.Abs(q0+qty) > math.Abs(q0)) {
		reason := ReasonNone
		if c.pf.Equity(c.mark) <= 0 {
			// A ruined account adds no exposure (without margin terms
			// nothing else would stop it: a target weight of negative
			// equity is a position the other way).
			reason = ReasonNoEquity
		} else if c.margin && !c.buyingPower(i, qty, price, com) {
			reason = ReasonBuyingPower
		}
		if reason != ReasonNone {
			if !flip {
				c.reject(o, qty, reason)
				return 0, true
			}
			// Close the position; refuse the part that would open the
			// other side.
			c.reject(o, qty+q0, reason)
			qty = -q0
			if !maker && kind != Liquidation && c.anySlip {
				price, fixed, spread, impact = c.slip(i, qty, ref, limit)
			}
			com = c.commission(i, qty, price, maker)
		}
	}
	c.pf.apply(i, qty, price, com)
	if tm.Slippage.MaxParticipation > 0 {
		c.volUsed[i] += math.Abs(qty)
	}
	aq := math.Abs(qty)
	c.book(i, CostCommission, com)
	c.book(i, CostSlippage, aq*fixed)
	c.book(i, CostSpread, aq*spread)
	c.book(i, CostImpact, aq*impact)
	c.fills = appendDoubling(c.fills, Fill{
		Time: c.now, Instrument: i, Symbol: c.series[i].Symbol,
		Qty: qty, Price: price, Commission: com, Kind: kind, Tag: o.Tag,
		Order: o.id, Slippage: qty * (price - ref),
	})
	rem := 0.0
	if o.Sizing == Quantity && !forced {
		rem = o.Amount - qty
	}
	c.emit(Event{Kind: EventFill, Time: c.now, Order: o.id, Instrument: i, Qty: qty, Price: price, Remaining: rem})
	return qty, finished
}

// buyingPower reports whether the account can carry the initial margin of
// every position after filling qty of i at price (marks for the others:
// c.mark) with equity after the fill's commission.
func (c *Context) buyingPower(i int, qty, price, com float64) bool {
	eq := c.pf.Cash - qty*price - com
	req := 0.0
	for j, q := range c.pf.Qty {
		p := c.mark[j]
		if j == i {
			q += qty
			p = price
		}
		if q == 0 {
			continue
		}
		v := q * p
		eq += v
		req += math.Abs(v) * c.terms[j].Margin.Initial
	}
	return req <= eq*(1+1e-12)
}

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
	sat := func(p float64) bool {
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

// reach decides whether resting order o (a buy when buy) is reached on the
// bar (O, H, L, C) and where; it updates the order's trigger and trailing
// state as the path passes.
func (c *Context) reach(o *Order, buy bool, O, H, L, C float64) (hit, bool) {
	pts := path(O, H, L, C)
	strict := c.cfg.LimitFill == Through
	limDir, stopDir := -1, 1 // a buy limit waits for price <= limit, a buy stop for price >= stop
	if !buy {
		limDir, stopDir = 1, -1
	}
	nan := math.NaN()
	switch o.Kind {
	case Limit:
		if pos, px, ok := cross(&pts, 0, 0, O, o.Price, limDir, strict); ok {
			return hit{pos: pos, ref: px, limit: nan, maker: true}, true
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
				return hit{pos: pos, ref: px, limit: nan, maker: true}, true
			}
			return hit{}, false
		}
		pos, px, ok := cross(&pts, 0, 0, O, o.StopPrice, stopDir, false)
		if !ok {
			return hit{}, false
		}
		o.triggered = true
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
		return trail(o, &pts, buy)
	}
	return hit{}, false
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
// for instrument o.Instrument (others at c.mark): its amount, or the
// distance from the position to the target. A weight target is a share
// of equity net of the fill's own commission (as for market batches,
// sizeTargets), found by fixed-point iteration.
func (c *Context) orderDelta(o *Order, ref float64, maker bool) float64 {
	if o.Sizing == Quantity {
		return o.Amount
	}
	i := o.Instrument
	v := o.Amount
	var d float64
	if o.Sizing == TargetWeight {
		saved := c.mark[i]
		c.mark[i] = ref
		E := c.pf.Equity(c.mark)
		c.mark[i] = saved
		K := 0.0
		for iter := 0; iter < 32; iter++ {
			d = o.Amount*(E-K)/ref - c.pf.Qty[i]
			next := c.commission(i, d, ref, maker)
			if math.Abs(next-K) <= 1e-15*math.Abs(E) || !c.anyCom {
				break
			}
			K = next
		}
	} else {
		d = v/ref - c.pf.Qty[i]
	}
	if lot := c.series[i].LotSize; lot > 0 {
		d = math.Trunc(d/lot) * lot
	}
	if math.Abs(d) <= 1e-12*math.Abs(c.pf.Qty[i]) {
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
func (c *Context) fillResting(k int) {
	if len(c.pending) == 0 {
		return
	}
	c.hits = c.hits[:0]
	marked := false
	for j := range c.pending {
		o := &c.pending[j]
		i := o.Instrument
		if o.done || !o.Kind.resting() || c.last[i] != k || o.step >= k {
			continue
		}
		if !marked {
			c.openMarks(k)
			marked = true
		}
		s, r := &c.series[i], c.cursor[i]
		d := c.orderDelta(o, s.Open[r], false)
		if d == 0 {
			continue // a closing order with nothing to close: inert
		}
		wasTriggered := o.triggered
		if h, ok := c.reach(o, d > 0, s.Open[r], s.High[r], s.Low[r], s.Close[r]); ok {
			h.j, h.id, h.buy, h.wasTriggered = j, o.id, d > 0, wasTriggered
			c.hits = append(c.hits, h)
		}
	}
	if len(c.hits) == 0 {
		return
	}
	// Insertion sort by path position, then id: a handful of orders.
	for a := 1; a < len(c.hits); a++ {
		for b := a; b > 0; b-- {
			x, y := &c.hits[b-1], &c.hits[b]
			if x.pos < y.pos || (x.pos == y.pos && x.id < y.id) {
				break
			}
			*x, *y = *y, *x
		}
	}
	for _, h := range c.hits {
		o := &c.pending[h.j]
		if o.done {
			continue
		}
		d := c.orderDelta(o, h.ref, h.maker)
		if d == 0 || (d > 0) != h.buy {
			// Reached, but an earlier fill on this bar left it nothing to do
			// (a second closing stop after the first closed the position):
			// it is not triggered, and waits for its price again.
			o.triggered = h.wasTriggered
			continue
		}
		var q float64
		if o.Sizing == Quantity {
			q = c.fillQuantity(o, h.ref, h.maker, h.limit)
		} else {
			var finished bool
			q, finished = c.fillOrder(o, o.Kind, d, h.ref, h.maker, h.limit)
			o.done = finished
		}
		if q != 0 && o.oco != 0 {
			for x := range c.pending {
				if p := &c.pending[x]; p.id == o.oco && !p.done {
					p.done = true
					c.emit(Event{Kind: EventCancelled, Time: c.now, Order: p.id, Instrument: p.Instrument, Qty: p.Amount, Reason: ReasonOCO})
				}
			}
			o.oco = 0
		}
	}
	c.compact()
}

// checkMaintenance is the margin check of step k: equity with every
// position at its bar's worst price (low for a long, high for a short;
// the last price when the instrument has no bar) against the maintenance
// requirement at those prices. Below it, a margin call is raised and every
// margined position (Maintenance > 0) with a bar now is liquidated at its
// worst price, paying the liquidation fee; positions without a bar wait
// for their next bar (the margin call repeats while the account is
// short of maintenance).
func (c *Context) checkMaintenance(k int) {
	if !c.maint {
		return
	}
	eq, req, fresh := c.pf.Cash, 0.0, false
	for i, q := range c.pf.Qty {
		if q == 0 {
			continue
		}
		p := c.worst(i, q, k)
		if c.last[i] == k && c.terms[i].Margin.Maintenance > 0 {
			fresh = true
		}
		v := q * p
		eq += v
		req += math.Abs(v) * c.terms[i].Margin.Maintenance
	}
	if eq >= req || req == 0 {
		return
	}
	c.emit(Event{Kind: EventMarginCall, Time: c.now, Instrument: -1, Qty: eq, Price: req, Reason: ReasonMaintenance})
	if !fresh {
		return
	}
	for i, q := range c.pf.Qty {
		if q == 0 || c.last[i] != k || c.terms[i].Margin.Maintenance == 0 {
			continue
		}
		p := c.worst(i, q, k)
		o := Order{Instrument: i, Kind: Liquidation, Tag: "liquidation"}
		c.fillOrder(&o, Liquidation, -q, p, false, math.NaN())
		fee := math.Abs(q*p) * c.terms[i].Margin.LiquidationFee
		c.pf.charge(fee)
		c.book(i, CostLiquidationFee, fee)
		c.fills[len(c.fills)-1].Fee = fee
		c.emit(Event{Kind: EventLiquidation, Time: c.now, Instrument: i, Qty: -q, Price: p, Reason: ReasonMaintenance})
	}
}

// worst is position q of instrument i valued at its bar's worst price.
func (c *Context) worst(i int, q float64, k int) float64 {
	if c.last[i] != k {
		return c.price[i]
	}
	s, r := &c.series[i], c.cursor[i]
	if q > 0 {
		return s.Low[r]
	}
	return s.High[r]
}

// accrue books the holding costs of the calendar days since the previous
// step, on the positions and cash held at its end, valued at its prices
// (ACT/360): short borrow on non-perpetual shorts; interest on the cash
// balance net of short-sale proceeds and of perpetuals' notional (income
// at CashRate when positive, cost at BorrowRate when negative).
func (c *Context) accrue() {
	if !c.finance || c.prev == 0 {
		return
	}
	days := float64(c.now-c.prev) / float64(nsPerDay)
	bal := c.pf.Cash
	for i, q := range c.pf.Qty {
		if q == 0 {
			continue
		}
		tm := &c.terms[i]
		v := q * c.price[i]
		perp := tm.Funding.on()
		if perp || q < 0 {
			bal += v // short proceeds and perpetual notional are not cash that earns or owes interest
		}
		if q > 0 || perp {
			continue
		}
		rate := tm.Borrow.Rate
		if c.env != nil {
			f := c.env.At(i, c.prev)
			if f.BorrowSet == f.BorrowSet {
				rate = f.BorrowSet
			}
			rate *= f.BorrowMult
		}
		if rate != 0 {
			fee := -v * rate * days / DayCount
			c.pf.charge(fee)
			c.book(i, CostBorrow, fee)
		}
	}
	var amt float64
	switch {
	case bal > 0 && c.cfg.CashRate != 0:
		amt = -bal * c.cfg.CashRate * days / DayCount
	case bal < 0 && c.cfg.BorrowRate != 0:
		amt = -bal * c.cfg.BorrowRate * days / DayCount
	}
	if amt != 0 {
		c.pf.charge(amt)
		c.book(-1, CostInterest, amt)
	}
}

// settleFunding pays the funding events of every perpetual with a bar at
// step k: the events in [settled up to, bar time + BarDuration), on the
// position held after the bar's open, at the bar's close.
func (c *Context) settleFunding(k int) {
	if !c.funding {
		return
	}
	dur := c.cfg.BarDuration
	if dur == 0 {
		dur = nsPerDay
	}
	inst, _ := c.tl.Active(k)
	for _, i32 := range inst {
		i := int(i32)
		f := &c.terms[i].Funding
		if !f.on() {
			continue
		}
		from, end := c.fundTo[i], c.now+dur
		if from == 0 {
			from = c.now
		}
		c.fundTo[i] = end
		// Events in [from, now) fell in days without a bar (a gap in the
		// data): they are owed on the position held through the gap, the
		// one before this step's fills; events of the bar's own day, on
		// the position after the open.
		nGap, nCur, gapSum, curSum := 0, 0, 0.0, 0.0
		if len(f.Times) > 0 {
			cur := c.fundCur[i]
			for cur < len(f.Times) && f.Times[cur] < from {
				cur++
			}
			for cur < len(f.Times) && f.Times[cur] < end {
				if f.Times[cur] < c.now {
					gapSum += f.Rates[cur]
					nGap++
				} else {
					curSum += f.Rates[cur]
					nCur++
				}
				cur++
			}
			c.fundCur[i] = cur
		} else {
			// The next grid event at or after from, then step by the
			// interval: additions, no division per bar.
			iv, next := f.Interval, c.fundNext[i]
			if next < from {
				next = ceilDiv(from, iv) * iv
			}
			for ; next < end; next += iv {
				if next < c.now {
					nGap++
				} else {
					nCur++
				}
			}
			c.fundNext[i] = next
			gapSum, curSum = float64(nGap)*f.Rate, float64(nCur)*f.Rate
		}
		q, q0 := c.pf.Qty[i], c.qtyOpen[i]
		if (q == 0 || nCur == 0) && (q0 == 0 || nGap == 0) {
			continue
		}
		if c.env != nil {
			e := c.factors(i)
			if e.FundingSet == e.FundingSet {
				gapSum, curSum = float64(nGap)*e.FundingSet, float64(nCur)*e.FundingSet
			}
			gapSum *= e.FundingMult
			curSum *= e.FundingMult
		}
		pay := (q0*gapSum + q*curSum) * c.price[i]
		if pay == 0 {
			continue
		}
		c.pf.charge(pay)
		c.book(i, CostFunding, pay)
	}
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// recall covers, at the open of step k, every short whose borrow has been
// recalled by now.
func (c *Context) recall(k int) {
	if !c.recalls {
		return
	}
	marked := false
	inst, row := c.tl.Active(k)
	for j, i32 := range inst {
		i := int(i32)
		at := c.terms[i].Borrow.RecallAt
		q := c.pf.Qty[i]
		if at == 0 || c.now < at || q >= 0 {
			continue
		}
		if !marked {
			c.openMarks(k)
			marked = true
		}
		o := Order{Instrument: i, Kind: Recall, Tag: "recall"}
		c.fillOrder(&o, Recall, -q, c.series[i].Open[row[j]], false, math.NaN())
		c.emit(Event{Kind: EventRecall, Time: c.now, Instrument: i, Qty: -q, Price: c.fills[len(c.fills)-1].Price, Reason: ReasonRecalled})
	}
}

// applySplits applies the splits dated in (previous step, now]: positions
// × ratio; average costs, the last mark and pending orders' prices ÷ ratio;
// pending quantity orders × ratio.
func (c *Context) applySplits() {
	if c.splits == nil {
		return
	}
	for i, ss := range c.splits {
		for c.splitAt[i] < len(ss) && ss[c.splitAt[i]].Time <= c.now {
			sp := ss[c.splitAt[i]]
			c.splitAt[i]++
			if c.prev == 0 || sp.Time <= c.prev {
				continue // before the run: the prices already reflect it
			}
			r := sp.Ratio
			c.pf.Qty[i] *= r
			c.pf.AvgCost[i] /= r
			c.price[i] /= r
			for j := range c.pending {
				o := &c.pending[j]
				if o.Instrument != i {
					continue
				}
				if o.Sizing == Quantity {
					o.Amount *= r
				}
				o.Price /= r
				o.StopPrice /= r
				o.Trail /= r
				o.extreme /= r
			}
		}
	}
}

// expire retires the Day orders whose instrument had its bar at step k
// (for market-on-close orders, submitted at k or before; for the others,
// before k).
func (c *Context) expire(k int) {
	any := false
	for j := range c.pending {
		o := &c.pending[j]
		if o.TIF != Day || o.done || c.last[o.Instrument] != k || (o.step >= k && o.Kind != MarketOnClose) {
			continue
		}
		o.done, any = true, true
		c.emit(Event{Kind: EventExpired, Time: c.now, Order: o.id, Instrument: o.Instrument, Qty: o.Amount})
	}
	if any {
		c.compact()
	}
}
