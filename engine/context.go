package engine

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/divergence-research/divergence/data"
)

// Field names a bar column for history windows.
type Field uint8

const (
	Open Field = iota
	High
	Low
	Close
	Volume
)

// Bar is one instrument's bar at the current slice.
type Bar struct {
	Time                           int64
	Open, High, Low, Close, Volume float64
}

// Context is what a strategy sees and acts through. It exposes the past and
// present only: prices up to the current slice's closes, history windows
// that end at the current bar, the portfolio, and order entry. It holds no
// reference to the panel a strategy could index into the future with.
//
// A Context belongs to one run and is not safe for concurrent use.
type Context struct {
	series []data.Series // the panel's columns, read only up to cursor
	tl     *Timeline
	cfg    Config
	step   int
	now    int64
	prev   int64 // the previous step's time (0 before the first)

	cursor []int     // last row seen per instrument, −1 before its first bar
	last   []int     // step at which each instrument last had a bar, −1 never
	price  []float64 // last close per instrument (NaN before its first bar)
	mark   []float64 // scratch: prices used to size orders at a fill moment
	delta  []float64 // scratch: target-order deltas per instrument
	batch  []int     // scratch: indices into pending of a target batch

	pf      Portfolio
	pending []Order
	nextID  OrderID
	fills   []Fill
	rng     *rand.Rand

	// Execution models (broker.go), resolved per instrument at start.
	fee      float64 // Config.Commission as a fraction
	terms    []Terms
	comSet   []bool // terms[i].Commission is set (else Config.Commission applies)
	env      Env
	anyCom   bool      // some commission is charged
	anySlip  bool      // some instrument has slippage or a participation cap
	margin   bool      // some instrument has an initial margin
	maint    bool      // some instrument has a maintenance margin
	finance  bool      // borrow fees or interest may accrue
	funding  bool      // some instrument pays funding
	recalls  bool      // some instrument has a recall date
	volUsed  []float64 // volume filled on the current step, per instrument
	volStep  []int     // the step volUsed[i] belongs to
	sigStep  []int     // the step sigVal[i] was computed at
	sigVal   []float64 // impact σ per instrument, cached per step
	envUntil []int64   // envF[i] holds until then (exclusive)
	span     SpanEnv   // cfg.Env, when it is a SpanEnv
	envF     []EnvFactors
	execp    []float64 // scratch: a target's execution price while sizing
	planCash float64   // scratch: the cash a target batch leaves if every delta fills as sized
	rawd     []float64 // scratch: target deltas before lot rounding
	fundTo   []int64   // funding settled up to (exclusive), per instrument
	qtyOpen  []float64 // each fresh instrument's position before the step's fills
	fundCur  []int     // cursor into Terms.Funding.Times
	fundNext []int64   // next grid funding event (constant-rate funding)
	splits   [][]Split
	splitAt  []int
	hits     []hit // scratch: resting orders reached on the current bar

	events  []Event // since the strategy's last OnBar
	log     []Event // the run's events but fills
	ledger  []Entry
	costs   CostBreakdown
	rejects int
	calls   int
	liqs    int
}

func newContext(p *data.Panel, tl *Timeline, cfg Config) *Context {
	n := len(p.Series)
	c := &Context{
		series:  p.Series,
		tl:      tl,
		cfg:     cfg,
		step:    -1,
		cursor:  make([]int, n),
		last:    make([]int, n),
		price:   make([]float64, n),
		mark:    make([]float64, n),
		delta:   make([]float64, n),
		batch:   make([]int, 0, n),
		pf:      NewPortfolio(n, cfg.Cash),
		pending: make([]Order, 0, 2*n+8),
		fills:   make([]Fill, 0, 64),
		rng:     rand.New(rand.NewPCG(cfg.Seed, 0x6469766572676e63)), // "divergnc"
	}
	for i := range c.cursor {
		c.cursor[i] = -1
		c.last[i] = -1
		c.price[i] = math.NaN()
	}
	c.setupModels()
	return c
}

