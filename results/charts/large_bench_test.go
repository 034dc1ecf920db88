package charts

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// largeSeries is an equity curve of n one-minute points with a crash in
// the middle (a deep, narrow drawdown trough).
func largeSeries(name string, n int) Series {
	s := Series{Name: name, Time: make([]int64, n), Values: make([]float64, n)}
	t0 := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	v := 1e6
	for k := range n {
		s.Time[k] = t0 + int64(k)*int64(time.Minute)
		v *= 1 + 1e-4*math.Sin(float64(k)/97) + 5e-5*math.Cos(float64(k)/7)
		if k == n/2 {
			v *= 0.6
		}
		s.Values[k] = v
	}
	return s
}

// BenchmarkEquityLarge draws one equity and drawdown chart of 1M and 10M
// points in each format: with per-pixel downsampling the drawing costs the
// same whatever n; what grows with n is one pass over the data.
func BenchmarkEquityLarge(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		s := largeSeries("run", n)
		for _, f := range []Format{PNG, SVG} {
			b.Run(fmt.Sprintf("%s/n=%dM", f, n/1_000_000), func(b *testing.B) {
				b.ReportAllocs()
				var size countBytes
				for b.Loop() {
					size = 0
					if err := EquityDrawdown(&size, f, Options{Title: "bench", Synthetic: true}, []Series{s}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(size), "bytes/chart")
			})
		}
	}
}

type countBytes int64

func (c *countBytes) Write(p []byte) (int, error) { *c += countBytes(len(p)); return len(p), nil }
