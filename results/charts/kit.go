package charts

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file holds the pieces shared by the charts other than
// EquityDrawdown: the page frame (header and a legend strip of keys), a
// plain styled plot, filled rectangles, vertical marker lines, histograms,
// the diverging colour scale and number formats.

// key is one legend entry: a line sample when line is set, else a filled
// patch of colour fill.
type key struct {
	label string
	line  *draw.LineStyle
	fill  color.Color
}

// runKey is the legend entry of a run drawn as a line.
func runKey(name string, sty draw.LineStyle) key {
	s := sty
	return key{label: name, line: &s}
}

// drawKeys draws legend entries in rows that flow left to right and wrap,
// at the top of c, and returns the y under them. Like drawLegend it has a
// strip of its own, so it never covers data.
func drawKeys(c draw.Canvas, keys []key) vg.Length {
	if len(keys) == 0 {
		return c.Max.Y
	}
	sty := textStyle(sans, bodySize, color.Black)
	ext := sty.FontExtents()
	rowH := ext.Height + vg.Points(2)
	sample, gapIn, gapOut := vg.Points(22), vg.Points(5), vg.Points(14)
	x, y := c.Min.X, c.Max.Y
	for _, k := range keys {
		w := sample + gapIn + sty.Width(k.label)*fontSlack
		if x > c.Min.X && x+w > c.Max.X {
			x, y = c.Min.X, y-rowH
		}
		mid := y - ext.Ascent/2 - ext.Descent/2
		if k.line != nil {
			ls := *k.line
			ls.Width = max(ls.Width, vg.Points(2.5))
			c.StrokeLine2(ls, x, mid, x+sample, mid)
		} else {
			h := ext.Ascent * 0.8
			c.FillPolygon(k.fill, []vg.Point{{X: x, Y: mid - h/2}, {X: x + sample, Y: mid - h/2}, {X: x + sample, Y: mid + h/2}, {X: x, Y: mid + h/2}})
		}
		c.FillText(sty, vg.Point{X: x + sample + gapIn, Y: y}, k.label)
		x += w + gapOut
	}
	return y - rowH
}

// frame paints the background, the header and the legend keys, and returns
// the area left for the panels.
func frame(dc draw.Canvas, opt Options, keys []key) draw.Canvas {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	pad := vg.Points(12)
	area := draw.Crop(dc, pad, -pad, pad, -pad)
	area.Max.Y = drawHeader(area, opt)
	if len(keys) > 0 {
		area.Max.Y = drawKeys(area, keys) - vg.Points(4)
	}
	return area
}

// styledPlot returns an empty plot with the axis styles of the charts,
// no ticker and empty ranges.
func styledPlot() *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = textStyle(sans, bodySize, color.Black)
		a.Label.TextStyle.XAlign = draw.XCenter
		a.Tick.Label = textStyle(sans, tickSize, textGrey)
		a.Color = textGrey
		a.Tick.Color = textGrey
		a.Padding = vg.Points(3)
	}
	p.X.Label.TextStyle.YAlign = draw.YBottom
	p.Y.Label.TextStyle.YAlign = draw.YBottom
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.X.Min, p.X.Max = math.Inf(1), math.Inf(-1)
	p.Y.Min, p.Y.Max = math.Inf(1), math.Inf(-1)
	return p
}

// valuePanel returns a plot with the value ticker on y and a light grid at
// the labelled ticks of both axes, added before any data.
func valuePanel() *plot.Plot {
	p := styledPlot()
	p.Add(valueGrid{})
	return p
}

// settle gives an axis that received no finite data a unit range around 0,
// so that an empty panel still draws.
func settle(a *plot.Axis) {
	if !(a.Min <= a.Max) || math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = -1, 1
	}
}

// valueGrid draws light lines at the labelled ticks of both axes.
type valueGrid struct{}

