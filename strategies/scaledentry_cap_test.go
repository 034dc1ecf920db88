package strategies

// Scaled entry under a participation cap: an order the cap spreads over
// several bars is waited for, not sent again.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A trailing stop that the participation cap (0.5 × 40 = 20 units a bar)
// fills over six bars. Before the fix the strategy read the first partial
// fill as the stop done, saw the position still open and below its stop,
// and sent a second stop for the whole remainder while the first one was
// still filling, then a third…: the orders sold 105.26 + 85.26 + … units
// of a 105.26-unit long, and the long-only strategy ended short (on
// RENDER's real bars, a 10,000,000 book capped at 2 % of volume ended
// 47 M short and ruined). By hand: cash 10,000, levels [0.05] (one tranche
// of the whole capital), take_profit [] (stop armed from the first
// entry), trailing_stop 0.10.
//
//	bar  open close volume  what happens
//	 0   100  100   1e9    cycle starts: peak 100
//	 1   100   95   1e9    dd 0.05 → tranche 1: 10,000/95 = 105.2632 units
//	 2    95  100   1e9    filled whole @ 95 (cash 0); high 95, then 100: stop at 90
//	 3   100   89   40     89 ≤ 90 → trailing stop: sell 105.2632
//	 4-8  89   89   40     20 units a bar @ 89 (the cap): the stop is still filling
//	 9    89   89   40     the last 5.2632 @ 89: flat; a new cycle, capital =
//	                       cash = 10,000 − 105.2632 × (95 − 89) = 9,368.42, peak 89
//	10    89   80   1e9    dd 1 − 80/89 = 0.1011 ≥ 0.05 → tranche 1: 9,368.42/80 = 117.1053
//	11    80   80   1e9    filled @ 80
func TestScaledEntryWaitsForACappedOrder(t *testing.T) {
	x := bars("X",
		[]float64{100, 100, 95, 100, 89, 89, 89, 89, 89, 89, 89, 80},
		[]float64{100, 95, 100, 89, 89, 89, 89, 89, 89, 89, 80, 80})
	for k := 3; k <= 9; k++ {
		x.Volume[k] = 40
	}
	for k := range x.Volume {
		if x.Volume[k] == 1 {
			x.Volume[k] = 1e9
		}
	}
	st, err := Builtins().New("scaled-entry", Params{
		"symbol": "X", "levels": []float64{0.05},
		"take_profit": []float64{}, "trailing_stop": 0.10,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Cash: 10000, Crypto: engine.Terms{Slippage: engine.Slippage{MaxParticipation: 0.5}}}
	res, err := engine.Run(&data.Panel{Series: []data.Series{x}}, nil, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	q := 10000.0 / 95
	cash := 10000 - q*95 + q*89
	checkFills(t, res.Fills, []wantFill{
		{2, "X", q, 95, "tranche 1"},
		{4, "X", -20, 89, "trailing stop"},
		{5, "X", -20, 89, "trailing stop"},
		{6, "X", -20, 89, "trailing stop"},
		{7, "X", -20, 89, "trailing stop"},
		{8, "X", -20, 89, "trailing stop"},
		{9, "X", -(q - 100), 89, "trailing stop"},
		{11, "X", cash / 80, 80, "tranche 1"},
	})
	rep := st.(Reporter).Report()
	if rep["trailing_stops"] != 1 || rep["tranches_filled"] != 2 {
		t.Errorf("report %v: want 1 trailing stop and 2 tranches", rep)
	}
}
