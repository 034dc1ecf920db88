package charts

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	update = flag.Bool("update", false, "update golden files")
	outDir = flag.String("out", "", "also write the test charts (PNG and SVG) to this directory, for review")
)

func day(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixNano()
}

// fixture is two runs of 60 weekly points from 2024-01-01: a trend
// follower worth 1M that rallies, crashes and half recovers, and a hedged
// book worth 250k that drifts up with small drawdowns and misses two weeks
// of data (NaN).
func fixture() []Series {
	const n = 60
	week := int64(7 * 24 * time.Hour)
	t0 := day(2024, time.January, 1)
	a := Series{Name: "sma-cross/ai-bubble-burst", Time: make([]int64, n), Values: make([]float64, n)}
	b := Series{Name: "pair-hedge/ai-bubble-burst", Time: make([]int64, n), Values: make([]float64, n)}
	for k := range n {
		x := float64(k)
		a.Time[k], b.Time[k] = t0+int64(k)*week, t0+int64(k)*week
		a.Values[k] = 1e6 * (1 + 0.012*x - 0.45/(1+math.Exp(-(x-35)/1.5)) + 0.03*math.Sin(x/2))
		b.Values[k] = 2.5e5 * (1 + 0.004*x + 0.02*math.Sin(x/3) - 0.06/(1+math.Exp(-(x-35)/1.5)))
	}
	b.Values[20], b.Values[21] = math.NaN(), math.NaN()
	return []Series{a, b}
}

var fixtureOptions = Options{
	Title:     "AI bubble burst: trend vs hedge",
	Caption:   "synthetic market, seed 42, weekly, 2024-01-01 to 2025-02-17",
	Synthetic: true,
}

func render(t testing.TB, f Format, opt Options, curves []Series) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EquityDrawdown(&buf, f, opt, curves); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		if err := os.WriteFile(filepath.Join(*outDir, name+"."+string(f)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestEquityDrawdownGolden compares the SVG of a fixed input with
// testdata/equity_golden.svg. Run `go test ./results/charts -update` after an
// intended change, then look at the new file and review the diff.
func TestEquityDrawdownGolden(t *testing.T) {
	got := render(t, SVG, fixtureOptions, fixture())
	golden := filepath.Join("testdata", "equity_golden.svg")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("SVG differs from %s (%d bytes, want %d); if the change is intended, run with -update and review the diff", golden, len(got), len(want))
	}
	for _, s := range []string{synthetic, "AI bubble burst", "synthetic market, seed 42", "growth of 1", "drawdown (%)", "date (UTC)", "2024-07", "sma-cross/ai-bubble-burst", "pair-hedge/ai-bubble-burst", "Arial"} {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
}

func TestEquityDrawdownPNG(t *testing.T) {
	b := render(t, PNG, fixtureOptions, fixture())
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: 1200, Y: 840}) {
		t.Errorf("size %v, want 1200×840 (10 × 7 in at 120 dpi)", got)
	}
	colours := map[color.RGBA]int{}
	nonWhite := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c]++
			if c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				nonWhite++
			}
		}
	}
	if len(colours) < 50 {
		t.Errorf("%d distinct colours, want at least 50", len(colours))
	}
	if frac := float64(nonWhite) / float64(bounds.Dx()*bounds.Dy()); frac < 0.02 || frac > 0.5 {
		t.Errorf("%.1f%% of pixels are not white, want between 2%% and 50%%", 100*frac)
	}
	// Both runs' colours and the synthetic warning's red are drawn.
	pal := NewPalette([]string{fixture()[0].Name, fixture()[1].Name})
	for name, c := range map[string]color.Color{
		"run 0": pal.Color(fixture()[0].Name), "run 1": pal.Color(fixture()[1].Name), "synthetic red": syntheticRed,
	} {
		if colours[color.RGBAModel.Convert(c).(color.RGBA)] < 20 {
			t.Errorf("%s (%v) is not drawn", name, c)
		}
	}
}

func TestEquityDrawdownDeterministic(t *testing.T) {
	for _, f := range []Format{PNG, SVG} {
		a := render(t, f, fixtureOptions, fixture())
		b := render(t, f, fixtureOptions, fixture())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings differ", f)
		}
	}
}

// TestEquityDrawdownReal checks that without Synthetic the warning is absent.
func TestEquityDrawdownReal(t *testing.T) {
	opt := Options{Title: "Buy and hold", Caption: "real prices: Yahoo Finance daily closes"}
	got := render(t, SVG, opt, fixture()[:1])
	if bytes.Contains(got, []byte(synthetic)) {
		t.Error("SVG of real data says SYNTHETIC DATA")
	}
	if !bytes.Contains(got, []byte("real prices")) {
		t.Error("caption missing")
	}
}

