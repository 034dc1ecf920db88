package experiment

import (
	"github.com/divergence-research/divergence/results"
)

// bandsTable is montecarlo_bands.csv/.parquet, the file the report draws
// one Monte Carlo fan per run from (results/report, BandsFile): per run
// and path date, the 5, 25, 50, 75 and 95 % quantiles of the paths'
// growth of 1 (charts.FanQuantiles, streamed through metrics.Bands).
func bandsTable(mcs []MonteCarloResult) *results.Table {
	var run []string
	var times []int64
	var q [5][]float64
	for _, r := range mcs {
		b := r.Bands // streamed per-day quantiles (metrics.Bands)
		for k, t := range r.Time {
			run, times = append(run, r.Run), append(times, t)
			for j := range q {
				q[j] = append(q[j], b[j][k])
			}
		}
	}
	return &results.Table{Columns: []results.Column{{Name: "run", Strings: run}, {Name: "time", Times: times},
		{Name: "p05", Floats: q[0]}, {Name: "p25", Floats: q[1]}, {Name: "p50", Floats: q[2]}, {Name: "p75", Floats: q[3]}, {Name: "p95", Floats: q[4]}}}
}
