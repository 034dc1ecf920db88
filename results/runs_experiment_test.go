//go:build duckdb_arrow

// These tests run experiments with experiment (which reads data
// through DuckDB's Arrow interface) and check that the run record reads
// and writes their files byte for byte:
//
//	go test -tags duckdb_arrow ./results/

package results_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
)

func runExperiment(t *testing.T, name string) string {
	t.Helper()
	f, err := experiment.Load(filepath.Join("..", "experiment", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return o.Dir
}

// TestRunRecordMatchesExperiment: for the small, stress and sweep
// experiments, every metrics.json read into a RunRecord and written back
// gives the same bytes, and the Headline runs table of the records gives
// runs.csv's bytes.
func TestRunRecordMatchesExperiment(t *testing.T) {
	for _, name := range []string{"small.toml", "stress.toml", "sweep.toml"} {
		t.Run(name, func(t *testing.T) {
			dir := runExperiment(t, name)
			var m results.Manifest
			b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			recs, err := results.ReadRuns(dir, m.Runs)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				want, err := os.ReadFile(filepath.Join(dir, "runs", r.Run, results.RunFile))
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := results.WriteJSON(&got, r); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("%s: metrics.json differs after a round trip:\n%s\nwant\n%s", r.Run, got.Bytes(), want)
				}
			}
			want, err := os.ReadFile(filepath.Join(dir, results.RunsCSV))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := results.WriteTableCSV(&got, headline(t, dir, recs)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s: runs.csv from the records:\n%s\nwant\n%s", name, got.Bytes(), want)
			}
		})
	}
}

// headline is the Headline table of the runs runs.csv lists (the
// experiment writes a row per run of its outcome).
func headline(t *testing.T, dir string, recs []results.RunRecord) *results.Table {
	t.Helper()
	return results.RunsTable(recs, results.Headline)
}