func TestEquityDrawdownErrors(t *testing.T) {
	good := fixture()
	for _, tc := range []struct {
		name   string
		f      Format
		opt    Options
		curves func() []Series
		want   string
	}{
		{"no curves", SVG, Options{}, func() []Series { return nil }, "no curves"},
		{"format", "gif", Options{}, func() []Series { return good }, `unknown format "gif"`},
		{"lengths", SVG, Options{}, func() []Series {
			s := fixture()
			s[1].Values = s[1].Values[:10]
			return s
		}, `run "pair-hedge/ai-bubble-burst" has 60 times and 10 values`},
		{"duplicate", SVG, Options{}, func() []Series { return []Series{good[0], good[0]} }, "appears twice"},
		{"unsorted", SVG, Options{}, func() []Series {
			s := fixture()
			s[0].Time[5] = s[0].Time[4]
			return s
		}, "point 5 is not after"},
		{"not positive", SVG, Options{}, func() []Series {
			s := fixture()
			s[0].Values[0] = math.NaN()
			s[0].Values[1] = 0
			return s
		}, "first equity 0 is not positive"},
		{"no data", SVG, Options{}, func() []Series {
			s := fixture()
			for k := range s[0].Values {
				s[0].Values[k] = math.Inf(1)
			}
			return s
		}, "has no finite value"},
		{"palette", SVG, Options{Palette: NewPalette([]string{"other"})}, func() []Series { return good }, "not in the palette"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := EquityDrawdown(&buf, tc.f, tc.opt, tc.curves())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}

func TestPalette(t *testing.T) {
	a := NewPalette([]string{"zeta", "alpha", "mid", "alpha"})
	b := NewPalette([]string{"mid", "zeta", "alpha"})
	for _, name := range []string{"alpha", "mid", "zeta"} {
		if a.Index(name) != b.Index(name) || a.Color(name) != b.Color(name) {
			t.Errorf("%s: style depends on the order of names", name)
		}
	}
	if a.Index("alpha") != 0 || a.Index("zeta") != 2 || a.Index("nope") != -1 {
		t.Errorf("indices %d %d %d, want 0 2 -1", a.Index("alpha"), a.Index("zeta"), a.Index("nope"))
	}
	seen := map[color.Color]bool{}
	for i := range NumColors {
		seen[Color(i)] = true
	}
	if len(seen) != NumColors {
		t.Errorf("%d distinct colours in the palette, want %d", len(seen), NumColors)
	}
	if Color(NumColors) != Color(0) || Dashes(0) != nil || Dashes(NumColors) == nil {
		t.Error("after the last colour the palette should cycle with a dash pattern")
	}
}

// TestPaletteAliases: a run labelled by its key or by its scenario run's
// key keeps its colour; a run's own name is never redirected; the base
// palette is unchanged.
func TestPaletteAliases(t *testing.T) {
	base := NewPalette([]string{"hedge", "tech", "qqq"})
	pal := base.WithAliases(map[string]string{"hedge@ai-bubble-burst": "hedge", "hedge~long-leg": "hedge", "tech": "qqq", "orphan": "nope"})
	for label, name := range map[string]string{"hedge@ai-bubble-burst": "hedge", "hedge~long-leg": "hedge", "tech": "tech", "qqq": "qqq"} {
		if pal.Index(label) != base.Index(name) || pal.Color(label) != base.Color(name) {
			t.Errorf("%s: index %d, want %s's %d", label, pal.Index(label), name, base.Index(name))
		}
	}
	if pal.Index("orphan") != -1 || base.Index("hedge@ai-bubble-burst") != -1 {
		t.Error("an alias of an unknown name, or the base palette, resolves")
	}
	again := pal.WithAliases(map[string]string{"tech@x": "tech"})
	if again.Index("hedge~long-leg") != base.Index("hedge") || again.Index("tech@x") != base.Index("tech") {
		t.Error("aliases are not kept through a second WithAliases")
	}
}

func TestCalendarTicks(t *testing.T) {
	sec := func(ns int64) float64 { return float64(ns) / 1e9 }
	for _, tc := range []struct {
		name     string
		from, to int64
		layout   string
		first    string
	}{
		{"two weeks", day(2024, 3, 4), day(2024, 3, 18), "2006-01-02", "2024-03-04"},
		{"quarter", day(2024, 1, 3), day(2024, 4, 2), "2006-01-02", "2024-01-08"}, // Mondays
		{"fourteen months", day(2024, 1, 1), day(2025, 2, 17), "2006-01", "2024-01"},
		{"ten years", day(2014, 6, 5), day(2024, 6, 5), "2006", "2016"},
		{"one day", day(2024, 3, 4), day(2024, 3, 5), "01-02 15:04", "03-04 00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ticks := dateTicks(sec(tc.from), sec(tc.to), 8)
			if ticks.Format != tc.layout {
				t.Errorf("layout %q, want %q", ticks.Format, tc.layout)
			}
			var labels []string
			for _, tk := range ticks.Ticks(sec(tc.from), sec(tc.to)) {
				if tk.IsMinor() {
					continue
				}
				labels = append(labels, tk.Label)
				tm := time.Unix(int64(tk.Value), 0).UTC()
				if tm.Format(tc.layout) != tk.Label {
					t.Errorf("tick at %s labelled %q", tm, tk.Label)
				}
				if ticks.Format == "2006-01" && tm.Day() != 1 || ticks.Format == "2006" && tm.YearDay() != 1 {
					t.Errorf("tick at %s is not on a period start", tm)
				}
			}
			if len(labels) < 2 || len(labels) > 8 {
				t.Errorf("%d labelled ticks %v, want 2 to 8", len(labels), labels)
			}
			if labels[0] != tc.first {
				t.Errorf("first label %q, want %q (all: %v)", labels[0], tc.first, labels)
			}
		})
	}
}

// TestAlignX checks that panels whose y tick labels differ in width get
// data areas with the same left and right edges.
func TestAlignX(t *testing.T) {
	wide, narrow := plot.New(), plot.New()
	wide.Y.Min, wide.Y.Max = -123456, 987654
	wide.Y.Label.Text = "a long label"
	narrow.Y.Min, narrow.Y.Max = 0, 1
	for _, p := range []*plot.Plot{wide, narrow} {
		p.X.Min, p.X.Max = 0, 10
	}
	top := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{X: 0, Y: 200}, Max: vg.Point{X: 500, Y: 400}}}
	bottom := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 500, Y: 190}}}
	before := [2]vg.Length{wide.DataCanvas(top).Min.X, narrow.DataCanvas(bottom).Min.X}
	if before[0] == before[1] {
		t.Fatal("fixture does not exercise alignment")
	}
	alignX([]*plot.Plot{wide, narrow}, []*draw.Canvas{&top, &bottom})
	a, b := wide.DataCanvas(top), narrow.DataCanvas(bottom)
	if a.Min.X != b.Min.X || a.Max.X != b.Max.X {
		t.Errorf("data areas [%v, %v] and [%v, %v] not aligned", a.Min.X, a.Max.X, b.Min.X, b.Max.X)
	}
}

