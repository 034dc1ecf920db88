package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Liquidation price, gap rule and isolated margin, every case by hand.
// BTC (crypto) margin: Initial 0.2, Maintenance 0.05, LiquidationFee 0.01.
// Day 0 closes at 100 and the strategy trades 500 BTC (±50,000) there,
// market-on-close. Day 1 is the stress bar; day 2 is flat.
//
// Liquidation price L: the price at which the equity backing the position
// equals its maintenance requirement, eo + q·L = ro + |q|·L·0.05, so
// L = (ro − eo) / (q − 0.05·|q|), with
//
//   - cross: eo = the rest of the account (cash here), ro = 0;
//   - isolated: eo = M − q·avg, M = the position's margin = 0.2 × 500 ×
//     100 = 10,000, ro = 0.
//
// The position is liquidated at L, or at the open when the bar opened
// beyond L (gap). Fee 1% of the liquidated notional.
//
// Long 500 (q = 500, d = 500 − 25 = 475); short −500 (d = −500 − 25 = −525).
//
//	case                         cash0   cash after day 0   L                                    day 1 O/H/L/C      fill        fee      cash after              equity loss
//	cross long, no gap           10,000  −40,000            40,000/475 = 84.2105 (1600/19)       100/100/82/84      84.2105     421.05   1,684.21 (32,000/19)    8,315.79
//	cross long, gap              10,000  −40,000            84.2105                              78/80/75/79        78 (open)   390      −1,390                  11,390
//	cross short, no gap          10,000  60,000             −60,000/−525 = 114.2857 (800/7)      100/118/100/115    114.2857    571.43   2,285.71 (16,000/7)     7,714.29
//	cross short, gap             10,000  60,000             114.2857                             120/122/119/121    120 (open)  600      −600                    10,600
//	isolated long, no gap        20,000  −30,000            (50,000 − 10,000)/475 = 84.2105      100/100/82/84      84.2105     421.05   11,684.21               8,315.79 (< M)
//	isolated long, gap           20,000  −30,000            84.2105                              78/80/75/79        78 (open)   390      10,000 (+1,390 back)    10,000 = M
//	isolated short, no gap       20,000  70,000             (−50,000 − 10,000)/−525 = 114.2857   100/118/100/115    114.2857    571.43   12,285.71 (86,000/7)    7,714.29 (< M)
//	isolated short, gap          20,000  70,000             114.2857                             120/122/119/121    120 (open)  600      10,000 (+600 back)      10,000 = M
//
// Cross with 20,000 (cash −30,000 long, 70,000 short) is not liquidated
// on the same bars: long, equity at the low 75 = −30,000 + 37,500 = 7,500
// ≥ 0.05 × 37,500 = 1,875; short, equity at the high 122 = 70,000 −
// 61,000 = 9,000 ≥ 3,050. Isolated, the position is backed by its 10,000
// alone, which is why it goes.
//
// Isolated gap long: trading loss 500 × (100 − 78) = 11,000, fee 390:
// 11,390 − M = 1,390 is the shortfall, booked −1,390 (given back). Short:
// 500 × (120 − 100) = 10,000 + 600 = 10,600: shortfall 600.
func TestLiquidationPriceGapAndIsolated(t *testing.T) {
	noGapDown := row{"2024-08-05", 100, 100, 82, 84, 1e6}
	gapDown := row{"2024-08-05", 78, 80, 75, 79, 1e6}
	noGapUp := row{"2024-08-05", 100, 118, 100, 115, 1e6}
	gapUp := row{"2024-08-05", 120, 122, 119, 121, 1e6}
	for _, tc := range []struct {
		name      string
		mode      MarginMode
		cash, qty float64
		day1      row
		liquidate bool
		price     float64 // the liquidation fill
		fee       float64
		shortfall float64 // ≥ 0: given back
		cashAfter float64
	}{
		{"cross long no gap", Cross, 10000, 500, noGapDown, true, 1600.0 / 19, 8000.0 / 19, 0, 32000.0 / 19},
		{"cross long gap", Cross, 10000, 500, gapDown, true, 78, 390, 0, -1390},
		{"cross short no gap", Cross, 10000, -500, noGapUp, true, 800.0 / 7, 4000.0 / 7, 0, 16000.0 / 7},
		{"cross short gap", Cross, 10000, -500, gapUp, true, 120, 600, 0, -600},
		{"isolated long no gap", Isolated, 20000, 500, noGapDown, true, 1600.0 / 19, 8000.0 / 19, 0, 20000 - 158000.0/19},
		{"isolated long gap", Isolated, 20000, 500, gapDown, true, 78, 390, 1390, 10000},
		{"isolated short no gap", Isolated, 20000, -500, noGapUp, true, 800.0 / 7, 4000.0 / 7, 0, 86000.0 / 7},
		{"isolated short gap", Isolated, 20000, -500, gapUp, true, 120, 600, 600, 10000},
		{"cross 20,000 long gap survives", Cross, 20000, 500, gapDown, false, 0, 0, 0, -30000},
		{"cross 20,000 short gap survives", Cross, 20000, -500, gapUp, false, 0, 0, 0, 70000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := panel(series(t, "BTC", data.Crypto, []row{
				{"2024-08-04", 100, 100, 100, 100, 1e6}, tc.day1, {"2024-08-06", tc.day1.c, tc.day1.c, tc.day1.c, tc.day1.c, 1e6},
			}))
			cfg := Config{Cash: tc.cash, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}, MarginMode: tc.mode}}
			res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: tc.qty}))
			if !tc.liquidate {
				if len(res.Fills) != 1 || res.Liquidations != 0 || !near(res.Portfolio.Cash, tc.cashAfter, 1e-12) {
					t.Fatalf("fills %+v, liquidations %d, cash %g", res.Fills, res.Liquidations, res.Portfolio.Cash)
				}
				return
			}
			if len(res.Fills) != 2 || res.Liquidations != 1 || res.MarginCalls != 1 {
				t.Fatalf("fills %+v, events %+v", res.Fills, res.Events)
			}
			liq := res.Fills[1]
			if liq.Kind != Liquidation || liq.Qty != -tc.qty || !near(liq.Price, tc.price, 1e-12) || !near(liq.Fee, tc.fee, 1e-12) || data.FormatDay(liq.Time) != "2024-08-05" {
				t.Fatalf("liquidation %+v, want %g at %g, fee %g", liq, -tc.qty, tc.price, tc.fee)
			}
			if !near(res.Portfolio.Cash, tc.cashAfter, 1e-12) || !near(res.Curve.Equity[2], tc.cashAfter, 1e-12) {
				t.Fatalf("cash %g, final equity %g, want %g", res.Portfolio.Cash, res.Curve.Equity[2], tc.cashAfter)
			}
			if got := -ledgerSum(res, CostShortfall); !near(got, tc.shortfall, 1e-12) || !near(-res.Costs.Shortfall, tc.shortfall, 1e-12) {
				t.Fatalf("shortfall ledger %g, breakdown %g, want %g", got, -res.Costs.Shortfall, tc.shortfall)
			}
			call := res.Events[0]
			if call.Kind != EventMarginCall || (tc.mode == Isolated) != (call.Instrument == 0) {
				t.Fatalf("margin call %+v: an isolated position's names its instrument, the account's −1", call)
			}
			// Equity identity: initial + realized + unrealized − commission − charges.
			pf := res.Portfolio
			if !near(tc.cash+pf.Realized[0]-pf.Commission-pf.Charges, pf.Cash, 1e-12) {
				t.Fatalf("identity: %g + %g − %g − %g ≠ %g", tc.cash, pf.Realized[0], pf.Commission, pf.Charges, pf.Cash)
			}
		})
	}
}

