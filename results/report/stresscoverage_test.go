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
	"github.com/divergence-research/divergence/results/charts"
)

// The report marks the stress cells from stress.csv's instrument
// counts, in the note under the heatmaps and in each heatmap's text
// alternative, and tells a stress row's two zeros apart. AAA has bars
// from 2022-10-01, BBB from 2023-01-01 only; hit-a halves AAA and
// touches nothing else, crash again replays the pair's 2022-11-06…15
// returns, which BBB's source (the data) has no bars for. By hand:
//
//	hit-a:       only-bbb 0 of 1, aims at none of it: untouched (a true 0)
//	             a-and-b 1 of 2 (part), only-aaa 1 of 1 (no mark)
//	crash again: only-bbb 0 of 1, BBB not replayed: unknown
//	             a-and-b 1 of 2, 1 not replayed (part), only-aaa 1 of 1
func TestStressReportMarksUnshockedCells(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.MkdirAll(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		sym  string
		from time.Time
		days int
	}{{"AAA", time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC), 152}, {"BBB", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 60}} {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for k := range f.days {
			c := 100 + float64(k%5)
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,100\n", f.from.AddDate(0, 0, k).Format("2006-01-02"), c, c+1, c-1, c)
		}
		if err := os.WriteFile(filepath.Join(prices, f.sym+".csv"), []byte(b.String()), 0o644); err != nil {
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
[groups]
pair = ["AAA", "BBB"]
[[scenario]]
name = "hit-a"
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
day = 5
move = -0.5
[[scenario]]
name = "crash again"
[[scenario.shock]]
type = "transplant"
groups = ["pair"]
from = 2022-11-06
to = 2022-11-15
day = 7
` + hold("only-bbb", "BBB") + hold("a-and-b", "AAA", "BBB") + hold("only-aaa", "AAA")
	o := runText(t, text, experiment.Options{})
	page := readReport(t, o.Dir)
	for _, want := range []string{
		"unknown (not replayed): the scenario was meant to shock instruments the run trades and shocked none of them (instruments_shocked = 0, instruments_unreplayed &gt; 0 in stress.csv: a replay whose source has no bars for them in its window), so the cell is the run without the scenario, not a measure of it, and stress_summary.csv leaves it out: only-bbb under crash again.",
		"Cells with a dark corner: it shocked only some of them (instruments shocked of traded): a-and-b under hit-a (1 of 2), a-and-b under crash again (1 of 2, 1 not replayed).",
		"untouched: the scenario aims at none of the instruments the run trades (instruments_shocked = 0, instruments_unreplayed = 0), a true 0, a measure: only-bbb under hit-a.",
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
			`only-bbb:[^:]*hit-a [^ ,]+ \(untouched \(it aims at nothing the run trades\)\)`,
			`only-bbb:[^:]*crash again [^ ,]+ \(unknown \(not replayed\)\)`,
			`a-and-b:[^:]*hit-a [^ ,]+ \(part of it shocked\)`,
			`a-and-b:[^:]*crash again [^ ,]+ \(part of it shocked\)`,
			`only-aaa:[^:(]*hit-a [^ ,(]+,`, // fully shocked: no mark
		} {
			if !regexp.MustCompile(re).MatchString(l) {
				t.Errorf("text alternative lacks %s:\n%s", re, l)
			}
		}
	}
}

// A stress.csv written before instruments_unreplayed does not say which
// kind of 0 a row with nothing shocked is: the report keeps the older
// words for it (nothing it trades shocked, not a measure), and reads a
// file that has the column as it says.
func TestStressCoverageWithoutUnreplayed(t *testing.T) {
	old := []StressCoverage{{Strategy: "r", Scenario: "s", Traded: 1}}
	now := []StressCoverage{{Strategy: "r", Scenario: "s", Traded: 1, HasUnreplayed: true}}
	for _, tc := range []struct {
		name    string
		cov     []StressCoverage
		mark    charts.Mark
		legend  string
		noteHas string
	}{
		{"without the column", old, charts.Unmeasured, "nothing it trades shocked", "not a measure of it: r under s."},
		{"with it, none unreplayed", now, charts.Untouched, "untouched (it aims at nothing the run trades)", "a true 0, a measure: r under s."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := charts.Matrix{Rows: []string{"r"}, Cols: []string{"s"}, Values: [][]float64{{0}}}
			markCoverage(&m, tc.cov)
			if len(m.Marks) != 1 || m.Marks[0][0] != tc.mark {
				t.Fatalf("marks %v, want [[%v]]", m.Marks, tc.mark)
			}
			if got := m.MarkNames[tc.mark-1]; got != tc.legend {
				t.Errorf("legend %q, want %q", got, tc.legend)
			}
			if n := coverageNote(tc.cov); !strings.Contains(n, tc.noteHas) {
				t.Errorf("note %q lacks %q", n, tc.noteHas)
			}
		})
	}
}
