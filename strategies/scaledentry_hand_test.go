package strategies

// Scaled entry and pair hedge on tiny markets, every fill, the cash and
// the equity at every close worked out by hand (in the comments) and
// checked to the cent.

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// checkCurve compares the equity and cash at every close to the cent.
func checkCurve(t *testing.T, res *engine.Result, equity, cash []float64) {
	t.Helper()
	c := res.Curve
	if len(c.Equity) != len(equity) {
		t.Fatalf("%d points, want %d", len(c.Equity), len(equity))
	}
	for k := range equity {
		if math.Abs(c.Equity[k]-equity[k]) > 0.005 || math.Abs(c.Cash[k]-cash[k]) > 0.005 {
			t.Errorf("bar %d: equity %.4f cash %.4f, want %.2f and %.2f", k, c.Equity[k], c.Cash[k], equity[k], cash[k])
		}
	}
}

// Drawdown tranches with a commission of 10 bps and at least 5 a fill,
// whole lots, a cooldown, the max_position cap and two exits. Cash
// 10,000; levels [0.05, 0.10, 0.20] so a tranche is 10,000 / 3 =
// 3,333.33; max_position 0.8; cooldown_days 2; take_profit [0.10, 0.20],
// exit_fraction 0.5. A tranche's quantity is money / close less its
// commission (here the minimum 5: 10 bps of 3,333 is 3.33), rounded down
// to a lot; a fill pays max(5, 0.001 × notional) = 5 on every fill below.
//
//	bar open close  decision (at the close)                         fill (next open)
//	 0  100  100   cycle: capital 10,000, peak 100                 -
//	 1  100   94   dd 0.06 ≥ 0.05: tranche 1, (3,333.33 − 5)/94
//	               = 35.41 → 35 lots                               b2: +35 @ 95 = 3,325, cash 10,000 − 3,325 − 5 = 6,670
//	 2   95   93   dd 0.07; 1 day since b1 < 2: cooldown           -
//	 3   93   89   dd 0.11 ≥ 0.10: tranche 2; room 0.8 × (6,670 +
//	               35 × 89 = 9,785) − 3,115 = 4,713 > 3,333.33:
//	               (3,333.33 − 5)/89 = 37.397 → 37                 b4: +37 @ 88 = 3,256, cash 6,670 − 3,256 − 5 = 3,409
//	 4   88   80   dd 0.20 ≥ 0.20, but 1 day since b3: cooldown    -
//	 5   80   78   dd 0.22: tranche 3; equity 3,409 + 72 × 78 =
//	               9,025, room 0.8 × 9,025 − 5,616 = 1,604 <
//	               3,333.33: cut to 1,604, (1,604 − 5)/78 = 20.5
//	               → 20                                            b6: +20 @ 79 = 1,580, cash 3,409 − 1,580 − 5 = 1,824
//	 6   79   85   92 held, avg (3,325 + 3,256 + 1,580)/92 =
//	               8,161/92 = 88.7065; exit 1 at 1.1 × avg =
//	               97.578, exit 2 at 1.2 × avg = 106.448           -
//	 7   90   98   98 ≥ 97.578: exit 1, 0.5 × 92 = 46              b8: −46 @ 99 = 4,554, cash 1,824 + 4,554 − 5 = 6,373
//	 8   99  107   107 ≥ 106.448: exit 2, the last: the rest, 46   b9: −46 @ 108 = 4,968, cash 6,373 + 4,968 − 5 = 11,336
//	 9  108  108   flat: a new cycle, peak 107 (b8's close), then
//	               108; cooldown from the sale's fill at b9         -
//	10  108   96   dd 1 − 96/108 = 0.111 ≥ 0.10, but 1 day since
//	               the sale: cooldown                              -
//
// Equity at the closes: b0-b1 10,000; b2 6,670 + 35 × 93 = 9,925; b3
// 6,670 + 35 × 89 = 9,785; b4 3,409 + 72 × 80 = 9,169; b5 3,409 + 72 × 78
// = 9,025; b6 1,824 + 92 × 85 = 9,644; b7 1,824 + 92 × 98 = 10,840; b8
// 6,373 + 46 × 107 = 11,295; b9, b10 11,336.
func TestScaledEntryCommissionLotsCapCooldownByHand(t *testing.T) {
	x := bars("X",
		[]float64{100, 100, 95, 93, 88, 80, 79, 90, 99, 108, 108},
		[]float64{100, 94, 93, 89, 80, 78, 85, 98, 107, 108, 96})
	x.LotSize = 1
	st, err := Builtins().New("scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.05, 0.10, 0.20},
		"take_profit": []float64{0.10, 0.20}, "exit_fraction": 0.5,
		"max_position": 0.8, "cooldown_days": int64(2),
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Cash: 10000, Crypto: engine.Terms{Commission: engine.Commission{Bps: 10, Minimum: 5}}}
	res, err := engine.Run(&data.Panel{Series: []data.Series{x}}, nil, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkFills(t, res.Fills, []wantFill{
		{2, "X", 35, 95, "tranche 1"},
		{4, "X", 37, 88, "tranche 2"},
		{6, "X", 20, 79, "tranche 3"},
		{8, "X", -46, 99, "exit 1"},
		{9, "X", -46, 108, "exit 2"},
	})
	for _, f := range res.Fills {
		if f.Commission != 5 {
			t.Errorf("%s %s: commission %g, want 5", data.FormatDay(f.Time), f.Tag, f.Commission)
		}
	}
	checkCurve(t, res,
		[]float64{10000, 10000, 9925, 9785, 9169, 9025, 9644, 10840, 11295, 11336, 11336},
		[]float64{10000, 10000, 6670, 6670, 3409, 3409, 1824, 1824, 6373, 11336, 11336})
	rep := st.(Reporter).Report()
	for k, want := range map[string]float64{
		"avg_entry_price": 8161.0 / 92, "tranches_filled": 3, "exits_filled": 2,
		"trailing_stops": 0, "days_to_full_size": 4, // b2 to b6
	} {
		if math.Abs(rep[k]-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", k, rep[k], want)
		}
	}
}

// Market-on-close fills and the cooldown after a cycle's sale. Cash
// 1,000, no costs, levels [0.10], take_profit [0.20], cooldown_days 2,
// fill = "close": an order fills at the close it was decided on.
//
//	bar close  decision and fill at this close              cash       equity
//	 0  100    cycle: peak 100                               1,000      1,000
//	 1   90    dd 0.10: tranche 1, 1,000/90 = 11.1111 @ 90   0          1,000
//	 2  100    avg 90; exit at 1.2 × 90 = 108: not yet       0          1,111.11
//	 3  110    110 ≥ 108: exit 1 (the last): −11.1111 @ 110  1,222.22   1,222.22
//	 4   95    flat: a new cycle, capital 1,222.22, peak 110
//	           (bar 3's close); dd 0.136 ≥ 0.10, but the
//	           sale filled at bar 3's close, 1 day ago < 2   1,222.22   1,222.22
//	 5   96    2 days: dd 1 − 96/110 = 0.127: tranche 1,
//	           1,222.22/96 = 12.7315 @ 96                    0          1,222.22
//	 6   96                                                  0          1,222.22
func TestScaledEntryCloseFillsCooldownAfterSaleByHand(t *testing.T) {
	px := []float64{100, 90, 100, 110, 95, 96, 96}
	st, res := run(t, &data.Panel{Series: []data.Series{bars("X", px, px)}}, "scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.10}, "take_profit": []float64{0.20},
		"cooldown_days": int64(2), "fill": "close",
	}, 1000)
	q1 := 1000.0 / 90
	cash := q1 * 110
	checkFills(t, res.Fills, []wantFill{
		{1, "X", q1, 90, "tranche 1"},
		{3, "X", -q1, 110, "exit 1"},
		{5, "X", cash / 96, 96, "tranche 1"},
	})
	checkCurve(t, res,
		[]float64{1000, 1000, q1 * 100, cash, cash, cash, cash},
		[]float64{1000, 0, 0, cash, cash, 0, 0})
	rep := st.(Reporter).Report()
	if rep["tranches_filled"] != 2 || rep["exits_filled"] != 1 {
		t.Errorf("report %v: want 2 tranches and 1 exit", rep)
	}
}
