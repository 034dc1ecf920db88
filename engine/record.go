package engine

// Curve is a run's equity curve, one point per time slice of the merged
// timeline, recorded after the slice's fills and marks. Columns share one
// length.
type Curve struct {
	Time     []int64   // UTC Unix nanoseconds
	Equity   []float64 // cash + Σ quantity × price
	Cash     []float64
	Gross    []float64 // Σ |quantity × price|
	Net      []float64 // Σ quantity × price
	Drawdown []float64 // equity / running peak − 1, ≤ 0; the initial cash is the first peak
}

// Len is the number of points.
func (c *Curve) Len() int { return len(c.Time) }

// Fill is one execution.
type Fill struct {
	Time       int64   // when it filled (the bar's time)
	Instrument int     // index into the panel
	Symbol     string  // the instrument's symbol
	Qty        float64 // signed: > 0 buys, < 0 sells
	Price      float64 // execution price
	Commission float64 // money paid, ≥ 0
	Kind       OrderKind
	Tag        string // free text set by the strategy (e.g. "rebalance", "tranche 2")
	// Order is the order that filled (0 for liquidations and recalls).
	Order OrderID
	// Slippage is the money the execution price cost against the
	// reference price (open, close, stop) it came from: Qty × (Price −
	// reference), ≥ 0; spread and impact included. It is already in Price.
	Slippage float64
	// Fee is a liquidation fee, paid in cash beside the commission: cash
	// moves by −Qty × Price − Commission − Fee.
	Fee float64
}
