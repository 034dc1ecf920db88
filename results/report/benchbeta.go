package report

import (
	"math"

	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// benchColor draws a benchmark's line, which is no run's.
const benchColor = "#555555"

// benchWindow is the rolling beta's window in the benchmark's bars: the
// report's window of run periods, scaled by the benchmark's bars sampled
// per run period over run's span (a token run's 91 days hold about 63
// sessions of an equity benchmark), at least 5; 0 when run and benchmark
// share fewer bars than that.
func benchWindow(run *charts.Series, bench *charts.Series, window int) int {
	smp := results.SampleOnBenchmark(run.Time, run.Values, bench.Time, bench.Values)
	n := len(smp.At)
	if n < 5 {
		return 0
	}
	steps := smp.At[n-1] - smp.At[0] + 1 // the run's periods the samples span
	w := max(5, int(math.Round(float64(window)*float64(n)/float64(steps))))
	if w > n {
		return 0
	}
	return w
}

// rollingBetaOn is the run's rolling beta against the benchmark over
// window of its bars (results.SampleOnBenchmark's returns, as
// metrics.json's beta), at the run's times t (dst holds len(t) values):
// each value from the run's point its sample ends on until the next
// sample's, NaN before the first full window. After the last sample it
// holds for as long as the longest gap between the benchmark's bars
// sampled (a weekend after Friday's close), not beyond: a benchmark
// whose data end before the run has no beta after them.
func rollingBetaOn(dst []float64, t []int64, eq []float64, bench *charts.Series, window int) []float64 {
	out := dst[:len(t)]
	for k := range out {
		out[k] = math.NaN()
	}
	smp := results.SampleOnBenchmark(t, eq, bench.Time, bench.Values)
	if len(smp.At) == 0 {
		return out
	}
	beta := metrics.RollingBeta(nil, smp.Run, smp.Bench, window)
	var gap int64
	for j := 1; j < len(smp.At); j++ {
		gap = max(gap, t[smp.At[j]]-t[smp.At[j-1]])
	}
	for j, k := range smp.At {
		end := len(t)
		if j+1 < len(smp.At) {
			end = smp.At[j+1]
		}
		for i := k; i < end; i++ {
			if j+1 == len(smp.At) && t[i]-t[k] > gap {
				break
			}
			out[i] = beta[j]
		}
	}
	return out
}
