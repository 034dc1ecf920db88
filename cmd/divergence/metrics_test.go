package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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
	// A nameless series column (a spreadsheet export's trailing comma)
	// would be measured as a series called "" with no values.
	for _, c := range []struct{ name, text, want string }{
		{"trailing comma", "date,a,\n2024-01-01,0.1,\n2024-01-02,0.2,\n", "trail.csv:1: column 3 has no name"},
		{"blank between", "date, ,b\n2024-01-01,0.1,0.2\n2024-01-02,0.2,0.1\n", "trail.csv:1: column 2 has no name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "trail.csv")
			os.WriteFile(p, []byte(c.text), 0o644)
			if _, _, err := cli(t, "metrics", p); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("nameless column: %v, want %q", err, c.want)
			}
		})
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
	// A rate column with a gap would drop that day from every excess
	// return (the series' best day here, turning Sharpe's sign): refused.
	gap := filepath.Join(dir, "gap.csv")
	os.WriteFile(gap, []byte("date,a,rf\n2024-01-02,0.01,0.0001\n2024-01-03,0.02,\n2024-01-04,-0.02,0.0001\n2024-01-05,0.03,NaN\n"), 0o644)
	for _, flag := range []string{"--risk-free", "--mar"} {
		want := flag + ` = "rf": the column has no rate on 2024-01-03 (data row 2)`
		if _, _, err := cli(t, "metrics", gap, "--column", "a", flag, "rf"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s rf with a gap: %v", flag, err)
		}
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

// metricValues runs the command and returns the first series' metrics
// (NaN for null, ±Inf for the infinity strings) and stderr.
func metricValues(t *testing.T, args ...string) (map[string]float64, string) {
	t.Helper()
	out, stderr, err := cli(t, append([]string{"metrics"}, args...)...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	var got metricsOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]float64{}
	for _, x := range got.Series[0].Metrics {
		m[x.Name] = float64(x.Value)
	}
	return m, stderr
}

// A header-only file and a one-row file: undefined metrics, a note on
// stderr, no error.
func TestMetricsEmptyAndOneRow(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte("date,fund\n"), 0o644)
	m, stderr := metricValues(t, empty)
	if !strings.Contains(stderr, "empty.csv: no rows") || !strings.Contains(stderr, "too few to infer the periods per year") {
		t.Errorf("stderr %q", stderr)
	}
	if m["periods"] != 0 || !math.IsNaN(m["total_return"]) || !math.IsNaN(m["sharpe"]) || !math.IsNaN(m["var_95_historical"]) {
		t.Errorf("empty: %v", m)
	}
	out, _, err := cli(t, "metrics", empty, "--format", "table")
	if err != nil || !strings.HasPrefix(tableLine(out, "total_return"), "—") {
		t.Errorf("empty table: %v\n%s", err, out)
	}
	one := filepath.Join(dir, "one.csv")
	os.WriteFile(one, []byte("date,fund\n2024-01-31,0.05\n"), 0o644)
	m, stderr = metricValues(t, one, "--periods-per-year", "12")
	if !strings.Contains(stderr, "one.csv: one row") {
		t.Errorf("stderr %q", stderr)
	}
	// One month of +5 %: total return 0.05, CAGR 1.05¹² − 1; no dispersion.
	if math.Abs(m["total_return"]-0.05) > 1e-15 || math.Abs(m["cagr"]-(math.Pow(1.05, 12)-1)) > 1e-12 ||
		!math.IsNaN(m["sharpe"]) || !math.IsNaN(m["annual_volatility"]) {
		t.Errorf("one row: %v", m)
	}
}

// A column with a return on two rows of a longer file: the periods per
// year cannot be inferred from its two dates, which gets the note of a
// two-row file (not the error of dates that make no calendar), and its
// metrics: total return 1.01 × 1.02 − 1, no annualised figure.
func TestMetricsColumnTooFewDates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte("date,a,b\n2024-01-01,0.01,\n2024-01-02,0.02,0.01\n2024-01-03,-0.01,\n"+
		"2024-01-04,0.03,\n2024-01-05,0.01,0.02\n2024-01-08,0,\n"), 0o644)
	m, stderr := metricValues(t, path, "--column", "b")
	if !strings.Contains(stderr, "r.csv: column b has a return on 2 rows, too few to infer the periods per year") {
		t.Errorf("stderr %q", stderr)
	}
	if m["periods"] != 2 || math.Abs(m["total_return"]-(1.01*1.02-1)) > 1e-15 || !math.IsNaN(m["cagr"]) || !math.IsNaN(m["sharpe"]) {
		t.Errorf("column b: %v", m)
	}
	// Three dates that make no calendar are still an error.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("date,a\n2024-01-01,0.01\n2024-01-02,0.02\n2024-03-05,0.01\n"), 0o644)
	if _, _, err := cli(t, "metrics", bad); err == nil || !strings.Contains(err.Error(), "cannot infer the periods per year") {
		t.Errorf("bad.csv: %v", err)
	}
}

