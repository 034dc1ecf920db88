package charts

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/divergence-research/divergence/results/metrics"
)

// Matrix is a table of one metric over two categories, drawn by [Heatmap]:
// typically strategies (rows) × scenarios (columns).
type Matrix struct {
	// Metric names the value in each cell, with its unit, for the colour
	// scale's label: "total return (%)", "Sharpe ratio".
	Metric string
	// Rows and Cols label the rows (top to bottom) and columns (left to
	// right). Row labels that are run names in the palette get a swatch of
	// the run's colour.
	Rows, Cols []string
	// Values holds len(Rows) rows of len(Cols) values; NaN is a missing
	// cell (grey, written "n/a").
	Values [][]float64
	// RowAxis and ColAxis title the axes; empty means "strategy" and
	// "scenario".
	RowAxis, ColAxis string
	// Percent writes values as percentages (0.123 → "12.3%"); otherwise
	// they are written with Decimals decimals.
	Percent bool
	// Decimals is the number of decimals written in a cell; 0 means 1 for
	// percentages and 2 otherwise.
	Decimals int
	// Limit, when positive, is the colour scale's half-range: values in
	// [−Limit, Limit] span the scale and values beyond take its end
	// colours (their text still says the value). 0 means the largest
	// absolute value, which lets one outlier wash out every other cell;
	// see [RobustLimit].
	Limit float64
	// Marks, when set (len(Rows) rows of len(Cols), or nil), flag cells
	// whose value is not a full measure of what the chart compares: an
	// Unmeasured cell is drawn pale with a dashed border instead of its
	// colour, its value in grey; a Partial one keeps its colour and gets
	// a dark corner; an Untouched one (a measure whose scenario aimed at
	// nothing in it) keeps its colour inside a dotted border. The legend
	// beside the colour bar names each mark present, in MarkNames' words
	// ([DefaultMarkNames] when empty).
	Marks [][]Mark
	// MarkNames are the legend's words for Unmeasured, Partial and
	// Untouched cells.
	MarkNames [3]string
}

// Mark flags a heatmap cell (Matrix.Marks).
type Mark uint8

// The marks of a heatmap cell.
const (
	Measured   Mark = iota // drawn as its value says
	Unmeasured             // not a measure: pale, dashed border, grey text
	Partial                // a partial measure: a dark corner
	Untouched              // a measure of nothing happening: its colour, a dotted border
)

// DefaultMarkNames are Matrix.MarkNames when it is empty.
func DefaultMarkNames() [3]string {
	return [3]string{"not measured", "partly measured", "untouched"}
}

// MarkAt is cell (i, j)'s mark (Measured when Marks has none for it).
func (m *Matrix) MarkAt(i, j int) Mark {
	if i < len(m.Marks) && j < len(m.Marks[i]) {
		return m.Marks[i][j]
	}
	return Measured
}

// MarkWords are the legend's words for the marks: MarkNames, or
// DefaultMarkNames when it is empty.
func (m *Matrix) MarkWords() [3]string {
	if m.MarkNames == ([3]string{}) {
		return DefaultMarkNames()
	}
	return m.MarkNames
}

// unmeasuredCell draws an Unmeasured cell, the rectangle pts (corners
// from the bottom left, counter-clockwise): white, hatched in
// missingGrey at 45°, with a dashed border, unlike any value's colour.
func unmeasuredCell(c draw.Canvas, pts []vg.Point) {
	c.FillPolygon(color.White, pts)
	x0, y0 := pts[0].X, pts[0].Y
	w, h := pts[2].X-x0, pts[2].Y-y0
	hatch := draw.LineStyle{Color: missingGrey, Width: vg.Points(0.8)}
	step := vg.Points(5)
	// Lines v = u − d (u, v from the bottom left corner), d from −h to w.
	for d := -h + step/2; d < w; d += step {
		ua, ub := max(d, 0), min(d+h, w)
		if ua < ub {
			c.StrokeLine2(hatch, x0+ua, y0+ua-d, x0+ub, y0+ub-d)
		}
	}
	c.StrokeLines(draw.LineStyle{Color: textGrey, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}, append(pts, pts[0]))
}

// dottedBorder draws an Untouched cell's border around pts.
func dottedBorder(c draw.Canvas, pts []vg.Point) {
	c.StrokeLines(draw.LineStyle{Color: textGrey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(0.8), vg.Points(1.6)}}, append(pts, pts[0]))
}