// SeedFor derives a run's seed from an experiment seed and the run's key by
// a stable hash (FNV-1a), so a run's randomness does not depend on which
// worker ran it or in what order.
func SeedFor(root uint64, key string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(root >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(key))
	return h.Sum64()
}

// advance makes step k current: instruments with a bar at k move their
// cursor onto it.
func (c *Context) advance(k int) {
	c.step = k
	c.now = c.tl.Times[k]
	inst, row := c.tl.Active(k)
	for j, i := range inst {
		c.cursor[i] = int(row[j])
		c.last[i] = k
		if c.qtyOpen != nil {
			c.qtyOpen[i] = c.pf.Qty[i]
		}
	}
}

// markClose marks every fresh instrument to its close at step k.
func (c *Context) markClose(k int) {
	inst, row := c.tl.Active(k)
	for j, i := range inst {
		c.price[i] = c.series[i].Close[row[j]]
	}
}

// fillAtOpen fills market orders submitted before step k whose instrument
// has a bar at k, at that bar's open.
func (c *Context) fillAtOpen(k int) {
	if len(c.pending) == 0 {
		return
	}
	c.openMarks(k)
	c.execute(k, Market)
}

// openMarks sets c.mark to the opens of the instruments with a bar at step
// k and the last closes of the others.
func (c *Context) openMarks(k int) {
	copy(c.mark, c.price)
	inst, row := c.tl.Active(k)
	for j, i := range inst {
		c.mark[i] = c.series[i].Open[row[j]]
	}
}

// fillAtClose fills market-on-close orders whose instrument has a bar at
// step k, at its close.
func (c *Context) fillAtClose(k int) {
	if len(c.pending) == 0 {
		return
	}
	copy(c.mark, c.price)
	c.execute(k, MarketOnClose)
}

// due reports whether pending order o fills now, at a fill moment of the
// given kind in step k.
func (c *Context) due(o *Order, k int, kind OrderKind) bool {
	if o.done || o.Kind != kind || c.last[o.Instrument] != k {
		return false
	}
	// A market order never fills in the step it was submitted in: its
	// price would be one the strategy has already seen.
	return kind != Market || o.step < k
}

// execute fills the pending orders due now, at c.mark prices: quantity
// orders first in submission order, then the target orders as one batch,
// sized jointly against equity net of the batch's own commission, sells
// before buys. Orders that filled in full (or were sized to nothing, or
// rejected) leave the pending list; a remainder held back by the
// participation cap stays for the instrument's next bar.
func (c *Context) execute(k int, kind OrderKind) {
	c.batch = c.batch[:0]
	any := false
	for j := range c.pending {
		o := &c.pending[j]
		if !c.due(o, k, kind) {
			continue
		}
		any = true
		if o.Sizing == Quantity {
			c.fillQuantity(o, c.mark[o.Instrument], false, math.NaN())
			continue
		}
		c.batch = append(c.batch, j)
	}
	if len(c.batch) > 0 {
		c.sizeTargets()
		for _, j := range c.batch {
			c.pending[j].done = true
		}
		// Sells first, so their proceeds are cash before the buys.
		for pass := 0; pass < 2; pass++ {
			if pass == 1 {
				c.fitBuys()
			}
			for _, j := range c.batch {
				o := &c.pending[j]
				d := c.delta[o.Instrument]
				if d == 0 || (pass == 0) != (d < 0) {
					continue
				}
				if _, finished := c.fillOrder(o, o.Kind, d, c.mark[o.Instrument], false, math.NaN()); !finished {
					o.done = false // carried: re-sized at the instrument's next bar
				}
			}
		}
	}
	if any {
		c.compact()
	}
}