// JSON spells infinities out; the table prints them readably.
func TestMetricsInfinity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "up.csv")
	os.WriteFile(path, []byte("date,fund\n2024-01-31,0.01\n2024-02-29,0.02\n2024-03-31,0.03\n"), 0o644)
	out, _, err := cli(t, "metrics", path)
	if err != nil {
		t.Fatal(err)
	}
	// Never a loss: omega and Calmar are +Inf; Sharpe is finite.
	for _, want := range []string{`"name": "omega",
          "value": "Infinity"`, `"name": "calmar",
          "value": "Infinity"`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s\n%s", want, out)
		}
	}
	m, _ := metricValues(t, path, "--zero-risk", "nan")
	if !math.IsNaN(m["omega"]) || !math.IsNaN(m["calmar"]) {
		t.Errorf("--zero-risk nan: omega %g calmar %g", m["omega"], m["calmar"])
	}
	tab, _, err := cli(t, "metrics", path, "--format", "table")
	if err != nil || !strings.HasPrefix(tableLine(tab, "omega"), "+Inf") {
		t.Errorf("table: %v\n%s", err, tab)
	}
	for _, c := range []struct {
		v    jsonValue
		want string
	}{{jsonValue(math.NaN()), "null"}, {jsonValue(math.Inf(1)), `"Infinity"`}, {jsonValue(math.Inf(-1)), `"-Infinity"`}, {0.25, "0.25"}} {
		b, _ := json.Marshal(c.v)
		var back jsonValue
		if string(b) != c.want || json.Unmarshal(b, &back) != nil || !(back == c.v || math.IsNaN(float64(c.v)) && math.IsNaN(float64(back))) {
			t.Errorf("%g: %s, back %g", float64(c.v), b, float64(back))
		}
	}
}

// Rates: annual numbers compounded or divided, per-period numbers, columns.
func TestMetricsRates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	// rf column: 0.01 a month; fund − rf = [0.03, −0.02, 0.01, 0.02].
	os.WriteFile(path, []byte("date,fund,rf\n2024-01-31,0.04,0.01\n2024-02-29,-0.01,0.01\n2024-03-31,0.02,0.01\n2024-04-30,0.03,0.01\n"), 0o644)
	// mean 0.01, Σd² = 0.0014 (see metrics.TestOptionsSeries): Sharpe =
	// 0.01/√(0.0014/3)·√12.
	want := 0.01 / math.Sqrt(0.0014/3) * math.Sqrt(12)
	for _, args := range [][]string{
		{"--risk-free", "rf"},
		{"--risk-free", "0.01", "--rate-convention", "per-period"},
		{"--risk-free", "0.12", "--rate-convention", "simple"},                  // 0.12 / 12
		{"--risk-free", strconv.FormatFloat(math.Pow(1.01, 12)-1, 'g', -1, 64)}, // (1.01¹²)^(1/12) − 1
	} {
		m, _ := metricValues(t, append([]string{path, "--column", "fund", "--periods-per-year", "12"}, args...)...)
		if math.Abs(m["sharpe"]-want) > 1e-9 {
			t.Errorf("%v: sharpe %.15g, want %.15g", args, m["sharpe"], want)
		}
	}
	// The rate column is not measured as a series.
	out, _, _ := cli(t, "metrics", path, "--risk-free", "rf", "--periods-per-year", "12")
	var got metricsOut
	json.Unmarshal([]byte(out), &got)
	if len(got.Series) != 1 || got.Series[0].Name != "fund" {
		t.Errorf("series %+v", got.Series)
	}
	// MAR 0.01 a month: the one shortfall −0.02, DD = √(0.0004/4) = 0.01,
	// Sortino √12·0.01/0.01.
	m, _ := metricValues(t, path, "--column", "fund", "--periods-per-year", "12", "--mar", "rf")
	if math.Abs(m["sortino"]-math.Sqrt(12)) > 1e-12 || math.Abs(m["downside_potential"]-0.005) > 1e-15 {
		t.Errorf("mar column: sortino %g potential %g", m["sortino"], m["downside_potential"])
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--risk-free", "nope"}, `--risk-free = "nope" is neither a number nor a column`},
		{[]string{"--threshold", "rf"}, `--threshold = "rf": want an annual rate`},
		{[]string{"--var-method", "monte-carlo"}, `VaR method "monte-carlo"`},
		{[]string{"--confidence", "95"}, `"95" is not a number in [0, 1]`},
		{[]string{"--confidence", "0.9", "--tail", "0.1"}, "give one of them"},
		{[]string{"--rate-convention", "daily"}, `want compound, simple or per-period`},
		{[]string{"--missing", "drop"}, `want skip or zero`},
		{[]string{"--from", "2024-13-01"}, `--from = "2024-13-01": want YYYY-MM-DD`},
		{[]string{"--weights", "fund"}, `--weights: "fund": want COLUMN=WEIGHT`},
	} {
		_, _, err := cli(t, append([]string{"metrics", path}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.msg)
		}
	}
}

