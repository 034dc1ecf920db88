//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// costFolder runs an experiment whose fills pay a fixed slippage of
// 10 bps (an SMA cross of BTC and a buy-and-hold of NVDA on the synthetic
// market) and returns its folder.
func costFolder(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "costs.toml")
	text := `name = "costs"
cash = 100_000.0
start = "2019-03-01"
end = "2019-09-01"
[data]
synthetic = true
[costs.equity]
slippage_bps = 10.0
[costs.crypto]
slippage_bps = 10.0
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 5
slow = 15
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return runFolder(t, path)
}

// The fills table holds each fill's slippage and fee, as fills.parquet
// does. A fixed 10 bps moves a buy's price to open × 1.001 and a sale's
// to open × 0.999, so the money it cost is |qty| × open × 0.001, that is
// |qty| × price × 0.001/1.001 on a buy and × 0.001/0.999 on a sale,
// unless the bar's range clamps the price (then less). Each run's
// slippage sums to its metrics.json costs.slippage (the ledger's), and
// nothing is liquidated, so every fee is 0.
func TestFillsSlippageAndFee(t *testing.T) {
	dir := costFolder(t)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	rows, err := db.Query(`SELECT CAST(run AS VARCHAR), CAST(side AS VARCHAR), qty, price, slippage, fee FROM fills ORDER BY run, time`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, exact := 0, 0
	sum := map[string]float64{}
	for rows.Next() {
		var run, side string
		var qty, price, slip, fee float64
		if err := rows.Scan(&run, &side, &qty, &price, &slip, &fee); err != nil {
			t.Fatal(err)
		}
		n++
		sum[run] += slip
		full := math.Abs(qty) * price * 0.001 / 1.001
		if side == "sell" {
			full = math.Abs(qty) * price * 0.001 / 0.999
		}
		if math.Abs(slip-full) <= 1e-9*full {
			exact++
		} else if slip < 0 || slip > full || fee != 0 {
			t.Errorf("%s %s %g at %g: slippage %g, fee %g; want at most %g and 0", run, side, qty, price, slip, fee, full)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 3 || exact < n/2 {
		t.Fatalf("%d fills, %d of them at the full 10 bps: the test shows little", n, exact)
	}
	recs, err := results.ReadRuns(dir, []string{"hold", "sma"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if want := r.Metrics.Costs.Slippage; want <= 0 || math.Abs(sum[r.Run]-want) > 1e-6 {
			t.Errorf("%s: the fills' slippage sums to %.6f, metrics.json costs.slippage %.6f", r.Run, sum[r.Run], want)
		}
	}
}

// A folder written before fills carried slippage and fee (files without
// those columns, Parquet or CSV) still builds: the columns are NULL.
func TestFillsOlderLayout(t *testing.T) {
	for _, kind := range []string{"parquet", "csv"} {
		t.Run(kind, func(t *testing.T) {
			dir := costFolder(t)
			files, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.csv"))
			pq, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.parquet"))
			if len(files) != 2 || len(pq) != 2 {
				t.Fatalf("%d fills.csv and %d fills.parquet, want 2 of each", len(files), len(pq))
			}
			if kind == "csv" {
				for _, p := range append(pq, must(filepath.Glob(filepath.Join(dir, "runs", "*", "equity.parquet")))...) {
					if err := os.Remove(p); err != nil {
						t.Fatal(err)
					}
				}
				for _, p := range files {
					dropCSVColumns(t, p, "slippage", "fee")
				}
			} else {
				// The Parquet files rewritten without the two columns.
				c := open(t, "")
				for _, p := range pq {
					tmp := p + ".old"
					if _, err := c.Exec("COPY (SELECT * EXCLUDE (slippage, fee) FROM read_parquet(" + sqlString(p) + ")) TO " + sqlString(tmp) + " (FORMAT parquet)"); err != nil {
						t.Fatal(err)
					}
					if err := os.Rename(tmp, p); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := Write(context.Background(), dir); err != nil {
				t.Fatal(err)
			}
			db := open(t, filepath.Join(dir, File))
			var n, slips, fees int
			if err := db.QueryRow("SELECT count(*), count(slippage), count(fee) FROM fills").Scan(&n, &slips, &fees); err != nil {
				t.Fatal(err)
			}
			if want := csvRows(t, filepath.Join(dir, "runs", "*", "fills.csv")); n != want || slips != 0 || fees != 0 {
				t.Errorf("%d fills (want %d), %d slippages and %d fees not NULL (want 0)", n, want, slips, fees)
			}
		})
	}
}

// dropCSVColumns rewrites the CSV file at path without the named columns.
func dropCSVColumns(t *testing.T, path string, drop ...string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var keep []int
	for i, h := range recs[0] {
		if !strings.Contains(","+strings.Join(drop, ",")+",", ","+h+",") {
			keep = append(keep, i)
		}
	}
	if len(keep) != len(recs[0])-len(drop) {
		t.Fatalf("%s: header %v lacks %v", path, recs[0], drop)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(out)
	for _, r := range recs {
		row := make([]string, len(keep))
		for k, i := range keep {
			row[k] = r[i]
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Runs' CSV copies of two layouts in one folder (one run's fills without
// slippage and fee, the other's with): the columns are matched by name
// (union_by_name, which files of one header do without), the older
// file's NULL, the newer's as written.
func TestFillsCSVMixedLayouts(t *testing.T) {
	dir := costFolder(t)
	files, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.csv"))
	if len(files) != 2 {
		t.Fatalf("%d fills.csv, want 2", len(files))
	}
	for _, p := range append(must(filepath.Glob(filepath.Join(dir, "runs", "*", "fills.parquet"))), must(filepath.Glob(filepath.Join(dir, "runs", "*", "equity.parquet")))...) {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	dropCSVColumns(t, files[0], "slippage", "fee")
	if same, err := sameHeader(files); err != nil || same {
		t.Fatalf("sameHeader of two layouts: %v, %v; want false", same, err)
	}
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	db := open(t, filepath.Join(dir, File))
	old, cur := filepath.Base(filepath.Dir(files[0])), filepath.Base(filepath.Dir(files[1]))
	for _, c := range []struct {
		run        string
		rows, with int // fills, and fills with a slippage
	}{{old, csvRows(t, files[0]), 0}, {cur, csvRows(t, files[1]), csvRows(t, files[1])}} {
		var n, slips int
		if err := db.QueryRow("SELECT count(*), count(slippage) FROM fills WHERE run = ?", c.run).Scan(&n, &slips); err != nil {
			t.Fatal(err)
		}
		if n != c.rows || slips != c.with || n == 0 {
			t.Errorf("run %s: %d fills, %d with a slippage; want %d and %d", c.run, n, slips, c.rows, c.with)
		}
	}
	var sum float64
	if err := db.QueryRow("SELECT sum(slippage) FROM fills WHERE run = ?", cur).Scan(&sum); err != nil || sum <= 0 {
		t.Errorf("run %s: the slippage sums to %v (%v): want the file's, above 0", cur, sum, err)
	}
}
