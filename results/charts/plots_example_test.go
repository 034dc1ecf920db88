package charts_test

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/divergence-research/divergence/results/charts"
)

func ExampleHeatmap() {
	m := charts.Matrix{
		Metric:  "total return",
		Rows:    []string{"pair-hedge", "buy-and-hold"},
		Cols:    []string{"baseline", "ai-bubble-burst"},
		Values:  [][]float64{{0.04, 0.11}, {0.25, math.NaN()}},
		Percent: true, // cells read "4.0", "11.0", "25.0", "n/a"
	}
	var buf bytes.Buffer
	opt := charts.Options{Title: "Total return by scenario", Synthetic: true}
	if err := charts.Heatmap(&buf, charts.SVG, opt, m); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Contains(buf.Bytes(), []byte(">25.0<")), bytes.Contains(buf.Bytes(), []byte(">n/a<")))
	// Output: true true
}

func ExampleMonthlyReturns() {
	s := charts.Series{Name: "buy-and-hold"}
	v := 100.0
	for d := range 90 {
		s.Time = append(s.Time, time.Date(2024, 1, 1+d, 0, 0, 0, 0, time.UTC).UnixNano())
		s.Values = append(s.Values, v)
		v *= 1.001
	}
	var buf bytes.Buffer
	if err := charts.MonthlyReturns(&buf, charts.SVG, charts.Options{Title: "Monthly returns"}, s); err != nil {
		fmt.Println(err)
		return
	}
	// January: 30 steps of +0.1 % from the first value = 3.0 %.
	fmt.Println(bytes.Contains(buf.Bytes(), []byte(">3.0<")))
	// Output: true
}

func ExampleFan_Bands() {
	fan := charts.Fan{
		Name: "pair-hedge",
		Time: []int64{0, 1},
		Paths: [][]float64{
			{100, 90}, {100, 100}, {100, 105}, {100, 110}, {100, 130},
		},
	}
	b := fan.Bands()
	for q, p := range charts.FanQuantiles {
		fmt.Printf("p%02.0f %.3f\n", 100*p, b[q][1])
	}
	fmt.Printf("terminal %.2f\n", fan.Terminal())
	// Output:
	// p05 0.920
	// p25 1.000
	// p50 1.050
	// p75 1.100
	// p95 1.260
	// terminal [-0.10 0.00 0.05 0.10 0.30]
}
