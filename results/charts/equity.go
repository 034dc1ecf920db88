// Package charts draws the plots of a divergence experiment with gonum/plot,
// as PNG or SVG.
//
// Output is deterministic: the same input gives the same bytes (gonum's SVG
// and PNG back ends involve no clock and no randomness, and the fonts are the
// Liberation fonts gonum/plot embeds, so no system font is consulted).
//
// Colours are stable across charts: a [Palette] built from all the run names
// of an experiment gives every run the same colour and dash pattern in every
// chart that shows it.
package charts

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"slices"
	"strings"

	"git.sr.ht/~sbinet/gg"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results/downsample"
	"github.com/divergence-research/divergence/results/metrics"
)

// Series is one run's equity over time.
type Series struct {
	Name   string    // the run's name, shown in the legend and keyed in the Palette
	Time   []int64   // UTC Unix nanoseconds, strictly increasing
	Values []float64 // equity, in money; NaN or ±Inf marks a missing point (a gap)
	// Initial is the run's starting cash: the base of its growth of 1,
	// its first drawdown peak and the start of its first return, as the
	// run's metrics measure them (results.RunReturns). A fill at the
	// first bar's close pays its costs before the first point, which then
	// stands below the cash. 0: the first finite value is the base.
	Initial float64
}

// CurveSeries returns the equity of an engine curve as a Series. The columns
// are shared, not copied.
func CurveSeries(name string, c *engine.Curve) Series {
	return Series{Name: name, Time: c.Time, Values: c.Equity}
}

// ResultSeries is CurveSeries of a run's curve, with its initial cash.
func ResultSeries(name string, res *engine.Result) Series {
	s := CurveSeries(name, &res.Curve)
	s.Initial = res.Initial
	return s
}

// Returns is ReturnsOf(s.Values) with, when Initial is set and the first
// value is finite and not Initial, row 0 the return from Initial to it:
// the returns the run's metrics measure (results.RunReturns).
func (s Series) Returns() []float64 {
	r := ReturnsOf(s.Values)
	if len(r) > 0 && s.Initial > 0 {
		if v := s.Values[0]; !math.IsNaN(v) && !math.IsInf(v, 0) && v != s.Initial {
			r[0] = v/s.Initial - 1
		}
	}
	return r
}

// Growth writes into dst (grown to len(s.Values); nil allocates) the
// series' growth of 1: each value over Initial, or over the first finite
// value when Initial is not set ([Growth]); NaN where a value is missing
// or the base is not positive.
func (s Series) Growth(dst []float64) []float64 {
	if s.Initial <= 0 {
		return Growth(dst, s.Values)
	}
	return growthOver(dst, s.Values, s.Initial)
}

// Drawdown writes into dst (len(s.Values); nil allocates) the series'
// drawdown, each value over its running peak − 1, the peak starting at
// Initial when set ([metrics.DrawdownFrom]; [metrics.Drawdown] otherwise):
// the depth the run's max_drawdown measures.
func (s Series) Drawdown(dst []float64) []float64 {
	if s.Initial <= 0 {
		return metrics.Drawdown(dst, s.Values)
	}
	return metrics.DrawdownFrom(dst, s.Values, s.Initial)
}

// base is the series' growth base: Initial when set, else its first
// finite value (NaN when it has none).
func (s Series) base() float64 {
	if s.Initial > 0 {
		return s.Initial
	}
	for _, v := range s.Values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v
		}
	}
	return math.NaN()
}

// Rolled writes roll's windows of the returns r into dst (len(r); nil
// allocates) so that a window's first value holds a whole window of
// returns: when r[0] is NaN (the first point's, which has none), roll
// runs on r[1:] into dst[1:] and dst[0] is NaN. A curve of W returns
// then gives its first value at its W-th return, as empyrical's rolling
// functions do, not over the W − 1 returns of its first W points.
func Rolled(dst, r []float64, roll func(dst, r []float64) []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(r))
	}
	if len(r) == 0 || !math.IsNaN(r[0]) {
		return roll(dst, r)
	}
	dst[0] = math.NaN()
	roll(dst[1:], r[1:])
	return dst
}

