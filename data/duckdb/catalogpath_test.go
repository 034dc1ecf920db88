package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestCatalogPathsFromAnyFolder imports files, a repaired row and a table
// named by paths relative to one working folder, then reads the catalog
// from another: every source and repair names its file absolutely, so that
// it is the file from any folder (the path as typed, "prices/AAA.csv",
// named another file, or none, from anywhere else).
func TestCatalogPathsFromAnyFolder(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	prices := filepath.Join(root, "prices")
	os.Mkdir(prices, 0o755)
	writeFile(t, prices, "AAA.csv", dailyCSV(5, 0))
	// Line 3 (2015-01-02): open 12 above the high 11.
	writeFile(t, prices, "BBB.csv", "date,open,high,low,close\n2015-01-01,10,11,9,10\n2015-01-02,12,11,9,10\n2015-01-03,10,11,9,10\n")
	writeFile(t, prices, "table.csv", "date,symbol,close\n2015-01-01,CCC,5\n2015-01-02,CCC,6\n")
	catPath := filepath.Join(root, "cat.duckdb")

	t.Chdir(root)
	c, err := OpenCatalog("cat.duckdb")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ImportReport(ctx, []string{"prices/AAA.csv", filepath.Join("prices", "..", "prices", "BBB.csv")}, ImportOptions{OnBadRow: data.BadRowSkip})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportSource(ctx, Source{Table: "prices/table.csv"}, Request{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	want := map[string]string{
		"AAA": filepath.Join(prices, "AAA.csv"),
		"BBB": filepath.Join(prices, "BBB.csv"),
		"CCC": filepath.Join(prices, "table.csv"),
	}
	for _, e := range res.Entries {
		if e.Source != want[e.Symbol] {
			t.Errorf("imported %s from %q, want %q", e.Symbol, e.Source, want[e.Symbol])
		}
	}

	elsewhere := filepath.Join(root, "elsewhere")
	os.Mkdir(elsewhere, 0o755)
	t.Chdir(elsewhere)
	c = openCatalog(t, catPath)
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("List = %+v, want AAA, BBB, CCC", list)
	}
	for _, e := range list {
		if e.Source != want[e.Symbol] {
			t.Errorf("List: %s from %q, want %q", e.Symbol, e.Source, want[e.Symbol])
		}
		if sha(t, e.Source) != e.SHA256 {
			t.Errorf("%s: %s is not the file imported", e.Symbol, e.Source)
		}
	}
	reps, err := c.Repairs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r := reps["BBB"]; len(r) != 1 || r[0].File != want["BBB"] || r[0].Row != 3 {
		t.Errorf("repairs of BBB = %+v, want line 3 of %s", r, want["BBB"])
	}
}
