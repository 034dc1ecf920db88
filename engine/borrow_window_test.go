package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// envWindow is a SpanEnv with one window [from, to): set's factors
// inside it, neutral outside, as a scenario's borrow or funding shock
// builds it.
type envWindow struct {
	from, to int64
	set      func(*EnvFactors)
}

func (w envWindow) At(i int, t int64) EnvFactors {
	f, _ := w.AtUntil(i, t)
	return f
}

func (w envWindow) AtUntil(i int, t int64) (EnvFactors, int64) {
	f := Neutral()
	switch {
	case t < w.from:
		return f, w.from
	case t < w.to:
		w.set(&f)
		return f, w.to
	}
	return f, math.MaxInt64
}

// A borrow window's rate applies to the calendar days inside it, not to
// whole accrual periods that start inside it: an equity's Friday →
// Monday accrual spans a window's edge on a weekend. A short of 100 at
// 50 from Thursday 2024-03-07's close; borrow 3.6 %/yr ACT/360 is
// 100 × 50 × 0.036 / 360 = 0.50 a day, the window's 36 % is 5.00 a day.
//
// Window [Sat 03-09, Tue 03-12): Saturday, Sunday, Monday.
//
//	Fri 03-08  Thu → Fri                       0.50
//	Mon 03-11  Fri 0.50 + Sat 5.00 + Sun 5.00  10.50
//	Tue 03-12  Mon                              5.00
//	Wed, Thu, Fri 03-13..15                     0.50 each
//	Mon 03-18  Fri → Mon                        1.50   19.00 in all
//
// (asking the factors once, at the period's start, charged Friday →
// Monday at Friday's 0.50 a day: 1.50, and 10.00 in all).
//
// Window [Tue 03-12, Sat 03-16): Tuesday to Friday.
//
//	Fri 03-08, Mon 03-11, Tue 03-12    0.50 + 1.50 + 0.50
//	Wed, Thu, Fri 03-13..15            5.00 each
//	Mon 03-18  Fri 5.00 + Sat 0.50 + Sun 0.50    6.00    23.50 in all
//
// (at the period's start: Friday → Monday at 5.00 a day, 15.00 and 32.50).
func TestBorrowWindowSplitsTheAccrual(t *testing.T) {
	days := []string{"2024-03-07", "2024-03-08", "2024-03-11", "2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15", "2024-03-18"}
	var rows []row
	for _, d := range days {
		rows = append(rows, row{d, 50, 50, 50, 50, 1})
	}
	p := panel(series(t, "A", data.Equity, rows))
	for _, tc := range []struct {
		name     string
		from, to int64
		want     map[string]float64
		total    float64
	}{
		{"from a Saturday", data.Day(2024, 3, 9), data.Day(2024, 3, 12),
			map[string]float64{"2024-03-08": 0.5, "2024-03-11": 10.5, "2024-03-12": 5, "2024-03-13": 0.5, "2024-03-14": 0.5, "2024-03-15": 0.5, "2024-03-18": 1.5}, 19},
		{"to a Saturday", data.Day(2024, 3, 12), data.Day(2024, 3, 16),
			map[string]float64{"2024-03-08": 0.5, "2024-03-11": 1.5, "2024-03-12": 0.5, "2024-03-13": 5, "2024-03-14": 5, "2024-03-15": 5, "2024-03-18": 6}, 23.5},
	} {
		cfg := Config{Cash: 10000, Equity: Terms{Borrow: Borrow{Rate: 0.036}}, Env: envWindow{tc.from, tc.to, func(f *EnvFactors) { f.BorrowSet = 0.36 }}}
		res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: -100}))
		got := ledgerOf(res, CostBorrow)
		for day, w := range tc.want {
			if !near(got[day], w, 1e-12) {
				t.Errorf("%s: borrow on %s = %.6f, want %.2f", tc.name, day, got[day], w)
			}
		}
		if len(got) != len(tc.want) || !near(res.Costs.Borrow, tc.total, 1e-12) {
			t.Errorf("%s: borrow %v, total %.6f, want %.2f", tc.name, got, res.Costs.Borrow, tc.total)
		}
	}
}
