package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/divergence-research/divergence/data"
)

// TestReadCSVAllocatesPerColumnNotPerRow: reading a CSV file allocates
// per column and per batch of rows, not per row. A string for each date's
// text, made twice, cost two allocations a row (261,000 for a 125,000-bar
// file). Measured at the margin, as the objects that 40,000 more rows
// cost: the check of the file's first chunk (one string a record, about
// 6,900 rows here) and DuckDB's setup are the same for both files, and
// each batch of 2,048 rows costs about 70 objects of Arrow's import. The
// bound, one allocation per 10 rows, is 20 times below the old cost.
func TestReadCSVAllocatesPerColumnNotPerRow(t *testing.T) {
	r := &fileReader{db: memDB(t)}
	dir := t.TempDir()
	objects := func(n int) uint64 {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for i := 0; i < n; i++ {
			c := 100 + float64(i%97)/10
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%d\n", data.FormatDay(data.Day(1900, 1, 1)+int64(i)*data.NanosPerDay), c, c+1, c-1, c, 1000+i)
		}
		path := filepath.Join(dir, fmt.Sprintf("A%d.csv", n))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		read := func() data.Series {
			s, err := r.read(context.Background(), path, ReadOptions{Symbol: "ALLOC"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s := read() // the first read of a query shape sets DuckDB up
		if s.Len() != n || s.Time[n-1] != data.Day(1900, 1, 1)+int64(n-1)*data.NanosPerDay || s.Close[1] != 100.1 || s.Rows[n-1] != n+1 {
			t.Fatalf("read %d bars, last at %s, close[1] %v, last row %d", s.Len(), data.FormatStamp(s.Time[n-1]), s.Close[1], s.Rows[n-1])
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		read()
		runtime.ReadMemStats(&m1)
		return m1.Mallocs - m0.Mallocs
	}
	small, large := objects(20_000), objects(60_000)
	if extra := int64(large) - int64(small); extra > 40_000/10 {
		t.Errorf("40,000 more rows cost %d more objects (%d for 20,000 rows, %d for 60,000), want at most %d", extra, small, large, 40_000/10)
	}
}

// TestTextTimesGrowAcrossBatches: a text time column arrives in batches
// whose rows lengthen after the first (dates padded with spaces, as a
// fixed-width export writes them); the bytes are sized from the first
// batch, so the later ones outgrow the estimate. Every row must still
// read back as written, before and after the column is parsed.
func TestTextTimesGrowAcrossBatches(t *testing.T) {
	var rows []string
	firstCap := 0
	d := &decoder{file: "t.csv", rowAt: func(k int) int { return k + 2 }}
	d.reserve(3000)
	d.tc.ends = slices.Grow(d.tc.ends, 3000) // as readCSV sizes them
	for batch := 0; batch < 3; batch++ {
		bld := array.NewStringBuilder(memory.DefaultAllocator)
		for i := 0; i < 1000; i++ {
			v := fmt.Sprintf("2024-01-%02d", 1+i%28)
			if batch > 0 {
				v = strings.Repeat(" ", 20) + v
			}
			rows = append(rows, v)
			bld.Append(v)
		}
		a := bld.NewArray()
		if err := d.addTimes(a, batch*1000); err != nil {
			t.Fatal(err)
		}
		a.Release()
		if batch == 0 {
			firstCap = d.tc.chars.Cap()
		}
	}
	check := func(when string) {
		for k, want := range rows {
			if got := d.tc.str(k); got != want {
				t.Fatalf("%s: row %d reads %q, want %q", when, k, got, want)
			}
		}
	}
	check("collected")
	// After the first batch (1,000 rows of 10 bytes), the bytes were sized
	// for all 3,000 rows at its length, 30,000 and a sixteenth (a
	// size class up), not for the batch alone.
	if firstCap < 30_000 || firstCap > 40_000 {
		t.Errorf("capacity after the first batch %d: not sized for the file's rows", firstCap)
	}
	if err := d.resolveTimes(); err != nil {
		t.Fatal(err)
	}
	check("parsed")
	// Row 2999 is batch 2's row 999: 999 % 28 = 19, so January 20th.
	if got, want := d.tc.inst[2999], data.Day(2024, 1, 20); got != want {
		t.Errorf("row 2999 at %s, want %s", data.FormatStamp(got), data.FormatStamp(want))
	}
}
