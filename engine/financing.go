package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/divergence-research/divergence/data"
)

// Borrow are the terms of shorting (equities): an annual fee on the short
// market value, accrued on the calendar time elapsed between steps
// (ACT/360: Accrual.Days is the elapsed nanoseconds over a day's) on the
// position held at the end of the previous step, valued at the previous
// step's price. Friday to Monday is three days; an hour between hourly
// bars is 1/24 of one. Borrow is the built-in BorrowModel (its
// Rate); Unavailable and RecallAt apply whatever the model.
type Borrow struct {
	Rate float64 // annual fraction, e.g. 0.03 = 3%/yr
	// Unavailable rejects every order that would open or extend a short.
	Unavailable bool
	// RecallAt (UTC ns): from this time the borrow is recalled: an open
	// short is covered at the open of the instrument's first bar at or
	// after it, and new shorts are rejected. 0 is no recall unless
	// RecallSet: the zero Borrow recalls nothing.
	RecallAt int64
	// RecallSet makes RecallAt a recall time whatever its value: 0 is
	// then 1970-01-01 00:00 UTC, not none. (A RecallAt other than 0 is a
	// recall without it.)
	RecallSet bool
	// Times and Rates (annual fractions), when Times is not empty, make
	// the rate a step function (a rate file, data.ReadRates): Rates[k]
	// holds from Times[k] (never before it) until Times[k+1], the last
	// to the end; Rate holds before Times[0]. Times ascending.
	Times []int64
	Rates []float64
	// YearDays is the year of Rates' day count: 0 is DayCount (ACT/360);
	// data.RateYearDays (365) for a DeFi pool's rates. Rate, before
	// Times[0], accrues ACT/360 whatever it is.
	YearDays float64
}

// recall reports the terms' recall time, and whether there is one:
// RecallAt when RecallSet or not 0.
func (b *Borrow) recall() (int64, bool) { return b.RecallAt, b.RecallSet || b.RecallAt != 0 }

// charges reports whether the terms charge a borrow fee of their own.
func (b *Borrow) charges() bool { return b.Rate != 0 || len(b.Times) > 0 }

// BorrowFee implements BorrowModel: |qty| × price × rate × days / 360,
// the rate being Rate, or env.BorrowSet when not NaN, times env.BorrowMult.
// With Times, the rates in force over the period, each for its part of
// it (stepped): |qty| × price × env.BorrowMult × Σ rate × days / year;
// a BorrowSet replaces them all, ACT/360.
func (b Borrow) BorrowFee(h Holding, a Accrual, env EnvFactors) float64 {
	if len(b.Times) > 0 && env.BorrowSet != env.BorrowSet {
		return -h.Qty * h.Price * env.BorrowMult * stepped(b.Times, b.Rates, b.Rate, b.YearDays, a.From, a.To)
	}
	rate := b.Rate
	if env.BorrowSet == env.BorrowSet {
		rate = env.BorrowSet
	}
	rate *= env.BorrowMult
	v := h.Qty * h.Price
	return -v * rate * a.Days / DayCount
}

// RefusedFields lists the fields Validate refuses on a Borrow given as a
// BorrowModel (Unavailable, RecallAt: the Terms' own Borrow takes them),
// so that a configuration decoder lists only the fields the model takes.
// It is found by type assertion, as Validate is.
func (Borrow) RefusedFields() []string { return []string{"Unavailable", "RecallAt", "RecallSet"} }

// Validate reports, by its key in an experiment file's borrow table, a
// rate that is not finite and >= 0, the shorting terms set on the model
// (unavailable, recallat: as a BorrowModel, Borrow charges the fee only,
// and they were ignored; they are the Terms' Borrow, the table's
// borrow_unavailable and borrow_recall), and steps as the Terms' Borrow
// takes them (times ascending, one rate in [0, 10] each, yeardays 0 or
// 360 to 366, only with times). Config.Validate calls it for a Borrow
// given as a BorrowModel.
func (b Borrow) Validate() error {
	if !(b.Rate >= 0) || math.IsInf(b.Rate, 0) {
		return fmt.Errorf("rate = %g: want a finite value >= 0", b.Rate)
	}
	if b.Unavailable {
		return fmt.Errorf("unavailable = true: the borrow model charges the fee only; set borrow_unavailable = true in the terms' table (Terms.Borrow.Unavailable)")
	}
	if _, rec := b.recall(); rec {
		return fmt.Errorf("recallat = %d: the borrow model charges the fee only; set borrow_recall in the terms' table (Terms.Borrow.RecallAt)", b.RecallAt)
	}
	if len(b.Times) != len(b.Rates) {
		return fmt.Errorf("%d times but %d rates", len(b.Times), len(b.Rates))
	}
	if b.YearDays != 0 && len(b.Times) == 0 {
		return fmt.Errorf("yeardays = %g: the year of the times' rates; there are no times", b.YearDays)
	}
	if b.YearDays != 0 && !(b.YearDays >= 360 && b.YearDays <= 366) {
		return fmt.Errorf("yeardays = %g: want 0 (ACT/360), or 360 to 366", b.YearDays)
	}
	for k, r := range b.Rates {
		if k > 0 && b.Times[k] <= b.Times[k-1] {
			return fmt.Errorf("times[%d] = %d is not after times[%d] = %d", k, b.Times[k], k-1, b.Times[k-1])
		}
		if !(r >= 0 && r <= 10) {
			return fmt.Errorf("rates[%d] = %g: want an annual rate in [0, 10]", k, r)
		}
	}
	return nil
}

