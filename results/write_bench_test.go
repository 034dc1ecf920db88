package results

import (
	"io"
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/engine"
)

// countWriter counts the bytes written to it and drops them, so that a
// writer benchmark measures encoding, not the disk.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// benchCurve is an intraday-like equity curve of n points, one minute
// apart, with full-precision floats (the worst case for a float writer).
func benchCurve(n int) *engine.Curve {
	c := &engine.Curve{
		Time: make([]int64, n), Equity: make([]float64, n), Cash: make([]float64, n),
		Gross: make([]float64, n), Net: make([]float64, n), Drawdown: make([]float64, n),
	}
	t0 := time.Date(2024, 1, 2, 14, 30, 0, 0, time.UTC).UnixNano()
	v, peak := 1e6, 1e6
	for k := range n {
		c.Time[k] = t0 + int64(k)*int64(time.Minute)
		v *= 1 + 1e-4*math.Sin(float64(k)/37) + 3e-5*math.Cos(float64(k)/5)
		peak = math.Max(peak, v)
		c.Equity[k], c.Cash[k], c.Gross[k], c.Net[k], c.Drawdown[k] = v, v*0.1, v*0.9, v*0.3, v/peak-1
	}
	return c
}

// BenchmarkWriteCurve writes an equity table of 1M rows as CSV and as
// Parquet; MB/s is the output's size over the time.
func BenchmarkWriteCurve(b *testing.B) {
	c := benchCurve(1_000_000)
	for _, tc := range []struct {
		name  string
		write func(io.Writer, *engine.Curve) error
	}{
		{"csv", WriteCurveCSV},
		{"parquet", WriteCurveParquet},
	} {
		b.Run(tc.name+"/rows=1M", func(b *testing.B) {
			var size countWriter
			if err := tc.write(&size, c); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.write(&countWriter{}, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchFills are n fills of a 20-instrument pair hedge rebalanced daily:
// a fill per instrument a day, as a 200-run sweep's runs hold about
// 9,500 each.
func benchFills(n int) []engine.Fill {
	fills := make([]engine.Fill, n)
	t0 := time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
	syms := []string{"MSFT", "NVDA", "META", "AMD", "ORCL", "QQQ", "GOOGL", "AMZN", "AVGO", "TSM",
		"BTC", "ETH", "TAO", "RENDER", "FET", "NEAR", "SOL", "XRP", "AR", "AKT"}
	for k := range fills {
		s := k % len(syms)
		tag, q := "rebalance long", 10+math.Sin(float64(k))
		if s >= 10 {
			tag, q = "rebalance short", -q
		}
		p := 100 * (1 + 0.3*math.Sin(float64(k)/500))
		fills[k] = engine.Fill{Time: t0 + int64(k/len(syms))*int64(24*time.Hour), Symbol: syms[s], Qty: q, Price: p,
			Commission: math.Abs(q*p) * 5e-4, Tag: tag}
	}
	return fills
}

// BenchmarkWriteFills writes one run's 9,500 fills as Parquet and CSV: a
// 200-run sweep writes 200 such files.
func BenchmarkWriteFills(b *testing.B) {
	fills := benchFills(9500)
	for _, tc := range []struct {
		name  string
		write func(io.Writer, []engine.Fill) error
	}{
		{"parquet", WriteFillsParquet},
		{"csv", WriteFillsCSV},
	} {
		b.Run(tc.name+"/fills=9500", func(b *testing.B) {
			var size countWriter
			if err := tc.write(&size, fills); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size.n)
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.write(&countWriter{}, fills); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
