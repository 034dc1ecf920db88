//go:build duckdb_arrow

package report

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStressSummarySaysWhatItSums: the report's stress summary says how
// expected_pnl_vs_baseline is made, and what it says holds for the
// folder's files: for experiment/testdata/stress.toml, each run's
// expected_pnl_vs_baseline in stress_summary.csv is Σ p × pnl_vs_baseline
// over its rows of stress.csv whose probability is given (not divided by
// their sum, probability_total), and worst_pnl_vs_baseline the least
// pnl_vs_baseline over every scenario row, with a probability or not.
func TestStressSummarySaysWhatItSums(t *testing.T) {
	o := runStress(t)
	page := readReport(t, o.Dir)
	for _, s := range []string{"Σ p × pnl_vs_baseline over the scenarios that give a probability", "not divided by that sum", "over every scenario, with or without a probability"} {
		if !strings.Contains(page, s) {
			t.Errorf("the stress summary's note lacks %q", s)
		}
	}
	num := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	rows := csvRows(t, filepath.Join(o.Dir, "stress.csv"))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	sum, ptot, worst := map[string]float64{}, map[string]float64{}, map[string]float64{}
	withoutP := 0
	for _, r := range rows[1:] {
		if r[col["scenario"]] == "baseline" {
			continue
		}
		run, p, d := r[col["run"]], num(r[col["probability"]]), num(r[col["pnl_vs_baseline"]])
		if _, ok := worst[run]; !ok || d < worst[run] {
			worst[run] = d
		}
		if math.IsNaN(p) {
			withoutP++
			continue
		}
		sum[run] += p * d
		ptot[run] += p
	}
	if withoutP == 0 {
		t.Fatal("every scenario has a probability: the test needs one without")
	}
	srows := csvRows(t, filepath.Join(o.Dir, "stress_summary.csv"))
	scol := map[string]int{}
	for i, h := range srows[0] {
		scol[h] = i
	}
	for _, r := range srows[1:] {
		run := r[scol["run"]]
		got, pt, w := num(r[scol["expected_pnl_vs_baseline"]]), num(r[scol["probability_total"]]), num(r[scol["worst_pnl_vs_baseline"]])
		if math.Abs(got-sum[run]) > 1e-6*math.Max(1, math.Abs(sum[run])) || math.Abs(pt-ptot[run]) > 1e-12 || w != worst[run] {
			t.Errorf("run %s: summary %g (p total %g, worst %g); from stress.csv Σ p × pnl %g (p total %g, worst %g)", run, got, pt, w, sum[run], ptot[run], worst[run])
		}
		if ptot[run] > 0 && ptot[run] < 1 && math.Abs(got-sum[run]/ptot[run]) < 1e-6*math.Abs(got) {
			t.Errorf("run %s: the expected PnL is divided by the probabilities' sum", run)
		}
	}
}
