package engine

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
)

// Day-count and time constants. Every annual rate in this package (short
// borrow, interest on cash, interest on borrowed cash) accrues ACT/360:
// rate × calendar days / 360, the money-market and stock-loan convention;
// rates that step with time (Borrow.Times, CashInterest.Times) accrue
// over their own YearDays when set (365 for DeFi pools' rates).
const (
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
//
// The fields of interface type plug in models of one's own (models.go):
// when one is not nil it replaces the built-in model of its kind, and the
// fields that configure the built-in are not used for that purpose.
type Terms struct {
	Commission Commission
	Slippage   Slippage
	Borrow     Borrow
	Funding    Funding
	Margin     Margin
	// MarginMode is Cross (default: the account backs the position) or
	// Isolated (its own margin does, and caps its loss); Isolated needs
	// an initial margin (Margin.Initial > 0 or a MarginModel).
	MarginMode MarginMode

	FeeModel      FeeModel      // replaces Commission (and Config.Commission)
	SlippageModel SlippageModel // replaces Slippage's Bps, SpreadBps, RangeFrac and impact
	VolumeModel   VolumeModel   // replaces Slippage.MaxParticipation
	BorrowModel   BorrowModel   // replaces Borrow.Rate (Unavailable and RecallAt still apply)
	FundingModel  FundingModel  // replaces Funding: the instrument is a perpetual
	MarginModel   MarginModel   // replaces Margin
}

// Split is a stock split on a date: Ratio new shares per old (2 = 2-for-1,
// 0.1 = 1-for-10). With raw (unadjusted) prices, positions are multiplied
// and average costs, marks and pending orders' prices divided by Ratio at
// the first step at or after Time.
type Split struct {
	Time  int64
	Ratio float64
}

// Dividend is a cash dividend: Amount per share, in the instrument's
// price unit, paid to the positions held going into its ex-date Time.
// With raw prices the cash moves by qty × Amount at the instrument's own
// first bar at or after Time, where its price falls by it, before that
// bar's fills (a long receives it, a short pays it, as a broker charges a
// short the dividend in lieu; a position opened on the ex-date bar
// itself, even at its open, gets nothing), booked as a CostDividend
// entry (< 0 received, > 0 paid). A split dated the same day applies
// first (at the first step at or after its Time, which moves no value:
// qty × mark is unchanged): Amount is per share after it; a split dated
// after Time leaves Amount per share before it, even when it applies
// before the payment (an ex-date without a bar). Adjusted prices
// already hold the dividends (the price falls by less): leave
// Config.Dividends nil with them, or they count twice.
type Dividend struct {
	Time   int64
	Amount float64
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
// step's time, the start of the accrual period; a SpanEnv once per part
// of the period between the times its factors change).
type Env interface {
	At(instrument int, t int64) EnvFactors
}

// SpanEnv is an optional interface of an Env whose factors hold over
// windows (a scenario's shock from one date to another): AtUntil returns
// At(instrument, t) and the first time after t at which the factors may
// change (math.MaxInt64: never). The engine then asks again only from that
// time, for fills and funding; a borrow accrual period is cut at those
// times, each part paying at its own factors (a window that starts on a
// Saturday charges an equity's Saturday and Sunday at its rate).
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
		{"Commission.MaxBps", float64(c.MaxBps)}, {"Commission.Maker", float64(c.Maker)}, {"Commission.Taker", float64(c.Taker)},
		{"Slippage.Bps", float64(s.Bps)}, {"Slippage.SpreadBps", float64(s.SpreadBps)}, {"Slippage.RangeFrac", s.RangeFrac},
		{"Slippage.ImpactK", s.ImpactK}, {"Slippage.MaxParticipation", s.MaxParticipation},
		{"Borrow.Rate", t.Borrow.Rate},
	} {
		if err := nonneg(f.n, f.v); err != nil {
			return err
		}
	}
	// As Commission.Validate and Config.Commission: a rate of 10,000 bps
	// is the whole notional.
	for _, f := range []struct {
		n string
		v BasisPoints
	}{{"Bps", c.Bps}, {"Maker", c.Maker}, {"Taker", c.Taker}} {
		if f.v >= 1e4 {
			return fmt.Errorf("engine: %s.Commission.%s = %g: want a rate under 10000 bps (the whole notional)", where, f.n, float64(f.v))
		}
	}
	if s.ImpactWindow < 0 || s.ImpactWindow == 1 {
		return fmt.Errorf("engine: %s.Slippage.ImpactWindow = %d: want 0 (the default, 20) or at least 2 returns (a volatility of one return is 0, and so would be the impact)", where, s.ImpactWindow)
	}
	f := &t.Funding
	if f.Interval < 0 || math.IsNaN(f.Rate) || math.IsInf(f.Rate, 0) {
		return fmt.Errorf("engine: %s.Funding: interval %d, rate %g: want interval >= 0 and a finite rate", where, f.Interval, f.Rate)
	}
	// As the funding model's table and the experiment's keys: an interval
	// of 8 (nanoseconds, meant as hours) paid 1e13 settlements a day.
	if f.Interval != 0 && !(f.Interval >= minFundingInterval && f.Interval <= maxFundingInterval) {
		return fmt.Errorf("engine: %s.Funding.Interval = %d: nanoseconds between settlements (%d = 8 hours); want 0 (8 hours) or a minute (%d) to a year (%d)", where, f.Interval, DefaultFundingInterval, minFundingInterval, maxFundingInterval)
	}
	if math.Abs(f.Rate) > data.MaxFundingRate {
		return fmt.Errorf("engine: %s.Funding.Rate = %g: a rate per settlement (0.0001 = 0.01%%); want |rate| <= %g", where, f.Rate, data.MaxFundingRate)
	}
	if len(f.Times) != len(f.Rates) {
		return fmt.Errorf("engine: %s.Funding: %d times but %d rates", where, len(f.Times), len(f.Rates))
	}
	for k := range f.Times {
		if k > 0 && f.Times[k] <= f.Times[k-1] {
			return fmt.Errorf("engine: %s.Funding.Times[%d] is not after Times[%d]", where, k, k-1)
		}
		if !(math.Abs(f.Rates[k]) <= data.MaxFundingRate) {
			return fmt.Errorf("engine: %s.Funding.Rates[%d] = %g: want a finite rate per settlement, |rate| <= %g", where, k, f.Rates[k], data.MaxFundingRate)
		}
	}
	if bo := &t.Borrow; len(bo.Times) > 0 || len(bo.Rates) > 0 || bo.YearDays != 0 {
		if len(bo.Times) != len(bo.Rates) {
			return fmt.Errorf("engine: %s.Borrow: %d times but %d rates", where, len(bo.Times), len(bo.Rates))
		}
		err := validSteps(bo.Times, bo.YearDays, func(k int) error {
			if r := bo.Rates[k]; !(r >= 0 && r <= 10) {
				return fmt.Errorf("Rates[%d] = %g: want an annual rate in [0, 10]", k, r)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("engine: %s.Borrow.%w", where, err)
		}
	}
	if err := t.Margin.validate(where); err != nil {
		return err
	}
	switch t.MarginMode {
	case Cross:
	case Isolated:
		if t.MarginModel == nil && !(t.Margin.Initial > 0) {
			return fmt.Errorf("engine: %s.MarginMode = isolated: an isolated position's margin is its initial margin; set Margin.Initial > 0 or a MarginModel", where)
		}
	default:
		return fmt.Errorf("engine: %s.MarginMode = %d: want Cross or Isolated", where, t.MarginMode)
	}
	for _, m := range []struct {
		n string
		v any
	}{{"FeeModel", t.FeeModel}, {"SlippageModel", t.SlippageModel}, {"VolumeModel", t.VolumeModel},
		{"BorrowModel", t.BorrowModel}, {"FundingModel", t.FundingModel}, {"MarginModel", t.MarginModel}} {
		if err := validateModel(where+"."+m.n, m.v); err != nil {
			return err
		}
	}
	return nil
}

// validateModel calls a model's Validate method, when it has one.
func validateModel(where string, m any) error {
	if v, ok := m.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("engine: %s: %w", where, err)
		}
	}
	return nil
}