// BenchmarkEquityOverlay draws 5 runs of 2,500 daily points (about ten
// years of sessions) in each format.
func BenchmarkEquityOverlay(b *testing.B) {
	const runs, n = 5, 2500
	curves := make([]Series, runs)
	for i := range curves {
		s := Series{Name: fmt.Sprintf("run-%d", i), Time: make([]int64, n), Values: make([]float64, n)}
		v := 1e6
		for k := range n {
			s.Time[k] = day(2015, 1, 1) + int64(k)*int64(24*time.Hour)
			v *= 1 + 0.01*math.Sin(float64(k*(i+3))/17) + 0.0003*float64(i)
			s.Values[k] = v
		}
		curves[i] = s
	}
	for _, f := range []Format{SVG, PNG} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := EquityDrawdown(&buf, f, Options{Title: "bench", Synthetic: true}, curves); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(runs*n), "points/op")
		})
	}
}

// TestEquityDrawdownManyRuns draws more runs than the palette has colours,
// with long names (the legend wraps onto several rows), ten years of daily
// points and a run that starts late and one that loses everything.
func TestEquityDrawdownManyRuns(t *testing.T) {
	const n = 2500
	var curves []Series
	for i := range 12 {
		s := Series{Name: fmt.Sprintf("strategy-%02d/scenario-openai-revenue-miss/p%d", i, i%3), Time: make([]int64, n), Values: make([]float64, n)}
		v := 1e5 * float64(i+1)
		for k := range n {
			s.Time[k] = day(2015, 1, 1) + int64(k)*int64(24*time.Hour)
			v *= 1 + 0.012*math.Sin(float64(k*(i+3))/97) + 0.0002*float64(i%4)
			s.Values[k] = v
			if i == 3 && k < 800 {
				s.Values[k] = math.NaN() // starts late: normalised at its first finite point
			}
			if i == 5 && k > 2000 {
				s.Values[k] = s.Values[2000] * (1 - float64(k-2000)/520) // runs down to near zero
			}
		}
		curves = append(curves, s)
	}
	b := render(t, PNG, Options{Title: "Twelve runs", Caption: "synthetic market, seed 7, daily", Synthetic: true}, curves)
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	render(t, SVG, Options{Title: "Twelve runs"}, curves)
}

