package engine

// OrderKind says how and when an order fills. See docs/execution.md for the
// intrabar path that decides when resting orders (Limit, Stop, StopLimit,
// TrailingStop) fill inside a daily bar.
type OrderKind uint8

const (
	// Market fills at the open of the instrument's next bar after the
	// slice in which it was submitted: never at a price the strategy has
	// already seen.
	Market OrderKind = iota + 1
	// MarketOnClose fills at the close of the bar the strategy is looking at
	// (the current slice), if the instrument has a bar in it; otherwise at
	// the close of the instrument's next bar. In either case only at a
	// close at or after the latest close the strategy has seen: an
	// equity's daily bar closes at 21:00 UTC, before a token's at 24:00,
	// so an equity's order decided at a step that shows a token's daily
	// bar fills at the equity's next close (docs/execution.md).
	MarketOnClose
	// Limit rests at Order.Price and fills on a bar after the one it was
	// submitted on, at the open when the open is already better than the
	// limit (a gap), else at the limit price when the bar's path trades
	// through it (or touches it, with Config.LimitFill = Touch). A limit
	// the open already passes on the first bar it is in the book (new or
	// replaced) takes liquidity: it fills at the open as a market order
	// does, with its slippage capped at the limit, and pays the taker fee.
	// Every other limit fill is a maker fill: no slippage, maker fee.
	Limit
	// Stop is a stop-market order: it triggers when the bar's path reaches
	// Order.StopPrice (a buy stop at or above it, a sell stop at or below)
	// and fills at the stop price plus slippage; a bar that opens beyond
	// the stop (a gap) fills at the open, not at the stop.
	Stop
	// StopLimit triggers like Stop, then becomes a limit at Order.Price: it
	// fills at the trigger price if that is at or within the limit,
	// otherwise it rests as a limit for the rest of the path and later bars.
	StopLimit
	// TrailingStop is a stop whose level follows the best price since
	// submission (the peak for a sell, the trough for a buy) at a distance
	// of Order.Trail (money) or Order.TrailPct (fraction of the extreme).
	// The extreme starts at the last close when it is submitted; the
	// level checked at a point of a bar's path uses the best price up to
	// that point, never one after it (docs/execution.md, "Which best
	// price a trailing stop uses").
	TrailingStop

	// Liquidation marks fills forced by the margin model. Not submittable.
	Liquidation
	// Recall marks forced covers of a short whose borrow was recalled.
	// Not submittable.
	Recall
)

// String returns the kind's name as written in fills logs.
func (k OrderKind) String() string {
	switch k {
	case Market:
		return "market"
	case MarketOnClose:
		return "market-on-close"
	case Limit:
		return "limit"
	case Stop:
		return "stop"
	case StopLimit:
		return "stop-limit"
	case TrailingStop:
		return "trailing-stop"
	case Liquidation:
		return "liquidation"
	case Recall:
		return "recall"
	}
	return "unknown"
}

// resting reports whether orders of the kind wait for a price on the
// intrabar path (as opposed to filling at an open or a close).
func (k OrderKind) resting() bool { return k >= Limit && k <= TrailingStop }

// Sizing says what an order's Amount means.
type Sizing uint8

const (
	// Quantity: Amount is a signed quantity (> 0 buys, < 0 sells).
	Quantity Sizing = iota
	// TargetWeight: Amount is the position's target fraction of equity
	// (signed; −0.5 is a short worth half the equity). It is sized when it
	// fills, at the fill price, against equity net of the commission of
	// every target order filling at the same moment: an all-in target of
	// 1.0 leaves cash at zero, never below, whatever the gap between the
	// close it was decided on and the open it fills at.
	TargetWeight
	// TargetValue: Amount is the position's target market value in money
	// (signed), sized at the fill price. A TargetValue of 0 closes the
	// position, whatever its side (brackets use it).
	TargetValue
)

// TimeInForce says how long an unfilled order stays pending.
type TimeInForce uint8

const (
	// GTC (the zero value): good till cancelled.
	GTC TimeInForce = iota
	// Day: the order expires at the end of the first bar of its
	// instrument on which it could fill (for a market-on-close order, the
	// current bar when the instrument has one); an unfilled remainder is
	// reported as an EventExpired.
	Day
)

