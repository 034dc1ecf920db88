package charts

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// drawFunc renders one chart in a format.
type drawFunc func(w io.Writer, f Format) error

// output renders a chart, and with -out also writes it for review.
func output(t *testing.T, name string, f Format, fn drawFunc) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf, f); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, name+"."+string(f)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// checkChart compares the SVG with testdata/<name>_golden.svg (rewritten
// with -update), checks that it holds the given strings, that two
// renderings give the same bytes, and that the PNG has the expected size
// and is neither blank nor flooded.
func checkChart(t *testing.T, name string, fn drawFunc, wantText ...string) {
	t.Helper()
	got := output(t, name, SVG, fn)
	golden := filepath.Join("testdata", name+"_golden.svg")
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
	for _, s := range wantText {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	for _, f := range []Format{SVG, PNG} {
		if a, b := output(t, name, f, fn), output(t, name, f, fn); !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings differ", f)
		}
	}
	img, err := png.Decode(bytes.NewReader(output(t, name, PNG, fn)))
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, img, 1200, 840)
}

// checkPNG checks an image's size and that between 2 % and 70 % of its
// pixels are not white, in at least 20 colours.
func checkPNG(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if got := img.Bounds().Size(); got != (image.Point{X: w, Y: h}) {
		t.Errorf("size %v, want %d×%d", got, w, h)
	}
	colours := map[color.RGBA]bool{}
	nonWhite := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c] = true
			if c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				nonWhite++
			}
		}
	}
	if len(colours) < 20 {
		t.Errorf("%d distinct colours, want at least 20", len(colours))
	}
	if frac := float64(nonWhite) / float64(b.Dx()*b.Dy()); frac < 0.02 || frac > 0.7 {
		t.Errorf("%.1f%% of pixels are not white, want between 2%% and 70%%", 100*frac)
	}
}

// dailyFixture is three runs of 800 daily points from 2022-03-01 with a
// seeded random walk each (run 1 has a gap of missing points) and a
// benchmark.
func dailyFixture() (runs []Series, bench Series) {
	const n = 800
	rng := rand.New(rand.NewPCG(1, 2))
	mk := func(name string, v0, drift, vol float64) Series {
		s := Series{Name: name, Time: make([]int64, n), Values: make([]float64, n)}
		v := v0
		for k := range n {
			s.Time[k] = day(2022, time.March, 1+k)
			s.Values[k] = v
			v *= 1 + drift + vol*rng.NormFloat64()
		}
		return s
	}
	bench = mk("benchmark QQQ", 1e6, 0.0004, 0.012)
	a := mk("pair-hedge", 1e6, 0.0002, 0.008)
	b := mk("sma-cross", 5e5, 0.0007, 0.02)
	c := mk("buy-and-hold", 1e6, 0.0005, 0.014)
	for k := range a.Values { // a hedge: part benchmark, part its own walk
		a.Values[k] = 0.5*a.Values[k] + 0.5*bench.Values[k]
	}
	for k := 300; k < 320; k++ {
		b.Values[k] = math.NaN()
	}
	return []Series{a, b, c}, bench
}

var plotOptions = Options{
	Title:     "AI hedge",
	Caption:   "synthetic market, seed 7, daily, 2022-03-01 to 2024-05-09",
	Synthetic: true,
	Palette:   NewPalette([]string{"pair-hedge", "sma-cross", "buy-and-hold", "benchmark QQQ"}),
}

func TestRollingGolden(t *testing.T) {
	runs, bench := dailyFixture()
	checkChart(t, "rolling", func(w io.Writer, f Format) error {
		return Rolling(w, f, plotOptions, runs, &bench, 63, 365)
	}, "rolling Sharpe ratio (window 63 periods, rf 0", "volatility (% p.a.)", "rolling beta vs benchmark QQQ", "date (UTC)", "2023", "pair-hedge", synthetic)
	// Without a benchmark there is no beta panel.
	var buf bytes.Buffer
	if err := Rolling(&buf, SVG, plotOptions, runs, nil, 63, 365); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("beta")) {
		t.Error("beta panel drawn without a benchmark")
	}
}

