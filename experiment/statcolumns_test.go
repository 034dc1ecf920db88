package experiment

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// A run's strategy_stats (metrics.json) are columns of runs.parquet and
// of results.duckdb's runs table, stat_<name>, each value the one
// metrics.json holds; NULL for a run whose strategy reports no such
// statistic (buy-and-hold reports none).
func TestStrategyStatsInRunsTables(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "stats"
seed = 3
cash = 1_000_000.0
[data]
synthetic = true
synthetic_seed = 7
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA"]
short = ["TAO", "FET"]
gross = 1.0
rebalance_days = 7
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2, Database: resultsDB, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	out := o.Dir
	var m struct {
		Stats map[string]float64 `json:"strategy_stats"`
	}
	b, err := os.ReadFile(filepath.Join(out, "runs", "hedge", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Stats) == 0 || m.Stats["rebalances"] == 0 {
		t.Fatalf("hedge's strategy_stats %v: want its rebalances", m.Stats)
	}
	db, err := sql.Open("duckdb", filepath.Join(out, "results.duckdb")+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pq, err := results.ReadTableParquet(filepath.Join(out, results.RunsParquet), "key")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range m.Stats {
		col := "stat_" + results.ColumnSymbol(name)
		var hedge, hold sql.NullFloat64
		if err := db.QueryRow(`SELECT (SELECT "`+col+`" FROM runs WHERE key = 'hedge'), (SELECT "`+col+`" FROM runs WHERE key = 'hold')`).Scan(&hedge, &hold); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if !hedge.Valid || hedge.Float64 != want {
			t.Errorf("results.duckdb runs.%s of hedge = %v, metrics.json's %s = %g", col, hedge, name, want)
		}
		if hold.Valid {
			t.Errorf("results.duckdb runs.%s of hold = %g, want NULL", col, hold.Float64)
		}
		tab, err := results.ReadTableParquet(filepath.Join(out, results.RunsParquet), "key", col)
		if err != nil {
			t.Fatalf("runs.parquet: %v", err)
		}
		for i, k := range tab.Columns[0].Strings {
			v := tab.Columns[1].Floats[i]
			if k == "hedge" && v != want || k == "hold" && !math.IsNaN(v) {
				t.Errorf("runs.parquet %s of %s = %g (metrics.json's hedge: %g)", col, k, v, want)
			}
		}
	}
	if len(pq.Columns[0].Strings) != 2 {
		t.Errorf("runs.parquet has %d runs, want 2", len(pq.Columns[0].Strings))
	}
}
