package report

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
)

// The walk-forward chart's "in-sample best by sharpe, whole period" is
// ranked as the runs table ranks (results.Rank): a ruined run (equity at
// or below 0, max drawdown -100 % or worse) comes after every run that
// was not, whatever its Sharpe ratio. On real data (NVDA/MSFT/AMD against
// FET, 2021-09 to 2025-07) the chart named gross=2 beta 28 (total return
// -462.9 %, ruined 2022-12-09, Sharpe 0.32 on meaningless returns) the
// best, over the best run that was not ruined (Sharpe -0.11). Here: run
// "ruined" has Sharpe 0.32 and max drawdown -1.85, "alive" Sharpe -0.11
// and max drawdown -0.99, "flat" no Sharpe at all: "alive" is the best;
// with "alive" ruined too, the better Sharpe of the two ruined, "ruined".
func TestWalkForwardBestSkipsRuined(t *testing.T) {
	d0 := int64(1661990400) * 1e9 // 2022-09-01
	tm := []int64{d0, d0 + data.NanosPerDay, d0 + 2*data.NanosPerDay}
	run := func(key string, sharpe, dd float64) Run {
		var rec results.RunRecord
		rec.Run, rec.Strategy = key, "hedge"
		rec.Metrics.Sharpe, rec.Metrics.MaxDrawdown = sharpe, dd
		return Run{Key: key, Name: key, Record: rec, Equity: charts.Series{Name: key, Time: tm, Values: []float64{1e6, 9e5, 8e5}}}
	}
	nan := 0.0
	nan /= nan
	wf := WalkForward{Strategy: "hedge", Windows: &Table{Header: []string{"window", "is_start", "is_end", "is_sharpe"}},
		Equity: tm, Values: []float64{1e6, 1.1e6, 1.2e6}}
	for _, c := range []struct {
		aliveDD float64
		want    string
	}{{-0.99, "alive"}, {-1.2, "ruined"}} {
		f := &Folder{Runs: []Run{run("ruined", 0.32, -1.85), run("alive", -0.11, c.aliveDD), run("flat", nan, 0)}, Main: []int{0, 1, 2}}
		pal := charts.NewPalette([]string{"alive", "flat", "ruined"})
		got := walkForwardLines(f, pal, wf, nil)
		if !strings.HasPrefix(got.BestName, c.want+" (") {
			t.Errorf("alive's max drawdown %g: in-sample best %q, want %s", c.aliveDD, got.BestName, c.want)
		}
	}
}

// The walk-forward table leaves out params (the chosen run's whole
// parameter set as JSON, which pushed the windows' figures off the page);
// chosen and the other columns stay, in order.
func TestWalkForwardTableWithoutParams(t *testing.T) {
	in := &Table{Header: []string{"window", "chosen", "params", "is_sharpe", "oos_ruined"},
		Rows: [][]string{{"1", "hedge--gross=2", `{"gross":2,"long":["NVDA","MSFT"]}`, "1.5", "false"}}}
	got := withoutColumn(in, "params")
	if strings.Join(got.Header, ",") != "window,chosen,is_sharpe,oos_ruined" || strings.Join(got.Rows[0], ",") != "1,hedge--gross=2,1.5,false" {
		t.Errorf("header %v, row %v", got.Header, got.Rows[0])
	}
	if len(in.Header) != 5 || len(in.Rows[0]) != 5 {
		t.Error("the input table changed")
	}
	if withoutColumn(nil, "params") != nil || withoutColumn(got, "params") != got {
		t.Error("a nil table, or one without the column, is not passed through")
	}
}
