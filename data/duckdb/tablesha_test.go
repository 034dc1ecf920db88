package duckdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// TestTableSHA256: a table read through a glob or a folder is
// fingerprinted by its files, so that a file changed under the same rows
// and dates (a vendor's re-adjusted history) changes it. It was the hash
// of the glob's text in a catalog, and nothing in a run's manifest.
func TestTableSHA256(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "bars")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rows := func(sym, close string) string {
		return "date,symbol,open,high,low,close,volume\n" +
			"2024-01-02," + sym + ",10,11,9,10,5\n" +
			"2024-01-03," + sym + ",10,11,9," + close + ",5\n"
	}
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte(rows("BTC", "10.5")), 0o644)
	os.WriteFile(b, []byte(rows("ETH", "10.5")), 0o644)
	// By hand: the SHA-256 of "a.csv\t<a's>\nb.csv\t<b's>\n".
	fileSum := func(p string) string {
		x, _ := os.ReadFile(p)
		s := sha256.Sum256(x)
		return hex.EncodeToString(s[:])
	}
	list := sha256.Sum256([]byte("a.csv\t" + fileSum(a) + "\nb.csv\t" + fileSum(b) + "\n"))
	want := hex.EncodeToString(list[:])
	for _, table := range []string{filepath.Join(dir, "*.csv"), dir} {
		got, err := TableSHA256(ctx, table)
		if err != nil || got != want {
			t.Errorf("TableSHA256(%s) = %s, %v; want %s", table, got, err, want)
		}
	}
	if got, err := TableSHA256(ctx, a); err != nil || got != fileSum(a) {
		t.Errorf("one file: %s, %v; want its own SHA-256 %s", got, err, fileSum(a))
	}

	// A catalog's entries carry it; a file changed under the same rows
	// and dates changes them.
	imported := func() string {
		c := openCatalog(t, filepath.Join(t.TempDir(), "cat.duckdb"))
		res, err := c.ImportSource(ctx, Source{Table: filepath.Join(dir, "*.csv")}, Request{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Entries) != 2 {
			t.Fatalf("%d entries", len(res.Entries))
		}
		return res.Entries[0].SHA256
	}
	before := imported()
	if before != want {
		t.Errorf("catalog entry's SHA-256 %s, want the table's %s", before, want)
	}
	os.WriteFile(a, []byte(rows("BTC", "10.25")), 0o644)
	if after := imported(); after == before {
		t.Error("a re-adjusted file left the catalog's SHA-256 unchanged")
	}
}
