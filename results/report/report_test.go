//go:build duckdb_arrow

// The tests build an experiment folder with package experiment, which
// reads data through DuckDB and so needs the duckdb_arrow tag:
//
//	go test -tags duckdb_arrow ./results/report/

package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results/charts"
)

var shotOut = flag.String("shot", "", "also copy the Chromium screenshot of the report to this file, for review")

// smallFolder runs experiment/testdata/small.toml (three runs
// on the synthetic market, 2019-03-01 to 2019-07-01) into a temporary
// folder and returns the experiment's output folder.
func smallFolder(t testing.TB) string {
	t.Helper()
	return runTestdata(t, "small.toml").Dir
}

// runTestdata runs experiment/testdata/<name> into a temporary folder, as
// the command does on 2 workers.
func runTestdata(t testing.TB, name string) *experiment.Outcome {
	t.Helper()
	f, err := experiment.Load(filepath.Join("..", "..", "experiment", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// runText runs the experiment file text into a temporary folder with
// opt (its Out, Version and, when unset, Workers filled in).
func runText(t testing.TB, text string, opt experiment.Options) *experiment.Outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	opt.Out, opt.Version = t.TempDir(), "test"
	if opt.Workers == 0 {
		opt.Workers = 2
	}
	o, err := experiment.Run(context.Background(), f, opt)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func readReport(t *testing.T, dir string) string {
	t.Helper()
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// networkRef matches an attribute or CSS reference that a browser would
// fetch: src=, href=, url(), @import with anything but a local #fragment.
var networkRef = regexp.MustCompile(`(?i)(src\s*=|href\s*=\s*["']?[^"'#\s>]|url\s*\(|@import)`)

func TestWrite(t *testing.T) {
	dir := smallFolder(t)
	html := readReport(t, dir)
	for _, s := range []string{
		`<section id="setup">`, `<section id="runs">`, `<section id="equity">`, `<section id="rolling">`, `<section id="per-run">`,
		`id="run-hedge"`, `id="run-hold"`, `id="run-sma"`,
		`class="synthetic-banner"`, "SYNTHETIC DATA", "Data sources", "small synthetic",
		"2019-03-01", "commission", "10 bps", "seed", "total_return", "sharpe",
		"monthly return (%) scale", "VaR 95%", "CVaR 95%", `id="chart-sharpe"`, `id="chart-equity"`, `id="chart-drawdown"`,
		`id="chart-gross"`, `id="runs-table"`,
		`&#34;gross&#34;:1.5`, // the hedge's parameters
	} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	for _, s := range []string{`id="stress"`, `id="montecarlo"`, "ZgotmplZ"} {
		if strings.Contains(html, s) {
			t.Errorf("report has %q", s)
		}
	}
	if !strings.Contains(html, `id="attribution"`) {
		t.Error("report lacks the PnL attribution the experiment writes")
	}
	if n := strings.Count(html, "<svg "); n != 1+2*3 {
		t.Errorf("%d inline SVG charts, want 7 (attribution, and 2 per run)", n)
	}
	checkSelfContained(t, html)
	// Nothing half-written stays behind, and a second run gives the same bytes.
	if again := readReport(t, dir); again != html {
		t.Error("two reports of the same folder differ")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// checkSelfContained checks that the page refers to nothing outside
// itself: no URL but uPlot's home in its licence notice, no element that
// loads a file, and exactly its two inline scripts (the charts' JSON and
// the code).
func checkSelfContained(t *testing.T, html string) {
	t.Helper()
	if n := strings.Count(html, "<script"); n != 2 || !strings.Contains(html, `<script type="application/json" id="report-data">`) {
		t.Errorf("%d <script> elements, want the data and the code", n)
	}
	html = strings.ReplaceAll(html, "https://github.com/leeoniya/uPlot", "")
	for _, s := range []string{"http://", "https://", "<script src", "<link", "<img", "<iframe", "fetch(", "XMLHttpRequest", "import("} {
		if strings.Contains(strings.ToLower(html), s) {
			i := strings.Index(strings.ToLower(html), s)
			t.Errorf("report contains %q: …%s…", s, html[max(0, i-60):min(len(html), i+60)])
		}
	}
	if m := networkRef.FindString(html); m != "" {
		i := networkRef.FindStringIndex(html)[0]
		t.Errorf("report references an external resource (%q): …%s…", m, html[max(0, i-60):min(len(html), i+80)])
	}
}

// writeOptional writes a stress matrix, Monte Carlo paths and an
// attribution in the layouts of the package documentation.
func writeOptional(t *testing.T, dir string) {
	t.Helper()
	var stress strings.Builder
	stress.WriteString("strategy,scenario,metric,value\n")
	for i, s := range []string{"hedge", "hold", "sma"} {
		for j, sc := range []string{"baseline", "ai-bubble-burst", "ai-crypto-selloff"} {
			fmt.Fprintf(&stress, "%s,%s,total_return,%g\n", s, sc, 0.1*float64(i)-0.15*float64(j))
			fmt.Fprintf(&stress, "%s,%s,sharpe,%g\n", s, sc, 1.2-0.7*float64(j)+0.1*float64(i))
		}
	}
	stress.WriteString("sma,miners-pivot,sharpe,\n") // a missing cell
	var mc strings.Builder
	mc.WriteString("strategy,path,time,equity\n")
	for _, s := range []string{"hedge", "hold"} {
		for p := range 40 {
			v := 100000.0
			for k := range 60 {
				fmt.Fprintf(&mc, "%s,%d,%s,%g\n", s, p, time.Date(2019, 3, 1+k, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), v)
				v *= 1 + 0.004*math.Sin(float64(p*7+k*3+len(s))) + 0.0003*float64((p*len(s))%7-3)
			}
		}
	}
	legs := "strategy,leg,pnl\nhedge,NVDA,5200\nhedge,MSFT,1800\nhedge,TAO,-3100\nhedge,commission,-240\nhold,NVDA,9000\nhold,BTC,4100\nhold,commission,-100\n"
	for name, body := range map[string]string{StressFile: stress.String(), MonteCarloFile: mc.String(), AttributionFile: legs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestWriteOptionalSections(t *testing.T) {
	dir := smallFolder(t)
	writeOptional(t, dir)
	html := readReport(t, dir)
	for _, s := range []string{
		`<section id="stress">`, `<section id="montecarlo">`, `<section id="attribution">`,
		"Stress test: total_return by run and scenario", "Stress test: sharpe by run and scenario",
		"ai-bubble-burst", "miners-pivot", "n/a", `id="fan-0"`, `id="fan-1"`, "PnL (money, account currency)",
		`href="#stress"`, `href="#montecarlo"`, `href="#attribution"`,
	} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	checkSelfContained(t, html)
	// One fan per run, in the run's colour (the same as in the runs table).
	p := payloadOf(t, html)
	fans := p["fans"].([]any)
	if len(fans) != 2 {
		t.Fatalf("%d fans, want 2", len(fans))
	}
	for _, fn := range fans {
		m := fn.(map[string]any)
		sw := `<span class="swatch" style="background:` + m["color"].(string) + `"></span>` + m["key"].(string) + "<"
		if !strings.Contains(html, sw) {
			t.Errorf("fan %s: colour %s is not its run's in the runs table", m["key"], m["color"])
		}
		if q := m["q"].([]any); len(q) != 5 || len(q[2].([]any)) != 60 {
			t.Errorf("fan %s: want 5 quantile lines of 60 days", m["key"])
		}
	}
}

// payloadOf returns the charts' JSON of a report.
func payloadOf(t *testing.T, html string) map[string]any {
	t.Helper()
	_, rest, ok := strings.Cut(html, `<script type="application/json" id="report-data">`)
	body, _, ok2 := strings.Cut(rest, "</script>")
	if !ok || !ok2 {
		t.Fatal("report has no chart data")
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrors(t *testing.T) {
	dir := smallFolder(t)
	// The report reads equity.parquet, and equity.csv only for a run
	// without one: a broken Parquet file is an error naming it…
	pq := filepath.Join(dir, "runs", "hold", "equity.parquet")
	if err := os.WriteFile(pq, []byte("PAR1 not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "equity.parquet") {
		t.Errorf("error %v, want one naming equity.parquet", err)
	}
	// … and without it, a bad equity.csv names its line.
	if err := os.Remove(pq); err != nil {
		t.Fatal(err)
	}
	eq := filepath.Join(dir, "runs", "hold", "equity.csv")
	b, err := os.ReadFile(eq)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	lines[3] = strings.Replace(lines[3], ",", ",abc", 1) // equity "abc…" on line 4
	if err := os.WriteFile(eq, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	err = Write(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "equity.csv:4: equity") {
		t.Errorf("error %v, want one naming equity.csv:4", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ReportFile)); err == nil {
		t.Error("report written despite the error")
	}
	// With neither file, the Parquet file is named, which the program
	// always writes (it named the CSV copy: "open …/equity.csv: no such
	// file or directory").
	if err := os.Remove(eq); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "runs", "hold")+" has no equity.parquet (nor equity.csv)") {
		t.Errorf("error %v, want one naming the missing equity.parquet", err)
	}
	if err := Write(context.Background(), filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("error %v, want one naming manifest.json", err)
	}
	// A bad optional file is an error too, naming file and line.
	dir = smallFolder(t)
	if err := os.WriteFile(filepath.Join(dir, MonteCarloFile), []byte("strategy,path,time,equity\nhold,x,2019-03-01,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "montecarlo.csv:2: path") {
		t.Errorf("error %v, want one naming montecarlo.csv:2", err)
	}
}

func TestCompare(t *testing.T) {
	a, b := smallFolder(t), smallFolder(t)
	out := t.TempDir()
	pngPath, svgPath := filepath.Join(out, "cmp.png"), filepath.Join(out, "cmp.svg")
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Runs: []string{"hedge", "sma"}, Outs: []string{pngPath, svgPath}}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	// Both folders are "small synthetic", of one name (small-synthetic)
	// in two temporary folders: the runs are told apart by the ends of
	// their paths (…/001/small-synthetic, …/002/small-synthetic; a
	// counter, "sma (2)", told the two smas apart before).
	pa, pb := filepath.Base(filepath.Dir(a))+"/small-synthetic", filepath.Base(filepath.Dir(b))+"/small-synthetic"
	if pa == pb {
		t.Fatalf("both folders end in %s", pa)
	}
	for _, s := range []string{"Comparison of 4 runs from 2 experiments", pa + ": hedge", pa + ": sma", pb + ": hedge", pb + ": sma", "SYNTHETIC DATA"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("comparison SVG lacks %q", s)
		}
	}
	if bytes.Contains(svg, []byte(": hold")) || bytes.Contains(svg, []byte("(2)")) {
		t.Error("comparison draws a run that was not asked for, or a counter")
	}
	// Runs of one folder of the two: "from 1 of 2 experiments", as drawn.
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Runs: []string{"hold"}, Top: 1, Outs: []string{svgPath}}); err != nil {
		t.Fatal(err)
	}
	if one, _ := os.ReadFile(svgPath); !bytes.Contains(one, []byte("Comparison of 1 run from 1 of 2 experiments<")) {
		t.Errorf("one run of one folder of two: the title does not say 1 of 2 experiments")
	}
	// A folder and a symbolic link to it are the same folder.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	if _, err := CompareWith(context.Background(), []string{a, link}, CompareOptions{Outs: []string{svgPath}}); err == nil || !strings.Contains(err.Error(), "are the same folder") {
		t.Errorf("a folder and a link to it: %v, want \"are the same folder\"", err)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 1200 {
		t.Errorf("PNG width %d, want 1200", img.Bounds().Dx())
	}
	for _, tc := range []struct {
		runs []string
		outs []string
		want string
	}{
		{[]string{"nope"}, []string{svgPath}, `run "nope" is in none of`},
		{nil, []string{filepath.Join(out, "x.gif")}, "want a .png, .svg or .csv file"},
	} {
		if _, err := CompareWith(context.Background(), []string{a}, CompareOptions{Runs: tc.runs, Outs: tc.outs}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

// chromium returns the path of a Chromium binary, or "".
func chromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestRenderChromium opens the report in headless Chromium, with the
// network features off, and checks the screenshot: the expected size, and
// enough non-white pixels (the banner, tables and charts drew). With -out
// the screenshot is kept for review.
func TestRenderChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium not installed: apt-get install chromium; .ci/run installs it")
	}
	dir := smallFolder(t)
	writeOptional(t, dir)
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	shot := filepath.Join(tmp, "shot.png")
	report, err := filepath.Abs(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(tmp, "profile"), "--screenshot="+shot, "--window-size=1280,2000", "file://"+report)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if *shotOut != "" {
		b, _ := os.ReadFile(shot)
		_ = os.WriteFile(*shotOut, b, 0o644)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: 1280, Y: 2000}) {
		t.Errorf("screenshot %v, want 1280×2000", got)
	}
	nonWhite, red := 0, 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c.R < 0xf0 || c.G < 0xf0 || c.B < 0xf0 {
				nonWhite++
			}
			if c.R > 0xa0 && c.G < 0x20 && c.B < 0x40 { // the synthetic banner's red
				red++
			}
		}
	}
	if frac := float64(nonWhite) / float64(bounds.Dx()*bounds.Dy()); frac < 0.03 {
		t.Errorf("only %.2f%% of the screenshot is not white: the report did not render", 100*frac)
	}
	if red < 1280*20 {
		t.Errorf("%d red pixels, want the synthetic banner across the top (≥ %d)", red, 1280*20)
	}
}

// TestCompareMixed compares a synthetic folder with one marked real: the
// synthetic runs' labels say so.
func TestCompareMixed(t *testing.T) {
	a, b := smallFolder(t), smallFolder(t)
	// Mark b as real data (a stand-in for a folder run on real prices).
	for _, p := range append([]string{filepath.Join(b, ManifestFile)}, must(filepath.Glob(filepath.Join(b, "runs", "*", "metrics.json")))...) {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.ReplaceAll(body, []byte(`"synthetic": true`), []byte(`"synthetic": false`))
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "mixed.svg")
	if _, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Runs: []string{"hold"}, Outs: []string{out}}); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"small-synthetic: hold [SYNTHETIC]", "small-synthetic: hold<", "SYNTHETIC DATA"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// runStress runs experiment/testdata/stress.toml (scenario runs, a
// long-leg companion, stress and Monte Carlo tables) into a temporary
// folder, as the command does on 2 workers.
func runStress(t *testing.T) *experiment.Outcome {
	t.Helper()
	return runTestdata(t, "stress.toml")
}

// TestWriteStressExperiment reports on experiment/testdata/stress.toml:
// scenario runs, a long-leg companion, stress.csv and Monte Carlo tables
// as package experiment writes them.
func TestWriteStressExperiment(t *testing.T) {
	o := runStress(t)
	html := readReport(t, o.Dir)
	for _, s := range []string{
		`<section id="stress">`, `<section id="montecarlo">`, `id="other-runs"`, "Scenario and companion runs",
		"Stress test: total_return by run and scenario", "Summary by run", "Equity under each scenario",
		"hedge@ai-bubble-burst", "terminal_p05", "ai-crypto-selloff",
		"shown only where the long leg alone lost at least 1% of its baseline", "a loss is negative", `id="scenario-0"`, `id="fan-0"`,
	} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	// Per-run sections only for the runs of runs.csv.
	if strings.Contains(html, `id="run-hedge@ai-bubble-burst"`) {
		t.Error("a scenario run has a per-run section")
	}
	for _, s := range []string{`id="run-hedge"`, `id="run-tech"`} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	checkSelfContained(t, html)
	if *shotOut != "" {
		_ = os.WriteFile(strings.TrimSuffix(*shotOut, ".png")+"-stress.html", []byte(html), 0o644)
	}
}

// TestAlignCommon: runs of different periods are cut to the dates they
// all span; a run that starts later sets the start (by hand: a spans days
// 0–9, b days 3–12, c days 2–8: common 3–8).
func TestAlignCommon(t *testing.T) {
	day := int64(86400e9)
	mk := func(name string, from, to int) charts.Series {
		s := charts.Series{Name: name}
		for d := from; d <= to; d++ {
			s.Time = append(s.Time, int64(d)*day)
			s.Values = append(s.Values, 100+float64(d))
		}
		return s
	}
	curves := []charts.Series{mk("a", 0, 9), mk("b", 3, 12), mk("c", 2, 8)}
	from, err := alignCommon(curves)
	if err != nil {
		t.Fatal(err)
	}
	if from != 3*day {
		t.Errorf("common start day %d, want 3", from/day)
	}
	for _, c := range curves {
		if c.Time[0] != 3*day || c.Time[len(c.Time)-1] != 8*day || len(c.Time) != 6 || c.Values[0] != 103 {
			t.Errorf("%s: days %d–%d (%d points), first value %g; want 3–8 (6), 103", c.Name, c.Time[0]/day, c.Time[len(c.Time)-1]/day, len(c.Time), c.Values[0])
		}
	}
	if _, err := alignCommon([]charts.Series{mk("a", 0, 2), mk("b", 5, 6)}); err == nil || !strings.Contains(err.Error(), "share no dates") {
		t.Errorf("disjoint runs: error %v", err)
	}
}

// Aligned runs start at 1 on the common date: a run that began before it
// is rebased on its value there (its growth from its cash, 339,687.90 /
// 100,000 = 3.4, was drawn from 3.4), one that begins on it on its cash
// (its first point below the cash by its entry costs: 0.99).
func TestAlignCommonRebases(t *testing.T) {
	day := int64(86400e9)
	early := charts.Series{Name: "early", Time: []int64{0, day, 2 * day}, Values: []float64{100_000, 339_687.90, 350_000}, Initial: 100_000}
	late := charts.Series{Name: "late", Time: []int64{day, 2 * day}, Values: []float64{99_000, 101_000}, Initial: 100_000}
	curves := []charts.Series{early, late}
	firsts := firstTimes(curves)
	from, err := alignCommon(curves)
	if err != nil {
		t.Fatal(err)
	}
	runs := []*Run{{}, {}}
	runs[0].Record.Cash, runs[1].Record.Cash = 100_000, 100_000
	rebaseAligned(curves, runs, firsts, from)
	if g := curves[0].Growth(nil); g[0] != 1 {
		t.Errorf("the early run at the common start: growth %g, want 1", g[0])
	}
	if g := curves[1].Growth(nil); g[0] != 0.99 {
		t.Errorf("the run starting there: growth %g, want 0.99 (from its cash)", g[0])
	}
}

// TestCompareTopDefaultOut: with more runs than Top, the best Top by the
// metric are drawn and the caption says so; without outputs the chart
// goes into the first folder.
func TestCompareTopDefaultOut(t *testing.T) {
	dir := smallFolder(t)
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	worst, worstV := "", math.Inf(1)
	for _, r := range f.Runs {
		if v := r.Record.Metrics.Sharpe; v < worstV {
			worst, worstV = r.Name, v
		}
	}
	cmp, err := CompareWith(context.Background(), []string{dir}, CompareOptions{Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	outs := cmp.Outs
	// Beside the folder, not in it: a run replaces its folder whole.
	name := "compare-" + filepath.Base(dir)
	if parent := filepath.Dir(dir); len(outs) != 3 || outs[0] != filepath.Join(parent, name+".png") || outs[1] != filepath.Join(parent, name+".svg") || outs[2] != filepath.Join(parent, name+".csv") {
		t.Fatalf("outputs %v, want %s.png, .svg and .csv in %s", outs, name, parent)
	}
	if _, err := os.Stat(outs[2]); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(outs[1])
	if err != nil {
		t.Fatal(err)
	}
	// The caption may wrap: its lines are read as one text.
	var text []string
	for _, m := range regexp.MustCompile(`<text [^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		text = append(text, string(m[1]))
	}
	if all := strings.Join(text, " "); !strings.Contains(all, "top 2 of 3 runs by sharpe") || !strings.Contains(all, "aligned on the common dates") {
		t.Errorf("caption does not say top 2 of 3 by sharpe, aligned:\n%s", all)
	}
	if bytes.Contains(svg, []byte(": "+worst+"<")) {
		t.Errorf("the run with the lowest Sharpe (%s) is drawn", worst)
	}
	if _, err := CompareWith(context.Background(), []string{dir}, CompareOptions{By: "nope"}); err == nil {
		t.Error("no error for an unknown metric")
	}
}

// TestPricesFromMemory: given instruments' closes (Input.Prices), the
// report marks each run's fills on them: the sma run's BTC entries and
// exits at their fill prices, on BTC's close over the run.
func TestPricesFromMemory(t *testing.T) {
	dir, _, btc, p := pricedPage(t)
	fills, err := readFills(filepath.Join(dir, "runs", "sma"))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, x := range p["ladders"].([]any) {
		l := x.(map[string]any)
		if l["run"] != "sma" || l["symbol"] != "BTC" {
			continue
		}
		found = true
		price := p["closes"].([]any)[int(l["close"].(float64))].(map[string]any)
		if n := len(price["v"].([]any)); n != len(btc.Time) {
			t.Errorf("price line of %d points, want %d", n, len(btc.Time))
		}
		marks := len(l["entry"].(map[string]any)["v"].([]any)) + len(l["exit"].(map[string]any)["v"].([]any))
		if marks != len(fills) || len(fills) == 0 {
			t.Errorf("%d markers, want one per fill (%d)", marks, len(fills))
		}
		if first := l["entry"].(map[string]any)["v"].([]any)[0].(float64); math.Abs(first-fills[0].Price) > 1e-6*fills[0].Price {
			t.Errorf("first entry marker at %g, the first fill's price is %g", first, fills[0].Price)
		}
	}
	if !found {
		t.Error("no chart of the sma run's BTC fills")
	}
}

// pricedPage renders the small folder's report from memory, given a
// made-up BTC close on every day of the sma run (1000 + day), and returns
// the folder, as loaded, that close and the page's chart data as parsed.
func pricedPage(t *testing.T) (string, *Folder, charts.Series, map[string]any) {
	t.Helper()
	dir := smallFolder(t)
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Dir: dir, Manifest: f.Manifest}
	for _, r := range f.Runs {
		in.Runs, in.Equity = append(in.Runs, r.Record), append(in.Equity, r.Equity)
	}
	btc := charts.Series{Name: "BTC"}
	for k, tm := range f.run("sma").Equity.Time {
		btc.Time, btc.Values = append(btc.Time, tm), append(btc.Values, 1000+float64(k))
	}
	in.Prices = []charts.Series{btc}
	g, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := Render(context.Background(), &buf, g); err != nil {
		t.Fatal(err)
	}
	return dir, f, btc, payloadOf(t, buf.String())
}

// TestBandsFile: montecarlo_bands.csv (run, time, p05 … p95) gives one fan
// per run, in the run's colour, with the file's quantiles; a time out of
// order is an error naming the file and row.
func TestBandsFile(t *testing.T) {
	dir := smallFolder(t)
	var b strings.Builder
	b.WriteString("run,time,p05,p25,p50,p75,p95\n")
	for _, run := range []string{"hedge", "sma"} {
		for k := range 30 {
			g := 1 + 0.01*float64(k)
			fmt.Fprintf(&b, "%s,%s,%g,%g,%g,%g,%g\n", run, time.Date(2020, 1, 1+k, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), g-0.2, g-0.1, g, g+0.1, g+0.2)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, BandsFile), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	html := readReport(t, dir)
	p := payloadOf(t, html)
	fans := p["fans"].([]any)
	if len(fans) != 2 || !strings.Contains(html, `id="fan-1"`) {
		t.Fatalf("%d fans, want 2", len(fans))
	}
	for _, x := range fans {
		m := x.(map[string]any)
		q := m["q"].([]any)
		if med := q[2].([]any); len(med) != 30 || med[10].(float64) != 1.1 || q[0].([]any)[10].(float64) != 0.9 {
			t.Errorf("fan %s: median %v", m["key"], med)
		}
		if !strings.Contains(html, `<span class="swatch" style="background:`+m["color"].(string)+`"></span>`+m["key"].(string)+"<") {
			t.Errorf("fan %s: not in its run's colour", m["key"])
		}
	}
	bad := strings.Replace(b.String(), "hedge,2020-01-02", "hedge,2019-01-02", 1)
	if err := os.WriteFile(filepath.Join(dir, BandsFile), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "montecarlo_bands.csv: row 3") {
		t.Errorf("error %v, want one naming montecarlo_bands.csv row 3", err)
	}
}

// TestReportSizeManyRuns: 200 runs of 20,000 minute bars each (4M points)
// make a report of at most 4 MB: the overview charts draw the 10 best
// runs, each line reduced per pixel column, and the other runs have a
// table row and their metrics. Measured: 3,475,568 bytes, with the JSON's
// time columns delta-encoded (5,084,995 when they were absolute seconds,
// under a bound of 10 MB).
func TestReportSizeManyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("4M points")
	}
	dir := smallFolder(t)
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := f.Runs[0]
	in := Input{Dir: t.TempDir(), Manifest: f.Manifest}
	const runs, bars = 200, 20000
	t0 := time.Date(2024, 1, 2, 14, 30, 0, 0, time.UTC).UnixNano()
	for i := range runs {
		rec := base.Record
		rec.Run = fmt.Sprintf("sweep--n=%d", i)
		rec.Swept = map[string]any{"n": float64(i % 20), "m": float64(i / 20)}
		rec.Metrics.Sharpe = float64(i%37) / 10
		s := charts.Series{Time: make([]int64, bars), Values: make([]float64, bars)}
		g, n := make([]float64, bars), make([]float64, bars)
		v := 1e6
		for k := range bars {
			s.Time[k] = t0 + int64(k)*60e9
			v *= 1 + 0.001*math.Sin(float64(k*(i+3))/97) + 0.0001*math.Cos(float64(k+i)/13)
			s.Values[k], g[k], n[k] = v, v*(1+0.1*math.Sin(float64(k)/500)), v*0.2
		}
		in.Runs, in.Equity = append(in.Runs, rec), append(in.Equity, s)
		in.Gross, in.Net = append(in.Gross, g), append(in.Net, n)
	}
	start := time.Now()
	if err := WriteInput(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(in.Dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("200 runs × 20,000 minute bars: report.html %d bytes in %v", st.Size(), time.Since(start))
	if st.Size() > 4e6 {
		t.Errorf("report.html is %d bytes, want ≤ 4 MB", st.Size())
	}
	b, _ := os.ReadFile(filepath.Join(in.Dir, ReportFile))
	p := payloadOf(t, string(b))
	for _, x := range p["runs"].([]any) {
		if n := len(x.(map[string]any)["e"].([]any)); n > 4*chartBuckets {
			t.Errorf("a line of %d points, want ≤ %d (per-pixel reduction)", n, 4*chartBuckets)
		}
	}
	if n := len(p["runs"].([]any)); n != maxLines {
		t.Errorf("%d runs in the overview, want %d", n, maxLines)
	}
	if p["sweep"] == nil || !p["intraday"].(bool) {
		t.Error("no sweep heatmap data, or the read-out would not show the time of day")
	}
}

// Past the palette's ten colours a run shares its colour with another
// and differs by its line's dash: its swatch in the runs table draws the
// dash too, so that no two of twelve runs show the same swatch (before,
// the 11th and the 1st did: the same colour, no dash).
func TestSwatchesDistinctPastTenRuns(t *testing.T) {
	f, err := Load(smallFolder(t))
	if err != nil {
		t.Fatal(err)
	}
	base := f.Runs[0]
	in := Input{Dir: t.TempDir(), Manifest: f.Manifest}
	for i := range 12 {
		rec := base.Record
		rec.Run = fmt.Sprintf("run%02d", i)
		in.Runs, in.Equity = append(in.Runs, rec), append(in.Equity, base.Equity)
	}
	if err := WriteInput(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(in.Dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	seen := map[string]string{} // swatch → run
	dashed := 0
	for i := range 12 {
		key := fmt.Sprintf("run%02d", i)
		end := strings.Index(html, `"></span>`+key+"<")
		if end < 0 {
			t.Fatalf("%s has no swatch in the runs table", key)
		}
		start := strings.LastIndex(html[:end], `<span class="swatch`)
		sw := html[start:end]
		if prev, ok := seen[sw]; ok {
			t.Errorf("%s and %s show the same swatch %s", prev, key, sw)
		}
		seen[sw] = key
		if strings.Contains(sw, `swatch d1"`) {
			dashed++
		}
	}
	if dashed != 2 {
		t.Errorf("%d dashed swatches, want 2 (the 11th and 12th runs)", dashed)
	}
	if !strings.Contains(html, ".swatch.d1 {") {
		t.Error("the page's style has no rule for a dashed swatch")
	}
}

// A run named with --runs that only some of the folders hold is drawn
// from those, and the comparison says which folders lack it (before, it
// said nothing: a comparison of a change "before and after" silently
// drew one side).
func TestCompareRunsMissingFromSome(t *testing.T) {
	a := smallFolder(t)
	text, err := os.ReadFile(filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The same experiment without its sma run.
	cut := strings.Index(string(text), "[[strategy]]\nname = \"sma\"")
	if cut < 0 {
		t.Fatal("small.toml has no sma strategy")
	}
	b := runText(t, string(text[:cut]), experiment.Options{}).Dir
	out := filepath.Join(t.TempDir(), "cmp.svg")
	cmp, err := CompareWith(context.Background(), []string{a, b}, CompareOptions{Runs: []string{"hedge", "sma"}, Outs: []string{out}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Missing) != 1 || !strings.Contains(cmp.Missing[0], "run sma is not in "+b) {
		t.Errorf("missing %q, want run sma named as not in %s", cmp.Missing, b)
	}
	if len(cmp.Rows) != 3 {
		t.Errorf("%d runs drawn, want 3 (hedge twice, sma once)", len(cmp.Rows))
	}
}
