package charts

import (
	"bytes"
	"strings"
	"testing"
)

// A heatmap's marked cells are drawn apart and named in its legend:
// an Unmeasured cell hatched with a dashed border (and no value colour),
// a Partial one with its colour and a corner, an Untouched one with its
// colour and a dotted border; a legend entry per mark
// present, none for a mark absent, and a matrix without marks draws the
// same bytes as one with every cell Measured.
func TestHeatmapMarks(t *testing.T) {
	base := func() Matrix {
		return Matrix{Metric: "PnL (%)", Rows: []string{"r1", "r2"}, Cols: []string{"baseline", "s"},
			Values: [][]float64{{0, 0}, {0, -0.5}}, Percent: true, MarkNames: [3]string{"nothing shocked", "partly shocked", "untouched here"}}
	}
	draw := func(m Matrix) string {
		var b bytes.Buffer
		if err := Heatmap(&b, SVG, Options{Title: "t"}, m); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	plain := draw(base())
	for _, tc := range []struct {
		name          string
		marks         [][]Mark
		legend, not   []string
		dashed, equal bool
	}{
		{"none", nil, nil, []string{"nothing shocked", "partly shocked", "untouched here"}, false, true},
		{"all measured", [][]Mark{{Measured, Measured}, {Measured, Measured}}, nil, []string{"nothing shocked", "partly shocked", "untouched here"}, false, true},
		{"unmeasured", [][]Mark{{Measured, Unmeasured}, {Measured, Measured}}, []string{"nothing shocked"}, []string{"partly shocked"}, true, false},
		{"partial", [][]Mark{{Measured, Measured}, {Measured, Partial}}, []string{"partly shocked"}, []string{"nothing shocked"}, false, false},
		{"both", [][]Mark{{Measured, Unmeasured}, {Measured, Partial}}, []string{"nothing shocked", "partly shocked"}, []string{"untouched here"}, true, false},
		{"untouched", [][]Mark{{Measured, Untouched}, {Measured, Measured}}, []string{"untouched here"}, []string{"nothing shocked", "partly shocked"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			m.Marks = tc.marks
			svg := draw(m)
			for _, s := range tc.legend {
				if !strings.Contains(svg, s) {
					t.Errorf("legend lacks %q", s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(svg, s) {
					t.Errorf("legend has %q, a mark no cell has", s)
				}
			}
			if got := strings.Contains(svg, "stroke-dasharray"); got != tc.dashed {
				t.Errorf("dashed border drawn: %v, want %v", got, tc.dashed)
			}
			if got := svg == plain; got != tc.equal {
				t.Errorf("same bytes as without marks: %v, want %v", got, tc.equal)
			}
		})
	}
}
