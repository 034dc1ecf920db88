package results

import (
	"math"
	"slices"
	"testing"
)

// The strategies' own statistics are columns of the full runs table:
// stat_<key> with the key written as a benchmark symbol is, NaN in a run
// that does not report it; two keys of one name both kept; none in the
// headline table runs.csv holds.
func TestRunsTableStrategyStats(t *testing.T) {
	recs := []RunRecord{
		{Run: "hedge", StrategyStats: map[string]float64{"hedge_ratio_mean": 0.75, "rebalances": 12}},
		{Run: "basket", StrategyStats: map[string]float64{"NVDA.tranches_filled": 3, "nvda.tranches_filled": 4, "rebalances": 2}},
		{Run: "hold"},
	}
	tab := RunsTable(recs, All)
	var names []string
	for _, c := range tab.Columns {
		if len(c.Name) > 5 && c.Name[:5] == "stat_" {
			names = append(names, c.Name)
		}
	}
	// The keys sorted: NVDA.tranches_filled, hedge_ratio_mean,
	// nvda.tranches_filled (second of its name), rebalances.
	want := []string{"stat_nvda_tranches_filled", "stat_hedge_ratio_mean", "stat_nvda_tranches_filled_2", "stat_rebalances"}
	if !slices.Equal(names, want) {
		t.Fatalf("stat columns %v, want %v", names, want)
	}
	col := func(name string) []float64 {
		i := slices.IndexFunc(tab.Columns, func(c Column) bool { return c.Name == name })
		return tab.Columns[i].Floats
	}
	nan := math.NaN()
	for name, want := range map[string][]float64{
		"stat_nvda_tranches_filled":   {nan, 3, nan},
		"stat_nvda_tranches_filled_2": {nan, 4, nan},
		"stat_hedge_ratio_mean":       {0.75, nan, nan},
		"stat_rebalances":             {12, 2, nan},
	} {
		got := col(name)
		for i := range want {
			if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Errorf("%s = %v, want %v", name, got, want)
				break
			}
		}
	}
	for _, c := range RunsTable(recs, Headline).Columns {
		if len(c.Name) > 5 && c.Name[:5] == "stat_" {
			t.Errorf("headline runs table has %s", c.Name)
		}
	}
}