func TestMonthlyReturnsGolden(t *testing.T) {
	runs, _ := dailyFixture()
	checkChart(t, "monthly", func(w io.Writer, f Format) error {
		return MonthlyReturns(w, f, plotOptions, runs[1])
	}, "Jan", "Dec", "Year", "2022", "2024", "month", "year", "monthly return (%) scale", "n/a", "sma-cross")
}

func TestMonthlyMatrix(t *testing.T) {
	// 2024-01-30 100, 01-31 110, 02-29 99, 03-01 108.9:
	// Jan = 110/100 − 1 = 10 %, Feb = 99/110 − 1 = −10 %, Mar = 108.9/99 − 1 = 10 %,
	// year = 108.9/100 − 1 = 8.9 %.
	s := Series{Name: "a", Time: []int64{day(2024, 1, 30), day(2024, 1, 31), day(2024, 2, 29), day(2024, 3, 1)}, Values: []float64{100, 110, 99, 108.9}}
	m, err := monthlyMatrix(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 1 || m.Rows[0] != "2024" || len(m.Cols) != 13 {
		t.Fatalf("rows %v cols %v", m.Rows, m.Cols)
	}
	want := map[int]float64{0: 0.1, 1: -0.1, 2: 0.1, 12: 0.089}
	for j, v := range m.Values[0] {
		w, ok := want[j]
		if !ok {
			if !math.IsNaN(v) {
				t.Errorf("column %s = %g, want NaN", m.Cols[j], v)
			}
			continue
		}
		if math.Abs(v-w) > 1e-12 {
			t.Errorf("column %s = %g, want %g", m.Cols[j], v, w)
		}
	}
}

func TestReturnDistributionGolden(t *testing.T) {
	runs, _ := dailyFixture()
	checkChart(t, "distribution", func(w io.Writer, f Format) error {
		return ReturnDistribution(w, f, plotOptions, runs[2])
	}, "VaR 95%", "CVaR 95%", "return per period (%)", "number of periods", "buy-and-hold")
}

func TestHeatmapGolden(t *testing.T) {
	m := Matrix{
		Metric:  "total return (%)",
		Rows:    []string{"pair-hedge", "sma-cross", "buy-and-hold"},
		Cols:    []string{"baseline", "ai-bubble-burst", "ai-crypto-selloff", "openai-revenue-miss", "miners-pivot"},
		Values:  [][]float64{{0.05, 0.12, 0.08, -0.02, 0.03}, {0.31, -0.42, -0.18, 0.05, math.NaN()}, {0.22, -0.35, -0.05, -0.11, 0.15}},
		Percent: true,
	}
	checkChart(t, "heatmap", func(w io.Writer, f Format) error {
		return Heatmap(w, f, Options{Title: "Total return by strategy and scenario", Caption: "synthetic market", Synthetic: true, Palette: plotOptions.Palette}, m)
	}, "−42.0", "31.0", "n/a", "openai-revenue-miss", "total return (%) scale", "−42.0%")
}

func TestFanGolden(t *testing.T) {
	const n, paths = 250, 200
	rng := rand.New(rand.NewPCG(3, 4))
	mk := func(name string, drift, vol float64) Fan {
		fn := Fan{Name: name, Time: make([]int64, n)}
		for k := range n {
			fn.Time[k] = day(2025, time.January, 1+k)
		}
		for range paths {
			p := make([]float64, n)
			v := 1e6
			for k := range n {
				p[k] = v
				v *= 1 + drift + vol*rng.NormFloat64()
			}
			fn.Paths = append(fn.Paths, p)
		}
		return fn
	}
	fans := []Fan{mk("pair-hedge", 0.0003, 0.01), mk("sma-cross", 0.0008, 0.025)}
	checkChart(t, "montecarlo", func(w io.Writer, f Format) error {
		return MonteCarlo(w, f, Options{Title: "Monte Carlo: 200 bootstrap paths", Synthetic: true, Palette: plotOptions.Palette}, fans)
	}, "growth of 1", "terminal return of a path (%)", "number of paths", "5th pct", "median", "25–75%", "5–95%", "2025-")
}

func TestFanBands(t *testing.T) {
	// Three paths at two times; growth at t1 is 0.5, 1, 2: the median is 1,
	// the 25th percentile 0.75 (type 7: h = 0.5 between 0.5 and 1).
	fn := Fan{Name: "a", Time: []int64{0, 1}, Paths: [][]float64{{10, 5}, {20, 20}, {4, 8}}}
	b := fn.Bands()
	if b[2][1] != 1 || b[1][1] != 0.75 || b[2][0] != 1 {
		t.Errorf("bands at t1: %v %v %v", b[1][1], b[2][1], b[3][1])
	}
	term := fn.Terminal()
	if term[0] != -0.5 || term[1] != 0 || term[2] != 1 {
		t.Errorf("terminal %v, want [-0.5 0 1]", term)
	}
}

func TestLegAttributionGolden(t *testing.T) {
	runs := []Legs{
		{Run: "pair-hedge", Names: []string{"NVDA", "MSFT", "META", "TAO", "RENDER", "FET", "commission"}, PnL: []float64{310e3, 120e3, 95e3, -260e3, -140e3, 45e3, -12e3}},
		{Run: "buy-and-hold", Names: []string{"NVDA", "MSFT", "META", "commission"}, PnL: []float64{520e3, 180e3, 150e3, -1.5e3}},
	}
	checkChart(t, "attribution", func(w io.Writer, f Format) error {
		return LegAttribution(w, f, Options{Title: "PnL by leg", Synthetic: true, Palette: plotOptions.Palette}, runs)
	}, "PnL (money, account currency)", "NVDA", "commission", "310k", "−260k")
}

func TestNewChartErrors(t *testing.T) {
	runs, bench := dailyFixture()
	for _, tc := range []struct {
		name string
		fn   func(w io.Writer) error
		want string
	}{
		{"rolling window", func(w io.Writer) error { return Rolling(w, SVG, Options{}, runs, &bench, 1, 365) }, "window 1"},
		{"rolling ppy", func(w io.Writer) error { return Rolling(w, SVG, Options{}, runs, nil, 5, 0) }, "periods per year"},
		{"rolling palette", func(w io.Writer) error {
			return Rolling(w, SVG, Options{Palette: NewPalette([]string{"x"})}, runs, nil, 5, 365)
		}, "not in the palette"},
		{"monthly lengths", func(w io.Writer) error {
			return MonthlyReturns(w, SVG, Options{}, Series{Name: "a", Time: []int64{1}, Values: nil})
		}, "1 times and 0 values"},
		{"monthly empty", func(w io.Writer) error {
			return MonthlyReturns(w, SVG, Options{}, Series{Name: "a", Time: []int64{1}, Values: []float64{math.NaN()}})
		}, "no finite value"},
		{"heatmap shape", func(w io.Writer) error {
			return Heatmap(w, SVG, Options{}, Matrix{Rows: []string{"a"}, Cols: []string{"x", "y"}, Values: [][]float64{{1}}})
		}, `row "a" has 1 values for 2 columns`},
		{"heatmap empty", func(w io.Writer) error { return Heatmap(w, SVG, Options{}, Matrix{}) }, "no rows"},
		{"fan none", func(w io.Writer) error { return MonteCarlo(w, SVG, Options{}, nil) }, "no Monte Carlo"},
		{"fan path", func(w io.Writer) error {
			return MonteCarlo(w, SVG, Options{}, []Fan{{Name: "a", Time: []int64{1, 2}, Paths: [][]float64{{1}}}})
		}, "path 0 has 1 values for 2 times"},
		{"legs", func(w io.Writer) error {
			return LegAttribution(w, SVG, Options{}, []Legs{{Run: "a", Names: []string{"x"}}})
		}, "1 legs and 0 PnL"},
		{"format", func(w io.Writer) error { return ReturnDistribution(w, "gif", Options{}, runs[0]) }, "unknown format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := tc.fn(&buf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written despite the error", buf.Len())
			}
		})
	}
}