// fillQuantity fills a quantity order (or what the participation cap lets
// through) at reference price ref and keeps the remainder pending.
func (c *Context) fillQuantity(o *Order, ref float64, maker bool, limit float64) float64 {
	q, finished := c.fillOrder(o, o.Kind, o.Amount, ref, maker, limit)
	o.Amount -= q
	if finished || o.Amount == 0 || math.Abs(o.Amount) <= 1e-12*math.Abs(q) {
		o.done = true
	}
	return q
}

// compact drops the orders that are done.
func (c *Context) compact() {
	n := 0
	for j := range c.pending {
		if !c.pending[j].done {
			c.pending[n] = c.pending[j]
			n++
		}
	}
	c.pending = c.pending[:n]
}

// sizeTargets turns the batch's target orders into quantity deltas at the
// mark prices. With E the equity at those prices and K the commission the
// batch will pay, a weight target w wants a position worth w × (E − K);
// K (commission plus the slippage between mark and execution price)
// depends on the deltas, so it is found by fixed-point iteration, which
// contracts because K' ≤ fee × Σ|w| < 1 for any sane leverage. With
// Σ w ≤ 1 the cash left after the batch is (E − K)(1 − Σ w) ≥ 0.
// With slippage, each delta is sized at the price it will execute at
// (the mark moved by the slippage of the delta's side and size).
func (c *Context) sizeTargets() {
	E := c.pf.Equity(c.mark)
	K := 0.0
	comSum := 0.0
	for iter := 0; iter < 64; iter++ {
		next := 0.0
		comSum = 0
		for _, j := range c.batch {
			o := &c.pending[j]
			i := o.Instrument
			p := c.mark[i]
			v := o.Amount
			if o.Sizing == TargetWeight {
				v = o.Amount * (E - K)
			}
			d := v/p - c.pf.Qty[i]
			if c.anySlip && c.terms[i].Slippage.set() {
				// Slippage moves the price by a few bps: it is found on
				// the first pass and kept while K converges.
				if iter == 0 {
					c.execp[i] = c.slipped(i, d, p, math.NaN())
				}
				p = c.execp[i]
			}
			c.rawd[i] = d
			if lot := c.series[i].LotSize; lot > 0 {
				d = math.Trunc(d/lot) * lot
			}
			c.delta[i] = d
			// The batch's costs: commission, and the slippage between the
			// mark (where E is measured) and the execution price.
			com := c.commission(i, d, p, false)
			comSum += com
			next += com + math.Abs(d*(p-c.mark[i]))
		}
		if math.Abs(next-K) <= 1e-15*math.Abs(E) || (!c.anyCom && !c.anySlip) {
			K = next
			break
		}
		K = next
	}
	// The cash the batch leaves when every delta fills as sized, before
	// lots round them: the buys may not take cash below it (fitBuys).
	c.planCash = c.pf.Cash - comSum
	for _, j := range c.batch {
		i := c.pending[j].Instrument
		c.planCash -= c.rawd[i] * c.execPrice(i)
	}
}

// execPrice is the price a target delta of instrument i was sized at.
func (c *Context) execPrice(i int) float64 {
	if c.anySlip && c.terms[i].Slippage.set() {
		return c.execp[i]
	}
	return c.mark[i]
}

// fitBuys scales the batch's buys down, after its sells have filled, when
// the sells brought in less than sized (a participation cap, slippage
// beyond the estimate, lots rounded toward zero): the buys may not take
// cash below what the full plan would have left. An unlevered rotation
// then never borrows; a levered one borrows no more than it asked for.
func (c *Context) fitBuys() {
	cost := 0.0
	for _, j := range c.batch {
		i := c.pending[j].Instrument
		if d := c.delta[i]; d > 0 {
			p := c.execPrice(i)
			cost += d*p + c.commission(i, d, p, false)
		}
	}
	if cost <= 0 {
		return
	}
	room := c.pf.Cash - math.Min(c.planCash, 0)
	if room >= cost*(1-1e-9) {
		return
	}
	f := math.Max(0, room/cost)
	for _, j := range c.batch {
		i := c.pending[j].Instrument
		if d := c.delta[i]; d > 0 {
			d *= f
			if lot := c.series[i].LotSize; lot > 0 {
				d = math.Trunc(d/lot) * lot
			}
			c.delta[i] = d
		}
	}
}

