//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// The text columns of fills and equity (run, symbol, side, kind, tag) are
// ENUM types of their distinct values; the tables hold the rows of the
// runs' Parquet files (counted again by DuckDB from the files), and the
// columns compare, match and join as text.
func TestTextColumnsAsEnums(t *testing.T) {
	dir := benchmarkFolder(t)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	rows, err := db.Query(`SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE (table_name = 'fills' AND column_name IN ('run', 'symbol', 'side', 'kind', 'tag'))
		   OR (table_name = 'equity' AND column_name = 'run') ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(typ, "ENUM(") {
			t.Errorf("%s.%s is %s, want an ENUM", table, col, typ)
		}
		n++
	}
	rows.Close()
	if n != 6 {
		t.Fatalf("%d text columns found, want 6", n)
	}
	files := "'" + filepath.Join(dir, "runs", "*", "fills.parquet") + "'"
	for _, q := range []string{
		// every row of the files, per run and symbol
		`SELECT count(*) FROM (SELECT run, symbol, count(*) AS n FROM fills GROUP BY ALL) a
		 FULL JOIN (SELECT regexp_extract(filename, '([^/]+)/[^/]+$', 1) AS run, symbol, count(*) AS n
		            FROM read_parquet(` + files + `, filename = true) GROUP BY ALL) b
		 ON a.run::VARCHAR = b.run AND a.symbol::VARCHAR = b.symbol AND a.n = b.n
		 WHERE a.n IS NULL OR b.n IS NULL`,
		// text comparisons and functions
		`SELECT count(*) FROM fills WHERE side NOT IN ('buy', 'sell') OR (side = 'buy') <> (qty > 0)`,
		`SELECT count(*) FROM fills WHERE NOT (kind || '') LIKE '%' OR length(symbol) = 0`,
		// every fill's run is a run of the runs table, joined on text
		`SELECT count(*) FROM fills f LEFT JOIN runs r ON r.key = f.run WHERE r.key IS NULL`,
	} {
		if got := count(t, db, q); got != 0 {
			t.Errorf("%d rows, want 0:\n%s", got, q)
		}
	}
	// The run keys' ENUM is made from the files' folders, without a scan:
	// it holds each run folder once, in order.
	folders, err := filepath.Glob(filepath.Join(dir, "runs", "*", "equity.parquet"))
	if err != nil || len(folders) < 2 {
		t.Fatalf("%d equity files: %v", len(folders), err)
	}
	var want []string
	for _, f := range folders {
		want = append(want, filepath.Base(filepath.Dir(f)))
	}
	slices.Sort(want)
	rows, err = db.Query(`SELECT unnest(enum_range(NULL::equity_run))`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		got = append(got, k)
	}
	rows.Close()
	if !slices.Equal(got, want) {
		t.Errorf("equity_run = %q, want the run folders %q", got, want)
	}
	if n := count(t, db, `SELECT count(*) FROM (SELECT DISTINCT run FROM equity)`); n != len(want) {
		t.Errorf("equity has %d runs, want %d", n, len(want))
	}
	// The ENUM's order is DuckDB's order of the keys as text, so that
	// ORDER BY run sorts as the text does.
	if n := count(t, db, `SELECT count(*) FROM (
		SELECT k, row_number() OVER () AS i FROM (SELECT unnest(enum_range(NULL::equity_run))::VARCHAR AS k)) a
		FULL JOIN (SELECT k, row_number() OVER (ORDER BY k) AS i FROM (SELECT DISTINCT run::VARCHAR AS k FROM equity)) b
		USING (k) WHERE a.i IS DISTINCT FROM b.i`); n != 0 {
		t.Errorf("%d run keys are not in the ENUM at their place in text order", n)
	}
	if got := count(t, db, `SELECT count(*) FROM fills WHERE symbol = 'NVDA'`); got == 0 {
		t.Error("no fill of NVDA found by its text")
	}
}

// A folder whose runs have no fills at all still gives a database, with
// an empty fills table. The runs' fills files are emptied here, so their
// records (which the build checks the rows against) say 0 fills too.
func TestNoFills(t *testing.T) {
	dir := smallFolder(t)
	keys, err := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.parquet"))
	if err != nil || len(keys) == 0 {
		t.Fatal("no fills files", err)
	}
	for _, p := range keys {
		if err := results.WriteFileAtomic(p, func(w io.Writer) error { return results.WriteFillsParquet(w, nil) }); err != nil {
			t.Fatal(err)
		}
	}
	recs := records(t, dir)
	for i := range recs {
		recs[i].Metrics.Fills = 0
	}
	if _, err := BuildRuns(context.Background(), dir, filepath.Join(dir, File), recs, nil, nil); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	if n := count(t, db, "SELECT count(*) FROM fills"); n != 0 {
		t.Errorf("%d fills, want 0", n)
	}
}

// The fills and equity tables built from the runs' files hold each
// run's rows together and in its file's order (the table's physical
// order, rowid), though the build sorts nothing: each file is one row
// group, which one of DuckDB's threads reads start to end (the order of
// the runs is the threads', see TestFillsKeepEachRunTogether). The runs
// "hold" and "hold-2" are in the other order by path (runs/hold-2/ sorts
// before runs/hold/).
func TestTablesInFileOrder(t *testing.T) {
	text := `name = "order"
seed = 3
cash = 100_000.0
start = "2019-03-01"
end = "2019-07-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
rebalance_days = 7
[[strategy]]
name = "hold 2"
type = "buy-and-hold"
[strategy.params]
symbols = ["MSFT", "TAO"]
rebalance_days = 5
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 5
slow = 15
`
	path := filepath.Join(t.TempDir(), "order.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := runFolder(t, path)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	for _, c := range []struct{ table, col string }{{"fills", "qty"}, {"equity", "equity"}} {
		rows, err := db.Query(`SELECT CAST(run AS VARCHAR), ` + c.col + ` FROM ` + c.table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]float64{}
		var order []string
		for rows.Next() {
			var run string
			var v float64
			if err := rows.Scan(&run, &v); err != nil {
				t.Fatal(err)
			}
			if len(order) == 0 || order[len(order)-1] != run {
				order = append(order, run)
			}
			got[run] = append(got[run], v)
		}
		rows.Close()
		if len(order) != 3 || len(order) != len(got) {
			t.Errorf("%s: runs in the order %v, want each once", c.table, order)
		}
		for run, vs := range got {
			tab, err := results.ReadTableParquet(filepath.Join(dir, "runs", run, c.table+".parquet"), c.col)
			if err != nil {
				t.Fatal(err)
			}
			if want := tab.Column(c.col).Floats; !slices.Equal(vs, want) {
				t.Errorf("%s of run %s: %d rows not in the file's order (%d in the file)", c.table, run, len(vs), len(want))
			}
		}
	}
}

// folderOf splits a file's path as keyOf does in SQL, on / and \.
func TestFolderOf(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "x.duckdb"))
	for _, p := range []string{
		"/out/exp/runs/hedge--gross=1/fills.parquet",
		`C:\out\exp\runs\hedge@ai-bubble\equity.parquet`,
		"runs/a\\b/fills.parquet",
		"/x/runs/k/equity.parquet",
	} {
		var want string
		if err := db.QueryRow(`SELECT `+keyOf+` FROM (SELECT ? AS filename)`, p).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := folderOf(p); got != want || got == "" {
			t.Errorf("folderOf(%q) = %q, keyOf gives %q", p, got, want)
		}
	}
}

// A folder whose runs' Parquet files are not all there (one run's lost,
// its CSV copies beside it) gives equity and fills from the CSV copies:
// the same tables, of the same types, as from Parquet. Their text columns
// were VARCHAR then, not ENUM, so the database's schema depended on which
// files it was read from. The database made from the CSV copies is
// compared with the one made from the Parquet files (Dump: every table's
// columns, types and rows).
func TestCSVCopiesGiveTheSameDatabase(t *testing.T) {
	dir := benchmarkFolder(t)
	ctx := context.Background()
	if err := Write(ctx, dir); err != nil {
		t.Fatal(err)
	}
	fromParquet, err := Dump(ctx, filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	pqs, err := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.parquet"))
	if err != nil || len(pqs) < 2 {
		t.Fatalf("%d fills files: %v", len(pqs), err)
	}
	run := filepath.Dir(pqs[0])
	for _, name := range []string{"equity", "fills"} {
		if _, err := os.Stat(filepath.Join(run, name+".csv")); err != nil {
			t.Fatalf("the folder has no CSV copies: %v", err)
		}
		if err := os.Remove(filepath.Join(run, name+".parquet")); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(ctx, dir); err != nil {
		t.Fatal(err)
	}
	fromCSV, err := Dump(ctx, filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	if fromCSV != fromParquet {
		a, b := strings.Split(fromParquet, "\n"), strings.Split(fromCSV, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("the database from the CSV copies differs from the Parquet files' at line %d: %q, from Parquet %q", i+1, b[i], a[i])
			}
		}
		t.Fatalf("the database from the CSV copies has %d lines of dump, from Parquet %d", len(b), len(a))
	}
	if !strings.Contains(fromCSV, "symbol ENUM") {
		t.Error("no ENUM in the dump: the comparison says nothing of the types")
	}
}