// Funding are the terms of a perpetual future: at every funding event the
// position pays qty × price × rate (longs pay shorts when rate > 0; a
// short receives). price is the close of the bar the event falls in (the
// possibly shocked panel's price, not the exchange's mark). On daily bars
// the events of a bar's day, [date, date + Config.BarDuration), settle
// together at that bar's step, on the position held after the bar's open
// (its market orders and recalls; not after the bar's resting fills or
// liquidations).
// On intraday bars each event settles at the bar that holds it ([open,
// open + interval): an 08:00 UTC event at the bar opening at 08:00, or at
// a :30 bar opening at 07:30), and an event that falls in a gap of the
// data at the first bar after it, on the position held through the gap.
//
// Funding applies when Interval > 0 or Times is non-empty. Events are
// Times (with Rates) when given, else every Interval since 1970-01-01 UTC
// at the constant Rate. Perpetuals are financed by funding, not by cash:
// their notional is left out of the balance that earns or pays interest.
// Funding is the built-in FundingModel.
type Funding struct {
	Rate     float64 // per event (0.0001 = 0.01% per 8h)
	Interval int64   // ns between events; DefaultFundingInterval for 8h
	Times    []int64 // event times, ascending (e.g. from data.ReadFunding)
	Rates    []float64
}

// On reports whether the instrument pays funding (a perpetual): events
// every Interval, or at Times.
func (f *Funding) On() bool { return f.Interval > 0 || len(f.Times) > 0 }

// Events implements FundingModel: the events of Times in [from, to) and
// the sum of their Rates, or the multiples of Interval in [from, to) at
// Rate each.
func (f Funding) Events(_ int, from, to int64) (n int, rates float64) { return f.events(from, to) }

func (f *Funding) events(from, to int64) (n int, rates float64) {
	if from >= to {
		return 0, 0
	}
	if len(f.Times) > 0 {
		k, _ := slices.BinarySearch(f.Times, from)
		for ; k < len(f.Times) && f.Times[k] < to; k++ {
			rates += f.Rates[k]
			n++
		}
		return n, rates
	}
	if f.Interval <= 0 {
		return 0, 0
	}
	n = int(ceilDiv(to, f.Interval) - ceilDiv(from, f.Interval))
	return n, float64(n) * f.Rate
}

// minFundingInterval and maxFundingInterval bound Funding.Interval
// when it is not 0 (funding_interval_hours: a minute to a year): a
// settlement every few nanoseconds compounds any rate into nonsense.
const (
	minFundingInterval = int64(60e9)
	maxFundingInterval = int64(365 * 24 * 3600e9)
)

