package downsample

import (
	"math"
	"math/rand/v2"
	"testing"
)

// walk is a random series of n points: x non-decreasing with repeats, y a
// random walk with spikes and, when gaps, runs of NaN.
func walk(rng *rand.Rand, n int, gaps bool) (x, y []float64) {
	x, y = make([]float64, n), make([]float64, n)
	xv, yv := rng.Float64()*100, 1.0
	for i := range n {
		if rng.IntN(5) > 0 {
			xv += rng.ExpFloat64()
		}
		yv += rng.NormFloat64()
		x[i], y[i] = xv, yv
		if rng.IntN(200) == 0 {
			y[i] += 50 * rng.NormFloat64() // a spike: a one-point extreme
		}
	}
	if gaps {
		for g := rng.IntN(4); g > 0; g-- {
			at, l := rng.IntN(n), 1+rng.IntN(n/10+1)
			for k := at; k < min(n, at+l); k++ {
				y[k] = math.NaN()
			}
		}
	}
	return x, y
}

// naiveKept marks the points each bucket (bk, per point) keeps: its
// first and last finite point, its lowest and highest (the first of
// equals), and its first NaN.
func naiveKept(y []float64, bk []int) []bool {
	n := len(y)
	want := make([]bool, n)
	for start := 0; start < n; {
		end := start
		for end < n && bk[end] == bk[start] {
			end++
		}
		first, last, lo, hi, nan := -1, -1, -1, -1, -1
		for i := start; i < end; i++ {
			if math.IsNaN(y[i]) {
				if nan < 0 {
					nan = i
				}
				continue
			}
			if first < 0 {
				first = i
			}
			last = i
			if lo < 0 || y[i] < y[lo] {
				lo = i
			}
			if hi < 0 || y[i] > y[hi] {
				hi = i
			}
		}
		for _, i := range []int{first, last, lo, hi, nan} {
			if i >= 0 {
				want[i] = true
			}
		}
		start = end
	}
	return want
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// naiveBuckets assigns each point its bucket the obvious way.
func naiveBuckets(x []float64, buckets int) []int {
	x0, x1 := x[0], x[len(x)-1]
	out := make([]int, len(x))
	for i, v := range x {
		b := 0
		if x1 > x0 {
			b = int((v - x0) * (float64(buckets) / (x1 - x0)))
		}
		out[i] = min(max(b, 0), buckets-1)
	}
	return out
}

// TestMinMaxAgainstNaive checks MinMax against a direct computation on
// random series: the output is a subsequence of the input (so in x
// order), and each bucket keeps its first, last, minimum and maximum
// finite points, and its first NaN, and nothing else.
func TestMinMaxAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 300 {
		n := 2 + rng.IntN(5000)
		buckets := 1 + rng.IntN(400)
		x, y := walk(rng, n, trial%2 == 1)
		xs, ys := MinMax(x, y, buckets)
		if n <= buckets {
			if &xs[0] != &x[0] || &ys[0] != &y[0] {
				t.Fatalf("trial %d: n %d ≤ buckets %d and the input was not returned as is", trial, n, buckets)
			}
			continue
		}
		// The kept indices: match the output as a subsequence of the input.
		kept := make([]bool, n)
		j := 0
		for i := 0; i < n && j < len(xs); i++ {
			if x[i] == xs[j] && same(y[i], ys[j]) {
				kept[i] = true
				j++
			}
		}
		if j != len(xs) {
			t.Fatalf("trial %d: output point %d (%g, %g) is not next in the input", trial, j, xs[j], ys[j])
		}
		// The expected kept set, by bucket.
		bk := naiveBuckets(x, buckets)
		want := naiveKept(y, bk)
		// The subsequence match may pick an earlier equal point: compare
		// the kept values per bucket instead of indices.
		count := func(set []bool) map[[2]float64]int {
			m := map[[2]float64]int{}
			for i, k := range set {
				if k {
					yv := y[i]
					if math.IsNaN(yv) {
						yv = math.Inf(1) // a stand-in key for NaN
					}
					m[[2]float64{float64(bk[i]), yv}]++
				}
			}
			return m
		}
		got, exp := count(kept), count(want)
		for k, v := range exp {
			if got[k] != v {
				t.Fatalf("trial %d (n %d, %d buckets): bucket %g value %g kept %d times, want %d", trial, n, buckets, k[0], k[1], got[k], v)
			}
		}
		if len(got) != len(exp) {
			t.Fatalf("trial %d: %d distinct kept (bucket, value) pairs, want %d", trial, len(got), len(exp))
		}
		if xs[0] != x[0] || xs[len(xs)-1] != x[n-1] && !math.IsNaN(y[n-1]) {
			t.Fatalf("trial %d: first or last point not kept", trial)
		}
		if len(xs) > 5*buckets {
			t.Fatalf("trial %d: %d points for %d buckets", trial, len(xs), buckets)
		}
	}
}

