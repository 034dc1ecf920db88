//go:build duckdb_arrow

package report

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// demoReport runs the demo, examples/synthetic-ai-hedge.toml (4 runs
// on the synthetic market, 2020–2024, 3 stress scenarios, Monte Carlo),
// writes its report and returns the folder.
func demoReport(t *testing.T) string {
	t.Helper()
	f, err := experiment.Load(filepath.Join("..", "..", "examples", "synthetic-ai-hedge.toml"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	return o.Dir
}

// TestDemoReport: the demo's report stays within 2 MB (issue 12); its
// runs table has the benchmark and cost columns, filled; every run has
// one colour in the runs table and in every chart's data.
func TestDemoReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	dir := demoReport(t)
	b, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	t.Logf("demo report.html: %d bytes", len(b))
	// Measured: 1,405,429 bytes (1,713,193 before the JSON's time columns
	// were delta-encoded).
	if len(b) > 1.6e6 {
		t.Errorf("demo report.html is %d bytes, want ≤ 1.6 MB", len(b))
	}
	checkSelfContained(t, html)
	for _, col := range []string{"beta_qqq", "alpha_qqq", "correlation_qqq", "up_capture_qqq", "down_capture_qqq", "total_costs", "costs_commission", "var_95", "cvar_95"} {
		if !strings.Contains(html, `<th data-col="`+col+`"`) {
			t.Errorf("runs table lacks %s", col)
		}
	}
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// beta_qqq of every run, as the table's data-v holds it, against the
	// record's metrics.json.
	betas := columnValues(t, html, "runs-table", "beta_qqq")
	for _, r := range f.Runs {
		bs, ok := r.Record.Metrics.Benchmark("QQQ")
		if !ok || math.IsNaN(bs.Beta) {
			t.Errorf("%s: no beta against QQQ in metrics.json", r.Key)
			continue
		}
		if got, ok := betas[r.Key]; !ok || math.Abs(got-bs.Beta) > 1e-12*math.Max(1, math.Abs(bs.Beta)) {
			t.Errorf("%s: beta_qqq in the runs table %v (present %v), metrics.json %v", r.Key, got, ok, bs.Beta)
		}
	}
	colour := map[string]string{} // run key → its swatch in the runs table
	for _, r := range f.Runs {
		_, rest, ok := strings.Cut(html, `<span class="swatch" style="background:`)
		for ok {
			c, after, _ := strings.Cut(rest, `"></span>`)
			key, _, _ := strings.Cut(after, "<")
			colour[key] = c
			_, rest, ok = strings.Cut(after, `<span class="swatch" style="background:`)
		}
		if colour[r.Key] == "" {
			t.Errorf("%s has no swatch in the runs table", r.Key)
		}
	}
	p := payloadOf(t, html)
	seen := 0
	for _, part := range []string{"runs", "fans", "legs"} {
		list, _ := p[part].([]any)
		for _, x := range list {
			m := x.(map[string]any)
			if c := colour[m["key"].(string)]; c != m["color"] {
				t.Errorf("%s %s: colour %v, runs table %s", part, m["key"], m["color"], c)
			}
			seen++
		}
	}
	for _, x := range p["scenarios"].([]any) {
		for _, y := range x.(map[string]any)["runs"].([]any) {
			m := y.(map[string]any)
			if c := colour[m["base"].(string)]; c != m["color"] || colour[m["key"].(string)] != c {
				t.Errorf("scenario run %s: colour %v, its base run's %s", m["key"], m["color"], c)
			}
			seen++
		}
	}
	if seen < 4+4*3 {
		t.Errorf("%d coloured series checked, want at least the 4 runs and their 12 scenario runs", seen)
	}
}

// TestReportInBrowser opens the demo's report in headless Chromium through
// the DevTools protocol (chromedp) and uses it as a reader would: the
// page loads with no console error and no request but its own file;
// every chart draws (its canvas is not blank); hovering the equity chart
// reads out the equity of equity.parquet at the cursor's date; clicking a
// run's legend entry hides it (in every overview chart); clicking the
// Sharpe column's header orders the runs table by Sharpe.
func TestReportInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs the demo and a browser")
	}
	dir := demoReport(t)
	page, err := filepath.Abs(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, url, problems, requests := openReport(t, page)
	drawRunCharts(t, ctx)

	// Every chart draws: each .uchart element holds a uPlot chart whose
	// canvas has painted pixels.
	painted, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`(() => {
		const out = {};
		document.querySelectorAll('.uchart').forEach(el => {
			const u = window.divergence.charts[el.id];
			if (!u) { out[el.id] = -1; return; }
			const c = u.ctx.canvas, d = u.ctx.getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
			out[el.id] = n;
		});
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"chart-equity", "chart-drawdown", "chart-gross", "chart-net", "chart-sharpe", "chart-vol", "chart-beta", "scenario-0", "fan-0", "fan-3"} {
		if _, ok := painted[id]; !ok {
			t.Errorf("the demo's report has no chart %s", id)
		}
	}
	legs := 0
	for id, n := range painted {
		if n < 500 {
			t.Errorf("chart %s: %d painted pixels, want a drawn chart", id, n)
		}
		if strings.HasPrefix(id, "legs-") {
			legs++
		}
	}
	if legs != 2 {
		t.Errorf("%d legs charts, want 2 (the pair hedge's growth and beta)", legs)
	}
	t.Logf("%d charts drawn", len(painted))

	// Hover the equity chart at 60% of its width and read the legend.
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#chart-equity"))); err != nil {
		t.Fatal(err)
	}
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('#chart-equity .u-over').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	x, y := box[0]+0.6*box[2], box[1]+0.5*box[3]
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.Sleep(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	readout, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#chart-equity .u-legend .u-series')).map(r => [r.querySelector('.u-label').textContent, r.querySelector('.u-value').textContent])`))
	if err != nil {
		t.Fatal(err)
	}
	if len(readout) < 5 {
		t.Fatalf("equity legend %v, want the date and 4 runs", readout)
	}
	date := readout[0][1]
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		t.Fatalf("read-out date %q (legend %v)", date, readout)
	}
	f, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, row := range readout[1:] {
		var r *Run
		for _, i := range f.Main {
			if f.Runs[i].Name == row[0] {
				r = &f.Runs[i]
			}
		}
		if r == nil {
			t.Errorf("legend entry %q is no run", row[0])
			continue
		}
		tab, err := results.ReadTableParquet(filepath.Join(dir, "runs", r.Key, "equity.parquet"), "time", "equity")
		if err != nil {
			t.Fatal(err)
		}
		want := math.NaN()
		for k, tm := range tab.Columns[0].Times {
			if results.FormatTime(tm) == date {
				want = tab.Columns[1].Floats[k]
			}
		}
		_, m, ok := strings.Cut(row[1], "(")
		m = strings.NewReplacer("\u202f", "", ")", "", "\u2212", "-").Replace(m)
		got, err := strconv.ParseFloat(m, 64)
		if !ok || err != nil || math.IsNaN(want) {
			t.Errorf("%s at %s: read-out %q, equity.parquet %v", r.Key, date, row[1], want)
			continue
		}
		if math.Abs(got-want) > 0.005 {
			t.Errorf("%s at %s: read-out equity %.2f, equity.parquet %.4f", r.Key, date, got, want)
		}
		checked++
	}
	t.Logf("hover at %s: %v", date, readout[1:])
	if checked != 4 {
		t.Errorf("%d runs' read-outs checked, want 4", checked)
	}

	// Clicking the first run's legend entry hides it here and in the
	// other overview charts.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#chart-equity .u-legend .u-series:nth-child(2) .u-label"))); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](`['chart-equity', 'chart-drawdown', 'chart-sharpe'].map(id => window.divergence.charts[id].series[1].show)`))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range shown {
		if s {
			t.Errorf("chart %d: the clicked run is still shown", i)
		}
	}
	off, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#chart-equity .u-legend .u-series:nth-child(2)').classList.contains('u-off')`))
	if err != nil {
		t.Fatal(err)
	}
	if !off {
		t.Error("the clicked legend entry is not marked off")
	}

	// Zoomed in, the log scale keeps the zoom: the equity chart, drawn
	// again on the log scale, came back at its whole range while the
	// overview's other charts stayed zoomed. The zoom is a drag across
	// the equity chart, from 30 % to 50 % of its width.
	if err := chromedp.Do(ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, box[0]+0.3*box[2], y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0]+0.4*box[2], y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0]+0.5*box[2], y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, box[0]+0.5*box[2], y, chromedp.ButtonLeft),
		chromedp.Sleep(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	zoomed, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(async () => {
		const c = window.divergence.charts, u0 = c['chart-equity'], x = u0.data[0];
		const before = [u0.scales.x.min, u0.scales.x.max, x[0], x[x.length - 1]];
		const box = document.getElementById('equity-log');
		box.checked = true;
		box.dispatchEvent(new Event('change'));
		await new Promise(r => requestAnimationFrame(r));
		const u = c['chart-equity'];
		return before.concat([u.scales.x.min, u.scales.x.max, u.scales.y.distr, c['chart-drawdown'].scales.x.min, c['chart-drawdown'].scales.x.max]);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := zoomed[0], zoomed[1]
	if !(lo > zoomed[2] && hi < zoomed[3]) || zoomed[7] != lo || zoomed[8] != hi {
		t.Errorf("the drag left the equity chart at [%g, %g] of [%g, %g], the drawdown chart at [%g, %g]: want a zoom inside, on both", lo, hi, zoomed[2], zoomed[3], zoomed[7], zoomed[8])
	}
	if zoomed[6] != 3 || zoomed[4] != lo || zoomed[5] != hi {
		t.Errorf("after the log toggle (y distr %g), the equity chart shows [%g, %g]; want the log scale (3) at the zoom [%g, %g] the drawdown chart keeps", zoomed[6], zoomed[4], zoomed[5], lo, hi)
	}

	// Sorting the runs table by Sharpe.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#runs-table th[data-col="sharpe"]`))); err != nil {
		t.Fatal(err)
	}
	sharpe, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const j = Array.from(document.querySelectorAll('#runs-table thead th')).findIndex(h => h.dataset.col === 'sharpe');
			return Array.from(document.querySelectorAll('#runs-table tbody tr')).map(r => r.cells[j].dataset.v); })()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sharpe) != len(f.Runs) {
		t.Fatalf("%d rows, want %d", len(sharpe), len(f.Runs))
	}
	prev := math.Inf(1)
	for i, s := range sharpe {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("row %d: sharpe %q", i, s)
		}
		if v > prev {
			t.Errorf("row %d: Sharpe %g after %g: not sorted in descending order (%v)", i, v, prev, sharpe)
		}
		prev = v
	}
	// Filtering: sharpe>0.5 keeps the runs with a Sharpe above 0.5.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`input[data-filter="runs-table"]`), "sharpe>0.5")); err != nil {
		t.Fatal(err)
	}
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#runs-table tbody tr')).filter(r => r.style.display !== 'none').length`))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range f.Runs {
		if r.Record.Metrics.Sharpe > 0.5 {
			want++
		}
	}
	if visible != want || want == 0 || want == len(f.Runs) {
		t.Errorf("filter sharpe>0.5 shows %d rows, want %d of %d", visible, want, len(f.Runs))
	}

	if *shotOut != "" {
		for _, id := range []string{"runs", "equity", "rolling", "run-long-ai-tech-short-ai-tokens", "stress", "montecarlo", "attribution"} {
			if b, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(id))); err == nil {
				_ = os.WriteFile(strings.TrimSuffix(*shotOut, ".png")+"-demo-"+id+".png", b, 0o644)
			}
		}
	}
	checkQuiet(t, url, problems, requests)
}

