package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A funding window's rate applies to the events inside it, also when they
// fall in a gap of the data and are settled at the bar after it. A
// perpetual with daily bars on 1, 2, 5 and 6 January 2024 (3 and 4
// missing), price 100, funding 0.0001 per 8h (3 events a day), long 10
// from 1 January's close; the window sets the rate to 0.001 on 3 January.
//
//	2 Jan   3 events × 0.0001 × 10 × 100                     0.30
//	5 Jan   gap: 3 Jan's 3 × 0.001 + 4 Jan's 3 × 0.0001
//	        = 0.0033 × 1,000 = 3.30; its own 3 events 0.30    3.60
//	6 Jan                                                     0.30
//	                                                          4.20 in all
//
// (asked once, at 5 January's factors, the gap's 6 events paid 0.0001:
// 0.60, and 1.50 in all.)
func TestFundingWindowInGap(t *testing.T) {
	var rows []row
	for _, d := range []string{"2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06"} {
		rows = append(rows, row{d, 100, 100, 100, 100, 1})
	}
	p := panel(series(t, "P", data.Crypto, rows))
	cfg := Config{Crypto: Terms{Funding: Funding{Rate: 0.0001, Interval: DefaultFundingInterval}},
		Env: envWindow{data.Day(2024, 1, 3), data.Day(2024, 1, 4), func(f *EnvFactors) { f.FundingSet = 0.001 }}}
	res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: 10}))
	got := ledgerOf(res, CostFunding)
	want := map[string]float64{"2024-01-02": 0.3, "2024-01-05": 3.6, "2024-01-06": 0.3}
	for day, w := range want {
		if !near(got[day], w, 1e-12) {
			t.Errorf("funding on %s = %.6f, want %.2f", day, got[day], w)
		}
	}
	if len(got) != len(want) || !near(res.Costs.Funding, 4.2, 1e-12) {
		t.Errorf("funding %v, total %.6f, want 4.20", got, res.Costs.Funding)
	}
}
