package strategies

// Scaled entry with a lot size: an exit smaller than a lot sells one.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An exit level whose size is less than a lot sells one lot: rounded to
// none, it spent its level and armed the trailing stop on nothing, and
// exits_filled did not count it (and, earlier still, the strategy waited
// for an order never sent). By hand: lot 1, cash 2,500, one tranche of
// the whole capital, take profit [0.10, 0.20, 0.30] (a third each),
// trailing stop 0.10 (armed from the first exit):
//
//	bar  close  what happens
//	 0   1000   tranche 1: 2,500/1000 = 2.5, 2 lots
//	 1   1000   filled 2 @ 1000
//	 2   1110   ≥ 1100 → exit 1: a third of 2 = 0.67, less than a lot: 1
//	 3   1110   filled −1 @ 1110; high 1110, stop at 999
//	 4    990   990 ≤ 999 → trailing stop: sell the 1 left
//	 5    990   filled −1 @ 990
func TestScaledEntryExitOfNoLot(t *testing.T) {
	c := []float64{1000, 1000, 1110, 1110, 990, 990}
	x := bars("X", c, c)
	x.LotSize = 1
	st, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "mode": "schedule", "tranches": int64(1), "trailing_stop": 0.10,
	}, 2500)
	checkFills(t, res.Fills, []wantFill{
		{1, "X", 2, 1000, "tranche 1"},
		{3, "X", -1, 1110, "exit 1"},
		{5, "X", -1, 990, "trailing stop"},
	})
	if n := st.(Reporter).Report()["exits_filled"]; n != 1 {
		t.Errorf("exits_filled %g, want 1", n)
	}
}
