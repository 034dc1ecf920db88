package engine

// OrderKind says how and when an order fills.
type OrderKind uint8

const (
	// Market fills at the open of the instrument's next bar after the
	// slice in which it was submitted: never at a price the strategy has
	// already seen.
	Market OrderKind = iota + 1
	// MarketOnClose fills at the close of the bar the strategy is looking at
	// (the current slice), if the instrument has a bar in it; otherwise at
	// the close of the instrument's next bar.
	MarketOnClose
)

// String returns the kind's name as written in fills logs.
func (k OrderKind) String() string {
	switch k {
	case Market:
		return "market"
	case MarketOnClose:
		return "market-on-close"
	}
	return "unknown"
}

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
	// (signed), sized at the fill price.
	TargetValue
)

// Order is a request to trade one instrument.
type Order struct {
	Instrument int // index into the panel
	Kind       OrderKind
	Sizing     Sizing
	Amount     float64 // quantity, weight or value, per Sizing
	Tag        string  // carried to the fill, e.g. "rebalance"

	id   OrderID
	step int // the step it was submitted in
}

// OrderID identifies a submitted order within a run.
type OrderID int64

// ID returns the order's id (0 before it is submitted).
func (o *Order) ID() OrderID { return o.id }
