package engine

import (
	"math"

	"github.com/divergence-research/divergence/data"
)

// broker is the house's side of a run: it owns the pending orders, fills
// them (fillOrder, the order book in orders.go, the intrabar path in
// intrabar.go), books what they cost, checks margin and liquidates,
// accrues the costs of holding positions, applies splits and recalls
// (holding.go). It asks each instrument's models (models.go) for the
// numbers and keeps the ledger. The engine loop (engine.go) drives it
// step by step; the Context a strategy sees delegates orders to it.
//
// Everything here runs inside the event loop and allocates nothing in
// steady state (the ledger, fills and events logs grow by amortized
// appends).
type broker struct {
	market
	cfg Config

	pf      Portfolio
	pending []Order
	nextID  OrderID
	fills   []Fill

	mark  []float64 // scratch: prices used to size orders at a fill moment
	delta []float64 // scratch: target-order deltas per instrument
	batch []int     // scratch: indices into pending of a target batch
	// adding is scratch: per instrument, whether the batch's delta adds
	// exposure (grows the position or crosses zero), as of before the
	// batch fills.
	adding []bool

	// The models, resolved per instrument at start (nil: none acts).
	fee      []FeeModel // nil: Config.Commission at flatFee
	flatFee  float64    // Config.Commission as a fraction
	slip     []SlippageModel
	vol      []VolumeModel
	borrow   []BorrowModel
	shorting []Borrow // availability and recalls
	fund     []FundingModel
	initM    []MarginModel // models with an initial margin
	maintM   []MarginModel // models with a maintenance margin
	iso      []bool        // isolated margin (nil: none is)
	interest InterestModel

	anyCom  bool // some commission is charged
	anySlip bool // some instrument has slippage or a fill-volume cap
	margin  bool // some instrument has an initial margin
	maint   bool // some instrument has a maintenance margin
	anyIso  bool // some instrument is margined isolated
	finance bool // borrow fees or interest may accrue
	funding bool // some instrument pays funding
	recalls bool // some instrument has a recall date

	env      Env
	span     SpanEnv // cfg.Env, when it is a SpanEnv
	envF     []EnvFactors
	envUntil []int64 // envF[i] holds until then (exclusive)

	volUsed  []float64 // volume filled on the current step, per instrument
	volStep  []int     // the step volUsed[i] belongs to
	execp    []float64 // scratch: a target's execution price while sizing
	planCash float64   // scratch: the cash a target batch leaves if every delta fills as sized
	rawd     []float64 // scratch: target deltas before lot rounding
	fundTo   []int64   // funding settled up to (exclusive), per instrument
	qtyOpen  []float64 // each fresh instrument's position before the step's fills
	qtyFund  []float64 // each fresh instrument's position after the open's fills: the one its bar's funding events are owed on
	splits   [][]Split
	splitAt  []int
	divs     [][]Dividend // Config.Dividends by instrument; nil when none
	divAt    []int        // the next of divs[i] to pay
	hits     []hit        // scratch: resting orders reached on the current bar
	// entryStep[i] is the step on which a resting order last opened or
	// turned instrument i's position, at entryPos[i] on that bar's path
	// (see pathFrom); −1 none. Kept only with a maintenance check.
	entryStep []int
	entryPos  []float64
	deferred  int   // pending orders with a cancel or replace to come (cancelAt)
	closeAt   int64 // fillAtClose: the close being filled, when closing
	closing   bool
	volMemo   []volMemo // MarketData.Volatility's cache, per instrument

	events  []Event // since the strategy's last OnBar
	log     []Event // the run's events but fills
	ledger  []Entry
	costs   CostBreakdown
	rejects int
	calls   int
	liqs    int
	// inCall: the cross-margined account is under its maintenance
	// requirement, its margin call made (checkCross): it stays one call
	// until the account is back above.
	inCall bool
}