// Format is an output image format.
type Format string

// The formats charts can write.
const (
	PNG Format = "png"
	SVG Format = "svg"
)

// Options are the text and size of a chart. The zero value draws a 10 × 7
// inch chart without a title.
type Options struct {
	// Title is the chart's title.
	Title string
	// Caption is a line under the title saying where the data come from
	// (real or synthetic, the source, the window, the seed).
	Caption string
	// Synthetic puts "SYNTHETIC DATA", in red, at the head of the title.
	// Set it whenever any input was generated.
	Synthetic bool
	// Width and Height are the chart's size; 0 means 10 and 7 inches.
	Width, Height vg.Length
	// DPI is the resolution of PNG output; 0 means 120 (1200 × 840 pixels
	// at the default size). SVG output is vector and ignores it.
	DPI int
	// Palette gives each run its colour and dash pattern. Nil means a
	// palette of the names of the curves drawn, which is stable only for
	// that set of names: pass the experiment's palette to keep colours
	// consistent across charts.
	Palette *Palette
}

const (
	defaultWidth  = 10 * vg.Inch
	defaultHeight = 7 * vg.Inch
	defaultDPI    = 120

	// synthetic is the label Options.Synthetic adds to the title.
	synthetic = "SYNTHETIC DATA"
)

var (
	errNoCurves  = errors.New("charts: no curves to draw")
	syntheticRed = color.RGBA{0xb0, 0x00, 0x20, 0xff}
	textGrey     = color.Gray{0x44}
	gridGrey     = color.Gray{0xe0}
	refGrey      = color.Gray{0x80}
)

// EquityDrawdown draws runs' equity curves, one chart in two panels sharing
// the time axis, and writes it to w as PNG or SVG.
//
// The top panel (two thirds of the height) shows the growth of 1: each run's
// equity divided by its first finite value, so runs of different sizes start
// together at 1.0. The bottom panel shows each run's drawdown in percent,
// 100 × (equity / running peak − 1), computed from the same values. Above
// both sit the title, the caption and the legend, in a strip of their own so
// that the legend never covers data, however many runs there are.
//
// Missing points (NaN, ±Inf) leave gaps. A run must have at least one finite
// value, and its first finite value must be positive. Runs are drawn in the
// order given, later over earlier; the legend lists them in that order.
func EquityDrawdown(w io.Writer, f Format, opt Options, curves []Series) error {
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	if err := drawEquityDrawdown(draw.New(c), opt, curves, columns(f, opt)); err != nil {
		return err
	}
	return writeCanvas(w, f, c)
}

// run is a prepared curve: x in UTC Unix seconds, growth and drawdown in
// percent, and its line style. Reduced for drawing (see prepare), growth
// and drawdown have x values of their own.
type run struct {
	name        string
	x, ddx      []float64 // x of growth, x of dd
	growth, dd  []float64
	style       draw.LineStyle
	first, last float64 // x of the first and last finite points
}

