//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// records reads the runs' records of a finished folder, as the
// experiment hands them to BuildRuns.
func records(t *testing.T, dir string) []results.RunRecord {
	t.Helper()
	var m results.Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	recs, err := results.ReadRuns(dir, m.Runs)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestBuildRunsOneLayout: BuildRuns (the experiment's build, which reads
// the columns of the runs' files from the first file of each kind) makes
// the same tables as Build (which matches every file's columns by name).
// A folder whose files differ after all (here one run's fills written
// without the tag column, as by another version: the first run's, whose
// columns BuildRuns reads first, or a later one's) is built by both, the
// missing column NULL.
func TestBuildRunsOneLayout(t *testing.T) {
	ctx := context.Background()
	dir := runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	recs := records(t, dir)
	// both builds the folder's database by Build and by BuildRuns and
	// returns their dumps and the second's path.
	both := func() (byFolder, byRecords, path string) {
		t.Helper()
		out := t.TempDir()
		a, b := filepath.Join(out, "a.duckdb"), filepath.Join(out, "b.duckdb")
		if _, err := Build(ctx, dir, a); err != nil {
			t.Fatalf("Build: %v", err)
		}
		if _, err := BuildRuns(ctx, dir, b, recs, nil); err != nil {
			t.Fatalf("BuildRuns: %v", err)
		}
		da, err := Dump(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		db, err := Dump(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		return da, db, b
	}
	a, b, _ := both()
	if a != b {
		t.Errorf("BuildRuns's tables differ from Build's")
	}
	if !strings.Contains(a, "table fills\n") || !strings.Contains(a, "table equity\n") {
		t.Fatalf("no fills or equity table:\n%.400s", a)
	}

	for _, r := range []int{0, len(recs) - 1} {
		// Run r's fills without the tag column.
		key := recs[r].Run
		fills := filepath.Join(dir, "runs", key, "fills.parquet")
		db := open(t, filepath.Join(t.TempDir(), "rewrite.duckdb"))
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, fills).Scan(&n); err != nil || n == 0 {
			t.Fatalf("run %s: %d fills (%v), want some", key, n, err)
		}
		old := fills + ".old"
		if err := os.Rename(fills, old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`COPY (SELECT * EXCLUDE (tag) FROM read_parquet(` + sqlString(old) + `)) TO ` + sqlString(fills) + ` (FORMAT parquet)`); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(old); err != nil {
			t.Fatal(err)
		}
		a, b, path := both()
		got := open(t, path)
		if m := count(t, got, `SELECT count(*) FROM fills WHERE run = '`+key+`' AND tag IS NULL`); m != n {
			t.Errorf("run %s: %d fills without a tag, want its %d", key, m, n)
		}
		got.Close()
		if a != b {
			t.Errorf("run %s without tags: BuildRuns's tables differ from Build's", key)
		}
	}
}
