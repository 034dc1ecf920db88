package resultsdb

import (
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/results"
	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// Two builds of the same folder's database differ in their bytes but not
// in their dumps; a changed row changes the dump, and so do the same rows
// stored in another order (what a query without ORDER BY sees). The rows
// are dumped as the file holds them: b then a.
func TestDumpComparesContent(t *testing.T) {
	dir := t.TempDir()
	tab := &results.Table{Columns: []results.Column{{Name: "key", Strings: []string{"b", "a"}}, {Name: "v", Floats: []float64{1.5, -2}}}}
	if err := results.WriteFileAtomic(filepath.Join(dir, "t.parquet"), func(w io.Writer) error { return results.WriteTableParquet(w, tab) }); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	build := func(name, extra string) string {
		p := filepath.Join(dir, name)
		c, err := goduckdbConnector(p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Exec("CREATE TABLE t AS SELECT * FROM read_parquet('" + filepath.Join(dir, "t.parquet") + "')" + extra); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b, c := build("a.duckdb", ""), build("b.duckdb", ""), build("c.duckdb", " UNION ALL SELECT 'c', 3")
	sorted := build("sorted.duckdb", " ORDER BY key")
	da, err := Dump(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := Dump(ctx, b)
	dc, _ := Dump(ctx, c)
	if da != db {
		t.Errorf("dumps of the same table differ:\n%s\n%s", da, db)
	}
	if da == dc {
		t.Error("a changed table dumps the same")
	}
	if ds, _ := Dump(ctx, sorted); ds != "table t\n  key VARCHAR\n  v DOUBLE\n[a -2]\n[b 1.5]\n" {
		t.Errorf("the rows stored in key order dump as %q", ds)
	}
	if want := "table t\n  key VARCHAR\n  v DOUBLE\n[b 1.5]\n[a -2]\n"; da != want {
		t.Errorf("dump %q, want %q", da, want)
	}
}

func goduckdbConnector(path string) (*sql.DB, error) {
	c, err := goduckdb.NewConnector(path, nil)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}