// prepare checks the curves and computes each run's growth of 1 and
// drawdown. With cols > 0, a curve of more than cols points is reduced
// while it is computed (downsample.Reducer over cols buckets of the
// curves' whole time range): growth and drawdown keep each bucket's
// first, last, lowest and highest point, so the chart shows the exact
// peaks and troughs, and the work is one pass without per-point arrays.
// With cols = 0 every point is kept (Rolling aligns its own series on x).
func prepare(opt Options, curves []Series, cols int) ([]run, error) {
	if len(curves) == 0 {
		return nil, errNoCurves
	}
	pal := opt.Palette
	if pal == nil {
		names := make([]string, len(curves))
		for i, s := range curves {
			names[i] = s.Name
		}
		pal = NewPalette(names)
	}
	// The time range of all curves: the reducers' buckets.
	tmin, tmax := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range curves {
		if len(s.Time) > 0 {
			tmin, tmax = min(tmin, s.Time[0]), max(tmax, s.Time[len(s.Time)-1])
		}
	}
	seen := map[string]bool{}
	runs := make([]run, len(curves))
	for i, s := range curves {
		if seen[s.Name] {
			return nil, fmt.Errorf("charts: run %q appears twice", s.Name)
		}
		seen[s.Name] = true
		if len(s.Time) != len(s.Values) {
			return nil, fmt.Errorf("charts: run %q has %d times and %d values", s.Name, len(s.Time), len(s.Values))
		}
		k := pal.Index(s.Name)
		if k < 0 {
			return nil, fmt.Errorf("charts: run %q is not in the palette", s.Name)
		}
		r := run{name: s.Name, style: draw.LineStyle{Color: Color(k), Width: vg.Points(1.4), Dashes: Dashes(k)}}
		// emit receives every point; it stores it, or feeds the reducers.
		var emit func(j int, x, g, d float64)
		var gr, dr *downsample.Reducer
		if cols > 0 && len(s.Time) > cols {
			gr = downsample.NewReducer(float64(tmin)/1e9, float64(tmax)/1e9, cols)
			dr = downsample.NewReducer(float64(tmin)/1e9, float64(tmax)/1e9, cols)
			emit = func(_ int, x, g, d float64) { gr.Add(x, g); dr.Add(x, d) }
		} else {
			r.x, r.growth, r.dd = make([]float64, len(s.Time)), make([]float64, len(s.Time)), make([]float64, len(s.Time))
			r.ddx = r.x
			emit = func(j int, x, g, d float64) { r.x[j], r.growth[j], r.dd[j] = x, g, d }
		}
		base, peak := math.NaN(), math.Inf(-1)
		if s.Initial > 0 {
			base, peak = s.Initial, s.Initial
		}
		first := true
		for j, t := range s.Time {
			if j > 0 && t <= s.Time[j-1] {
				return nil, fmt.Errorf("charts: run %q: time %d at point %d is not after the previous %d", s.Name, t, j, s.Time[j-1])
			}
			x := float64(t) / 1e9
			v := s.Values[j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				emit(j, x, math.NaN(), math.NaN())
				continue
			}
			if first {
				if math.IsNaN(base) && v <= 0 {
					return nil, fmt.Errorf("charts: run %q: first equity %g is not positive, so growth of 1 is undefined", s.Name, v)
				}
				if math.IsNaN(base) {
					base = v
				}
				r.first, first = x, false
			}
			r.last = x
			peak = math.Max(peak, v)
			emit(j, x, v/base, 100*(v/peak-1))
		}
		if first {
			return nil, fmt.Errorf("charts: run %q has no finite value", s.Name)
		}
		if gr != nil {
			r.x, r.growth = gr.Result()
			r.ddx, r.dd = dr.Result()
		}
		runs[i] = r
	}
	return runs, nil
}

// columns is the number of buckets a line is reduced to for a chart of
// opt's width in format f: one per pixel column of the whole canvas for
// PNG (more than the data area has), and one per CSS pixel (96 per inch)
// for SVG, which a browser draws at about that scale.
func columns(f Format, opt Options) int {
	w := opt.Width
	if w <= 0 {
		w = defaultWidth
	}
	dpi := 96
	if f == PNG {
		dpi = opt.DPI
		if dpi <= 0 {
			dpi = defaultDPI
		}
	}
	return max(16, int(math.Ceil(float64(w/vg.Inch)*float64(dpi))))
}

// Fonts. Liberation Sans is metric-compatible with Arial and Helvetica, the
// fallbacks named in SVG output.
var (
	sans      = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold  = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	titleSize = vg.Points(15)
	bodySize  = vg.Points(10.5)
	tickSize  = vg.Points(9.5)
)

func textStyle(f font.Font, size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(f, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YTop,
		Handler: plot.DefaultTextHandler,
	}
}

