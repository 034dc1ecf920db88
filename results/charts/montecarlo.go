package charts

import (
	"errors"
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/divergence-research/divergence/results/downsample"
	"github.com/divergence-research/divergence/results/metrics"
)

// Fan is one run's Monte Carlo paths: the equity of every simulated path
// at the same times.
type Fan struct {
	Name  string      // the run's name, keyed in the Palette
	Time  []int64     // UTC Unix nanoseconds, strictly increasing
	Paths [][]float64 // one slice of len(Time) equity values per path; NaN is missing
}

// FanQuantiles are the percentiles a fan chart draws: the 5–95 % and
// 25–75 % bands and the median.
var FanQuantiles = [5]float64{0.05, 0.25, 0.50, 0.75, 0.95}

// Bands returns, for every time, the [FanQuantiles] of the paths' growth
// of 1 (each path's equity over its first finite value), computed over the
// paths with a finite value at that time (linear interpolation, R type 7);
// NaN where no path has one.
func (fn Fan) Bands() [5][]float64 {
	var out [5][]float64
	for q := range out {
		out[q] = make([]float64, len(fn.Time))
	}
	growth := fn.growth()
	col := make([]float64, 0, len(fn.Paths))
	for k := range fn.Time {
		col = col[:0]
		for _, g := range growth {
			if v := g[k]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		for q, p := range FanQuantiles {
			out[q][k] = metrics.Quantile(col, p)
		}
	}
	return out
}

// Terminal returns each path's total return: its last finite value over
// its first finite value, minus 1 (NaN for a path without two finite
// values or with a non-positive first value), in path order.
func (fn Fan) Terminal() []float64 {
	out := make([]float64, len(fn.Paths))
	for i, path := range fn.Paths {
		first, last := math.NaN(), math.NaN()
		n := 0
		for _, v := range path {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if n == 0 {
				first = v
			}
			last = v
			n++
		}
		out[i] = math.NaN()
		if n >= 2 && first > 0 {
			out[i] = last/first - 1
		}
	}
	return out
}

// growth divides each path by its first finite value.
func (fn Fan) growth() [][]float64 {
	out := make([][]float64, len(fn.Paths))
	for i, path := range fn.Paths {
		out[i] = Growth(nil, path)
	}
	return out
}

// Growth writes into dst (grown to len(path); nil allocates) the path's
// growth of 1: each value over the path's first finite value, NaN where
// the value is missing (NaN, ±Inf) or the first finite value is not
// positive. A Monte Carlo runner that streams paths into
// metrics.Bands adds Growth of each path, as [Fan.Bands] does.
func Growth(dst, path []float64) []float64 { return growthOver(dst, path, math.NaN()) }

// growthOver is Growth over base, or over the first finite value when
// base is NaN.
func growthOver(dst, path []float64, base float64) []float64 {
	if cap(dst) < len(path) {
		dst = make([]float64, len(path))
	}
	dst = dst[:len(path)]
	for k, v := range path {
		dst[k] = math.NaN()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if math.IsNaN(base) {
			base = v
		}
		if base > 0 {
			dst[k] = v / base
		}
	}
	return dst
}

// FanSummary is what the Monte Carlo chart draws of one run: the bands
// of its paths' growth of 1 over time and their terminal returns. It
// holds O(times + paths) numbers, so that a runner can stream paths into
// per-time quantile sketches (metrics.Bands) instead of keeping every
// path ([Fan.Summary] computes it from whole paths).
type FanSummary struct {
	Name string  // the run's name, keyed in the Palette
	Time []int64 // UTC Unix nanoseconds, strictly increasing
	// Bands are the [FanQuantiles] of growth of 1 at each time, each of
	// len(Time) values; NaN where no path has a value.
	Bands [5][]float64
	// Terminal holds each path's total return (see [Fan.Terminal]).
	Terminal []float64
}

// Summary returns the fan's bands and terminal returns.
func (fn Fan) Summary() FanSummary {
	return FanSummary{Name: fn.Name, Time: fn.Time, Bands: fn.Bands(), Terminal: fn.Terminal()}
}

// MonteCarlo draws Monte Carlo paths of one or more runs, and writes the
// chart to w as PNG or SVG. The top panel is a fan chart of the growth of
// 1 over time: the 5–95 % band (light), the 25–75 % band (darker) and the
// median line of the paths ([Fan.Bands]), in each run's palette colour.
// The bottom panel is the distribution of the paths' terminal returns in
// percent ([Fan.Terminal]), one histogram per run, with the 5th percentile
// (dashed) and the median (solid) by nearest rank (metrics.QuantileRank,
// as the summary table's) marked and labelled. The bands and the
// median are reduced per pixel column (downsample.Envelope and MinMax)
// before they are drawn.
func MonteCarlo(w io.Writer, f Format, opt Options, fans []Fan) error {
	if len(fans) == 0 {
		return errors.New("charts: no Monte Carlo paths to draw")
	}
	for _, fn := range fans {
		if len(fn.Paths) == 0 || len(fn.Time) == 0 {
			return fmt.Errorf("charts: run %q has no Monte Carlo paths", fn.Name)
		}
		for j, p := range fn.Paths {
			if len(p) != len(fn.Time) {
				return fmt.Errorf("charts: run %q: path %d has %d values for %d times", fn.Name, j, len(p), len(fn.Time))
			}
		}
	}
	sums := make([]FanSummary, len(fans))
	for i, fn := range fans {
		if err := checkSeries(Series{Name: fn.Name, Time: fn.Time, Values: make([]float64, len(fn.Time))}); err != nil {
			return err
		}
		sums[i] = fn.Summary()
	}
	return MonteCarloSummaries(w, f, opt, sums)
}

// MonteCarloSummaries draws the chart of [MonteCarlo] from summaries of
// the paths: each run's bands over time and its terminal returns.
func MonteCarloSummaries(w io.Writer, f Format, opt Options, fans []FanSummary) error {
	if len(fans) == 0 {
		return errors.New("charts: no Monte Carlo paths to draw")
	}
	names := make([]string, len(fans))
	seen := map[string]bool{}
	for i, fn := range fans {
		if seen[fn.Name] {
			return fmt.Errorf("charts: run %q appears twice", fn.Name)
		}
		seen[fn.Name] = true
		names[i] = fn.Name
		if len(fn.Time) == 0 || len(fn.Terminal) == 0 {
			return fmt.Errorf("charts: run %q has no Monte Carlo paths", fn.Name)
		}
		if err := checkSeries(Series{Name: fn.Name, Time: fn.Time, Values: fn.Bands[0]}); err != nil {
			return err
		}
		for q, b := range fn.Bands {
			if len(b) != len(fn.Time) {
				return fmt.Errorf("charts: run %q: band %d has %d values for %d times", fn.Name, q, len(b), len(fn.Time))
			}
		}
	}
	pal, err := paletteOf(opt, names)
	if err != nil {
		return err
	}
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}

	var keys []key
	for _, fn := range fans {
		sty := lineStyle(pal, fn.Name, vg.Points(1.6))
		keys = append(keys, key{label: fmt.Sprintf("%s (%d paths): median", fn.Name, len(fn.Terminal)), line: &sty},
			key{label: "25–75%", fill: withAlpha(pal.Color(fn.Name), 0.40)},
			key{label: "5–95%", fill: withAlpha(pal.Color(fn.Name), 0.18)})
	}
	area := frame(draw.New(c), opt, keys)

	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, fn := range fans {
		xmin = math.Min(xmin, float64(fn.Time[0])/1e9)
		xmax = math.Max(xmax, float64(fn.Time[len(fn.Time)-1])/1e9)
	}
	if xmin == xmax {
		xmin, xmax = xmin-43200, xmax+43200
	}
	ticks, majors := timeAxis(xmin, xmax, area.Max.X-area.Min.X)
	top := newPanel(xmin, xmax, ticks, majors)
	top.X.Label.Text = "date (UTC)"
	top.Y.Label.Text = "growth of 1 (equity ÷ first value)"
	top.Add(refLine{y: 1})
	var tailKeys []key

	bottom := valuePanel()
	bottom.X.Label.Text = "terminal return of a path (%)"
	bottom.Y.Label.Text = "number of paths"
	bottom.Y.Tick.Marker = countTicks{}
	terms := make([][]float64, len(fans))
	for i, fn := range fans {
		t := make([]float64, len(fn.Terminal))
		for k, v := range fn.Terminal {
			t[k] = 100 * v
		}
		terms[i] = t
	}
	cols := columns(f, opt)
	lo, hi, ok := finiteRange(terms...)
	topCount := 0.0
	var lines []plot.Plotter
	for i, fn := range fans {
		x := make([]float64, len(fn.Time))
		for k, t := range fn.Time {
			x[k] = float64(t) / 1e9
		}
		b := fn.Bands
		col := pal.Color(fn.Name)
		x90, lo90, hi90 := downsample.Envelope(x, b[0], b[4], cols)
		x50, lo50, hi50 := downsample.Envelope(x, b[1], b[3], cols)
		xm, med := downsample.MinMax(x, b[2], cols)
		top.Add(band{x: x90, lo: lo90, hi: hi90, fill: withAlpha(col, 0.18)})
		top.Add(band{x: x50, lo: lo50, hi: hi50, fill: withAlpha(col, 0.40)})
		lines = append(lines, &polyline{x: xm, y: med, style: lineStyle(pal, fn.Name, vg.Points(1.6))})

		if ok {
			n := 0
			for _, v := range terms[i] {
				if !math.IsNaN(v) {
					n++
				}
			}
			edges, counts := histogram(terms[i], lo, hi, binCount(n))
			bars := make(rects, len(counts))
			for k, cnt := range counts {
				bars[k] = rect{x0: edges[k], x1: edges[k+1], y0: 0, y1: cnt, fill: withAlpha(col, 0.55)}
				topCount = math.Max(topCount, cnt)
			}
			bottom.Add(bars)
			// By nearest rank, as montecarlo_summary's terminal_p05 and
			// terminal_median (of the same returns when each path starts
			// at the initial cash, as the experiment's do): interpolated,
			// they differed from the summary's by up to a path's spacing
			// (−59.1 % against −59.64 % on 300 paths), under the same words.
			q5, q50 := metrics.QuantileRank(terms[i], 0.05), metrics.QuantileRank(terms[i], 0.5)
			dashed := draw.LineStyle{Color: col, Width: vg.Points(1.4), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
			solid := draw.LineStyle{Color: col, Width: vg.Points(1.4)}
			l5, l50 := "5th pct "+minus(fmt.Sprintf("%.1f%%", q5)), "median "+minus(fmt.Sprintf("%.1f%%", q50))
			if len(fans) == 1 {
				bottom.Add(vline{x: q5, style: dashed, label: l5, left: true}, vline{x: q50, style: solid, label: l50})
			} else { // labels in the legend: in the panel they would collide
				bottom.Add(vline{x: q5, style: dashed}, vline{x: q50, style: solid})
				tailKeys = append(tailKeys, key{label: fn.Name + " terminal " + l5, line: &dashed}, key{label: l50, line: &solid})
			}
		}
	}
	for _, l := range lines { // medians over every band
		top.Add(l)
	}
	settle(&top.Y)
	padRange(&top.Y, 0.04)
	if ok {
		bottom.Y.Min, bottom.Y.Max = 0, topCount*(1.15+0.08*float64(len(fans)))
		bottom.X.Min, bottom.X.Max = lo, hi
		padRange(&bottom.X, 0.03)
	} else {
		bottom.X.Min, bottom.X.Max, bottom.Y.Min, bottom.Y.Max = -1, 1, 0, 1
	}

	if len(tailKeys) > 0 {
		y := drawKeys(area, tailKeys) // under the other keys, above the panels
		area.Max.Y = y - vg.Points(4)
	}
	gap := vg.Points(14)
	h := area.Max.Y - area.Min.Y - gap
	botC := area
	botC.Max.Y = area.Min.Y + h*0.4
	topC := area
	topC.Min.Y = botC.Max.Y + gap
	top.Draw(topC)
	bottom.Draw(botC)
	return writeCanvas(w, f, c)
}
