//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"github.com/divergence-research/divergence/engine"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	curves := curvesOf(t, dir, recs)
	// both builds the folder's database by Build and by BuildRuns
	// (without and with the equity curves in memory: the first try of a
	// folder whose files differ fails, and its equity table is not kept
	// for the second) and returns their dumps (failing if the two
	// BuildRuns differ) and the second's path.
	both := func() (byFolder, byRecords, path string) {
		t.Helper()
		out := t.TempDir()
		a, b, c := filepath.Join(out, "a.duckdb"), filepath.Join(out, "b.duckdb"), filepath.Join(out, "c.duckdb")
		if _, err := Build(ctx, dir, a); err != nil {
			t.Fatalf("Build: %v", err)
		}
		if _, err := BuildRuns(ctx, dir, b, recs, nil, nil); err != nil {
			t.Fatalf("BuildRuns: %v", err)
		}
		if _, err := BuildRuns(ctx, dir, c, recs, curves, nil); err != nil {
			t.Fatalf("BuildRuns with curves: %v", err)
		}
		da, err := Dump(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		db, err := Dump(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if dc, err := Dump(ctx, c); err != nil || dc != db {
			t.Fatalf("BuildRuns with the curves in memory differs from BuildRuns from the files (%v)", err)
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

// curvesOf reads the runs' equity curves of a finished folder from their
// equity.parquet files, as the experiment holds them (curves[i] of
// recs[i]).
func curvesOf(t *testing.T, dir string, recs []results.RunRecord) []*engine.Curve {
	t.Helper()
	db := open(t, filepath.Join(t.TempDir(), "curves.duckdb"))
	defer db.Close()
	curves := make([]*engine.Curve, len(recs))
	for i, r := range recs {
		rows, err := db.Query(`SELECT epoch_ns(time), equity, cash, gross, net, drawdown FROM read_parquet(?)`,
			filepath.Join(dir, "runs", r.Run, "equity.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		c := &engine.Curve{}
		for rows.Next() {
			var ns int64
			var v [5]sql.NullFloat64
			if err := rows.Scan(&ns, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
				t.Fatal(err)
			}
			f := func(x sql.NullFloat64) float64 {
				if !x.Valid {
					return math.NaN()
				}
				return x.Float64
			}
			c.Time = append(c.Time, ns)
			c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown = append(c.Equity, f(v[0])), append(c.Cash, f(v[1])), append(c.Gross, f(v[2])), append(c.Net, f(v[3])), append(c.Drawdown, f(v[4]))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if c.Len() == 0 {
			t.Fatalf("run %s: no equity", r.Run)
		}
		curves[i] = c
	}
	return curves
}

// The equity table from the curves in memory, on one core
// (--workers 1: DuckDB's one thread) and on two: the same database as
// Build's from the files; and with the fills' values given (see below).
// A build whose other tables fail (a run's fills file is not Parquet):
// the error names the file, and no database (nor a temporary one) is
// left, on one core or two.
func TestBuildRunsEquityFromMemory(t *testing.T) {
	ctx := context.Background()
	dir := runFolder(t, filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	recs := records(t, dir)
	curves := curvesOf(t, dir, recs)
	files := filepath.Join(t.TempDir(), "files.duckdb")
	if _, err := Build(ctx, dir, files); err != nil {
		t.Fatal(err)
	}
	want, err := Dump(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		path := filepath.Join(t.TempDir(), File)
		if _, err := BuildRuns(ctx, dir, path, recs, curves, nil); err != nil {
			t.Fatalf("%d cores: %v", procs, err)
		}
		if got, err := Dump(ctx, path); err != nil || got != want {
			t.Errorf("%d cores: the database differs from Build's (%v)", procs, err)
		}
	}
	// The fills' values handed over (as the experiment hands those of
	// results.FillText), here found by DuckDB in the files: the same
	// database, ENUM types included. Values with one more symbol make
	// the type (no scan of the files replaced them); values short of one
	// fail the insert, which is made again from a scan.
	fdb := open(t, filepath.Join(t.TempDir(), "values.duckdb"))
	known := map[string][]string{}
	for _, c := range []string{"symbol", "side", "kind", "tag"} {
		var raw string
		if err := fdb.QueryRow(`SELECT CAST(to_json(list(DISTINCT `+c+` ORDER BY `+c+`)) AS VARCHAR) FROM read_parquet(?)`,
			filepath.Join(dir, "runs", "*", "fills.parquet")).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var vs []string
		if err := json.Unmarshal([]byte(raw), &vs); err != nil {
			t.Fatal(err)
		}
		known[c] = vs
	}
	fdb.Close()
	if len(known["symbol"]) < 2 || len(known["side"]) != 2 {
		t.Fatalf("values %v: want at least two symbols and both sides", known)
	}
	enum := func(path, typ string) string {
		t.Helper()
		db := open(t, path)
		defer db.Close()
		var s string
		if err := db.QueryRow(`SELECT CAST(enum_range(NULL::` + typ + `) AS VARCHAR)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	more := map[string][]string{"symbol": append(slices.Clone(known["symbol"]), "ZZZ")}
	less := map[string][]string{"symbol": known["symbol"][1:]}
	for _, c := range []string{"side", "kind", "tag"} {
		more[c], less[c] = known[c], known[c]
	}
	for _, v := range []struct {
		name   string
		values map[string][]string
		symbol string // the fills_symbol type's values
	}{
		{"known", known, enum(files, "fills_symbol")},
		{"one more", more, strings.TrimSuffix(enum(files, "fills_symbol"), "]") + ", ZZZ]"},
		{"one short", less, enum(files, "fills_symbol")},
	} {
		path := filepath.Join(t.TempDir(), File)
		if _, err := BuildRuns(ctx, dir, path, recs, curves, v.values); err != nil {
			t.Fatalf("%s values: %v", v.name, err)
		}
		if got := enum(path, "fills_symbol"); got != v.symbol {
			t.Errorf("%s values: fills_symbol %s, want %s", v.name, got, v.symbol)
		}
		if v.name == "one more" {
			continue // its type has one more value than Build's
		}
		if got, err := Dump(ctx, path); err != nil || got != want {
			t.Errorf("%s values: the database differs from Build's (%v)", v.name, err)
		}
		for _, typ := range []string{"fills_side", "fills_kind", "fills_tag"} {
			if a, b := enum(path, typ), enum(files, typ); a != b {
				t.Errorf("%s values: %s %s, Build's %s", v.name, typ, a, b)
			}
		}
	}

	bad := filepath.Join(dir, "runs", recs[len(recs)-1].Run, "fills.parquet")
	if err := os.WriteFile(bad, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		out := t.TempDir()
		_, err := BuildRuns(ctx, dir, filepath.Join(out, File), recs, curves, nil)
		if err == nil || !strings.Contains(err.Error(), "fills.parquet") {
			t.Fatalf("%d cores: err = %v, want one naming %s", procs, err, bad)
		}
		if left, _ := os.ReadDir(out); len(left) != 0 {
			t.Errorf("%d cores: left in the folder: %v", procs, left)
		}
	}
}
