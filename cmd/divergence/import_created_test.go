package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/data/duckdb"
)

// An import that fails removes the catalog only when it created it: the
// path was absent when it looked, and the catalog held no instrument when
// it opened it. Another process may create and fill the catalog between
// the look and the open; the failed import removed it, and the other's
// instruments with it.
func TestFailedImportKeepsOthersCatalog(t *testing.T) {
	for _, tc := range []struct {
		name       string
		filled     bool // another process creates and fills the catalog between the look and the open
		wantExists bool
	}{
		{name: "created by this import", filled: false, wantExists: false},
		{name: "filled by another in between", filled: true, wantExists: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, "c.duckdb")
			absent := catalogAbsent(path)
			if !absent {
				t.Fatal("catalogAbsent: a path that does not exist is not absent")
			}
			if tc.filled {
				csv := filepath.Join(dir, "XYZ.csv")
				if err := os.WriteFile(csv, []byte("date,open,high,low,close\n2024-01-02,10,11,9,10.5\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				other, err := duckdb.OpenCatalog(path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := other.Import(ctx, []string{csv}, duckdb.ImportOptions{}); err != nil {
					t.Fatal(err)
				}
				other.Close()
			}
			writeErr := errors.New("disk full")
			_, _, err := importInto(ctx, path, absent, duckdb.CatalogOptions{Wait: -1}, func(*duckdb.Catalog) (duckdb.Imported, error) {
				return duckdb.Imported{}, writeErr
			})
			if !errors.Is(err, writeErr) {
				t.Fatalf("err = %v, want the write's error", err)
			}
			_, statErr := os.Stat(path)
			if exists := statErr == nil; exists != tc.wantExists {
				t.Fatalf("catalog exists = %v after the failed import, want %v", exists, tc.wantExists)
			}
			if !tc.wantExists {
				return
			}
			cat, err := duckdb.OpenCatalog(path)
			if err != nil {
				t.Fatal(err)
			}
			defer cat.Close()
			got, err := cat.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Symbol != "XYZ" {
				t.Errorf("catalog holds %v, want the other's XYZ", got)
			}
		})
	}
}
