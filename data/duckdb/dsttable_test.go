//go:build duckdb_arrow

package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Naive 5-minute bars in New York time across the autumn change
// (2024-11-03: clocks go back at 02:00 EDT to 01:00 EST) write 01:00 to
// 01:55 twice, in summer time and then in winter time: the order of the
// rows tells them apart. A Parquet table's naive TIMESTAMP column was
// sorted by wall-clock time before the zone was applied, which
// interleaved the two hours (01:00, 01:00, 01:05, 01:05, …): the second
// 01:05 came out at 06:05Z twice, refused as a duplicate, where the same
// rows as CSV text read. Every source now reads the 29 bars 04:50Z to
// 07:10Z in order, and so does a Parquet file written newest first.
func TestNaiveRepeatedHourInATable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := memDB(t)
	// Wall-clock times: 00:50 … 01:55 (EDT), then 01:00 … 02:10 (EST).
	var walls []string
	for m := 50; m < 120; m += 5 {
		walls = append(walls, fmt.Sprintf("2024-11-03 %02d:%02d:00", m/60, m%60))
	}
	for m := 60; m <= 130; m += 5 {
		walls = append(walls, fmt.Sprintf("2024-11-03 %02d:%02d:00", m/60, m%60))
	}
	// 00:50 EDT (UTC−4) is 04:50Z; the bars follow each other every 5
	// minutes, 01:55 EDT = 05:55Z then 01:00 EST (UTC−5) = 06:00Z, to
	// 02:10 EST = 07:10Z: 14 + 15 = 29 bars, closing at 100, 101, … 128.
	var want []int64
	var wantClose []float64
	for k := range walls {
		want = append(want, utc(2024, 11, 3, 4, 50)+int64(k)*5*60e9)
		wantClose = append(wantClose, 100+float64(k))
	}
	var values, lines []string
	for k, w := range walls {
		c := 100 + float64(k)
		values = append(values, fmt.Sprintf("('BTC', TIMESTAMP '%s', %v, %v, %v, %v, 1.0)", w, c, c+1, c-1, c))
		lines = append(lines, fmt.Sprintf("BTC,%s,%v,%v,%v,%v,1", w, c, c+1, c-1, c))
	}
	pq := filepath.Join(dir, "bars.parquet")
	if _, err := db.Exec(fmt.Sprintf("COPY (SELECT * FROM (VALUES %s) t(symbol, time, open, high, low, close, volume)) TO %s (FORMAT parquet)",
		strings.Join(values, ", "), sqlString(pq))); err != nil {
		t.Fatal(err)
	}
	csv := writeFile(t, dir, "bars.csv", "symbol,time,open,high,low,close,volume\n"+strings.Join(lines, "\n")+"\n")
	check := func(t *testing.T, s data.Series) {
		t.Helper()
		if !slices.Equal(s.Time, want) || !slices.Equal(s.Close, wantClose) {
			t.Errorf("times %v\nclose %v\nwant %v\n%v", fmtTimes(s.Time), s.Close, fmtTimes(want), wantClose)
		}
	}
	for _, path := range []string{pq, csv} {
		t.Run("table "+filepath.Base(path), func(t *testing.T) {
			p, err := ReadSource(ctx, Source{Table: path, Timezone: "America/New_York"}, Request{Symbols: []string{"BTC"}})
			if err != nil {
				t.Fatal(err)
			}
			check(t, p.Series[0])
		})
	}
	t.Run("file", func(t *testing.T) {
		s, err := ReadFile(ctx, pq, ReadOptions{Symbol: "BTC", Timezone: "America/New_York"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
	// The same rows newest first: 02:10 EST … 01:00 EST, then 01:55 EDT
	// … 00:50. Placed as they came, in ascending order, the summer 01:55
	// after the winter 01:00 (06:00Z) was taken for 06:55Z, after it:
	// refused as out of order. Like text, the file's first and last rows
	// now say it is newest first.
	t.Run("file newest first", func(t *testing.T) {
		desc := filepath.Join(dir, "BTC-desc.parquet")
		if _, err := db.Exec(fmt.Sprintf("COPY (SELECT time, open, high, low, close, volume FROM (VALUES %s) t(symbol, time, open, high, low, close, volume) ORDER BY close DESC) TO %s (FORMAT parquet)",
			strings.Join(values, ", "), sqlString(desc))); err != nil {
			t.Fatal(err)
		}
		s, err := ReadFile(ctx, desc, ReadOptions{Symbol: "BTC", Timezone: "America/New_York"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, s)
	})
}
