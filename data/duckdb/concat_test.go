package duckdb

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// Two Parquet files read as one table, ordered across them.
func TestConcat(t *testing.T) {
	dir := t.TempDir()
	c, err := goduckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	a, b := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")
	for _, q := range []string{
		"COPY (SELECT * FROM (VALUES (1, 5, 0.5), (0, 7, -1.0)) t(run, path, v)) TO '" + a + "' (FORMAT parquet)",
		"COPY (SELECT * FROM (VALUES (0, 2, 2.0), (1, 1, 3.0)) t(run, path, v)) TO '" + b + "' (FORMAT parquet)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	var got [][3]float64
	err = Concat(context.Background(), []string{a, b}, "run, path, v", "run, path", func(scan func(...any) error) error {
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
	if err := Concat(context.Background(), []string{filepath.Join(dir, "missing.parquet")}, "*", "1", func(func(...any) error) error { return nil }); err == nil {
		t.Error("a missing file: no error")
	}
}
