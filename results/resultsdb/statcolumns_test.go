package resultsdb

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// A folder whose runs.parquet was written before the strategies' own
// statistics were columns of it (no stat_<name>) gets them in the rebuilt
// database all the same, from its runs' metrics.json: runs.parquet has
// every fixed column, and was taken as it was, without them.
func TestBuildOlderRunsParquetGetsStatColumns(t *testing.T) {
	dir := stressFolder(t)
	recs := records(t, dir)
	// runs.parquet as a program without the stat_ columns wrote it.
	full := results.RunsTable(recs, results.All)
	old := &results.Table{}
	dropped := 0
	for _, c := range full.Columns {
		if strings.HasPrefix(c.Name, "stat_") {
			dropped++
			continue
		}
		old.Columns = append(old.Columns, c)
	}
	if dropped == 0 {
		t.Fatal("no stat_ column in the runs table: the hedge reports its statistics")
	}
	if err := results.WriteFileAtomic(filepath.Join(dir, results.RunsParquet), func(w io.Writer) error { return results.WriteTableParquet(w, old) }); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.duckdb")
	if _, err := Build(context.Background(), dir, path); err != nil {
		t.Fatal(err)
	}
	db := open(t, path)
	// The hedge's rebalances, as its metrics.json holds them.
	var hedge *results.RunRecord
	for i := range recs {
		if recs[i].Run == "hedge" {
			hedge = &recs[i]
		}
	}
	want, ok := hedge.StrategyStats["rebalances"]
	if !ok || want == 0 {
		t.Fatalf("hedge's strategy_stats %v: want its rebalances", hedge.StrategyStats)
	}
	var got float64
	if err := db.QueryRow(`SELECT stat_rebalances FROM runs WHERE key = 'hedge'`).Scan(&got); err != nil {
		t.Fatalf("runs.stat_rebalances: %v", err)
	}
	if got != want {
		t.Errorf("runs.stat_rebalances of hedge = %g, metrics.json's rebalances = %g", got, want)
	}
	if n := count(t, db, `SELECT count(*) FROM runs WHERE key = 'tech' AND stat_rebalances IS NULL`); n != 1 {
		t.Errorf("%d rows of tech (buy-and-hold, no statistics) with stat_rebalances NULL, want 1", n)
	}
}
