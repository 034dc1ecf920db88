package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// The synthetic intraday market written as Parquet (one table, or a file
// per instrument) reads back bit for bit, labelled synthetic.
func TestSynthParquetRoundTrip(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	ctx := context.Background()
	p, err := synth.GenerateIntraday(synth.DefaultIntradayConfig(3, data.Hour, 15, 4))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	table, err := WriteParquetTable(ctx, filepath.Join(dir, "table"), p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSource(ctx, Source{Table: table}, Request{Symbols: p.Symbols()})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Synthetic {
		t.Error("table not labelled synthetic")
	}
	for i := range p.Series {
		sameBars(t, "table", got.Series[i], p.Series[i])
	}
	files, err := WriteParquetDir(ctx, filepath.Join(dir, "files"), p)
	if err != nil {
		t.Fatal(err)
	}
	opts := make([]ReadOptions, len(files))
	for i, s := range p.Series {
		opts[i] = ReadOptions{Class: s.Class}
	}
	fp, err := ReadFiles(ctx, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !fp.Synthetic {
		t.Error("files not labelled synthetic")
	}
	for i := range p.Series {
		sameBars(t, "files", fp.Series[i], p.Series[i])
	}
	// Ordinary data files, readable by all as the CSV files are (a
	// temporary file is made 0600).
	for _, path := range append([]string{table}, files...) {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v (%v), want 0644", path, fi.Mode().Perm(), err)
		}
	}
	// Resampled to 4h through DuckDB, the crypto series keeps its first
	// open and last close per bucket.
	r, err := ReadSource(ctx, Source{Table: table}, Request{Symbols: []string{"BTC"}, Bar: data.Hours4})
	if err != nil {
		t.Fatal(err)
	}
	b, src := r.Series[0], p.Series[0]
	if b.Len() != src.Len()/4 || b.Open[1] != src.Open[4] || b.Close[1] != src.Close[7] || b.Time[1] != src.Time[4] {
		t.Errorf("4h: %d bars, open %v (want %v), close %v (want %v)", b.Len(), b.Open[1], src.Open[4], b.Close[1], src.Close[7])
	}
}
