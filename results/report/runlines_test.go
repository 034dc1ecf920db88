package report

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/charts"
	"github.com/divergence-research/divergence/results/metrics"
)

// Each line of a run's charts (drawdown, exposures, rolling metrics) is
// made in one scratch buffer shared by the run's lines (runLines): each
// must still hold its own series. They are checked against each series
// computed on its own and reduced by reduce, for a run kept whole (fewer
// points than 4 × chartBuckets) and one reduced per pixel column.
func TestRunLinesEachItsOwn(t *testing.T) {
	for _, n := range []int{300, 9000} {
		tm := make([]int64, n)
		eq, gross, net := make([]float64, n), make([]float64, n), make([]float64, n)
		bench := charts.Series{Time: tm, Values: make([]float64, n)}
		for k := range n {
			tm[k] = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k).UnixNano()
			eq[k] = 1e6 * (1 + 0.3*math.Sin(float64(k)/40) + 0.001*float64(k%7))
			gross[k], net[k] = 8e5+float64(k%13)*1e3, 2e5-float64(k%11)*1e3
			bench.Values[k] = 100 * (1 + 0.2*math.Cos(float64(k)/30))
		}
		f := &Folder{Runs: []Run{{Key: "a", Name: "a", Equity: charts.Series{Name: "a", Time: tm, Values: eq}, Gross: gross, Net: net}}}
		const window, ppy = 63, 365.0
		bench.Name = "bench"
		// The benchmark has a bar at every time of the run: its window
		// in bars is the report's in periods.
		if w := benchWindow(&f.Runs[0].Equity, &bench, window); w != window {
			t.Fatalf("benchWindow = %d, want %d", w, window)
		}
		p, err := buildPayload(f, charts.NewPalette([]string{"a"}), []int{0}, window, ppy, &bench, window, "")
		if err != nil {
			t.Fatal(err)
		}
		jr := p.Runs[0]
		ret := charts.ReturnsOf(eq)
		div := func(a, b []float64) []float64 {
			out := make([]float64, len(a))
			for k := range a {
				out[k] = a[k] / b[k]
			}
			return out
		}
		for _, c := range []struct {
			name string
			got  *jsLine
			want []float64
		}{
			{"drawdown", &jr.DD, metrics.Drawdown(nil, eq)},
			{"gross", jr.G, div(gross, eq)},
			{"net", jr.N, div(net, eq)},
			// A window's first value holds a whole window of returns: the
			// first point has none (charts.Rolled).
			{"sharpe", &jr.Sharpe, append([]float64{math.NaN()}, metrics.RollingSharpe(nil, ret[1:], window, 0, ppy)...)},
			{"vol", &jr.Vol, append([]float64{math.NaN()}, metrics.RollingVolatility(nil, ret[1:], window, ppy)...)},
			// The benchmark's returns start at the second point: the
			// first full window ends at the window-th return.
			{"beta", jr.Beta, append([]float64{math.NaN()}, metrics.RollingBeta(nil, ret[1:], charts.ReturnsOf(bench.Values)[1:], window)...)},
		} {
			wt, wv := reduce(tm, c.want)
			gt := c.got.T
			if gt == nil {
				gt = jr.T
			}
			if !slices.Equal([]int64(gt), wt) || !slices.EqualFunc([]float64(c.got.V), wv, func(a, b float64) bool {
				return a == b || math.IsNaN(a) && math.IsNaN(b)
			}) {
				t.Errorf("%d points, %s: %d points %v…, want %d points %v…", n, c.name, len(c.got.V), head(c.got.V), len(wv), head(wv))
			}
		}
	}
}

func head(v []float64) []float64 { return v[:min(len(v), 3)] }
