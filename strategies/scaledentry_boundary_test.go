package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A close exactly at a level reaches it. In floats 1 − 90/100 is
// 0.09999999999999998, below 0.10, so a drawdown level of 0.10 from a
// peak of 100 did not buy at a close of exactly 90; nor did a take-profit
// of 0.10 over an average of 100 sell at exactly 110 ((1 + 0.1) × 100 is
// 110.00000000000001). Over peaks 100, 50, 250, 37.5, 1,000, 12.34 and
// levels 0.01…0.99, 125 of the 594 exact drawdown hits and 52 of the
// exact take-profit hits were missed. Prices on a tick grid hit them.
//
// Each case is one tranche of the whole cash (levels [l]) and one exit
// (take_profit [tp]); cash 1,000, no costs, orders at the next open.
func TestScaledEntryExactLevelsReached(t *testing.T) {
	for _, c := range []struct {
		name          string
		level, tp     float64
		peak, dip, up float64
	}{
		{"peak 100, level 0.10 at 90, exit 0.10 at 99", 0.10, 0.10, 100, 90, 99},
		{"peak 100, level 0.07 at 93, exit 0.09 over 93 at 101.37", 0.07, 0.09, 100, 93, 101.37},
		{"peak 100, level 0.05 at 95, exit 0.10 over 95 at 104.5", 0.05, 0.10, 100, 95, 104.5},
		{"peak 250, level 0.08 at 230, exit 0.20 at 276", 0.08, 0.20, 250, 230, 276},
	} {
		t.Run(c.name, func(t *testing.T) {
			// bar 0 sets the peak; bar 1 closes at the dip: tranche 1 of
			// 1,000 / dip, filled at bar 2's open (the dip); bar 3 closes
			// at dip × (1 + tp): the exit, filled at bar 4's open.
			opens := []float64{c.peak, c.peak, c.dip, c.dip, c.up, c.up}
			closes := []float64{c.peak, c.dip, c.dip, c.up, c.up, c.up}
			_, res := run(t, &data.Panel{Series: []data.Series{bars("X", opens, closes)}}, "scaled-entry", Params{
				"symbol": "X", "levels": []float64{c.level}, "take_profit": []float64{c.tp},
			}, 1000)
			q := 1000 / c.dip
			checkFills(t, res.Fills, []wantFill{
				{2, "X", q, c.dip, "tranche 1"},
				{4, "X", -q, c.up, "exit 1"},
			})
		})
	}
}

// The trailing stop and the pyramid's step at exactly their levels.
// In floats 1 − 0.34 is 0.6599999999999999 and × 100 gives
// 65.99999999999999 < 66, so a stop of 0.34 below a high of 100 did not
// sell at exactly 66; (1 + 0.10) ×
// 100 is 110.00000000000001 > 110, so a pyramid step of 0.10 over a
// fill at 100 did not add at exactly 110.
func TestScaledEntryExactStopAndStepReached(t *testing.T) {
	t.Run("trailing stop 0.34 at 66", func(t *testing.T) {
		// Tranche of the whole cash at bar 1's close (level 0), filled at
		// bar 2's open, 100: the high is 100; bar 3 closes at 66, the
		// stop; sold at bar 4's open (cash 10 × 66 = 660). Flat, a new
		// cycle starts at bar 4 and its level 0 buys at once: 660 / 66 =
		// 10, filled at bar 5's open.
		opens := []float64{100, 100, 100, 100, 66, 66}
		closes := []float64{100, 100, 100, 66, 66, 66}
		_, res := run(t, &data.Panel{Series: []data.Series{bars("X", opens, closes)}}, "scaled-entry", Params{
			"symbol": "X", "levels": []float64{0}, "take_profit": []float64{}, "trailing_stop": 0.34,
		}, 1000)
		checkFills(t, res.Fills, []wantFill{
			{1, "X", 10, 100, "tranche 1"},
			{4, "X", -10, 66, "trailing stop"},
			{5, "X", 10, 66, "tranche 1"},
		})
	})
	t.Run("pyramid step 0.10 at 110", func(t *testing.T) {
		// Two tranches of 500: the first at bar 0's close (100), filled
		// at bar 1's open, 100; bar 2 closes at 110 = 1.1 × 100: the
		// second, 500 / 110, filled at bar 3's open.
		opens := []float64{100, 100, 100, 110, 110}
		closes := []float64{100, 100, 110, 110, 110}
		_, res := run(t, &data.Panel{Series: []data.Series{bars("X", opens, closes)}}, "scaled-entry", Params{
			"symbol": "X", "mode": "pyramid", "tranches": int64(2), "step": 0.10, "take_profit": []float64{},
		}, 1000)
		checkFills(t, res.Fills, []wantFill{
			{1, "X", 5, 100, "tranche 1"},
			{3, "X", 500.0 / 110, 110, "tranche 2"},
		})
	})
}
