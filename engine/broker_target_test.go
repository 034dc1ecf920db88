package engine

// Target orders sized as a batch (TargetWeight, TargetValue): an unlevered
// rotation, trim or rebalance never borrows, whatever slippage, lot sizes,
// participation caps or commission it meets; a short that cannot be
// borrowed does not cancel the long leg of its batch; a cover is not scaled
// down when a capped sale falls short. Each builds a small hand-made market
// whose right answer follows from the arithmetic in its comments.

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

func flat(t *testing.T, sym string, cl data.Class, p float64, vols ...float64) data.Series {
	days := []string{"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"}
	var rows []row
	for k, d := range days {
		v := 1e9
		if k < len(vols) && vols[k] > 0 {
			v = vols[k]
		}
		rows = append(rows, row{d, p, p * 1.1, p * 0.9, p, v})
	}
	return series(t, sym, cl, rows)
}

// participation cap on the sell leg + fixed slippage: an unlevered
// rotation spends what the capped sale brought in, no more, no less. By
// hand: buy A at 100 × 1.01 = 101, 10,000 / 101 = 99.0099 shares, cash 0;
// on 01-03 the cap (0.5 × volume 100) sells 50 A at 99: 4,950, which buys
// 4,950 / 50.5 = 98.0198 B, cash 0; on 01-04 the other 49.0099 A sell at
// 99: cash 4,851.98.
func TestTargetRotationCapAndSlippageNeverBorrow(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100, 0, 0, 100)
	b := flat(t, "B", data.Crypto, 50)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{Bps: 100, MaxParticipation: 0.5}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			if _, err := ctx.TargetWeight(0, 1, Market, "in"); err != nil {
				return err
			}
		case 1:
			if _, err := ctx.TargetWeight(0, 0, Market, "out"); err != nil {
				return err
			}
			if _, err := ctx.TargetWeight(1, 1, Market, "in"); err != nil {
				return err
			}
		}
		return nil
	})
	logFills(t, res)
	if c := res.Curve.Cash[2]; math.Abs(c) > 1e-6 {
		t.Errorf("cash after capped+slipped unlevered rotation = %.9f, want 0 (neither borrowed nor left idle)", c)
	}
	if q, want := res.Portfolio.Qty[1], 4950/50.5; math.Abs(q-want) > 1e-9*want {
		t.Errorf("B bought %.9f, want 4,950 / 50.5 = %.9f", q, want)
	}
	if c, want := res.Curve.Cash[3], 10000.0/101*99-4950; math.Abs(c-want) > 1e-9*want {
		t.Errorf("cash after the rest of A sold = %.9f, want %.9f", c, want)
	}
}

// market-neutral batch; short leg refused (borrow unavailable): does the long leg vanish?
func TestTargetShortRejectedKeepsLongLeg(t *testing.T) {
	a := flat(t, "A", data.Equity, 100)
	b := flat(t, "B", data.Equity, 100)
	cfg := Config{Cash: 10000, Symbols: map[string]Terms{"A": {Borrow: Borrow{Unavailable: true}}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			if _, err := ctx.TargetWeight(0, -0.5, Market, "short"); err != nil {
				return err
			}
			if _, err := ctx.TargetWeight(1, 0.5, Market, "long"); err != nil {
				return err
			}
		}
		return nil
	})
	logFills(t, res)
	// The short is refused (A cannot be borrowed); the long leg fills in
	// full: 0.5 × 10,000 / 100 = 50 B, cash 10,000 − 5,000 = 5,000.
	if q := res.Portfolio.Qty; q[0] != 0 || math.Abs(q[1]-50) > 1e-9 {
		t.Errorf("positions %v, want [0 50]", q)
	}
	if c := res.Curve.Cash[1]; math.Abs(c-5000) > 1e-9 {
		t.Errorf("cash %.9f, want 5,000", c)
	}
}

// unwinding long B + short A to flat; B's sale capped: is the cover scaled?
func TestTargetCoverNotScaledByCappedSale(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100)
	b := flat(t, "B", data.Crypto, 100, 0, 0, 40)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.5}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			if _, err := ctx.Sell(0, 50); err != nil {
				return err
			}
			if _, err := ctx.Buy(1, 50); err != nil {
				return err
			}
		case 1:
			if _, err := ctx.TargetWeight(0, 0, Market, "cover"); err != nil {
				return err
			}
			if _, err := ctx.TargetWeight(1, 0, Market, "sell"); err != nil {
				return err
			}
		}
		return nil
	})
	logFills(t, res)
	if q := res.Portfolio.Qty[0]; q != 0 {
		t.Errorf("short A left at %g after a cover that needed no borrowing (cash before %.2f)", q, res.Curve.Cash[1])
	}
	// By hand: short 50 A and long 50 B at 100, cash 10,000 + 5,000 − 5,000
	// = 10,000; on 01-03 the whole cover (−5,000) and the capped sale of
	// 0.5 × 40 = 20 B (+2,000): 7,000; on 01-04 the other 30 B: 10,000.
	for k, want := range map[int]float64{1: 10000, 2: 7000, 3: 10000} {
		if c := res.Curve.Cash[k]; math.Abs(c-want) > 1e-9 {
			t.Errorf("cash at step %d = %.9f, want %g", k, c, want)
		}
	}
	if q := res.Portfolio.Qty[1]; q != 0 {
		t.Errorf("B left at %g, want 0 once the capped sale has carried over", q)
	}
}

