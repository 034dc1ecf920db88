package strategies

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Drawdown entries, average entry, one scale-out and a trailing stop on a
// short path, every fill checked by hand. Cash 10,000, no commission,
// capital 1.0 (one instrument: 10,000 set aside), levels [0.05, 0.10] so
// each tranche is 1/2 × 10,000 = 5,000, take_profit [0.10, 0.30] with
// exit_fraction 1/2, trailing stop 5 %. Decisions on a close, fills at the
// next open.
//
//	bar  open  close  decision
//	 0   100   100    cycle starts: peak 100
//	 1   100   104    peak 104
//	 2   103    98    dd = 1 − 98/104 = 0.0577 ≥ 0.05 → tranche 1: 5000/98 = 51.0204 units
//	 3    97    95    fill tranche 1 @ 97; dd = 1 − 95/104 = 0.0865 < 0.10
//	 4    94    93    dd = 1 − 93/104 = 0.1058 ≥ 0.10 → tranche 2: 5000/93 = 53.7634 units
//	                  (cap: equity 10000 − 51.0204×(97−93) = 9795.92, room 9795.92 − 51.0204×93 = 5051.02 ≥ 5000)
//	 5    92    96    fill tranche 2 @ 92. avg = (51.0204×97 + 53.7634×92)/104.7838 = 94.43455;
//	                  exit 1 at ≥ 1.1 × 94.43455 = 103.878, exit 2 at ≥ 1.3 × 94.43455 = 122.765
//	 6    97   104    104 ≥ 103.878 → exit 1: sell 1/2 × 104.7838 = 52.3919
//	 7   105   110    fill exit 1 @ 105; stop armed: high since the first fill = 110, stop 104.5
//	 8   111   115    high 115, stop 109.25
//	 9   112   108    108 ≤ 109.25 → trailing stop: sell the remaining 52.3919
//	10   107   107    fill the stop @ 107; flat: a new cycle, peak 107
//	11   107   107    dd 0: nothing
func TestScaledEntryDrawdownByHand(t *testing.T) {
	x := bars("X",
		[]float64{100, 100, 103, 97, 94, 92, 97, 105, 111, 112, 107, 107},
		[]float64{100, 104, 98, 95, 93, 96, 104, 110, 115, 108, 107, 107})
	p := &data.Panel{Series: []data.Series{x}}
	st, res := run(t, p, "scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.05, 0.10},
		"take_profit": []float64{0.10, 0.30}, "trailing_stop": 0.05,
	}, 10000)
	q1, q2 := 5000.0/98, 5000.0/93
	half := (q1 + q2) / 2
	checkFills(t, res.Fills, []wantFill{
		{3, "X", q1, 97, "tranche 1"},
		{5, "X", q2, 92, "tranche 2"},
		{7, "X", -half, 105, "exit 1"},
		{10, "X", -half, 107, "trailing stop"},
	})
	rep := st.(Reporter).Report()
	avg := (q1*97 + q2*92) / (q1 + q2) // 94.43455
	want := map[string]float64{
		"avg_entry_price":   avg,
		"tranches_filled":   2,
		"days_to_full_size": 2, // tranche 1 filled on bar 3, tranche 2 on bar 5
		"exits_filled":      1,
		"trailing_stops":    1,
	}
	checkReport(t, rep, want)
	// Flat at the end: cash = 10000 − q1×97 − q2×92 + half×105 + half×107.
	cash := 10000 - q1*97 - q2*92 + half*105 + half*107
	if got := res.Portfolio.Cash; !near(got, cash, 1e-12) || res.Portfolio.Qty[0] != 0 {
		t.Errorf("cash %g qty %g, want %g flat", got, res.Portfolio.Qty[0], cash)
	}
}

func checkReport(t *testing.T, got, want map[string]float64) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		if !ok || !near(g, want[k], 1e-12) {
			t.Errorf("report %s = %g (present %v), want %g", k, g, ok, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			t.Errorf("report has unexpected key %s = %g", k, got[k])
		}
	}
}

