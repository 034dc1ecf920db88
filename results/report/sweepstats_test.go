package report

import (
	"slices"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// A strategy's own statistics (stat_<name>: rebalances, the mean hedge
// ratio, an average entry price) may colour the sweep heatmap, as
// figures with no better direction: neither "higher is better" nor a
// best run by them.
func TestSweepStatColumnsHaveNoBetterDirection(t *testing.T) {
	var f Folder
	for i, ab := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {2, 2}} {
		f.Runs = append(f.Runs, Run{Key: "hedge", Record: results.RunRecord{Run: "hedge", Strategy: "hedge",
			Swept:         map[string]any{"a": ab[0], "b": ab[1]},
			StrategyStats: map[string]float64{"rebalances": float64(10 + i), "hedge_ratio_mean": 0.5}}})
		f.Main = append(f.Main, i)
	}
	s := sweepOf(&f)
	if s == nil {
		t.Fatal("no sweep of two swept parameters")
	}
	for _, name := range []string{"stat_rebalances", "stat_hedge_ratio_mean"} {
		if !slices.Contains(s.Metrics, name) {
			t.Errorf("%s: not a metric of the heatmap (%v)", name, s.Metrics)
		}
		if !slices.Contains(s.Neutral, name) || slices.Contains(s.Lower, name) {
			t.Errorf("%s: neutral %v, lower %v: want it neutral", name, s.Neutral, s.Lower)
		}
	}
	if slices.Contains(s.Neutral, "sharpe") {
		t.Error("sharpe taken for neutral")
	}
}