// A partial trim and a new buy, weights summing to 1, 1% slippage: the
// buy spends what the trim brought in, and cash never goes below 0.
func TestTargetTrimAndBuyWithSlippageNeverBorrow(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100)
	c := flat(t, "C", data.Crypto, 100)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{Bps: 100}}}
	res := one(t, panel(a, c), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			if _, err := ctx.TargetWeight(0, 1, Market, "in"); err != nil {
				return err
			}
		case 1:
			if _, err := ctx.TargetWeight(0, 0.9, Market, "trim"); err != nil {
				return err
			}
			if _, err := ctx.TargetWeight(1, 0.1, Market, "buy"); err != nil {
				return err
			}
		}
		return nil
	})
	logFills(t, res)
	// Weights summing to 1 with cash 0: the buy of C spends exactly what
	// the trim of A brought in (sold at 99, bought at 101), so cash stays
	// 0 on both sides: neither borrowed nor left idle.
	if c := res.Curve.Cash[2]; math.Abs(c) > 1e-6 {
		t.Errorf("cash after sum-1 trim+buy with slippage = %.9f, want 0", c)
	}
	var sold, bought float64
	for _, f := range res.Fills[1:] {
		if f.Qty < 0 {
			sold -= f.Qty * f.Price
		} else {
			bought += f.Qty * f.Price
		}
	}
	if len(res.Fills) != 3 || sold <= 0 || math.Abs(sold-bought) > 1e-6 {
		t.Errorf("%d fills, trim brought %.9f, buy cost %.9f: want 3 fills, equal amounts", len(res.Fills), sold, bought)
	}
}

// A rotation A->B with fixed slippage: the sell's slippage is accounted
// for when the buy is sized, so cash never goes below 0.
func TestTargetRotationSlippageNeverBorrows(t *testing.T) {
	a := series(t, "A", data.Crypto, []row{
		{"2024-01-01", 100, 110, 90, 100, 1e9},
		{"2024-01-02", 100, 110, 90, 100, 1e9},
		{"2024-01-03", 100, 110, 90, 100, 1e9},
	})
	b := series(t, "B", data.Crypto, []row{
		{"2024-01-01", 50, 55, 45, 50, 1e9},
		{"2024-01-02", 50, 55, 45, 50, 1e9},
		{"2024-01-03", 50, 55, 45, 50, 1e9},
	})
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{Bps: 100}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.TargetWeight(0, 1, Market, "in")
		case 1:
			ctx.TargetWeight(0, 0, Market, "out")
			ctx.TargetWeight(1, 1, Market, "in")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash per step %v", res.Curve.Cash)
	if c := res.Curve.Cash[2]; c < -1e-9 {
		t.Errorf("cash after an all-in rotation = %.6f, want >= 0", c)
	}
}

// A rotation with lot sizes: the sell is truncated toward zero (it keeps
// more A), and the buy does not spend more than the sell brought in:
// cash never goes below 0.
func TestTargetRotationLotsNeverBorrow(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 30, 30, 30, 30, 1e9},
		{"2024-01-02", 30, 30, 30, 30, 1e9},
		{"2024-01-03", 30, 30, 30, 30, 1e9},
	})
	b := series(t, "B", data.Equity, []row{
		{"2024-01-01", 1, 1, 1, 1, 1e9},
		{"2024-01-02", 1, 1, 1, 1, 1e9},
		{"2024-01-03", 1, 1, 1, 1, 1e9},
	})
	a.LotSize, b.LotSize = 1, 1
	res := one(t, panel(a, b), Config{Cash: 1000}, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.TargetWeight(0, 1, Market, "in")
		case 1:
			ctx.TargetWeight(0, 0.5, Market, "half")
			ctx.TargetWeight(1, 0.5, Market, "half")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash per step %v", res.Curve.Cash)
	if c := res.Curve.Cash[2]; c < -1e-9 {
		t.Errorf("cash after a sum-1 rebalance with lots = %.6f, want >= 0", c)
	}
}

// participation cap on the sell leg of a rotation: the sell fills in
// part, the buy in full.
func TestTargetRotationCappedSellNeverBorrows(t *testing.T) {
	a := series(t, "A", data.Crypto, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 100, 100, 100, 100, 100}, // thin: cap 50
		{"2024-01-04", 100, 100, 100, 100, 1e9},
	})
	b := series(t, "B", data.Crypto, []row{
		{"2024-01-01", 50, 50, 50, 50, 1e9},
		{"2024-01-02", 50, 50, 50, 50, 1e9},
		{"2024-01-03", 50, 50, 50, 50, 1e9},
		{"2024-01-04", 50, 50, 50, 50, 1e9},
	})
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.5}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.TargetWeight(0, 1, Market, "in")
		case 1:
			ctx.TargetWeight(0, 0, Market, "out")
			ctx.TargetWeight(1, 1, Market, "in")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash per step %v", res.Curve.Cash)
	t.Logf("gross per step %v equity %v", res.Curve.Gross, res.Curve.Equity)
	if c := res.Curve.Cash[2]; c < -1e-9 {
		t.Errorf("cash after capped rotation = %.6f, want >= 0", c)
	}
}

// A resting TargetWeight limit is sized with the commission: an all-in
// limit buy leaves cash at or above 0.
func TestTargetWeightLimitSizedWithCommission(t *testing.T) {
	a := series(t, "A", data.Crypto, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 101, 95, 100, 1e9},
	})
	res := one(t, panel(a), Config{Cash: 10000, Commission: 10}, at(0, Order{Instrument: 0, Kind: Limit, Sizing: TargetWeight, Amount: 1, Price: 98}))
	logFills(t, res)
	t.Logf("cash %v", res.Curve.Cash)
	if c := res.Curve.Cash[1]; c < -1e-9 {
		t.Errorf("cash %.4f after an all-in TargetWeight limit, want >= 0", c)
	}
}