// Pyramid: 3 tranches of 1/3 × capital (0.9 × 9000 = 8100 → 2700 each),
// each added when the close is ≥ 1.05 × the previous tranche's fill price.
//
//	bar  open  close
//	 0   100   100   tranche 1: 2700/100 = 27 units
//	 1   101   104   fill @ 101; next at ≥ 1.05 × 101 = 106.05
//	 2   105   107   107 ≥ 106.05 → tranche 2: 2700/107
//	 3   108   112   fill @ 108; next at ≥ 1.05 × 108 = 113.4
//	 4   112   114   114 ≥ 113.4 → tranche 3: 2700/114
//	 5   113   113   fill @ 113: full size 4 days after the first fill
func TestScaledEntryPyramid(t *testing.T) {
	x := bars("X", []float64{100, 101, 105, 108, 112, 113}, []float64{100, 104, 107, 112, 114, 113})
	st, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "mode": "pyramid", "tranches": 3, "step": 0.05, "capital": 0.9, "take_profit": []float64{},
	}, 9000)
	checkFills(t, res.Fills, []wantFill{
		{1, "X", 27, 101, "tranche 1"},
		{3, "X", 2700.0 / 107, 108, "tranche 2"},
		{5, "X", 2700.0 / 114, 113, "tranche 3"},
	})
	q := 27 + 2700.0/107 + 2700.0/114
	checkReport(t, st.(Reporter).Report(), map[string]float64{
		"avg_entry_price":   (27*101 + 2700.0/107*108 + 2700.0/114*113) / q,
		"tranches_filled":   3,
		"days_to_full_size": 4,
		"exits_filled":      0,
		"trailing_stops":    0,
	})
}

// Schedule with a cooldown: every_days 1 but cooldown_days 2 → tranches
// decided on bars 0, 2, 4 (not 0, 1, 2), filled the next day. A basket of
// two: capital 10,000 split 5,000 each, 1/3 per tranche = 1666.67.
func TestScaledEntryScheduleCooldownBasket(t *testing.T) {
	x := flat("X", 7, 100)
	y := flat("Y", 7, 50)
	st, res := run(t, &data.Panel{Series: []data.Series{x, y}}, "scaled-entry", Params{
		"symbols": []string{"X", "Y"}, "mode": "schedule", "tranches": 3, "every_days": 1, "cooldown_days": 2,
	}, 10000)
	m := 10000.0 / 2 / 3
	var want []wantFill
	for k, d := range []int{1, 3, 5} {
		tag := []string{"tranche 1", "tranche 2", "tranche 3"}[k]
		want = append(want, wantFill{d, "X", m / 100, 100, tag}, wantFill{d, "Y", m / 50, 50, tag})
	}
	checkFills(t, res.Fills, want)
	rep := st.(Reporter).Report()
	checkReport(t, rep, map[string]float64{
		"X.avg_entry_price": 100, "X.tranches_filled": 3, "X.days_to_full_size": 4, "X.exits_filled": 0, "X.trailing_stops": 0,
		"Y.avg_entry_price": 50, "Y.tranches_filled": 3, "Y.days_to_full_size": 4, "Y.exits_filled": 0, "Y.trailing_stops": 0,
		"tranches_filled": 6, "exits_filled": 0, "trailing_stops": 0,
	})
}

// The max_position cap: tranches of 1/2 × 10,000 = 5,000 each day, cap
// 1.0 × equity. Bar 0: room 10,000 → 50 units. Bar 1 (filled, equity
// 10,000, position 5,000): room 5,000 = the tranche → capped, 50 units,
// full size when it fills. Bar 2: room 0 → no more tranches.
func TestScaledEntryMaxPosition(t *testing.T) {
	x := flat("X", 6, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "mode": "schedule", "tranches": 4, "tranche": 0.5, "every_days": 1,
	}, 10000)
	checkFills(t, res.Fills, []wantFill{
		{1, "X", 50, 100, "tranche 1"},
		{2, "X", 50, 100, "tranche 2"},
	})
	rep := st.(Reporter).Report()
	if rep["days_to_full_size"] != 1 || rep["tranches_filled"] != 2 {
		t.Errorf("report %v: want full size after 1 day, 2 tranches", rep)
	}
	if c := res.Portfolio.Cash; c != 0 {
		t.Errorf("cash %g, want 0 (fully invested, never borrowed)", c)
	}
}