// Levels, methods, row selection, missing rule and the portfolio.
func TestMetricsOptions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	os.WriteFile(path, []byte("date,a,b\n2024-01-31,0.04,0.02\n2024-02-29,-0.01,\n2024-03-31,0.02,0.01\n2024-04-30,0.03,0.03\n2024-05-31,0.5,0.5\n"), 0o644)
	// Rows to April: a = [0.04, −0.01, 0.02, 0.03]; --tail 0.25 is the
	// 75 % level: VaR −0.01 + 0.75·0.03 = 0.0125.
	m, _ := metricValues(t, path, "--column", "a", "--to", "2024-04-30", "--tail", "0.25", "--var-method", "historical", "--periods-per-year", "12")
	if m["periods"] != 4 || math.Abs(m["var_75_historical"]-0.0125) > 1e-15 {
		t.Errorf("periods %g var_75 %g", m["periods"], m["var_75_historical"])
	}
	if _, ok := m["var_95_gaussian"]; ok {
		t.Error("gaussian VaR reported without being asked")
	}
	// b from January to April skips the missing February: 3 periods,
	// total 1.02·1.01·1.03 − 1; CAGR over 3 monthly periods. With
	// --missing zero February is a 0 % period: n = 4.
	m, _ = metricValues(t, path, "--column", "b", "--to", "2024-04-30", "--periods-per-year", "12")
	if m["periods"] != 3 || math.Abs(m["cagr"]-(math.Pow(1.02*1.01*1.03, 12.0/3)-1)) > 1e-12 {
		t.Errorf("skip: periods %g cagr %g", m["periods"], m["cagr"])
	}
	m, _ = metricValues(t, path, "--column", "b", "--to", "2024-04-30", "--periods-per-year", "12", "--missing", "zero")
	if m["periods"] != 4 || math.Abs(m["cagr"]-(math.Pow(1.02*1.01*1.03, 12.0/4)-1)) > 1e-12 {
		t.Errorf("zero: periods %g cagr %g", m["periods"], m["cagr"])
	}
	// The 50/50 portfolio from March: 0.015, 0.03, 0.5.
	m, _ = metricValues(t, path, "--weights", "a=0.5,b=0.5", "--from", "2024-03-01", "--periods-per-year", "12")
	if m["periods"] != 3 || math.Abs(m["total_return"]-(1.015*1.03*1.5-1)) > 1e-12 {
		t.Errorf("portfolio: %g periods, total %g", m["periods"], m["total_return"])
	}
}

