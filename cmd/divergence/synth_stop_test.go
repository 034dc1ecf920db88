package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// data synth stops on a signal (its context cancelled): it returns the
// cancellation and writes nothing, neither the market nor a temporary
// file. It took no context: `divergence data synth --interval 1m --days
// 2000 --instruments 20` (1.5 GB of Parquet, 20–34 s) ran to its end
// whatever was sent, and exited 0.
func TestSynthStopsOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"daily", nil},
		{"table", []string{"--interval", "1h", "--days", "10", "--instruments", "2"}},
		{"files", []string{"--interval", "1h", "--days", "10", "--instruments", "2", "--layout", "files"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "market")
			var stdout, stderr bytes.Buffer
			err := run(ctx, append([]string{"data", "synth", "--out", out}, tc.args...), &stdout, &stderr)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want the cancellation", err)
			}
			if stdout.Len() > 0 {
				t.Errorf("printed after the stop:\n%s", stdout.String())
			}
			if ents, _ := os.ReadDir(out); len(ents) > 0 {
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				t.Errorf("written after the stop: %v", names)
			}
		})
	}
}