// An instrument that never reaches full size has no days_to_full_size.
func TestScaledEntryReportOmitsUnreached(t *testing.T) {
	x := flat("X", 5, 100)
	st, _ := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{"symbol": "X"}, 1000)
	rep := st.(Reporter).Report()
	if _, ok := rep["days_to_full_size"]; ok {
		t.Errorf("report %v has days_to_full_size without entries", rep)
	}
	if _, ok := rep["avg_entry_price"]; ok || rep["tranches_filled"] != 0 {
		t.Errorf("report %v: want no entries", rep)
	}
	if math.IsNaN(rep["tranches_filled"]) {
		t.Error("NaN in report")
	}
}

// peak_lookback seeds the peak from history before the start: closes 120
// 110 100 98 97 97, the run starting at bar 2 (100). Without it the peak
// is 100 and the deepest drawdown 1 − 97/100 = 3 %: nothing. With
// peak_lookback 3 the peak is max(120, 110, 100) = 120, and already at the
// first close 1 − 100/120 = 0.167 ≥ 0.05 → tranche 1 on bar 2, filled at
// bar 3's open (99): 5000/100 = 50 units; the deepest drawdown after,
// 1 − 97/120 = 0.19, stays short of the 0.25 level.
func TestScaledEntryPeakLookback(t *testing.T) {
	x := bars("X", []float64{120, 112, 104, 99, 97, 97}, []float64{120, 110, 100, 98, 97, 97})
	p := &data.Panel{Series: []data.Series{x}}
	for _, tc := range []struct {
		lookback int
		want     []wantFill
	}{
		{0, nil},
		{3, []wantFill{{3, "X", 50, 99, "tranche 1"}}},
	} {
		st, err := NewScaledEntry(Params{"symbol": "X", "levels": []float64{0.05, 0.25}, "peak_lookback": tc.lookback})
		if err != nil {
			t.Fatal(err)
		}
		res, err := engine.Run(p, nil, st, engine.Config{Cash: 10000, Start: at(2)})
		if err != nil {
			t.Fatal(err)
		}
		checkFills(t, res.Fills, tc.want)
	}
}