// Submit queues an order. Market orders fill at the instrument's next open;
// market-on-close orders at the current close (when submitted from OnBar
// and the instrument has a bar now); Limit, Stop, StopLimit and
// TrailingStop orders rest and are checked against the instrument's bars
// after the current one, along the intrabar path (docs/execution.md). A
// new Market or MarketOnClose target order replaces a pending target order
// of the same kind for the same instrument. Quantity orders are rounded
// toward zero to the instrument's lot size.
//
// Submit returns an error only for an order that cannot mean anything
// (unknown instrument, NaN amount, unknown kind or sizing). An order with
// an invalid price (a limit, stop or trail that is NaN or not positive) is
// rejected: it gets an id, never rests, and an EventRejected with
// ReasonInvalidPrice is reported. Rejections decided at fill time
// (buying power, borrow) are events too.
func (c *Context) Submit(o Order) (OrderID, error) {
	if o.Instrument < 0 || o.Instrument >= len(c.series) {
		return 0, fmt.Errorf("engine: order for instrument %d, have %d", o.Instrument, len(c.series))
	}
	if math.IsNaN(o.Amount) || math.IsInf(o.Amount, 0) {
		return 0, fmt.Errorf("engine: order for %s: amount %g is not finite", c.series[o.Instrument].Symbol, o.Amount)
	}
	if o.Kind < Market || o.Kind > TrailingStop {
		return 0, fmt.Errorf("engine: order for %s: unknown kind %d", c.series[o.Instrument].Symbol, o.Kind)
	}
	if o.Sizing > TargetValue {
		return 0, fmt.Errorf("engine: order for %s: unknown sizing %d", c.series[o.Instrument].Symbol, o.Sizing)
	}
	if o.TIF > Day {
		return 0, fmt.Errorf("engine: order for %s: unknown time in force %d", c.series[o.Instrument].Symbol, o.TIF)
	}
	if lot := c.series[o.Instrument].LotSize; lot > 0 && o.Sizing == Quantity {
		o.Amount = math.Trunc(o.Amount/lot) * lot
	}
	if o.Sizing == Quantity && o.Amount == 0 {
		return 0, nil
	}
	c.nextID++
	o.id = c.nextID
	o.step = c.step
	o.done, o.triggered, o.oco = false, false, 0
	if !validPrices(&o) {
		c.reject(&o, o.Amount, ReasonInvalidPrice)
		return o.id, nil
	}
	if o.Kind == TrailingStop {
		o.extreme = c.price[o.Instrument] // NaN before the first bar: set at the next open
	}
	if o.Sizing != Quantity && !o.Kind.resting() {
		for j := range c.pending {
			p := &c.pending[j]
			if p.Instrument == o.Instrument && p.Kind == o.Kind && p.Sizing != Quantity {
				c.pending[j] = o
				return o.id, nil
			}
		}
	}
	c.pending = append(c.pending, o)
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

// Cancel removes a pending order; it reports whether the order was
// pending. Cancelling one leg of a bracket cancels the other too.
func (c *Context) Cancel(id OrderID) bool {
	for j := range c.pending {
		if c.pending[j].id == id {
			oco := c.pending[j].oco
			c.pending = append(c.pending[:j], c.pending[j+1:]...)
			if oco != 0 {
				c.Cancel(oco)
			}
			return true
		}
	}
	return false
}

// CancelAll removes every pending order of instrument i (and the other
// legs of their one-cancels-other pairs); it returns how many it removed.
func (c *Context) CancelAll(i int) int {
	n := 0
	for j := 0; j < len(c.pending); {
		if c.pending[j].Instrument == i {
			c.Cancel(c.pending[j].id)
			n++
			j = 0 // Cancel may have removed others too
			continue
		}
		j++
	}
	return n
}

// Replace modifies a pending order: its Amount, limit Price and StopPrice
// (for a TrailingStop, price sets Trail or TrailPct, whichever it uses).
// A zero argument keeps the current value. The modified order is a new
// decision: it is checked only against bars after the current one. Replace
// reports whether the order was pending and the new values are valid
// (otherwise the order is left unchanged).
func (c *Context) Replace(id OrderID, amount, price, stop float64) bool {
	for j := range c.pending {
		o := &c.pending[j]
		if o.id != id || o.done {
			continue
		}
		n := *o
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
			n.StopPrice = stop
		}
		if lot := c.series[n.Instrument].LotSize; lot > 0 && n.Sizing == Quantity {
			n.Amount = math.Trunc(n.Amount/lot) * lot
		}
		if n.Sizing == Quantity && n.Amount == 0 || math.IsNaN(n.Amount) || math.IsInf(n.Amount, 0) || !validPrices(&n) {
			return false
		}
		n.step = c.step
		*o = n
		return true
	}
	return false
}

