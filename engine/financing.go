package engine

import (
	"fmt"
	"math"
	"slices"
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
	// RecallAt (UTC ns, 0 = never): from this time the borrow is recalled:
	// an open short is covered at the open of the instrument's first bar
	// at or after it, and new shorts are rejected.
	RecallAt int64
}

// BorrowFee implements BorrowModel: |qty| × price × rate × days / 360,
// the rate being Rate, or env.BorrowSet when not NaN, times env.BorrowMult.
func (b Borrow) BorrowFee(h Holding, a Accrual, env EnvFactors) float64 {
	rate := b.Rate
	if env.BorrowSet == env.BorrowSet {
		rate = env.BorrowSet
	}
	rate *= env.BorrowMult
	v := h.Qty * h.Price
	return -v * rate * a.Days / DayCount
}

// Funding are the terms of a perpetual future: at every funding event the
// position pays qty × price × rate (longs pay shorts when rate > 0; a
// short receives). price is the close of the bar the event falls in (the
// possibly shocked panel's price, not the exchange's mark). On daily bars
// the events of a bar's day, [date, date + Config.BarDuration), settle
// together at that bar's step, on the position held after the bar's open.
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
}

// Interest implements InterestModel.
func (c CashInterest) Interest(balance float64, a Accrual) float64 {
	switch {
	case balance > 0 && c.Rate != 0:
		return -balance * c.Rate * a.Days / DayCount
	case balance < 0 && c.BorrowRate != 0:
		return -balance * c.BorrowRate * a.Days / DayCount
	}
	return 0
}

// Validate reports a rate outside [-1, 10] a year.
func (c CashInterest) Validate() error {
	return validRates(c.Rate, c.BorrowRate, "Rate", "BorrowRate")
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
