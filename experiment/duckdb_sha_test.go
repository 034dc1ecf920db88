package experiment

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// TestDuckDBTableFingerprint: [data] duckdb = FILE with table = NAME
// reads a table of the database; its inputs carry the database file's
// SHA-256. The table's name was taken for a path: nothing matched it and
// every such input had the SHA-256 of an empty list, whatever the data (a
// review found it).
func TestDuckDBTableFingerprint(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "market.duckdb")
	conn, err := goduckdb.NewConnector(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	if _, err := db.Exec(`CREATE TABLE bars AS SELECT 'NVDA' AS symbol, DATE '2024-01-01' + INTERVAL (i) DAY AS date,
		100.0 + i AS open, 101.0 + i AS high, 99.0 + i AS low, 100.5 + i AS close, 1000 AS volume FROM range(60) t(i)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte("name = \"x\"\n[data]\nduckdb = \"market.duckdb\"\ntable = \"bars\"\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, inputs, err := f.loadPanel(context.Background(), []string{"NVDA"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if len(inputs) != 1 || inputs[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("inputs %+v, want the database file's SHA-256 %x", inputs, sum)
	}
}