// partialCorner draws a Partial cell's dark corner: a triangle at the top
// right of the cell x0…x1 × y0…y1 (y1 the top), side k.
func partialCorner(c draw.Canvas, x1, y1, k vg.Length) {
	c.FillPolygon(textGrey, []vg.Point{{X: x1 - k, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y1 - k}})
}

// RobustLimit is a colour limit for a matrix that one outlier cannot
// wash out: the 90th percentile of the finite cells' absolute values
// (linear interpolation), or 0 when there is none.
func RobustLimit(m Matrix) float64 {
	var abs []float64
	for _, row := range m.Values {
		for _, v := range row {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				abs = append(abs, math.Abs(v))
			}
		}
	}
	if len(abs) == 0 {
		return 0
	}
	return metrics.Quantile(abs, 0.9)
}

// Heatmap draws a matrix as a grid of coloured cells with each value
// written in its cell, and writes the chart to w as PNG or SVG. The colour
// scale diverges around 0 (red below, blue above, white at 0) and is
// symmetric: its ends are ± the largest absolute finite value, shown on a
// colour bar under the title.
func Heatmap(w io.Writer, f Format, opt Options, m Matrix) error {
	if err := checkMatrix(m); err != nil {
		return err
	}
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	rowAxis, colAxis := m.RowAxis, m.ColAxis
	if rowAxis == "" {
		rowAxis = "strategy"
	}
	if colAxis == "" {
		colAxis = "scenario"
	}
	drawMatrix(draw.New(c), opt, m, colAxis, rowAxis, nil, 0)
	return writeCanvas(w, f, c)
}

func checkMatrix(m Matrix) error {
	if len(m.Rows) == 0 || len(m.Cols) == 0 {
		return errors.New("charts: matrix has no rows or no columns")
	}
	if len(m.Values) != len(m.Rows) {
		return fmt.Errorf("charts: matrix has %d rows of values for %d row labels", len(m.Values), len(m.Rows))
	}
	for i, r := range m.Values {
		if len(r) != len(m.Cols) {
			return fmt.Errorf("charts: matrix row %q has %d values for %d columns", m.Rows[i], len(r), len(m.Cols))
		}
	}
	return nil
}

// MonthlyReturns draws one run's monthly returns as a heatmap, years
// (rows, oldest on top) × months (columns), with each month's return in
// percent written in its cell and a last column with the year's return, and
// writes the chart to w as PNG or SVG.
//
// A month's return is the last finite equity of the month over the last
// finite equity before the month, minus 1; the first month is measured from
// the series' first finite value, so a partial first or last month covers
// only the days it has. A month without data is grey. The colour scale spans the monthly returns; a
// year's return beyond it takes the end colour.
func MonthlyReturns(w io.Writer, f Format, opt Options, s Series) error {
	if err := checkSeries(s); err != nil {
		return err
	}
	m, err := monthlyMatrix(s)
	if err != nil {
		return err
	}
	c, err := newCanvas(f, opt)
	if err != nil {
		return err
	}
	drawMatrix(draw.New(c), opt, m, "month", "year", &monthlyKey{name: s.Name, pal: opt.Palette}, 12)
	return writeCanvas(w, f, c)
}

// monthlyKey puts the run's colour in the legend of a monthly heatmap.
type monthlyKey struct {
	name string
	pal  *Palette
}

var monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// monthlyMatrix computes the years × 13 matrix (12 months and the year) of
// a series' returns.
func monthlyMatrix(s Series) (Matrix, error) {
	type mark struct {
		ym   int // year*12 + month-1
		last float64
	}
	var marks []mark // last finite value of each month with data, in order
	base := s.base() // the first month's return from the initial cash
	for k, v := range s.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		t := time.Unix(0, s.Time[k]).UTC()
		ym := t.Year()*12 + int(t.Month()) - 1
		if n := len(marks); n > 0 && marks[n-1].ym == ym {
			marks[n-1].last = v
		} else {
			marks = append(marks, mark{ym, v})
		}
	}
	if len(marks) == 0 {
		return Matrix{}, fmt.Errorf("charts: run %q has no finite value", s.Name)
	}
	if base <= 0 {
		return Matrix{}, fmt.Errorf("charts: run %q: first equity %g is not positive, so returns are undefined", s.Name, base)
	}
	y0, y1 := marks[0].ym/12, marks[len(marks)-1].ym/12
	m := Matrix{Metric: "monthly return (%)", Percent: true}
	m.Cols = append(monthNames[:], "Year")
	for y := y0; y <= y1; y++ {
		m.Rows = append(m.Rows, strconv.Itoa(y))
		row := make([]float64, 13)
		for i := range row {
			row[i] = math.NaN()
		}
		m.Values = append(m.Values, row)
	}
	prev := base
	yearStart := base
	for i, mk := range marks {
		y := mk.ym / 12
		m.Values[y-y0][mk.ym%12] = mk.last/prev - 1
		prev = mk.last
		if i == len(marks)-1 || marks[i+1].ym/12 != y {
			m.Values[y-y0][12] = mk.last/yearStart - 1
			yearStart = mk.last
		}
		if prev <= 0 { // wiped out: later returns are undefined
			break
		}
	}
	return m, nil
}

