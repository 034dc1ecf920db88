package results_test

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
)

// Every run's measures (results.RunMeasures) land in its metrics.json and
// in the runs table, and adding one is a line of that list: here the line
// that would add the pain index (metrics.PainIndex), evaluated on the same
// run. A four-day run by hand:
//
//	equity 1,000, 1,100, 990, 1,010; a position on the last three points:
//	  exposure_time = 3 / 4 = 0.75
//	fills 10 at 50 and −4 at 60: 740 traded; mean equity 1,025; 4 points
//	at 365 a year: turnover = 740 / 1,025 / (4 / 365) = 65.8780
//	returns +10%, −10%, +2.0202%: wealth 1.1, 0.99, 1.01 under a peak of
//	1.1: drawdowns 0, 0.1, 0.0818: pain_index = 0.1818 / 3 = 0.0606
func ExampleRunMeasures() {
	day := func(d int) int64 { return data.Day(2024, 1, 1+d) }
	res := &engine.Result{
		Curve: engine.Curve{
			Time:   []int64{day(0), day(1), day(2), day(3)},
			Equity: []float64{1000, 1100, 990, 1010},
			Gross:  []float64{0, 1, 1, 1},
		},
		Fills: []engine.Fill{{Qty: 10, Price: 50}, {Qty: -4, Price: 60}},
	}
	m := results.Measure(res, 365)
	b, _ := json.Marshal(m) // as in metrics.json
	var js map[string]any
	_ = json.Unmarshal(b, &js)
	for _, x := range results.RunMeasures() {
		fmt.Printf("%s: %.4f, in metrics.json %.4f\n", x.Name, m.Measures[x.Name], js[x.Name])
	}
	var names []string
	for _, c := range results.RunColumns([]results.RunRecord{{Metrics: m}}, results.All) {
		names = append(names, c.Name)
	}
	k := slices.Index(names, "worst_period")
	fmt.Println("runs table:", names[k:k+4])

	// The line that adds a metric to RunMeasures, and what it gives.
	pain := results.RunMeasure{Name: "pain_index", Of: func(in results.MeasureInput) float64 { return metrics.PainIndex(in.Returns) }}
	in := results.MeasureInput{Result: res, Returns: metrics.ReturnsFromEquity(nil, res.Curve.Equity), PeriodsPerYear: 365}
	fmt.Printf("%s: %.4f\n", pain.Name, pain.Of(in))
	// Output:
	// exposure_time: 0.7500, in metrics.json 0.7500
	// turnover: 65.8780, in metrics.json 65.8780
	// runs table: [worst_period exposure_time turnover costs_commission]
	// pain_index: 0.0606
}
