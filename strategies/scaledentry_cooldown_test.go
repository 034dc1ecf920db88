package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// The cooldown runs from the end of a cycle, its sale's fill, whichever
// the fill: with fill = "close" the sale fills at the close it was
// decided on, and the next cycle's first tranche may come cooldown_days
// after that close. One tranche of 10,000 (cash 10,000, no commission),
// take profit at +10 %, cooldown 2 days, opens = closes:
//
//	bar  close  decision (filled at this close)
//	 0   100    tranche 1: 10,000/100 = 100 units
//	 1   100    —
//	 2   111    111 ≥ 1.1 × 100 → exit: sell 100 (the cycle ends: day 2)
//	 3   111    new cycle; 1 day since the sale < 2
//	 4   111    2 days → tranche 1: equity 10,000 + 100 × 11 = 11,100 → 100 units
//
// Counted from the bar after the sale (day 3), as before, the tranche
// came a day late, on bar 5.
func TestScaledEntryCooldownFromCloseFill(t *testing.T) {
	c := []float64{100, 100, 111, 111, 111, 111, 111}
	x := bars("X", c, c)
	_, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
		"symbol": "X", "mode": "schedule", "tranches": int64(1), "every_days": int64(1),
		"take_profit": []float64{0.10}, "cooldown_days": int64(2), "fill": "close",
	}, 10000)
	checkFills(t, res.Fills, []wantFill{
		{0, "X", 100, 100, "tranche 1"},
		{2, "X", -100, 111, "exit 1"},
		{4, "X", 100, 111, "tranche 1"},
	})
}
