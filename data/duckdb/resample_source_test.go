package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// A refusal to resample names the file of the bar it refuses, beside its
// row: in a run over several files, "(row 5)" alone did not say whose.
// Files with a header line, so bar k (from 0) is on line k + 2:
//   - BBB, hourly token bars at :30 from 2025-01-01T00:30Z into 4h: bar 3,
//     03:30–04:30, crosses 04:00, line 5;
//   - CCC, an equity's hourly bars at :30 from 2025-01-02T13:30Z (08:30
//     New York, EST: pre-market) into 1d: bar 7, 20:30Z (15:30–16:30 New
//     York), runs past the close, line 9;
//   - SPY, daily bars into 1h: coarser, no row, the file named.
//
// AAA, hourly on the hour, is read beside each and refused for nothing.
func TestResampleRefusalNamesTheFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name string, from time.Time, step time.Duration, n int) string {
		var b strings.Builder
		b.WriteString("time,open,high,low,close,volume\n")
		for k := range n {
			fmt.Fprintf(&b, "%s,10,11,9,10,1\n", from.Add(time.Duration(k)*step).Format(time.RFC3339))
		}
		path := filepath.Join(dir, name+".csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	aaa := write("AAA", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Hour, 48)
	for _, tc := range []struct {
		name  string
		path  string
		class data.Class
		bar   data.Interval
		want  string
	}{
		{"straddles 4h", write("BBB", time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC), time.Hour, 10), data.Crypto, data.Hours4,
			"BBB's 1h bar at 2025-01-01T03:30:00Z straddles two 4h buckets (buckets start at 00:00 UTC); resample it to a coarser bar or leave it at 1h (" + filepath.Join(dir, "BBB.csv") + ", row 5)"},
		{"past the close", write("CCC", time.Date(2025, 1, 2, 13, 30, 0, 0, time.UTC), time.Hour, 9), data.Equity, data.Daily,
			"(" + filepath.Join(dir, "CCC.csv") + ", row 9)"},
		{"coarser", write("SPY", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour, 5), data.Equity, data.Hour,
			"SPY (" + filepath.Join(dir, "SPY.csv") + ") has 1d bars, coarser than the 1h bars asked for"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadFiles(ctx, []string{aaa, tc.path}, []ReadOptions{{Class: data.Crypto}, {Class: tc.class}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Resample(ctx, p, tc.bar)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant …%s", err, tc.want)
			}
		})
	}
}