func newBroker(p *data.Panel, tl *Timeline, cfg Config) broker {
	n := len(p.Series)
	b := broker{
		market:  newMarket(p, tl),
		cfg:     cfg,
		pf:      NewPortfolio(n, cfg.Cash),
		pending: make([]Order, 0, 2*n+8),
		mark:    make([]float64, n),
		delta:   make([]float64, n),
		batch:   make([]int, 0, n),
		adding:  make([]bool, n),
	}
	if r := cfg.Reuse; r != nil {
		b.fills, b.log, b.ledger = r.Fills[:0], r.Events[:0], r.Ledger[:0]
		b.cfg.Reuse = nil
	} else {
		b.fills = make([]Fill, 0, 64)
	}
	b.setupModels()
	b.hide(cfg.Universe)
	return b
}

// setupModels resolves each instrument's models from its terms, and the
// flags that let the loop skip the models nobody configured.
func (b *broker) setupModels() {
	cfg := &b.cfg
	n := len(b.series)
	b.flatFee = cfg.Commission.Fraction()
	b.anyCom = b.flatFee != 0
	b.env = cfg.Env
	b.span, _ = cfg.Env.(SpanEnv)
	b.fee = make([]FeeModel, n)
	b.slip = make([]SlippageModel, n)
	b.vol = make([]VolumeModel, n)
	b.borrow = make([]BorrowModel, n)
	b.shorting = make([]Borrow, n)
	b.fund = make([]FundingModel, n)
	b.initM = make([]MarginModel, n)
	b.maintM = make([]MarginModel, n)
	b.volUsed = make([]float64, n)
	b.volStep = make([]int, n)
	b.envUntil = make([]int64, n)
	b.envF = make([]EnvFactors, n)
	b.execp = make([]float64, n)
	b.rawd = make([]float64, n)
	b.fundTo = make([]int64, n)
	b.qtyOpen = make([]float64, n)
	b.qtyFund = make([]float64, n)
	b.volMemo = make([]volMemo, n)
	b.interest = cfg.InterestModel
	if b.interest == nil && (cfg.CashRate != 0 || cfg.BorrowRate != 0) {
		b.interest = CashInterest{Rate: cfg.CashRate, BorrowRate: cfg.BorrowRate}
	}
	b.finance = b.interest != nil || cfg.Env != nil
	// Resolve each Terms once: an instrument shares its class's models.
	eq, cr := resolve(&cfg.Equity), resolve(&cfg.Crypto)
	for i := range b.series {
		ms := &cr
		if b.series[i].Class != data.Crypto {
			ms = &eq
		}
		if o, ok := cfg.Symbols[b.series[i].Symbol]; ok {
			r := resolve(&o)
			ms = &r
		}
		b.volStep[i] = -1
		b.volMemo[i].r = -1
		b.envUntil[i] = math.MinInt64
		b.shorting[i] = ms.shorting
		b.fee[i], b.slip[i], b.vol[i] = ms.fee, ms.slip, ms.vol
		b.borrow[i], b.fund[i] = ms.borrow, ms.fund
		b.initM[i], b.maintM[i] = ms.initM, ms.maintM
		if ms.iso {
			if b.iso == nil {
				b.iso = make([]bool, n)
			}
			b.iso[i], b.anyIso = true, true
		}
		b.anyCom = b.anyCom || b.fee[i] != nil
		b.anySlip = b.anySlip || b.slip[i] != nil || b.vol[i] != nil
		b.margin = b.margin || b.initM[i] != nil
		b.maint = b.maint || b.maintM[i] != nil
		b.finance = b.finance || ms.shorting.charges() || ms.customBorrow
		b.funding = b.funding || b.fund[i] != nil
		_, rec := ms.shorting.recall()
		b.recalls = b.recalls || rec
	}
	if len(cfg.Splits) > 0 {
		b.splits = make([][]Split, n)
		b.splitAt = make([]int, n)
		for i := range b.series {
			b.splits[i] = cfg.Splits[b.series[i].Symbol]
		}
	}
	if len(cfg.Dividends) > 0 {
		b.divs = make([][]Dividend, n)
		b.divAt = make([]int, n)
		for i := range b.series {
			b.divs[i] = cfg.Dividends[b.series[i].Symbol]
		}
	}
	b.hits = make([]hit, 0, 2*n+8)
	if b.maint {
		b.entryStep, b.entryPos = make([]int, n), make([]float64, n)
		for i := range b.entryStep {
			b.entryStep[i] = -1
		}
	}
	b.events = make([]Event, 0, 2*n+8)
	// Holding costs book an entry per position and step: size the ledger
	// for every instrument that can pay them, over the whole timeline,
	// rather than grow it by doubling through the run.
	if b.funding || b.finance {
		per := 1
		for i := range b.fund {
			if b.fund[i] != nil || b.shorting[i].charges() {
				per++
			}
		}
		if need := b.tl.Len() * (per + 2); cap(b.ledger) < need {
			b.ledger = make([]Entry, 0, need)
		}
	}
}