func (valueGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: gridGrey, Width: vg.Points(0.6)}
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.IsMinor() {
			continue
		}
		if x := trX(tk.Value); x >= c.Min.X && x <= c.Max.X {
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

// rect is a filled rectangle in data coordinates.
type rect struct {
	x0, x1, y0, y1 float64
	fill           color.Color
}

// rects draws filled rectangles (histogram bins, bars, heatmap cells).
type rects []rect

func (rs rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range rs {
		pts := []vg.Point{
			{X: trX(r.x0), Y: trY(r.y0)}, {X: trX(r.x1), Y: trY(r.y0)},
			{X: trX(r.x1), Y: trY(r.y1)}, {X: trX(r.x0), Y: trY(r.y1)},
		}
		c.FillPolygon(r.fill, c.ClipPolygonXY(pts))
	}
}

func (rs rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, r := range rs {
		xmin, xmax = math.Min(xmin, math.Min(r.x0, r.x1)), math.Max(xmax, math.Max(r.x0, r.x1))
		ymin, ymax = math.Min(ymin, math.Min(r.y0, r.y1)), math.Max(ymax, math.Max(r.y0, r.y1))
	}
	return xmin, xmax, ymin, ymax
}

// vline is a vertical marker at x across the data area, with a label at
// its top, on the left or right side of the line.
type vline struct {
	x     float64
	style draw.LineStyle
	label string
	row   int  // label row from the top (0 = first), to keep labels apart
	left  bool // label to the left of the line
}

func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	if x < c.Min.X || x > c.Max.X {
		return
	}
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
	if v.label == "" {
		return
	}
	sty := textStyle(sansBold, tickSize, v.style.Color)
	h := sty.FontExtents().Height
	y := c.Max.Y - vg.Points(3) - vg.Length(v.row)*h
	w := sty.Width(v.label)
	left := v.left
	if left && x-vg.Points(4)-w < c.Min.X {
		left = false // no room on the left: write it on the right, one row down
		y -= h
	} else if !left && x+vg.Points(4)+w > c.Max.X {
		left = true
		y -= h
	}
	if left {
		sty.XAlign = draw.XRight
		c.FillText(sty, vg.Point{X: x - vg.Points(4), Y: y}, v.label)
	} else {
		c.FillText(sty, vg.Point{X: x + vg.Points(4), Y: y}, v.label)
	}
}

func (v vline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return v.x, v.x, math.Inf(1), math.Inf(-1)
}

// band fills the area between two curves over x, skipping points where
// either is NaN (each finite stretch is its own polygon).
type band struct {
	x, lo, hi []float64
	fill      color.Color
}

func (b band) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	flush := func(from, to int) {
		if to-from < 2 {
			return
		}
		pts := make([]vg.Point, 0, 2*(to-from))
		for i := from; i < to; i++ {
			pts = append(pts, vg.Point{X: trX(b.x[i]), Y: trY(b.hi[i])})
		}
		for i := to - 1; i >= from; i-- {
			pts = append(pts, vg.Point{X: trX(b.x[i]), Y: trY(b.lo[i])})
		}
		c.FillPolygon(b.fill, c.ClipPolygonXY(pts))
	}
	start := 0
	for i := range b.x {
		if math.IsNaN(b.lo[i]) || math.IsNaN(b.hi[i]) {
			flush(start, i)
			start = i + 1
		}
	}
	flush(start, len(b.x))
}

func (b band) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range b.x {
		if math.IsNaN(b.lo[i]) || math.IsNaN(b.hi[i]) {
			continue
		}
		xmin, xmax = math.Min(xmin, b.x[i]), math.Max(xmax, b.x[i])
		ymin, ymax = math.Min(ymin, b.lo[i]), math.Max(ymax, b.hi[i])
	}
	return xmin, xmax, ymin, ymax
}

// histogram bins the finite values of xs into n equal bins over [lo, hi]
// and returns the bin edges and counts.
func histogram(xs []float64, lo, hi float64, n int) (edges []float64, counts []float64) {
	if !(hi > lo) {
		lo, hi = lo-0.5, hi+0.5
	}
	edges = make([]float64, n+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	counts = make([]float64, n)
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		k := int((x - lo) / (hi - lo) * float64(n))
		k = min(max(k, 0), n-1)
		counts[k]++
	}
	return edges, counts
}