func drawEquityDrawdown(dc draw.Canvas, opt Options, curves []Series, cols int) error {
	runs, err := prepare(opt, curves, cols)
	if err != nil {
		return err
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		xmin, xmax = math.Min(xmin, r.first), math.Max(xmax, r.last)
	}
	if xmin == xmax { // a single instant: widen to a day so the axis has extent
		xmin, xmax = xmin-43200, xmax+43200
	}

	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	pad := vg.Points(12)
	area := draw.Crop(dc, pad, -pad, pad, -pad)
	area.Max.Y = drawHeader(area, opt)
	area.Max.Y = drawLegend(area, runs) - vg.Points(4)

	width := area.Max.X - area.Min.X
	maxMajor := max(3, int(width/vg.Points(80)))
	ticks := dateTicks(xmin, xmax, maxMajor)
	majors := majorValues(ticks, xmin, xmax)

	top := newPanel(xmin, xmax, ticks, majors)
	top.Y.Label.Text = "growth of 1 (equity ÷ first value)"
	if !slices.ContainsFunc(curves, func(s Series) bool { return !(s.Initial > 0) }) {
		top.Y.Label.Text = "growth of 1 (equity ÷ initial cash)"
	}
	top.Y.Tick.Marker = fixedTicks{}
	top.X.Tick.Marker = unlabelled{ticks} // the dates are under the bottom panel
	top.Add(refLine{y: 1})
	for _, r := range runs {
		top.Add(&polyline{x: r.x, y: r.growth, style: r.style})
	}
	padRange(&top.Y, 0.04)

	bottom := newPanel(xmin, xmax, ticks, majors)
	bottom.X.Label.Text = "date (UTC)"
	bottom.Y.Label.Text = "drawdown (%)"
	bottom.Add(refLine{y: 0})
	ddWidth := vg.Points(1.1)
	for _, r := range runs {
		sty := r.style
		sty.Width = ddWidth
		bottom.Add(&polyline{x: r.ddx, y: r.dd, style: sty})
	}
	bottom.Y.Max = 0
	if bottom.Y.Min > -1 {
		bottom.Y.Min = -1 // no drawdown at all: still show a scale
	}
	padRange(&bottom.Y, 0.04)

	gap := vg.Points(8)
	h := area.Max.Y - area.Min.Y - gap
	botC := area
	botC.Max.Y = area.Min.Y + h/3
	topC := area
	topC.Min.Y = botC.Max.Y + gap
	alignX([]*plot.Plot{top, bottom}, []*draw.Canvas{&topC, &botC})
	top.Draw(topC)
	bottom.Draw(botC)
	return nil
}

// fontSlack widens the room left after a piece of text that another piece
// follows on the same line. PNG text is measured and drawn with Liberation
// Sans, but an SVG viewer draws with whatever font it has: Arial and
// Helvetica share Liberation's metrics, while a fallback such as DejaVu Sans
// is up to about 10% wider and would run into the next piece.
const fontSlack = 1.12

// drawHeader draws the title (with the synthetic-data warning) and the
// caption at the top of c, and returns the y under them.
func drawHeader(c draw.Canvas, opt Options) vg.Length {
	y := c.Max.Y
	title := opt.Title
	if opt.Synthetic || title != "" {
		warn := textStyle(sansBold, titleSize, syntheticRed)
		main := textStyle(sansBold, titleSize, color.Black)
		var prefix vg.Length // room taken by the warning
		if opt.Synthetic {
			prefix = warn.Width(synthetic)
			if title != "" {
				prefix = prefix*fontSlack + vg.Points(8)
			}
		}
		x := c.Center().X - (prefix+main.Width(title))/2
		if x < c.Min.X {
			x = c.Min.X
		}
		if opt.Synthetic {
			c.FillText(warn, vg.Point{X: x, Y: y}, synthetic)
		}
		if title != "" {
			c.FillText(main, vg.Point{X: x + prefix, Y: y}, title)
		}
		y -= main.FontExtents().Height + vg.Points(3)
	}
	if opt.Caption != "" {
		sty := textStyle(sans, bodySize, textGrey)
		sty.XAlign = draw.XCenter
		// A caption wider than the chart (a comparison's dates and
		// notes) wraps at spaces instead of running off both edges.
		for _, line := range wrap(sty, opt.Caption, c.Max.X-c.Min.X) {
			c.FillText(sty, vg.Point{X: c.Center().X, Y: y}, line)
			y -= sty.FontExtents().Height
		}
	}
	if y != c.Max.Y {
		y -= vg.Points(6)
	}
	return y
}