// Order is a request to trade one instrument.
type Order struct {
	Instrument int // index into the panel
	Kind       OrderKind
	Sizing     Sizing
	Amount     float64 // quantity, weight or value, per Sizing
	Tag        string  // carried to the fill, e.g. "rebalance"

	// Price is the limit price of Limit and StopLimit orders (> 0).
	Price float64
	// StopPrice is the trigger of Stop and StopLimit orders (> 0).
	StopPrice float64
	// Trail and TrailPct set a TrailingStop's distance from the extreme:
	// exactly one must be > 0 (TrailPct in (0, 1)).
	Trail, TrailPct float64
	// TIF is GTC (default) or Day.
	TIF TimeInForce

	id   OrderID
	step int // the step it was submitted (or replaced) in
	// notBefore is the latest bar close the strategy could have seen when
	// it submitted (market.known): the order fills only on a bar that
	// opens at or after it (closes at or after it, market-on-close).
	notBefore int64
	// cancelAt, when cancelSet, is when a cancel (or a replace) decided off
	// the next step's grid takes effect: the latest close the strategy
	// had seen (market.known), later than the next step. Until then the
	// order stays live as sent, on the bars that open before it: the
	// decision could not reach the market sooner (broker.cancel).
	cancelAt int64
	// cancelSet says a deferred cancel or replace is on its way, in force
	// from cancelAt (which may be 0, 1970-01-01 00:00, and was taken for
	// none: TestCancelDeferredToTheEpoch).
	cancelSet bool
	// replacing says the deferred change is a Replace of repl (amount,
	// price, stop), decided at step replStep, not a cancel.
	replacing bool
	repl      [3]float64
	replStep  int
	replFrom  float64 // Amount when the replace was decided
	oco       OrderID // the other leg of a one-cancels-other pair, 0 none
	triggered bool    // a stop that has triggered (StopLimit: now a limit)
	// booked says the order has been checked against a bar of its
	// instrument while it had something to do: it rests in the book, and a
	// limit the open passes is a maker fill (broker.limitHit). A new or
	// replaced order has not.
	booked  bool
	trigBuy bool    // the side it triggered on (a target's side follows the position, which may turn)
	extreme float64 // TrailingStop: best price seen since submission
	extRow  int     // TrailingStop: the row of its instrument's bar on whose path extreme last moved; −1 none (Result.Pending's Reach)
	done    bool    // filled, cancelled or expired: leaves the pending list
	partly  bool    // some of it filled (Result.Pending)
	trigAt  int64   // StopLimit: the time of the bar it triggered on, when triggered (Result.Pending's Reach)
	held    bool    // the fill-volume cap held some of it back (Result.Pending)
	heldAt  int64   // the time of the bar it last held some back on, when held
	// units and notional are what its fills have traded so far on the
	// side of the last, Σ qty (signed) and Σ |qty × price|: the built-in
	// Commission's minimum and cap, and Tiered's fixed fee and bands, are
	// an order's, paid across its parts (Commission.part, Tiered.part); a
	// fill on the other side starts them again.
	units, notional float64
}

// cancelling reports whether o is being cancelled: a deferred cancel, not
// a replace, is on its way (cancelAt).
func (o *Order) cancelling() bool { return o.cancelSet && !o.replacing }

// OrderID identifies a submitted order within a run.
type OrderID int64

// ID returns the order's id (0 before it is submitted).
func (o *Order) ID() OrderID { return o.id }

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventFill: an order (or part of it) filled; Qty and Price as in the
	// Fill, Remaining is what is left pending (0 when complete; for a
	// target order held back by a fill-volume cap, the rest of its delta
	// at this fill's price, re-sized at its next bar).
	EventFill EventKind = iota + 1
	// EventRejected: the order (or, for Qty ≠ 0, that part of it) was
	// refused; Reason says why.
	EventRejected
	// EventExpired: a Day order's unfilled remainder lapsed.
	EventExpired
	// EventCancelled: the order was cancelled by the engine (the other leg
	// of a one-cancels-other pair filled). Strategy cancels are silent.
	EventCancelled
	// EventMarginCall: account equity at the bar's worst prices fell below
	// the maintenance requirement (Qty = equity, Price = requirement). The
	// cross-margined account's call is sent once, when it falls under,
	// and stays open, without another event, until it is back above (over
	// a weekend on which its margined equities have no bar to be
	// liquidated on); an isolated position's, whose liquidation follows at
	// once, at each.
	EventMarginCall
	// EventLiquidation: a position was force-closed after a margin call.
	EventLiquidation
	// EventRecall: a short was force-covered because its borrow was
	// recalled.
	EventRecall
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventFill:
		return "fill"
	case EventRejected:
		return "rejected"
	case EventExpired:
		return "expired"
	case EventCancelled:
		return "cancelled"
	case EventMarginCall:
		return "margin_call"
	case EventLiquidation:
		return "liquidation"
	case EventRecall:
		return "recall"
	}
	return "unknown"
}

// Reason says why an order was rejected or cancelled.
type Reason uint8

const (
	// ReasonNone: an event without a reason (a fill, an expiry).
	ReasonNone Reason = iota
	// ReasonBuyingPower: the fill would raise the initial-margin
	// requirement above equity.
	ReasonBuyingPower
	// ReasonBorrowUnavailable: the fill would open or extend a short in an
	// instrument that cannot be borrowed (Borrow.Unavailable, or recalled).
	ReasonBorrowUnavailable
	// ReasonInvalidPrice: a limit, stop or trail that is NaN, infinite or
	// not positive (or a TrailPct outside (0, 1)).
	ReasonInvalidPrice
	// ReasonOCO: the other leg of a one-cancels-other pair filled.
	ReasonOCO
	// ReasonMaintenance: margin call / liquidation.
	ReasonMaintenance
	// ReasonRecalled: the borrow was recalled.
	ReasonRecalled
	// ReasonNoEquity: the account's equity is zero or negative (it lost
	// more than it had): no order may add exposure, with or without margin
	// terms; orders that reduce positions still fill.
	ReasonNoEquity
)

// String names the reason.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return ""
	case ReasonBuyingPower:
		return "insufficient buying power"
	case ReasonNoEquity:
		return "no equity left"
	case ReasonBorrowUnavailable:
		return "borrow unavailable"
	case ReasonInvalidPrice:
		return "invalid price"
	case ReasonOCO:
		return "one-cancels-other"
	case ReasonMaintenance:
		return "below maintenance margin"
	case ReasonRecalled:
		return "borrow recalled"
	}
	return "unknown"
}

// Event is something the broker did that a strategy may react to: fills,
// rejections, expiries, margin calls, liquidations, recalls. A strategy
// reads them through Context.Events; the run keeps every event but fills
// (which are in Result.Fills) in Result.Events.
type Event struct {
	Kind       EventKind
	Time       int64 // the step's time
	Order      OrderID
	Instrument int // −1 for account-level events (margin calls)
	Qty        float64
	Price      float64
	Remaining  float64 // EventFill: quantity still pending
	Reason     Reason
}
