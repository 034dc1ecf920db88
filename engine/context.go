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

// The bar columns History reads: the data.Series columns of those names.
const (
	Open Field = iota
	High
	Low
	Close
	Volume // NaN where the source gives none (an index level)
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
// Orders go to the run's broker (broker.go), which owns them from then
// on; the Context reads the market and the portfolio the broker keeps.
//
// A Context belongs to one run and is not safe for concurrent use.
type Context struct {
	broker
	rng *rand.Rand
}

func newContext(b broker, seed uint64) *Context {
	return &Context{broker: b, rng: rand.New(rand.NewPCG(seed, 0x6469766572676e63))} // "divergnc"
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

// Submit queues an order. Market orders fill at the instrument's next open;
// market-on-close orders at the current close (when submitted from OnBar
// and the instrument has a bar now, and that close comes no earlier than
// the latest close shown: see MarketOnClose); Limit, Stop, StopLimit and
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
	return c.broker.submit(o)
}

// Cancel removes a pending order; it reports whether the order was
// pending. Cancelling one leg of a bracket cancels the other too. A
// cancel decided at a step that shows a close later than the next step
// (an equity's hourly bar stamped 13:30Z closes at 14:30Z, and a token's
// 14:00Z bar comes first) takes effect at that close: until then the
// order stays live as sent, as the decision could not have reached the
// market sooner. On one grid it takes effect at once.
func (c *Context) Cancel(id OrderID) bool {
	return c.broker.cancel(id)
}

// CancelAll cancels every pending order of instrument i (and the other
// legs of their one-cancels-other pairs), as Cancel does (off the next
// step's grid, from the close the strategy saw); it returns how many it
// cancelled.
func (c *Context) CancelAll(i int) int {
	return c.broker.cancelAll(i)
}

// Replace modifies a pending order: its Amount, limit Price and StopPrice
// (for a TrailingStop, price sets Trail or TrailPct, whichever it uses).
// A zero argument keeps the current value. The modified order is a new
// decision: it is checked only against bars after the current one, and a
// new stop arms a stop or stop-limit that had triggered again (a new
// limit alone leaves a triggered stop-limit resting as a limit). Replace
// reports whether the order was pending and the new values are valid
// (otherwise the order is left unchanged): a price for a kind without a
// limit price (Market, MarketOnClose, Stop) or a stop for a kind without
// a stop (all but Stop and StopLimit) is refused. Like a cancel, a replace
// decided off the next step's grid takes effect at the close the strategy
// saw; the order stays live as it was until then.
func (c *Context) Replace(id OrderID, amount, price, stop float64) bool {
	return c.broker.replace(id, amount, price, stop)
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
	return c.broker.bracket(i, stop, take, tag)
}

// Pending returns the number of orders waiting to fill, less those being
// cancelled (a cancel decided off the next step's grid leaves the order
// live until the close the strategy saw, see Cancel).
func (c *Context) Pending() int {
	n := len(c.pending)
	if c.deferred == 0 {
		return n
	}
	for j := range c.pending {
		if c.pending[j].cancelling() {
			n--
		}
	}
	return n
}

// Events returns what happened since the strategy's previous OnBar
// returned: fills (including market-on-close fills after that OnBar),
// rejections, expiries, cancellations, margin calls, liquidations and
// recalls, in the order they happened, then the rejections of orders
// submitted in this OnBar so far. The slice is reused: read it during
// OnBar, do not keep it.
func (c *Context) Events() []Event { return c.events }

// Buy submits a market order for qty (> 0) of instrument i.
// A negative qty is an error (Sell sells); 0 submits nothing.
func (c *Context) Buy(i int, qty float64) (OrderID, error) {
	if qty < 0 {
		return 0, c.negativeQty("Buy", i, qty, "Sell sells")
	}
	return c.Submit(Order{Instrument: i, Kind: Market, Amount: qty})
}

// Sell submits a market order selling qty (> 0) of instrument i (a short
// sale if the position is smaller). A negative qty is an error (Buy
// buys); 0 submits nothing.
func (c *Context) Sell(i int, qty float64) (OrderID, error) {
	if qty < 0 {
		return 0, c.negativeQty("Sell", i, qty, "Buy buys")
	}
	return c.Submit(Order{Instrument: i, Kind: Market, Amount: -qty})
}

// negativeQty is Buy's and Sell's error for a quantity below 0, naming
// the instrument (or its index, when it is not one).
func (c *Context) negativeQty(call string, i int, qty float64, other string) error {
	return fmt.Errorf("engine: %s %s: quantity %g, want > 0 (%s)", call, c.orderName(i), qty, other)
}

// orderName names instrument i in an order's error: its symbol, or its
// index when it is not one of the panel's.
func (c *Context) orderName(i int) string {
	if i >= 0 && i < len(c.broker.series) {
		return c.broker.series[i].Symbol
	}
	return fmt.Sprintf("instrument %d", i)
}

// TargetWeight submits an order bringing instrument i to weight w of equity
// (see TargetWeight sizing), filling as kind (Market or MarketOnClose). A
// resting kind, which needs a price, is an error: Submit sends a resting
// target order with its price.
func (c *Context) TargetWeight(i int, w float64, kind OrderKind, tag string) (OrderID, error) {
	if kind.resting() {
		return 0, c.needsPrice("TargetWeight", i, kind)
	}
	return c.Submit(Order{Instrument: i, Kind: kind, Sizing: TargetWeight, Amount: w, Tag: tag})
}

// TargetValue submits an order bringing instrument i to market value v,
// filling as kind (Market or MarketOnClose; a resting kind is an error,
// as for TargetWeight).
func (c *Context) TargetValue(i int, v float64, kind OrderKind, tag string) (OrderID, error) {
	if kind.resting() {
		return 0, c.needsPrice("TargetValue", i, kind)
	}
	return c.Submit(Order{Instrument: i, Kind: kind, Sizing: TargetValue, Amount: v, Tag: tag})
}

// needsPrice is TargetWeight's and TargetValue's error for a resting kind.
func (c *Context) needsPrice(call string, i int, kind OrderKind) error {
	name := c.orderName(i)
	goName := map[OrderKind]string{Limit: "Limit", Stop: "Stop", StopLimit: "StopLimit", TrailingStop: "TrailingStop"}[kind]
	return fmt.Errorf("engine: %s %s: a %s order needs a price: use Submit(Order{Kind: %s, Sizing: %s, …})", call, name, kind, goName, call)
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

// Lookup returns the index of symbol, or −1 (also for an instrument
// outside the strategy's universe, Config.Universe).
func (c *Context) Lookup(symbol string) int {
	for i := range c.series {
		if c.series[i].Symbol == symbol && !c.isHidden(i) {
			return i
		}
	}
	return -1
}

// isHidden reports whether instrument i is outside the strategy's
// universe (Config.Universe).
func (c *Context) isHidden(i int) bool { return c.hidden != nil && c.hidden[i] }

// Price is instrument i's last close seen (NaN before its first bar, and
// for an instrument outside the strategy's universe).
func (c *Context) Price(i int) float64 {
	if c.isHidden(i) {
		return math.NaN()
	}
	return c.price[i]
}

// Stale reports whether instrument i has no bar at the current slice (its
// price is carried from an earlier close). True before its first bar, and
// for an instrument outside the strategy's universe.
func (c *Context) Stale(i int) bool { return c.last[i] != c.step || c.isHidden(i) }

// Bar returns instrument i's bar at the current slice; ok is false when the
// instrument is stale (or outside the strategy's universe).
func (c *Context) Bar(i int) (b Bar, ok bool) {
	if c.last[i] != c.step || c.isHidden(i) {
		return Bar{}, false
	}
	return c.bar(i), true
}

// History returns up to n of instrument i's most recent values of field f,
// oldest first, ending with the current (or last) bar; nil for n <= 0 or
// a Field that is none of Open … Volume. The slice aliases the panel:
// read it, never write it (a write changes the bars every later run of
// the panel reads), do not keep it past OnBar. It never reaches past the
// current slice, not even re-sliced to its capacity.
func (c *Context) History(i int, f Field, n int) []float64 {
	r := c.cursor[i]
	if r < 0 || n <= 0 || f > Volume || c.isHidden(i) {
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
	if r < 0 || n <= 0 || c.isHidden(i) {
		return nil
	}
	lo := r + 1 - n
	if lo < 0 {
		lo = 0
	}
	return c.series[i].Time[lo : r+1 : r+1]
}

// Interval is the interval of instrument i's current bar (its first bar's
// before it has one): data.Series.Interval, or the median spacing of its
// bars when the series does not record it; in a file that changes
// interval (daily bars, then hourly ones: data.Series.Segments), the
// interval of the stretch the bar is in.
func (c *Context) Interval(i int) data.Interval { return c.tl.IntervalAt(i, c.cursor[i]) }

// NextBarTime is the open instant (UTC ns) of instrument i's next bar
// after the current slice, or math.MaxInt64 when its data has no more
// bars. It reveals the instrument's trading calendar (when it next trades,
// which an exchange publishes in advance), never a price: strategies use
// it to decide only when every leg of a book can fill together (see
// docs/strategies.md, sync points). A gap in the data (a halt, a missing
// bar) shows as a later next bar.
func (c *Context) NextBarTime(i int) int64 {
	r := c.cursor[i] + 1
	if t := c.series[i].Time; r < len(t) {
		return t[r]
	}
	return math.MaxInt64
}

// FillTime is the open instant (UTC ns) of instrument i's first bar at or
// after the latest close the strategy has seen: the bar a market order
// submitted now fills on (Submit), or math.MaxInt64 when its data has no
// such bar. Like NextBarTime it reveals the calendar, never a price. On
// bars stamped off each other's grid it can be later than NextBarTime: a
// decision on a token's 20:00Z hourly bar has seen its 21:00Z close, so
// an equity whose next bar opens at 20:30Z fills at the next session's
// first bar.
func (c *Context) FillTime(i int) int64 {
	t := c.series[i].Time
	lo, hi := c.cursor[i]+1, len(t) // the first bar at or after known is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m] < c.known {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t) {
		return t[lo]
	}
	return math.MaxInt64
}

// Bars is the number of bars instrument i has had so far.
func (c *Context) Bars(i int) int {
	if c.isHidden(i) {
		return 0 // outside the strategy's universe (Config.Universe)
	}
	return c.cursor[i] + 1
}

// Position is instrument i's signed quantity.
func (c *Context) Position(i int) float64 { return c.pf.Qty[i] }

// AvgCost is the average entry price of instrument i's open position.
func (c *Context) AvgCost(i int) float64 { return c.pf.AvgCost[i] }

// Cash is the cash balance (negative when borrowing).
func (c *Context) Cash() float64 { return c.pf.Cash }

// Commission is the commission a taker fill of qty of instrument i at
// price would pay under the run's fee terms (the built-in rates or the
// instrument's fee model), for sizing an order so that it pays its own
// costs. A scenario's fee shock, when the fill comes, is not in it.
func (c *Context) Commission(i int, qty, price float64) float64 {
	return c.commission(i, qty, price, false, nil)
}

// Equity is cash + Σ quantity × last price.
func (c *Context) Equity() float64 { return c.pf.Equity(c.price) }

// Exposure returns gross and net exposure at the last prices.
func (c *Context) Exposure() (gross, net float64) { return c.pf.Exposure(c.price) }

// Rand is the run's seeded random source.
func (c *Context) Rand() *rand.Rand { return c.rng }
