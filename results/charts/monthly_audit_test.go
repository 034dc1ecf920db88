//go:build duckdb_arrow

package charts_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/report"
	"github.com/divergence-research/divergence/strategies"
)

// TestMonthlyReturnsFromEquityParquet audits the monthly returns table a
// run's report draws (its heatmap's matrix, from the run's series as the
// report loads it) against equity.parquet, by hand: each month's return
// is its last equity over the month before's last (the first month's
// over the initial cash) − 1; the year's, its last over the year
// before's last (the first year's over the cash) − 1; months without a
// point are empty.
func TestMonthlyReturnsFromEquityParquet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an experiment")
	}
	toml := filepath.Join(t.TempDir(), "monthly.toml")
	if err := os.WriteFile(toml, []byte(`name = "monthly"
seed = 7
cash = 100_000.0
commission_bps = 5.0
start = "2020-02-10"
end = "2022-05-20"
[data]
synthetic = true
[[strategy]]
name = "scaled"
type = "scaled-entry"
[strategy.params]
symbol = "BTC"
levels = [0.05, 0.10, 0.20]
take_profit = [0.15, 0.30]
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "NVDA"
fast = 10
slow = 40
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	folder, err := report.Load(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range folder.Runs {
		t.Run(run.Key, func(t *testing.T) {
			dir := filepath.Join(o.Dir, "runs", run.Key)
			tab, err := results.ReadTableParquet(filepath.Join(dir, "equity.parquet"), "time", "equity")
			if err != nil {
				t.Fatal(err)
			}
			var rec struct {
				Cash float64 `json:"initial_cash"`
			}
			b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
			if err != nil || json.Unmarshal(b, &rec) != nil {
				t.Fatalf("metrics.json: %v", err)
			}
			// The last equity of each month and of each year.
			type ym struct{ y, m int }
			lastOfMonth := map[ym]float64{}
			var months []ym
			for k, ts := range tab.Columns[0].Times {
				tm := time.Unix(0, ts).UTC()
				key := ym{tm.Year(), int(tm.Month())}
				if _, ok := lastOfMonth[key]; !ok {
					months = append(months, key)
				}
				lastOfMonth[key] = tab.Columns[1].Floats[k]
			}
			m, err := charts.MonthlyMatrix(run.Equity)
			if err != nil {
				t.Fatal(err)
			}
			y0, y1 := months[0].y, months[len(months)-1].y
			if len(m.Rows) != y1-y0+1 || m.Rows[0] != strconv.Itoa(y0) {
				t.Fatalf("rows %v, want the years %d to %d", m.Rows, y0, y1)
			}
			want := make([][13]float64, y1-y0+1)
			for i := range want {
				for j := range want[i] {
					want[i][j] = math.NaN()
				}
			}
			prev, yearPrev := rec.Cash, rec.Cash
			for i, key := range months {
				v := lastOfMonth[key]
				want[key.y-y0][key.m-1] = v/prev - 1
				prev = v
				if i == len(months)-1 || months[i+1].y != key.y {
					want[key.y-y0][12] = v/yearPrev - 1
					yearPrev = v
				}
			}
			for i := range want {
				for j, w := range want[i] {
					g := m.Values[i][j]
					if math.IsNaN(w) != math.IsNaN(g) || !math.IsNaN(w) && math.Abs(g-w) > 1e-12 {
						t.Errorf("%s %s: the table shows %g, equity.parquet gives %g", m.Rows[i], m.Cols[j], g, w)
					}
				}
			}
		})
	}
}
