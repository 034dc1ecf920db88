package strategies

// Scaled entry with a lot size: an exit the lot rounds to nothing is
// not waited for.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An exit level whose size rounds to no lot sends no order (Submit returns
// id 0): the strategy must not wait for it to fill. By hand: lot 1, cash
// 2,500, one tranche of the whole capital, take profit [0.10, 0.20, 0.30]
// (a third each), trailing stop 0.10 (armed from the first exit):
//
//	bar  close  what happens
//	 0   1000   tranche 1: 2,500/1000 = 2.5, 2 lots
//	 1   1000   filled 2 @ 1000
//	 2   1110   ≥ 1100 → exit 1: a third of 2 = 0.67, no lot: nothing sent
//	 3   1110   high 1110, stop at 999
//	 4    990   990 ≤ 999 → trailing stop: sell 2
//	 5    990   filled −2 @ 990
//
// While it waited for the order that was never sent, it decided nothing
// more: no trailing stop, and the position was held whatever the fall.
func TestScaledEntryExitOfNoLot(t *testing.T) {
	c := []float64{1000, 1000, 1110, 1110, 990, 990}
	x := bars("X", c, c)
	x.LotSize = 1
	_, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "mode": "schedule", "tranches": int64(1), "trailing_stop": 0.10,
	}, 2500)
	checkFills(t, res.Fills, []wantFill{
		{1, "X", 2, 1000, "tranche 1"},
		{5, "X", -2, 990, "trailing stop"},
	})
}
