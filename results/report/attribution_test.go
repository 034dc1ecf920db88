//go:build duckdb_arrow

package report

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// The report's attribution chart shows the overview's runs (the best 10
// of the sweep's 18 by Sharpe), and says that attribution.csv holds all
// 18: it drew every run of attribution.csv, a bar per run and leg and a
// legend entry per run (200 of them for a 200-run sweep, 3 MB of SVG).
func TestAttributionFollowsTheOverview(t *testing.T) {
	o := runTestdata(t, "sweep.toml")
	html := readReport(t, o.Dir)
	i := strings.Index(html, `<section id="attribution">`)
	if i < 0 {
		t.Fatal("no attribution section")
	}
	sec := html[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	var want []string
	for _, k := range experiment.Ranked(o.Runs, "sharpe")[:10] {
		want = append(want, o.Runs[k].Key)
	}
	var got []string
	for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(sec, -1) {
		if strings.HasPrefix(m[1], "hedge--") || strings.HasPrefix(m[1], "sma--") {
			got = append(got, m[1])
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("attribution legend %q, want the best 10 by Sharpe %q", got, want)
	}
	if !strings.Contains(sec, "attribution.csv holds all 18 runs") {
		t.Error("the section does not say attribution.csv holds all 18 runs")
	}
}

// The report's attribution chart labels runs as every other chart does,
// by strategy name: attribution.csv names them by key, and the chart
// said "long-ai-short-tokens" where the equity chart beside it said
// "Long AI / short tokens".
func TestAttributionLabelsByName(t *testing.T) {
	text := `name = "named"
cash = 100_000.0
start = "2019-03-01"
end = "2019-07-01"
[data]
synthetic = true
[[strategy]]
name = "Long AI / short tokens"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
[[strategy]]
name = "Hold BTC"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`
	o := runText(t, text, experiment.Options{})
	html := readReport(t, o.Dir)
	i := strings.Index(html, `<section id="attribution">`)
	if i < 0 {
		t.Fatal("no attribution section")
	}
	sec := html[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	var labels []string
	for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(sec, -1) {
		labels = append(labels, m[1])
	}
	for _, want := range []string{"Long AI / short tokens", "Hold BTC"} {
		if !slices.Contains(labels, want) {
			t.Errorf("the attribution chart does not label a run %q: %q", want, labels)
		}
	}
	for _, key := range []string{"long-ai-short-tokens", "hold-btc"} {
		if slices.Contains(labels, key) {
			t.Errorf("the attribution chart labels a run by its key %q", key)
		}
	}
}
