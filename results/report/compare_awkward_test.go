package report

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestCompareFailsWritingNothing: a comparison whose last output cannot
// be written (its folder does not exist) fails, and writes none of the
// outputs before it either (c.png was written, then the table failed:
// half the outputs of a comparison that said it failed).
func TestCompareFailsWritingNothing(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1, []float64{100, 110, 99, 108.9})
	dir := t.TempDir()
	for _, outs := range [][]string{
		{filepath.Join(dir, "c.png"), filepath.Join(dir, "c.svg"), filepath.Join(dir, "nosuch", "c.csv")},
		{filepath.Join(dir, "c.csv"), filepath.Join(dir, "c.svg", "c.png")},
	} {
		t.Run(filepath.Base(outs[len(outs)-1]), func(t *testing.T) {
			if _, err := CompareWith(context.Background(), []string{a}, CompareOptions{Outs: outs}); err == nil || !strings.Contains(err.Error(), outs[len(outs)-1]) {
				t.Fatalf("err = %v, want one naming %s", err, outs[len(outs)-1])
			}
			left, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				t.Errorf("%s written by a comparison that failed", e.Name())
			}
		})
	}
}

// TestCompareTiesWhateverTheOrder: runs of equal metrics are ranked by
// their labels, not by the order of their folders on the command line:
// the table's rows, and which of them --top keeps, are the same for
// "compare A B" and "compare B A". Folders x and y hold the same curve
// (every metric ties); by label "x: hold" < "y: hold", so x's run heads
// the table and is the one run kept by Top 1.
func TestCompareTiesWhateverTheOrder(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	values := []float64{100_000, 110_000, 99_000, 108_900}
	x := holdFolder(t, "x", d1, values)
	y := holdFolder(t, "y", d1, values)
	for _, tc := range []struct {
		name string
		dirs []string
	}{{"x first", []string{x, y}}, {"y first", []string{y, x}}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, by := range []string{"sharpe", "annual_volatility", "max_drawdown"} {
				c, err := CompareWith(context.Background(), tc.dirs, CompareOptions{Top: -1, By: by, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range c.Rows {
					got = append(got, r.Name)
				}
				if want := []string{"x: hold", "y: hold"}; !slices.Equal(got, want) {
					t.Errorf("by %s: rows %v, want %v", by, got, want)
				}
				c, err = CompareWith(context.Background(), tc.dirs, CompareOptions{Top: 1, By: by, Outs: []string{filepath.Join(t.TempDir(), "c.csv")}})
				if err != nil {
					t.Fatal(err)
				}
				if len(c.Rows) != 1 || c.Rows[0].Folder != x {
					var kept []string
					for _, r := range c.Rows {
						kept = append(kept, r.Name)
					}
					t.Errorf("by %s, top 1: kept %v, want x's run", by, kept)
				}
			}
		})
	}
}
