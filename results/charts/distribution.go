package charts

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/divergence-research/divergence/results/metrics"
)

// varColor marks the tail-risk lines.
var varColor = color.RGBA{0x7a, 0x00, 0x19, 0xff}

// ReturnDistribution draws the histogram of one run's per-period returns
// (in percent) and marks the historical 95 % value at risk and conditional
// value at risk ([metrics.VaR] and [metrics.CVaR] at alpha 0.05) with
// labelled vertical lines, and writes the chart to w as PNG or SVG.
//
// Returns are computed from the equity values as in [Rolling]; missing
// points are skipped. The bars have the run's palette colour. With fewer
// than two returns the chart says so instead of drawing a histogram.
func ReturnDistribution(w io.Writer, f Format, opt Options, s Series) error {
	if err := checkSeries(s); err != nil {
		return err
	}
	pal, err := paletteOf(opt, []string{s.Name})
	if err != nil {
		return err
	}
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	r := s.Returns()
	pct := make([]float64, 0, len(r)) // grown by append, a long series was copied a dozen times
	for _, v := range r {
		if !math.IsNaN(v) {
			pct = append(pct, 100*v)
		}
	}
	v95, c95 := metrics.VaR(r, 0.05), metrics.CVaR(r, 0.05)
	fill := withAlpha(pal.Color(s.Name), 0.75)
	varSty := draw.LineStyle{Color: varColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
	cvarSty := draw.LineStyle{Color: varColor, Width: vg.Points(1.5)}
	keys := []key{
		{label: fmt.Sprintf("%s (%d returns)", s.Name, len(pct)), fill: fill},
		{label: "VaR 95% " + formatPercent(v95, 2) + " (5% of periods lose more)", line: &varSty},
		{label: "CVaR 95% " + formatPercent(c95, 2) + " (mean of the worst 5%)", line: &cvarSty},
	}
	area := frame(draw.New(c), opt, keys)

	p := valuePanel()
	p.X.Label.Text = "return per period (%)"
	p.Y.Label.Text = "number of periods"
	p.Y.Tick.Marker = countTicks{}
	if lo, hi, ok := finiteRange(pct); ok && len(pct) >= 2 {
		edges, counts := histogram(pct, lo, hi, binCount(len(pct)))
		bars := make(rects, len(counts))
		top := 0.0
		for i, n := range counts {
			bars[i] = rect{x0: edges[i], x1: edges[i+1], y0: 0, y1: n, fill: fill}
			top = math.Max(top, n)
		}
		p.Add(bars)
		p.Add(vline{x: 0, style: draw.LineStyle{Color: refGrey, Width: vg.Points(0.8)}})
		p.Add(vline{x: 100 * v95, style: varSty, label: "VaR " + formatPercent(v95, 2)})
		p.Add(vline{x: 100 * c95, style: cvarSty, label: "CVaR " + formatPercent(c95, 2), left: true, row: 1})
		p.Y.Min, p.Y.Max = 0, top*1.2 // headroom for the line labels
		padRange(&p.X, 0.03)
	} else {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, 0, 1
		p.Title.Text = "fewer than two returns: no distribution"
		p.Title.TextStyle = textStyle(sans, bodySize, textGrey)
	}
	p.Draw(area)
	return writeCanvas(w, f, c)
}
