package experiment

import (
	"slices"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/downsample"
)

// PricesFile is the instruments' closes the report draws entries and
// exits on (prices.parquet and prices.csv: symbol, time, close), reduced
// per pixel column so that its size does not grow with the bar count.
const PricesFile = "prices"

// priceBuckets is the number of pixel columns the closes are reduced to:
// first, last, lowest and highest close of each (results/downsample), so
// a fill's price lies within the drawn range of its column.
const priceBuckets = 1000

// priceLines returns the closes of p's instruments, reduced per pixel
// column, in panel order (Name = the symbol).
func priceLines(p *data.Panel) []charts.Series {
	out := make([]charts.Series, 0, len(p.Series))
	for i := range p.Series {
		s := &p.Series[i]
		n := s.Len()
		if n == 0 {
			continue
		}
		line := charts.Series{Name: s.Symbol}
		if n <= priceBuckets {
			line.Time, line.Values = append([]int64(nil), s.Time...), append([]float64(nil), s.Close...)
			out = append(out, line)
			continue
		}
		// downsample.MinMax's reduction, fed the times as they are
		// (a float64 copy of 311,000 minutes a series cost more than
		// the reduction).
		r := downsample.NewReducer(float64(s.Time[0]), float64(s.Time[n-1]), priceBuckets)
		for k, t := range s.Time {
			r.Add(float64(t), s.Close[k])
		}
		xs, ys := r.Result()
		line.Time, line.Values = make([]int64, len(xs)), append([]float64(nil), ys...)
		for k, v := range xs {
			line.Time[k] = int64(v)
		}
		out = append(out, line)
	}
	return out
}

// pricesTable is prices.parquet/.csv (and benchmarks.parquet/.csv): one
// row per symbol and close of the lines.
func pricesTable(lines []charts.Series) *results.Table {
	var sym []string
	var times []int64
	var closes []float64
	for _, l := range lines {
		for k := range l.Time {
			sym, times, closes = append(sym, l.Name), append(times, l.Time[k]), append(closes, l.Values[k])
		}
	}
	return &results.Table{Columns: []results.Column{{Name: "symbol", Strings: sym}, {Name: "time", Times: times}, {Name: "close", Floats: closes}}}
}

// BenchmarksFile is the benchmark instruments' closes over the runs'
// span (benchmarks.parquet and benchmarks.csv: symbol, time, close),
// every bar, in the order the experiment lists them: the report measures
// the runs' rolling beta against the first.
const BenchmarksFile = "benchmarks"

// benchmarkLines are the closes of bench's series at their bars from
// from to to (inclusive), in its order (Name = the symbol): with
// pricesTable, benchmarks.parquet/.csv.
func benchmarkLines(bench *data.Panel, from, to int64) []charts.Series {
	out := make([]charts.Series, len(bench.Series))
	for i := range bench.Series {
		s := &bench.Series[i]
		lo, _ := slices.BinarySearch(s.Time, from)
		hi, found := slices.BinarySearch(s.Time, to)
		if found {
			hi++
		}
		out[i] = charts.Series{Name: s.Symbol, Time: s.Time[lo:hi], Values: s.Close[lo:hi]}
	}
	return out
}