// wrap splits text at spaces into lines no wider than width in sty (with
// fontSlack's room for an SVG viewer's wider font); a word wider than
// width alone is a line of its own.
func wrap(sty draw.TextStyle, text string, width vg.Length) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		next := w
		if line != "" {
			next = line + " " + w
		}
		if line != "" && sty.Width(next)*fontSlack > width {
			lines = append(lines, line)
			next = w
		}
		line = next
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// drawLegend draws one entry per run (a line sample and the name) in rows
// that flow left to right and wrap, at the top of c, and returns the y under
// them. The legend has a strip of its own above the panels instead of
// sitting inside one, where it would hide the lines.
func drawLegend(c draw.Canvas, runs []run) vg.Length {
	sty := textStyle(sans, bodySize, color.Black)
	ext := sty.FontExtents()
	rowH := ext.Height + vg.Points(2)
	sample, gapIn, gapOut := vg.Points(22), vg.Points(5), vg.Points(14)
	x, y := c.Min.X, c.Max.Y
	for _, r := range runs {
		w := sample + gapIn + sty.Width(r.name)*fontSlack
		if x > c.Min.X && x+w > c.Max.X {
			x, y = c.Min.X, y-rowH
		}
		mid := y - ext.Ascent/2 - ext.Descent/2 // centre of the text's x-height band
		ls := r.style
		ls.Width = vg.Points(2.5)
		c.StrokeLine2(ls, x, mid, x+sample, mid)
		c.FillText(sty, vg.Point{X: x + sample + gapIn, Y: y}, r.name)
		x += w + gapOut
	}
	return y - rowH
}

// newPanel returns a plot with the chart's axis styles, the shared x range
// and a light grid.
func newPanel(xmin, xmax float64, ticks plot.Ticker, majors []float64) *plot.Plot {
	p := styledPlot()
	p.X.Tick.Marker = ticks
	p.Add(grid{xs: majors})
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = math.Inf(1), math.Inf(-1)
	return p
}

// padRange widens an axis range by frac of its span on each side, so that
// lines do not run along the frame.
func padRange(a *plot.Axis, frac float64) {
	span := a.Max - a.Min
	if span == 0 || math.IsInf(span, 0) || math.IsNaN(span) {
		span = math.Max(math.Abs(a.Max), 1)
	}
	a.Min -= frac * span
	a.Max += frac * span
}

// majorValues returns the positions of the labelled ticks.
func majorValues(t plot.Ticker, min, max float64) []float64 {
	var out []float64
	for _, tk := range t.Ticks(min, max) {
		if !tk.IsMinor() {
			out = append(out, tk.Value)
		}
	}
	return out
}

// unlabelled keeps a ticker's positions and drops its labels, for an axis
// whose labels are drawn on another panel.
type unlabelled struct{ plot.Ticker }