// Validate reports, by its key in an experiment file's funding table, a
// rate (rate, rates) that is not finite or beyond ±data.MaxFundingRate
// per settlement (as funding_rate and a funding file), an interval that
// is not 0 or a minute to a year in nanoseconds, a
// rate with neither interval nor times (no settlement would pay it),
// times that do not ascend or match rates, and times beside a rate or
// an interval (which they replace). Config.Validate calls it for a
// Funding given as a FundingModel; a Funding of zeros is a perpetual
// that pays nothing.
func (f Funding) Validate() error {
	perSettlement := func(n string, r float64) error {
		if !(math.Abs(r) <= data.MaxFundingRate) {
			return fmt.Errorf("%s = %g: a rate per settlement (0.0001 = 0.01%% per 8 hours); want |rate| <= %g", n, r, data.MaxFundingRate)
		}
		return nil
	}
	if err := perSettlement("rate", f.Rate); err != nil {
		return err
	}
	if f.Interval != 0 && !(f.Interval >= minFundingInterval && f.Interval <= maxFundingInterval) {
		return fmt.Errorf("interval = %d: nanoseconds between settlements (%d = 8 hours); want 0 or a minute (%d) to a year (%d)", f.Interval, DefaultFundingInterval, minFundingInterval, maxFundingInterval)
	}
	if len(f.Times) != len(f.Rates) {
		return fmt.Errorf("%d times but %d rates", len(f.Times), len(f.Rates))
	}
	if len(f.Times) > 0 && (f.Rate != 0 || f.Interval != 0) {
		return fmt.Errorf("set times and rates, or rate and interval, not both: the times' rates replace them")
	}
	if f.Rate != 0 && f.Interval == 0 && len(f.Times) == 0 {
		return fmt.Errorf("rate = %g with no interval or times: no settlement would pay it; set interval (%d = 8 hours)", f.Rate, DefaultFundingInterval)
	}
	for k, r := range f.Rates {
		if k > 0 && f.Times[k] <= f.Times[k-1] {
			return fmt.Errorf("times[%d] = %d is not after times[%d] = %d", k, f.Times[k], k-1, f.Times[k-1])
		}
		if err := perSettlement(fmt.Sprintf("rates[%d]", k), r); err != nil {
			return err
		}
	}
	return nil
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// CashInterest is the built-in InterestModel: Rate a year on a positive
// balance (income) and BorrowRate on a negative one (a cost), ACT/360.
// Config.CashRate and Config.BorrowRate set it.
type CashInterest struct {
	Rate, BorrowRate float64
	// Times, when not empty, make the rates step functions (a stablecoin
	// pool's rate file, data.ReadRates): from Times[k] (never before it)
	// until Times[k+1], the last to the end, a positive balance earns
	// Rates[k] and a negative one pays BorrowRates[k]; Rate and
	// BorrowRate hold before Times[0]. Times ascending.
	Times              []int64
	Rates, BorrowRates []float64
	// YearDays is the year of Rates' and BorrowRates' day count: 0 is
	// DayCount (ACT/360); data.RateYearDays (365) for a DeFi pool's.
	YearDays float64
}

// Interest implements InterestModel.
func (c CashInterest) Interest(balance float64, a Accrual) float64 {
	if len(c.Times) > 0 {
		switch {
		case balance > 0:
			return -balance * stepped(c.Times, c.Rates, c.Rate, c.YearDays, a.From, a.To)
		case balance < 0:
			return -balance * stepped(c.Times, c.BorrowRates, c.BorrowRate, c.YearDays, a.From, a.To)
		}
		return 0
	}
	switch {
	case balance > 0 && c.Rate != 0:
		return -balance * c.Rate * a.Days / DayCount
	case balance < 0 && c.BorrowRate != 0:
		return -balance * c.BorrowRate * a.Days / DayCount
	}
	return 0
}

// Validate reports a rate outside [-1, 10] a year, and Times that do
// not ascend or do not match Rates and BorrowRates.
func (c CashInterest) Validate() error {
	if err := validRates(c.Rate, c.BorrowRate, "Rate", "BorrowRate"); err != nil {
		return err
	}
	if len(c.Times) != len(c.Rates) || len(c.Times) != len(c.BorrowRates) {
		return fmt.Errorf("%d Times but %d Rates and %d BorrowRates", len(c.Times), len(c.Rates), len(c.BorrowRates))
	}
	return validSteps(c.Times, c.YearDays, func(k int) error {
		if r, b := c.Rates[k], c.BorrowRates[k]; !(r >= -1 && r <= 10 && b >= -1 && b <= 10) {
			return validRates(r, b, fmt.Sprintf("Rates[%d]", k), fmt.Sprintf("BorrowRates[%d]", k))
		}
		return nil
	})
}

// validSteps checks a step function's Times (strictly ascending) and
// year (0, or a year of 360 to 366 days), and each step with rate.
func validSteps(times []int64, year float64, rate func(k int) error) error {
	if year != 0 && !(year >= 360 && year <= 366) {
		return fmt.Errorf("YearDays = %g: want 0 (ACT/360), or 360 to 366", year)
	}
	for k := range times {
		if k > 0 && times[k] <= times[k-1] {
			return fmt.Errorf("Times[%d] is not after Times[%d]", k, k-1)
		}
		if err := rate(k); err != nil {
			return err
		}
	}
	return nil
}

// stepped is the fraction of a year's rate accrued over [from, to) under
// a step function: rate0 before times[0] (ACT/360), then rates[k] from
// times[k] until times[k+1] over a year of year days (0: DayCount), each
// for the nanoseconds it holds: Σ rate × days / year. It does not
// allocate.
func stepped(times []int64, rates []float64, rate0, year float64, from, to int64) float64 {
	if year == 0 {
		year = DayCount
	}
	day := float64(data.NanosPerDay)
	// j rows stand at or before from: rates[j-1] is in force there.
	j, found := slices.BinarySearch(times, from)
	if found {
		j++
	}
	var acc float64
	t := from
	if j == 0 {
		end := min(to, times[0])
		if end > t && rate0 != 0 {
			acc += rate0 * (float64(end-t) / day) / DayCount
		}
		t, j = end, 1
	}
	for ; t < to; j++ {
		end := to
		if j < len(times) {
			end = min(to, times[j])
		}
		acc += rates[j-1] * (float64(end-t) / day) / year
		t = end
	}
	return acc
}

func validRates(a, b float64, na, nb string) error {
	for _, f := range []struct {
		n string
		v float64
	}{{na, a}, {nb, b}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < -1 || f.v > 10 {
			return fmt.Errorf("%s = %g: want an annual rate in [-1, 10]", f.n, f.v)
		}
	}
	return nil
}
