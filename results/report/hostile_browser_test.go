//go:build duckdb_arrow

package report

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/strategies"
)

// TestHostileNamesInBrowser: a strategy name and a scenario description
// with markup, a script end tag, quotes, a backslash, an entity, line
// and paragraph separators, an emoji, Hebrew and a right-to-left
// override (U+202E) are shown as text: the page has no element, script
// or handler of theirs, its JSON parses, nothing errs; and no bidi
// control reaches the page, where U+202E reversed the text after the
// name (the run's heading read "(pair-hedge, key …" backwards, a fills
// chart's title "TFSM" for MSFT).
func TestHostileNamesInBrowser(t *testing.T) {
	if chromium() == "" {
		t.Skip("chromium not installed: apt-get install chromium (Debian's package); .ci/run installs it")
	}
	if testing.Short() {
		t.Skip("runs an experiment and a browser")
	}
	// The name as the page must show it: U+202E as U+FFFD.
	const shown = `</script><img src=x onerror=alert(1)> "dq" 'sq' back\slash &amp; 😀 שלום ` + "\u2028LS\u2029PS \ufffdRTL"
	toml := filepath.Join(t.TempDir(), "hostile.toml")
	if err := os.WriteFile(toml, []byte(`name = "hostile"
seed = 1
cash = 100_000.0
start = "2021-01-01"
end = "2022-01-01"
scenario_start = "2021-06-01"
[data]
synthetic = true
[[scenario]]
name = "tokens-halve"
description = "desc </script><script>alert(2)</script> \u202Eevil"
[[scenario.shock]]
type = "jump"
groups = ["ai_tokens"]
day = 0
move = -0.5
[[strategy]]
name = "</script><img src=x onerror=alert(1)> \"dq\" 'sq' back\\slash &amp; 😀 שלום \u2028LS\u2029PS \u202ERTL"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA"]
short = ["TAO", "FET"]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), o.Dir); err != nil {
		t.Fatal(err)
	}
	page, _ := filepath.Abs(filepath.Join(o.Dir, ReportFile))
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" {
		if n := strings.Count(string(b), string(c)); n > 0 {
			t.Errorf("the page holds %d of %U, a bidi control of a name: it reorders the page's text after it", n, c)
		}
	}
	ctx, url, problems, requests := openReport(t, page)
	drawRunCharts(t, ctx)
	type state struct {
		Images, Handlers, Scripts, Names, Descs int
		JSON                                    string
		Titles                                  []string
	}
	name, _ := json.Marshal(shown)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => {
		const name = `+string(name)+`;
		const text = document.body.innerText;
		let json = 'ok';
		try { JSON.parse(document.getElementById('report-data').textContent); } catch (e) { json = String(e); }
		return {
			Images: document.images.length,
			Handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).length,
			Scripts: document.scripts.length,
			Names: text.split(name).length - 1,
			Descs: text.split('desc </script><script>alert(2)</script> \ufffdevil').length - 1,
			JSON: json,
			Titles: Array.from(document.querySelectorAll('.u-title')).map(e => e.textContent),
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Images != 0 || got.Handlers != 0 || got.Scripts != 2 {
		t.Errorf("%d images, %d elements with an event handler, %d scripts: want none, none and the page's 2", got.Images, got.Handlers, got.Scripts)
	}
	if got.JSON != "ok" {
		t.Errorf("#report-data: %s", got.JSON)
	}
	if got.Names < 3 {
		t.Errorf("the strategy's name shown as text %d times, want it in the runs table, the run's heading and more", got.Names)
	}
	if got.Descs != 1 {
		t.Errorf("the scenario's description shown as text %d times, want once (the setup's scenarios)", got.Descs)
	}
	legs := 0
	for _, s := range got.Titles {
		if strings.HasPrefix(s, shown+": legs, growth of 1") {
			legs++
		}
	}
	if legs != 1 {
		t.Errorf("no legs chart titled with the name as text, then its own words: %q", got.Titles)
	}
	checkQuiet(t, url, problems, requests)
}
