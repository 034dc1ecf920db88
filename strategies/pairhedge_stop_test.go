package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// With close fills on mixed calendars, no entry is decided the session
// before an exchange holiday: the tokens would fill at that close and the
// equities at the close after the holiday, the book one-legged over it
// (and a stop-loss on the holiday had to cancel the equity's pending
// entry).
//
// L is an equity with no bar on Tuesday 2024-01-02 (day 1, a holiday),
// flat at 100; S is a token every day. Cash 1,000, dollar hedge, gross 1,
// fill = "close", stop_loss = 0.1, cooldown 30 days.
//
//	day 0 (Mon): L's next bar is day 2, S's day 1: no decision (before,
//	       S shorted 5 at 100 here and L's entry waited for day 2).
//	day 1 (Tue, L's holiday): L stale, no sync point; S closes 125.
//	day 2 (Wed): L's next bar is day 3, S's day 3: entry, equity 1,000.
//	       S's close order fills at its close 125: −0.5 × 1,000 / 125 = −4;
//	       L's at L's next close (day 3): 0.5 × 1,000 / 100 = 5 at 100.
//	       Prices stay flat: equity 1,000, no stop.
func TestPairHedgeCloseEntryWaitsOutAHoliday(t *testing.T) {
	l := weekdays("L", []int{0, 2, 3, 4}, []float64{100, 100, 100, 100})
	s := bars("S", []float64{100, 100, 125, 125, 125}, []float64{100, 125, 125, 125, 125})
	st, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 30,
		"stop_loss": 0.1, "cooldown_days": 30, "fill": "close"}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 1, "drift_rebalances": 0,
		"gross_cap_rebalances": 0, "stop_losses": 0, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
	checkFills(t, res.Fills, []wantFill{
		{2, "S", -4, 125, "rebalance short"},
		{3, "L", 5, 100, "rebalance long"},
	})
}
