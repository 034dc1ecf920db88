package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMetricsCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	os.WriteFile(path, []byte("date,fund,bench\n2024-01-31,0.10,0.05\n2024-02-29,-0.05,-0.10\n2024-03-31,0.02,0.01\n2024-04-30,,0.02\n"), 0o644)
	out, _, err := cli(t, "metrics", path, "--benchmark", "bench")
	if err != nil {
		t.Fatal(err)
	}
	var got metricsOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// Monthly dates → 12 periods a year. fund: 1.10 × 0.95 × 1.02 = 1.0659 →
	// total return 0.0659; 2 of 3 periods up → hit rate 2/3; the one loss is
	// the drawdown, −5%; the missing April is skipped.
	if got.PeriodsPerYear != 12 || len(got.Series) != 1 || got.Series[0].Name != "fund" {
		t.Fatalf("%+v", got)
	}
	want := map[string]float64{"total_return": 0.0659, "hit_rate": 2.0 / 3, "max_drawdown": -0.05, "periods": 3, "best_period": 0.10, "worst_period": -0.05}
	seen := 0
	for _, m := range got.Series[0].Metrics {
		if w, ok := want[m.Name]; ok {
			seen++
			if !(math.Abs(float64(m.Value)-w) <= 1e-12) {
				t.Errorf("%s = %v, want %g", m.Name, m.Value, w)
			}
		}
		if m.Name == "beta" && math.IsNaN(float64(m.Value)) {
			t.Errorf("beta missing")
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of %d metrics", seen, len(want))
	}
	// Two benchmarks: each one's metrics, prefixed. Against itself a
	// series has beta 1 and correlation 1.
	path2 := filepath.Join(dir, "r2.csv")
	os.WriteFile(path2, []byte("date,fund,b1,b2\n2024-01-31,0.10,0.10,0.01\n2024-02-29,-0.05,-0.05,0.02\n2024-03-31,0.02,0.02,-0.01\n2024-04-30,0.03,0.03,0.00\n"), 0o644)
	out2, _, err := cli(t, "metrics", path2, "--benchmark", "b1,b2")
	if err != nil {
		t.Fatal(err)
	}
	var got2 metricsOut
	if err := json.Unmarshal([]byte(out2), &got2); err != nil {
		t.Fatal(err)
	}
	found := map[string]float64{}
	for _, m := range got2.Series[0].Metrics {
		if !math.IsNaN(float64(m.Value)) {
			found[m.Name] = float64(m.Value)
		}
	}
	if math.Abs(found["b1.beta"]-1) > 1e-12 || math.Abs(found["b1.correlation"]-1) > 1e-12 {
		t.Errorf("against itself: beta %g correlation %g", found["b1.beta"], found["b1.correlation"])
	}
	if _, ok := found["b2.beta"]; !ok || len(got2.Series) != 1 {
		t.Errorf("b2 metrics missing or benchmarks measured as series: %v", found)
	}
	tab, _, err := cli(t, "metrics", path, "--format", "table", "--periods-per-year", "12")
	if err != nil || !strings.Contains(tab, "sharpe") || !strings.Contains(tab, "bench") {
		t.Errorf("table: %v\n%s", err, tab)
	}
}

func TestMetricsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("date,a\n2024-01-01,0.1\n2024-01-02,abc\n"), 0o644)
	if _, _, err := cli(t, "metrics", bad); err == nil || !strings.Contains(err.Error(), "bad.csv:3: a = \"abc\" is not a number") {
		t.Errorf("error %v", err)
	}
	dup := filepath.Join(dir, "dup.csv")
	os.WriteFile(dup, []byte("date,a\n2024-01-01,0.1\n2024-01-01,0.2\n"), 0o644)
	if _, _, err := cli(t, "metrics", dup); err == nil || !strings.Contains(err.Error(), "dup.csv:3") {
		t.Errorf("error %v", err)
	}
	dupcol := filepath.Join(dir, "dupcol.csv")
	os.WriteFile(dupcol, []byte("date,a,a\n2024-01-01,0.1,0.2\n2024-01-02,0.2,0.1\n"), 0o644)
	if _, _, err := cli(t, "metrics", dupcol); err == nil || !strings.Contains(err.Error(), `column "a" appears twice`) {
		t.Errorf("duplicate column: %v", err)
	}
	levels := filepath.Join(dir, "levels.csv")
	os.WriteFile(levels, []byte("date,equity\n2024-01-01,100000\n2024-01-02,100500\n"), 0o644)
	if _, _, err := cli(t, "metrics", levels); err == nil || !strings.Contains(err.Error(), "levels.csv:2: equity = 100000 is a gain of over 1000%") {
		t.Errorf("levels: %v", err)
	}
	only := filepath.Join(dir, "only.csv")
	os.WriteFile(only, []byte("date,a\n2024-01-01,0.1\n2024-01-02,0.2\n2024-01-03,0.1\n"), 0o644)
	if _, _, err := cli(t, "metrics", only, "--benchmark", "a"); err == nil || !strings.Contains(err.Error(), "no series left") {
		t.Errorf("benchmark only: %v", err)
	}
	ok := filepath.Join(dir, "ok.csv")
	os.WriteFile(ok, []byte("date,a\n2024-01-01,0.1\n2024-01-02,0.2\n2024-01-03,0.1\n"), 0o644)
	if _, _, err := cli(t, "metrics", ok, "--benchmark", "zz"); err == nil || !strings.Contains(err.Error(), `no column "zz"`) {
		t.Errorf("error %v", err)
	}
}

// The metrics of the managers data set (PerformanceAnalytics), when the
// shared data is there: HAM1's annualised Sharpe (rf = 0) computed by
// hand from the column's mean and standard deviation.
func TestMetricsOnManagers(t *testing.T) {
	root := os.Getenv("DIVERGENCE_DATA_ROOT")
	if root == "" {
		root = "../../../shared/data"
	}
	path := filepath.Join(root, "metrics", "data", "managers.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("managers.csv not found at %s: %v", path, err)
	}
	out, _, err := cli(t, "metrics", path, "--column", "HAM1")
	if err != nil {
		t.Fatal(err)
	}
	var got metricsOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.PeriodsPerYear != 12 {
		t.Fatalf("ppy %g", got.PeriodsPerYear)
	}
	if got.Series[0].First != "1996-01-31" || got.Series[0].Last != "2006-12-31" {
		t.Errorf("span %s..%s", got.Series[0].First, got.Series[0].Last)
	}
	// Second method: mean and sample standard deviation of the HAM1 column,
	// read here with encoding/csv; Sharpe = mean / sd × √12.
	f, _ := os.Open(path)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var xs []float64
	for _, rec := range recs[1:] {
		if rec[1] != "" {
			v, _ := strconv.ParseFloat(rec[1], 64)
			xs = append(xs, v)
		}
	}
	mean, ss := 0.0, 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sharpe := mean / math.Sqrt(ss/float64(len(xs)-1)) * math.Sqrt(12)
	for _, m := range got.Series[0].Metrics {
		if m.Name == "sharpe" {
			if !(math.Abs(float64(m.Value)-sharpe) <= 1e-12) {
				t.Errorf("HAM1 Sharpe %v, by hand %g", m.Value, sharpe)
			}
			return
		}
	}
	t.Error("no sharpe")
}
