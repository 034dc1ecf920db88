//go:build duckdb_arrow

package report

import (
	"html"
	"regexp"
	"testing"
)

// TestPerRunMetricUnits: a run's own metrics carry on hover the unit the
// runs table's header gives the same column (max_drawdown_duration in
// periods, turnover a multiple of mean equity a year), the two read from
// the page independently: every per-run metric with a unit has the
// header's, and the two documented above have one in every run's
// section.
func TestPerRunMetricUnits(t *testing.T) {
	o := runTestdata(t, "small.toml")
	page := readReport(t, o.Dir)
	head := map[string]string{}
	for _, m := range regexp.MustCompile(`<th data-col="([^"]+)"[^>]* title="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		head[m[1]] = html.UnescapeString(m[2])
	}
	for _, k := range []string{"max_drawdown_duration", "turnover"} {
		if head[k] == "" {
			t.Fatalf("the runs table's %s has no unit on hover", k)
		}
	}
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`<div title="([^"]*)"><span>([^<]+)</span>`).FindAllStringSubmatch(page, -1) {
		k, unit := m[2], html.UnescapeString(m[1])
		if head[k] != unit {
			t.Errorf("per-run %s: unit %q, the runs table's %q", k, unit, head[k])
		}
		seen[k]++
	}
	runs := len(regexp.MustCompile(`<div class="run" id=`).FindAllString(page, -1))
	if runs == 0 {
		t.Fatal("no per-run section")
	}
	for _, k := range []string{"max_drawdown_duration", "turnover"} {
		if seen[k] != runs {
			t.Errorf("%s has its unit in %d of the %d runs' sections", k, seen[k], runs)
		}
	}
}
