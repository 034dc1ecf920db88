package engine

// Holding costs over gaps and mixed calendars: funding over a gap in a
// perpetual's bars, borrow on an equity held through a crypto weekend.

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Funding over a gap in a perpetual's bars is not charged on the position
// opened at the open after the gap: it pays from its opening only.
func TestFundingOverGapChargedToNewPosition(t *testing.T) {
	a := series(t, "P", data.Crypto, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-04", 100, 100, 100, 100, 1e9},
	})
	cfg := Config{Cash: 10000, Crypto: Terms{Funding: Funding{Interval: DefaultFundingInterval, Rate: 0.001}}}
	res := one(t, panel(a), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 10}))
	logFills(t, res)
	t.Logf("funding %.4f (held from the 01-04 open: 3 events x 10 x 100 x 0.001 = 3.00)", res.Costs.Funding)
	if math.Abs(res.Costs.Funding-3) > 1e-9 {
		t.Errorf("funding %.4f, want 3.00", res.Costs.Funding)
	}
}

func TestBorrowOnMixedCalendar(t *testing.T) {
	eq := series(t, "E", data.Equity, []row{
		{"2024-01-04", 50, 50, 50, 50, 1e9},
		{"2024-01-05", 50, 50, 50, 50, 1e9},
		{"2024-01-08", 50, 50, 50, 50, 1e9},
	})
	cr := series(t, "C", data.Crypto, []row{
		{"2024-01-04", 1, 1, 1, 1, 1e9}, {"2024-01-05", 1, 1, 1, 1, 1e9}, {"2024-01-06", 1, 1, 1, 1, 1e9},
		{"2024-01-07", 1, 1, 1, 1, 1e9}, {"2024-01-08", 1, 1, 1, 1, 1e9},
	})
	res := one(t, panel(eq, cr), Config{Cash: 1e4, Equity: Terms{Borrow: Borrow{Rate: 0.036}}}, at(0, Order{Instrument: 0, Kind: Market, Amount: -100}))
	t.Logf("borrow %.6f (want 3 days x 0.50 = 1.50)", res.Costs.Borrow)
	if math.Abs(res.Costs.Borrow-1.5) > 1e-9 {
		t.Error("borrow")
	}
}