// Bracket places a one-cancels-other pair around instrument i's position:
// a stop-loss (a Stop at stop) and a take-profit (a Limit at take), both
// sized to close the whole position when they fill (TargetValue 0), on a
// side decided by the position at that moment (for a long: sell stop
// below, sell limit above; for a short: buy stop above, buy limit below).
// When one leg fills, the other is cancelled (EventCancelled, ReasonOCO).
// Either price may be 0 for a single leg. The legs rest from the next bar,
// so a bracket submitted with a market entry protects the entry from its
// fill bar on. While the position is flat the legs are inert.
func (c *Context) Bracket(i int, stop, take float64, tag string) (sl, tp OrderID, err error) {
	if stop != 0 {
		if sl, err = c.Submit(Order{Instrument: i, Kind: Stop, Sizing: TargetValue, StopPrice: stop, Tag: tag}); err != nil {
			return 0, 0, err
		}
	}
	if take != 0 {
		if tp, err = c.Submit(Order{Instrument: i, Kind: Limit, Sizing: TargetValue, Price: take, Tag: tag}); err != nil {
			c.Cancel(sl)
			return 0, 0, err
		}
	}
	if sl != 0 && tp != 0 {
		for j := range c.pending {
			switch c.pending[j].id {
			case sl:
				c.pending[j].oco = tp
			case tp:
				c.pending[j].oco = sl
			}
		}
	}
	return sl, tp, nil
}

// Pending returns the number of orders waiting to fill.
func (c *Context) Pending() int { return len(c.pending) }

// Events returns what happened since the strategy's previous OnBar
// returned: fills (including market-on-close fills after that OnBar),
// rejections, expiries, cancellations, margin calls, liquidations and
// recalls, in the order they happened, then the rejections of orders
// submitted in this OnBar so far. The slice is reused: read it during
// OnBar, do not keep it.
func (c *Context) Events() []Event { return c.events }

// Buy submits a market order for qty (> 0) of instrument i.
func (c *Context) Buy(i int, qty float64) (OrderID, error) {
	return c.Submit(Order{Instrument: i, Kind: Market, Amount: qty})
}

// Sell submits a market order selling qty (> 0) of instrument i (a short
// sale if the position is smaller).
func (c *Context) Sell(i int, qty float64) (OrderID, error) {
	return c.Submit(Order{Instrument: i, Kind: Market, Amount: -qty})
}

// TargetWeight submits an order bringing instrument i to weight w of equity
// (see TargetWeight sizing), filling as kind (Market or MarketOnClose).
func (c *Context) TargetWeight(i int, w float64, kind OrderKind, tag string) (OrderID, error) {
	return c.Submit(Order{Instrument: i, Kind: kind, Sizing: TargetWeight, Amount: w, Tag: tag})
}

