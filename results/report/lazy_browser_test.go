//go:build duckdb_arrow

package report

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/strategies"
)

// TestRunChartsDrawnNearTheScreen: a run's own charts (its fills on each
// instrument) are drawn when they come near the window, not at load (a
// 200-run sweep's report drew 226 charts, each laying the page out again,
// and took 10 s to open): twelve weights runs on BTC give ten fills
// charts (the runs the report details) below the overview; at load the
// last is not drawn; scrolled to, it is drawn, and the first (2,700 px
// above) is not; window.divergence.drawAll() (also run before printing)
// draws the rest, each with painted pixels.
func TestRunChartsDrawnNearTheScreen(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	var b strings.Builder
	b.WriteString("name = \"many fills\"\nseed = 3\ncash = 100_000.0\nstart = \"2020-01-01\"\nend = \"2020-12-31\"\n[data]\nsynthetic = true\n")
	for k := range 12 {
		fmt.Fprintf(&b, "[[strategy]]\nname = \"w%02d\"\ntype = \"weights\"\n[strategy.params]\nweights = { BTC = %g }\nschedule = [ { date = \"2020-06-01\", weights = { BTC = 0.0 } } ]\n", k, 0.05*float64(k+1))
	}
	f, err := experiment.Parse("many.toml", b.String())
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test",
		Report: func(ctx context.Context, in experiment.ReportInput) error {
			return WriteInput(ctx, Input{Dir: in.Dir, Manifest: in.Manifest, Runs: in.Runs, Equity: in.Equity, Gross: in.Gross, Net: in.Net, Prices: in.Prices})
		}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	// drawn says which fills charts are drawn, once the observer has had
	// two frames to act.
	drawn := func() []bool {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](`(async () => {
			await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			await new Promise(r => setTimeout(r, 50));
			return Array.from(document.querySelectorAll('[id^="ladder-"]')).map(el => !!window.divergence.charts[el.id]);
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	at := drawn()
	last := len(at) - 1
	if len(at) != 10 {
		t.Fatalf("%d fills charts, want 10 (one a run the report details: the first ten)", len(at))
	}
	if at[last] {
		t.Errorf("at load, fills charts drawn %v: want the last (far below) not drawn", at)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.getElementById('ladder-9').scrollIntoView()`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for at = drawn(); !at[last] && time.Now().Before(deadline); at = drawn() {
	}
	if !at[last] {
		t.Errorf("scrolled to, the last fills chart is not drawn: %v", at)
	}
	if at[0] {
		t.Errorf("scrolled to the last, the first fills chart (far above) was drawn too: %v", at)
	}
	// drawAll draws the rest; each chart's canvas has painted pixels.
	painted, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(async () => {
		window.divergence.drawAll();
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		return Array.from(document.querySelectorAll('[id^="ladder-"]')).map(el => {
			const u = window.divergence.charts[el.id];
			if (!u) return -1;
			const c = u.ctx.canvas, d = u.ctx.getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
			return n;
		});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range painted {
		if n < 500 {
			t.Errorf("after drawAll, fills chart %d has %d painted pixels", k, n)
		}
	}
	checkQuiet(t, url, problems, requests)
}
