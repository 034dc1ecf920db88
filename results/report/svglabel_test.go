package report

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/results/charts"
)

// TestSVGChartLabels: an inline SVG chart gets its aria-label (escaped),
// and a stress heatmap's label reads every cell as the chart writes it.
func TestSVGChartLabels(t *testing.T) {
	m := charts.Matrix{Metric: "total_return (%)", Rows: []string{"a", "b"}, Cols: []string{"x", "y"}, Percent: true,
		Values: [][]float64{{0.044, -0.554}, {math.NaN(), 0.1}}}
	// 0.044 → 4.4%, −0.554 → −55.4%, NaN → n/a, 0.1 → 10.0%.
	want := "T, total_return (%). a: x 4.4%, y \u221255.4%. b: x n/a, y 10.0%."
	for _, c := range []struct{ name, got, want string }{
		{"heatmap", heatmapLabel("T", m), want},
		// Infinities as the cells write them (+∞, −∞, no % sign), and a
		// matrix's own decimals: 1.23456 → 1.235, −2 → −2.000.
		{"heatmap infinities and decimals", heatmapLabel("S", charts.Matrix{Metric: "calmar", Rows: []string{"r"}, Cols: []string{"p", "q", "s", "u"}, Decimals: 3,
			Values: [][]float64{{math.Inf(1), math.Inf(-1), 1.23456, -2}}}), "S, calmar. r: p +∞, q −∞, s 1.235, u −2.000."},
		{"percent infinity", heatmapLabel("P", charts.Matrix{Metric: "m", Rows: []string{"r"}, Cols: []string{"p"}, Percent: true,
			Values: [][]float64{{math.Inf(1)}}}), "P, m. r: p +∞."},
		{"svg", string(labelled(`<svg class="chart" role="img" viewBox="0 0 1 1"><g/></svg>`, `a "b" <c>`)),
			`<svg class="chart" role="img" aria-label="a &#34;b&#34; &lt;c&gt;" viewBox="0 0 1 1"><g/></svg>`},
		{"not a chart", string(labelled(`<p>x</p>`, "l")), `<p>x</p>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q\nwant %q", c.got, c.want)
			}
		})
	}
}
