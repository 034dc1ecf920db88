package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestCompareChartWhateverTheOrder: "compare A B" and "compare B A" draw
// the same chart, byte for byte, in PNG and SVG: the lines were drawn in
// the order of the folders on the command line (the last on top, and
// first in the SVG), while the table was already the same. The folders'
// curves cross, so the one drawn last shows where they meet.
func TestCompareChartWhateverTheOrder(t *testing.T) {
	d1 := data.Day(2024, 1, 1)
	a := holdFolder(t, "a", d1, []float64{100_000, 110_000, 99_000, 108_900})
	b := holdFolder(t, "b", d1, []float64{100_000, 95_000, 104_500, 101_000})
	draw := func(dirs ...string) map[string][]byte {
		dir := t.TempDir()
		outs := []string{filepath.Join(dir, "c.png"), filepath.Join(dir, "c.svg")}
		if _, err := CompareWith(context.Background(), dirs, CompareOptions{Top: -1, Outs: outs}); err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		for _, o := range outs {
			bs, err := os.ReadFile(o)
			if err != nil {
				t.Fatal(err)
			}
			got[filepath.Ext(o)] = bs
		}
		return got
	}
	ab, ba := draw(a, b), draw(b, a)
	for _, ext := range []string{".png", ".svg"} {
		t.Run(ext, func(t *testing.T) {
			if !bytes.Equal(ab[ext], ba[ext]) {
				t.Errorf("compare A B and compare B A drew different %s charts (%d and %d bytes)", ext, len(ab[ext]), len(ba[ext]))
			}
		})
	}
}