// TestMinMaxKeepsExtremes: the global peak and trough of a long series
// survive, as the exact values, whatever the bucket count.
func TestMinMaxKeepsExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, y := walk(rng, 100_000, false)
	y[77_777] = -1e6 // the trough
	y[12_345] = 1e6  // the peak
	for _, b := range []int{1, 7, 960, 1200} {
		_, ys := MinMax(x, y, b)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range ys {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo != -1e6 || hi != 1e6 {
			t.Errorf("%d buckets: range [%g, %g], want [-1e6, 1e6]", b, lo, hi)
		}
	}
}

// TestEnvelope checks the band reduction against a direct computation:
// in every bucket the reduced band reaches the bucket's lowest lo and
// highest hi, and never beyond them.
func TestEnvelope(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 100 {
		n := 2 + rng.IntN(4000)
		buckets := 1 + rng.IntN(300)
		x, mid := walk(rng, n, trial%2 == 0)
		lo, hi := make([]float64, n), make([]float64, n)
		for i := range mid {
			w := rng.Float64()
			lo[i], hi[i] = mid[i]-w, mid[i]+w
		}
		xs, los, his := Envelope(x, lo, hi, buckets)
		if n <= buckets {
			if len(xs) != n {
				t.Fatalf("trial %d: small band changed", trial)
			}
			continue
		}
		bk := naiveBuckets(x, buckets)
		wantLo, wantHi := map[int]float64{}, map[int]float64{}
		for i := range x {
			if math.IsNaN(lo[i]) {
				continue
			}
			if v, ok := wantLo[bk[i]]; !ok || lo[i] < v {
				wantLo[bk[i]] = lo[i]
			}
			if v, ok := wantHi[bk[i]]; !ok || hi[i] > v {
				wantHi[bk[i]] = hi[i]
			}
		}
		xb := naiveBuckets(append([]float64{x[0]}, append(xs, x[n-1])...), buckets) // buckets of the output's x
		xb = xb[1 : len(xb)-1]
		seen := map[int]bool{}
		for k := range xs {
			if math.IsNaN(los[k]) {
				continue
			}
			b := xb[k]
			seen[b] = true
			if los[k] != wantLo[b] || his[k] != wantHi[b] {
				t.Fatalf("trial %d bucket %d: band [%g, %g], want [%g, %g]", trial, b, los[k], his[k], wantLo[b], wantHi[b])
			}
		}
		if len(seen) != len(wantLo) {
			t.Fatalf("trial %d: %d buckets drawn, %d have data", trial, len(seen), len(wantLo))
		}
		for k := 1; k < len(xs); k++ {
			if xs[k] < xs[k-1] {
				t.Fatalf("trial %d: x not in order at %d", trial, k)
			}
		}
	}
}

func BenchmarkMinMax(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := walk(rng, 10_000_000, false)
	b.SetBytes(16 * int64(len(x)))
	for b.Loop() {
		MinMax(x, y, 1200)
	}
}

// TestMinMaxMergesLevelStretches: on series that hold their value for
// stretches (cash between trades, a drawdown between peaks) the reducer
// keeps each bucket's first, last, lowest and highest point and first
// NaN, in index order, and then drops every kept point level with the
// kept points on both sides of it: a horizontal run of kept points is
// its two ends. Computed here directly on indices, point by point.
func TestMinMaxMergesLevelStretches(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := range 300 {
		n := 2 + rng.IntN(5000)
		buckets := 1 + rng.IntN(300)
		x, y := make([]float64, n), make([]float64, n)
		xv, yv := 0.0, 1.0
		for i := range n {
			xv += 1 + float64(rng.IntN(3)) // strictly increasing
			switch k := rng.IntN(100); {
			case k < 3:
				yv = float64(rng.IntN(4)) // a few levels, met again later
			case k < 5:
				yv = math.NaN()
			case k < 8:
				yv = rng.NormFloat64()
			}
			x[i], y[i] = xv, yv
		}
		xs, ys := MinMax(x, y, buckets)
		if n <= buckets {
			continue
		}
		var kept []int
		for i, k := range naiveKept(y, naiveBuckets(x, buckets)) {
			if k {
				kept = append(kept, i)
			}
		}
		var wx, wy []float64
		for j, i := range kept {
			level := j > 0 && j+1 < len(kept) && y[kept[j-1]] == y[i] && y[kept[j+1]] == y[i]
			if !level {
				wx, wy = append(wx, x[i]), append(wy, y[i])
			}
		}
		if len(xs) != len(wx) {
			t.Fatalf("trial %d (n %d, %d buckets): %d points, want %d", trial, n, buckets, len(xs), len(wx))
		}
		for j := range wx {
			if xs[j] != wx[j] || !same(ys[j], wy[j]) {
				t.Fatalf("trial %d: point %d is (%g, %g), want (%g, %g)", trial, j, xs[j], ys[j], wx[j], wy[j])
			}
		}
	}
}
