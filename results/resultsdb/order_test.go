//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// The equity and fills tables, inserted from the runs' files on 4 of
// DuckDB's threads, hold each run's rows together and in its file's order,
// and the runs one after another in key order: what a query without ORDER
// BY sees, the same on any number of threads (the same experiment on 1
// and 2 workers listed its fills' runs in another order before: the files
// were inserted without DuckDB's insertion order, each thread appending
// its own). 48 runs of 3,000 fills each, whose file order is not the order
// of any column (times repeat, three symbols a time in the order c, a, b),
// built as a run builds it (its curves in memory) and from the files alone
// (as divergence db and merge build it).
func TestFillsKeepEachRunTogether(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // DuckDB's threads
	dir := t.TempDir()
	const runs, per, days = 48, 3000, 40
	curves := benchFolder(t, dir, runs, days)
	recs := records(t, dir)
	want := map[string][]engine.Fill{}
	curveOf := map[string]*engine.Curve{}
	var keys []string
	for i, r := range recs {
		keys = append(keys, r.Run)
		curveOf[r.Run] = curves[i]
		fills := make([]engine.Fill, per)
		for k := range fills {
			fills[k] = engine.Fill{Time: curves[i].Time[0] + int64(k/3)*3_600_000_000_000, Symbol: []string{"c", "a", "b"}[k%3],
				Qty: float64((k*7+i)%11 - 5), Price: 100 + float64(k), Kind: engine.Market}
		}
		want[r.Run] = fills
		for _, f := range []struct {
			name  string
			write func(io.Writer) error
		}{
			{"fills.parquet", func(w io.Writer) error { return results.WriteFillsParquet(w, fills) }},
			{"fills.csv", func(w io.Writer) error { return results.WriteFillsCSV(w, fills) }},
		} {
			if err := results.WriteFileAtomic(filepath.Join(dir, "runs", r.Run, f.name), f.write); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The keys in byte order, as SQL's ORDER BY run would give them
	// (benchFolder writes them in another: sma--fast=5--slow=30,
	// sma--fast=6--slow=30, …, sma--fast=10--slow=30 sorts before 5).
	slices.Sort(keys)
	if slices.Equal(keys, func() []string {
		var k []string
		for _, r := range recs {
			k = append(k, r.Run)
		}
		return k
	}()) {
		t.Fatal("the records are in key order already: the test cannot tell the orders apart")
	}
	for _, b := range []struct {
		name  string
		build func(path string) error
	}{
		{"run (curves in memory)", func(path string) error {
			_, err := BuildRuns(context.Background(), dir, path, recs, curves, nil)
			return err
		}},
		// The records say 3,000 fills (benchFolder's say 40), as the
		// build checks the files against them.
		{"from the files alone", func(path string) error {
			files := slices.Clone(recs)
			for i := range files {
				files[i].Metrics.Fills = per
			}
			_, err := BuildRuns(context.Background(), dir, path, files, nil, nil)
			return err
		}},
	} {
		t.Run(b.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), File)
			if err := b.build(path); err != nil {
				t.Fatal(err)
			}
			db := open(t, path+"?access_mode=read_only")
			for _, tab := range []struct {
				table, query string
				rows         int
				row          func(run string, k int) (int64, string, float64, float64)
			}{
				{"fills", "SELECT CAST(run AS VARCHAR), epoch_us(time), CAST(symbol AS VARCHAR), qty, price FROM fills", per,
					func(run string, k int) (int64, string, float64, float64) {
						w := want[run][k]
						return w.Time / 1000, w.Symbol, w.Qty, w.Price
					}},
				{"equity", "SELECT CAST(run AS VARCHAR), epoch_us(time), '', equity, cash FROM equity", days,
					func(run string, k int) (int64, string, float64, float64) {
						c := curveOf[run]
						return c.Time[k] / 1000, "", c.Equity[k], c.Cash[k]
					}},
			} {
				rows, err := db.Query(tab.query)
				if err != nil {
					t.Fatal(err)
				}
				var order []string
				run, k := "", 0
				for rows.Next() {
					var r, sym string
					var us int64
					var x, y float64
					if err := rows.Scan(&r, &us, &sym, &x, &y); err != nil {
						t.Fatal(err)
					}
					if r != run {
						if run != "" && k != tab.rows {
							t.Fatalf("%s: run %s: %d rows together, then run %s's", tab.table, run, k, r)
						}
						order, run, k = append(order, r), r, 0
					}
					if k >= tab.rows {
						t.Fatalf("%s: run %s: more than %d rows", tab.table, r, tab.rows)
					}
					wus, wsym, wx, wy := tab.row(r, k)
					if us != wus || sym != wsym || x != wx || y != wy {
						t.Fatalf("%s: run %s, row %d: %d %s %v %v, want the file's %d %s %v %v", tab.table, r, k, us, sym, x, y, wus, wsym, wx, wy)
					}
					k++
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				rows.Close()
				if !slices.Equal(order, keys) {
					t.Errorf("%s: the runs come in the order %v, want key order %v", tab.table, order, keys)
				}
			}
		})
	}
}

// A build whose first try fails (here the fills' values given lack a
// symbol the files hold) and is made again from a scan keeps the equity
// table from the curves in memory in its order, run after run in key
// order, each in time order: the first try's setting of DuckDB's
// insertion order (then off for the fills) is the connection's and outlived
// its rolled-back transaction; the retry inserted the curves' batches,
// which cross runs, out of order and split 3 of 120 runs.
func TestRetryKeepsEquityOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	dir := t.TempDir()
	curves := benchFolder(t, dir, 120, 3651)
	recs := records(t, dir)
	path := filepath.Join(t.TempDir(), File)
	short := map[string][]string{"symbol": {"AAA"}, "side": {"buy", "sell"}, "kind": {"market"}, "tag": {""}}
	if _, err := BuildRuns(context.Background(), dir, path, recs, curves, short); err != nil {
		t.Fatal(err)
	}
	db := open(t, path+"?access_mode=read_only")
	if n := count(t, db, "SELECT count(*) FROM fills WHERE symbol = 'BTC'"); n == 0 {
		t.Fatal("no BTC fills: the retry was not needed")
	}
	rows, err := db.Query("SELECT CAST(run AS VARCHAR), epoch_us(time) FROM equity")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	run, last, n := "", int64(0), 0
	for rows.Next() {
		var r string
		var us int64
		if err := rows.Scan(&r, &us); err != nil {
			t.Fatal(err)
		}
		switch {
		case r < run:
			t.Fatalf("run %s after run %s: the runs are not in key order", r, run)
		case r == run && us <= last:
			t.Fatalf("run %s: %d after %d", r, us, last)
		}
		run, last = r, us
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 120*3651 {
		t.Fatalf("%d equity rows, want %d", n, 120*3651)
	}
}