// The ladders act on every level a bar crosses, and a new cycle's peak is
// the close its previous cycle's last sale was decided on (docs/strategies.md,
// the worked example). Cash 10,000, capital 1, levels [0.05, 0.10, 0.15]
// (tranche 1/3: 3,333.33 each), take_profit [0.10, 0.20] with exit_fraction
// 1/2, no trailing stop.
//
//	bar  open  close  decision
//	 0   100   100    cycle starts: peak 100
//	 1    99    88    dd = 1 − 88/100 = 0.12 ≥ 0.05 and ≥ 0.10 (< 0.15): tranches 1-2
//	                  in one order, 2 × 3,333.33 / 88 = 75.7576 units
//	 2    87    84    fill 75.7576 @ 87 (6,590.91). dd = 0.16 ≥ 0.15: tranche 3,
//	                  3,333.33 / 84 = 39.6825 units (room: equity 10,000 − 75.7576 × 3
//	                  = 9,772.73, less 75.7576 × 84 = 6,363.64 → 3,409.09 ≥ 3,333.33)
//	 3    85   105    fill 39.6825 @ 85 (3,373.02): 115.4401 units, avg 9,963.93 /
//	                  115.4401 = 86.3125; exit 1 at 1.1 × avg = 94.944, exit 2 at
//	                  1.2 × avg = 103.575: 105 reaches both → exits 1-2, one order
//	                  for 2 × 1/2 of the position: all of it
//	 4   106   104    fill −115.4401 @ 106 (12,236.65): flat, cash 12,272.73; a new
//	                  cycle: capital 12,272.73, peak = 105, the close exits 1-2 were
//	                  decided on (not 104); dd = 1 − 104/105 = 0.0095
//	 5   100  99.5    dd = 1 − 99.5/105 = 0.0524 ≥ 0.05 → tranche 1: 12,272.73 / 3 /
//	                  99.5 = 41.1147 units (from a peak of 104 it would be 0.0433:
//	                  nothing)
//	 6    98    98    fill 41.1147 @ 98
//
// One tranche per bar (the old rule) would have bought tranche 1 alone on
// bar 1, and one exit level per bar would have sold half on bar 4.
func TestScaledEntryLaddersCrossSeveralLevels(t *testing.T) {
	x := bars("X", []float64{100, 99, 87, 85, 106, 100, 98}, []float64{100, 88, 84, 105, 104, 99.5, 98})
	st, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.05, 0.10, 0.15},
		"take_profit": []float64{0.10, 0.20},
	}, 10000)
	q12 := 2 * (10000.0 / 3) / 88
	q3 := (10000.0 / 3) / 84
	cash4 := 10000 - q12*87 - q3*85 + (q12+q3)*106
	q4 := cash4 / 3 / 99.5
	if !near(q12, 75.7576, 1e-5) || !near(q3, 39.6825, 1e-5) || !near(cash4, 12272.73, 1e-6) || !near(q4, 41.1147, 1e-5) {
		t.Fatalf("hand arithmetic: %g %g %g %g", q12, q3, cash4, q4)
	}
	checkFills(t, res.Fills, []wantFill{
		{2, "X", q12, 87, "tranches 1-2"},
		{3, "X", q3, 85, "tranche 3"},
		{4, "X", -(q12 + q3), 106, "exits 1-2"},
		{6, "X", q4, 98, "tranche 1"},
	})
	checkReport(t, st.(Reporter).Report(), map[string]float64{
		"avg_entry_price":   (q12*87 + q3*85 + q4*98) / (q12 + q3 + q4),
		"tranches_filled":   4, // tranches 1-2, 3, and the new cycle's 1
		"exits_filled":      2, // exits 1-2 in one fill
		"trailing_stops":    0,
		"days_to_full_size": 1, // the first fill on bar 2, tranche 3 on bar 3
	})
	if got := res.Portfolio.Cash; !near(got, cash4-q4*98, 1e-12) {
		t.Errorf("cash %g, want %g", got, cash4-q4*98)
	}
	// fill = "close": the same decisions fill at their closes, on bars 1, 2,
	// 3 and 5; the new cycle (capital at bar 4's close, flat since bar 3:
	// 10,000 − q12' × 88 − q3' × 84 + all × 105) then starts from peak 105.
	_, res = run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.05, 0.10, 0.15},
		"take_profit": []float64{0.10, 0.20}, "fill": "close",
	}, 10000)
	// Tranche 3 exactly fills the cap there (room 10,000 − 4 × q12 −
	// 84 × q12 = 3,333.33). Avg (q12 × 88 + q3 × 84) / (q12 + q3) =
	// 10,000 / 115.4401 = 86.625: exits at 95.29 and 103.95: 105 reaches
	// both.
	c4 := 10000 - q12*88 - q3*84 + (q12+q3)*105
	checkFills(t, res.Fills, []wantFill{
		{1, "X", q12, 88, "tranches 1-2"},
		{2, "X", q3, 84, "tranche 3"},
		{3, "X", -(q12 + q3), 105, "exits 1-2"},
		{5, "X", c4 / 3 / 99.5, 99.5, "tranche 1"},
	})
}

