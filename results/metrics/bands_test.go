package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// fanPaths makes paths of growth of 1: geometric random walks with a
// daily volatility of 3 %, a crash on some paths, and missing days.
func fanPaths(rng *rand.Rand, paths, days int) [][]float64 {
	out := make([][]float64, paths)
	for i := range out {
		p := make([]float64, days)
		v := 1.0
		for d := range p {
			v *= math.Exp(0.03*rng.NormFloat64() - 0.00045)
			if rng.IntN(5000) == 0 {
				v *= 0.3
			}
			p[d] = v
			if rng.IntN(300) == 0 {
				p[d] = math.NaN()
			}
		}
		out[i] = p
	}
	return out
}

var fanQs = []float64{0, 0.05, 0.25, 0.5, 0.75, 0.95, 1}

// fullSort is the reference: each day's quantiles by Quantile over all
// paths' values.
func fullSort(paths [][]float64, days int, qs []float64) [][]float64 {
	out := make([][]float64, len(qs))
	col := make([]float64, len(paths))
	for q := range out {
		out[q] = make([]float64, days)
	}
	for d := range days {
		for i, p := range paths {
			col[i] = p[d]
		}
		for q, p := range qs {
			out[q][d] = Quantile(col, p)
		}
	}
	return out
}

// TestBandsExact: up to ExactPaths paths, the bands are the full sort's
// quantiles bit for bit.
func TestBandsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	paths := fanPaths(rng, 300, 250)
	b := NewBandsWith(250, fanQs, 300, 1e-3)
	for _, p := range paths {
		b.Add(p)
	}
	if !b.Exact() || b.Paths() != 300 {
		t.Fatalf("exact %v, %d paths", b.Exact(), b.Paths())
	}
	got, want := b.Quantiles(), fullSort(paths, 250, fanQs)
	for q := range want {
		for d := range want[q] {
			if math.Float64bits(got[q][d]) != math.Float64bits(want[q][d]) {
				t.Fatalf("q %g day %d: %v, full sort %v", fanQs[q], d, got[q][d], want[q][d])
			}
		}
	}
}

// TestBandsSketch: past ExactPaths the quantiles are within the relative
// error of the full sort's (the values are positive: both neighbours of a
// quantile share a sign), at several accuracies, and also when the sketch
// starts from the first path.
func TestBandsSketch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const days = 120
	paths := fanPaths(rng, 3000, days)
	want := fullSort(paths, days, fanQs)
	for _, tc := range []struct {
		exact int
		rel   float64
	}{{1000, 1e-3}, {0, 1e-3}, {500, 1e-2}, {10, 1e-4}} {
		b := NewBandsWith(days, fanQs, tc.exact, tc.rel)
		for _, p := range paths {
			b.Add(p)
		}
		if b.Exact() {
			t.Fatal("still exact after more paths than kept")
		}
		got := b.Quantiles()
		worst := 0.0
		for q := range want {
			for d := range want[q] {
				e := math.Abs(got[q][d]-want[q][d]) / math.Abs(want[q][d])
				worst = math.Max(worst, e)
				if !(e <= tc.rel*(1+1e-9)) {
					t.Fatalf("exact %d rel %g: q %g day %d: %v, full sort %v (error %.3g)", tc.exact, tc.rel, fanQs[q], d, got[q][d], want[q][d], e)
				}
			}
		}
		if worst == 0 {
			t.Errorf("rel %g: no error at all: is the sketch used?", tc.rel)
		}
	}
}

// TestBandsSigns: values of both signs, zeros, infinities and missing
// days; every order statistic within the relative error.
func TestBandsSigns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const days, n = 20, 2001
	paths := make([][]float64, n)
	for i := range paths {
		p := make([]float64, days)
		for d := range p {
			switch rng.IntN(40) {
			case 0:
				p[d] = 0
			case 1:
				p[d] = math.NaN()
			default:
				p[d] = rng.NormFloat64() * math.Exp(1.5*rng.NormFloat64())
			}
		}
		paths[i] = p
	}
	paths[7][3], paths[8][3] = math.Inf(1), math.Inf(-1)
	qs := []float64{0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999}
	b := NewBandsWith(days, qs, 0, 1e-3)
	for _, p := range paths {
		b.Add(p)
	}
	got := b.Quantiles()
	// At probabilities that fall on an order statistic (n−1)·p integral
	// the quantile is that statistic; check all of them that way.
	for d := range days {
		for q, p := range qs {
			col := make([]float64, 0, n)
			for _, path := range paths {
				col = append(col, path[d])
			}
			w := Quantile(col, p)
			tol := 1e-3 * math.Abs(w)
			if h := float64(n-1) * p; h != math.Floor(h) {
				// interpolated: bound by the larger neighbour
				s := append([]float64(nil), col...)
				k := int(math.Floor(h))
				tol = 1e-3 * math.Max(math.Abs(orderStat(s, k)), math.Abs(orderStat(s, k+1)))
			}
			if math.IsInf(w, 0) {
				if got[q][d] != w {
					t.Errorf("day %d q %g: %v, want %v", d, p, got[q][d], w)
				}
				continue
			}
			if math.Abs(got[q][d]-w) > tol*(1+1e-9) {
				t.Errorf("day %d q %g: %v, full sort %v (tolerance %.3g)", d, p, got[q][d], w, tol)
			}
		}
	}
}

