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

// Two Parquet files read as one table, ordered across them.
func TestConcat(t *testing.T) {
	dir := t.TempDir()
	for i, tab := range []*results.Table{
		{Columns: []results.Column{{Name: "run", Ints: []int64{1, 0}}, {Name: "path", Ints: []int64{5, 7}}, {Name: "v", Floats: []float64{0.5, -1}}}},
		{Columns: []results.Column{{Name: "run", Ints: []int64{0, 1}}, {Name: "path", Ints: []int64{2, 1}}, {Name: "v", Floats: []float64{2, 3}}}},
	} {
		if err := results.WriteFileAtomic(filepath.Join(dir, []string{"a.parquet", "b.parquet"}[i]), func(w io.Writer) error { return results.WriteTableParquet(w, tab) }); err != nil {
			t.Fatal(err)
		}
	}
	var got [][3]float64
	err := Concat(context.Background(), []string{filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")}, "run, path, v", "run, path",
		func(scan func(...any) error) error {
			var r, p int64
			var v float64
			if err := scan(&r, &p, &v); err != nil {
				return err
			}
			got = append(got, [3]float64{float64(r), float64(p), v})
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]float64{{0, 2, 2}, {0, 7, -1}, {1, 1, 3}, {1, 5, 0.5}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// Two builds of the same folder's database differ in their bytes but not
// in their dumps; a changed row changes the dump.
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
	if want := "table t\n  key VARCHAR\n  v DOUBLE\n[a -2]\n[b 1.5]\n"; da != want {
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
