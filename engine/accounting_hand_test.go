package engine

// Small runs whose cash, fills and ledger are computed by hand: borrow
// across a weekend and a split, funding on hourly bars with a gap,
// margin and liquidation (cross, gapped through, isolated with a
// shortfall), a dividend on a short whose ex-date has no bar.

import (
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// barsAt builds flat bars (open = high = low = close) at the given
// instants and prices.
func barsAt(t *testing.T, sym string, class data.Class, times []time.Time, px []float64) data.Series {
	t.Helper()
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: "test"}}
	for k, tm := range times {
		s.Time = append(s.Time, tm.UnixNano())
		for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose} {
			*c = append(*c, px[k])
		}
		s.Volume = append(s.Volume, 1e6)
	}
	if err := s.Validate(sym); err != nil {
		t.Fatal(err)
	}
	s.SetInterval()
	return s
}

// entries lists the ledger's amounts of kind k in order.
func entries(res *Result, k CostKind) []float64 {
	var out []float64
	for _, e := range res.Ledger {
		if e.Kind == k {
			out = append(out, e.Amount)
		}
	}
	return out
}

func sameAmounts(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-9 {
			t.Errorf("%s[%d] = %.12g, want %g", what, k, got[k], want[k])
		}
	}
}

// A short of 100 E at 100, sold at Thursday's close, 3.6 %/yr (1.00 a
// day on 10,000, ACT/360), 2-for-1 split dated Monday (the price 100 →
// 50, the short −100 → −200: still 10,000). Alone, E's steps are Thu,
// Fri, Mon, Tue: Thu→Fri 1 day = 1; Fri→Mon 3 days = 3; Mon→Tue 200 ×
// 50 × 0.036 / 360 = 1: 5, cash 10,000 + 10,000 − 5 = 19,995. Beside a
// token trading every day the short pays a day at each step, the same
// Fri→Mon 3 in all; its market-on-close sale waits for Friday's close,
// as the token's Thursday close is after E's (no look-ahead): 4 days,
// 19,996.
func TestBorrowAcrossWeekendAndSplitByHand(t *testing.T) {
	e := series(t, "E", data.Equity, []row{
		{"2024-01-04", 100, 100, 100, 100, 1e9},
		{"2024-01-05", 100, 100, 100, 100, 1e9},
		{"2024-01-08", 50, 50, 50, 50, 1e9},
		{"2024-01-09", 50, 50, 50, 50, 1e9},
	})
	var days []row
	for _, d := range []string{"2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"} {
		days = append(days, row{d, 10, 10, 10, 10, 1e9})
	}
	c := series(t, "C", data.Crypto, days)
	mon, _ := data.ParseDay("2024-01-08")
	cfg := Config{Cash: 1e4, Equity: Terms{Borrow: Borrow{Rate: 0.036}}, Splits: map[string][]Split{"E": {{mon, 2}}}}
	for _, tc := range []struct {
		name   string
		p      *data.Panel
		borrow []float64
		cash   float64
	}{
		{"equity calendar", panel(e), []float64{1, 3, 1}, 19995},
		{"beside a token", panel(e, c), []float64{1, 1, 1, 1}, 19996},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := one(t, tc.p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: -100}))
			sameAmounts(t, "borrow", entries(res, CostBorrow), tc.borrow)
			if got := res.Portfolio.Cash; math.Abs(got-tc.cash) > 1e-9 {
				t.Errorf("cash %.9f, want %g", got, tc.cash)
			}
			if q := res.Portfolio.Qty[0]; q != -200 {
				t.Errorf("E %g, want -200", q)
			}
		})
	}
}

// A perpetual on hourly bars at 06, 07, 09, 10, 16 and 17 UTC (no 08:00
// bar), closes 100 to 105, 0.01 % every 8 hours, 10 bought (or sold) at
// 06:00's close. The 08:00 event falls in the gap: it settles at the
// 09:00 bar, at its close, 10 × 0.0001 × 102 = 0.102; the 16:00 event at
// the 16:00 bar, 10 × 0.0001 × 104 = 0.104. The long pays, the short
// receives: cash 10,000 ∓ 1,000 ∓ 0.206.
func TestFundingHourlyGapAndSignByHand(t *testing.T) {
	h := []time.Time{utc(2024, 1, 1, 6, 0), utc(2024, 1, 1, 7, 0), utc(2024, 1, 1, 9, 0), utc(2024, 1, 1, 10, 0), utc(2024, 1, 1, 16, 0), utc(2024, 1, 1, 17, 0)}
	p := panel(barsAt(t, "P", data.Crypto, h, []float64{100, 101, 102, 103, 104, 105}))
	cfg := Config{Cash: 1e4, Crypto: Terms{Funding: Funding{Rate: 0.0001, Interval: DefaultFundingInterval}}}
	for _, tc := range []struct {
		name string
		qty  float64
		pay  []float64
		cash float64
	}{
		{"long pays", 10, []float64{0.102, 0.104}, 10000 - 1000 - 0.206},
		{"short receives", -10, []float64{-0.102, -0.104}, 10000 + 1000 + 0.206},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: tc.qty}))
			sameAmounts(t, "funding", entries(res, CostFunding), tc.pay)
			if got := res.Portfolio.Cash; math.Abs(got-tc.cash) > 1e-9 {
				t.Errorf("cash %.9f, want %g", got, tc.cash)
			}
		})
	}
}