// A key of another mode is refused, not ignored: tranches and every_days
// in the default drawdown mode (a sweep over them gave runs identical to
// the cent), levels in schedule, every_days in pyramid. Each key of its
// own mode is accepted.
func TestScaledEntryKeysOfOtherModes(t *testing.T) {
	for _, c := range []struct {
		params Params
		want   string
	}{
		{Params{"symbol": "BTC", "tranches": int64(4)}, `tranches: applies to mode = "schedule" or "pyramid", not "drawdown"`},
		{Params{"symbol": "BTC", "every_days": int64(7)}, `every_days: applies to mode = "schedule", not "drawdown"`},
		{Params{"symbol": "BTC", "mode": "schedule", "levels": []float64{0.1, 0.2}}, `levels: applies to mode = "drawdown", not "schedule"`},
		{Params{"symbol": "BTC", "mode": "pyramid", "step": 0.05, "every_days": int64(7)}, `every_days: applies to mode = "schedule", not "pyramid"`},
		{Params{"symbol": "BTC", "mode": "schedule", "peak_lookback": int64(20)}, `peak_lookback: applies to mode = "drawdown", not "schedule"`},
	} {
		if _, err := NewScaledEntry(c.params); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.params, err, c.want)
		}
	}
	for _, ok := range []Params{
		{"symbol": "BTC", "levels": []float64{0.1, 0.2}, "peak_lookback": int64(20)},
		{"symbol": "BTC", "mode": "schedule", "tranches": int64(4), "every_days": int64(7)},
		{"symbol": "BTC", "mode": "pyramid", "tranches": int64(3), "step": 0.05},
	} {
		if _, err := NewScaledEntry(ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

// TestScaledEntryTranchesPayTheirCommission: a tranche's money pays its
// commission too, as a target weight's does, so capital 1 spends the
// equity and no more. Cash 10,000, commission 10 bps (0.001), schedule
// mode with 2 tranches every day, price 100 throughout (open = close).
// Capital is 10,000 at the first close, each tranche 5,000:
//
//	units = 5,000 / 100 / 1.001 = 49.950050 (not 50)
//	cost  = 49.950050 × 100 = 4,995.0050, commission 4.9950050: 5,000.00
//	cash after both: 10,000 − 2 × 5,000.00 = 0.00
//
// Sized without its commission, tranche 1 bought 50 units for 5,005.00,
// and tranche 2 (cut to the max_position room, 9,995 − 5,000 = 4,995)
// 49.95 units for 4,999.995: cash ended at −4.995, borrowed.
func TestScaledEntryTranchesPayTheirCommission(t *testing.T) {
	x := bars("X", []float64{100, 100, 100, 100}, []float64{100, 100, 100, 100})
	p := &data.Panel{Series: []data.Series{x}}
	st, err := Builtins().New("scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": 2, "every_days": 1, "take_profit": []float64{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 10000, Commission: 10})
	if err != nil {
		t.Fatal(err)
	}
	q := 5000.0 / 100 / 1.001 // 49.950050
	checkFills(t, res.Fills, []wantFill{
		{1, "X", q, 100, "tranche 1"},
		{2, "X", q, 100, "tranche 2"},
	})
	for _, f := range res.Fills {
		if !near(f.Commission, q*100*0.001, 1e-12) {
			t.Errorf("commission %g, want %g", f.Commission, q*100*0.001)
		}
	}
	if got := res.Portfolio.Cash; math.Abs(got) > 1e-9 {
		t.Errorf("cash %.6f after both tranches, want 0.00 (10,000 − 2 × 5,000)", got)
	}
}

// TestScaledEntryCapLeavesNoTopUp: under a max_position cap, the room
// the tranches' commissions leave is not filled by a top-up tranche
// paying a whole commission. Cash 10,000, commission 10 bps, schedule
// mode, 4 tranches of 2,500 every day, max_position 0.5, price 100:
//
//	tranche 1: 2,500 / 100 / 1.001 = 24.975025 units (2,497.5025 + 2.4975)
//	tranche 2: equity 9,997.5025, room 0.5 × 9,997.5025 − 2,497.5025
//	           = 2,501.24875 ≥ 2,500: 24.975025 units more
//	tranche 3: equity 9,995.005, room 4,997.5025 − 4,995.005 = 2.4975,
//	           under the commission on the position (4.995): full size
//
// Two fills, full size a day after the first; the review found a third
// of 2.50 and a fourth of 0.0012 (and, under a 5.00 minimum fee, a
// tranche of 2.49 paying 5.00).
func TestScaledEntryCapLeavesNoTopUp(t *testing.T) {
	x := bars("X", []float64{100, 100, 100, 100, 100, 100}, []float64{100, 100, 100, 100, 100, 100})
	p := &data.Panel{Series: []data.Series{x}}
	st, err := Builtins().New("scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": 4, "every_days": 1,
		"max_position": 0.5, "take_profit": []float64{}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 10000, Commission: 10})
	if err != nil {
		t.Fatal(err)
	}
	q := 2500.0 / 100 / 1.001 // 24.975025
	checkFills(t, res.Fills, []wantFill{
		{1, "X", q, 100, "tranche 1"},
		{2, "X", q, 100, "tranche 2"},
	})
	rep := st.(Reporter).Report()
	if rep["tranches_filled"] != 2 || rep["days_to_full_size"] != 1 {
		t.Errorf("tranches_filled %g, days_to_full_size %g; want 2 and 1", rep["tranches_filled"], rep["days_to_full_size"])
	}
}

// TestScaledEntryMinimumFee: with a minimum fee the tranche's units are
// what its money buys once the fee is paid. Cash 10,000, a 5.00 minimum
// (the 1 bps rate gives 0.25 on 2,500: the minimum applies), 4 tranches
// of 2,500 at 100: units (2,500 − 5) / 100 = 24.95 each, and the four
// spend 10,000 exactly: cash 0.00.
func TestScaledEntryMinimumFee(t *testing.T) {
	x := bars("X", []float64{100, 100, 100, 100, 100, 100}, []float64{100, 100, 100, 100, 100, 100})
	p := &data.Panel{Series: []data.Series{x}}
	st, err := Builtins().New("scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": 4, "every_days": 1, "take_profit": []float64{}})
	if err != nil {
		t.Fatal(err)
	}
	fee := engine.Commission{Bps: 1, Minimum: 5}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 10000, Equity: engine.Terms{Commission: fee}, Crypto: engine.Terms{Commission: fee}})
	if err != nil {
		t.Fatal(err)
	}
	checkFills(t, res.Fills, []wantFill{
		{1, "X", 24.95, 100, "tranche 1"},
		{2, "X", 24.95, 100, "tranche 2"},
		{3, "X", 24.95, 100, "tranche 3"},
		{4, "X", 24.95, 100, "tranche 4"},
	})
	if got := res.Portfolio.Cash; math.Abs(got) > 1e-9 {
		t.Errorf("cash %.6f, want 0.00 (10,000 − 4 × (2,495 + 5))", got)
	}
}

