//go:build duckdb_arrow

package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
)

// The report marks the stress cells whose scenario shocked none of the
// instruments the run trades, and those it shocked in part, from
// stress.csv's instrument counts: in the note under the heatmaps and in
// each heatmap's text alternative. The experiment's one scenario halves
// AAA and touches nothing else, so by hand: only-bbb (BBB) is not
// measured, a-and-b (AAA, BBB) is, 1 of its 2 instruments, and only-aaa
// (AAA) fully.
func TestStressReportMarksUnshockedCells(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.MkdirAll(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sym := range []string{"AAA", "BBB"} {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		d0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		for k := range 60 {
			c := 100 + float64(k%5)
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,100\n", d0.AddDate(0, 0, k).Format("2006-01-02"), c, c+1, c-1, c)
		}
		if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hold := func(name string, syms ...string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + strings.Join(syms, `", "`) + "\"]\n"
	}
	text := `name = "coverage"
start = "2023-01-02"
[data]
dir = "` + prices + `"
classes = { AAA = "crypto", BBB = "crypto" }
[[scenario]]
name = "hit-a"
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
day = 5
move = -0.5
` + hold("only-bbb", "BBB") + hold("a-and-b", "AAA", "BBB") + hold("only-aaa", "AAA")
	o := runText(t, text, experiment.Options{})
	page := readReport(t, o.Dir)
	for _, want := range []string{
		"the scenario shocked none of the instruments the run trades (instruments_shocked = 0 in stress.csv), so the cell is the run without the scenario, not a measure of it: only-bbb under hit-a.",
		"Cells with a dark corner: it shocked only some of them (instruments shocked of traded): a-and-b under hit-a (1 of 2).",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	labels := regexp.MustCompile(`aria-label="Stress test: [^"]*"`).FindAllString(page, -1)
	if len(labels) == 0 {
		t.Fatal("no stress heatmap's text alternative")
	}
	for _, l := range labels {
		for _, re := range []string{
			`only-bbb:[^:]*hit-a [^ ,]+ \(nothing it trades shocked\)`,
			`a-and-b:[^:]*hit-a [^ ,]+ \(part of it shocked\)`,
			`only-aaa:[^:(]*hit-a [^ ,(]+\.`, // fully shocked: no mark
		} {
			if !regexp.MustCompile(re).MatchString(l) {
				t.Errorf("text alternative lacks %s:\n%s", re, l)
			}
		}
	}
}