// 10 bought at 100 on margin (initial 0.5, maintenance 0.25, fee 1 % of
// the liquidated notional) with 500 cash (cross: cash −500, equity 500)
// or 1,000 (isolated: its margin is 0.5 × 1,000 = 500).
//
// Cross: equity −500 + 10L meets 0.25 × 10L at L = 500 / 7.5 = 66.67.
// A bar 80 → low 60 is liquidated at 66.67, fee 0.01 × 666.67 = 6.67:
// cash −500 + 666.67 − 6.67 = 160. A bar that opens at 50, under L: at
// the open, fee 5: −500 + 500 − 5 = −5 (cross margin has no floor).
//
// Isolated: its equity 500 + 10(L − 100) meets 2.5L at the same 66.67;
// a bar opening at 40 is liquidated at 40: the loss 600 and the fee 4
// are capped at the margin, 500, and the 104 beyond is the shortfall
// given back: cash 1,000 − 1,000 + 400 − 4 + 104 = 500.
func TestLiquidationByHand(t *testing.T) {
	bars := func(o, h, l, c float64) *data.Panel {
		return panel(series(t, "A", data.Crypto, []row{
			{"2024-01-01", 100, 100, 100, 100, 1e9},
			{"2024-01-02", 100, 100, 100, 100, 1e9},
			{"2024-01-03", o, h, l, c, 1e9},
			{"2024-01-04", c, c, c, c, 1e9},
		}))
	}
	m := Margin{Initial: 0.5, Maintenance: 0.25, LiquidationFee: 0.01}
	for _, tc := range []struct {
		name             string
		p                *data.Panel
		terms            Terms
		cash, px, fee    float64
		shortfall, cash1 float64
	}{
		{"cross, through the level", bars(80, 80, 60, 70), Terms{Margin: m}, 500, 500.0 / 7.5, 50.0 / 7.5, 0, 160},
		{"cross, gapped through", bars(50, 50, 40, 45), Terms{Margin: m}, 500, 50, 5, 0, -5},
		{"isolated, gapped through", bars(40, 45, 35, 40), Terms{Margin: m, MarginMode: Isolated}, 1000, 40, 4, -104, 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := one(t, tc.p, Config{Cash: tc.cash, Crypto: tc.terms}, at(0, Order{Instrument: 0, Kind: Market, Amount: 10}))
			if len(res.Fills) != 2 || res.Fills[1].Kind != Liquidation {
				t.Fatalf("fills %+v: want the buy and a liquidation", res.Fills)
			}
			f := res.Fills[1]
			if f.Qty != -10 || math.Abs(f.Price-tc.px) > 1e-9 || math.Abs(f.Fee-tc.fee) > 1e-9 || f.Commission != 0 {
				t.Errorf("liquidation %g at %.9g, fee %.9g, commission %g; want -10 at %.9g, fee %.9g, none", f.Qty, f.Price, f.Fee, f.Commission, tc.px, tc.fee)
			}
			if got := ledgerSum(res, CostShortfall); math.Abs(got-tc.shortfall) > 1e-9 {
				t.Errorf("shortfall %.9g, want %g", got, tc.shortfall)
			}
			if got := res.Portfolio.Cash; math.Abs(got-tc.cash1) > 1e-9 {
				t.Errorf("cash %.9f, want %g", got, tc.cash1)
			}
		})
	}
}

// A short of 100 E from Thursday's close at 100, a 0.50 dividend, and a
// 2-for-1 split dated Monday. Ex-date Saturday (no bar): paid at
// Monday's bar, after the split (−200), per share before it: 200 / 2 ×
// 0.50 = 50, paid by the short. Ex-date Monday, the split's day: per
// share after it, 200 × 0.50 = 100.
func TestDividendOnAShortAroundASplitByHand(t *testing.T) {
	e := series(t, "E", data.Equity, []row{
		{"2024-01-04", 100, 100, 100, 100, 1e9},
		{"2024-01-05", 100, 100, 100, 100, 1e9},
		{"2024-01-08", 49.5, 49.5, 49.5, 49.5, 1e9},
		{"2024-01-09", 49.5, 49.5, 49.5, 49.5, 1e9},
	})
	sat, _ := data.ParseDay("2024-01-06")
	mon, _ := data.ParseDay("2024-01-08")
	for _, tc := range []struct {
		name     string
		ex       int64
		pay      float64
		cashLeft float64
	}{
		{"ex-date without a bar", sat, 50, 20000 - 50},
		{"ex-date the split's day", mon, 100, 20000 - 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Cash: 1e4, Splits: map[string][]Split{"E": {{mon, 2}}}, Dividends: map[string][]Dividend{"E": {{tc.ex, 0.5}}}}
			res := one(t, panel(e), cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: -100}))
			sameAmounts(t, "dividend", entries(res, CostDividend), []float64{tc.pay})
			if got := res.Portfolio.Cash; math.Abs(got-tc.cashLeft) > 1e-9 {
				t.Errorf("cash %.9f, want %g", got, tc.cashLeft)
			}
		})
	}
}
