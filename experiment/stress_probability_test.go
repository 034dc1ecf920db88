package experiment

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stress_summary.csv's expected_pnl_vs_baseline is Σ probability ×
// pnl_vs_baseline over the scenarios with a probability. Probabilities
// that sum to more than 1 cannot be exclusive outcomes, and the sum then
// adds up the scenarios' expected costs as if all could happen: the
// notes say so, naming the runs and the total.
//
// By hand: NVDA closes at 100 every day; a buy-and-hold holding q shares
// after the purchase loses 10·q to a −10 % jump (scenario a, p = 0.6) and
// 20·q to a −20 % jump (b, p = 0.7), so expected = 0.6·(−10q) +
// 0.7·(−20q) = −6q − 14q = −20q, probability_total = 0.6 + 0.7 = 1.3.
func TestStressProbabilitiesAboveOne(t *testing.T) {
	dir := t.TempDir()
	dailyCSV(t, dir, "NVDA", "2023-01-02", 120, func(int) float64 { return 100 })
	text := `name = "probabilities"
start = "2023-01-02"
end = "2023-04-01"
scenario_start = "2023-02-01"
[data]
dir = "prices"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
[[scenario]]
name = "a"
probability = 0.6
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
day = 7
move = -0.1
[[scenario]]
name = "b"
probability = 0.7
[[scenario.shock]]
type = "jump"
symbols = ["NVDA"]
day = 7
move = -0.2
`
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var q float64
	for i := range o.Runs {
		if o.Runs[i].Key == "hold" {
			q = o.Runs[i].Result.Portfolio.Qty[0]
		}
	}
	if !(q > 0) {
		t.Fatalf("the baseline holds %g NVDA", q)
	}
	if len(o.Stress.Expected) != 1 {
		t.Fatalf("%d summary rows", len(o.Stress.Expected))
	}
	e := o.Stress.Expected[0]
	if math.Abs(e.ExpectedPnL-(-20*q)) > 1e-6*q || math.Abs(e.ProbabilityTotal-1.3) > 1e-12 || e.Scenarios != 2 {
		t.Errorf("expected %g (p %g, n %d), want −20 × %g = %g, p 1.3, n 2", e.ExpectedPnL, e.ProbabilityTotal, e.Scenarios, q, -20*q)
	}
	if e.WorstScenario != "b" || math.Abs(e.WorstPnL-(-20*q)) > 1e-6*q {
		t.Errorf("worst %s %g, want b %g", e.WorstScenario, e.WorstPnL, -20*q)
	}
	found := false
	for _, n := range o.Stress.Notes {
		if strings.Contains(n, "probabilities") && strings.Contains(n, "sum to 1.3") && strings.Contains(n, "hold") {
			found = true
		}
	}
	if !found {
		t.Errorf("no note on probabilities summing to 1.3 among %q", o.Stress.Notes)
	}
}
