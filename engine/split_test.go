package engine

// Splits with raw prices and orders pending across them.

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// split with raw prices and a pending quantity limit order, lot 1.
func TestSplitScalesPendingLimitOrder(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 50, 50, 50, 50, 1e9},
		{"2024-01-04", 50, 50, 40, 50, 1e9},
	})
	a.LotSize = 1
	s3, _ := data.ParseDay("2024-01-03")
	cfg := Config{Cash: 10000, Splits: map[string][]Split{"A": {{Time: s3, Ratio: 1.5}}}}
	res := one(t, panel(a), cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			if _, err := ctx.Buy(0, 3); err != nil {
				return err
			}
		}
		if s.Step == 1 {
			if _, err := ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 3, Price: 80}); err != nil {
				return err
			}
		}
		return nil
	})
	logFills(t, res)
	// By hand (docs/execution.md, "Splits"): 3 A bought at the 01-02 open,
	// 100 (cash 9,700). The 3-for-2 split on 01-03 makes them 4.5 at an
	// average cost of 100 / 1.5 = 66.67, and the pending limit (buy 3 at 80)
	// a limit to buy 3 × 1.5 = 4.5 at 80 / 1.5 = 53.33: the same order in
	// new shares (the lot size rounds what a strategy asks for, not what a
	// split makes of it). The 01-03 open, 50, is below the limit: 4.5 fill
	// at 50 (cash 9,700 − 225 = 9,475). Position 9 at an average cost of
	// (4.5 × 66.67 + 4.5 × 50) / 9 = 58.33; equity 9,475 + 9 × 50 = 9,925.
	if len(res.Fills) != 2 {
		t.Fatalf("%d fills, want 2", len(res.Fills))
	}
	if f := res.Fills[1]; f.Kind != Limit || math.Abs(f.Qty-4.5) > 1e-12 || f.Price != 50 || data.FormatDay(f.Time) != "2024-01-03" {
		t.Errorf("limit fill %s %s %g at %g, want a limit fill of 4.5 at 50 on 2024-01-03", data.FormatDay(f.Time), f.Kind, f.Qty, f.Price)
	}
	if q, avg := res.Portfolio.Qty[0], res.Portfolio.AvgCost[0]; math.Abs(q-9) > 1e-12 || math.Abs(avg-525.0/9) > 1e-9 {
		t.Errorf("position %g at %g, want 9 at 58.33", q, avg)
	}
	for k, want := range []float64{10000, 10000, 9925, 9925} {
		if e := res.Curve.Equity[k]; math.Abs(e-want) > 1e-9 {
			t.Errorf("equity at step %d = %.9f, want %g", k, e, want)
		}
	}
}
