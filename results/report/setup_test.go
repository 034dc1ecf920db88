//go:build duckdb_arrow

package report

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/scenarios"
)

// editManifest rewrites dir/manifest.json through edit, on its JSON
// object.
func editManifest(t *testing.T, dir string, edit func(m map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// element is the unescaped text of the element with the id (its tag
// and the next closing tag of the same name), "" when there is none.
func element(page, tag, id string) string {
	re := regexp.MustCompile(`(?s)<` + tag + `[^>]* id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</` + tag + `>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// TestMonteCarloSaysWhatItSummarises: the Monte Carlo section says what
// its percentiles are of, from experiment/testdata/stress.toml's
// [montecarlo] (paths = 40, days = 120, mean_block = 5, shock
// ai-crypto-selloff at shock_probability 0.5, the bootstrap's seed the
// experiment's, 4, history from start = 2020-01-01, warm-up the default
// 365 days), with the shocked paths counted in montecarlo.csv and the
// path dates in montecarlo_bands.csv; without the manifest's record it
// still gives the files' path count and the experiment's montecarlo
// setting, and it says so when the manifest and the files disagree.
func TestMonteCarloSaysWhatItSummarises(t *testing.T) {
	o := runStress(t)
	first := ""
	shocked, dates := 0, 0
	for _, r := range csvRows(t, filepath.Join(o.Dir, "montecarlo.csv"))[1:] { // run,path,shocked,…
		if first == "" {
			first = r[0]
		}
		if r[0] == first && r[2] == "true" {
			shocked++
		}
	}
	for _, r := range csvRows(t, filepath.Join(o.Dir, "montecarlo_bands.csv"))[1:] {
		if r[0] == first {
			dates++
		}
	}
	if shocked == 0 || shocked == 40 || dates == 0 {
		t.Fatalf("%d shocked paths, %d dates: want some of 40 shocked", shocked, dates)
	}
	about := element(readReport(t, o.Dir), "p", "montecarlo-about")
	for _, want := range []string{
		fmt.Sprintf("Each run was replayed over 40 bootstrapped paths of 120 calendar days (%d dates each)", dates),
		"history from 2020-01-01 in blocks of 5 dates on average", "after 365 days of warm-up", "(bootstrap seed 4)",
		fmt.Sprintf("scenario ai-crypto-selloff with probability 0.5 (%d of the 40 paths were shocked)", shocked),
		"of the paths' terminal returns, each over its whole path (not annualised)",
	} {
		if !strings.Contains(about, want) {
			t.Errorf("Monte Carlo section lacks %q:\n%s", want, about)
		}
	}
	if strings.Contains(about, "manifest.json") {
		t.Errorf("the manifest and the files agree, yet:\n%s", about)
	}

	editManifest(t, o.Dir, func(m map[string]any) { delete(m, "montecarlo") })
	about = element(readReport(t, o.Dir), "p", "montecarlo-about")
	for _, want := range []string{"over 40 bootstrapped paths", "manifest.json does not record", "40 paths × 120 days, mean block 5"} {
		if !strings.Contains(about, want) {
			t.Errorf("without the manifest's record: lacks %q:\n%s", want, about)
		}
	}

	editManifest(t, o.Dir, func(m map[string]any) {
		m["montecarlo"] = map[string]any{"paths": 300, "days": 120, "mean_block": 5, "warmup_days": 365, "seed": 4}
	})
	about = element(readReport(t, o.Dir), "p", "montecarlo-about")
	for _, want := range []string{"over 40 bootstrapped paths", "manifest.json says 300 paths a run, which the files do not hold", "no path was shocked"} {
		if !strings.Contains(about, want) {
			t.Errorf("manifest of 300 paths: lacks %q:\n%s", want, about)
		}
	}
}

// TestStressSetupListsEveryScenario: divergence stress on
// experiment/testdata/small.toml, which names no scenario, runs the
// library's that apply; Setup lists every scenario whose runs the
// report shows with the library's own description and one line per
// shock (scenarios.Lookup), and ai-bubble-burst's volatility regime at
// its dates: day 0 is 30 days after start = 2019-03-01 (no
// scenario_start), 2019-03-31, and its 91 days end on 2019-06-30. A
// folder whose manifest does not record them still lists them by name.
func TestStressSetupListsEveryScenario(t *testing.T) {
	f, err := experiment.Load(filepath.Join("..", "..", "experiment", "testdata", "small.toml"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test", Stress: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range o.Records {
		if r.Scenario != "" && !slices.Contains(names, r.Scenario) {
			names = append(names, r.Scenario)
		}
	}
	if len(names) < 2 {
		t.Fatalf("scenarios run: %v, want several of the library's", names)
	}
	page := readReport(t, o.Dir)
	for _, n := range names {
		row := element(page, "tr", "setup-scenario-"+n)
		s, err := scenarios.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(row, "library") || !strings.Contains(row, strings.Join(strings.Fields(s.Description), " ")) {
			t.Errorf("scenario %s: row lacks its origin or description:\n%s", n, row)
		}
		if got := strings.Count(row, "<li>"); got != len(s.Shocks) {
			t.Errorf("scenario %s: %d shocks listed, want %d", n, got, len(s.Shocks))
		}
		if !strings.Contains(row, "2019-03-31") {
			t.Errorf("scenario %s: day 0 is not 2019-03-31:\n%s", n, row)
		}
	}
	bubble := element(page, "tr", "setup-scenario-ai-bubble-burst")
	if !strings.Contains(bubble, "volatility groups=[ai_tech semis indices majors ai_tokens miners crypto_equities] day=0 days=91 k=2: 2019-03-31 to 2019-06-30, the end excluded") {
		t.Errorf("ai-bubble-burst's volatility regime without its dates:\n%s", bubble)
	}

	editManifest(t, o.Dir, func(m map[string]any) { delete(m, "scenarios") })
	page = readReport(t, o.Dir)
	for _, n := range names {
		if row := element(page, "tr", "setup-scenario-"+n); !strings.Contains(row, "Not described in this folder's manifest.json") {
			t.Errorf("scenario %s unrecorded: row %q", n, row)
		}
	}
}

// TestScenarioChartsSayWhichRuns: a sweep of 18 runs
// (experiment/testdata/sweep.toml: hedge 3 gross × 4 rebalance_days, sma
// 3 fast × 2 slow) under one scenario draws the 10 runs of the overview
// in each scenario chart, and says so.
func TestScenarioChartsSayWhichRuns(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "experiment", "testdata", "sweep.toml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "\n[data]", "\nscenarios = [\"ai-crypto-selloff\"]\n\n[data]", 1)
	o := runText(t, text, experiment.Options{})
	page := readReport(t, o.Dir)
	if want := "the 10 runs of the overview charts (the best 10 of 18 by sharpe)"; !strings.Contains(html.UnescapeString(page), want) {
		t.Errorf("the scenario charts do not say %q", want)
	}
	sc := payloadOf(t, page)["scenarios"].([]any)
	if n := len(sc[0].(map[string]any)["runs"].([]any)); n != 10 {
		t.Errorf("the scenario chart draws %d runs, want 10", n)
	}
}

// TestWalkForwardSaysWhatWindowsMeasure: the walk-forward note says
// over which window each figure of the windows' table is measured and
// the Sharpe ratio's annualisation: experiment/testdata/walkforward.toml
// trades BTC, a 24/7 instrument, so 365 periods a year, and it chooses
// by the default metric, sharpe.
func TestWalkForwardSaysWhatWindowsMeasure(t *testing.T) {
	o := runTestdata(t, "walkforward.toml")
	page := html.UnescapeString(readReport(t, o.Dir))
	for _, want := range []string{
		"is_sharpe is the chosen run's score over its in-sample window [is_start, is_end)",
		"of its out-of-sample window [oos_start, oos_end) alone: the return not annualised, the Sharpe ratio annualised at 365 periods per year",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("walk-forward section lacks %q", want)
		}
	}
}
