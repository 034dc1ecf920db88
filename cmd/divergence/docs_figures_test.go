package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The figures README.md and docs/*.md quote from runs on the shared real
// data stay the figures the program prints: each case runs what the doc
// describes and looks for the sentence, rebuilt from the run's output, in
// the doc (white space folded, so that a line break may fall anywhere).
// A doc left stale by a change of the program fails here, naming the
// sentence it should now say. Skipped without ../shared/data/prices.
func TestDocsQuoteRealDataFigures(t *testing.T) {
	dir := os.Getenv("DIVERGENCE_DATA")
	if dir == "" {
		dir = "../../../shared/data/prices"
	}
	if _, err := os.Stat(filepath.Join(dir, "NVDA.csv")); err != nil {
		t.Skipf("real price data not found at %s (set DIVERGENCE_DATA): %v", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DIVERGENCE_DATA", abs)

	t.Run("README: real-hedge-sweep's losing runs of positive Sharpe", func(t *testing.T) {
		out, _, err := cli(t, "run", "../../examples/real-hedge-sweep.toml", "--out", t.TempDir(), "--quiet", "--no-report")
		if err != nil {
			t.Fatal(err)
		}
		// The note names each run: "KEY (Sharpe S, total return R%, ...".
		re := regexp.MustCompile(`(tech-vs-btc--\S+) \(Sharpe ([0-9.]+), total return (-[0-9.]+)%`)
		runs := re.FindAllStringSubmatch(out, -1)
		if len(runs) == 0 {
			t.Fatalf("no note of runs with a positive Sharpe ratio that lost money:\n%s", out)
		}
		minS, maxS, minR, maxR := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, r := range runs {
			if !strings.Contains(r[1], "hedge=dollar") {
				t.Errorf("%s is in the note: the README says the dollar-neutral hedges", r[1])
			}
			s, _ := strconv.ParseFloat(r[2], 64)
			loss, _ := strconv.ParseFloat(r[3], 64)
			minS, maxS = math.Min(minS, s), math.Max(maxS, s)
			minR, maxR = math.Min(minR, -loss), math.Max(maxR, -loss)
		}
		// The README rounds the losses to whole percents.
		want := fmt.Sprintf("real-hedge-sweep the dollar-neutral hedges, −%.0f %% to −%.0f %% at Sharpe %.2f–%.2f", minR, maxR, minS, maxS)
		docHas(t, "../../README.md", want)
	})

	t.Run("docs/metrics.md: real-ai-hedge's up capture", func(t *testing.T) {
		o := t.TempDir()
		if _, _, err := cli(t, "run", "../../examples/real-ai-hedge.toml", "--out", o, "--quiet", "--no-report"); err != nil {
			t.Fatal(err)
		}
		folder := filepath.Join(o, "ai-hedge-on-real-data-since-2024-07-26")
		var m struct {
			Metrics struct {
				Benchmarks map[string]struct {
					UpCapture float64 `json:"up_capture"`
				} `json:"benchmarks"`
			} `json:"metrics"`
		}
		b, err := os.ReadFile(filepath.Join(folder, "runs", "long-ai-tech-only", "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		run, ok := m.Metrics.Benchmarks["QQQ"]
		if !ok {
			t.Fatalf("metrics.json has no QQQ benchmark:\n%s", b)
		}
		// The second method: the command over the run's returns and
		// QQQ's on the dates both have (QQQ's sessions), at 252 a year.
		equity := map[string]float64{}
		for _, r := range readCSV(t, filepath.Join(folder, "runs", "long-ai-tech-only", "equity.csv")) {
			equity[r["time"]], _ = strconv.ParseFloat(r["equity"], 64)
		}
		returns := filepath.Join(t.TempDir(), "returns.csv")
		var sb strings.Builder
		sb.WriteString("date,run,qqq\n")
		var prevE, prevB float64
		for _, r := range readCSV(t, filepath.Join(folder, "benchmarks.csv")) {
			e, ok := equity[r["time"]]
			if r["symbol"] != "QQQ" || !ok {
				continue
			}
			c, _ := strconv.ParseFloat(r["close"], 64)
			if prevE != 0 {
				fmt.Fprintf(&sb, "%s,%.17g,%.17g\n", r["time"], e/prevE-1, c/prevB-1)
			}
			prevE, prevB = e, c
		}
		if err := os.WriteFile(returns, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		js, _, err := cli(t, "metrics", returns, "--column", "run", "--benchmark", "qqq", "--periods-per-year", "252", "--format", "json")
		if err != nil {
			t.Fatal(err)
		}
		value := func(name string) float64 {
			mm := regexp.MustCompile(`"name": "` + name + `",\s*"value": ([-0-9.e+]+)`).FindStringSubmatch(js)
			if mm == nil {
				t.Fatalf("divergence metrics printed no %s:\n%.2000s", name, js)
			}
			v, _ := strconv.ParseFloat(mm[1], 64)
			return v
		}
		annualized, cumulative := value("up_capture_annualized"), value("up_capture")
		if math.Abs(annualized-run.UpCapture) > 1e-9 {
			t.Errorf("metrics.json's up_capture %v is not the command's up_capture_annualized %v", run.UpCapture, annualized)
		}
		want := fmt.Sprintf("metrics.json's `up_capture` %.2f is the command's `up_capture_annualized`, not its `up_capture` %.2f", run.UpCapture, cumulative)
		docHas(t, "../../docs/metrics.md", want)
	})

	t.Run("docs/strategies.md: AGIX held past its data", func(t *testing.T) {
		o := t.TempDir()
		exp := filepath.Join(o, "agix.toml")
		// The doc's case: AGIX and FET at 0.5 each, rebalanced weekly
		// from 2023-06-01 (cash 1,000,000 and 5 bps, the defaults of the
		// examples).
		if err := os.WriteFile(exp, []byte(`name = "agix fet"
cash = 1_000_000.0
commission_bps = 5.0
start = "2023-06-01"
end = "2024-02-01"
[data]
dir = "prices"
[[strategy]]
name = "b"
type = "weights"
[strategy.params]
weights = { AGIX = 0.5, FET = 0.5 }
rebalance_days = 7
`), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := cli(t, "run", exp, "--out", o, "--quiet", "--no-report"); err != nil {
			t.Fatal(err)
		}
		folder := filepath.Join(o, "agix-fet", "runs", "b")
		var qty float64
		for _, r := range readCSV(t, filepath.Join(folder, "fills.csv")) {
			if r["symbol"] == "AGIX" {
				q, _ := strconv.ParseFloat(r["qty"], 64)
				qty += q
			}
		}
		agix := readCSV(t, filepath.Join(abs, "AGIX-USD.csv"))
		last := agix[len(agix)-1]
		price, _ := strconv.ParseFloat(last["close"], 64)
		var day map[string]string
		for _, r := range readCSV(t, filepath.Join(folder, "equity.csv")) {
			if r["time"] == "2024-01-07" {
				day = r
			}
		}
		if day == nil {
			t.Fatal("equity.csv has no row of 2024-01-07")
		}
		eq, _ := strconv.ParseFloat(day["equity"], 64)
		cash, _ := strconv.ParseFloat(day["cash"], 64)
		gross, _ := strconv.ParseFloat(day["gross"], 64)
		value := price * qty
		want := fmt.Sprintf("AGIX's data end on %s at %s × %s = %s, %.1f %% of the %s equity of 2024-01-07, and FET's rebalance that day leaves cash at −%s, gross %.3f × equity",
			last["date"], strconv.FormatFloat(price, 'f', -1, 64), thousands(qty), thousands(value), 100*value/eq, thousands(eq), thousands(-cash), gross/eq)
		docHas(t, "../../docs/strategies.md", want)
	})
}

// docHas fails unless the doc holds want, white space folded.
func docHas(t *testing.T, doc, want string) {
	t.Helper()
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), want) {
		t.Errorf("%s does not say what the program prints now; want:\n%s", doc, want)
	}
}

// readCSV reads a file with a header into one map a row.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// thousands rounds x to a whole number written with thousands commas.
func thousands(x float64) string {
	s := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// docs/metrics.md's figures of the demo (examples/synthetic-ai-hedge.toml,
// the synthetic market: no data needed) are the demo's.
func TestDocsQuoteDemoFigures(t *testing.T) {
	o := t.TempDir()
	if _, _, err := cli(t, "run", "../../examples/synthetic-ai-hedge.toml", "--out", o, "--quiet", "--no-report"); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(o, "ai-hedge-on-the-synthetic-market", "runs", "long-ai-tech-only")
	b, err := os.ReadFile(filepath.Join(run, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Metrics struct {
			HitRate float64 `json:"hit_rate"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// Count the zero days and the gains from the curve itself.
	var prev float64
	var days, zeros, gains int
	for i, r := range readCSV(t, filepath.Join(run, "equity.csv")) {
		e, _ := strconv.ParseFloat(r["equity"], 64)
		if i > 0 {
			days++
			switch {
			case e == prev:
				zeros++
			case e > prev:
				gains++
			}
		}
		prev = e
	}
	if got := float64(gains) / float64(days); math.Abs(got-m.Metrics.HitRate) > 1e-12 {
		t.Errorf("hit_rate %v in metrics.json, %d gains of %d days in equity.csv (%v)", m.Metrics.HitRate, gains, days, got)
	}
	want := fmt.Sprintf("The demo's \"long AI tech only\" reads `hit_rate` %.3f because %.0f %% of its %s days are such zeros; among its days with a move, %.1f %% gained.",
		m.Metrics.HitRate, 100*float64(zeros)/float64(days), thousands(float64(days)), 100*float64(gains)/float64(days-zeros))
	docHas(t, "../../docs/metrics.md", want)
}