// drawMatrix draws the matrix heatmap. xLabel and yLabel name the axes.
// When mk is set, the legend strip shows the run's colour. The colour
// scale spans the values of the first scaleCols columns (0: all), so that a
// total column does not wash out the others; larger values take the end
// colours.
func drawMatrix(dc draw.Canvas, opt Options, m Matrix, xLabel, yLabel string, mk *monthlyKey, scaleCols int) {
	if scaleCols == 0 {
		scaleCols = len(m.Cols)
	}
	limit := m.Limit
	if !(m.Limit > 0) {
		for _, row := range m.Values {
			for _, v := range row[:scaleCols] {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					limit = math.Max(limit, math.Abs(v))
				}
			}
		}
	}
	decimals := m.decimals()
	format := m.CellText
	scale := func(v float64) string {
		if m.Percent {
			return minus(strconv.FormatFloat(100*v, 'f', decimals, 64)) + "%"
		}
		return minus(strconv.FormatFloat(v, 'f', decimals, 64))
	}

	var keys []key
	if mk != nil {
		pal := mk.pal
		if pal == nil || pal.Index(mk.name) < 0 {
			pal = NewPalette([]string{mk.name})
		}
		keys = append(keys, key{label: mk.name, fill: pal.Color(mk.name)})
	}
	area := frame(dc, opt, keys)

	// Colour bar: a strip of the scale with its ends and centre labelled.
	{
		lab := textStyle(sans, tickSize, textGrey)
		miss := textStyle(sans, tickSize, textGrey)
		miss.YAlign = draw.YCenter
		sw := vg.Points(12)
		// The marks present, named in a legend beside the bar.
		var unmeasured, partial, untouched bool
		for i := range m.Marks {
			for j := range m.Marks[i] {
				unmeasured = unmeasured || m.Marks[i][j] == Unmeasured
				partial = partial || m.Marks[i][j] == Partial
				untouched = untouched || m.Marks[i][j] == Untouched
			}
		}
		names := m.MarkWords()
		legendW := miss.Width("n/a: no data")
		for k, on := range []bool{unmeasured, partial, untouched} {
			if on {
				legendW = max(legendW, miss.Width(names[k]))
			}
		}
		barW := min(vg.Points(300), (area.Max.X-area.Min.X)/2)
		// The legend ends inside the chart: a long name narrows the bar,
		// which is centred, so that its right end leaves the room.
		if room := 2 * (area.Max.X - area.Center().X - vg.Points(14) - sw - vg.Points(4) - legendW*fontSlack); room < barW {
			barW = max(room, vg.Points(100))
		}
		barH := vg.Points(9)
		x0 := area.Center().X - barW/2
		y := area.Max.Y - lab.FontExtents().Height
		title := textStyle(sans, tickSize, color.Black)
		title.XAlign = draw.XRight
		title.YAlign = draw.YCenter
		dc := area
		dc.FillText(title, vg.Point{X: x0 - vg.Points(8), Y: y - barH/2}, m.Metric+" scale")
		const steps = 60
		for i := range steps {
			v := limit * (2*(float64(i)+0.5)/steps - 1)
			xa := x0 + barW*vg.Length(i)/steps
			xb := x0 + barW*vg.Length(i+1)/steps + vg.Points(0.3)
			dc.FillPolygon(divergingColor(v, limit), []vg.Point{{X: xa, Y: y - barH}, {X: xb, Y: y - barH}, {X: xb, Y: y}, {X: xa, Y: y}})
		}
		lab.YAlign = draw.YTop
		for _, e := range []struct {
			x     vg.Length
			v     float64
			align draw.XAlignment
		}{{x0, -limit, draw.XLeft}, {x0 + barW/2, 0, draw.XCenter}, {x0 + barW, limit, draw.XRight}} {
			lab.XAlign = e.align
			dc.FillText(lab, vg.Point{X: e.x, Y: y - barH - vg.Points(1)}, scale(e.v))
		}
		mx := x0 + barW + vg.Points(14)
		dc.FillPolygon(missingGrey, []vg.Point{{X: mx, Y: y - barH}, {X: mx + sw, Y: y - barH}, {X: mx + sw, Y: y}, {X: mx, Y: y}})
		dc.FillText(miss, vg.Point{X: mx + sw + vg.Points(4), Y: y - barH/2}, "n/a: no data")
		// The marks present, after it, each under the one before, beside
		// the colour bar's labels.
		ly := y
		bottom := y - barH - lab.FontExtents().Height - vg.Points(8)
		for k, on := range []bool{unmeasured, partial, untouched} {
			if !on {
				continue
			}
			ly -= barH + vg.Points(4)
			swatch := []vg.Point{{X: mx, Y: ly - barH}, {X: mx + sw, Y: ly - barH}, {X: mx + sw, Y: ly}, {X: mx, Y: ly}}
			switch k {
			case 0:
				unmeasuredCell(dc, swatch)
			case 1:
				dc.FillPolygon(missingGrey, swatch)
				partialCorner(dc, mx+sw, ly, barH*0.6)
			default:
				dc.FillPolygon(color.White, swatch)
				dottedBorder(dc, swatch)
			}
			dc.FillText(miss, vg.Point{X: mx + sw + vg.Points(4), Y: ly - barH/2}, names[k])
			bottom = min(bottom, ly-barH-vg.Points(8))
		}
		area.Max.Y = bottom
	}

	nr, nc := len(m.Rows), len(m.Cols)
	p := styledPlot()
	p.X.Min, p.X.Max = 0, float64(nc)
	p.Y.Min, p.Y.Max = 0, float64(nr)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.X.Tick.Marker = categoryTicks(m.Cols)
	rowLabels := make([]string, nr)
	for i := range m.Rows {
		rowLabels[nr-1-i] = m.Rows[i]
	}
	p.Y.Tick.Marker = categoryTicks(rowLabels)
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.X.LineStyle.Width, p.Y.LineStyle.Width = 0, 0

	// Rows lower than a label are labelled every k-th row: decades of
	// years in a monthly heatmap (or a stress test of many runs)
	// otherwise overprint one another in a black bar, each label
	// measured for nothing. The data area's height does not depend on
	// the row labels.
	dca := p.DataCanvas(area)
	if k := rowStep((dca.Max.Y-dca.Min.Y)/vg.Length(nr), 1.2*p.Y.Tick.Label.FontExtents().Height, nr); k > 1 {
		p.Y.Tick.Marker = everyKth(rowLabels, k)
		dca = p.DataCanvas(area)
	}

	// Rotate long column labels so that they do not run into each other.
	cellW := (dca.Max.X - dca.Min.X) / vg.Length(nc)
	widest := vg.Length(0)
	for _, l := range m.Cols {
		widest = max(widest, p.X.Tick.Label.Width(l))
	}
	if widest > cellW*0.95 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}

	cells := &cellGrid{m: m, limit: limit, format: format}
	p.Add(cells)
	if mk == nil && opt.Palette != nil {
		p.Add(rowSwatches{rows: m.Rows, pal: opt.Palette})
		p.Y.Padding = vg.Points(14) // room for the swatches between labels and cells
	}
	p.Draw(area)
}

