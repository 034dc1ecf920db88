//go:build duckdb_arrow

package report

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
)

// In the browser, a sort by a metric puts ruined runs after the others
// either way (one click on sharpe put the ruined runs, whose Sharpe of
// meaningless returns was highest, first), a text column's runs without
// a value go last either way (ascending put "—" first), and the filter
// reads "Sharpe > −1" as "sharpe>-1" (the minus sign the table prints, a
// column's name in any case, spaces around the operator). Two of the four
// runs are ruined (gross 8: TestRuinedRunsMarked).
func TestRuinedRunsInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	f, err := experiment.Parse("ruin.toml", "name = \"ruin sweep\"\nseed = 3\ncash = 100_000.0\ncommission_bps = 5.0\nstart = \"2020-01-01\"\nend = \"2022-01-01\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"hedge\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"TAO\"]\nshort = [\"NVDA\"]\n[strategy.sweep]\ngross = [1.0, 8.0]\nrebalance_days = [7, 91]\n")
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	ruined := map[string]bool{}
	above := 0 // non-ruined runs with sharpe > -1, by metrics
	for i := range o.Runs {
		m := &o.Runs[i].Metrics
		if m.Ruined() {
			ruined[o.Runs[i].Key] = true
		}
		if m.Sharpe > -1 {
			above++
		}
	}
	if len(ruined) != 2 {
		t.Fatalf("%d ruined runs, want 2", len(ruined))
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	ctx, _, _, _ := openReport(t, page)
	for _, clicks := range []int{1, 2} {
		keys, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
			const t = document.getElementById('runs-table'), j = Array.from(t.tHead.rows[0].cells).findIndex(c => c.dataset.col === 'sharpe');
			for (let k = 0; k < %d; k++) t.tHead.rows[0].cells[j].click();
			return Array.from(t.tBodies[0].rows).map(r => r.cells[0].textContent);
		})()`, clicks)))
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 4 || ruined[keys[0]] || ruined[keys[1]] || !ruined[keys[2]] || !ruined[keys[3]] {
			t.Errorf("sharpe sorted (%d clicks): %q, want the 2 ruined runs last", clicks, keys)
		}
	}
	// A text column with values and without: every run of this sweep
	// has no max_drawdown_recovery, so two cells are given dates first.
	for clicks, want := range map[int]string{1: "2020-03-03 2021-05-05 — —", 2: "2021-05-05 2020-03-03 — —"} {
		vals, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => {
			const t = document.getElementById('runs-table'), j = Array.from(t.tHead.rows[0].cells).findIndex(c => c.dataset.col === 'max_drawdown_recovery');
			Array.from(t.tHead.rows[0].cells).forEach(c => c.removeAttribute('aria-sort'));
			const rows = Array.from(t.tBodies[0].rows);
			rows.forEach(r => { r.cells[j].textContent = '\u2014'; });
			rows[0].cells[j].textContent = '2021-05-05'; rows[3].cells[j].textContent = '2020-03-03';
			for (let k = 0; k < %d; k++) t.tHead.rows[0].cells[j].click();
			return Array.from(t.tBodies[0].rows).map(r => r.cells[j].textContent);
		})()`, clicks)))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(vals, " "); got != want {
			t.Errorf("max_drawdown_recovery sorted (%d clicks): %q, want %q (runs without one last)", clicks, got, want)
		}
	}
	count, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const box = document.querySelector('input[data-filter="runs-table"]');
		box.value = 'Sharpe > \u22121'; box.dispatchEvent(new Event('input'));
		return document.querySelector('[data-count="runs-table"]').textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d of 4 runs", above); count != want {
		t.Errorf("filter \"Sharpe > −1\": %q, want %q", count, want)
	}
	// A column shown in percent takes a bound in percent, with or without
	// the sign: halfway between the two smallest drawdowns, one run is
	// above (a bare number read as a fraction would let all four pass).
	var dds []float64
	for i := range o.Runs {
		dds = append(dds, o.Runs[i].Metrics.MaxDrawdown)
	}
	slices.Sort(dds)
	if dds[3] == dds[2] {
		t.Fatalf("drawdowns %v: two tie at the top, the filter test would check nothing", dds)
	}
	bound := fmt.Sprintf("%.4f", 50*(dds[2]+dds[3]))
	for _, q := range []string{"max_drawdown>" + bound, "max_drawdown > " + bound + "%"} {
		count, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
			const box = document.querySelector('input[data-filter="runs-table"]');
			box.value = %q; box.dispatchEvent(new Event('input'));
			return document.querySelector('[data-count="runs-table"]').textContent;
		})()`, q)))
		if err != nil {
			t.Fatal(err)
		}
		if count != "1 of 4 runs" {
			t.Errorf("filter %q (drawdowns %v): %q, want 1 of 4 runs", q, dds, count)
		}
	}
	if n := strings.Count(readReport(t, o.Dir), `<p class="warn">Ruined:`); n != 2 {
		t.Errorf("%d per-run sections say ruined, want 2", n)
	}
}
