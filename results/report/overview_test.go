package report

import (
	"fmt"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// The overview charts show the runs the equity chart shows: the best 10
// by the folder's ranking metric (its manifest's sort_by, Sharpe when it
// has none), ruined runs last, in run order. Twelve runs: run k has
// Sharpe k (so the best 10 by Sharpe are 2…11) and max drawdown −k/20
// (the best 10 by drawdown, the least negative, are 0…9); run 11 is
// ruined (drawdown −1), so by Sharpe it ranks last and 1…10 are shown.
func TestOverviewFollowsTheSort(t *testing.T) {
	f := &Folder{}
	for k := 0; k < 12; k++ {
		var m results.RunMetrics
		m.Sharpe, m.MaxDrawdown = float64(k), -float64(k)/20
		f.Runs = append(f.Runs, Run{Key: fmt.Sprintf("r%d", k), Record: results.RunRecord{Metrics: m}})
		f.Main = append(f.Main, k)
	}
	seq := func(a, b int) []int {
		var out []int
		for k := a; k <= b; k++ {
			out = append(out, k)
		}
		return out
	}
	if got := chartRuns(f); !slices.Equal(got, seq(2, 11)) {
		t.Errorf("no sort_by: runs %v, want the best 10 by Sharpe, 2…11", got)
	}
	f.Manifest.SortBy = "max_drawdown"
	if got := chartRuns(f); !slices.Equal(got, seq(0, 9)) {
		t.Errorf("sort_by max_drawdown: runs %v, want 0…9", got)
	}
	f.Manifest.SortBy = "sharpe"
	f.Runs[11].Record.Metrics.MaxDrawdown = -1
	if got := chartRuns(f); !slices.Equal(got, seq(1, 10)) {
		t.Errorf("run 11 ruined: runs %v, want 1…10", got)
	}
}