// rowStep is the step k, the first of 1, 2, 5, 10, 20, 50, … (at most
// n), at which labels of height need fit rows of height cell: k rows
// between two labels.
func rowStep(cell, need vg.Length, n int) int {
	if !(cell > 0) || cell >= need {
		return 1
	}
	for m := 1; ; m *= 10 {
		for _, k := range []int{m, 2 * m, 5 * m} {
			if k >= n || vg.Length(k)*cell >= need {
				return min(k, n)
			}
		}
	}
}

// everyKth returns the category ticks of labels (bottom to top, as
// [categoryTicks] takes them) with every k-th labelled and the others
// left out. Labels that count by one (the years of a monthly heatmap)
// are labelled at the multiples of k (1990, 2000, 2010); others every
// k-th from the top row, the first.
func everyKth(labels []string, k int) plot.ConstantTicks {
	n := len(labels)
	years := make([]int, n)
	byOne := n > 1
	for i, l := range labels {
		v, err := strconv.Atoi(l)
		if err != nil || (i > 0 && v-years[i-1] != 1 && v-years[i-1] != -1) || (i > 1 && v-years[i-1] != years[i-1]-years[i-2]) {
			byOne = false
			break
		}
		years[i] = v
	}
	var ts []plot.Tick
	for i, l := range labels {
		keep := (n-1-i)%k == 0
		if byOne {
			keep = (years[i]%k+k)%k == 0
		}
		if keep {
			ts = append(ts, plot.Tick{Value: float64(i) + 0.5, Label: l})
		}
	}
	return ts
}

