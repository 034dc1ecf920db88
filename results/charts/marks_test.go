package charts

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
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

// The marks' legend ends inside the chart: a long mark name (the stress
// table's "untouched (it aims at nothing the run trades)", 45
// characters) ran past the right edge of an 11-column heatmap and was
// cut off. Each legend entry's text starts at its x in the SVG and is as
// wide as the style's measure of it; its end must be inside the canvas
// (720 pt for Options' default size) on narrow and wide matrices.
func TestHeatmapLegendInsideTheChart(t *testing.T) {
	names := [3]string{"unknown (not replayed)", "part of it shocked", "untouched (it aims at nothing the run trades)"}
	sty := textStyle(sans, tickSize, textGrey)
	for _, cols := range []int{2, 11} {
		t.Run(fmt.Sprint(cols, " columns"), func(t *testing.T) {
			m := Matrix{Metric: "PnL vs baseline (% of initial cash)", Rows: []string{"r1", "r2"}, Percent: true, MarkNames: names}
			for j := range cols {
				m.Cols = append(m.Cols, fmt.Sprint("scenario-", j))
			}
			m.Values = [][]float64{make([]float64, cols), make([]float64, cols)}
			m.Marks = [][]Mark{make([]Mark, cols), make([]Mark, cols)}
			m.Marks[0][1], m.Marks[1][0], m.Marks[1][1] = Untouched, Unmeasured, Partial
			var b bytes.Buffer
			if err := Heatmap(&b, SVG, Options{Title: "t"}, m); err != nil {
				t.Fatal(err)
			}
			svg := b.String()
			width, err := strconv.ParseFloat(regexp.MustCompile(`<svg width="([0-9.]+)pt"`).FindStringSubmatch(svg)[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range append(names[:], "n/a: no data") {
				at := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*\n?[^>]*>` + regexp.QuoteMeta(name) + `</text>`).FindStringSubmatch(svg)
				if at == nil {
					t.Fatalf("no legend text %q", name)
				}
				x, err := strconv.ParseFloat(at[1], 64)
				if err != nil {
					t.Fatal(err)
				}
				if end := x + sty.Width(name).Points(); end > width {
					t.Errorf("%q runs from %.1f to %.1f pt, past the chart's %.0f pt", name, x, end, width)
				}
			}
		})
	}
}