func (u unlabelled) Ticks(min, max float64) []plot.Tick {
	ts := u.Ticker.Ticks(min, max)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// alignX crops the canvases of plots stacked one above the other so that
// their data areas share left and right edges, whatever the widths of their
// y axes (plot.Align does this for equal-height tiles only).
func alignX(ps []*plot.Plot, cs []*draw.Canvas) {
	for range 3 { // padding can depend on width through tick glyphs; settle it
		left, right := vg.Length(math.Inf(-1)), vg.Length(math.Inf(1))
		for i, p := range ps {
			d := p.DataCanvas(*cs[i])
			left, right = max(left, d.Min.X), min(right, d.Max.X)
		}
		done := true
		for i, p := range ps {
			d := p.DataCanvas(*cs[i])
			if d.Min.X != left || d.Max.X != right {
				done = false
				cs[i].Min.X += left - d.Min.X
				cs[i].Max.X -= d.Max.X - right
			}
		}
		if done {
			return
		}
	}
}

// polyline is a plot.Plotter drawing a line through the finite points of
// (x, y), with a gap wherever y is NaN. Unlike plotter.Line it accepts NaN
// and does not copy the data.
type polyline struct {
	x, y  []float64
	style draw.LineStyle
}

func (l *polyline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var lines [][]vg.Point
	var cur []vg.Point
	for i, y := range l.y {
		if math.IsNaN(y) {
			if len(cur) > 0 {
				lines = append(lines, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, vg.Point{X: trX(l.x[i]), Y: trY(y)})
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	lines = c.ClipLinesXY(lines...)
	if dpi := rasterDPI(c); dpi > 0 {
		strokeChunks(c, dpi, l.style, lines, strokeChunk)
		return
	}
	c.StrokeLines(l.style, lines...)
}

// rasterDPI returns the resolution of the image c draws on, or 0 when
// c is not an image canvas (an SVG chart).
func rasterDPI(c draw.Canvas) float64 {
	for {
		switch v := c.Canvas.(type) {
		case *vgimg.Canvas:
			return v.DPI()
		case draw.Canvas:
			c = v
		case *draw.Canvas:
			c = *v
		default:
			return 0
		}
	}
}

// strokeChunk is the number of points a raster line is stroked in at a
// time (see strokeChunks).
const strokeChunk = 64

// strokeChunks strokes each line on a raster canvas in pieces of up to n
// points. The rasterizer keeps each pixel row's cells in a list it
// searches from the left for every new cell, so one stroke of a line
// across the whole width costs O(cells per row²): a run's line of a few
// thousand per-pixel points took most of a PNG chart's time. Pieces
// overlap by one segment, so every join is drawn (that segment is painted
// twice, which only darkens its anti-aliased edge a little: the lines are
// opaque; a translucent line would show the overlap), and a dashed
// line's pieces carry on the pattern where the previous one was: the
// offset of each piece is the length of the line before it, measured as
// the rasterizer measures it (in pixels at dpi, on points rounded to its
// 1/64 pixel grid), so the dashes fall where one stroke puts them. n is
// at least 3 (a piece must reach past the segment it repeats).
func strokeChunks(c draw.Canvas, dpi float64, sty draw.LineStyle, lines [][]vg.Point, n int) {
	if n < 3 {
		panic(fmt.Sprintf("charts: strokeChunks of %d points", n))
	}
	grid := func(v vg.Length) float64 { return math.Round(v.Dots(dpi)*64) / 64 }
	for _, line := range lines {
		if len(line) <= n {
			c.StrokeLines(sty, line)
			continue
		}
		s := sty
		for start := 0; start < len(line)-1; {
			end := min(start+n, len(line)) - 1
			c.StrokeLines(s, line[start:end+1])
			if end == len(line)-1 {
				break
			}
			next := end - 1 // the last segment again: the join at end
			if len(sty.Dashes) > 0 {
				var dots float64
				for k := start; k < next; k++ {
					dots += math.Hypot(grid(line[k+1].X)-grid(line[k].X), grid(line[k+1].Y)-grid(line[k].Y))
				}
				s.DashOffs += vg.Length(dots / dpi * vg.Inch.Points())
			}
			start = next
		}
	}
}

// DataRange implements plot.DataRanger over the finite points.
func (l *polyline) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i, y := range l.y {
		if math.IsNaN(y) {
			continue
		}
		xmin, xmax = math.Min(xmin, l.x[i]), math.Max(xmax, l.x[i])
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	return xmin, xmax, ymin, ymax
}

// refLine is a dashed horizontal reference line across the data area.
type refLine struct{ y float64 }

func (r refLine) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(r.y)
	if y < c.Min.Y || y > c.Max.Y {
		return
	}
	c.StrokeLine2(draw.LineStyle{Color: refGrey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}, c.Min.X, y, c.Max.X, y)
}

// DataRange makes the reference value part of the y range.
func (r refLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), r.y, r.y
}

// grid draws light vertical lines at the given x values (the labelled dates,
// also on a panel whose labels are hidden) and horizontal lines at the
// labelled y ticks. It is added first, so it lies under the data.
type grid struct{ xs []float64 }

func (g grid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: gridGrey, Width: vg.Points(0.6)}
	for _, x := range g.xs {
		if x := trX(x); x >= c.Min.X && x <= c.Max.X {
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.IsMinor() {
			continue
		}
		if y := trY(tk.Value); y >= c.Min.Y && y <= c.Max.Y {
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}

// newCanvas returns an empty canvas for the format.
func newCanvas(f Format, opt Options) (vg.CanvasSizer, error) {
	w, h := opt.Width, opt.Height
	if w == 0 {
		w = defaultWidth
	}
	if h == 0 {
		h = defaultHeight
	}
	if w < 0 || h < 0 {
		return nil, fmt.Errorf("charts: size %v × %v is negative", w, h)
	}
	switch f {
	case PNG:
		dpi := opt.DPI
		if dpi == 0 {
			dpi = defaultDPI
		}
		if dpi < 0 {
			return nil, fmt.Errorf("charts: DPI %d is negative", dpi)
		}
		return pngCanvas(w, h, dpi), nil
	case SVG:
		return vgsvg.New(w, h), nil
	}
	return nil, fmt.Errorf("charts: unknown format %q (want %q or %q)", f, PNG, SVG)
}

// pngCanvas returns a white w × h canvas at dpi, as vgimg.NewWith with
// UseWH, UseDPI and a white background makes it, but drawing on the image
// it allocates: NewWith gives gg an image to copy (gg.NewContextForImage),
// a second 4 MB of a default chart allocated, faulted in and copied for
// nothing. The size vgimg reads back from the image must be w × h exactly;
// when rounding to whole pixels moves it, NewWith makes the canvas.
func pngCanvas(w, h vg.Length, dpi int) *vgimg.Canvas {
	px, py := int(w/vg.Inch*vg.Length(dpi)+0.5), int(h/vg.Inch*vg.Length(dpi)+0.5)
	if vg.Length(float64(px)/float64(dpi))*vg.Inch != w || vg.Length(float64(py)/float64(dpi))*vg.Inch != h {
		return vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	}
	img := image.NewRGBA(image.Rect(0, 0, px, py))
	ctx := gg.NewContextForRGBA(img)
	// What NewWith does to the context it makes; it fills the image
	// with its default background, white.
	ctx.SetLineCapButt()
	ctx.InvertY()
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
}

// svgFontFamily is how vgsvg names the font; svgFontFallback adds the
// metric-compatible fonts a browser without Liberation Sans should use
// instead of its default serif.
var (
	svgFontFamily   = []byte("font-family:Liberation Sans;")
	svgFontFallback = []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
)

func writeCanvas(w io.Writer, f Format, c vg.CanvasSizer) error {
	switch c := c.(type) {
	case *vgimg.Canvas:
		if err := encodePNG(w, c.Image()); err != nil {
			return fmt.Errorf("charts: writing png: %w", err)
		}
	case *vgsvg.Canvas:
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return fmt.Errorf("charts: writing svg: %w", err)
		}
		if _, err := w.Write(bytes.ReplaceAll(buf.Bytes(), svgFontFamily, svgFontFallback)); err != nil {
			return fmt.Errorf("charts: writing svg: %w", err)
		}
	default:
		panic(fmt.Sprintf("charts: canvas %T for format %q", c, f))
	}
	return nil
}
