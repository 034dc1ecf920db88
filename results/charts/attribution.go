package charts

import (
	"errors"
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Legs is one run's profit and loss split by leg: by instrument, or by any
// grouping the caller chooses ("long leg", "short leg", "commission").
type Legs struct {
	Run   string    // the run's name, keyed in the Palette
	Names []string  // the legs
	PnL   []float64 // money made (positive) or lost by each leg
}

// LegAttribution draws grouped bars of PnL by leg and writes the chart to w
// as PNG or SVG: one group per leg (in order of first appearance across the
// runs), one bar per run in the run's palette colour, so that runs compare
// leg by leg. A leg a run does not have is left empty; NaN is skipped.
// When there are at most 40 bars, each carries its value.
func LegAttribution(w io.Writer, f Format, opt Options, runs []Legs) error {
	if len(runs) == 0 {
		return errors.New("charts: no runs to attribute")
	}
	names := make([]string, len(runs))
	seen := map[string]bool{}
	var legs []string
	legIndex := map[string]int{}
	for i, r := range runs {
		if seen[r.Run] {
			return fmt.Errorf("charts: run %q appears twice", r.Run)
		}
		seen[r.Run] = true
		names[i] = r.Run
		if len(r.Names) != len(r.PnL) {
			return fmt.Errorf("charts: run %q has %d legs and %d PnL values", r.Run, len(r.Names), len(r.PnL))
		}
		for _, l := range r.Names {
			if _, ok := legIndex[l]; !ok {
				legIndex[l] = len(legs)
				legs = append(legs, l)
			}
		}
	}
	if len(legs) == 0 {
		return errors.New("charts: no legs to attribute")
	}
	pal, err := paletteOf(opt, names)
	if err != nil {
		return err
	}
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	keys := make([]key, len(runs))
	for i, r := range runs {
		keys[i] = key{label: r.Run, fill: pal.Color(r.Run)}
	}
	area := frame(draw.New(c), opt, keys)

	p := valuePanel()
	p.X.Tick.Marker = categoryTicks(legs)
	p.X.Tick.Length = 0
	p.Y.Tick.Marker = moneyTicks{}
	p.X.Label.Text = "leg"
	p.Y.Label.Text = "PnL (money, account currency)"
	p.X.Min, p.X.Max = 0, float64(len(legs))
	const groupW = 0.8
	barW := groupW / float64(len(runs))
	var bars rects
	var labels []barLabel
	for i, r := range runs {
		col := pal.Color(r.Run)
		for j, l := range r.Names {
			v := r.PnL[j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			x0 := float64(legIndex[l]) + (1-groupW)/2 + float64(i)*barW
			bars = append(bars, rect{x0: x0, x1: x0 + barW, y0: 0, y1: v, fill: col})
			labels = append(labels, barLabel{x: x0 + barW/2, y: v, text: formatMoney(v)})
		}
	}
	p.Add(bars)
	p.Add(refLine{y: 0})
	if len(labels) <= 40 {
		p.Add(barLabels(labels))
	}
	p.X.Min, p.X.Max = 0, float64(len(legs))
	settle(&p.Y)
	padRange(&p.Y, 0.08)
	p.Draw(area)
	return writeCanvas(w, f, c)
}

type barLabel struct {
	x, y float64
	text string
}

// barLabels writes each value just beyond the end of its bar.
type barLabels []barLabel

func (bl barLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := textStyle(sans, vg.Points(8), textGrey)
	sty.XAlign = draw.XCenter
	for _, l := range bl {
		pt := vg.Point{X: trX(l.x), Y: trY(l.y)}
		if l.y >= 0 {
			sty.YAlign = draw.YBottom
			pt.Y += vg.Points(2)
		} else {
			sty.YAlign = draw.YTop
			pt.Y -= vg.Points(2)
		}
		c.FillText(sty, pt, l.text)
	}
}