// TestEquityDrawdownEdgeCases draws degenerate but valid input: one point,
// a flat curve, and a run that goes below zero equity.
func TestEquityDrawdownEdgeCases(t *testing.T) {
	t0 := day(2024, 5, 1)
	for name, curves := range map[string][]Series{
		"one point": {{Name: "a", Time: []int64{t0}, Values: []float64{100}}},
		"flat":      {{Name: "a", Time: []int64{t0, t0 + 86400e9, t0 + 2*86400e9}, Values: []float64{5, 5, 5}}},
		"wiped out": {{Name: "a", Time: []int64{t0, t0 + 86400e9, t0 + 2*86400e9}, Values: []float64{5, 1, -2}}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, f := range []Format{PNG, SVG} {
				if err := EquityDrawdown(io.Discard, f, Options{Title: name}, curves); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

// A caption wider than the chart wraps at spaces: every line starts
// inside the chart (a centred line too long for it started left of 0
// and ran off both edges), and every word is drawn.
func TestCaptionWraps(t *testing.T) {
	words := strings.Fields(strings.Repeat("2025-09-15T01:00:00Z to 2026-03-19; includes SYNTHETIC data; top 10 of 26 runs by sharpe; aligned on the common dates, every run rebased to 1 at 2025-09-16 ", 2))
	opt := Options{Title: "Comparison", Caption: strings.Join(words, " ")}
	svg := string(render(t, SVG, opt, fixture()))
	xs := regexp.MustCompile(`<text x="(-?[0-9.]+)"[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1)
	var drawn []string
	for _, m := range xs {
		x, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		if x < 0 {
			t.Errorf("text %q starts at x = %g, off the chart", m[2], x)
		}
		drawn = append(drawn, m[2])
	}
	all := strings.Join(drawn, " ")
	for _, w := range words {
		if !strings.Contains(all, w) {
			t.Errorf("caption word %q not drawn", w)
		}
	}
	lines := 0
	for _, m := range xs {
		if strings.Contains(opt.Caption, m[2]) && len(m[2]) > 20 {
			lines++
		}
	}
	if lines < 2 {
		t.Errorf("the caption is %d line(s), want it wrapped", lines)
	}
}

// TestPNGCanvasAsNewWith draws the fixture's chart on pngCanvas and on the
// canvas vgimg.NewWith makes for the same size, DPI and white background
// (what newCanvas used before), and wants the same PNG bytes and size:
// for sizes whose pixels round exactly (pngCanvas's own image) and for
// one that does not (10.004 in at 120 dpi is 1200.48 pixels: NewWith).
func TestPNGCanvasAsNewWith(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h vg.Length
		dpi  int
	}{
		{"default 10x7in at 120dpi", defaultWidth, defaultHeight, defaultDPI},
		{"6x4in at 96dpi", 6 * vg.Inch, 4 * vg.Inch, 96},
		{"10.004x7in at 120dpi", 10.004 * vg.Inch, 7 * vg.Inch, 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := fixtureOptions
			opt.Width, opt.Height, opt.DPI = tc.w, tc.h, tc.dpi
			encode := func(c *vgimg.Canvas) ([]byte, vg.Length, vg.Length) {
				if err := drawEquityDrawdown(draw.New(c), opt, fixture(), columns(PNG, opt)); err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := writeCanvas(&buf, PNG, c); err != nil {
					t.Fatal(err)
				}
				w, h := c.Size()
				return buf.Bytes(), w, h
			}
			got, gw, gh := encode(pngCanvas(tc.w, tc.h, tc.dpi))
			want, ww, wh := encode(vgimg.NewWith(vgimg.UseWH(tc.w, tc.h), vgimg.UseDPI(tc.dpi), vgimg.UseBackgroundColor(color.White)))
			if gw != ww || gh != wh {
				t.Errorf("size %v × %v, want %v × %v", gw, gh, ww, wh)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("PNG differs from NewWith's canvas (%d bytes, want %d)", len(got), len(want))
			}
		})
	}
}
