//go:build duckdb_arrow

package report

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/strategies"
)

// smallReport runs a small experiment with what the reader tests need
// (a synthetic market, so the banner; a benchmark, so its columns; two
// swept runs and a pair hedge, so round trips, legends and a runs table
// wider than its scrolling box on the screen) over 2023 alone, writes its
// report and returns the folder: a few seconds where the demo (its
// scenarios and Monte Carlo) takes ten.
func smallReport(t *testing.T) string {
	t.Helper()
	f, err := experiment.Parse("small.toml", `name = "small"
seed = 42
cash = 1_000_000.0
commission_bps = 5.0
start = "2023-01-01"
end = "2023-12-31"
benchmarks = ["QQQ"]
[data]
synthetic = true
synthetic_seed = 7
[[strategy]]
name = "long AI tech / short AI tokens"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA"]
short = ["TAO", "FET"]
rebalance_days = 14
[[strategy]]
name = "BTC SMA"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
slow = 50
[strategy.sweep]
fast = [5, 10]
`)
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

// TestReportPrintKeyboardReader reads a small report printed, without
// a mouse and as a screen reader does.
//
// Keyboard: Tab reaches the runs table's sharpe header, Enter sorts by it
// (aria-sort descending: its values then fall row by row) and Space
// reverses; Tab goes on to the equity chart's first legend entry, Space
// hides that run in the equity and the drawdown charts (aria-pressed
// false); the focused control has a visible outline.
//
// Screen reader: every drawn chart box is a figure whose aria-label
// names the chart and gives each line's last value (the equity chart's
// is the run's final_equity over its initial cash, to 4 decimals, as
// the runs table's data-v and the Setup's cash give it); every inline SVG
// chart has an aria-label; every th outside a thead has a scope; the
// runs filter's count is a polite, atomic live region and says "0 of M
// runs" (M the folder's runs) under a filter no run meets.
//
// Print: as print media, every chart box is drawn (the page's
// matchMedia('print') listener: no beforeprint is fired here); no cell of
// the runs table is clipped by a scrolling box; on an A4 page's width the
// runs table keeps its key, swept parameter and headline metrics at 9 pt
// or more, within the page, its names not in buttons (Chromium's repeated
// header leaves those blank), with a note saying where every column is;
// an empty filter is left out with its label; the synthetic banner
// keeps its colours (print-color-adjust exact); the log toggle is
// hidden; every collapsible section (a run's round trips) is open with its
// table shown, and back on the screen those the reader had closed are
// closed again; Page.printToPDF fires beforeprint and gives a PDF.
func TestReportPrintKeyboardReader(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	dir := smallReport(t)
	page, _ := filepath.Abs(filepath.Join(dir, ReportFile))
	ctx, url, problems, requests := openReport(t, page)
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// tabTo presses Tab until the focused element matches sel.
	tabTo := func(sel string) bool {
		t.Helper()
		for range 200 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			if eval(`!!document.activeElement && document.activeElement.matches(`+strconv.Quote(sel)+`)`) == true {
				return true
			}
		}
		return false
	}
	key := func(k string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("keyboard", func(t *testing.T) {
		if !tabTo(`#runs-table th[data-col="sharpe"] *, #runs-table th[data-col="sharpe"]`) {
			t.Fatal("Tab never reaches the runs table's sharpe header")
		}
		if o := eval(`(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + " " + s.outlineWidth; })()`).(string); strings.HasPrefix(o, "none") || strings.HasSuffix(o, " 0px") {
			t.Errorf("the focused sharpe header has no visible outline: %q", o)
		}
		sorted := `(() => { const th = document.querySelector('#runs-table th[data-col="sharpe"]'), j = th.cellIndex;
			const v = Array.from(document.querySelectorAll('#runs-table tbody tr')).map(r => parseFloat(r.cells[j].getAttribute('data-v'))).filter(x => !isNaN(x));
			return th.getAttribute('aria-sort') + " " + v.every((x, i) => i === 0 || (th.getAttribute('aria-sort') === 'descending' ? v[i-1] >= x : v[i-1] <= x)); })()`
		key("\r")
		if got := eval(sorted); got != "descending true" {
			t.Errorf("Enter on the sharpe header: aria-sort and order %v, want descending true", got)
		}
		key(" ")
		if got := eval(sorted); got != "ascending true" {
			t.Errorf("Space on the sharpe header: aria-sort and order %v, want ascending true", got)
		}
		if !tabTo(`#chart-equity .u-legend .u-series th`) {
			t.Fatal("Tab never reaches a legend entry of the equity chart")
		}
		key(" ")
		got := eval(`(() => { const th = document.activeElement, i = Array.from(th.closest('tbody').children).indexOf(th.parentNode);
			const eq = window.divergence.charts['chart-equity'], dd = window.divergence.charts['chart-drawdown'];
			const k = eq.divKeys[i], j = dd.divKeys.indexOf(k);
			return [th.getAttribute('aria-pressed'), eq.series[i].show, j > 0 && dd.series[j].show].join(" "); })()`)
		if got != "false false false" {
			t.Errorf("Space on the first legend entry: aria-pressed, shown in equity, shown in drawdown = %v, want false false false", got)
		}
		key(" ") // shown again for what follows
		// Zoomed in, the whole range comes back from the keyboard: the
		// "whole range" button (Tab, then Enter) puts every overview
		// chart back at its first and last time, as a double-click does.
		eval(`(() => { for (const id of ['chart-equity', 'chart-drawdown']) { const u = window.divergence.charts[id], x = u.data[0];
			u.setScale('x', { min: x[Math.floor(x.length / 3)], max: x[Math.floor(2 * x.length / 3)] }); } })()`)
		whole := `['chart-equity', 'chart-drawdown'].map(id => { const u = window.divergence.charts[id], x = u.data[0];
			return u.scales.x.min === x[0] && u.scales.x.max === x[x.length - 1]; }).join(" ")`
		if got := eval(whole); got != "false false" {
			t.Fatalf("zoomed: at the whole range %v, want false false", got)
		}
		if !tabTo(`#zoom-reset`) {
			t.Fatal("Tab never reaches the whole range button")
		}
		key("\r")
		if got := eval(whole); got != "true true" {
			t.Errorf("Enter on the whole range button: equity and drawdown charts at their whole range %v, want true true", got)
		}
	})

	t.Run("screen reader", func(t *testing.T) {
		if eval(`document.documentElement.lang`) != "en" {
			t.Error("the page has no lang")
		}
		if n := eval(`Array.from(document.querySelectorAll('table th:not([scope])')).filter(th => !th.closest('thead') && !th.closest('.u-legend')).length`).(float64); n != 0 {
			t.Errorf("%v th outside a thead (and uPlot's legends) without a scope", n)
		}
		if n := eval(`Array.from(document.querySelectorAll('svg.chart')).filter(s => !(s.getAttribute('aria-label') || '').trim()).length`).(float64); n != 0 {
			t.Errorf("%v inline SVG charts without an aria-label", n)
		}
		if n := eval(`Array.from(document.querySelectorAll('.uchart')).filter(b => window.divergence.charts[b.id] && !(b.getAttribute('role') === 'figure' && (b.getAttribute('aria-label') || '').includes('Last values:'))).length`).(float64); n != 0 {
			t.Errorf("%v drawn charts without a figure role and a label giving their last values", n)
		}
		// The runs filter's count is a polite live region, read whole:
		// a screen reader says "N of M runs" when the filter changes it.
		// M is every run of the folder; a filter no Sharpe meets leaves 0.
		count := eval(`(() => { const c = document.querySelector('[data-count="runs-table"]'), box = document.querySelector('input[data-filter="runs-table"]');
			const at = [c.getAttribute('aria-live'), c.getAttribute('aria-atomic')];
			box.value = 'sharpe>1e9'; box.dispatchEvent(new Event('input'));
			at.push(c.textContent);
			box.value = ''; box.dispatchEvent(new Event('input'));
			return at.join("|"); })()`)
		f, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := "polite|true|0 of " + strconv.Itoa(len(f.Runs)) + " runs"; count != want {
			t.Errorf("the runs filter's count: aria-live, aria-atomic and text after filtering %q, want %q", count, want)
		}
		label := eval(`document.getElementById('chart-equity').getAttribute('aria-label') || ''`).(string)
		// The first run's final growth: its final_equity (runs table) over
		// the initial cash (Setup), written with 4 decimals.
		fe := eval(`parseFloat(Array.from(document.querySelectorAll('#runs-table tbody tr')).find(r => r.cells[0].textContent === window.divergence.data.runs[0].key).cells[document.querySelector('#runs-table th[data-col="final_equity"]').cellIndex].getAttribute('data-v'))`).(float64)
		cash := eval(`parseFloat(Array.from(document.querySelectorAll('.setup tr')).find(r => r.cells[0].textContent === 'initial cash').cells[1].textContent.replace(/[^0-9.]/g, ''))`).(float64)
		name := eval(`window.divergence.data.runs[0].name`).(string)
		want := name + " " + strings.Replace(strconv.FormatFloat(math.Round(fe/cash*1e4)/1e4, 'f', 4, 64), "-", "\u2212", 1)
		if !strings.Contains(label, want) {
			t.Errorf("equity chart's label %q lacks %q", label, want)
		}
	})

	t.Run("print", func(t *testing.T) {
		eval(`window.__beforeprint = 0; window.addEventListener('beforeprint', () => window.__beforeprint++)`)
		// Every collapsible section, closed or opened by the reader: the
		// first is opened before printing, the others stay closed. shown
		// gives, per section, whether it is open and its table laid out.
		sections := `Array.from(document.querySelectorAll('details')).map(d => (d.open ? 'open' : 'closed') + (d.querySelector('table') && d.querySelector('table').checkVisibility() ? '+table' : '')).join(' ')`
		before := eval(`(() => { const all = document.querySelectorAll('details'); if (all.length) all[0].open = true; return all.length; })()`).(float64)
		if before < 2 {
			t.Fatalf("%v collapsible sections, want the round trips of at least two runs", before)
		}
		screen := eval(sections).(string)
		// On the screen the runs table has every column, and no note
		// for paper.
		if got := eval(`(() => { const t = document.getElementById('runs-table');
			return [Array.from(t.tHead.rows[0].cells).filter(c => !c.checkVisibility()).length, Array.from(document.querySelectorAll('#runs p')).filter(p => p.checkVisibility() && /runs\.parquet/.test(p.textContent) && /print|paper/i.test(p.textContent)).length].join(' '); })()`); got != "0 0" {
			t.Errorf("on the screen, hidden runs-table columns and notes for paper: %v, want 0 0", got)
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		if got, want := eval(`(async () => { await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return `+sections+`; })()`), strings.TrimSpace(strings.Repeat("open+table ", int(before))); got != want {
			t.Errorf("as print media, the collapsible sections are %q, want every one open with its table: %q", got, want)
		}
		if n := eval(`(async () => { await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			return Array.from(document.querySelectorAll('.uchart')).filter(b => !window.divergence.charts[b.id]).length; })()`).(float64); n != 0 {
			t.Errorf("as print media, %v chart boxes are not drawn", n)
		}
		// The last column printed (the others are not shown on paper).
		clipped := eval(`(() => { const last = r => Array.from(r.cells).filter(c => c.checkVisibility()).pop();
			const cells = [last(document.querySelector('#runs-table thead tr')), last(document.querySelector('#runs-table tbody tr:last-child'))];
			let n = 0;
			for (const c of cells) { const r = c.getBoundingClientRect();
				for (let a = c.parentElement; a && a !== document.body; a = a.parentElement) {
					const s = getComputedStyle(a);
					if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
					const b = a.getBoundingClientRect();
					if (r.right > b.right + 1 || r.bottom > b.bottom + 1) n++;
				} }
			return n; })()`).(float64)
		if clipped != 0 {
			t.Errorf("printed, the runs table's last header or last cell is clipped by %v scrolling boxes", clipped)
		}
		// Nor could a longer table be (the screen's box is 640 px high,
		// taller than these few rows): no box around it scrolls or clips.
		if got := eval(`(() => { const out = [];
			for (let a = document.getElementById('runs-table').parentElement; a && a !== document.body; a = a.parentElement) {
				const s = getComputedStyle(a);
				if (s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.maxHeight !== 'none') out.push(a.tagName + '.' + a.className);
			}
			return out.join(' '); })()`); got != "" {
			t.Errorf("printed, the runs table is inside boxes that scroll or clip: %v", got)
		}
		if got := eval(`getComputedStyle(document.getElementById('synthetic')).printColorAdjust`); got != "exact" {
			t.Errorf("printed, the synthetic banner's print-color-adjust is %v, want exact (else its white text prints on white)", got)
		}
		// An empty runs filter is left out with its label ("Filter" with
		// nothing after it printed before).
		if got := eval(`document.querySelector('input[data-filter="runs-table"]').closest('label').checkVisibility()`); got != false {
			t.Error("printed, the empty runs filter's label is shown")
		}
		if got := eval(`document.getElementById('equity-log').offsetParent === null`); got != true {
			t.Error("printed, the log scale toggle is shown")
		}
		// On paper (an A4 page, 210 mm less Chromium's 10 mm margins: 7.49
		// in, 718 px at 96 px an inch) the runs table shows the key, the
		// swept parameter and the six headline metrics at 9 pt (12 px) or
		// more, each row with as many cells as the header, within the
		// page's width, and says where its other columns are.
		type runsPrint struct {
			Heads, Notes []string
			Rows         []int
			Font, Right  float64
			Width, All   float64
		}
		printedRuns := func() runsPrint {
			t.Helper()
			v, err := chromedp.Run(ctx, chromedp.Evaluate[runsPrint](`(async () => {
				await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
				const t = document.getElementById('runs-table'), vis = c => c.checkVisibility();
				const cells = Array.from(t.querySelectorAll('th, td, th button')).filter(vis);
				return { Heads: Array.from(t.tHead.rows[0].cells).filter(vis).map(c => c.dataset.col),
					Rows: Array.from(t.tBodies[0].rows).filter(vis).map(r => Array.from(r.cells).filter(vis).length),
					Font: Math.min(...cells.map(c => parseFloat(getComputedStyle(c).fontSize))),
					Right: t.getBoundingClientRect().right, Width: document.documentElement.clientWidth,
					All: t.tHead.rows[0].cells.length,
					Notes: Array.from(document.querySelectorAll('#runs p')).filter(vis).map(p => p.textContent) };
			})()`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 718, Height: 1000, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		pr := printedRuns()
		if got, want := strings.Join(pr.Heads, " "), "key param_fast total_return cagr annual_volatility sharpe max_drawdown final_equity"; got != want {
			t.Errorf("printed, the runs table's columns are %q, want %q", got, want)
		}
		for i, n := range pr.Rows {
			if n != len(pr.Heads) {
				t.Errorf("printed, row %d of the runs table has %d cells under %d column names", i, n, len(pr.Heads))
			}
		}
		if pr.Font < 12 {
			t.Errorf("printed, the runs table's smallest font is %v px, want 9 pt (12 px) or more", pr.Font)
		}
		if pr.Right > pr.Width {
			t.Errorf("printed on A4, the runs table ends at %v px, past the page's %v", pr.Right, pr.Width)
		}
		where := strconv.Itoa(int(pr.All)) + " columns"
		if n := strings.Join(pr.Notes, " "); !strings.Contains(n, "runs.parquet") || !strings.Contains(n, "runs.csv") || !strings.Contains(n, where) {
			t.Errorf("printed, the runs section's notes %q do not say that its %s are in runs.parquet and runs.csv", n, where)
		}
		// Chromium leaves form controls out of a table header it repeats
		// on each page (a header of buttons printed blank from the second
		// page on: seen with pdftotext): printed, a column's name is the
		// th's own generated text, its sort button not shown.
		if got := eval(`Array.from(document.querySelectorAll('#runs-table thead th')).filter(th => th.checkVisibility() &&
			!(getComputedStyle(th, '::before').content === JSON.stringify(th.dataset.col) && !th.querySelector('button').checkVisibility())).map(th => th.dataset.col).join(' ')`); got != "" {
			t.Errorf("printed, the runs table's column names %q are in buttons, which Chromium's repeated header leaves blank", got)
		}
		if _, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(res.Data), "%PDF") {
			t.Error("Page.printToPDF gave no PDF")
		}
		if got := eval(`window.__beforeprint`); got != 1.0 {
			t.Errorf("beforeprint fired %v times on printing, want 1", got)
		}
		// Back on the screen, the sections the reader had closed are
		// closed again, the one opened stays open.
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
			t.Fatal(err)
		}
		if got := eval(`(async () => { await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); return ` + sections + `; })()`); got != screen {
			t.Errorf("after printing, the collapsible sections are %q, want them as the reader left them: %q", got, screen)
		}
	})
	checkQuiet(t, url, problems, requests)
}
