package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// partsPanel is one equity whose bars 2 to 4 open at the given prices with
// a volume of 200: under MaxParticipation 0.5 an order fills at most 100
// units a bar.
func partsPanel(t *testing.T, opens [3]float64) *data.Panel {
	rows := []row{{"2024-01-01", 10, 10, 10, 10, 1e9}}
	for k, o := range opens {
		rows = append(rows, row{[]string{"2024-01-02", "2024-01-03", "2024-01-04"}[k], o, o, o, o, 200})
	}
	rows = append(rows, row{"2024-01-05", 10, 10, 10, 10, 1e9})
	return panel(series(t, "X", data.Equity, rows))
}

// The parts of one order filled across bars by the participation cap pay
// together what the whole order would: its minimum once, and its cap on
// the whole order's value. Part k pays f(B_k) − f(B_{k−1}), B_k the
// order's base (PerShare × units + Bps × notional) after k parts and
// f(B) = min(max(Minimum, B), MaxBps × the order's notional so far).
// Each case fills 300 units in three parts of 100, one a bar.
func TestCommissionMinimumAndCapPerOrder(t *testing.T) {
	ibkr := Commission{PerShare: 0.005, Minimum: 1, MaxBps: 100}
	for _, tc := range []struct {
		name  string
		opens [3]float64
		fee   Commission
		order Order
		want  [3]float64 // each part's commission
	}{
		// Per share 0.005: each part's base is 0.50. Per fill it paid
		// the minimum 3 times, 3.00. Per order: f(0.5) = 1, then
		// f(1.0) − f(0.5) = 1 − 1 = 0, then f(1.5) − f(1.0) = 0.5:
		// 1.50 in all, 0.005 × 300.
		{"minimum once, market", [3]float64{10, 10, 10}, Commission{PerShare: 0.005, Minimum: 1},
			Order{Instrument: 0, Kind: Market, Amount: 300}, [3]float64{1, 0, 0.5}},
		// The same as a limit order resting at 20 (bars at 10: it fills at
		// each open, a maker fill, no maker rate).
		{"minimum once, limit", [3]float64{10, 10, 10}, Commission{PerShare: 0.005, Minimum: 1},
			Order{Instrument: 0, Kind: Limit, Amount: 300, Price: 20}, [3]float64{1, 0, 0.5}},
		// A target of 3,000 at 10 (300 units), re-sized each bar.
		{"minimum once, target", [3]float64{10, 10, 10}, Commission{PerShare: 0.005, Minimum: 1},
			Order{Instrument: 0, Kind: Market, Sizing: TargetValue, Amount: 3000}, [3]float64{1, 0, 0.5}},
		// A minimum of 2 that the whole order never reaches: 2 in all.
		// f(0.5) = 2, f(1.0) = 2, f(1.5) = 2.
		{"minimum above the whole", [3]float64{10, 10, 10}, Commission{PerShare: 0.005, Minimum: 2},
			Order{Instrument: 0, Kind: Market, Amount: 300}, [3]float64{2, 0, 0}},
		// IBKR fixed (0.005 a share, minimum 1, maximum 1 % of the
		// order's value), opens 0.50, 50, 50. Part 1: B = 0.5, N = 50,
		// cap 0.5: f = min(max(1, 0.5), 0.5) = 0.5 (the cap beats the
		// minimum). Part 2: B = 1.0, N = 5,050, cap 50.5: f = 1.0, pays
		// 0.5. Part 3: B = 1.5, N = 10,050, cap 100.5: f = 1.5, pays 0.5.
		// 1.50 in all; per fill it was 0.5 + 1 + 1 = 2.50.
		{"cap below the minimum, then not", [3]float64{0.5, 50, 50}, ibkr,
			Order{Instrument: 0, Kind: Market, Amount: 300}, [3]float64{0.5, 0.5, 0.5}},
		// Opens 0.001, 10, 10, per share 0.05, no minimum, cap 1 %.
		// Part 1: B = 5, N = 0.1, cap 0.001: f = 0.001. Part 2: B = 10,
		// N = 1,000.1, cap 10.001: f = 10, pays 9.999. Part 3: B = 15,
		// N = 2,000.1, cap 20.001: f = 15, pays 5. 15 in all, the per-share
		// charge of the whole: the cap is on the order's value (2,000.1),
		// not each part's (per fill: 0.001 + 5 + 5 = 10.001).
		{"cap on the order's value", [3]float64{0.001, 10, 10}, Commission{PerShare: 0.05, MaxBps: 100},
			Order{Instrument: 0, Kind: Market, Amount: 300}, [3]float64{0.001, 9.999, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Equity: Terms{Commission: tc.fee, Slippage: Slippage{MaxParticipation: 0.5}}}
			res := one(t, partsPanel(t, tc.opens), cfg, at(0, tc.order))
			if len(res.Fills) != 3 {
				t.Fatalf("%d fills, want 3 parts: %+v", len(res.Fills), res.Fills)
			}
			total := 0.0
			for k, f := range res.Fills {
				if f.Qty != 100 || math.Abs(f.Commission-tc.want[k]) > 1e-12 {
					t.Errorf("part %d: %g units paying %.17g, want 100 paying %g", k+1, f.Qty, f.Commission, tc.want[k])
				}
				total += f.Commission
			}
			if got := ledgerSum(res, CostCommission); math.Abs(got-total) > 1e-12 {
				t.Errorf("ledger commission %g, fills %g", got, total)
			}
		})
	}
}

