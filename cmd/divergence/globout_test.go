package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An --out with a glob character (* ? [ ] { }) cannot hold
// results.duckdb: DuckDB would expand the folder's name in the paths the
// database is built from. run, stress and merge refuse it before any
// work, naming --out and the way out (another --out, or --no-db), and
// make nothing there; before, a run did all its runs, then failed at the
// database, its results thrown away. Without the database (--no-db,
// --no-report, a shard) the folder is fine, and the run writes there.
func TestGlobOutRefusedBeforeTheRuns(t *testing.T) {
	exp := "../../experiment/testdata/small.toml"
	for _, tc := range []struct {
		name string
		args func(out string) []string
		ok   bool // runs, writing into out
	}{
		{"run", func(out string) []string { return []string{"run", exp, "--out", out} }, false},
		{"stress", func(out string) []string { return []string{"stress", exp, "--out", out} }, false},
		{"merge", func(out string) []string {
			return []string{"merge", out, filepath.Join(filepath.Dir(out), "no-shards")}
		}, false},
		{"run --no-db", func(out string) []string { return []string{"run", exp, "--out", out, "--no-db"} }, true},
		{"run --no-report", func(out string) []string { return []string{"run", exp, "--out", out, "--no-report"} }, true},
		{"shard", func(out string) []string { return []string{"run", exp, "--out", out, "--shard", "0/2"} }, true},
	} {
		for _, glob := range []string{"a*b", "a?b", "[ab]", "{a,b}"} {
			t.Run(tc.name+" "+glob, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), glob)
				stdout, _, err := cli(t, append(tc.args(out), "--quiet")...)
				if tc.ok {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if _, err := os.Stat(out); err != nil {
						t.Errorf("wrote nothing into %s: %v", out, err)
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), "--out "+out) || !strings.Contains(err.Error(), "glob character") || !strings.Contains(err.Error(), "--no-db") {
					t.Errorf("got %v, want a refusal of --out naming --no-db", err)
				}
				if stdout != "" {
					t.Errorf("printed %q", stdout)
				}
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s was made", out)
				}
			})
		}
	}
}
