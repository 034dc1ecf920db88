package metrics_test

import (
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/results/metrics"
)

// benchSeries returns n seeded daily-like returns and a correlated
// benchmark.
func benchSeries(n int) (r, b []float64) {
	rng := rand.New(rand.NewPCG(7, 11))
	r = make([]float64, n)
	b = make([]float64, n)
	for i := range r {
		b[i] = 0.0003 + 0.01*rng.NormFloat64()
		r[i] = 0.0002 + 0.8*b[i] + 0.008*rng.NormFloat64()
	}
	return r, b
}

var sink metrics.Summary

func benchmarkSummarize(b *testing.B, n int, withBenchmark bool) {
	r, bm := benchSeries(n)
	if !withBenchmark {
		bm = nil
	}
	b.SetBytes(int64(8 * n))
	b.ReportAllocs()
	for b.Loop() {
		sink = metrics.Summarize(r, 252, bm)
	}
}

// BenchmarkSummarize: a 10-year daily series (2520 points) and 1,000,000
// points, without and with a benchmark.
func BenchmarkSummarize(b *testing.B) {
	b.Run("daily10y", func(b *testing.B) { benchmarkSummarize(b, 2520, false) })
	b.Run("daily10y_benchmark", func(b *testing.B) { benchmarkSummarize(b, 2520, true) })
	b.Run("1e6", func(b *testing.B) { benchmarkSummarize(b, 1_000_000, false) })
	b.Run("1e6_benchmark", func(b *testing.B) { benchmarkSummarize(b, 1_000_000, true) })
}

var fsink float64

func BenchmarkMaxDrawdown(b *testing.B) {
	r, _ := benchSeries(1_000_000)
	b.SetBytes(int64(8 * len(r)))
	for b.Loop() {
		fsink = metrics.MaxDrawdown(r)
	}
}

func BenchmarkRolling(b *testing.B) {
	r, bm := benchSeries(1_000_000)
	dst := make([]float64, len(r))
	b.Run("Sharpe/window63", func(b *testing.B) {
		b.SetBytes(int64(8 * len(r)))
		b.ReportAllocs()
		for b.Loop() {
			metrics.RollingSharpe(dst, r, 63, 0, 252)
		}
	})
	b.Run("Beta/window63", func(b *testing.B) {
		b.SetBytes(int64(8 * len(r)))
		b.ReportAllocs()
		for b.Loop() {
			metrics.RollingBeta(dst, r, bm, 63)
		}
	})
}
