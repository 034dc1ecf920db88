package engine

// Regression tests from an adversarial review of the broker: each builds a
// small hand-made market whose right answer follows from the arithmetic in
// its comments (an all-in rotation never borrows, a stop that had nothing
// to do does not stay triggered, funding over a data gap is owed by the
// position held through it, a ruined account opens nothing, …).

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

func logFills(t *testing.T, res *Result) {
	for _, f := range res.Fills {
		t.Logf("  fill %s %s %+.6f @ %.6f com %.4f kind %s tag %q", data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Commission, f.Kind, f.Tag)
	}
}

// F1: rotation A->B with fixed slippage: the sell's slippage is not netted
// out of the equity the buy is sized against.
func TestAdvRotationSlippageCash(t *testing.T) {
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

// F2: rotation with lot sizes: the sell is truncated toward zero (keeps
// more A) while the buy is sized to its full weight.
func TestAdvRotationLotCash(t *testing.T) {
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

// F3: participation cap on the sell leg of a rotation: the sell fills in
// part, the buy in full.
func TestAdvRotationCapCash(t *testing.T) {
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

// F4: a target stop whose hit was skipped (position already closed by an
// earlier stop on the same bar) stays pending with triggered=true and
// fires at the open of the first bar after a later re-entry.
func TestAdvStaleTriggeredStop(t *testing.T) {
	a := series(t, "A", data.Crypto, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9}, // buy 100 @100
		{"2024-01-03", 100, 101, 90, 92, 1e9},   // both stops reached
		{"2024-01-04", 100, 100, 100, 100, 1e9}, // re-entry @100
		{"2024-01-05", 100, 101, 99, 100, 1e9},
		{"2024-01-06", 100, 101, 99, 100, 1e9},
	})
	res := one(t, panel(a), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.Buy(0, 100)
		case 1:
			ctx.Submit(Order{Instrument: 0, Kind: Stop, Sizing: TargetValue, StopPrice: 95, Tag: "stop95"})
			ctx.Submit(Order{Instrument: 0, Kind: Stop, Sizing: TargetValue, StopPrice: 94, Tag: "stop94"})
		case 2:
			ctx.Buy(0, 100)
		}
		return nil
	})
	logFills(t, res)
	if q := res.Portfolio.Qty[0]; q != 100 {
		t.Errorf("final position %g, want 100 (price never fell below 99 after re-entry)", q)
	}
}

// F5: Day order on an equity submitted on a Friday survives the crypto
// weekend and expires at the end of Monday; GTC survives.
func TestAdvDayOrderWeekend(t *testing.T) {
	// 2024-01-05 is a Friday.
	eq := series(t, "E", data.Equity, []row{
		{"2024-01-05", 100, 100, 100, 100, 1e9},
		{"2024-01-08", 100, 100, 100, 100, 1e9},
		{"2024-01-09", 100, 100, 80, 100, 1e9},
	})
	cr := series(t, "C", data.Crypto, []row{
		{"2024-01-05", 10, 10, 10, 10, 1e9},
		{"2024-01-06", 10, 10, 10, 10, 1e9},
		{"2024-01-07", 10, 10, 10, 10, 1e9},
		{"2024-01-08", 10, 10, 10, 10, 1e9},
		{"2024-01-09", 10, 10, 5, 10, 1e9},
	})
	res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 1, Price: 90, TIF: Day, Tag: "eqday"})
			ctx.Submit(Order{Instrument: 1, Kind: Limit, Amount: 1, Price: 6, TIF: Day, Tag: "crday"})
			ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 1, Price: 90, Tag: "eqgtc"})
		}
		return nil
	})
	logFills(t, res)
	for _, e := range res.Events {
		t.Logf("  event %s %s order %d", e.Kind, data.FormatDay(e.Time), e.Order)
	}
	if len(res.Fills) != 1 || res.Fills[0].Tag != "eqgtc" {
		t.Errorf("want only the GTC equity limit to fill (on 01-09)")
	}
}

// F6: a resting TargetWeight limit is sized without the commission: an
// all-in limit buy leaves cash negative by the commission.
func TestAdvRestingTargetWeightCommission(t *testing.T) {
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

// F7: funding over a gap in a perpetual's bars is charged on the position
// opened at the open after the gap.
func TestAdvFundingGapChargedToNewPosition(t *testing.T) {
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

// F8: a bankrupt account (equity < 0) can open a short by selling more
// than its long (|q1| < |q0| skips the no-equity check).
func TestAdvBankruptFlip(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 40, 40, 40, 40, 1e9},
		{"2024-01-04", 40, 40, 40, 40, 1e9},
	})
	res := one(t, panel(a), Config{Cash: 10000}, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.Buy(0, 200) // 2x, cash -10,000
		case 2:
			ctx.Sell(0, 399) // equity -2,000: flip to short 199
		}
		return nil
	})
	logFills(t, res)
	t.Logf("equity %v", res.Curve.Equity)
	if res.Portfolio.Qty[0] < 0 {
		t.Errorf("a bankrupt account opened a short of %g (ReasonNoEquity not applied)", res.Portfolio.Qty[0])
	}
}

// F9: split with raw prices and a pending quantity limit order, lot 1.
func TestAdvSplitPending(t *testing.T) {
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
			ctx.Buy(0, 3)
		}
		if s.Step == 1 {
			ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 3, Price: 80})
		}
		return nil
	})
	logFills(t, res)
	t.Logf("qty %g avg %g equity %v", res.Portfolio.Qty[0], res.Portfolio.AvgCost[0], res.Curve.Equity)
}

func TestAdvMOCStaleAndMargin(t *testing.T) {
	// 2024-01-05 Fri.
	eq := series(t, "E", data.Equity, []row{
		{"2024-01-05", 100, 100, 100, 100, 1e9},
		{"2024-01-08", 101, 103, 99, 102, 1e9},
	})
	cr := series(t, "C", data.Crypto, []row{
		{"2024-01-05", 100, 100, 100, 100, 1e9},
		{"2024-01-06", 100, 100, 100, 100, 1e9},
		{"2024-01-07", 100, 100, 78, 85, 1e9},
		{"2024-01-08", 85, 85, 85, 85, 1e9},
	})
	res := one(t, panel(eq, cr), Config{Cash: 1e4}, func(ctx *Context, s *Slice) error {
		if s.Step == 1 { // Saturday: E stale
			ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 1, TIF: Day, Tag: "moc-sat"})
		}
		return nil
	})
	logFills(t, res)
	if len(res.Fills) != 1 || res.Fills[0].Price != 102 {
		t.Errorf("MOC on a stale equity should fill at Monday's close 102")
	}
	// Margin: long E 50 (0.5/0.25), long C 400 at 5x (0.2/0.05); Sunday C low 80.
	cfg := Config{Cash: 1e4, Equity: Terms{Margin: Margin{Initial: 0.5, Maintenance: 0.25}},
		Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}}}
	res = one(t, panel(eq, cr), cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 50})
			ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Amount: 350})
		}
		return nil
	})
	logFills(t, res)
	for _, e := range res.Events {
		t.Logf("  event %s %s inst %d qty %.2f price %.2f", e.Kind, data.FormatDay(e.Time), e.Instrument, e.Qty, e.Price)
	}
	t.Logf("cash %v equity %v", res.Curve.Cash, res.Curve.Equity)
}

func TestAdvBorrowMixedCalendar(t *testing.T) {
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
