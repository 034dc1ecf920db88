package engine

// The cost and margin models, one small interface per kind. The broker
// asks an instrument's models (Terms) what a fill costs, how much of a
// bar's volume it may take, what holding a position costs and how much
// margin it needs; the built-in models (Commission, Slippage,
// ParticipationCap, Borrow, Funding, CashInterest, Margin) are plain types
// implementing them, and a Terms field of an interface type (FeeModel,
// SlippageModel, …) plugs in a model of one's own in their place.
//
// The contract every model keeps:
//
//   - Units: money is in the panel's currency, prices per unit of
//     quantity, quantities signed (> 0 long or buying, < 0 short or
//     selling), times UTC Unix nanoseconds, rates fractions (0.01 = 1%).
//   - Pure and shared: a Config, hence its models, is shared by every run
//     made with it, and runs execute concurrently. A method is a function
//     of its receiver and arguments only: it must not change the model or
//     keep its arguments (slices in them alias engine memory), and it
//     gives the same answer to the same question (determinism).
//   - Cheap: methods run inside the event loop, up to a few times per
//     instrument and step; they must not allocate.
//   - Finite: a NaN or infinite answer is a bug in the model (except where
//     a method says what NaN means).
//
// A model may also implement Validate() error: Config.Validate then calls
// it and reports its error under the model's Terms.
//
// Adding a built-in model takes one file (its type and methods) and one
// line in Models; a model of one's own needs no change in this package
// (docs/execution.md, "Adding a cost model", and ExampleFeeModel).

// Trade describes a fill, or a fill being sized, to the fee, slippage and
// fill-volume models.
type Trade struct {
	Instrument int   // index into the panel
	Time       int64 // the step's time
	// Qty is the quantity filling: > 0 buys, < 0 sells.
	Qty float64
	// Price is, for a fee, the execution price (slippage included); for
	// slippage and fill volume, the reference price the fill is taken at
	// (the open, the close, a stop or limit), before slippage.
	Price float64
	// Maker is true for a fill adding liquidity: a limit order's fill
	// (and a triggered stop-limit resting as a limit).
	Maker bool
}

// MarketData is what a slippage or fill-volume model may know of the
// instrument's market at a fill: the fill bar and the bars before it.
type MarketData struct {
	// Bar is the fill bar as the panel has it. A fill at the open is
	// priced with the bar's range (high, low) and volume: the usual
	// convention of bar-level execution (docs/execution.md).
	Bar Bar
	// Volume is the liquidity on offer: Bar.Volume × the scenario's
	// VolumeMult (a liquidity shock). NaN when the volume is unknown.
	Volume float64
	// Closes are the instrument's closes before the fill bar, oldest
	// first. They alias the panel: read them, never write or keep them.
	Closes []float64

	vol *volMemo // the run's cache of Volatility for this instrument
}

// Volatility is the sample standard deviation of the daily simple returns
// (close / previous close − 1) over the last w returns of Closes, its
// last w + 1 closes (w ≤ 0: 20), 0
// with fewer than two returns: the σ of the square-root impact. The
// engine caches it per instrument and bar, so models may ask freely.
func (m *MarketData) Volatility(w int) float64 {
	if m.vol != nil && m.vol.r == len(m.Closes) && m.vol.w == w {
		return m.vol.v
	}
	v := sigma(m.Closes, w)
	if m.vol != nil {
		*m.vol = volMemo{r: len(m.Closes), w: w, v: v}
	}
	return v
}

// volMemo is the last Volatility computed for an instrument: over the
// first r closes, window w.
type volMemo struct {
	r, w int
	v    float64
}

// FeeModel is the commission of a fill. Built in: Commission (and, for
// instruments whose Terms set no fee at all, Config.Commission bps of the
// notional). A FeeModel is asked per fill: each part of an order split
// across bars is a trade of its own. The built-ins Commission and Tiered
// alone are charged per order by the engine (their minimum and cap, their
// fixed fee and bands: Commission, Tiered).
type FeeModel interface {
	// Fee returns the money trade t pays, ≥ 0. It is also asked while
	// target orders are sized (before they fill), so it must depend on
	// the trade only.
	Fee(t Trade) float64
}

// Slip is a fill's slippage per unit of quantity, in price units, by
// cause: each ≥ 0, against the order (a buy pays more, a sell gets less).
type Slip struct {
	Fixed  float64 // booked as slippage (CostSlippage)
	Spread float64 // booked as spread (CostSpread)
	Impact float64 // booked as market impact (CostImpact)
}

// SlippageModel moves a taker fill's price against the order. Built in:
// Slippage (fixed, half-spread, bar-range and square-root impact).
//
// The engine then scales the parts by the scenario's factors (Fixed and
// Impact by SlippageMult, Spread by SpreadMult), moves the price by their
// sum and clamps it to the fill bar's [low, high] (and a stop-limit's
// limit), scaling the parts down alike: slippage never produces a price
// the bar did not trade. Maker fills and liquidations have no slippage:
// the model is not asked about them.
type SlippageModel interface {
	Slip(t Trade, m MarketData) Slip
}

