package engine

// Regression tests from a review of the target-batch sizing: an unlevered
// trim or rotation with slippage never borrows, a short that cannot be
// borrowed does not cancel the long leg of its batch, a cover is not
// scaled down when a capped sale falls short.

import (
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

// R1: participation cap on the sell leg + fixed slippage: cash < 0 after an unlevered rotation.
func TestRVCapPlusSlippage(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100, 0, 0, 100)
	b := flat(t, "B", data.Crypto, 50)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{Bps: 100, MaxParticipation: 0.5}}}
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
	t.Logf("cash %v", res.Curve.Cash)
	if c := res.Curve.Cash[2]; c < -1e-9 {
		t.Errorf("cash after capped+slipped unlevered rotation = %.6f, want >= 0", c)
	}
}

// R2: market-neutral batch; short leg refused (borrow unavailable): does the long leg vanish?
func TestRVShortRejectedDropsLong(t *testing.T) {
	a := flat(t, "A", data.Equity, 100)
	b := flat(t, "B", data.Equity, 100)
	cfg := Config{Cash: 10000, Symbols: map[string]Terms{"A": {Borrow: Borrow{Unavailable: true}}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			ctx.TargetWeight(0, -0.5, Market, "short")
			ctx.TargetWeight(1, 0.5, Market, "long")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash %v qty %v", res.Curve.Cash, res.Portfolio.Qty)
	if res.Portfolio.Qty[1] < 49 {
		t.Errorf("long leg %g, want 50 (buying it needs no borrowing: cash 10000 -> 5000)", res.Portfolio.Qty[1])
	}
}

// R3: unwinding long B + short A to flat; B's sale capped: is the cover scaled?
func TestRVCoverScaled(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100)
	b := flat(t, "B", data.Crypto, 100, 0, 0, 40)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.5}}}
	res := one(t, panel(a, b), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.Sell(0, 50)
			ctx.Buy(1, 50)
		case 1:
			ctx.TargetWeight(0, 0, Market, "cover")
			ctx.TargetWeight(1, 0, Market, "sell")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash %v qty %v", res.Curve.Cash, res.Portfolio.Qty)
	if q := res.Portfolio.Qty[0]; q != 0 {
		t.Errorf("short A left at %g after a cover that needed no borrowing (cash before %.2f)", q, res.Curve.Cash[1])
	}
}

// R4: partial trim + new buy, sum of weights 1, 1% slippage: cash < 0.
func TestRVTrimSlippage(t *testing.T) {
	a := flat(t, "A", data.Crypto, 100)
	c := flat(t, "C", data.Crypto, 100)
	cfg := Config{Cash: 10000, Crypto: Terms{Slippage: Slippage{Bps: 100}}}
	res := one(t, panel(a, c), cfg, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.TargetWeight(0, 1, Market, "in")
		case 1:
			ctx.TargetWeight(0, 0.9, Market, "trim")
			ctx.TargetWeight(1, 0.1, Market, "buy")
		}
		return nil
	})
	logFills(t, res)
	t.Logf("cash %v", res.Curve.Cash)
	if c := res.Curve.Cash[2]; c < -1e-9 {
		t.Errorf("cash after sum-1 trim+buy with slippage = %.6f, want >= 0", c)
	}
}
