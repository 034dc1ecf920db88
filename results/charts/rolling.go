package charts

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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
	if err := drawRolling(draw.New(c), opt, curves, benchmark, window, ppy); err != nil {
		return err
	}
	return writeCanvas(w, f, c)
}

func drawRolling(dc draw.Canvas, opt Options, curves []Series, benchmark *Series, window int, ppy float64) error {
	if window < 2 {
		return fmt.Errorf("charts: rolling window %d is less than 2 periods", window)
	}
	if !(ppy > 0) {
		return fmt.Errorf("charts: periods per year %g is not positive", ppy)
	}
	runs, err := prepare(opt, curves)
	if err != nil {
		return err
	}
	var bench map[int64]float64
	if benchmark != nil {
		if err := checkSeries(*benchmark); err != nil {
			return err
		}
		bench = make(map[int64]float64, len(benchmark.Time))
		for k, t := range benchmark.Time {
			bench[t] = benchmark.Values[k]
		}
	}

	type rolled struct{ sharpe, vol, beta []float64 }
	out := make([]rolled, len(curves))
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, s := range curves {
		r := returnsOf(s.Values)
		out[i].sharpe = metrics.RollingSharpe(nil, r, window, 0, ppy)
		out[i].vol = metrics.RollingVolatility(nil, r, window, ppy)
		for k := range out[i].vol {
			out[i].vol[k] *= 100
		}
		if bench != nil {
			b := make([]float64, len(s.Time))
			for k := range b {
				b[k] = math.NaN()
				if k == 0 {
					continue
				}
				v0, ok0 := bench[s.Time[k-1]]
				v1, ok1 := bench[s.Time[k]]
				if ok0 && ok1 && v0 > 0 && !math.IsInf(v0, 0) && !math.IsNaN(v1) && !math.IsInf(v1, 0) {
					b[k] = v1/v0 - 1
				}
			}
			out[i].beta = metrics.RollingBeta(nil, r, b, window)
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
	if bench != nil {
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
			p.Add(&polyline{x: r.x, y: y, style: sty})
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
