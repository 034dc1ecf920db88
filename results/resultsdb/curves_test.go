//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// The equity table made from the curves in memory (BuildRuns with
// equity, handed to DuckDB in batches of a row group across runs) is the
// table made from the runs' equity.parquet files: the same columns and
// types (the run an ENUM of the keys), the same rows, NaN as NULL, in
// the same order (by run key, then each curve's own), whatever the
// order the runs are given in; and the database keeps no view of them.
// Three runs of 50,000, 80,000 and 1 points make two batches, the first
// ending inside the second run.
func TestEquityFromMemory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	benchFolder(t, dir, 3, 10)
	recs := records(t, dir)
	curves := make([]*engine.Curve, len(recs))
	for i, n := range []int{50_000, 80_000, 1} {
		c := &engine.Curve{}
		for k := range n {
			v := 1e5 * (1 + 0.2*math.Sin(float64(k*(i+2))/97))
			c.Time = append(c.Time, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k)*time.Hour).UnixNano())
			c.Equity, c.Cash, c.Gross, c.Net = append(c.Equity, v), append(c.Cash, v/3), append(c.Gross, float64(k%5)*1e4), append(c.Net, -float64(k%7)*1e3)
			c.Drawdown = append(c.Drawdown, -float64(k%11)/100)
		}
		c.Gross[0] = math.NaN() // NULL in both tables
		curves[i] = c
		// The record of this curve, as the build from files checks it.
		recs[i].End, recs[i].Metrics.FinalEquity = data.FormatDay(c.Time[n-1]), c.Equity[n-1]
		rdir := filepath.Join(dir, "runs", recs[i].Run)
		if err := results.WriteFileAtomic(filepath.Join(rdir, "equity.parquet"), func(w io.Writer) error { return results.WriteCurveParquet(w, c) }); err != nil {
			t.Fatal(err)
		}
		if err := results.WriteFileAtomic(filepath.Join(rdir, "equity.csv"), func(w io.Writer) error { return results.WriteCurveCSV(w, c) }); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	files, mem := filepath.Join(out, "files.duckdb"), filepath.Join(out, "memory.duckdb")
	if _, err := BuildRuns(ctx, dir, files, recs, nil, nil); err != nil {
		t.Fatal(err)
	}
	// The runs in another order than their keys'.
	rev, revCurves := slices.Clone(recs), slices.Clone(curves)
	slices.Reverse(rev)
	slices.Reverse(revCurves)
	if _, err := BuildRuns(ctx, dir, mem, rev, revCurves, nil); err != nil {
		t.Fatal(err)
	}
	a, err := Dump(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Dump(ctx, mem)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("the databases differ:\nfrom the files %d bytes, from memory %d bytes", len(a), len(b))
	}

	db := open(t, mem+"?access_mode=read_only")
	var views, nulls int
	if err := db.QueryRow("SELECT count(*) FROM duckdb_views() WHERE NOT internal").Scan(&views); err != nil || views != 0 {
		t.Fatalf("%d views (%v)", views, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM equity WHERE gross IS NULL").Scan(&nulls); err != nil || nulls != 3 {
		t.Fatalf("%d NULL gross, want 3 (%v)", nulls, err)
	}
	// The table's own order: by run key, then each curve's.
	rows, err := db.Query("SELECT CAST(run AS VARCHAR), epoch_us(time), equity FROM equity")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i, k := 0, 0
	for rows.Next() {
		var run string
		var us int64
		var eq float64
		if err := rows.Scan(&run, &us, &eq); err != nil {
			t.Fatal(err)
		}
		for i < len(curves) && k == curves[i].Len() {
			i, k = i+1, 0
		}
		if i == len(curves) || run != recs[i].Run || us != curves[i].Time[k]/1000 || eq != curves[i].Equity[k] {
			t.Fatalf("row of run %s at %d (%v) where %s's point %d was due", run, us, eq, recs[min(i, len(recs)-1)].Run, k)
		}
		k++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != len(curves)-1 || k != curves[i].Len() {
		t.Fatalf("the table ends at run %d point %d", i, k)
	}
	if recs[0].Run >= recs[1].Run || recs[1].Run >= recs[2].Run {
		t.Fatalf("keys not in order: %s", fmt.Sprint(recs[0].Run, recs[1].Run, recs[2].Run))
	}
}

// Curves whose columns are not all as long as their times are refused,
// naming the run, before DuckDB reads any (from C, past a column's end).
func TestEquityCurveLengths(t *testing.T) {
	dir := t.TempDir()
	curves := benchFolder(t, dir, 2, 10)
	recs := records(t, dir)
	curves[1].Net = curves[1].Net[:9]
	path := filepath.Join(t.TempDir(), File)
	_, err := BuildRuns(context.Background(), dir, path, recs, curves, nil)
	if err == nil || !strings.Contains(err.Error(), "run "+recs[1].Run+": equity curve of 10 times") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a database was written: %v", err)
	}
}