// cellGrid draws the matrix cells and their numbers; row 0 is at the top.
type cellGrid struct {
	m      Matrix
	limit  float64
	format func(float64) string
}

func (g *cellGrid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	nr := len(g.m.Rows)
	cellW := trX(1) - trX(0)
	cellH := trY(1) - trY(0)
	// The numbers shrink until the widest fits its cell; when even the
	// smallest size does not (decades of months in a short chart), the
	// cells are drawn without them. Each distinct label is measured once,
	// at the largest size, to find the widest.
	size, labels := bodySize, false
	if textStyle(sans, vg.Points(5), color.Black).FontExtents().Height < cellH*0.9 {
		big := textStyle(sans, bodySize, color.Black)
		seen := map[string]bool{}
		widest, widestW := "", vg.Length(-1)
		for _, row := range g.m.Values {
			for _, v := range row {
				t := g.format(v)
				if seen[t] {
					continue
				}
				seen[t] = true
				if w := big.Width(t); w > widestW {
					widest, widestW = t, w
				}
			}
		}
		for ; size >= vg.Points(5); size -= vg.Points(0.5) {
			sty := textStyle(sans, size, color.Black)
			if sty.FontExtents().Height < cellH*0.9 && sty.Width(widest) <= cellW*0.9 {
				labels = true
				break
			}
		}
	}
	gap := min(vg.Points(1), cellH/8, cellW/8) // thin rows keep their colour
	for i, row := range g.m.Values {
		y0, y1 := trY(float64(nr-1-i)), trY(float64(nr-i))
		for j, v := range row {
			x0, x1 := trX(float64(j)), trX(float64(j+1))
			fill := divergingColor(v, g.limit)
			if math.IsInf(v, 0) {
				fill = divergingColor(math.Copysign(g.limit, v), g.limit)
			}
			pts := []vg.Point{{X: x0 + gap, Y: y0 + gap}, {X: x1 - gap, Y: y0 + gap}, {X: x1 - gap, Y: y1 - gap}, {X: x0 + gap, Y: y1 - gap}}
			ink := inkOn(fill)
			switch g.m.MarkAt(i, j) {
			case Unmeasured:
				unmeasuredCell(c, pts)
				ink = textGrey
			case Partial:
				c.FillPolygon(fill, pts)
				partialCorner(c, x1-gap, y1-gap, min(cellW, cellH)*0.2)
			case Untouched:
				c.FillPolygon(fill, pts)
				dottedBorder(c, pts)
			default:
				c.FillPolygon(fill, pts)
			}
			if !labels {
				continue
			}
			sty := textStyle(sans, size, ink)
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, g.format(v))
		}
	}
}

// rowSwatches draws a small square of each row's run colour just left of
// the data area, when the row label is a run in the palette.
type rowSwatches struct {
	rows []string
	pal  *Palette
}

func (s rowSwatches) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	nr := len(s.rows)
	sz := vg.Points(7)
	for i, name := range s.rows {
		if s.pal.Index(name) < 0 {
			continue
		}
		y := (trY(float64(nr-1-i)) + trY(float64(nr-i))) / 2
		x := c.Min.X - vg.Points(2) - sz
		c.FillPolygon(s.pal.Color(name), []vg.Point{{X: x, Y: y - sz/2}, {X: x + sz, Y: y - sz/2}, {X: x + sz, Y: y + sz/2}, {X: x, Y: y + sz/2}})
	}
}

// decimals is the cells' number of decimals: Decimals, else 1 for
// percentages and 2 for other values.
func (m Matrix) decimals() int {
	switch {
	case m.Decimals != 0:
		return m.Decimals
	case m.Percent:
		return 1
	}
	return 2
}

// CellText is a cell's value as the heatmap writes it in its cell: n/a,
// +∞ or −∞, else the value (×100 when Percent, without the % sign) to
// its decimals, with a minus sign.
func (m Matrix) CellText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "+∞"
	case math.IsInf(v, -1):
		return "−∞"
	case m.Percent:
		return minus(strconv.FormatFloat(100*v, 'f', m.decimals(), 64))
	}
	return minus(strconv.FormatFloat(v, 'f', m.decimals(), 64))
}