// Two orders on one bar each pay their own minimum: the rule is per
// order, not per instrument or bar. Two buys of 100 at 10, per share
// 0.005 (0.50 each), minimum 1: 1 + 1.
func TestCommissionMinimumPerOrderNotPerBar(t *testing.T) {
	cfg := Config{Equity: Terms{Commission: Commission{PerShare: 0.005, Minimum: 1}}}
	res := one(t, partsPanel(t, [3]float64{10, 10, 10}), cfg, at(0,
		Order{Instrument: 0, Kind: Market, Amount: 100},
		Order{Instrument: 0, Kind: Market, Amount: 100}))
	if len(res.Fills) != 2 || res.Fills[0].Commission != 1 || res.Fills[1].Commission != 1 {
		t.Fatalf("fills %+v: want two paying 1 each", res.Fills)
	}
}

// Commission's maximum caps the PerShare + Bps part at MaxBps of the
// fill's notional, after the minimum (the cap wins: IBKR's fixed US
// pricing, 0.005 a share, minimum 1.00, maximum 1 % of the trade value);
// the maker or taker rate is added outside it.
func TestCommissionMaximum(t *testing.T) {
	ibkr := Commission{PerShare: 0.005, Minimum: 1, MaxBps: 100}
	for _, tc := range []struct {
		name       string
		c          Commission
		qty, price float64
		maker      bool
		want       float64
	}{
		// 100 × 0.005 = 0.50 → the minimum 1.00; cap 1 % × 5,000 = 50.
		{"minimum", ibkr, 100, 50, false, 1},
		// 1,000,000 × 0.005 = 5,000 → capped at 1 % × 100,000 = 1,000.
		{"cap", ibkr, 1e6, 0.10, false, 1000},
		// IBKR's own example: 1,000 shares at 0.25 → 5.00, capped at
		// 1 % × 250 = 2.50.
		{"IBKR's example", ibkr, 1000, 0.25, false, 2.5},
		// A sell: 1,000 × 0.005 = 5 → 1 % × 250 = 2.50 as well.
		{"sell", ibkr, -1000, 0.25, false, 2.5},
		// The cap under the minimum: 100 × 0.005 = 0.50, minimum 1.00,
		// cap 1 % × 50 = 0.50: the cap, 0.50.
		{"cap under the minimum", ibkr, 100, 0.5, false, 0.5},
		// Taker 3 bps outside the cap: 1,000 + 0.0003 × 100,000 = 1,030.
		{"taker outside", Commission{PerShare: 0.005, Minimum: 1, MaxBps: 100, Taker: 3}, 1e6, 0.10, false, 1030},
		// Maker 1 bp outside it: 1,000 + 0.0001 × 100,000 = 1,010.
		{"maker outside", Commission{PerShare: 0.005, MaxBps: 100, Maker: 1}, -1e6, 0.10, true, 1010},
		// Bps under the cap too: 20 bps + 0.01 a share on 1,000 at 1:
		// 2 + 10 = 12 → capped at 50 bps × 1,000 = 5.
		{"bps and per share", Commission{Bps: 20, PerShare: 0.01, MaxBps: 50}, 1000, 1, false, 5},
		// No cap (0): 5,000.
		{"none", Commission{PerShare: 0.005, Minimum: 1}, 1e6, 0.10, false, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.Fee(Trade{Qty: tc.qty, Price: tc.price, Maker: tc.maker})
			if math.Abs(got-tc.want) > 1e-9*tc.want {
				t.Errorf("fee %.17g, want %g", got, tc.want)
			}
		})
	}
}

// MaxBps is checked as the other rates: finite, >= 0 (0: no cap).
func TestCommissionMaximumValidated(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{math.NaN(), "maxbps = NaN"},
		{-1, "maxbps = -1"},
		{math.Inf(1), "maxbps = +Inf"},
		{0, ""},
		{100, ""},
	} {
		err := Commission{MaxBps: BasisPoints(tc.v)}.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%g refused: %v", tc.v, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%g: %v, want %q", tc.v, err, tc.want)
		}
	}
}

