package results

import (
	"math"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results/metrics"
)

// RunMeasure is a metric of a run beyond the summary of its returns
// (metrics.Summarize): [Measure] computes it for every run, metrics.json
// holds it under Name (as a metrics.JSONFloat: null when undefined,
// "Infinity" or "-Infinity" when infinite), and the runs table's All set
// has a Float column of that name (after worst_period, in the order of
// [RunMeasures]).
type RunMeasure struct {
	Name string // snake_case: the JSON key and the column
	Of   func(in MeasureInput) float64
}

// MeasureInput is what a RunMeasure reads.
type MeasureInput struct {
	Result *engine.Result
	// Returns are the simple returns between consecutive curve points.
	Returns        []float64
	PeriodsPerYear float64
}

// RunMeasures returns the measures of every run, in their columns' order:
// the one place a metric is registered. Adding one is its function in
// results/metrics (its own file, with its formula and tests) and one line
// here (docs/metrics.md, "Adding a metric", and ExampleRunMeasures).
func RunMeasures() []RunMeasure {
	return []RunMeasure{
		{"exposure_time", func(in MeasureInput) float64 { return metrics.ExposureTime(in.Result.Curve.Gross) }},
		{"turnover", func(in MeasureInput) float64 {
			return metrics.Turnover(traded(in.Result.Fills), in.Result.Curve.Equity, in.PeriodsPerYear)
		}},
	}
}

// traded is the money the fills traded: Σ |quantity × price|.
func traded(fills []engine.Fill) float64 {
	sum := 0.0
	for i := range fills {
		sum += math.Abs(fills[i].Qty * fills[i].Price)
	}
	return sum
}