// TestNewChartsEdgeCases draws degenerate but valid input without error.
func TestNewChartsEdgeCases(t *testing.T) {
	one := Series{Name: "a", Time: []int64{day(2024, 5, 1)}, Values: []float64{100}}
	flat := Series{Name: "a", Time: []int64{day(2024, 5, 1), day(2024, 5, 2), day(2024, 5, 3)}, Values: []float64{5, 5, 5}}
	for name, fn := range map[string]func(w io.Writer, f Format) error{
		"rolling one point": func(w io.Writer, f Format) error { return Rolling(w, f, Options{}, []Series{one}, nil, 5, 252) },
		"rolling flat":      func(w io.Writer, f Format) error { return Rolling(w, f, Options{}, []Series{flat}, &flat, 2, 252) },
		"monthly one point": func(w io.Writer, f Format) error { return MonthlyReturns(w, f, Options{}, one) },
		"distribution one":  func(w io.Writer, f Format) error { return ReturnDistribution(w, f, Options{}, one) },
		"distribution flat": func(w io.Writer, f Format) error { return ReturnDistribution(w, f, Options{}, flat) },
		"heatmap all missing": func(w io.Writer, f Format) error {
			return Heatmap(w, f, Options{}, Matrix{Rows: []string{"a"}, Cols: []string{"b"}, Values: [][]float64{{math.NaN()}}})
		},
		"fan one time": func(w io.Writer, f Format) error {
			return MonteCarlo(w, f, Options{}, []Fan{{Name: "a", Time: []int64{0}, Paths: [][]float64{{1}}}})
		},
		"legs all zero": func(w io.Writer, f Format) error {
			return LegAttribution(w, f, Options{}, []Legs{{Run: "a", Names: []string{"x"}, PnL: []float64{0}}})
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, f := range []Format{PNG, SVG} {
				if err := fn(io.Discard, f); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

// The monthly heatmap writes each month's return in its cell when the
// number fits; over decades of months, whose rows are thinner than the
// smallest text, the cells are coloured without numbers (and without
// measuring thousands of labels).
func TestMonthlyLabelsOnlyWhenTheyFit(t *testing.T) {
	series := func(years int) Series {
		s := Series{Name: "a"}
		v := 100.0
		for d := day(1950, 1, 1); d < day(1950+years, 1, 1); d += 86400e9 {
			v *= 1.0003
			s.Time, s.Values = append(s.Time, d), append(s.Values, v)
		}
		return s
	}
	// Each month gains 1.0003^days − 1: 0.9 % or 0.8 %, written "0.9"/"0.8".
	labels := func(years int) int {
		var buf bytes.Buffer
		if err := MonthlyReturns(&buf, SVG, plotOptions, series(years)); err != nil {
			t.Fatal(err)
		}
		return bytes.Count(buf.Bytes(), []byte(">0.9<")) + bytes.Count(buf.Bytes(), []byte(">0.8<"))
	}
	if n := labels(3); n < 30 {
		t.Errorf("3 years: %d month labels, want one per month (36)", n)
	}
	if n := labels(80); n != 0 {
		t.Errorf("80 years: %d month labels in rows too thin for text, want none", n)
	}
}

// A monthly heatmap of more years than its height has room for labels
// every k-th year (k of 1, 2, 5, 10, 20, …) at the multiples of k, each
// label a line's height from the next: 80 years in 4.5 inches had their
// labels printed over one another in a black bar. A few years keep every
// label.
func TestMonthlyYearLabelsDoNotOverlap(t *testing.T) {
	series := func(from, years int) Series {
		s := Series{Name: "a"}
		v := 100.0
		for d := day(from, 1, 1); d < day(from+years, 1, 1); d += 86400e9 {
			v *= 1.0003
			s.Time, s.Values = append(s.Time, d), append(s.Values, v)
		}
		return s
	}
	text := regexp.MustCompile(`<text x="[-\d.]+" y="(-?[\d.]+)"[^>]*font-size:([\d.]+)px[^>]*>(\d{4})</text>`)
	years := func(s Series) (ys []int, gaps []float64, size float64) {
		var buf bytes.Buffer
		o := plotOptions
		o.Width, o.Height = 6*vg.Inch, 4.5*vg.Inch // as the report draws it
		if err := MonthlyReturns(&buf, SVG, o, s); err != nil {
			t.Fatal(err)
		}
		var at []float64
		for _, m := range text.FindAllStringSubmatch(buf.String(), -1) {
			y, _ := strconv.ParseFloat(m[1], 64)
			size, _ = strconv.ParseFloat(m[2], 64)
			v, _ := strconv.Atoi(m[3])
			ys, at = append(ys, v), append(at, y)
		}
		for i := 1; i < len(at); i++ {
			gaps = append(gaps, math.Abs(at[i]-at[i-1]))
		}
		slices.Sort(ys) // the SVG lists them bottom to top, adjacent rows next to each other
		return ys, gaps, size
	}
	ys, _, _ := years(series(2021, 4))
	if want := []int{2021, 2022, 2023, 2024}; !slices.Equal(ys, want) {
		t.Errorf("4 years: labels %v, want %v", ys, want)
	}
	for _, span := range []struct{ from, years int }{{1950, 80}, {1700, 342}} {
		ys, gaps, size := years(series(span.from, span.years))
		if len(ys) < 3 || len(ys) > span.years/5 {
			t.Fatalf("%d years: %d year labels %v, want a few", span.years, len(ys), ys)
		}
		step := ys[1] - ys[0]
		for i, y := range ys {
			if y%step != 0 || (i > 0 && y-ys[i-1] != step) {
				t.Errorf("%d years: labels %v are not the multiples of one step", span.years, ys)
				break
			}
		}
		for _, g := range gaps {
			if g < size {
				t.Errorf("%d years: labels %v, two of them %.2f apart, under their size %.1f", span.years, ys, g, size)
				break
			}
		}
	}
}

// everyKth labels rows that count by one at the multiples of k and any
// others every k-th row from the top (the last of the bottom-to-top
// labels); rowStep takes the first of 1, 2, 5, 10, … that fits.
func TestEveryKthRowLabel(t *testing.T) {
	labels := func(ts plot.ConstantTicks) []string {
		var out []string
		for _, tk := range ts {
			out = append(out, tk.Label)
		}
		return out
	}
	years := []string{"2009", "2008", "2007", "2006", "2005", "2004", "2003", "2002", "2001", "2000", "1999"} // bottom to top
	if got, want := labels(everyKth(years, 5)), []string{"2005", "2000"}; !slices.Equal(got, want) {
		t.Errorf("years by 5: %v, want %v", got, want)
	}
	runs := []string{"g", "f", "e", "d", "c", "b", "a"} // a at the top
	if got, want := labels(everyKth(runs, 2)), []string{"g", "e", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("runs by 2: %v, want %v", got, want)
	}
	gappy := []string{"20", "10", "5", "4"} // integers, not by one: every k-th from the top
	if got, want := labels(everyKth(gappy, 2)), []string{"10", "4"}; !slices.Equal(got, want) {
		t.Errorf("gappy by 2: %v, want %v", got, want)
	}
	// Rows of 1 point under labels needing 12: 12 rows → 20; of 3: 4 → 5.
	for _, c := range []struct {
		cell, need vg.Length
		n, want    int
	}{{1, 12, 400, 20}, {3, 12, 400, 5}, {12, 12, 400, 1}, {20, 12, 400, 1}, {1, 12, 7, 7}, {0, 12, 10, 1}} {
		if got := rowStep(c.cell, c.need, c.n); got != c.want {
			t.Errorf("rowStep(%v, %v, %d) = %d, want %d", c.cell, c.need, c.n, got, c.want)
		}
	}
}

// The terminal panel's 5th percentile and median are by nearest rank, as
// montecarlo_summary's terminal_p05 and terminal_median: of the 20
// terminal returns −10 %, −9 %, …, 9 %, the ⌈0.05 × 20⌉ = 1st smallest,
// −10 %, and the ⌈0.5 × 20⌉ = 10th, −1 % (interpolated, R type 7, they
// were −9.05 % and −0.5 %, labelled −9.1 % and −0.5 %).
func TestMonteCarloTerminalLabelsByRank(t *testing.T) {
	fn := FanSummary{Name: "a", Time: []int64{day(2025, time.January, 1), day(2025, time.January, 2)}}
	for q := range fn.Bands {
		fn.Bands[q] = []float64{1, 1 + float64(q)/10}
	}
	for k := range 20 {
		fn.Terminal = append(fn.Terminal, float64(k-10)/100)
	}
	got := output(t, "montecarlo-rank", SVG, func(w io.Writer, f Format) error {
		return MonteCarloSummaries(w, f, Options{Palette: NewPalette([]string{"a"})}, []FanSummary{fn})
	})
	for _, s := range []string{"5th pct −10.0%", "median −1.0%"} {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
}
