package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A results folder that data.table reads back (the table a folder or a
// glob reaching below the folder --out names) is refused before anything
// is written: the first run's CSV and Parquet files (runs.csv,
// prices.parquet, …) became rows of the table, and every later run failed
// on them with DuckDB's "schema mismatch in glob". A table whose files
// cannot reach the results folder runs, twice. The table's file is
// bars/2024/bars.csv.
func TestOutInsideTheTable(t *testing.T) {
	var b strings.Builder
	b.WriteString("symbol,date,open,high,low,close,volume\n")
	for d := 2; d <= 31; d++ {
		px := 10 + float64(d)/10
		fmt.Fprintf(&b, "AAA,2024-01-%02d,%g,%g,%g,%g,100\n", d, px, px+1, px-1, px+0.5)
	}
	for _, c := range []struct {
		name, table, out string
		shard            bool
		refused          bool
	}{
		{"folder", "bars/", "bars", false, true},
		{"folder without slash", "bars", "bars", false, true},
		{"below the folder", "bars/", "bars/results", false, true},
		{"the table's own folder", "bars/", "bars/2024", false, true},
		{"double star", "bars/**/*.csv", "bars", false, true},
		{"a level down", "bars/*/*.csv", "bars", false, true},
		{"shard", "bars/", "bars", true, true},
		{"one level glob", "bars/2024/*.csv", "bars/2024", false, false},
		// A glob of several levels whose first ones cannot name the
		// folders down to --out (hive partitions beside a results
		// folder): nothing below --out is read, it runs.
		{"partitions beside the results", "bars/20*/*.csv", "bars/results", false, false},
		// A glob of two levels reads bars/results/*.csv, not the
		// results' files a level deeper.
		{"a level down, --out below", "bars/*/*.csv", "bars/results", false, false},
		{"three levels, --out two down", "bars/*/*/*.csv", "bars/results", false, true},
		{"one file", "bars/2024/bars.csv", "bars/2024", false, false},
		{"elsewhere", "bars/", "out", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			bars := filepath.Join(dir, "bars")
			if err := os.MkdirAll(filepath.Join(bars, "2024"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bars, "2024", "bars.csv"), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "x.toml")
			text := fmt.Sprintf("name = \"table run\"\n[data]\ntable = %q\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\"]\n", c.table)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{Out: filepath.Join(dir, c.out), Workers: 1}
			if c.shard {
				opt.Shard = &Shard{Index: 0, Count: 2}
			}
			for i := range 2 {
				_, err = Run(context.Background(), f, opt)
				if !c.refused {
					if err != nil {
						t.Fatalf("run %d: %v", i+1, err)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), "data.table") || !strings.Contains(err.Error(), opt.Out) {
					t.Fatalf("run %d: %v, want a refusal naming data.table and %s", i+1, err, opt.Out)
				}
			}
			if !c.refused {
				return
			}
			// Nothing written into the data (no lock file either): only
			// the table's file.
			var got []string
			filepath.WalkDir(bars, func(p string, _ os.DirEntry, err error) error {
				if err == nil && p != bars {
					rel, _ := filepath.Rel(bars, p)
					got = append(got, rel)
				}
				return nil
			})
			if len(got) != 2 || got[1] != filepath.Join("2024", "bars.csv") {
				t.Errorf("%s holds %v, want only 2024/bars.csv", bars, got)
			}
		})
	}
}