// --rolling writes the series CSV, here to --out; values by hand.
func TestMetricsRollingSeries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	os.WriteFile(path, []byte("date,fund,bench\n2024-01-31,0.1,0.05\n2024-02-29,-0.1,-0.05\n2024-03-31,0.2,0.1\n"), 0o644)
	dst := filepath.Join(dir, "rolling.csv")
	if out, _, err := cli(t, "metrics", path, "--column", "fund", "--benchmark", "bench", "--rolling", "2", "--periods-per-year", "1", "--out", dst); err != nil || out != "" {
		t.Fatalf("%v, stdout %q", err, out)
	}
	b, _ := os.ReadFile(dst)
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) []string {
		for j, h := range recs[0] {
			if h == name {
				var c []string
				for _, r := range recs[1:] {
					c = append(c, r[j])
				}
				return c
			}
		}
		t.Fatalf("no column %s in %v", name, recs[0])
		return nil
	}
	// Wealth 1.1, 0.99, 1.188: cumulative 0.1, −0.01, 0.188; drawdown 0,
	// 0.99/1.1 − 1 = −0.1, 0 (a new peak). Windows of 2: sd of
	// [0.1, −0.1] = √0.02, of [−0.1, 0.2] = √0.045; each window's max
	// drawdown −0.1; fund = 2·bench exactly, so beta 2, correlation 1.
	checks := map[string][]float64{
		"fund.cumulative_return":    {0.1, -0.01, 0.188},
		"fund.drawdown":             {0, -0.1, 0},
		"fund.rolling_volatility":   {math.NaN(), math.Sqrt(0.02), math.Sqrt(0.045)},
		"fund.rolling_max_drawdown": {math.NaN(), -0.1, -0.1},
		"fund.rolling_beta":         {math.NaN(), 2, 2},
		"fund.rolling_correlation":  {math.NaN(), 1, 1},
	}
	for name, want := range checks {
		for i, s := range col(name) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || !(math.Abs(v-want[i]) < 1e-12 || math.IsNaN(want[i]) && s == "NaN") {
				t.Errorf("%s row %d = %q, want %g", name, i, s, want[i])
			}
		}
	}
	if recs[1][0] != "2024-01-31" || len(recs) != 4 {
		t.Errorf("rows %v", recs)
	}
}

// --help lists every flag with its meaning.
func TestMetricsHelp(t *testing.T) {
	help, _, err := cli(t, "metrics", "--help") // on stdout
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, f := range []string{"any-value", "benchmark", "column", "confidence", "ddof", "down-market", "es-rule", "format",
		"from", "gaussian-ddof", "mar", "missing", "out", "periods-per-year", "rate-convention", "risk-free", "rolling",
		"series", "starting-value", "sterling-excess", "tail", "threshold", "to", "var-method", "weights", "zero-risk"} {
		if !strings.Contains(help, "\n  --"+f+" ") && !strings.Contains(help, "\n  --"+f+"\n") {
			t.Errorf("--help lacks --%s", f)
		}
	}
	if !strings.Contains(help, `"Infinity"`) || !strings.Contains(help, "docs/metrics.md") {
		t.Errorf("--help lacks the output conventions:\n%s", help)
	}
}

// tableLine returns the cells after the metric name on its table line.
func tableLine(table, metric string) string {
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == metric {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

// A file of daily returns on the union of a stock's and a token's dates
// (the stock blank on weekends): its dates say 365 a year, the stock's
// own 252. Measured together, the command refuses (the stock's CAGR,
// volatility and Sharpe would be annualised at 365); one column is
// annualised on its own dates.
func TestMetricsPeriodsPerColumn(t *testing.T) {
	var b strings.Builder
	b.WriteString("date,stock,token\n")
	for d := 0; d < 60; d++ {
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		stock := strconv.FormatFloat(0.001*float64(d%5-2), 'f', -1, 64)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			stock = ""
		}
		fmt.Fprintf(&b, "%s,%s,%g\n", day.Format("2006-01-02"), stock, 0.002*float64(d%7-3))
	}
	path := filepath.Join(t.TempDir(), "mixed.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "metrics", path); err == nil || !strings.Contains(err.Error(), "column stock has returns on 252 periods a year by its own dates, the file's dates 365") {
		t.Errorf("both columns: %v", err)
	}
	for col, want := range map[string]float64{"stock": 252, "token": 365} {
		out, _, err := cli(t, "metrics", path, "--column", col)
		if err != nil {
			t.Fatal(err)
		}
		var got metricsOut
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if float64(got.PeriodsPerYear) != want {
			t.Errorf("--column %s: periods per year %g, want %g", col, float64(got.PeriodsPerYear), want)
		}
	}
	if _, _, err := cli(t, "metrics", path, "--periods-per-year", "365"); err != nil {
		t.Errorf("with --periods-per-year: %v", err)
	}
	// --missing zero makes every row a period of every column: the file's
	// 365, for both columns and for one.
	for _, args := range [][]string{{"--missing", "zero"}, {"--missing", "zero", "--column", "stock"}} {
		out, _, err := cli(t, append([]string{"metrics", path}, args...)...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var got metricsOut
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if float64(got.PeriodsPerYear) != 365 {
			t.Errorf("%v: periods per year %g, want 365", args, float64(got.PeriodsPerYear))
		}
	}
}

// --format names the metrics' output; with --series or --rolling (a CSV
// of series) it was ignored without a word. It is refused, and the
// default (no --format) still writes the CSV.
func TestMetricsFormatWithSeries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte("date,fund\n2024-01-31,0.1\n2024-02-29,-0.1\n2024-03-31,0.2\n"), 0o644)
	for _, args := range [][]string{{"--series", "--format", "table"}, {"--rolling", "2", "--format", "json"}} {
		if _, _, err := cli(t, append([]string{"metrics", path}, args...)...); err == nil || !strings.Contains(err.Error(), "--series and --rolling write the series as CSV") {
			t.Errorf("%v: %v", args, err)
		}
	}
	if out, _, err := cli(t, "metrics", path, "--series"); err != nil || !strings.HasPrefix(out, "date,") {
		t.Errorf("--series: %v, %q", err, out)
	}
}

