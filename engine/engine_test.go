package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Three weekday bars of one stock.
func abc(t *testing.T) *data.Panel {
	return panel(series(t, "A", data.Equity, []row{
		{"2024-01-02", 100, 100, 100, 100, 1e6},
		{"2024-01-03", 101, 103, 100, 102, 1e6},
		{"2024-01-04", 103, 104, 98, 99, 1e6},
	}))
}

func TestHandComputedLongRoundTrip(t *testing.T) {
	p := abc(t)
	strat := script(func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			_, err := ctx.Buy(0, 50)
			return err
		case 1:
			_, err := ctx.Sell(0, 20)
			return err
		}
		return nil
	})
	res, err := Run(p, nil, strat, Config{Cash: 10000, Commission: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Day 1: nothing filled yet: equity 10,000.
	// Day 2: buy 50 at the open 101: cost 5,050, commission 10 bps = 5.05.
	//        cash 10,000 − 5,050 − 5.05 = 4,944.95; equity 4,944.95 + 50×102 = 10,044.95.
	// Day 3: sell 20 at the open 103: proceeds 2,060, commission 2.06.
	//        cash 4,944.95 + 2,060 − 2.06 = 7,002.89; equity 7,002.89 + 30×99 = 9,972.89.
	//        realized (103 − 101) × 20 = 40; unrealized 30 × (99 − 101) = −60;
	//        check: 10,000 + 40 − 60 − 7.11 = 9,972.89.
	wantEq := []float64{10000, 10044.95, 9972.89}
	wantCash := []float64{10000, 4944.95, 7002.89}
	for k := range wantEq {
		if !near(res.Curve.Equity[k], wantEq[k], 1e-12) || !near(res.Curve.Cash[k], wantCash[k], 1e-12) {
			t.Errorf("day %d: equity %.6f cash %.6f, want %.2f %.2f", k, res.Curve.Equity[k], res.Curve.Cash[k], wantEq[k], wantCash[k])
		}
	}
	if len(res.Fills) != 2 || res.Fills[0].Price != 101 || res.Fills[1].Price != 103 {
		t.Fatalf("fills %+v", res.Fills)
	}
	pf := res.Portfolio
	if !near(pf.Realized[0], 40, 1e-12) || pf.AvgCost[0] != 101 || pf.Qty[0] != 30 || !near(pf.Commission, 7.11, 1e-12) {
		t.Errorf("portfolio %+v", pf)
	}
	// Drawdown: peak 10,044.95, then 9,972.89: 9,972.89/10,044.95 − 1.
	if dd := res.Curve.Drawdown[2]; !near(dd, 9972.89/10044.95-1, 1e-12) {
		t.Errorf("drawdown %g", dd)
	}
}

func TestShortSaleCreditsCash(t *testing.T) {
	p := abc(t)
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Sell(0, 10)
			return err
		}
		if s.Step == 1 {
			_, err := ctx.Buy(0, 4)
			return err
		}
		return nil
	})
	res, err := Run(p, nil, strat, Config{Cash: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Day 2: short 10 at 101: cash 1,000 + 1,010 = 2,010; equity 2,010 − 10×102 = 990;
	//        gross 1,020, net −1,020.
	// Day 3: cover 4 at 103: cash 2,010 − 412 = 1,598; realized (101 − 103) × 4 = −8;
	//        equity 1,598 − 6×99 = 1,004.
	c := res.Curve
	if c.Cash[1] != 2010 || c.Equity[1] != 990 || c.Gross[1] != 1020 || c.Net[1] != -1020 {
		t.Errorf("day 2: cash %g equity %g gross %g net %g", c.Cash[1], c.Equity[1], c.Gross[1], c.Net[1])
	}
	if c.Cash[2] != 1598 || c.Equity[2] != 1004 || res.Portfolio.Realized[0] != -8 || res.Portfolio.AvgCost[0] != 101 {
		t.Errorf("day 3: cash %g equity %g realized %g avg %g", c.Cash[2], c.Equity[2], res.Portfolio.Realized[0], res.Portfolio.AvgCost[0])
	}
}

func TestFlipThroughZero(t *testing.T) {
	pf := NewPortfolio(1, 0)
	pf.apply(0, 10, 100, 0)  // long 10 @ 100
	pf.apply(0, -15, 110, 0) // sell 15 @ 110: realize (110−100)×10 = 100, short 5 @ 110
	if pf.Qty[0] != -5 || pf.AvgCost[0] != 110 || pf.Realized[0] != 100 {
		t.Fatalf("after flip: %+v", pf)
	}
	pf.apply(0, -5, 120, 0) // add to short: avg (5×110 + 5×120)/10 = 115
	if pf.AvgCost[0] != 115 {
		t.Fatalf("avg %g, want 115", pf.AvgCost[0])
	}
	pf.apply(0, 10, 100, 0) // cover all at 100: realize (100 − 115) × −10 = 150
	if pf.Qty[0] != 0 || pf.AvgCost[0] != 0 || pf.Realized[0] != 250 {
		t.Fatalf("after cover: %+v", pf)
	}
	// Cash: −1,000 + 1,650 + 600 − 1,000 = 250 = realized.
	if pf.Cash != 250 {
		t.Fatalf("cash %g", pf.Cash)
	}
}

// A strategy that sees today's close and "knows" the move cannot trade at
// that close with a market order: the fill is at the next bar's open. Only
// an explicit market-on-close order fills at the close it saw.
func TestNoLookAhead(t *testing.T) {
	p := abc(t)
	for _, tc := range []struct {
		kind OrderKind
		want float64
	}{{Market, 101}, {MarketOnClose, 100}} {
		strat := script(func(ctx *Context, s *Slice) error {
			if s.Step == 0 {
				if ctx.Price(0) != 100 {
					t.Fatalf("the strategy should see the close 100, saw %g", ctx.Price(0))
				}
				_, err := ctx.Submit(Order{Instrument: 0, Kind: tc.kind, Amount: 1})
				return err
			}
			return nil
		})
		res, err := Run(p, nil, strat, Config{Cash: 1000})
		if err != nil {
			t.Fatal(err)
		}
		f := res.Fills[0]
		if f.Price != tc.want {
			t.Errorf("%s order placed on day 1's close filled at %g, want %g", tc.kind, f.Price, tc.want)
		}
		wantDay := p.Series[0].Time[0]
		if tc.kind == Market {
			wantDay = p.Series[0].Time[1]
		}
		if f.Time != wantDay {
			t.Errorf("%s filled on %s", tc.kind, data.FormatDay(f.Time))
		}
	}
}

// The history a strategy is shown ends at the current bar, and what it did
// up to a step does not change when later bars change.
func TestHistoryEndsNow(t *testing.T) {
	base := abc(t)
	changed := abc(t)
	changed.Series[0].Close[2] = 50
	changed.Series[0].Low[2] = 50
	var seen [2][]float64
	for n, p := range []*data.Panel{base, changed} {
		strat := script(func(ctx *Context, s *Slice) error {
			h := ctx.History(0, Close, 10)
			if len(h) != s.Step+1 {
				t.Fatalf("step %d: history of %d bars", s.Step, len(h))
			}
			if s.Step < 2 {
				seen[n] = append(seen[n], h[len(h)-1])
			}
			return nil
		})
		if _, err := Run(p, nil, strat, Config{Cash: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for k := range seen[0] {
		if seen[0][k] != seen[1][k] {
			t.Fatalf("step %d saw %g vs %g: a future bar leaked", k, seen[0][k], seen[1][k])
		}
	}
}

// All in at 100% with commission, and the next open gaps up 10%: the order
// fills (sized at the fill price), and cash ends at zero, not below.
func TestAllInNeverNeedsNegativeCash(t *testing.T) {
	p := panel(series(t, "A", data.Equity, []row{
		{"2024-01-02", 100, 100, 100, 100, 1},
		{"2024-01-03", 110, 111, 109, 110, 1},
	}))
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.TargetWeight(0, 1, Market, "all in")
			return err
		}
		return nil
	})
	res, err := Run(p, nil, strat, Config{Cash: 10000, Commission: 25})
	if err != nil {
		t.Fatal(err)
	}
	// q × 110 × (1 + 0.0025) = 10,000 → q = 10,000 / 110.275 = 90.6823849...
	want := 10000 / (110 * 1.0025)
	if len(res.Fills) != 1 || !near(res.Fills[0].Qty, want, 1e-12) {
		t.Fatalf("fills %+v, want qty %g", res.Fills, want)
	}
	if c := res.Portfolio.Cash; c < -1e-9 || c > 1e-9 {
		t.Fatalf("cash %g, want 0", c)
	}
}

// Switching all of A into all of B in one batch at 1%: the commission on
// both legs comes out of the equity the target is sized on.
func TestTargetBatchSwitch(t *testing.T) {
	days := []row{{"2024-01-02", 10, 10, 10, 10, 1}, {"2024-01-03", 10, 10, 10, 10, 1}, {"2024-01-04", 10, 10, 10, 10, 1}}
	daysB := []row{{"2024-01-02", 20, 20, 20, 20, 1}, {"2024-01-03", 20, 20, 20, 20, 1}, {"2024-01-04", 20, 20, 20, 20, 1}}
	p := panel(series(t, "A", data.Equity, days), series(t, "B", data.Equity, daysB))
	strat := script(func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			_, err := ctx.TargetWeight(0, 1, Market, "")
			return err
		case 1:
			if _, err := ctx.TargetWeight(0, 0, Market, ""); err != nil {
				return err
			}
			_, err := ctx.TargetWeight(1, 1, Market, "")
			return err
		}
		return nil
	})
	res, err := Run(p, nil, strat, Config{Cash: 1000, Commission: 100})
	if err != nil {
		t.Fatal(err)
	}
	// Day 2: 1,000 = q×10×1.01 → q_A = 99.0099…, cash 0, equity 990.099.
	// Day 3: E = 990.099; sell all A (value 990.099, fee 9.90099), buy B worth
	// v = E − K where K = 0.01 × (990.099 + v) → v = (E − 9.90099)/1.01
	// = 970.59…; cash after = E − K − v = 0.
	qa := 1000 / 10.1
	E := qa * 10
	v := (E - 0.01*E) / 1.01
	if q := res.Portfolio.Qty[1]; !near(q*20, v, 1e-12) {
		t.Fatalf("B value %g, want %g", q*20, v)
	}
	if res.Portfolio.Qty[0] != 0 {
		t.Fatalf("A qty %g", res.Portfolio.Qty[0])
	}
	if c := res.Portfolio.Cash; math.Abs(c) > 1e-9 {
		t.Fatalf("cash %g, want 0", c)
	}
	// The sell is booked before the buy.
	if res.Fills[1].Symbol != "A" || res.Fills[2].Symbol != "B" {
		t.Fatalf("fill order %v %v", res.Fills[1].Symbol, res.Fills[2].Symbol)
	}
}

// A series whose times go back (unsorted, or a million daily bars from
// 2000, which pass 2262 and wrap) is refused, naming the series and the
// bar: the timeline would not increase, and every rule that compares
// times (a bar's close, an order's wait) would mean nothing.
func TestRunRefusesTimesGoingBack(t *testing.T) {
	s := series(t, "X", data.Crypto, []row{{"2024-01-01", 1, 1, 1, 1, 1}, {"2024-01-02", 1, 1, 1, 1, 1}, {"2024-01-03", 1, 1, 1, 1, 1}})
	s.Time[2] = s.Time[0] - data.NanosPerDay // 2023-12-31
	_, err := Run(panel(s), nil, script(func(*Context, *Slice) error { return nil }), Config{Cash: 1})
	want := "engine: the panel's times go back: X's bar 3 is stamped 2023-12-31T00:00:00Z, not after 2024-01-02T00:00:00Z"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %s…", err, want)
	}
}
