package engine

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// TestExtremeMagnitudesToTheCent: a short of 1e12 units of a 1e-6 token
// (commission 10 bps, minimum 5) beside a long of 1e7 coins at 1e5 (a
// 1e12 notional: 1 bp plus 0.001 a unit, funding 1e-4 every 8 hours) on
// 1e12 of cash, every amount checked by hand to the cent.
func TestExtremeMagnitudesToTheCent(t *testing.T) {
	pepe := series(t, "PEPE", data.Crypto, []row{
		{"2024-01-01", 1e-6, 1e-6, 1e-6, 1e-6, 1e20},
		{"2024-01-02", 1.5e-6, 1.5e-6, 1.5e-6, 1.5e-6, 1e20},
		{"2024-01-03", 2e-6, 2e-6, 2e-6, 2e-6, 1e20},
	})
	btc := series(t, "BTC", data.Crypto, []row{
		{"2024-01-01", 1e5, 1e5, 1e5, 1e5, 1e20},
		{"2024-01-02", 1e5, 1e5, 1e5, 1e5, 1e20},
		{"2024-01-03", 100000.01, 100000.01, 100000.01, 100000.01, 1e20},
	})
	st := script(func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		if _, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Sizing: Quantity, Amount: -1e12}); err != nil {
			return err
		}
		_, err := ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Sizing: Quantity, Amount: 1e7})
		return err
	})
	cfg := Config{Cash: 1e12, Symbols: map[string]Terms{
		"PEPE": {Commission: Commission{Bps: 10, Minimum: 5}},
		"BTC":  {Commission: Commission{Bps: 1, PerShare: 0.001}, Funding: Funding{Rate: 1e-4, Interval: int64(8 * time.Hour)}},
	}}
	res, err := Run(panel(pepe, btc), nil, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// PEPE: 1e12 × 1e-6 = 1e6 notional, 10 bps = 1000 (above the 5
	// minimum). BTC: 1e7 × 1e5 = 1e12, 1 bp = 1e8, plus 0.001 × 1e7 =
	// 1e4: 100,010,000.
	// Cash at the first close: 1e12 + 1e6 − 1000 − 1e12 − 100,010,000
	// = −99,011,000; equity = cash − 1e12 × 1e-6 + 1e7 × 1e5
	// = 999,899,989,000.
	// Day 2: three funding events on 1e7 × 1e5: 3 × 1e-4 × 1e12 = 3e8;
	// cash −399,011,000; the short is marked at 1.5e-6 (−1.5e6):
	// equity = −399,011,000 − 1.5e6 + 1e12 = 999,599,489,000.
	// Day 3: 3 × 1e-4 × 1e7 × 100,000.01 = 300,000,030; cash
	// −699,011,030; equity = −699,011,030 − 2e6 + 1,000,000,100,000
	// = 999,299,088,970.
	wantCom := []float64{1000, 100010000}
	for k, f := range res.Fills {
		if f.Commission != wantCom[k] {
			t.Errorf("fill %d (%s): commission %.6f, want %.0f", k, f.Symbol, f.Commission, wantCom[k])
		}
	}
	want := []struct{ cash, equity float64 }{
		{-99011000, 999899989000},
		{-399011000, 999599489000},
		{-699011030, 999299088970},
	}
	if len(res.Curve.Equity) != len(want) || len(res.Fills) != 2 {
		t.Fatalf("%d points, %d fills; want 3 and 2", len(res.Curve.Equity), len(res.Fills))
	}
	for k, w := range want {
		t.Run(data.FormatDay(res.Curve.Time[k]), func(t *testing.T) {
			if d := res.Curve.Cash[k] - w.cash; d > 0.005 || d < -0.005 {
				t.Errorf("cash %.4f, want %.2f", res.Curve.Cash[k], w.cash)
			}
			if d := res.Curve.Equity[k] - w.equity; d > 0.005 || d < -0.005 {
				t.Errorf("equity %.4f, want %.2f", res.Curve.Equity[k], w.equity)
			}
		})
	}
	if f := res.Costs.Funding; f < 600000029.995 || f > 600000030.005 {
		t.Errorf("funding %.4f, want 600,000,030", f)
	}
}

// TestDustSnapKeepsTheMoney: a sale within 1e-12 of a whole position
// leaves it flat (float dust is not kept as a position); the dust is sold
// at the fill price, not dropped. At 1e12 units the 1e-12 is 1 unit: a
// sale of 1e12 − 0.5 at 1 left the position flat and the cash 0.5 short
// (equity 2e12 − 0.5, not 2e12); a sale of 1e12 + 0.5 credited 0.5 for
// units never sold.
func TestDustSnapKeepsTheMoney(t *testing.T) {
	for _, c := range []struct {
		name string
		sell float64
	}{
		{"short of the position", 1e12 - 0.5},
		{"past the position", 1e12 + 0.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := series(t, "A", data.Crypto, []row{
				{"2024-01-01", 1, 1, 1, 1, 1e30},
				{"2024-01-02", 1, 1, 1, 1, 1e30},
			})
			st := script(func(ctx *Context, s *Slice) error {
				q := 1e12
				if s.Step == 1 {
					q = -c.sell
				}
				_, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Sizing: Quantity, Amount: q})
				return err
			})
			res, err := Run(panel(a), nil, st, Config{Cash: 2e12})
			if err != nil {
				t.Fatal(err)
			}
			// No costs, price 1 throughout: flat at the end, cash and
			// equity 2e12 − 1e12 × 1 + 1e12 × 1 = 2e12; the fill books
			// the whole position, −1e12.
			p := res.Portfolio
			if p.Qty[0] != 0 || p.Cash != 2e12 || res.Curve.Equity[1] != 2e12 {
				t.Errorf("qty %g, cash %.4f, equity %.4f; want 0, 2e12, 2e12", p.Qty[0], p.Cash, res.Curve.Equity[1])
			}
			if f := res.Fills[len(res.Fills)-1]; f.Qty != -1e12 {
				t.Errorf("the sale filled %.4f, want −1e12 (the position)", f.Qty)
			}
		})
	}
}
