//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results"
)

// benchmarkFolder runs the small synthetic experiment with a QQQ
// benchmark.
func benchmarkFolder(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	toml := strings.Replace(string(src), `end = "2019-07-01"`, "end = \"2019-07-01\"\nbenchmarks = [\"QQQ\"]", 1)
	path := filepath.Join(t.TempDir(), "bench.toml")
	if err := os.WriteFile(path, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return runFolder(t, path)
}

// TestRunsSchema: the runs table has the record's columns: the benchmark
// metrics as beta_qqq, … (equal to metrics.json's), dates as DATE (NULL
// for none), and no NaN anywhere in the database.
func TestRunsSchema(t *testing.T) {
	dir := benchmarkFolder(t)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	if n := count(t, db, "SELECT count(*) FROM runs WHERE beta_qqq IS NULL OR alpha_qqq IS NULL OR up_capture_qqq IS NULL"); n != 0 {
		t.Errorf("%d runs without beta/alpha/capture against QQQ", n)
	}
	var raw struct {
		Metrics struct {
			Benchmarks map[string]map[string]float64 `json:"benchmarks"`
		} `json:"metrics"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "runs", "hedge", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var beta, corr float64
	if err := db.QueryRow(`SELECT beta_qqq, correlation_qqq FROM runs WHERE key = 'hedge'`).Scan(&beta, &corr); err != nil {
		t.Fatal(err)
	}
	if want := raw.Metrics.Benchmarks["QQQ"]; beta != want["beta"] || corr != want["correlation"] {
		t.Errorf("hedge: beta_qqq %g correlation_qqq %g, metrics.json %v", beta, corr, want)
	}
	var start, peak time.Time
	var typ string
	if err := db.QueryRow(`SELECT start, max_drawdown_peak, typeof(start) FROM runs WHERE key = 'hedge'`).Scan(&start, &peak, &typ); err != nil {
		t.Fatal(err)
	}
	if typ != "DATE" || !start.Equal(time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)) || peak.IsZero() {
		t.Errorf("start %v (%s), peak %v", start, typ, peak)
	}
	// metrics.json holds "" for a drawdown that never recovered: NULL.
	if got, want := count(t, db, "SELECT count(*) FROM runs WHERE max_drawdown_recovery IS NULL"), strings.Count(catRuns(t, dir), `"max_drawdown_recovery": ""`); got != want {
		t.Errorf("%d NULL recoveries, metrics.json has %d empty", got, want)
	}
	noNaN(t, db)
}

func catRuns(t *testing.T, dir string) string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "metrics.json"))
	var all strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	return all.String()
}

// noNaN checks every DOUBLE column of every table for NaN.
func noNaN(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('DOUBLE', 'FLOAT')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tb, c string
		if err := rows.Scan(&tb, &c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tb, c})
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("only %d float columns found", len(cols))
	}
	for _, c := range cols {
		if n := count(t, db, "SELECT count(*) FROM "+c[0]+" WHERE isnan("+sqlIdent(c[1])+")"); n != 0 {
			t.Errorf("%s.%s holds %d NaN", c[0], c[1], n)
		}
	}
}

// TestBuildRunsSources: the runs table is the same whether the records
// come from metrics.json, from a runs.parquet with every column, or from
// the caller's memory.
func TestBuildRunsSources(t *testing.T) {
	dir := stressFolder(t)
	dump := func(path string) string {
		db := open(t, path)
		rows, err := db.Query(`SELECT * FROM runs ORDER BY key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out strings.Builder
		out.WriteString(strings.Join(cols, ",") + "\n")
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out.WriteString(fmt.Sprint(vals...) + "\n")
		}
		return out.String()
	}
	fromJSON := filepath.Join(t.TempDir(), "a.duckdb")
	if _, err := Build(context.Background(), dir, fromJSON); err != nil {
		t.Fatal(err)
	}
	var m results.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	recs, err := results.ReadRuns(dir, m.Runs)
	if err != nil {
		t.Fatal(err)
	}
	fromMemory := filepath.Join(t.TempDir(), "b.duckdb")
	if _, err := BuildRuns(context.Background(), dir, fromMemory, recs, nil, nil); err != nil {
		t.Fatal(err)
	}
	tab := results.RunsTable(recs, results.All)
	if err := results.WriteFileAtomic(filepath.Join(dir, results.RunsParquet), func(w io.Writer) error { return results.WriteTableParquet(w, tab) }); err != nil {
		t.Fatal(err)
	}
	fromParquet := filepath.Join(t.TempDir(), "c.duckdb")
	if _, err := Build(context.Background(), dir, fromParquet); err != nil {
		t.Fatal(err)
	}
	a, bm, c := dump(fromJSON), dump(fromMemory), dump(fromParquet)
	if a != bm || a != c {
		t.Errorf("runs differ by source:\njson:\n%s\nmemory:\n%s\nparquet:\n%s", a, bm, c)
	}
	if !strings.Contains(a, "long_leg_of") || !strings.Contains(a, "ai-bubble-burst") || strings.Count(a, "\n") != len(recs)+1 {
		t.Errorf("runs:\n%s", a)
	}
	db := open(t, fromParquet)
	noNaN(t, db)
	if n := count(t, db, "SELECT count(*) FROM runs WHERE long_leg_of = 'hedge'"); n != 4 {
		t.Errorf("%d companion rows with long_leg_of = hedge, want 4 (baseline and 3 scenarios)", n)
	}
}
