package engine

import (
	"fmt"
	"math"
)

// Day-count and time constants. Every annual rate in this package (short
// borrow, interest on cash, interest on borrowed cash) accrues ACT/360:
// rate × calendar days / 360, the money-market and stock-loan convention.
const (
	nsPerDay  = int64(86400e9)
	nsPerHour = int64(3600e9)
	// DayCount is the denominator of the ACT/360 day count.
	DayCount = 360.0
	// DefaultFundingInterval is the settlement interval of perpetual
	// funding when Funding.Interval is 0: every 8 hours, at 00:00, 08:00
	// and 16:00 UTC.
	DefaultFundingInterval = 8 * nsPerHour
)

// Terms are the trading terms of one instrument: what a fill costs, what
// holding a position costs, and how much margin it needs. The zero Terms
// are the cost-free defaults (commission from Config.Commission, nothing
// else). Config.Equity and Config.Crypto give the terms per asset class;
// Config.Symbols replaces them for single instruments.
type Terms struct {
	Commission Commission
	Slippage   Slippage
	Borrow     Borrow
	Funding    Funding
	Margin     Margin
}

// Commission is charged on every fill, in money:
//
//	max(Minimum, PerShare × |qty| + Bps × notional) + (Maker or Taker) × notional
//
// Maker applies to Limit fills, Taker to every other fill. The zero value
// means "not set": Config.Commission (bps of notional) applies instead.
type Commission struct {
	Bps      BasisPoints // of notional
	PerShare float64     // money per unit of quantity
	Minimum  float64     // floor of the Bps + PerShare part, per fill
	Maker    BasisPoints // added to Limit fills
	Taker    BasisPoints // added to all other fills
}

func (c *Commission) set() bool { return *c != Commission{} }

// Slippage moves a taker fill's price against the order, by the sum of:
//
//	Bps × price                          fixed
//	SpreadBps / 2 × price                paying half the quoted spread
//	RangeFrac × (high − low)             volatility-scaled, the fill bar's range
//	ImpactK × σ × sqrt(|qty| / volume) × price   square-root market impact
//
// where σ is the sample standard deviation of the instrument's daily simple returns
// over the ImpactWindow closes before the fill bar (no look-ahead) and
// volume is the fill bar's volume. The executed price is clamped to the
// fill bar's [low, high]: slippage never produces a price the bar did not
// trade. Limit fills (maker) and liquidations have no slippage.
//
// MaxParticipation, when > 0, caps what fills on one bar at that fraction
// of the bar's volume (summed over all orders of the instrument); the rest
// stays pending and is carried to the next bar. A NaN volume (unknown)
// disables the cap and the impact term for that bar.
type Slippage struct {
	Bps              BasisPoints
	SpreadBps        BasisPoints
	RangeFrac        float64
	ImpactK          float64
	ImpactWindow     int // closes in σ's estimate; 0 = 20
	MaxParticipation float64
}

func (s *Slippage) set() bool {
	return s.Bps != 0 || s.SpreadBps != 0 || s.RangeFrac != 0 || s.ImpactK != 0
}

// Borrow are the terms of shorting (equities): an annual fee on the short
// market value, accrued every calendar day (ACT/360) on the position held
// at the end of the previous step, valued at the previous step's price.
// Friday to Monday is three days.
type Borrow struct {
	Rate float64 // annual fraction, e.g. 0.03 = 3%/yr
	// Unavailable rejects every order that would open or extend a short.
	Unavailable bool
	// RecallAt (UTC ns, 0 = never): from this time the borrow is recalled:
	// an open short is covered at the open of the instrument's first bar
	// at or after it, and new shorts are rejected.
	RecallAt int64
}

// Funding are the terms of a perpetual future: at every funding event the
// position pays qty × price × rate (longs pay shorts when rate > 0; a
// short receives). price is the close of the bar the event falls in (the
// possibly shocked panel's price, not the exchange's mark). On daily bars
// the events of a bar's day, [date, date + Config.BarDuration), settle
// together at that bar's step, on the position held after the bar's open.
//
// Funding applies when Interval > 0 or Times is non-empty. Events are
// Times (with Rates) when given, else every Interval since 1970-01-01 UTC
// at the constant Rate. Perpetuals are financed by funding, not by cash:
// their notional is left out of the balance that earns or pays interest.
type Funding struct {
	Rate     float64 // per event (0.0001 = 0.01% per 8h)
	Interval int64   // ns between events; DefaultFundingInterval for 8h
	Times    []int64 // event times, ascending (e.g. from data.ReadFunding)
	Rates    []float64
}

func (f *Funding) on() bool { return f.Interval > 0 || len(f.Times) > 0 }

// Margin are an instrument's margin requirements, as fractions of the
// position's market value. Initial applies to every order that increases
// exposure: a fill is rejected (insufficient buying power) when
// Σ |value| × Initial over all positions after it would exceed equity.
// Maintenance applies at every step: when equity at the bar's worst prices
// (low for a long, high for a short) falls below Σ |value| × Maintenance,
// a margin call is raised and every margined position with a bar at that
// step is liquidated at its worst price, paying LiquidationFee × notional
// (and no commission or slippage).
// Equities on Reg T: 0.5 / 0.25; crypto at 5× maximum leverage: Initial
// 0.2, Maintenance e.g. 0.05. Zero Initial means no buying-power check.
type Margin struct {
	Initial        float64
	Maintenance    float64
	LiquidationFee float64
}

