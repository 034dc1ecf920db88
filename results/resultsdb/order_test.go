//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// The fills table, inserted from the runs' files on several threads
// without DuckDB's insertion order, keeps each run's rows together and
// in its file's order (what a query of one run's fills without ORDER BY
// sees, and what keeps a run's rows quick to find): 48 runs of 3,000
// fills each, whose file order is not the order of any column (times
// repeat, three symbols a time in the order c, a, b), read on 4 threads.
func TestFillsKeepEachRunTogether(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // DuckDB's threads
	dir := t.TempDir()
	const runs, per = 48, 3000
	curves := benchFolder(t, dir, runs, 40)
	recs := records(t, dir)
	want := map[string][]engine.Fill{}
	for i, r := range recs {
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
	path := filepath.Join(t.TempDir(), File)
	if _, err := BuildRuns(context.Background(), dir, path, recs, curves, nil); err != nil {
		t.Fatal(err)
	}
	db := open(t, path+"?access_mode=read_only")
	rows, err := db.Query("SELECT CAST(run AS VARCHAR), epoch_us(time), CAST(symbol AS VARCHAR), qty, price FROM fills")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	run, k, n := "", 0, 0
	for rows.Next() {
		var r, sym string
		var us int64
		var qty, price float64
		if err := rows.Scan(&r, &us, &sym, &qty, &price); err != nil {
			t.Fatal(err)
		}
		if r != run {
			if run != "" && k != per {
				t.Fatalf("run %s: %d rows together, then run %s's", run, k, r)
			}
			if seen[r] {
				t.Fatalf("run %s's rows are not together: it comes again after %s", r, run)
			}
			seen[r], run, k = true, r, 0
		}
		w := want[r][k]
		if us != w.Time/1000 || sym != w.Symbol || qty != w.Qty || price != w.Price {
			t.Fatalf("run %s, row %d: %d %s %v @ %v, want the file's %d %s %v @ %v", r, k, us, sym, qty, price, w.Time/1000, w.Symbol, w.Qty, w.Price)
		}
		k, n = k+1, n+1
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != runs*per || len(seen) != runs {
		t.Fatalf("%d rows of %d runs, want %d of %d", n, len(seen), runs*per, runs)
	}
}

// A build whose first try fails (here the fills' values given lack a
// symbol the files hold) and is made again from a scan keeps the equity
// table from the curves in memory in its order, run after run in key
// order, each in time order: the first try's setting of DuckDB's
// insertion order (off for the fills) is the connection's and outlived
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
