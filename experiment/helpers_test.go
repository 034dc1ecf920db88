package experiment

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return csv.NewReader(f).ReadAll()
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// notesWith runs f for its notes alone (compute only, one worker) and
// returns those that contain sub.
func notesWith(t *testing.T, f *File, sub string) []string {
	t.Helper()
	out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range out.Notes {
		if strings.Contains(n, sub) {
			got = append(got, n)
		}
	}
	return got
}

// runIn writes the experiment text into dir (its relative paths are
// from there), loads it and runs it on one worker into dir/out, keeping
// every run's results.
func runIn(t *testing.T, dir, text string) (*Outcome, error) {
	t.Helper()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	return Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, Keep: true, Version: "test"})
}
