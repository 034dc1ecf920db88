package duckdb

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// BenchmarkImportCSVTable imports one generated long table of 1-minute
// bars (half tokens trading 24/7, half equities in New York sessions; rows
// by time then symbol, as a vendor's export) into a new catalog from CSV
// and from Parquet, both in each iteration (in turn first), as `data import
// --table` does: every symbol, then the catalog written. It reports each
// one's fastest time (s-csv, s-parquet) and lowest peak resident set
// (MB-peak-csv, MB-peak-parquet: VmHWM, reset through /proc/self/clear_refs
// before each import) and the ratios CSV / Parquet (x-time, x-peak; goal
// for x-peak ≤ 1.5). The default is 100 instruments × 30 days (2.53M rows);
// DIVERGENCE_BENCH_INSTRUMENTS=420 makes 10.6M rows, about the size of a
// year of 1-minute bars of 30 instruments.
//
// Measured on a 2-core machine under other work (load 1.2-1.9), before
// (every query parsed the CSV again, and its rows were read in one
// batch, whole, sorted by symbol) and after (one copy into a temporary
// Parquet file, read in batches), each pair in one run:
//
//	rows                 CSV                 Parquet             x-peak  x-time
//	2.53M (3x)  before   1075 MB  12.8 s     559 MB   4.8 s      1.92    2.67
//	            after     647 MB   6.5 s     477 MB   4.5 s      1.36    1.46
//	10.6M (1x)  before   3968 MB  51.5 s    1421 MB  21.3 s      2.79    2.42
//	            after    1530 MB  30.0 s    1430 MB  21.5 s      1.07    1.40
//
// The copy's scan and writer take about 250-400 MB whatever the rows,
// which is most of the difference at the default size.
func BenchmarkImportCSVTable(b *testing.B) {
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		b.Skip("needs Linux /proc to measure the peak resident set")
	}
	n := 100
	if v := os.Getenv("DIVERGENCE_BENCH_INSTRUMENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			b.Fatalf("DIVERGENCE_BENCH_INSTRUMENTS=%q: want a count of 2 or more", v)
		}
	}
	ctx := context.Background()
	dir := b.TempDir()
	csvPath, pqPath := writeBenchTable(b, dir, n)
	rows := 0
	type result struct {
		secs, peak float64
	}
	importOnce := func(path string) result {
		cat := filepath.Join(dir, "catalog.duckdb")
		os.Remove(cat)
		c, err := OpenCatalog(cat)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		resetPeakRSS()
		t0 := time.Now()
		res, err := c.ImportSource(ctx, Source{Table: path}, Request{})
		secs := time.Since(t0).Seconds()
		peak := peakRSS()
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for _, e := range res.Entries {
			got += e.Rows
		}
		if rows == 0 {
			rows = got
		} else if got != rows {
			b.Fatalf("%s: imported %d rows, the other table %d", path, got, rows)
		}
		return result{secs, peak}
	}
	best := func(r *result, v result) {
		if r.secs == 0 || v.secs < r.secs {
			r.secs = v.secs
		}
		if r.peak == 0 || v.peak < r.peak {
			r.peak = v.peak
		}
	}
	var csv, pq result
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			best(&csv, importOnce(csvPath))
			best(&pq, importOnce(pqPath))
		} else {
			best(&pq, importOnce(pqPath))
			best(&csv, importOnce(csvPath))
		}
		i++
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(csv.secs, "s-csv")
	b.ReportMetric(pq.secs, "s-parquet")
	b.ReportMetric(csv.peak/1e6, "MB-peak-csv")
	b.ReportMetric(pq.peak/1e6, "MB-peak-parquet")
	b.ReportMetric(csv.secs/pq.secs, "x-time")
	b.ReportMetric(csv.peak/pq.peak, "x-peak")
}

// writeBenchTable writes the synthetic intraday market of n instruments
// over 30 days as one long table, rows by time then symbol, as a CSV
// (times in RFC 3339, UTC) and as a Parquet file.
func writeBenchTable(b *testing.B, dir string, n int) (csvPath, pqPath string) {
	p, err := synth.GenerateIntraday(synth.DefaultIntradayConfig(7, data.Minute, 30, n))
	if err != nil {
		b.Fatal(err)
	}
	bySymbol, err := WriteParquetTable(context.Background(), filepath.Join(dir, "gen"), p)
	if err != nil {
		b.Fatal(err)
	}
	p = nil
	csvPath, pqPath = filepath.Join(dir, "bars.csv"), filepath.Join(dir, "bars.parquet")
	db := memDB(b)
	defer db.Close()
	sel := "SELECT symbol, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS ts, open, high, low, close, volume FROM read_parquet(" +
		sqlString(bySymbol) + ") ORDER BY ts, symbol"
	for _, q := range []string{
		"COPY (" + sel + ") TO " + sqlString(csvPath) + " (HEADER)",
		"COPY (SELECT * FROM read_parquet(" + sqlString(bySymbol) + ") ORDER BY ts, symbol) TO " + sqlString(pqPath) + " (FORMAT parquet)",
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	os.RemoveAll(filepath.Join(dir, "gen"))
	return csvPath, pqPath
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, 0 when
// /proc is not there.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM again from the current resident set (Linux:
// "5" to /proc/self/clear_refs), once the garbage of before is returned.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200)
}