// orderStat returns the k-th smallest non-NaN value.
func orderStat(x []float64, k int) float64 {
	s := validCopy(x)
	selectK(s, k)
	return s[k]
}

// TestBandsWideRange: a day spanning more magnitudes than MaxRange stays
// bounded in memory, and its upper quantiles stay accurate.
func TestBandsWideRange(t *testing.T) {
	b := NewBandsWith(1, []float64{0.5, 0.99}, 0, 1e-3)
	var vals []float64
	for k := range 2000 {
		v := math.Exp(float64(k%200-100) * 0.5) // e^-50 … e^49.5: far wider than γ^MaxBins
		vals = append(vals, v)
		b.Add([]float64{v})
	}
	if n := len(b.sketch[0].pos.c); n > b.maxBins || b.maxBins > 9300 {
		t.Fatalf("%d bins, at most %d allowed", n, b.maxBins)
	}
	got := b.Quantiles()
	if w := Quantile(vals, 0.99); math.Abs(got[1][0]-w) > 1e-3*w {
		t.Errorf("p99 %v, want %v", got[1][0], w)
	}
}

func TestBandsEmptyDay(t *testing.T) {
	b := NewBandsWith(2, []float64{0.5}, 0, 1e-3)
	b.Add([]float64{1, math.NaN()})
	q := b.Quantiles()
	if q[0][0] != 1 || !math.IsNaN(q[0][1]) {
		t.Errorf("quantiles %v, want [1 NaN] (a lone value is the day's exact min and max)", q[0])
	}
}

// BenchmarkBands adds 10,000 paths of 2,520 days (the Monte Carlo of the
// issue) and reads five quantiles: memory O(days).
func BenchmarkBands(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	paths := fanPaths(rng, 200, 2520)
	b.ReportAllocs()
	for b.Loop() {
		bd := NewBands(2520, []float64{0.05, 0.25, 0.5, 0.75, 0.95})
		for i := range 10_000 {
			bd.Add(paths[i%len(paths)])
		}
		bd.Quantiles()
	}
}

// ExampleBands streams three paths of growth of 1 into bands and reads
// the median per day; with so few paths the bands are exact.
func ExampleBands() {
	b := NewBands(3, []float64{0.5})
	for _, path := range [][]float64{{1, 1.10, 1.21}, {1, 0.90, 0.81}, {1, 1.05, math.NaN()}} {
		b.Add(path) // the path can be dropped now
	}
	fmt.Println(b.Exact(), b.Quantiles()[0])
	// Output: true [1 1.05 1.01]
}

// TestBandsOnesExact: a growth of 1 that has not moved (a run in cash on
// that path) is exactly 1, and a sketched quantile that falls among such
// paths reads 1, not its bin's representative 2γ^0/(γ+1) = 0.999 (γ =
// 1.001/0.999); ones rank between bin 0, (1/γ, 1], and bin 1, (1, γ].
// Checked against the full sort at every probability that falls on an
// order statistic, straight, after a merge and after a gob round trip.
func TestBandsOnesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 1001 // (n−1)·p integral for p = k/1000
	col := make([]float64, n)
	for i := range col {
		switch rng.IntN(5) {
		case 0, 1:
			col[i] = 1
		case 2:
			col[i] = 1 - 0.0015*rng.Float64() // bin 0, below the ones
		case 3:
			col[i] = 1 + 0.0015*rng.Float64() // bin 1, above them
		default:
			col[i] = math.Exp(0.2 * rng.NormFloat64())
		}
	}
	var qs []float64
	for k := 0; k <= 1000; k += 25 {
		qs = append(qs, float64(k)/1000)
	}
	whole := NewBandsWith(1, qs, 0, 1e-3)
	a, c := NewBandsWith(1, qs, 0, 1e-3), NewBandsWith(1, qs, 0, 1e-3)
	for i, v := range col {
		whole.Add([]float64{v})
		if i < n/2 {
			a.Add([]float64{v})
		} else {
			c.Add([]float64{v})
		}
	}
	if err := a.Merge(c); err != nil {
		t.Fatal(err)
	}
	enc, err := whole.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Bands
	if err := back.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	ones := 0
	for name, b := range map[string]*Bands{"whole": whole, "merged": a, "decoded": &back} {
		got := b.Quantiles()
		for q, p := range qs {
			w := Quantile(col, p)
			if w == 1 {
				ones++
				if got[q][0] != 1 {
					t.Errorf("%s: q %g: %v, want exactly 1 (full sort)", name, p, got[q][0])
				}
				continue
			}
			if math.Abs(got[q][0]-w) > 1e-3*math.Abs(w)*(1+1e-9) {
				t.Errorf("%s: q %g: %v, full sort %v", name, p, got[q][0], w)
			}
		}
	}
	if ones < 3*10 {
		t.Fatalf("only %d quantiles fall on the ones: the case is not tested", ones/3)
	}
}
