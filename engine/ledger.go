package engine

// CostKind names a ledger entry's cost.
type CostKind uint8

const (
	// CostCommission: the commission on a fill's notional (Config.Commission
	// or the instrument's fee model).
	CostCommission CostKind = iota + 1
	// CostSlippage: fixed and range (volatility-scaled) slippage, money
	// lost to the executed price being worse than the reference price.
	CostSlippage
	CostSpread  // half-spread paid by taker fills
	CostImpact  // square-root market impact
	CostBorrow  // short borrow fee
	CostFunding // perpetual funding paid (negative when received)
	// CostInterest: interest on cash (income, negative) and on borrowed
	// cash (a cost, positive); Instrument −1.
	CostInterest
	CostLiquidationFee // the fee a margin liquidation charges (Fill.Fee)
	// CostShortfall: the part of an isolated position's liquidation loss
	// (trading loss and liquidation fee) beyond its margin, which the
	// account does not pay: booked negative (given back), on the
	// liquidation's instrument.
	CostShortfall
	// CostDividend: a cash dividend on a position held into its ex-date
	// (Config.Dividends, raw prices): negative when a long receives it,
	// positive when a short pays it in lieu.
	CostDividend
)

// String names the kind as written in ledgers.
func (k CostKind) String() string {
	switch k {
	case CostCommission:
		return "commission"
	case CostSlippage:
		return "slippage"
	case CostSpread:
		return "spread"
	case CostImpact:
		return "impact"
	case CostBorrow:
		return "borrow"
	case CostFunding:
		return "funding"
	case CostInterest:
		return "interest"
	case CostLiquidationFee:
		return "liquidation_fee"
	case CostShortfall:
		return "isolated_shortfall"
	case CostDividend:
		return "dividend"
	}
	return "unknown"
}

// Entry is one cost booked by the broker. Amount is what the account paid:
// > 0 a cost, < 0 income (funding received, interest earned, dividends
// received). Commission, borrow, funding, interest, dividends and
// liquidation fees move cash; slippage,
// spread and impact are already in the fill price and are booked here as
// the difference to the reference price (open, close, stop) they were
// taken from, so that the entries of a run sum to the PnL it lost to costs.
type Entry struct {
	Time       int64
	Instrument int // −1 for account-level entries (interest)
	Kind       CostKind
	Amount     float64
}

// CostBreakdown sums a run's ledger by kind.
type CostBreakdown struct {
	Commission, Slippage, Spread, Impact      float64
	Borrow, Funding, Interest, LiquidationFee float64
	// Shortfall is ≤ 0: isolated positions' losses beyond their margin,
	// given back.
	Shortfall float64
	// Dividend is the cash dividends paid (> 0, shorts') less those
	// received (longs'): negative for a run that held longs into
	// ex-dates (Config.Dividends, raw prices).
	Dividend float64
}

// Total is the sum of every kind: the PnL the costs took.
func (c CostBreakdown) Total() float64 {
	return c.Commission + c.Slippage + c.Spread + c.Impact + c.Borrow + c.Funding + c.Interest + c.LiquidationFee + c.Shortfall + c.Dividend
}

func (c *CostBreakdown) add(k CostKind, v float64) {
	switch k {
	case CostCommission:
		c.Commission += v
	case CostSlippage:
		c.Slippage += v
	case CostSpread:
		c.Spread += v
	case CostImpact:
		c.Impact += v
	case CostBorrow:
		c.Borrow += v
	case CostFunding:
		c.Funding += v
	case CostInterest:
		c.Interest += v
	case CostLiquidationFee:
		c.LiquidationFee += v
	case CostShortfall:
		c.Shortfall += v
	case CostDividend:
		c.Dividend += v
	}
}
