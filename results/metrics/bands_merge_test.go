package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Bands built in parts (each part its own Bands, encoded and decoded as a
// shard would save it) and merged in path order give the same quantiles,
// bit for bit, as one Bands fed every path: below the exact limit (the
// values concatenated), across it (a merge that crosses the limit) and
// beyond it (sketches merged), with negative, zero, infinite and missing
// values among the paths.
func TestBandsMergeEqualsWhole(t *testing.T) {
	qs := []float64{0, 0.05, 0.25, 0.5, 0.75, 0.95, 1}
	const days = 20
	rng := rand.New(rand.NewPCG(3, 4))
	path := func(k int) []float64 {
		p := make([]float64, days)
		v := 1.0
		for d := range p {
			v *= math.Exp(0.03 * rng.NormFloat64())
			p[d] = v
		}
		switch k % 97 {
		case 1:
			p[3] = math.NaN()
		case 2:
			p[4] = 0
		case 3:
			p[5] = -0.5 * p[5]
		case 4:
			p[6] = math.Inf(1)
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		exact int
		cuts  []int // part boundaries, ending at the path count
	}{
		{"exact", 1000, []int{100, 250, 300}},
		{"crosses the limit", 200, []int{150, 190, 260, 400}},
		{"sketches", 50, []int{120, 121, 300, 700}},
		{"sketch from the first", 0, []int{10, 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.cuts[len(tc.cuts)-1]
			paths := make([][]float64, n)
			for k := range paths {
				paths[k] = path(k)
			}
			whole := NewBandsWith(days, qs, tc.exact, DefaultRelativeError)
			for _, p := range paths {
				whole.Add(p)
			}
			var merged *Bands
			from := 0
			for _, to := range tc.cuts {
				part := NewBandsWith(days, qs, tc.exact, DefaultRelativeError)
				for _, p := range paths[from:to] {
					part.Add(p)
				}
				from = to
				enc, err := part.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				var dec Bands
				if err := dec.UnmarshalBinary(enc); err != nil {
					t.Fatal(err)
				}
				if merged == nil {
					merged = &dec
					continue
				}
				if err := merged.Merge(&dec); err != nil {
					t.Fatal(err)
				}
			}
			if merged.Paths() != n || merged.Exact() != whole.Exact() {
				t.Fatalf("merged: %d paths, exact %v; whole: %d, %v", merged.Paths(), merged.Exact(), n, whole.Exact())
			}
			a, b := whole.Quantiles(), merged.Quantiles()
			for q := range a {
				for d := range a[q] {
					if math.Float64bits(a[q][d]) != math.Float64bits(b[q][d]) {
						t.Fatalf("q %g day %d: whole %v, merged %v", qs[q], d, a[q][d], b[q][d])
					}
				}
			}
		})
	}
	if err := NewBands(3, qs).Merge(NewBands(4, qs)); err == nil {
		t.Error("merging bands of 3 and 4 days: no error")
	}
}