// checkQuiet fails the test for every console error or warning, uncaught
// exception, and request to anything but the page itself.
func checkQuiet(t *testing.T, url string, problems, requests func() []string) {
	t.Helper()
	for _, p := range problems() {
		t.Error(p)
	}
	req := requests()
	for _, u := range req {
		if u != url {
			t.Errorf("request to %s: the report must load nothing but itself", u)
		}
	}
	if len(req) == 0 {
		t.Error("no request seen at all: the network listener did not work")
	}
}

// drawRunCharts draws the charts the page draws only near the screen (a
// run's fills and legs: TestRunChartsDrawnNearTheScreen), as printing
// does, and waits for them to paint.
func drawRunCharts(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`(async () => {
		window.divergence.drawAll();
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
	})()`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

// openReport starts headless Chromium (no sandbox, no GPU, no background
// networking, sync, extensions or component updates), listens to the
// console, exceptions, the log and every network request, and opens the
// page; it returns once the equity chart is drawn.
func openReport(t *testing.T, page string) (ctx context.Context, url string, problems, requests func() []string) {
	t.Helper()
	bin := chromium()
	// Chromium makes a folder for its singleton socket in TMPDIR
	// (org.chromium.Chromium.*) and leaves it there when closed: one
	// more in the machine's /tmp at every test.
	tmp := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.Env("TMPDIR=" + tmp),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-default-apps", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("metrics-recording-only", true), chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)

	t.Cleanup(cancelA)
	t.Cleanup(cancel)
	t.Cleanup(cancelT)
	var mu sync.Mutex
	var probs, reqs []string
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				probs = append(probs, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
			}
		case *runtime.EventExceptionThrown:
			probs = append(probs, "exception: "+(&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
				probs = append(probs, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			reqs = append(reqs, e.Request.URL)
		}
	}
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	url = "file://" + page
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("#chart-equity .u-over"))); err != nil {
		t.Fatal(err)
	}

	get := func(p *[]string) func() []string {
		return func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), *p...) }
	}
	return ctx, url, get(&probs), get(&reqs)
}

