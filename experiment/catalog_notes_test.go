package experiment

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data/duckdb"
)

// A run reads the same notes of an instrument from a catalog as from its
// file: XYZ's daily bars run every day, so, classed equity (the guess for
// an unknown symbol), it is noted for its weekend bars, from the file and
// from the catalog alike; classed crypto by the experiment, it is not,
// from either (the catalog's note, made at import for an equity, came
// back and told a run that set [data] classes to set them).
func TestCatalogRunNotesFollowTheClass(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "XYZ", "2024-01-01", 60, func(k int) float64 { return 100 + float64(k%5) })
	cat, err := duckdb.OpenCatalog(filepath.Join(dir, "cat.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Import(context.Background(), []string{filepath.Join(dir, "prices", "XYZ.csv")}, duckdb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	for _, c := range []struct {
		name, source, classes string
		noted                 bool
	}{
		{"file, equity", `dir = "prices"`, "", true},
		{"catalog, equity", `catalog = "cat.duckdb"`, "", true},
		{"file, crypto", `dir = "prices"`, `classes = { XYZ = "crypto" }`, false},
		{"catalog, crypto", `catalog = "cat.duckdb"`, `classes = { XYZ = "crypto" }`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := runIn(t, dir, `name = "x"
[data]
`+c.source+`
`+c.classes+`
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["XYZ"]
`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, note := range o.Notes {
				if strings.Contains(note, "classed equity, but") {
					n++
				}
			}
			if c.noted && n != 1 || !c.noted && n != 0 {
				t.Errorf("%d weekend notes, want %v:\n%s", n, c.noted, strings.Join(o.Notes, "\n"))
			}
		})
	}
}
