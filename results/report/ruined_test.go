//go:build duckdb_arrow

package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// A ruined run (its equity fell to 0 or below) says so in the files, not
// only in the terminal's note: runs.csv's ruined column, and the report's
// sweep heatmap, which drew its Sharpe ratio of meaningless returns in
// colour like any other. Which runs are ruined is read here from each
// run's equity.csv (a point at or below 0), not from the program's flag:
// gross 8 on a TAO/NVDA pair is ruined in 2020 at both rebalance periods,
// gross 1 is not.
func TestRuinedRunsMarked(t *testing.T) {
	f, err := experiment.Parse("ruin.toml", `name = "ruin sweep"
seed = 3
cash = 100_000.0
commission_bps = 5.0
start = "2020-01-01"
end = "2022-01-01"
[output]
csv = "always"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["TAO"]
short = ["NVDA"]
[strategy.sweep]
gross = [1.0, 8.0]
rebalance_days = [7, 91]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Out: t.TempDir(), Workers: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i := range o.Runs {
		key := o.Runs[i].Key
		rows := csvRows(t, filepath.Join(o.Dir, "runs", key, "equity.csv"))
		col := slices.Index(rows[0], "equity")
		for _, r := range rows[1:] {
			if v, err := strconv.ParseFloat(r[col], 64); err != nil {
				t.Fatal(err)
			} else if v <= 0 {
				want[key] = true
			}
		}
	}
	if n := len(want); n != 2 {
		t.Fatalf("%d runs ruined by their equity.csv, want the 2 at gross 8: %v", n, want)
	}
	runs := csvRows(t, filepath.Join(o.Dir, "runs.csv"))
	kc, rc := slices.Index(runs[0], "key"), slices.Index(runs[0], "ruined")
	if rc < 0 {
		t.Fatalf("runs.csv has no ruined column: %v", runs[0])
	}
	for _, r := range runs[1:] {
		if got := r[rc] == "true"; got != want[r[kc]] {
			t.Errorf("runs.csv: %s ruined = %s, want %v", r[kc], r[rc], want[r[kc]])
		}
	}
	// The notes the terminal printed are in manifest.json and the report.
	b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Notes []string }
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Notes, o.Notes) {
		t.Errorf("manifest.json notes %q, the run's %q", m.Notes, o.Notes)
	}
	html := readReport(t, o.Dir)
	for key := range want {
		note := "run " + key + ": equity fell to "
		if !slices.ContainsFunc(m.Notes, func(n string) bool { return strings.HasPrefix(n, note) }) {
			t.Errorf("manifest.json has no note %q…", note)
		}
		if !strings.Contains(html, "<li>"+note) {
			t.Errorf("the report lists no note %q…", note)
		}
	}
	// The runs table marks the ruined runs' cells.
	if n := strings.Count(html, `<td class="ruined" title="equity fell to 0 or below`); n != len(want) {
		t.Errorf("the runs table marks %d ruined cells, want %d", n, len(want))
	}
	sweep := payloadOf(t, html)["sweep"].(map[string]any)
	seen := 0
	for _, g := range sweep["groups"].([]any) {
		for _, x := range g.(map[string]any)["rows"].([]any) {
			r := x.(map[string]any)
			got, _ := r["r"].(bool)
			if key := r["key"].(string); got != want[key] {
				t.Errorf("sweep heatmap: %s ruined = %v, want %v", key, got, want[key])
			}
			seen++
		}
	}
	if seen != 4 {
		t.Errorf("%d runs in the sweep heatmap, want 4", seen)
	}
}

func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