// Two cross positions: each is liquidated at its own L, solved with the
// other where the check valued it (its bar's worst price). 10,000 cash;
// day 0 buys 250 A and 250 B at 100 (cash −40,000). Day 1: A opens 100,
// low 80; B opens 90, low 88. At the worst prices: equity −40,000 + 250 ×
// 80 + 250 × 88 = 2,000 < 0.05 × 250 × 168 = 2,100: margin call.
//
//	A: eo = −40,000 + 250 × 88 = −18,000, ro = 0.05 × 22,000 = 1,100;
//	   L = (1,100 + 18,000) / (250 × 0.95) = 19,100 / 237.5 = 80.4211;
//	   open 100 > L: fill at 80.4211
//	B: eo = −40,000 + 250 × 80 = −20,000, ro = 0.05 × 20,000 = 1,000;
//	   L = 21,000 / 237.5 = 88.4211; open 90 > L: fill at 88.4211
func TestLiquidationPricesOfACrossAccount(t *testing.T) {
	a := series(t, "A", data.Crypto, []row{{"2024-08-04", 100, 100, 100, 100, 1e6}, {"2024-08-05", 100, 100, 80, 85, 1e6}})
	b := series(t, "B", data.Crypto, []row{{"2024-08-04", 100, 100, 100, 100, 1e6}, {"2024-08-05", 90, 92, 88, 90, 1e6}})
	cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05}}}
	res := one(t, panel(a, b), cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: 250}, Order{Instrument: 1, Kind: MarketOnClose, Amount: 250}))
	if len(res.Fills) != 4 || res.Liquidations != 2 {
		t.Fatalf("fills %+v", res.Fills)
	}
	if la, lb := res.Fills[2], res.Fills[3]; !near(la.Price, 19100/237.5, 1e-12) || !near(lb.Price, 21000/237.5, 1e-12) {
		t.Fatalf("liquidations at %g and %g, want %g and %g", la.Price, lb.Price, 19100/237.5, 21000/237.5)
	}
}

