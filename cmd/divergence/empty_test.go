package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An empty path (a shell variable unset: --out "$DIR", merge "$OUT"
// shards) is refused, naming the flag or the argument, before any work.
// It was taken for the flag's default: run and merge wrote into ./out,
// replacing an experiment's results there; report, compare and metrics
// wrote their default files; merge --experiment "" read the path the
// shards recorded; data import --duckdb "" --table T read T as a file;
// and data synth, data list said "mkdir : no such file or directory",
// "stat : …", naming nothing.
func TestEmptyPathRefused(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", missing + ".toml", "--out", ""}, "run: --out is empty"},
		{[]string{"stress", missing + ".toml", "--out="}, "stress: --out is empty"},
		{[]string{"merge", missing, missing, "--experiment", ""}, "merge: --experiment is empty"},
		{[]string{"report", missing, "--out", ""}, "report: --out is empty"},
		{[]string{"compare", missing, "--out", ""}, "compare: --out is empty"},
		{[]string{"metrics", missing + ".csv", "--out", ""}, "metrics: --out is empty"},
		{[]string{"data", "synth", "--out", ""}, "data synth: --out is empty"},
		{[]string{"data", "list", "--catalog", ""}, "data list: --catalog is empty"},
		{[]string{"data", "import", missing + ".csv", "--catalog", ""}, "data import: --catalog is empty"},
		{[]string{"data", "import", "--duckdb", "", "--table", "prices"}, "data import: --duckdb is empty"},
		{[]string{"data", "import", "--table", ""}, "data import: --table is empty"},
		{[]string{"data", "import", "--query", ""}, "data import: --query is empty"},
		// An empty argument: merge took "" for OUT and wrote ./out.
		{[]string{"merge", "", missing}, "merge: argument 1 is empty"},
		{[]string{"run", ""}, "run: argument 1 is empty"},
		{[]string{"compare", missing, ""}, "compare: argument 2 is empty"},
		{[]string{"db", ""}, "db: argument 1 is empty"},
		{[]string{"strategies", ""}, "strategies: argument 1 is empty"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			stdout, stderr, err := cli(t, tc.args...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err %v, want %q…", err, tc.want)
			}
			if stdout != "" || stderr != "" {
				t.Errorf("stdout %q, stderr %q: want the error alone", stdout, stderr)
			}
		})
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("%s after the refusals: %v, %v; want it empty", dir, entries, err)
	}
}
