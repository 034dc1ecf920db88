package charts

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// walk is a random walk of n points across a 6×3 in canvas.
func walk(n int, seed uint64) []vg.Point {
	rng := rand.New(rand.NewPCG(seed, 2))
	line := make([]vg.Point, n)
	y := 1.5
	for i := range line {
		y = math.Min(2.8, math.Max(0.2, y+0.08*rng.NormFloat64()))
		line[i] = vg.Point{X: vg.Length(0.1+5.8*float64(i)/float64(max(n-1, 1))) * vg.Inch, Y: vg.Length(y) * vg.Inch}
	}
	return line
}

// strokeImage strokes lines on a 6×3 in canvas at 150 dpi, in pieces of
// chunk points (0: each in one stroke, as draw.Canvas.StrokeLines draws
// it), and returns the image.
func strokeImage(t *testing.T, sty draw.LineStyle, lines [][]vg.Point, chunk int) *image.RGBA {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(6*vg.Inch, 3*vg.Inch), vgimg.UseDPI(150), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	dpi := rasterDPI(dc)
	if dpi != 150 {
		t.Fatalf("rasterDPI = %v, want 150", dpi)
	}
	if chunk == 0 {
		dc.StrokeLines(sty, lines...)
	} else {
		strokeChunks(dc, dpi, sty, lines, chunk)
	}
	img, ok := c.Image().(*image.RGBA)
	if !ok {
		t.Fatalf("canvas image is %T", c.Image())
	}
	return img
}

// compare returns the pixels inked in a, the pixels that differ between
// a and b, and the largest difference of a colour channel.
func compare(a, b *image.RGBA) (inked, differ, worst int) {
	for i := 0; i < len(a.Pix); i += 4 {
		if a.Pix[i] != 255 || a.Pix[i+1] != 255 || a.Pix[i+2] != 255 {
			inked++
		}
		d := 0
		for k := range 3 {
			d = max(d, int(a.Pix[i+k])-int(b.Pix[i+k]), int(b.Pix[i+k])-int(a.Pix[i+k]))
		}
		if d > 0 {
			differ++
			worst = max(worst, d)
		}
	}
	return inked, differ, worst
}

// TestStrokeChunks: a line stroked in overlapping pieces looks like the
// line stroked at once. The only pixels allowed to differ are the
// anti-aliased edges of the segments painted twice (one per piece
// boundary): few, and by less than half the colour's range; a missing
// join or a dash pattern restarted at a boundary would change many more
// pixels, by the full range.
func TestStrokeChunks(t *testing.T) {
	const n = 3000
	for _, tc := range []struct {
		name string
		sty  draw.LineStyle
	}{
		{"solid", draw.LineStyle{Color: Color(0), Width: vg.Points(1.4)}},
		{"dashed", draw.LineStyle{Color: Color(3), Width: vg.Points(1.4), Dashes: Dashes(len(palette) + 3)}},
		{"dash-dot", draw.LineStyle{Color: Color(5), Width: vg.Points(1.4), Dashes: Dashes(3*len(palette) + 5)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := strokeImage(t, tc.sty, [][]vg.Point{walk(n, 1)}, 0)
			pieces := strokeImage(t, tc.sty, [][]vg.Point{walk(n, 1)}, 64)
			inked, differ, worst := compare(whole, pieces)
			t.Logf("%d inked pixels, %d differ, by at most %d", inked, differ, worst)
			if inked < 10_000 {
				t.Fatalf("only %d pixels inked: the line was not drawn", inked)
			}
			// 3000 points in pieces of 64 overlapping by a segment: 49
			// pieces, 48 boundaries.
			if differ > inked/50 {
				t.Errorf("%d of %d inked pixels differ (more than 2%%)", differ, inked)
			}
			if worst > 128 {
				t.Errorf("a pixel differs by %d of 255", worst)
			}
		})
	}
}

// TestRasterCanvas: only an image canvas is stroked in pieces; SVG keeps
// one path per line.
func TestRasterCanvas(t *testing.T) {
	for _, f := range []Format{PNG, SVG} {
		c, err := newCanvas(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		dc := draw.New(c)
		if got := rasterDPI(draw.Crop(dc, 1, -1, 1, -1)) > 0; got != (f == PNG) {
			t.Errorf("%s: rasterDPI > 0 is %v", f, got)
		}
	}
}

// TestStrokeChunkBounds: a line of up to n points is one stroke, drawn
// exactly as before; lines just past a piece's length, lines of one point
// and several lines at once (a line with gaps) are drawn whole.
func TestStrokeChunkBounds(t *testing.T) {
	const n = 16
	sty := draw.LineStyle{Color: Color(1), Width: vg.Points(1.4), Dashes: Dashes(len(palette) + 1)}
	for _, lens := range [][]int{{1}, {2}, {n - 1}, {n}, {n + 1}, {n + 2}, {2*n - 2}, {2*n - 1}, {40, 1, 3, 2 * n, 100}} {
		var lines [][]vg.Point
		for i, k := range lens {
			lines = append(lines, walk(k, uint64(10+i)))
		}
		whole := strokeImage(t, sty, lines, 0)
		pieces := strokeImage(t, sty, lines, n)
		inked, differ, worst := compare(whole, pieces)
		longest := slices.Max(lens)
		switch {
		case longest <= n && differ > 0:
			t.Errorf("lines of %v points (≤ %d): %d pixels differ from one stroke", lens, n, differ)
		case longest > 1 && inked == 0:
			t.Errorf("lines of %v points: nothing drawn", lens)
		case differ > inked/20 || worst > 128:
			t.Errorf("lines of %v points: %d of %d inked pixels differ, by up to %d", lens, differ, inked, worst)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("strokeChunks of 2 points did not panic")
		}
	}()
	strokeImage(t, sty, [][]vg.Point{walk(10, 1)}, 2)
}
