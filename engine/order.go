package engine

// OrderKind says how and when an order fills.
type OrderKind uint8

const (
	// Market fills at the open of the instrument's next bar after the
	// slice in which it was submitted.
	Market OrderKind = iota + 1
	// MarketOnClose fills at the close of the bar the strategy is looking at
	// (the current slice), if the instrument has a bar in it; otherwise at
	// the close of its next bar.
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