// modelSet are the models one Terms resolves to (nil: none acts).
type modelSet struct {
	fee           FeeModel
	slip          SlippageModel
	vol           VolumeModel
	borrow        BorrowModel
	customBorrow  bool
	shorting      Borrow
	fund          FundingModel
	initM, maintM MarginModel
	iso           bool // isolated margin
}

// resolve picks each kind's model: the Terms' own model when set, else
// the built-in one its fields configure, when they configure anything.
func resolve(t *Terms) modelSet {
	ms := modelSet{fee: t.FeeModel, slip: t.SlippageModel, vol: t.VolumeModel, borrow: t.BorrowModel, fund: t.FundingModel, shorting: t.Borrow}
	// The built-ins are boxed as pointers to copies of the terms: the
	// broker recognises them and calls them directly (see commission).
	if ms.fee == nil && t.Commission.set() {
		c := t.Commission
		ms.fee = &c
	}
	if ms.slip == nil && t.Slippage.set() {
		s := t.Slippage
		ms.slip = &s
	}
	if ms.vol == nil && t.Slippage.MaxParticipation > 0 {
		ms.vol = &ParticipationCap{Max: t.Slippage.MaxParticipation}
	}
	// Borrow asks the model of every short (a scenario may set a rate
	// where the terms have none).
	ms.customBorrow = ms.borrow != nil
	if ms.borrow == nil {
		b := t.Borrow
		ms.borrow = &b
	}
	if ms.fund == nil && t.Funding.On() {
		f := t.Funding
		ms.fund = &f
	}
	switch {
	case t.MarginModel != nil:
		ms.initM, ms.maintM = t.MarginModel, t.MarginModel
	case t.Margin.Initial > 0 || t.Margin.Maintenance > 0:
		m := &Margin{}
		*m = t.Margin
		if t.Margin.Initial > 0 {
			ms.initM = m
		}
		if t.Margin.Maintenance > 0 || t.MarginMode == Isolated {
			ms.maintM = m // isolated with no maintenance: liquidated at bankruptcy
		}
	}
	ms.iso = t.MarginMode == Isolated
	return ms
}

// advance makes step k current and notes the positions the step opens
// with (funding owed over a gap is paid on them).
func (b *broker) advance(k int) {
	b.market.advance(k)
	if b.funding {
		inst, _ := b.tl.Active(k)
		for _, i := range inst {
			b.qtyOpen[i] = b.pf.Qty[i]
		}
	}
}

