package resultsdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cutLines keeps the first n lines of the file at path (the header
// counted), cut at a line's end: a copy interrupted there reads as a
// shorter file without an error.
func cutLines(t *testing.T, path string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) <= n+1 {
		t.Fatalf("%s has %d lines, want more than %d", path, len(lines), n)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines[:n], "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// csvFolder is smallFolder without its runs' Parquet files (the database
// is then made from the CSV copies) and the key of its sma run.
func csvFolder(t *testing.T) string {
	t.Helper()
	dir := smallFolder(t)
	pq, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "*.parquet"))
	for _, p := range pq {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWriteRefusesACutFile: a run's equity or fills file cut short at a
// line's end was read as a shorter run, and the database built from it
// (a third of a curve, 99 fills of 608). The rows of each run are now
// checked against its record (the fills it counted, the day and equity
// of its last curve point): the build names the file and writes nothing.
func TestWriteRefusesACutFile(t *testing.T) {
	cases := []struct {
		name, file string
		edit       func(t *testing.T, path string)
		want       string
	}{
		// sma's curve has a point on every day of the synthetic market
		// from 2019-03-01 to 2019-06-30 (testdata/small.toml: start
		// 2019-03-01, end 2019-07-01 excluded): 10 lines are the header
		// and nine days, the last of them 2019-03-09.
		{"equity cut", "equity.csv", func(t *testing.T, p string) { cutLines(t, p, 10) },
			"equity.csv ends on 2019-03-09, the run's record on 2019-06-30: the file is cut short"},
		// The header and one fill.
		{"fills cut", "fills.csv", func(t *testing.T, p string) { cutLines(t, p, 2) },
			"fills.csv holds 1 fills, the run's record"},
		// The last point's equity changed, its day kept.
		{"last equity changed", "equity.csv", func(t *testing.T, p string) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			s := strings.TrimSuffix(string(b), "\n")
			i := strings.LastIndexByte(s, '\n')
			f := strings.Split(s[i+1:], ",")
			f[1] = "1"
			if err := os.WriteFile(p, []byte(s[:i+1]+strings.Join(f, ",")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "equity.csv ends at equity 1, the run's record at "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := csvFolder(t)
			path := filepath.Join(dir, "runs", "sma", c.file)
			c.edit(t, path)
			err := Write(context.Background(), dir)
			if err == nil || !strings.Contains(err.Error(), path[len(dir):]) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming %s: %q", err, path, c.want)
			}
			if _, err := os.Stat(filepath.Join(dir, File)); !os.IsNotExist(err) {
				t.Errorf("results.duckdb written (%v)", err)
			}
		})
	}
	// The folder untouched builds.
	if err := Write(context.Background(), csvFolder(t)); err != nil {
		t.Fatal(err)
	}
}

// TestWriteRefusesAMissingParquet: the equity table is made from the
// runs' Parquet files when most runs have one; a run whose Parquet file
// was removed, and whose CSV copy is left, had no rows at all.
func TestWriteRefusesAMissingParquet(t *testing.T) {
	dir := smallFolder(t)
	// The other runs keep only their Parquet files, so that Parquet
	// files are the most.
	csvs, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "equity.csv"))
	for _, p := range csvs {
		if filepath.Base(filepath.Dir(p)) != "sma" {
			os.Remove(p)
		}
	}
	pq := filepath.Join(dir, "runs", "sma", "equity.parquet")
	if err := os.Remove(pq); err != nil {
		t.Fatal(err)
	}
	want := "run sma has no " + pq + ": the equity table is made from the runs' Parquet files"
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); !os.IsNotExist(err) {
		t.Errorf("results.duckdb written (%v)", err)
	}
}

// TestBuildRunsRefusesNoFillsFiles: given the records (as the experiment
// and merge build), a folder without any fills file made the equity
// table and no fills table, unchecked. Each run that traded has its
// fills: the first by key (hedge) is named.
func TestBuildRunsRefusesNoFillsFiles(t *testing.T) {
	dir := smallFolder(t)
	recs := records(t, dir)
	fills, _ := filepath.Glob(filepath.Join(dir, "runs", "*", "fills.*"))
	for _, p := range fills {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	want := "run hedge has no " + filepath.Join(dir, "runs", "hedge", "fills.parquet") + " (nor fills.csv)"
	if _, err := BuildRuns(context.Background(), dir, filepath.Join(dir, File), recs, nil, nil); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
