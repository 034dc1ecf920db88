package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A stop-loss on an exchange holiday, with close fills on mixed calendars,
// closes the whole book: the equity leg's entry order, still pending for
// the equity's next close, is cancelled, not left to fill after the stop.
//
// L is an equity with no bar on Tuesday 2024-01-02 (day 1, a holiday),
// flat at 100; S is a token every day. Cash 1,000, dollar hedge, gross 1,
// fill = "close", stop_loss = 0.1, cooldown 30 days (no re-entry here).
//
//	day 0 (Mon): entry decided, equity 1,000 = the peak. S's close order
//	       fills at its close 100: −0.5 × 1,000 / 100 = −5, cash 1,500.
//	       L's waits for L's next close (day 2: day 1 is a holiday).
//	day 1 (Tue, L's holiday): S closes 125, equity 1,500 − 5 × 125 = 875
//	       ≤ 0.9 × 1,000 = 900: stop. S buys 5 back at its close 125.
//	       L holds nothing and its entry must not fill any more.
//	day 2 (Wed): before the fix, L's entry ("rebalance long", weight 0.5)
//	       filled at L's close: 0.5 × 875 / 100 = 4.375 bought after the
//	       stop, a naked long leg until the next entry.
func TestPairHedgeStopOnHolidayCancelsPendingCloseEntry(t *testing.T) {
	l := weekdays("L", []int{0, 2, 3, 4}, []float64{100, 100, 100, 100})
	s := bars("S", []float64{100, 100, 125, 125, 125}, []float64{100, 125, 125, 125, 125})
	st, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 30,
		"stop_loss": 0.1, "cooldown_days": 30, "fill": "close"}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 1, "drift_rebalances": 0,
		"gross_cap_rebalances": 0, "stop_losses": 1, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
	checkFills(t, res.Fills, []wantFill{
		{0, "S", -5, 100, "rebalance short"},
		{1, "S", 5, 125, "stop loss"},
	})
}