// VolumeModel caps what fills on one bar. Built in: ParticipationCap.
type VolumeModel interface {
	// Participation returns the largest fraction of the bar's volume that
	// the instrument's fills may take on the bar, summed over all its
	// orders: the engine caps them at Participation × Bar.Volume × the
	// scenario's VolumeMult; the rest stays pending for the next bars. A
	// NaN or +Inf answer, or a NaN volume, means no cap. Liquidations and
	// recalls are not capped.
	Participation(t Trade, m MarketData) float64
}

// Holding is a position valued at a price: what a margin or borrow model
// is asked about.
type Holding struct {
	Instrument int
	Time       int64   // when it is valued
	Qty        float64 // signed: < 0 short
	Price      float64 // the price it is valued at
}

// Accrual is a period over which holding costs accrue: from the previous
// step to the current one.
type Accrual struct {
	From, To int64
	// Days is (To − From) in calendar days, fractional: the engine's day
	// count (Friday to Monday is 3).
	Days float64
}

// BorrowModel is the fee of holding a short in a borrowed instrument (not
// perpetuals). Built in: Borrow (an annual rate, ACT/360).
type BorrowModel interface {
	// BorrowFee returns the money short h (Qty < 0, valued at the start of
	// the period) pays over period a, ≥ 0. env holds the scenario's
	// factors at a.From (Neutral() without a scenario; under a SpanEnv
	// the engine cuts a step's period where the factors change, and asks
	// for each part): a model honours
	// BorrowSet (replaces its annual rate when not NaN) and BorrowMult
	// (multiplies it), as Borrow does.
	BorrowFee(h Holding, a Accrual, env EnvFactors) float64
}

// FundingModel makes an instrument a perpetual future: its position pays
// funding at events, quantity × close × rate per event (longs pay shorts
// when the rate is > 0), and it is financed by funding, not cash (no
// borrow; its notional is left out of the balance that earns interest).
// Built in: Funding (events at times, or every interval at a constant
// rate). The engine applies the scenario's FundingSet (replaces each
// event's rate) and FundingMult (multiplies it).
type FundingModel interface {
	// Events returns the number of instrument's funding events in
	// [from, to) and the sum of their rates (fractions per event). The
	// engine asks once or twice per step and perpetual, windows ascending.
	Events(instrument int, from, to int64) (n int, rates float64)
}

// InterestModel is the account's interest on cash and on borrowed cash.
// Built in: CashInterest (Config.CashRate and Config.BorrowRate, ACT/360).
type InterestModel interface {
	// Interest returns the money the account pays over period a on
	// balance: > 0 a cost (interest on borrowed cash), < 0 income. The
	// balance is cash less short-sale proceeds and perpetuals' notional,
	// as it stood at the start of the period.
	Interest(balance float64, a Accrual) float64
}

// Requirement is what a position requires, in money, each ≥ 0.
type Requirement struct {
	// Initial is the margin needed to open or increase the position: a
	// fill is rejected when the initial margin of every position after it
	// exceeds equity.
	Initial float64
	// Maintenance is the margin needed to keep it: below the maintenance
	// of every position at the bars' worst prices, a margin call
	// liquidates the positions that have a maintenance model.
	Maintenance float64
	// LiquidationFee is paid when the position is liquidated at Price.
	LiquidationFee float64
}

// MarginModel sets an instrument's margin requirements. Built in: Margin
// (fractions of market value: Reg T 0.5 / 0.25 for equities). Positions
// of instruments without one need no margin; the buying-power check runs
// only when some instrument has one.
type MarginModel interface {
	Margin(h Holding) Requirement
}

// Registry lists models by kind and name, each with a constructor of its
// zero value (a pointer, so that a configuration decoder can fill its
// fields). A model may have, found by type assertion, Validate() error
// (run after its fields are set) and RefusedFields() []string (fields
// Validate refuses, that a decoder does not offer as the model's keys).
type Registry struct {
	Fee      map[string]func() FeeModel
	Slippage map[string]func() SlippageModel
	Volume   map[string]func() VolumeModel
	Borrow   map[string]func() BorrowModel
	Funding  map[string]func() FundingModel
	Interest map[string]func() InterestModel
	Margin   map[string]func() MarginModel
}

// Models returns the built-in models by kind and name: the one place a
// new built-in model is registered. Each call returns new maps; a caller
// may add models of its own to them.
func Models() Registry {
	r := Registry{
		Fee:      map[string]func() FeeModel{},
		Slippage: map[string]func() SlippageModel{},
		Volume:   map[string]func() VolumeModel{},
		Borrow:   map[string]func() BorrowModel{},
		Funding:  map[string]func() FundingModel{},
		Interest: map[string]func() InterestModel{},
		Margin:   map[string]func() MarginModel{},
	}
	r.Fee["commission"] = func() FeeModel { return &Commission{} }
	r.Fee["tiered"] = func() FeeModel { return &Tiered{} }
	r.Slippage["slippage"] = func() SlippageModel { return &Slippage{} }
	r.Volume["participation"] = func() VolumeModel { return &ParticipationCap{} }
	r.Borrow["borrow"] = func() BorrowModel { return &Borrow{} }
	r.Funding["funding"] = func() FundingModel { return &Funding{} }
	r.Interest["cash_interest"] = func() InterestModel { return &CashInterest{} }
	r.Margin["margin"] = func() MarginModel { return &Margin{} }
	return r
}
