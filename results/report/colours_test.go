//go:build duckdb_arrow

package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// svgLegend reads a chart's legend from its SVG: each label's colour (upper
// case), the fill or stroke of the swatch drawn just before it.
func svgLegend(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?:fill|stroke):(#[0-9A-Fa-f]{6})[^"]*" />\s*<text[^>]*>([^<]+)</text>`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		out[m[2]] = strings.ToUpper(m[1])
	}
	return out
}

// A run has one colour in every chart of an experiment and its report: a
// sweep of 18 runs (10 shown) under a scenario. The report built its
// palette from every run's name and the PNGs from the 10 they show, so a
// run was blue in equity.png and orange in the report; the stress
// overlays sorted the runs' keys, and swapped colours against equity.png.
func TestRunColoursAgreeAcrossCharts(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "experiment", "testdata", "sweep.toml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "[data]", "scenarios = [\"ai-bubble-burst\"]\nscenario_start = \"2019-09-02\"\n\n[data]", 1)
	f, err := experiment.Parse("sweep-stress.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	html := readReport(t, o.Dir)
	// The experiment's charts: equity.svg and attribution.svg name the
	// shown runs by label, stress/ai-bubble-burst.svg by key.
	equity := svgLegend(t, filepath.Join(o.Dir, "equity.svg"))
	attr := svgLegend(t, filepath.Join(o.Dir, "attribution.svg"))
	stress := svgLegend(t, filepath.Join(o.Dir, "stress", "ai-bubble-burst.svg"))
	// The report's overview: its payload's runs, by key.
	report := map[string]string{}
	for _, x := range payloadOf(t, html)["runs"].([]any) {
		r := x.(map[string]any)
		report[r["key"].(string)] = strings.ToUpper(r["color"].(string))
	}
	if len(report) != 10 {
		t.Fatalf("%d runs in the report's overview, want 10", len(report))
	}
	checked := 0
	for _, i := range o.Shown {
		r := &o.Runs[i]
		label := legendLabel(r)
		want, ok := equity[label]
		if !ok {
			t.Fatalf("equity.svg has no legend entry %q: %v", label, equity)
		}
		for chart, got := range map[string]string{"attribution.svg": attr[label], "stress/ai-bubble-burst.svg": stress[r.Key], "report.html": report[r.Key]} {
			if got != want {
				t.Errorf("run %s is %s in equity.svg and %q in %s", r.Key, want, got, chart)
			}
		}
		checked++
	}
	if checked != 10 {
		t.Errorf("%d shown runs checked, want 10", checked)
	}
	// The ten shown runs have ten colours.
	seen := map[string]bool{}
	for _, c := range report {
		seen[c] = true
	}
	if len(seen) != 10 {
		t.Errorf("the overview's 10 runs have %d colours: %v", len(seen), report)
	}
}

// legendLabel is how the experiment's charts name a run: its strategy,
// with its swept values (experiment's label).
func legendLabel(r *experiment.RunResult) string {
	if len(r.Swept) == 0 {
		return r.Strategy
	}
	var parts []string
	for _, v := range r.Swept {
		parts = append(parts, v.Key+"="+fmt.Sprint(v.Value)) // 0.5, 1, 7: as the experiment prints them
	}
	return r.Strategy + " (" + strings.Join(parts, ", ") + ")"
}

// The attribution chart of a sweep shows the runs the equity chart shows
// (the best 10 of 18 by Sharpe), named and coloured as there, and says
// so; attribution.csv keeps every run's rows. It drew the first 10 runs
// in key order, named by key, in colours of its own.
func TestAttributionChartShowsTheEquityChartsRuns(t *testing.T) {
	o := runTestdata(t, "sweep.toml")
	if len(o.Runs) != 18 || len(o.Shown) != 10 {
		t.Fatalf("%d runs, %d shown; the test needs 18 and 10", len(o.Runs), len(o.Shown))
	}
	equity := svgLegend(t, filepath.Join(o.Dir, "equity.svg"))
	attr := svgLegend(t, filepath.Join(o.Dir, "attribution.svg"))
	csv, err := os.ReadFile(filepath.Join(o.Dir, "attribution.csv"))
	if err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(filepath.Join(o.Dir, "attribution.svg"))
	if err != nil {
		t.Fatal(err)
	}
	shown := map[int]bool{}
	for _, i := range o.Shown {
		shown[i] = true
	}
	for i := range o.Runs {
		name := legendLabel(&o.Runs[i])
		c, inAttr := attr[name]
		switch {
		case shown[i] && !inAttr:
			t.Errorf("attribution chart lacks shown run %q", name)
		case shown[i] && c != equity[name]:
			t.Errorf("run %q is %s in the attribution chart, %s in the equity chart", name, c, equity[name])
		case !shown[i] && inAttr:
			t.Errorf("attribution chart shows %q, which the equity chart leaves out", name)
		}
		if !strings.Contains(string(csv), "\n"+o.Runs[i].Key+",") {
			t.Errorf("attribution.csv lacks run %s", o.Runs[i].Key)
		}
	}
	// The caption, its lines joined.
	var text []string
	for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(string(svg), -1) {
		text = append(text, m[1])
	}
	if !strings.Contains(strings.Join(text, " "), "the best 10 of 18 runs by sharpe") {
		t.Errorf("attribution chart does not say it shows the best 10 of 18 runs by sharpe: %q", text)
	}
}
