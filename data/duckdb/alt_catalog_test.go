package duckdb

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// TestAltSourcesCatalogRoundTrip imports every second source of the
// shared data (alt/*/*.csv, one catalog import per source folder, as a
// researcher would) and checks the bars a run loads back from the catalog
// against the files read a second way: encoding/csv and strconv, row by
// row (the date 00:00 UTC, the line, open/high/low/close/adj_close, an
// empty open/high/low the close, an empty volume unknown). The rows
// investing.com's files contradict (alt/SOURCES.md) are skipped by
// --on-bad-row skip and must be exactly those the catalog lists.
func TestAltSourcesCatalogRoundTrip(t *testing.T) {
	alt, _ := altDir(t)
	dirs, _ := filepath.Glob(filepath.Join(alt, "alt_*"))
	if len(dirs) == 0 {
		t.Fatalf("no source folders under %s", alt)
	}
	ctx := context.Background()
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		if len(files) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cat, err := OpenCatalog(filepath.Join(t.TempDir(), "c.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer cat.Close()
			res, err := cat.ImportReport(ctx, files, ImportOptions{OnBadRow: data.BadRowSkip})
			if err != nil {
				t.Fatal(err)
			}
			skipped := map[string][]int{}
			for _, r := range res.Repairs {
				skipped[r.File] = append(skipped[r.File], r.Row)
			}
			wantSkipped := altRules[filepath.Base(dir)].badRows
			for _, e := range res.Entries {
				if n := len(skipped[e.Source]); n != 0 && !slices.Contains(wantSkipped, filepath.Base(e.Source)) || n == 0 && slices.Contains(wantSkipped, filepath.Base(e.Source)) {
					t.Errorf("%s: rows %v skipped, want a bad row only in %v", e.Source, skipped[e.Source], wantSkipped)
				}
				p, err := cat.Load(ctx, []string{e.Symbol})
				if err != nil {
					t.Fatal(err)
				}
				compareWithFile(t, &p.Series[0], e.Source, skipped[e.Source])
			}
		})
	}
}

// compareWithFile checks s against the CSV at path in our layout, read
// with encoding/csv, leaving out the lines skip lists.
func compareWithFile(t *testing.T, s *data.Series, path string, skip []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"date", "open", "high", "low", "close", "adj_close", "volume"}; !slices.Equal(recs[0], want) {
		t.Fatalf("%s: header %v, want %v", path, recs[0], want)
	}
	num := func(line int, text string) float64 {
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		return v
	}
	k := 0
	for i, r := range recs[1:] {
		line := i + 2
		if slices.Contains(skip, line) {
			continue
		}
		if k >= s.Len() {
			t.Fatalf("%s: %d bars loaded, the file has more (line %d)", path, s.Len(), line)
		}
		day, err := time.Parse(time.DateOnly, r[0])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		cl := num(line, r[4])
		want := [5]float64{cl, cl, cl, cl, num(line, r[5])}
		for j := range 3 {
			if r[1+j] != "" {
				want[j] = num(line, r[1+j])
			}
		}
		vol := math.NaN()
		if r[6] != "" {
			vol = num(line, r[6])
		}
		got := [5]float64{s.Open[k], s.High[k], s.Low[k], s.Close[k], s.AdjClose[k]}
		if s.Time[k] != day.UnixNano() || s.Rows[k] != line || got != want ||
			!(s.Volume[k] == vol || math.IsNaN(s.Volume[k]) && math.IsNaN(vol)) {
			t.Fatalf("%s:%d: loaded %s line %d %v volume %g, want %s %v volume %g", path, line,
				data.FormatTime(s.Time[k]), s.Rows[k], got, s.Volume[k], r[0], want, vol)
		}
		k++
	}
	if k != s.Len() {
		t.Errorf("%s: %d bars loaded, the file has %d", path, s.Len(), k)
	}
}