// Intraday returns (an intraday run's equity.csv times) go through the
// command: times are read as instants and the periods per year inferred
// from their spacing, as a run annualises its own. A token's hourly
// returns every day: 365 × 24 = 8,760; an equity's 7 hourly bars a
// session on weekdays: 252 × 7 = 1,764. annual_volatility is the sample
// deviation × √ppy, computed here; --series writes the instants.
func TestMetricsIntradayReturns(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2025, 10, 6, 0, 0, 0, 0, time.UTC) // a Monday
	for _, c := range []struct {
		name string
		ppy  float64
		hour func(d, h int) bool
	}{
		{"token", 8760, func(d, h int) bool { return true }},
		{"equity", 1764, func(d, h int) bool { return d%7 < 5 && h >= 14 && h < 21 }},
		// Both (a mixed run's steps): a token's hour and, on weekdays, an
		// equity's half hour: 8,760 + 1,764.
		{"mixed", 10524, func(d, h int) bool { return true }},
	} {
		var b strings.Builder
		b.WriteString("time,r\n")
		var rs []float64
		k := 0
		for d := 0; d < 21; d++ {
			for h := 0; h < 24; h++ {
				if !c.hour(d, h) {
					continue
				}
				at := start.Add(time.Duration(24*d+h) * time.Hour)
				if c.name == "equity" {
					at = at.Add(30 * time.Minute)
				}
				times := []time.Time{at}
				if c.name == "mixed" && d%7 < 5 && h >= 14 && h < 21 {
					times = append(times, at.Add(30*time.Minute))
				}
				for _, at := range times {
					r := 0.004 * math.Sin(1.7*float64(k))
					k++
					rs = append(rs, r)
					fmt.Fprintf(&b, "%s,%g\n", at.Format(time.RFC3339), r)
				}
			}
		}
		path := filepath.Join(dir, c.name+".csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, err := cli(t, "metrics", path)
		if err != nil {
			t.Fatal(err)
		}
		var got metricsOut
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if float64(got.PeriodsPerYear) != c.ppy {
			t.Errorf("%s: periods per year %v, want %g", c.name, got.PeriodsPerYear, c.ppy)
		}
		mean, ss := 0.0, 0.0
		for _, r := range rs {
			mean += r / float64(len(rs))
		}
		for _, r := range rs {
			ss += (r - mean) * (r - mean)
		}
		want := math.Sqrt(ss/float64(len(rs)-1)) * math.Sqrt(c.ppy)
		seen := false
		for _, m := range got.Series[0].Metrics {
			if m.Name == "annual_volatility" {
				seen = true
				if math.Abs(float64(m.Value)-want) > 1e-12*want {
					t.Errorf("%s: annual volatility %v, want %g", c.name, m.Value, want)
				}
			}
		}
		if !seen {
			t.Errorf("%s: no annual_volatility in %s", c.name, out)
		}
		ser, _, err := cli(t, "metrics", path, "--series")
		if err != nil {
			t.Fatal(err)
		}
		if first := strings.Split(strings.Split(ser, "\n")[1], ",")[0]; !strings.HasSuffix(first, "Z") || !strings.Contains(first, "T") {
			t.Errorf("%s: --series row stamped %q, want the instant", c.name, first)
		}
	}
}
