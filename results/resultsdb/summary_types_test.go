//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// TestSummaryTablesKeepTheirTypes: the summary tables come from their
// Parquet files with the writer's types, not from the CSV files' values.
// A share of 0 on every row (no path ruined) was BIGINT in
// montecarlo_summary, read from the CSV file by type detection, and
// DOUBLE in an experiment with a ruined path: the table's type depended
// on its values. An empty text (worst_scenario when every scenario of a
// run is left out) is NULL from either file, as an empty CSV field is.
func TestSummaryTablesKeepTheirTypes(t *testing.T) {
	dir := runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	mc := &results.Table{Columns: []results.Column{
		{Name: "run", Strings: []string{"hedge", "hold"}},
		{Name: "prob_ruin", Floats: []float64{0, 0}},
		{Name: "shocked_paths", Ints: []int64{3, 3}},
	}}
	stress := &results.Table{Columns: []results.Column{
		{Name: "run", Strings: []string{"hedge", "hold"}},
		{Name: "worst_scenario", Strings: []string{"ai-bubble-burst", ""}},
		{Name: "worst_pnl_vs_baseline", Floats: []float64{-1200.5, math.NaN()}},
	}}
	outs := append(results.TableOutputs("montecarlo_summary", mc), results.TableOutputs("stress_summary", stress)...)
	if err := results.WriteOutputs(dir, outs...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		parquet  bool   // the folder has the Parquet files
		probRuin string // the type of montecarlo_summary.prob_ruin
	}{
		{"parquet", true, "DOUBLE"},
		// A folder without them (written before they were): DuckDB's
		// type detection on the CSV file, as before.
		{"csv", false, "BIGINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.parquet {
				for _, f := range []string{"montecarlo_summary.parquet", "stress_summary.parquet"} {
					if err := os.Remove(filepath.Join(dir, f)); err != nil {
						t.Fatal(err)
					}
				}
			}
			path := filepath.Join(t.TempDir(), File)
			if _, err := Build(context.Background(), dir, path); err != nil {
				t.Fatal(err)
			}
			db := open(t, path)
			typeOf := func(table, col string) string {
				var typ string
				if err := db.QueryRow("SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?", table, col).Scan(&typ); err != nil {
					t.Fatalf("%s.%s: %v", table, col, err)
				}
				return typ
			}
			if got := typeOf("montecarlo_summary", "prob_ruin"); got != tc.probRuin {
				t.Errorf("montecarlo_summary.prob_ruin is %s, want %s", got, tc.probRuin)
			}
			if got := typeOf("montecarlo_summary", "shocked_paths"); got != "BIGINT" {
				t.Errorf("montecarlo_summary.shocked_paths is %s, want BIGINT", got)
			}
			var worst sql.NullString
			var pnl sql.NullFloat64
			if err := db.QueryRow("SELECT worst_scenario, worst_pnl_vs_baseline FROM scenario_summary WHERE run = 'hold'").Scan(&worst, &pnl); err != nil {
				t.Fatal(err)
			}
			if worst.Valid || pnl.Valid {
				t.Errorf("hold's worst scenario and its pnl are %v and %v, want NULL and NULL", worst, pnl)
			}
			if err := db.QueryRow("SELECT worst_scenario, worst_pnl_vs_baseline FROM scenario_summary WHERE run = 'hedge'").Scan(&worst, &pnl); err != nil {
				t.Fatal(err)
			}
			if worst.String != "ai-bubble-burst" || pnl.Float64 != -1200.5 {
				t.Errorf("hedge's worst scenario and its pnl are %v and %v, want ai-bubble-burst and -1200.5", worst, pnl)
			}
		})
	}
}