// An order whose side turns is a new order for the commission: a broker
// cannot turn a buy into a sell, so its minimum is paid again by the
// first part on the new side, and the cap is on the new side's value
// alone. Per share 0.005, minimum 1; partsPanel's cap fills at most 100
// a bar.
func TestCommissionMinimumAgainWhenTheSideTurns(t *testing.T) {
	fee := Commission{PerShare: 0.005, Minimum: 1}
	var id OrderID
	for _, tc := range []struct {
		name  string
		opens [3]float64
		strat func(ctx *Context, s *Slice) error
		qty   [2]float64 // each fill's quantity
	}{
		// A target of 3,000 re-sized each bar: 100 bought at 10 (the
		// cap), then at 40 the target is 75 units: 25 sold. The buy pays
		// max(1, 0.50) = 1, the sell max(1, 25 × 0.005 = 0.125) = 1 (it
		// paid f(125 units) − f(100) = 1 − 1 = 0 as the buy's part).
		{"target re-sized", [3]float64{10, 40, 40},
			at(0, Order{Instrument: 0, Kind: Market, Sizing: TargetValue, Amount: 3000}), [2]float64{100, -25}},
		// A buy of 300, 100 filled at 10, replaced by a sell of 50: the
		// buy pays 1, the sell max(1, 0.25) = 1.
		{"replaced by a sell", [3]float64{10, 10, 10}, func(ctx *Context, s *Slice) error {
			switch s.Step {
			case 0:
				var err error
				id, err = ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 300})
				return err
			case 1:
				if !ctx.Replace(id, -50, 0, 0) {
					t.Error("Replace refused")
				}
			}
			return nil
		}, [2]float64{100, -50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Equity: Terms{Commission: fee, Slippage: Slippage{MaxParticipation: 0.5}}}
			res := one(t, partsPanel(t, tc.opens), cfg, tc.strat)
			if len(res.Fills) != 2 {
				t.Fatalf("%d fills, want 2: %+v", len(res.Fills), res.Fills)
			}
			for k, f := range res.Fills {
				if f.Qty != tc.qty[k] || math.Abs(f.Commission-1) > 1e-12 {
					t.Errorf("fill %d: %g paying %.17g, want %g paying 1", k+1, f.Qty, f.Commission, tc.qty[k])
				}
			}
		})
	}
}

// The Terms' own Commission is checked as one given as a FeeModel
// (TestCommissionMaximumValidated): MaxBps finite and >= 0, the rates
// under the whole notional. A NaN or negative MaxBps was taken for no
// cap, and a rate of 20,000 bps paid twice the notional.
func TestTermsCommissionValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Commission
		want string // "" = valid
	}{
		{"IBKR", Commission{PerShare: 0.005, Minimum: 1, MaxBps: 100}, ""},
		{"NaN cap", Commission{PerShare: 0.005, MaxBps: BasisPoints(math.NaN())}, "Equity.Commission.MaxBps = NaN"},
		{"negative cap", Commission{PerShare: 0.005, MaxBps: -1}, "Equity.Commission.MaxBps = -1"},
		{"infinite cap", Commission{PerShare: 0.005, MaxBps: BasisPoints(math.Inf(1))}, "Equity.Commission.MaxBps = +Inf"},
		{"bps of twice the notional", Commission{Bps: 2e4}, "Equity.Commission.Bps = 20000"},
		{"taker of the whole notional", Commission{Taker: 1e4}, "Equity.Commission.Taker = 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Config{Cash: 1, Equity: Terms{Commission: tc.c}}.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}

// The built-in Commission given as Terms.FeeModel, as a value or a
// pointer (a program's Terms, the registry's model), is charged per order
// as Terms.Commission is. 300 units at 10 in three parts of 100, per
// share 0.005 (0.50 a part), minimum 1: f(0.5) = 1, f(1.0) − f(0.5) = 0,
// f(1.5) − f(1.0) = 0.5; per fill it paid the minimum thrice, 3.00.
func TestCommissionAsFeeModelPerOrder(t *testing.T) {
	c := Commission{PerShare: 0.005, Minimum: 1}
	for _, tc := range []struct {
		name string
		m    FeeModel
	}{{"value", c}, {"pointer", &c}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Equity: Terms{FeeModel: tc.m, Slippage: Slippage{MaxParticipation: 0.5}}}
			res := one(t, partsPanel(t, [3]float64{10, 10, 10}), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 300}))
			want := [3]float64{1, 0, 0.5}
			if len(res.Fills) != 3 {
				t.Fatalf("%d fills, want 3 parts", len(res.Fills))
			}
			for k, f := range res.Fills {
				if f.Qty != 100 || math.Abs(f.Commission-want[k]) > 1e-12 {
					t.Errorf("part %d: %g units paying %g, want 100 paying %g", k+1, f.Qty, f.Commission, want[k])
				}
			}
		})
	}
}
