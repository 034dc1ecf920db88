package resultsdb

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// Two Parquet files read as one table, ordered across them.
func TestConcat(t *testing.T) {
	dir := t.TempDir()
	for i, tab := range []*results.Table{
		{Columns: []results.Column{{Name: "run", Ints: []int64{1, 0}}, {Name: "path", Ints: []int64{5, 7}}, {Name: "v", Floats: []float64{0.5, -1}}}},
		{Columns: []results.Column{{Name: "run", Ints: []int64{0, 1}}, {Name: "path", Ints: []int64{2, 1}}, {Name: "v", Floats: []float64{2, 3}}}},
	} {
		if err := results.WriteFileAtomic(filepath.Join(dir, []string{"a.parquet", "b.parquet"}[i]), func(w io.Writer) error { return results.WriteTableParquet(w, tab) }); err != nil {
			t.Fatal(err)
		}
	}
	var got [][3]float64
	err := Concat(context.Background(), []string{filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")}, "run, path, v", "run, path",
		func(scan func(...any) error) error {
			var r, p int64
			var v float64
			if err := scan(&r, &p, &v); err != nil {
				return err
			}
			got = append(got, [3]float64{float64(r), float64(p), v})
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]float64{{0, 2, 2}, {0, 7, -1}, {1, 1, 3}, {1, 5, 0.5}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
}