// The last take-profit level sells what is left, whatever exit_fraction
// sums to: with exit_fraction 1/4 over three levels, exits 2-3 sold half
// the position and a quarter stayed, with no level left to sell it and no
// new cycle (the docs: "the whole position when the last level is among
// them"); with 0.3 over two levels, the last exit alone sold 0.3 and 0.4
// stayed. Cash 10,000, one tranche (levels [0.05]), no commission:
//
//	bar  open  close  decision
//	 0   100   100    peak 100
//	 1    99    94    dd 0.06 ≥ 0.05: tranche 1, 10,000 / 94 = 106.3830 units
//	 2    94    94    fill @ 94: avg 94; exits at 103.4, 112.8 and 122.2
//	 3    96   106    exit 1: 1/4 (or 0.3) of the position
//	 4   107   125    fill @ 107; 125 reaches 112.8 and 122.2 (two levels),
//	                  or 112.8 (the last of two): the rest
//	 5   126   126    fill the rest @ 126: flat
func TestScaledEntryLastExitSellsTheRest(t *testing.T) {
	x := bars("X", []float64{100, 99, 94, 96, 107, 126}, []float64{100, 94, 94, 106, 125, 126})
	q := 10000.0 / 94
	for _, c := range []struct {
		name   string
		tp     []float64
		frac   float64
		second string
	}{
		{"three levels, 1/4 each", []float64{0.10, 0.20, 0.30}, 0.25, "exits 2-3"},
		{"two levels, 0.3 each", []float64{0.10, 0.20}, 0.3, "exit 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
				"symbol": "X", "levels": []float64{0.05}, "take_profit": c.tp, "exit_fraction": c.frac,
			}, 10000)
			checkFills(t, res.Fills, []wantFill{
				{2, "X", q, 94, "tranche 1"},
				{4, "X", -c.frac * q, 107, "exit 1"},
				{5, "X", -(1 - c.frac) * q, 126, c.second},
			})
			if p := res.Portfolio.Qty[0]; p != 0 {
				t.Errorf("position %g left after the last exit, want 0", p)
			}
		})
	}
}
