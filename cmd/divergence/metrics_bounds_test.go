package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// --from and --to past the times Unix nanoseconds hold are past every
// row: --to 9999-12-31 ("no end") kept every row, --from 1600-01-01 too.
// time.UnixNano wrapped 9999-12-31 into 1816-03-29, and --to kept none;
// 1600-01-01 into 2184-07-20, and --from kept none.
func TestMetricsBoundsPastNanos(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte("date,a\n2024-01-31,0.04\n2024-02-29,-0.01\n2024-03-31,0.02\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Three monthly returns: total 1.04 × 0.99 × 1.02 − 1 = 0.050192.
	for _, args := range [][]string{
		{"--to", "9999-12-31"},
		{"--from", "1600-01-01"},
		{"--from", "1000-01-01", "--to", "3000-01-01"},
	} {
		m, _ := metricValues(t, append([]string{path, "--periods-per-year", "12"}, args...)...)
		if m["periods"] != 3 || math.Abs(m["total_return"]-0.050192) > 1e-12 {
			t.Errorf("%v: periods %g, total_return %g; want 3 and 0.050192", args, m["periods"], m["total_return"])
		}
	}
}