// Split is a stock split on a date: Ratio new shares per old (2 = 2-for-1,
// 0.1 = 1-for-10). With raw (unadjusted) prices, positions are multiplied
// and average costs, marks and pending orders' prices divided by Ratio at
// the first step at or after Time.
type Split struct {
	Time  int64
	Ratio float64
}

// EnvFactors are the market-environment multipliers at one instrument and
// time, supplied by a scenario through Config.Env. Neutral() returns the
// no-shock factors; multipliers are ≥ 0.
type EnvFactors struct {
	SlippageMult float64 // multiplies fixed, range and impact slippage
	SpreadMult   float64 // multiplies the spread
	FundingMult  float64 // multiplies the funding rate
	FundingSet   float64 // replaces the funding rate when not NaN (before FundingMult)
	BorrowMult   float64 // multiplies the borrow rate
	BorrowSet    float64 // replaces the borrow rate when not NaN (before BorrowMult)
	VolumeMult   float64 // multiplies the bar volume of the participation cap and impact
}

// Neutral returns the factors of an unshocked environment.
func Neutral() EnvFactors {
	return EnvFactors{1, 1, 1, math.NaN(), 1, math.NaN(), 1}
}

// Env supplies the market environment per instrument and time (UTC ns).
// At is called from the hot loop and must not allocate; it must be
// deterministic (a pure function of its arguments). The engine asks it
// at most once per instrument and step for fills and funding (at the
// step's time), and once per short and step for borrow (at the previous
// step's time, the start of the accrual period).
type Env interface {
	At(instrument int, t int64) EnvFactors
}

// SpanEnv is an optional interface of an Env whose factors hold over
// windows (a scenario's shock from one date to another): AtUntil returns
// At(instrument, t) and the first time after t at which the factors may
// change (math.MaxInt64: never). The engine then asks again only from that
// time, for fills and funding; borrow still asks At.
type SpanEnv interface {
	Env
	AtUntil(instrument int, t int64) (f EnvFactors, until int64)
}

// LimitRule says when a resting limit order fills.
type LimitRule uint8

const (
	// Through (default, pessimistic): the bar must trade beyond the limit.
	Through LimitRule = iota
	// Touch: trading at the limit is enough.
	Touch
)

func (m *Margin) validate(where string) error {
	for _, f := range []struct {
		n string
		v float64
	}{{"Initial", m.Initial}, {"Maintenance", m.Maintenance}, {"LiquidationFee", m.LiquidationFee}} {
		if !(f.v >= 0 && f.v <= 1) {
			return fmt.Errorf("engine: %s.Margin.%s = %g: want a fraction in [0, 1]", where, f.n, f.v)
		}
	}
	if m.Initial > 0 && m.Maintenance > m.Initial {
		return fmt.Errorf("engine: %s.Margin.Maintenance = %g is above Initial = %g", where, m.Maintenance, m.Initial)
	}
	return nil
}

// validate checks the terms and names the bad field under where.
func (t *Terms) validate(where string) error {
	nonneg := func(name string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("engine: %s.%s = %g: want a finite value >= 0", where, name, v)
		}
		return nil
	}
	c, s := &t.Commission, &t.Slippage
	for _, f := range []struct {
		n string
		v float64
	}{
		{"Commission.Bps", float64(c.Bps)}, {"Commission.PerShare", c.PerShare}, {"Commission.Minimum", c.Minimum},
		{"Commission.Maker", float64(c.Maker)}, {"Commission.Taker", float64(c.Taker)},
		{"Slippage.Bps", float64(s.Bps)}, {"Slippage.SpreadBps", float64(s.SpreadBps)}, {"Slippage.RangeFrac", s.RangeFrac},
		{"Slippage.ImpactK", s.ImpactK}, {"Slippage.MaxParticipation", s.MaxParticipation},
		{"Borrow.Rate", t.Borrow.Rate},
	} {
		if err := nonneg(f.n, f.v); err != nil {
			return err
		}
	}
	if s.ImpactWindow < 0 {
		return fmt.Errorf("engine: %s.Slippage.ImpactWindow = %d: want >= 0", where, s.ImpactWindow)
	}
	f := &t.Funding
	if f.Interval < 0 || math.IsNaN(f.Rate) || math.IsInf(f.Rate, 0) {
		return fmt.Errorf("engine: %s.Funding: interval %d, rate %g: want interval >= 0 and a finite rate", where, f.Interval, f.Rate)
	}
	if len(f.Times) != len(f.Rates) {
		return fmt.Errorf("engine: %s.Funding: %d times but %d rates", where, len(f.Times), len(f.Rates))
	}
	for k := range f.Times {
		if k > 0 && f.Times[k] <= f.Times[k-1] {
			return fmt.Errorf("engine: %s.Funding.Times[%d] is not after Times[%d]", where, k, k-1)
		}
		if math.IsNaN(f.Rates[k]) || math.IsInf(f.Rates[k], 0) {
			return fmt.Errorf("engine: %s.Funding.Rates[%d] = %g: want a finite rate", where, k, f.Rates[k])
		}
	}
	return t.Margin.validate(where)
}
