package experiment

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// legendColours reads a chart's legend from its SVG: each label's colour,
// the fill or stroke of the swatch drawn just before it.
func legendColours(t *testing.T, path string) map[string]string {
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

// The attribution chart of a sweep shows the runs the equity chart shows
// (the best 10 of 18 by Sharpe), named and coloured as there, and says
// so; attribution.csv keeps every run's rows. It drew the first 10 runs
// in key order, named by key, in colours of its own.
func TestAttributionChartShowsTheEquityChartsRuns(t *testing.T) {
	o, files := execute(t, "testdata/sweep.toml", 2)
	if len(o.Runs) != 18 || len(o.Shown) != maxLines {
		t.Fatalf("%d runs, %d shown; the test needs 18 and %d", len(o.Runs), len(o.Shown), maxLines)
	}
	equity := legendColours(t, filepath.Join(o.Dir, "equity.svg"))
	attr := legendColours(t, filepath.Join(o.Dir, "attribution.svg"))
	shown := map[int]bool{}
	for _, i := range o.Shown {
		shown[i] = true
	}
	for i := range o.Runs {
		name := label(&o.Runs[i])
		c, inAttr := attr[name]
		switch {
		case shown[i] && !inAttr:
			t.Errorf("attribution chart lacks shown run %q", name)
		case shown[i] && c != equity[name]:
			t.Errorf("run %q is %s in the attribution chart, %s in the equity chart", name, c, equity[name])
		case !shown[i] && inAttr:
			t.Errorf("attribution chart shows %q, which the equity chart leaves out", name)
		}
		if !strings.Contains(string(files["attribution.csv"]), "\n"+o.Runs[i].Key+",") {
			t.Errorf("attribution.csv lacks run %s", o.Runs[i].Key)
		}
	}
	// The caption, its lines joined.
	var text []string
	for _, m := range regexp.MustCompile(`>([^<]*)</text>`).FindAllStringSubmatch(string(files["attribution.svg"]), -1) {
		text = append(text, m[1])
	}
	if !strings.Contains(strings.Join(text, " "), "the best 10 of 18 runs by sharpe") {
		t.Errorf("attribution chart does not say it shows the best 10 of 18 runs by sharpe: %q", text)
	}
}