// MarginMode reads its spellings, and isolated needs an initial margin.
func TestMarginModeSpellingAndValidation(t *testing.T) {
	var m MarginMode
	if err := m.UnmarshalText([]byte("isolated")); err != nil || m != Isolated || m.String() != "isolated" {
		t.Fatalf("isolated: %v %v", m, err)
	}
	if err := m.UnmarshalText([]byte("cross")); err != nil || m != Cross || m.String() != "cross" {
		t.Fatalf("cross: %v %v", m, err)
	}
	if err := m.UnmarshalText([]byte("portfolio")); err == nil || !strings.Contains(err.Error(), `want "cross" or "isolated"`) {
		t.Fatalf("portfolio: %v", err)
	}
	err := Config{Cash: 1, Crypto: Terms{MarginMode: Isolated, Margin: Margin{Maintenance: 0.05}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "Crypto.MarginMode = isolated") {
		t.Fatalf("isolated without initial margin: %v", err)
	}
}

// A resting stop below a long's liquidation price does not save it: the
// bar's path reaches the liquidation price first. Cash 10,000 buys 500 X
// at 100 (cash −40,000); crypto terms Initial 0.2, Maintenance 0.05, fee
// 1%. A sell stop to close the position rests at 80 (or 90). The next bar
// falls (O 100, H 100, L 75, C 79: a down bar's path O→H→L→C). At the low
// the account is −40,000 + 500 × 75 = −2,500 against 500 × 75 × 0.05 =
// 1,875: a margin call. Its liquidation price solves −40,000 + 500 L =
// 0.05 × 500 L: L = 40,000 / 475 = 84.210526, reached on the way down
// from 100 before 80. So the position is liquidated there, proceeds
// 42,105.263158 less the fee 421.052632: cash 1,684.210526, and the stop
// is left with nothing to close. A stop at 90 comes before L on the path:
// it fills at 90 (cash −40,000 + 45,000 = 5,000) and no margin call
// follows. Isolated margin (margin 0.2 × 500 × 100 = 10,000, the same
// liquidation price: 10,000 − 50,000 + 500 L = 0.05 × 500 L) gives the
// same cash, its loss 7,894.74 + 421.05 within its margin.
func TestStopBelowTheLiquidationPrice(t *testing.T) {
	const L = 40000.0 / 475
	for _, c := range []struct {
		name string
		mode MarginMode
		stop float64
		cash float64
		liq  bool
	}{
		{"cross, stop at 80", Cross, 80, -40000 + 500*L*0.99, true},
		{"isolated, stop at 80", Isolated, 80, -40000 + 500*L*0.99, true},
		{"cross, stop at 90", Cross, 90, 5000, false},
		{"isolated, stop at 90", Isolated, 90, 5000, false},
	} {
		p := panel(series(t, "X", data.Crypto, []row{
			{"2024-01-01", 100, 100, 100, 100, 1e9},
			{"2024-01-02", 100, 100, 100, 100, 1e9},
			{"2024-01-03", 100, 100, 75, 79, 1e9},
			{"2024-01-04", 79, 79, 79, 79, 1e9},
		}))
		cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}, MarginMode: c.mode}}
		res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
			var err error
			switch s.Step {
			case 0:
				_, err = ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 500})
			case 1:
				_, err = ctx.Submit(Order{Instrument: 0, Kind: Stop, Sizing: TargetValue, StopPrice: c.stop})
			}
			return err
		})
		if math.Abs(res.Portfolio.Cash-c.cash) > 1e-6 {
			t.Errorf("%s: cash %.6f, want %.6f", c.name, res.Portfolio.Cash, c.cash)
		}
		if c.liq && math.Abs(c.cash-1684.210526) > 1e-6 {
			t.Fatalf("%s: the hand computation gives %.6f", c.name, c.cash)
		}
		if got := res.Liquidations > 0; got != c.liq {
			t.Errorf("%s: %d liquidations, want liquidated = %v", c.name, res.Liquidations, c.liq)
		}
		last := res.Fills[len(res.Fills)-1]
		want := c.stop
		if c.liq {
			want = L
		}
		if math.Abs(last.Price-want) > 1e-9 || last.Qty != -500 {
			t.Errorf("%s: last fill %g at %.6f, want −500 at %.6f", c.name, last.Qty, last.Price, want)
		}
	}
}