// TargetValue submits an order bringing instrument i to market value v.
func (c *Context) TargetValue(i int, v float64, kind OrderKind, tag string) (OrderID, error) {
	return c.Submit(Order{Instrument: i, Kind: kind, Sizing: TargetValue, Amount: v, Tag: tag})
}

// Time is the current slice's time (UTC ns).
func (c *Context) Time() int64 { return c.now }

// Step is the current step of the merged timeline.
func (c *Context) Step() int { return c.step }

// NumInstruments is the number of instruments in the panel.
func (c *Context) NumInstruments() int { return len(c.series) }

// Symbol returns instrument i's symbol.
func (c *Context) Symbol(i int) string { return c.series[i].Symbol }

// LotSize returns instrument i's lot (0: fractional quantities).
func (c *Context) LotSize(i int) float64 { return c.series[i].LotSize }

// Class returns instrument i's asset class.
func (c *Context) Class(i int) data.Class { return c.series[i].Class }

// Lookup returns the index of symbol, or −1.
func (c *Context) Lookup(symbol string) int {
	for i := range c.series {
		if c.series[i].Symbol == symbol {
			return i
		}
	}
	return -1
}

// Price is instrument i's last close seen (NaN before its first bar).
func (c *Context) Price(i int) float64 { return c.price[i] }

// Stale reports whether instrument i has no bar at the current slice (its
// price is carried from an earlier close). True before its first bar.
func (c *Context) Stale(i int) bool { return c.last[i] != c.step }

// Bar returns instrument i's bar at the current slice; ok is false when the
// instrument is stale.
func (c *Context) Bar(i int) (b Bar, ok bool) {
	if c.last[i] != c.step {
		return Bar{}, false
	}
	s := &c.series[i]
	r := c.cursor[i]
	return Bar{Time: s.Time[r], Open: s.Open[r], High: s.High[r], Low: s.Low[r], Close: s.Close[r], Volume: s.Volume[r]}, true
}

// History returns up to n of instrument i's most recent values of field f,
// oldest first, ending with the current (or last) bar. The slice aliases
// the panel: read it, never write it, do not keep it past OnBar. It never
// reaches past the current slice.
func (c *Context) History(i int, f Field, n int) []float64 {
	r := c.cursor[i]
	if r < 0 || n <= 0 {
		return nil
	}
	lo := r + 1 - n
	if lo < 0 {
		lo = 0
	}
	s := &c.series[i]
	var col []float64
	switch f {
	case Open:
		col = s.Open
	case High:
		col = s.High
	case Low:
		col = s.Low
	case Close:
		col = s.Close
	case Volume:
		col = s.Volume
	}
	return col[lo : r+1 : r+1]
}

// HistoryTime returns the times (UTC ns) of the bars History(i, f, n)
// returns, oldest first, so that windows of instruments on different
// calendars can be lined up. Same aliasing rules as History.
func (c *Context) HistoryTime(i, n int) []int64 {
	r := c.cursor[i]
	if r < 0 || n <= 0 {
		return nil
	}
	lo := r + 1 - n
	if lo < 0 {
		lo = 0
	}
	return c.series[i].Time[lo : r+1 : r+1]
}

// Bars is the number of bars instrument i has had so far.
func (c *Context) Bars(i int) int { return c.cursor[i] + 1 }

// Position is instrument i's signed quantity.
func (c *Context) Position(i int) float64 { return c.pf.Qty[i] }

// AvgCost is the average entry price of instrument i's open position.
func (c *Context) AvgCost(i int) float64 { return c.pf.AvgCost[i] }

// Cash is the cash balance (negative when borrowing).
func (c *Context) Cash() float64 { return c.pf.Cash }

// Equity is cash + Σ quantity × last price.
func (c *Context) Equity() float64 { return c.pf.Equity(c.price) }

// Exposure returns gross and net exposure at the last prices.
func (c *Context) Exposure() (gross, net float64) { return c.pf.Exposure(c.price) }

// Rand is the run's seeded random source.
func (c *Context) Rand() *rand.Rand { return c.rng }
