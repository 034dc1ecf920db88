package charts

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/metrics"
)

// TestPrepareReducesExactly: a long curve is reduced while its growth and
// drawdown are computed, and the reduced lines keep the exact extremes and
// end points of the full ones.
func TestPrepareReducesExactly(t *testing.T) {
	s := largeSeries("run", 200_000)
	s.Values[150_001] = math.NaN() // a gap
	full, err := prepare(Options{}, []Series{s}, 0)
	if err != nil {
		t.Fatal(err)
	}
	red, err := prepare(Options{}, []Series{s}, 1200)
	if err != nil {
		t.Fatal(err)
	}
	f, r := full[0], red[0]
	if len(r.x) > 5*1200 || len(r.ddx) > 5*1200 {
		t.Fatalf("reduced to %d and %d points, want at most %d", len(r.x), len(r.ddx), 5*1200)
	}
	for _, c := range []struct {
		name      string
		fy, ry    []float64
		fx, rx    []float64
		wantGapAt float64
	}{
		{"growth", f.growth, r.growth, f.x, r.x, f.x[150_001]},
		{"drawdown", f.dd, r.dd, f.ddx, r.ddx, f.x[150_001]},
	} {
		flo, fhi, _ := finiteRange(c.fy)
		rlo, rhi, _ := finiteRange(c.ry)
		if flo != rlo || fhi != rhi {
			t.Errorf("%s: reduced range [%g, %g], full [%g, %g]", c.name, rlo, rhi, flo, fhi)
		}
		if c.rx[0] != c.fx[0] || c.ry[0] != c.fy[0] || c.rx[len(c.rx)-1] != c.fx[len(c.fx)-1] || c.ry[len(c.ry)-1] != c.fy[len(c.fy)-1] {
			t.Errorf("%s: first or last point lost", c.name)
		}
		gap := false
		for k, y := range c.ry {
			gap = gap || math.IsNaN(y) && c.rx[k] == c.wantGapAt
		}
		if !gap {
			t.Errorf("%s: the gap at point 150001 is gone", c.name)
		}
	}
	if r.first != f.first || r.last != f.last {
		t.Errorf("first/last x %g/%g, full %g/%g", r.first, r.last, f.first, f.last)
	}
}

// TestLargeChartSize: the SVG of a million points is about the size of
// one of a few thousand (it draws a few points per pixel column).
func TestLargeChartSize(t *testing.T) {
	var big, small bytes.Buffer
	if err := EquityDrawdown(&big, SVG, Options{}, []Series{largeSeries("run", 1_000_000)}); err != nil {
		t.Fatal(err)
	}
	if err := EquityDrawdown(&small, SVG, Options{}, []Series{largeSeries("run", 4_000)}); err != nil {
		t.Fatal(err)
	}
	if big.Len() > 2*small.Len() || big.Len() > 400_000 {
		t.Errorf("SVG of 1M points is %d bytes, of 4k points %d", big.Len(), small.Len())
	}
}

// TestMonteCarloFromBands: a runner that streams each path's growth into
// metrics.Bands and keeps only the terminal returns draws the same chart,
// byte for byte, as one that keeps every path (the bands are exact up to
// metrics.DefaultExactPaths paths).
func TestMonteCarloFromBands(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, paths = 300, 150
	fn := Fan{Name: "run", Time: make([]int64, n)}
	for k := range n {
		fn.Time[k] = day(2025, time.January, 1+k)
	}
	bands := metrics.NewBands(n, FanQuantiles[:])
	var terminal []float64
	buf := make([]float64, n)
	for range paths {
		p := make([]float64, n)
		v := 1e6
		for k := range n {
			p[k] = v
			v *= 1 + 0.0005 + 0.02*rng.NormFloat64()
		}
		p[7] = math.NaN()
		fn.Paths = append(fn.Paths, p)
		bands.Add(Growth(buf, p)) // the path could be dropped here
		terminal = append(terminal, Fan{Paths: [][]float64{p}}.Terminal()[0])
	}
	q := bands.Quantiles()
	sum := FanSummary{Name: "run", Time: fn.Time, Terminal: terminal}
	copy(sum.Bands[:], q)
	for _, f := range []Format{SVG, PNG} {
		var a, b bytes.Buffer
		if err := MonteCarlo(&a, f, Options{Title: "mc"}, []Fan{fn}); err != nil {
			t.Fatal(err)
		}
		if err := MonteCarloSummaries(&b, f, Options{Title: "mc"}, []FanSummary{sum}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the chart from streamed bands differs from the one from whole paths", f)
		}
	}
}
