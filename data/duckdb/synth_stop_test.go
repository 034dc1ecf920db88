package duckdb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// stopAfter is a context cancelled from its n-th call of Err on: a stop
// that arrives while a file is being written.
type stopAfter struct {
	context.Context
	n int
}

func (c *stopAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// A market whose writing is stopped mid-way (a signal) leaves nothing:
// not the file, not its temporary file; the error is the stop.
func TestWriteParquetStoppedMidway(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 60 days × 1,440 one-minute bars of the crypto instrument (86,400)
	// are two row groups of 65,536 bars at most: the stop falls inside
	// the writing.
	p, err := synth.GenerateIntraday(synth.DefaultIntradayConfig(3, data.Minute, 60, 2))
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Series[0].Len(); n <= parquetRowGroup {
		t.Fatalf("%d bars: one row group of %d", n, parquetRowGroup)
	}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, dir string) error
		n     int      // calls of Err before the stop
		left  []string // what the stop leaves
	}{
		// Err is asked once on entry, then before each row group: the
		// stop comes before the second.
		{"table", func(ctx context.Context, dir string) error { _, err := WriteParquetTable(ctx, dir, p); return err }, 2, nil},
		{"files, in the first", func(ctx context.Context, dir string) error { _, err := WriteParquetDir(ctx, dir, p); return err }, 2,
			[]string{data.SyntheticMarker}},
		// After BTC.parquet's two row groups, before MSFT.parquet's
		// first: BTC.parquet is whole, and the folder is marked
		// synthetic, as it is once the market is written (unmarked, the
		// next data synth into it refused it as a folder of files
		// without --force).
		{"files, in the second", func(ctx context.Context, dir string) error { _, err := WriteParquetDir(ctx, dir, p); return err }, 3,
			[]string{data.SyntheticMarker, "BTC.parquet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := tc.write(&stopAfter{Context: context.Background(), n: tc.n}, dir)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want the stop", err)
			}
			ents, _ := os.ReadDir(dir)
			var left []string
			for _, e := range ents {
				left = append(left, e.Name())
			}
			if strings.Join(left, " ") != strings.Join(tc.left, " ") {
				t.Errorf("left %q, want %q", left, tc.left)
			}
			if slices.Contains(left, "BTC.parquet") {
				got, err := ReadFiles(context.Background(), []string{filepath.Join(dir, "BTC.parquet")}, []ReadOptions{{Class: p.Series[0].Class}})
				if err != nil {
					t.Fatal(err)
				}
				sameBars(t, "BTC.parquet", got.Series[0], p.Series[0])
			}
		})
	}
}