// binCount is the number of histogram bins for n values: √n, between 10
// and 60.
func binCount(n int) int {
	return min(max(int(math.Round(math.Sqrt(float64(n)))), 10), 60)
}

// finiteRange returns the smallest and largest finite values of the slices.
func finiteRange(xss ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, xs := range xss {
		for _, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	return lo, hi, lo <= hi
}

// withAlpha returns c with the given opacity (0..1), non-premultiplied.
func withAlpha(c color.Color, a float64) color.Color {
	r := color.NRGBAModel.Convert(c).(color.NRGBA)
	r.A = uint8(math.Round(255 * a))
	return r
}

// Diverging colour scale (ColorBrewer RdBu, 7 classes: red for losses, blue
// for gains, near-white at zero), interpolated linearly.
var diverging = [...]color.RGBA{
	{0xb2, 0x18, 0x2b, 0xff},
	{0xef, 0x8a, 0x62, 0xff},
	{0xfd, 0xdb, 0xc7, 0xff},
	{0xf7, 0xf7, 0xf7, 0xff},
	{0xd1, 0xe5, 0xf0, 0xff},
	{0x67, 0xa9, 0xcf, 0xff},
	{0x21, 0x66, 0xac, 0xff},
}

// missingGrey fills a cell without a value.
var missingGrey = color.RGBA{0xd9, 0xd9, 0xd9, 0xff}

// divergingColor maps v in [-limit, limit] onto the diverging scale, 0 at
// the white centre; values beyond the limit take the end colours.
func divergingColor(v, limit float64) color.RGBA {
	if math.IsNaN(v) {
		return missingGrey
	}
	if !(limit > 0) {
		return diverging[len(diverging)/2]
	}
	t := (math.Max(-1, math.Min(1, v/limit)) + 1) / 2 * float64(len(diverging)-1) // 0..6
	i := min(int(t), len(diverging)-2)
	f := t - float64(i)
	a, b := diverging[i], diverging[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// inkOn returns black or white, whichever reads better on fill.
func inkOn(fill color.Color) color.Color {
	r, g, b, _ := fill.RGBA()
	lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 0xffff
	if lum < 0.55 {
		return color.White
	}
	return color.Black
}

// moneyTicks labels a money axis with k, M and B suffixes.
type moneyTicks struct{}

func (moneyTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = formatMoney(ts[i].Value)
		}
	}
	return ts
}

// fixedTicks labels an axis with as many decimals as its step between
// labelled ticks needs, the same for every label: 0.975, 1.000, 1.025,
// 1.050 (the default ticker's significant digits wrote 1.025 as "1.03",
// beside a tick a quarter of a step from where 1.03 stands).
type fixedTicks struct{}

func (fixedTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	step := math.Inf(1)
	prev := math.NaN()
	for _, t := range ts {
		if t.Label == "" {
			continue
		}
		if !math.IsNaN(prev) {
			step = math.Min(step, t.Value-prev)
		}
		prev = t.Value
	}
	dec := 0
	if step > 0 && !math.IsInf(step, 0) {
		// Enough decimals to write the step itself (0.025: 3), whole
		// steps none.
		for dec < 10 && math.Abs(step*math.Pow10(dec)-math.Round(step*math.Pow10(dec))) > 1e-9*math.Pow10(dec) {
			dec++
		}
	}
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', dec, 64)
		}
	}
	return ts
}

// countTicks labels an axis of counts: whole numbers only, without
// decimals.
type countTicks struct{}

func (countTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	out := ts[:0]
	for _, t := range ts {
		if t.Label != "" {
			if t.Value != math.Trunc(t.Value) {
				continue // a fractional count: drop the tick
			}
			t.Label = strconv.FormatFloat(t.Value, 'f', 0, 64)
		}
		out = append(out, t)
	}
	return out
}

