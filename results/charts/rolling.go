package charts

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/divergence-research/divergence/results/downsample"
	"github.com/divergence-research/divergence/results/metrics"
)

// Rolling draws runs' rolling risk over time, in panels sharing the date
// axis, and writes the chart to w as PNG or SVG:
//
//   - rolling Sharpe ratio (rf = 0, annualised with ppy),
//   - rolling volatility in percent per year (sample standard deviation ×
//     √ppy),
//   - when benchmark is not nil, rolling beta of each run against it.
//
// Each window spans window periods of the equity curves (row i covers the
// returns of rows i−window+1..i, as in package metrics; the first window−1
// rows are blank). Returns are computed from each curve's equity: a missing
// point (NaN, ±Inf) makes the returns on both sides of it missing, and a
// window skips missing returns. The benchmark's returns are matched to a
// run's by time: a run's period without a benchmark point at both ends has
// no beta observation.
//
// window must be at least 2 and ppy positive. Curves follow the rules of
// [EquityDrawdown] (unique names, strictly increasing times, names in the
// palette); the benchmark need not be in the palette.
func Rolling(w io.Writer, f Format, opt Options, curves []Series, benchmark *Series, window int, ppy float64) error {
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	if err := drawRolling(draw.New(c), opt, curves, benchmark, window, ppy, columns(f, opt)); err != nil {
		return err
	}
	return writeCanvas(w, f, c)
}

func drawRolling(dc draw.Canvas, opt Options, curves []Series, benchmark *Series, window int, ppy float64, cols int) error {
	if window < 2 {
		return fmt.Errorf("charts: rolling window %d is less than 2 periods", window)
	}
	if !(ppy > 0) {
		return fmt.Errorf("charts: periods per year %g is not positive", ppy)
	}
	runs, err := prepare(opt, curves, 0)
	if err != nil {
		return err
	}
	bench := benchmark != nil
	if bench {
		if err := checkSeries(*benchmark); err != nil {
			return err
		}
	}

	type rolled struct{ sharpe, vol, beta []float64 }
	out := make([]rolled, len(curves))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, s := range curves {
		r := s.Returns()
		out[i].sharpe = Rolled(nil, r, func(dst, r []float64) []float64 { return metrics.RollingSharpe(dst, r, window, 0, ppy) })
		out[i].vol = Rolled(nil, r, func(dst, r []float64) []float64 { return metrics.RollingVolatility(dst, r, window, ppy) })
		for k := range out[i].vol {
			out[i].vol[k] *= 100
		}
		if bench {
			out[i].beta = metrics.RollingBeta(nil, r, BenchReturns(s.Time, benchmark), window)
		}
		xmin, xmax = math.Min(xmin, runs[i].first), math.Max(xmax, runs[i].last)
	}

	keys := make([]key, len(runs))
	for i, r := range runs {
		keys[i] = runKey(r.name, r.style)
	}
	area := frame(dc, opt, keys)
	ticks, majors := timeAxis(xmin, xmax, area.Max.X-area.Min.X)
	if xmin == xmax {
		xmin, xmax = xmin-43200, xmax+43200
	}

	labels := []string{"Sharpe ratio", "volatility (% p.a.)"}
	titles := []string{
		fmt.Sprintf("rolling Sharpe ratio (window %d periods, rf 0, annualised with %g periods/year)", window, ppy),
		fmt.Sprintf("rolling volatility (window %d periods, sample std. dev. × √%g)", window, ppy),
	}
	if bench {
		labels = append(labels, "beta")
		titles = append(titles, fmt.Sprintf("rolling beta vs %s (window %d periods)", benchmark.Name, window))
	}
	panels := make([]*plot.Plot, len(labels))
	for j := range panels {
		p := newPanel(xmin, xmax, ticks, majors)
		p.Y.Label.Text = labels[j]
		p.Title.Text = titles[j]
		p.Title.TextStyle = textStyle(sans, tickSize, textGrey)
		p.Title.TextStyle.XAlign = draw.XCenter
		p.Title.Padding = vg.Points(2)
		if j < len(panels)-1 {
			p.X.Tick.Marker = unlabelled{ticks}
		} else {
			p.X.Label.Text = "date (UTC)"
		}
		switch j {
		case 0:
			p.Add(refLine{y: 0})
		case 2:
			p.Add(refLine{y: 0})
		}
		for i, r := range runs {
			var y []float64
			switch j {
			case 0:
				y = out[i].sharpe
			case 1:
				y = out[i].vol
			case 2:
				y = out[i].beta
			}
			sty := r.style
			sty.Width = vg.Points(1.2)
			x, y := downsample.MinMax(r.x, y, cols)
			p.Add(&polyline{x: x, y: y, style: sty})
		}
		if j == 1 {
			p.Y.Min = math.Min(p.Y.Min, 0)
		}
		settle(&p.Y)
		padRange(&p.Y, 0.05)
		panels[j] = p
	}

	gap := vg.Points(8)
	n := vg.Length(len(panels))
	h := (area.Max.Y - area.Min.Y - gap*(n-1)) / n
	cs := make([]*draw.Canvas, len(panels))
	for j := range panels {
		c := area
		c.Max.Y = area.Max.Y - vg.Length(j)*(h+gap)
		c.Min.Y = c.Max.Y - h
		cs[j] = &c
	}
	alignX(panels, cs)
	for j, p := range panels {
		p.Draw(*cs[j])
	}
	return nil
}

// BenchReturns returns, for each time of a run, the benchmark's return
// from the run's previous time to this one: NaN at row 0 and where the
// benchmark lacks a point at either time or its earlier value is not a
// positive finite number (or the later one is not finite). Both time
// columns are strictly increasing, so one merge walk matches them.
func BenchReturns(times []int64, b *Series) []float64 {
	out := make([]float64, len(times))
	j := 0
	prev, havePrev := 0.0, false
	for k, t := range times {
		out[k] = math.NaN()
		for j < len(b.Time) && b.Time[j] < t {
			j++
		}
		v, ok := 0.0, j < len(b.Time) && b.Time[j] == t
		if ok {
			v = b.Values[j]
		}
		if k > 0 && ok && havePrev && prev > 0 && !math.IsInf(prev, 0) && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v/prev - 1
		}
		prev, havePrev = v, ok
	}
	return out
}
