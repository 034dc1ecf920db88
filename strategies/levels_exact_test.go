package strategies

import (
	"fmt"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The drift band and the gross cap trigger past their levels, not at
// them: a weight that has drifted by exactly drift_band, or a gross
// exposure of exactly max_gross × equity, does not rebalance, whichever
// way the floats round. Same legs as TestPairHedgeDriftBand: dollar mode,
// gross 1, cash 1,000, L and S at 100, +5 L and −5 S filled at bar 1's
// open, cash stays 1,000.
//
// Drift: with S flat and L at x × 100, equity = 500 + 500x and each
// weight drifts by |x − 1| / (2(1 + x)); that is exactly b at x = (1 +
// 2b)/(1 − 2b) above 1 and x = (1 − 2b)/(1 + 2b) below it: b = 0.1 at x =
// 1.5, 0.25 at 3, 0.3 at 4 and at 0.25, 0.375 at 7, 0.4 at 9, 0.45 at 19.
//
// Gross cap: with L flat and S at y × 100, equity = 1500 − 500y and gross
// = 500 + 500y, which is exactly G × equity at y = (3G − 1)/(1 + G): G =
// 1.5 at y = 1.4, 3 at 2, 4 at 2.2, 7 at 2.5, 9 at 2.6.
//
// In floats some of these came out a hair past the level, and the
// strategy rebalanced on a level it had only reached.
func TestPairHedgeDriftAndCapAtExactlyTheirLevel(t *testing.T) {
	type tc struct {
		name  string
		param string
		level float64
		sym   string  // the leg that moves
		px    float64 // its close from bar 2 on
	}
	var cases []tc
	for _, c := range []struct{ b, px float64 }{{0.1, 150}, {0.25, 300}, {0.3, 400}, {0.3, 25}, {0.375, 700}, {0.4, 900}, {0.45, 1900}} {
		cases = append(cases, tc{fmt.Sprintf("drift_band %g, L at %g", c.b, c.px), "drift_band", c.b, "L", c.px})
	}
	for _, c := range []struct{ g, px float64 }{{1.5, 140}, {3, 200}, {4, 220}, {7, 250}, {9, 260}} {
		cases = append(cases, tc{fmt.Sprintf("max_gross %g, S at %g", c.g, c.px), "max_gross", c.g, "S", c.px})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			px := c.px
			moved := bars(c.sym, []float64{100, 100, 100, px, px}, []float64{100, 100, px, px, px})
			still := flat(map[string]string{"L": "S", "S": "L"}[c.sym], 5, 100)
			p := &data.Panel{Series: []data.Series{moved, still}}
			if c.sym == "S" {
				p.Series[0], p.Series[1] = p.Series[1], p.Series[0]
			}
			st, res := run(t, p, "pair-hedge", Params{
				"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": int64(30), c.param: c.level}, 1000)
			checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 1, "drift_rebalances": 0,
				"gross_cap_rebalances": 0, "stop_losses": 0, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
			if len(res.Fills) != 2 {
				t.Errorf("%d fills, want the first rebalance's 2: %+v", len(res.Fills), res.Fills)
			}
		})
	}
}

// The weights strategy's drift band, the same way: {A = 0.5, B = 0.5},
// cash 1,000, both at 100, 5 of each bought at bar 1's open; with B flat
// and A at 100x, A's weight x/(1 + x) drifts from 0.5 by (x − 1)/(2(1 +
// x)), as in TestWeightsDriftBand: exactly b at the same closes as the
// pair hedge's above.
func TestWeightsDriftAtExactlyItsBand(t *testing.T) {
	for _, c := range []struct{ b, px float64 }{{0.1, 150}, {0.25, 300}, {0.3, 400}, {0.3, 25}, {0.375, 700}, {0.4, 900}, {0.45, 1900}} {
		t.Run(fmt.Sprintf("drift_band %g, A at %g", c.b, c.px), func(t *testing.T) {
			a := bars("A", []float64{100, 100, 100, c.px, c.px}, []float64{100, 100, c.px, c.px, c.px})
			st, res := run(t, &data.Panel{Series: []data.Series{a, flat("B", 5, 100)}}, "weights", Params{
				"weights": map[string]any{"A": 0.5, "B": 0.5}, "drift_band": c.b}, 1000)
			checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 1, "drift_rebalances": 0, "schedule_switches": 0})
			if len(res.Fills) != 2 {
				t.Errorf("%d fills, want the first rebalance's 2", len(res.Fills))
			}
		})
	}
}
