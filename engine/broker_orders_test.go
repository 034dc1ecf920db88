package engine

// Orders over time: a stop whose hit had nothing to close does not stay
// triggered, Day orders live through a crypto weekend, a market-on-close
// order on a stale equity fills at its next close.

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

// A target stop whose hit was skipped (the position already closed by an
// earlier stop on the same bar) does not stay triggered: after a later
// re-entry it does not fire at the next open while the price stays above
// it.
func TestStopSkippedHitDoesNotStayTriggered(t *testing.T) {
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

// Day order on an equity submitted on a Friday survives the crypto
// weekend and expires at the end of Monday; GTC survives.
func TestDayOrderSurvivesCryptoWeekend(t *testing.T) {
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

func TestMarketOnCloseStaleEquityAndWeekendMargin(t *testing.T) {
	// 2024-01-05 Fri. E starts on Thursday, alone: its market-on-close
	// order decided there fills at Thursday's close (21:00 UTC), as no
	// later close has been seen; decided on Friday beside C's bar, which
	// closes at 24:00 UTC, it would wait for Monday's.
	eq := series(t, "E", data.Equity, []row{
		{"2024-01-04", 100, 100, 100, 100, 1e9},
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
		if s.Step == 2 { // Saturday: E stale
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
		switch s.Step {
		case 0: // Thursday: E alone
			ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 50})
		case 1: // Friday
			ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Amount: 350})
		}
		return nil
	})
	logFills(t, res)
	// By hand. Thursday: cash 10,000 − 50×100 = 5,000. Friday: cash
	// 5,000 − 350×100 = −30,000; initial
	// margin 5,000×0.5 + 35,000×0.2 = 9,500 ≤ equity 10,000, accepted.
	// Sunday (E stale at 100, C's low 78): equity at the worst prices
	// −30,000 + 5,000 + 350×78 = 2,300 < maintenance 5,000×0.25 +
	// 27,300×0.05 = 2,615: a margin call. Only C has a bar, so only C is
	// liquidated, at its liquidation price with E held at 100:
	// −25,000 + 350·L = 1,250 + 0.05·350·L → L = 26,250/332.5 = 78.947368
	// (the bar opened at 100, above L: no gap). Fee 1% × 350 × L =
	// 276.315789; cash −30,000 + 27,631.578947 − 276.315789 = −2,644.736842;
	// equity 2,355.263158 on Sunday, + 50×2 on Monday (E closes 102).
	const L = 26250 / 332.5
	var liq *Fill
	for i := range res.Fills {
		if res.Fills[i].Kind == Liquidation {
			liq = &res.Fills[i]
		}
	}
	if liq == nil || liq.Instrument != 1 || liq.Qty != -350 || math.Abs(liq.Price-L) > 1e-9 {
		t.Fatalf("liquidation fill %+v, want C −350 at %.6f", liq, L)
	}
	calls := 0
	for _, e := range res.Events {
		t.Logf("  event %s %s inst %d qty %.2f price %.2f", e.Kind, data.FormatDay(e.Time), e.Instrument, e.Qty, e.Price)
		if e.Kind == EventMarginCall {
			calls++
			if math.Abs(e.Qty-2300) > 1e-9 || math.Abs(e.Price-2615) > 1e-9 {
				t.Errorf("margin call equity %v / requirement %v, want 2,300 / 2,615", e.Qty, e.Price)
			}
		}
	}
	if calls != 1 {
		t.Errorf("%d margin calls, want 1", calls)
	}
	wantCash := -30000 + 350*L - 0.01*350*L
	wantEq := []float64{10000, 10000, 10000, wantCash + 5000, wantCash + 5100}
	for k, w := range wantEq {
		if math.Abs(res.Curve.Equity[k]-w) > 1e-9 {
			t.Errorf("equity[%d] = %.6f, want %.6f", k, res.Curve.Equity[k], w)
		}
	}
	if math.Abs(res.Curve.Cash[4]-wantCash) > 1e-9 || math.Abs(wantCash-(-2644.736842)) > 1e-6 {
		t.Errorf("cash %.6f, want %.6f (−2,644.736842)", res.Curve.Cash[4], wantCash)
	}
}