// TestSweepReportInBrowser opens the report of experiment/testdata/
// walkforward.toml (sma-cross swept over fast × slow, pair-hedge over
// gross, a rolling walk-forward): the sweep heatmap shows one cell per
// (fast, slow) whose value is that run's Sharpe from its metrics.json; the
// walk-forward chart draws; nothing errs or goes to the network.
func TestSweepReportInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	f, err := experiment.Load(filepath.Join("..", "..", "experiment", "testdata", "walkforward.toml"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	folder, err := Load(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	type heatCell struct {
		X, Y, Title string
		V           float64
	}
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]heatCell](`(() => {
		const t = document.querySelector('#sweep-heatmap table.heat'), xs = Array.from(t.tHead.rows[0].cells).slice(1).map(c => c.textContent);
		const out = [];
		Array.from(t.tBodies[0].rows).forEach(r => Array.from(r.cells).slice(1).forEach((c, j) =>
			out.push({X: xs[j], Y: r.cells[0].textContent, Title: c.title, V: c.dataset.v === undefined ? NaN : Number(c.dataset.v)})));
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	axes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`['sweep-strategy', 'sweep-x', 'sweep-y', 'sweep-metric'].map(id => document.getElementById(id).value)`))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(axes) != "[sma fast slow sharpe]" {
		t.Errorf("heatmap of %v, want sma's sharpe over fast and slow", axes)
	}
	if len(cells) != 6 {
		t.Fatalf("%d heatmap cells, want 3 fast × 2 slow", len(cells))
	}
	for _, c := range cells {
		key := "sma--fast=" + c.X + "--slow=" + c.Y
		r := folder.run(key)
		if r == nil || c.Title != key {
			t.Errorf("cell fast=%s slow=%s: run %q, want %s", c.X, c.Y, c.Title, key)
			continue
		}
		if math.Abs(c.V-r.Record.Metrics.Sharpe) > 1e-12 {
			t.Errorf("cell %s: %g, metrics.json sharpe %g", key, c.V, r.Record.Metrics.Sharpe)
		}
	}
	// The swept fast (5, 10, 20) sorts as numbers (as text: 10, 20, 5)
	// and filters as one: fast>=10 keeps sma's 4 runs of fast 10 and 20
	// (the hedge's runs have no fast).
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const t = document.getElementById('runs-table'), j = Array.from(t.tHead.rows[0].cells).findIndex(c => c.dataset.col === 'param_fast');
		t.tHead.rows[0].cells[j].click();
		return Array.from(t.tBodies[0].rows).map(r => r.cells[j].textContent);
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sorted, " "); got != "20 20 10 10 5 5 — —" {
		t.Errorf("param_fast sorted %q, want 20 20 10 10 5 5 — — (numbers, descending, none last)", got)
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const box = document.querySelector('input[data-filter="runs-table"]');
		box.value = 'param_fast>=10'; box.dispatchEvent(new Event('input'));
		return document.querySelector('[data-count="runs-table"]').textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if count != "4 of 8 runs" {
		t.Errorf("filter param_fast>=10: %q, want 4 of 8 runs", count)
	}
	// Kurtosis has no better direction: said so, and coloured low to high.
	note, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const m = document.getElementById('sweep-metric'); m.value = 'kurtosis'; m.dispatchEvent(new Event('change'));
		return document.querySelector('#sweep-heatmap p.note').textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "kurtosis (no better direction: white low, purple high)") {
		t.Errorf("kurtosis heatmap note %q", note)
	}
	// Money is shown as money: final equity with cents and grouped
	// thousands (it read "508985.505"), the cell's value in data-v.
	money, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const m = document.getElementById('sweep-metric'); m.value = 'final_equity'; m.dispatchEvent(new Event('change'));
		const c = document.querySelector('#sweep-heatmap table.heat td[data-v]');
		return [c.textContent, c.dataset.v];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := strconv.ParseFloat(money[1], 64); err != nil || money[0] != formatMoney(v) {
		t.Errorf("final_equity cell %q (value %s), want %q", money[0], money[1], formatMoney(v))
	}
	painted, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`['wf-0', 'wf-1'].map(id => { const u = window.divergence.charts[id]; if (!u) return -1;
		const c = u.ctx.canvas, d = u.ctx.getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })`))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range painted {
		if n < 500 {
			t.Errorf("walk-forward chart %d: %d painted pixels", i, n)
		}
	}
	if *shotOut != "" {
		for _, id := range []string{"sweep", "walkforward"} {
			b, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(id)))
			if err == nil {
				_ = os.WriteFile(strings.TrimSuffix(*shotOut, ".png")+"-"+id+".png", b, 0o644)
			}
		}
	}
	checkQuiet(t, url, problems, requests)
}

// TestTradesInBrowser: a scaled entry's report has its tranche ladder
// (entries and exits at their fill prices, drawn, the read-out naming the
// tranche) and its round-trip table, one row per round trip (that their
// PnL sums to the run's is TestRoundTrips').
func TestTradesInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	toml := filepath.Join(t.TempDir(), "scaled.toml")
	if err := os.WriteFile(toml, []byte(`name = "scaled entry"
seed = 3
cash = 100_000.0
commission_bps = 5.0
start = "2020-01-01"
end = "2023-01-01"
[data]
synthetic = true
[[strategy]]
name = "scale into BTC"
type = "scaled-entry"
[strategy.params]
symbol = "BTC"
levels = [0.05, 0.10, 0.20, 0.30]
take_profit = [0.15, 0.30]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	// The report of the run, with the instruments' closes the fills are
	// drawn on (prices.parquet), made again from the folder.
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test",
		Report: func(ctx context.Context, in experiment.ReportInput) error {
			return WriteInput(ctx, Input{Dir: in.Dir, Manifest: in.Manifest, Runs: in.Runs, Equity: in.Equity, Gross: in.Gross, Net: in.Net, Prices: in.Prices})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	fills, err := readFills(filepath.Join(o.Dir, "runs", "scale-into-btc"))
	if err != nil || len(fills) < 3 {
		t.Fatalf("%d fills, %v: want a few tranches", len(fills), err)
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	drawRunCharts(t, ctx)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => { const u = window.divergence.charts['ladder-0']; if (!u) return [-1, 0, 0, 0, 0];
		const c = u.ctx.canvas, d = u.ctx.getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
		const at = name => u.series.findIndex(s => s.label === name);
		const marks = u.data[at('entries')].filter(v => v != null).length + u.data[at('exits')].filter(v => v != null).length;
		const close = at('BTC close') > 0 ? u.data[at('BTC close')].filter(v => v != null).length : 0;
		const e = at('entries'), first = u.data[e].findIndex(v => v != null);
		const tagShown = first >= 0 && /\(tranche/.test(u.series[e].value(u, u.data[e][first], e, first)) ? 1 : 0;
		return [n, marks, document.querySelectorAll('details.trades tbody tr, details.trades table tr').length, close, tagShown]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if got[4] != 1 {
		t.Error("tranche ladder: the read-out of the first entry does not name its tranche")
	}
	if got[3] < 100 {
		t.Errorf("tranche ladder: %d points of BTC's close (the payload's shared closes), want its daily closes", got[3])
	}
	if got[0] < 500 {
		t.Errorf("tranche ladder: %d painted pixels", got[0])
	}
	times := map[int64]bool{}
	for _, f := range fills {
		times[f.Time] = true
	}
	if got[1] < len(times) {
		t.Errorf("%d fill markers, want one per fill time (%d)", got[1], len(times))
	}
	if want := len(RoundTrips(fills)) + 1; got[2] != want {
		t.Errorf("%d rows in the round-trip table, want %d (header and one per round trip)", got[2], want)
	}
	if *shotOut != "" {
		if b, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("run-scale-into-btc"))); err == nil {
			_ = os.WriteFile(strings.TrimSuffix(*shotOut, ".png")+"-trades.png", b, 0o644)
		}
	}
	checkQuiet(t, url, problems, requests)
}

// columnValues reads the column col of the HTML table of id: by run key
// (the row's first cell, after its swatch), the number of its data-v.
func columnValues(t *testing.T, html, id, col string) map[string]float64 {
	t.Helper()
	_, tab, ok := strings.Cut(html, `<table class="sortable" id="`+id+`">`)
	tab, _, _ = strings.Cut(tab, "</table>")
	head, body, _ := strings.Cut(tab, "</thead>")
	at := slices.IndexFunc(strings.Split(head, "<th ")[1:], func(th string) bool { return strings.HasPrefix(th, `data-col="`+col+`"`) })
	if !ok || at < 0 {
		t.Fatalf("no column %s in table %s", col, id)
	}
	out := map[string]float64{}
	for _, row := range strings.Split(body, "<tr>")[1:] {
		cells := strings.Split(row, "<td")[1:]
		if len(cells) <= at {
			continue
		}
		_, key, _ := strings.Cut(cells[0], "</span>")
		key, _, _ = strings.Cut(key, "<")
		_, v, _ := strings.Cut(cells[at], `data-v="`)
		v, _, _ = strings.Cut(v, `"`)
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Errorf("table %s, run %s, column %s: data-v %q: %v", id, key, col, v, err)
		}
		out[key] = x
	}
	return out
}
