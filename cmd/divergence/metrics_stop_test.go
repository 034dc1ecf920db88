package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// metrics stops on a signal (its context cancelled), as every command
// that reads or writes data does: it returns the cancellation, prints no
// metrics and writes no --out file. It did not look at the context: on a
// returns file of 3 million rows an interrupt, and a second one, left it
// running to its end (5.5 s) and exiting 0.
func TestMetricsStopsOnSignal(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(in, []byte("date,a\n2024-01-01,0.1\n2024-01-02,0.2\n2024-01-03,0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"stdout", []string{"metrics", in}},
		{"table", []string{"metrics", in, "--format", "table"}},
		{"series", []string{"metrics", in, "--series"}},
		{"out", []string{"metrics", in, "--out", filepath.Join(dir, "m.json")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(ctx, tc.args, &stdout, &stderr)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want the cancellation", err)
			}
			if stdout.Len() > 0 {
				t.Errorf("printed after the stop:\n%s", stdout.String())
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*m.json*")); len(left) > 0 {
				t.Errorf("written after the stop: %v", left)
			}
		})
	}
}