// noteOpenPositions notes, after the open's fills at step k (recalls and
// market orders), the positions the fresh instruments hold: their bars'
// funding events are owed on them, whatever fills later in the bar (a
// resting order, a liquidation) or at its close.
func (b *broker) noteOpenPositions(k int) {
	if b.funding {
		inst, _ := b.tl.Active(k)
		for _, i := range inst {
			b.qtyFund[i] = b.pf.Qty[i]
		}
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
func (b *broker) factors(i int) *EnvFactors {
	f := &b.envF[i]
	if b.now >= b.envUntil[i] {
		switch {
		case b.span != nil:
			*f, b.envUntil[i] = b.span.AtUntil(i, b.now)
			if b.envUntil[i] <= b.now {
				b.envUntil[i] = b.now + 1
			}
		case b.env != nil:
			*f, b.envUntil[i] = b.env.At(i, b.now), b.now+1
		default:
			*f, b.envUntil[i] = Neutral(), math.MaxInt64
		}
	}
	return f
}

// emit records an event for the strategy and, but for fills, for the run.
func (b *broker) emit(e Event) {
	b.events = append(b.events, e)
	if e.Kind != EventFill {
		b.log = appendDoubling(b.log, e)
	}
	switch e.Kind {
	case EventRejected:
		b.rejects++
	case EventMarginCall:
		b.calls++
	case EventLiquidation:
		b.liqs++
	}
}

// reject reports that qty of o was refused.
func (b *broker) reject(o *Order, qty float64, why Reason) {
	b.emit(Event{Kind: EventRejected, Time: b.now, Order: o.id, Instrument: o.Instrument, Qty: qty, Reason: why})
}

// book appends a ledger entry (nothing for a zero amount).
func (b *broker) book(i int, k CostKind, amount float64) {
	if amount == 0 {
		return
	}
	b.ledger = appendDoubling(b.ledger, Entry{Time: b.now, Instrument: i, Kind: k, Amount: amount})
	b.costs.add(k, amount)
}

// commission is what a fill of qty at price pays: the instrument's
// FeeModel, or Config.Commission bps of the notional. For the built-ins
// Commission and Tiered it is the fill's part of order o's fee, after
// what o has filled so far on qty's side (Commission.part, Tiered.part;
// nil: a fresh order; a target re-sized or an order replaced into the
// other side is a new order from its first part on that side), whether
// given by pointer or by value (a program's Terms).
func (b *broker) commission(i int, qty, price float64, maker bool, o *Order) float64 {
	m := b.fee[i]
	if m == nil {
		return math.Abs(qty*price) * b.flatFee
	}
	var units, notional float64 // what o has traded on qty's side: 0 for a fresh order, or one whose side turned
	if o != nil && o.units != 0 && (o.units > 0) == (qty > 0) {
		units, notional = math.Abs(o.units), o.notional
	}
	switch c := m.(type) {
	case *Commission:
		return c.part(qty, price, maker, units, notional)
	case Commission:
		return c.part(qty, price, maker, units, notional)
	case *Tiered:
		return c.part(qty, price, notional)
	case Tiered:
		return c.part(qty, price, notional)
	}
	return m.Fee(Trade{Instrument: i, Time: b.now, Qty: qty, Price: price, Maker: maker})
}

// marketAt is what a slippage or volume model sees of instrument i's
// market at its current bar (f: the scenario's factors now).
func (b *broker) marketAt(i int, f *EnvFactors) MarketData {
	// Fills are on the instrument's bar at this step: its time is now
	// (the Time column, which the loop never reads, stays cold).
	s, r := &b.series[i], b.cursor[i]
	bar := Bar{Time: b.now, Open: s.Open[r], High: s.High[r], Low: s.Low[r], Close: s.Close[r], Volume: s.Volume[r]}
	return MarketData{Bar: bar, Volume: bar.Volume * f.VolumeMult, Closes: s.Close[:r:r], vol: &b.volMemo[i]}
}

// slipAt returns the executed price of a taker fill of qty at reference
// price ref on instrument i's current bar, and the per-unit money of each
// component (fixed + range, spread, impact) after the scenario's factors
// and clamping to the bar's [low, high] (and to the limit, for a
// triggered stop-limit).
func (b *broker) slipAt(i int, qty, ref, limit float64) (price, fixed, spread, impact float64) {
	m := b.slip[i]
	if m == nil || qty == 0 {
		return ref, 0, 0, 0
	}
	f := b.factors(i)
	mk := b.marketAt(i, f)
	t := Trade{Instrument: i, Time: b.now, Qty: qty, Price: ref}
	var s Slip
	if bs, ok := m.(*Slippage); ok {
		s = bs.slip(&t, &mk) // the built-in, called directly
	} else {
		s = m.Slip(t, mk)
	}
	fixed = s.Fixed * f.SlippageMult
	spread = s.Spread * f.SpreadMult
	impact = s.Impact * f.SlippageMult
	u := fixed + spread + impact
	if u <= 0 || math.IsNaN(u) {
		return ref, 0, 0, 0
	}
	hi, lo := mk.Bar.High, mk.Bar.Low
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

// slipped is the executed price of slipAt alone.
func (b *broker) slipped(i int, qty, ref, limit float64) float64 {
	p, _, _, _ := b.slipAt(i, qty, ref, limit)
	return p
}

// noBorrow reports whether instrument i cannot be shorted now.
func (b *broker) noBorrow(i int) bool {
	s := &b.shorting[i]
	at, rec := s.recall()
	return s.Unavailable || (rec && b.now >= at)
}

// capped returns how much of qty the instrument's fill-volume model lets
// fill on its current bar (all with no model or no volume); finished is
// false when it held some back.
func (b *broker) capped(i int, qty, ref float64) (q float64, finished bool) {
	m := b.vol[i]
	r := b.cursor[i]
	v := b.series[i].Volume[r]
	if m == nil || !(v > 0) {
		// Unknown (NaN), or 0: a source's artifact (Yahoo's hourly bars
		// carry prices and no volume), which impact reads as unknown too
		// (Slippage.slip): a cap on it held the whole order back.
		return qty, true
	}
	if b.volStep[i] != b.step {
		b.volStep[i], b.volUsed[i] = b.step, 0
	}
	f := b.factors(i)
	var frac float64
	if pc, ok := m.(*ParticipationCap); ok {
		frac = pc.Participation(Trade{}, MarketData{}) // the built-in, called directly
	} else {
		frac = m.Participation(Trade{Instrument: i, Time: b.now, Qty: qty, Price: ref}, b.marketAt(i, f))
	}
	if math.IsNaN(frac) || math.IsInf(frac, 1) {
		return qty, true
	}
	lim := frac * v * f.VolumeMult
	avail := lim - b.volUsed[i]
	if avail <= 1e-12*lim {
		// Used up, or left with the float error of the fills' sum (2.8e-14
		// of a cap of 163.35 after three fills): nothing, not a dust fill
		// that pays a minimum commission (TestParticipationCapUsedUpLeavesNoDust).
		avail = 0
	}
	if math.Abs(qty) <= avail {
		return qty, true
	}
	if lot := b.series[i].LotSize; lot > 0 {
		avail = roundLots(avail, lot)
	}
	return math.Copysign(avail, qty), false
}

// fillOrder books up to qty (signed) of o's instrument on its current bar
// at reference price ref: the part that would open a short without borrow
// is rejected; the fill-volume cap may hold part back (finished is then
// false); taker fills pay slippage, every fill a commission; a fill that
// raises exposure beyond buying power is rejected whole. It returns the
// quantity filled; finished is false only when the cap held a remainder.
// kind is the fill's kind (the order's, or Liquidation or Recall).
func (b *broker) fillOrder(o *Order, kind OrderKind, qty, ref float64, maker bool, limit float64) (filled float64, finished bool) {
	i := o.Instrument
	if qty == 0 || math.IsNaN(ref) {
		return 0, true
	}
	sh := &b.shorting[i]
	q0 := b.pf.Qty[i]
	forced := kind == Liquidation || kind == Recall
	if _, rec := sh.recall(); qty < 0 && !forced && (sh.Unavailable || rec) && b.noBorrow(i) {
		allowed := 0.0
		if q0 > 0 {
			allowed = -q0
		}
		if qty < allowed {
			b.reject(o, qty-allowed, ReasonBorrowUnavailable)
			qty = allowed
			if qty == 0 {
				return 0, true
			}
		}
	}
	finished = true
	asked := qty
	if !forced && b.vol[i] != nil {
		qty, finished = b.capped(i, qty, ref)
		if !finished {
			o.held, o.heldAt = true, b.now
		}
		if qty == 0 {
			return 0, false
		}
	}
	price := ref
	var fixed, spread, impact float64
	if !maker && !(kind == Liquidation) && b.anySlip {
		price, fixed, spread, impact = b.slipAt(i, qty, ref, limit)
	}
	com := 0.0
	if kind != Liquidation {
		com = b.commission(i, qty, price, maker, o)
	}
	// A fill that adds exposure — grows the position, or crosses through
	// zero into the other side — needs equity and buying power; the part
	// that only closes the position never does.
	flip := q0 != 0 && (qty > 0) != (q0 > 0) && math.Abs(qty) > math.Abs(q0)
	if !forced && (flip || math.Abs(q0+qty) > math.Abs(q0)) {
		reason := ReasonNone
		if b.pf.Equity(b.mark) <= 0 {
			// A ruined account adds no exposure (without margin terms
			// nothing else would stop it: a target weight of negative
			// equity is a position the other way).
			reason = ReasonNoEquity
		} else if b.margin && !b.buyingPower(i, qty, price, com) {
			reason = ReasonBuyingPower
		}
		if reason != ReasonNone {
			if !flip {
				b.reject(o, qty, reason)
				return 0, true
			}
			// Close the position; refuse the part that would open the
			// other side.
			b.reject(o, qty+q0, reason)
			qty = -q0
			if !maker && kind != Liquidation && b.anySlip {
				price, fixed, spread, impact = b.slipAt(i, qty, ref, limit)
			}
			com = b.commission(i, qty, price, maker, o)
		}
	}
	qty = b.pf.apply(i, qty, price, com)
	if qty != 0 {
		o.partly = true
		if (o.units > 0) != (qty > 0) {
			o.units, o.notional = 0, 0 // its side turned: a new order for the commission
		}
		o.units += qty
		o.notional += math.Abs(qty * price)
	}
	if b.vol[i] != nil {
		b.volUsed[i] += math.Abs(qty)
	}
	aq := math.Abs(qty)
	b.book(i, CostCommission, com)
	b.book(i, CostSlippage, aq*fixed)
	b.book(i, CostSpread, aq*spread)
	b.book(i, CostImpact, aq*impact)
	slip := qty * (price - ref)
	if slip == 0 {
		slip = 0 // a sell at its reference price: −0 would be written "-0"
	}
	b.fills = appendDoubling(b.fills, Fill{
		Time: b.now, Instrument: i, Symbol: b.series[i].Symbol,
		Qty: qty, Price: price, Commission: com, Kind: kind, Tag: o.Tag,
		Order: o.id, Slippage: slip,
	})
	rem := 0.0
	switch {
	case forced:
	case o.Sizing == Quantity && !finished:
		// The cap held a remainder back. A finished order whose rest was
		// refused (no borrow, buying power) is complete: 0, as
		// EventFill documents, where o.Amount − qty said the refused part
		// was still pending.
		rem = o.Amount - qty
	case !finished:
		// A target held back by the cap: the rest of its delta at this
		// price (re-sized at its next bar), not 0, which says complete.
		rem = asked - qty
	}
	b.emit(Event{Kind: EventFill, Time: b.now, Order: o.id, Instrument: i, Qty: qty, Price: price, Remaining: rem})
	return qty, finished
}

// requirement is what instrument i's margin model m requires of q at p.
func (b *broker) requirement(m MarginModel, i int, q, p float64) Requirement {
	h := Holding{Instrument: i, Time: b.now, Qty: q, Price: p}
	if mg, ok := m.(*Margin); ok {
		return mg.Margin(h) // the built-in, called directly: inlined
	}
	return m.Margin(h)
}

// buyingPower reports whether the account can carry the initial margin of
// every position after filling qty of i at price (marks for the others:
// b.mark) with equity after the fill's commission.
func (b *broker) buyingPower(i int, qty, price, com float64) bool {
	eq := b.pf.Cash - qty*price - com
	req := 0.0
	for j, q := range b.pf.Qty {
		p := b.mark[j]
		if j == i {
			q += qty
			p = price
		}
		if q == 0 {
			continue
		}
		eq += q * p
		if m := b.initM[j]; m != nil {
			req += b.requirement(m, j, q, p).Initial
		}
	}
	return req <= eq*(1+1e-12)
}
