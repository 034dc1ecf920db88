package results

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadReturns: the metrics command's input reader never panics, and a
// table it accepts is consistent: one value per date and column, dates
// strictly increasing, values finite or NaN (missing), within (−1, 10]
// unless AnyValue. The seed corpus is testdata/fuzz/FuzzReadReturns.
func FuzzReadReturns(f *testing.F) {
	f.Add([]byte("date,a,b\n2024-01-02,0.01,-0.02\n2024-01-03,,NA\n2024-01-04,0.5,NaN\n"), false)
	f.Add([]byte("date,strategy\n2024-01-02,0.01\n2024-01-02,0.02\n"), false)
	f.Add([]byte("\xef\xbb\xbfdate,x\r\n2024-01-02,1e-3\r\n"), true)
	f.Add([]byte("date,x\n2024-01-02,\"1,5\"\n"), false)
	f.Add([]byte("date,x,x\n"), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, any bool) {
		path := filepath.Join(dir, "r.csv")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := ReadReturnsWith(path, ReadOptions{AnyValue: any})
		if err != nil {
			return
		}
		if len(r.Cols) != len(r.Names) || len(r.Names) < 1 {
			t.Fatalf("%d columns, %d names", len(r.Cols), len(r.Names))
		}
		for j, c := range r.Cols {
			if len(c) != len(r.Dates) {
				t.Fatalf("column %d has %d values for %d dates", j, len(c), len(r.Dates))
			}
			for _, v := range c {
				if math.IsInf(v, 0) || !any && !math.IsNaN(v) && (v <= -1 || v > 10) {
					t.Fatalf("value %g accepted", v)
				}
			}
		}
		for i := 1; i < len(r.Dates); i++ {
			if r.Dates[i] <= r.Dates[i-1] {
				t.Fatalf("dates %d, %d not increasing", r.Dates[i-1], r.Dates[i])
			}
		}
		r.InferPeriodsPerYear()
		if _, err := r.Column(r.Names[0]); err != nil {
			t.Fatal(err)
		}
	})
}