// formatMoney writes an amount with at most three significant digits and
// a k, M or B suffix: 1250000 → "1.25M", -3500 → "-3.5k".
func formatMoney(v float64) string {
	a := math.Abs(v)
	var s, suffix string
	switch {
	case a >= 1e9:
		s, suffix = strconv.FormatFloat(v/1e9, 'f', -1, 64), "B"
	case a >= 1e6:
		s, suffix = strconv.FormatFloat(v/1e6, 'f', -1, 64), "M"
	case a >= 1e3:
		s, suffix = strconv.FormatFloat(v/1e3, 'f', -1, 64), "k"
	default:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(f, 'g', 3, 64)
		if strings.ContainsAny(s, "e") {
			s = strconv.FormatFloat(f, 'f', 0, 64)
		}
	}
	return minus(s) + suffix
}

// formatPercent writes a decimal as a percentage with the given number of
// decimals and a minus sign (not a hyphen) for losses: −0.0381 → "−3.81%".
func formatPercent(v float64, decimals int) string {
	return minus(strconv.FormatFloat(100*v, 'f', decimals, 64)) + "%"
}

// minus replaces a leading hyphen by the typographic minus sign.
func minus(s string) string {
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// categoryTicks labels integer-centred categories: label i at i+0.5.
func categoryTicks(labels []string) plot.ConstantTicks {
	ts := make([]plot.Tick, len(labels))
	for i, l := range labels {
		ts[i] = plot.Tick{Value: float64(i) + 0.5, Label: l}
	}
	return ts
}

// paletteOf returns opt.Palette, or the palette of names when it is nil,
// and checks that every name is in it.
func paletteOf(opt Options, names []string) (*Palette, error) {
	pal := opt.Palette
	if pal == nil {
		pal = NewPalette(names)
	}
	for _, n := range names {
		if pal.Index(n) < 0 {
			return nil, fmt.Errorf("charts: run %q is not in the palette", n)
		}
	}
	return pal, nil
}

// lineStyle is the line style of a run in the palette.
func lineStyle(pal *Palette, name string, width vg.Length) draw.LineStyle {
	k := pal.Index(name)
	return draw.LineStyle{Color: Color(k), Width: width, Dashes: Dashes(k)}
}

// timeAxis sets a time x axis over [xmin, xmax] (UTC Unix seconds) with
// calendar ticks for a data area about width wide, and returns the ticker
// and its labelled positions.
func timeAxis(xmin, xmax float64, width vg.Length) (plot.Ticker, []float64) {
	if xmin == xmax {
		xmin, xmax = xmin-43200, xmax+43200
	}
	maxMajor := max(3, int(width/vg.Points(80)))
	ticks := dateTicks(xmin, xmax, maxMajor)
	return ticks, majorValues(ticks, xmin, xmax)
}

// ReturnsOf returns the simple per-period returns of an equity series, one
// per point: row 0 is NaN, and so is a row where this or the previous
// value is missing (NaN, ±Inf) or the previous value is not positive.
func ReturnsOf(values []float64) []float64 {
	r := make([]float64, len(values))
	for k := range values {
		r[k] = math.NaN()
		if k == 0 {
			continue
		}
		a, b := values[k-1], values[k]
		if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || math.IsInf(b, 0) || a <= 0 {
			continue
		}
		r[k] = b/a - 1
	}
	return r
}

// checkSeries reports a series whose times and values differ in length or
// whose times are not strictly increasing.
func checkSeries(s Series) error {
	if len(s.Time) != len(s.Values) {
		return fmt.Errorf("charts: run %q has %d times and %d values", s.Name, len(s.Time), len(s.Values))
	}
	for j := 1; j < len(s.Time); j++ {
		if s.Time[j] <= s.Time[j-1] {
			return fmt.Errorf("charts: run %q: time %d at point %d is not after the previous %d", s.Name, s.Time[j], j, s.Time[j-1])
		}
	}
	return nil
}
