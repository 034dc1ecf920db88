package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/strategies"
)

// Options.DataDir replaces data.dir (and is used as given, not relative
// to the experiment file); without it the file's folder is searched.
func TestOptionsDataDir(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.Mkdir(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	csv := "date,open,high,low,close,adj_close,volume\n" +
		"2024-01-02,10,10,10,10,10,100\n2024-01-03,11,12,11,12,12,100\n" +
		"2024-01-04,12,12,12,12,12,100\n2024-01-05,12,15,12,15,15,100\n"
	if err := os.WriteFile(filepath.Join(prices, "AAA.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(filepath.Join(dir, "e.toml"), "name = \"dir\"\n[data]\ndir = \"elsewhere\"\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "elsewhere")) || !strings.Contains(err.Error(), `"AAA"`) {
		t.Fatalf("without DataDir: %v, want an error naming the folder and the symbol", err)
	}
	o, err := Run(context.Background(), f, Options{DataDir: prices, Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if src := o.Panel.Series[0].Source; src != filepath.Join(prices, "AAA.csv") {
		t.Errorf("AAA read from %s, want the file under DataDir", src)
	}
	if n := o.Panel.Series[0].Len(); n != 4 {
		t.Errorf("AAA has %d bars, want the file's 4", n)
	}
}

// Options.Strategies reaches every place a strategy is built: the sweep's
// checks, the runs, the legs and attribution, scenarios, Monte Carlo and
// walk-forward. The registry here holds the pair hedge under another name
// and nothing else, so a built-in lookup anywhere would fail on it.
func TestOptionsStrategiesEverywhere(t *testing.T) {
	reg := strategies.Registry{"my-hedge": strategies.Builtins()["pair-hedge"]}
	f, err := Parse("mine.toml", `name = "mine"
seed = 2
start = "2020-01-01"
end = "2021-07-01"
scenarios = ["ai-crypto-selloff"]
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "my-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO"]
[strategy.sweep]
gross = [0.5, 1.0]
[montecarlo]
paths = 4
days = 60
[walkforward]
in_sample_days = 180
out_of_sample_days = 90
`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2}); err == nil || !strings.Contains(err.Error(), `unknown strategy type "my-hedge"`) {
		t.Fatalf("with the built-ins: %v, want my-hedge unknown", err)
	}
	o, err := Run(context.Background(), f, Options{Strategies: reg, Out: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	// 2 sweep points × (the hedge + its long leg alone, the factory having
	// a LongLeg whatever its name) × (baseline + 1 scenario).
	if len(o.Runs) != 8 || len(o.MonteCarlo) != 2 || len(o.WalkForward) != 1 || o.Stress == nil {
		t.Fatalf("runs %d, Monte Carlo %d, walk-forward %d, stress %v", len(o.Runs), len(o.MonteCarlo), len(o.WalkForward), o.Stress != nil)
	}
	companions := 0
	for _, r := range o.Runs {
		if r.LongLegOf != "" {
			companions++
		}
	}
	if companions != 4 {
		t.Errorf("%d long-leg companion runs, want 4", companions)
	}
	// The legs come from the registry's strategy: attribution names them,
	// and legs.csv is written.
	legs := map[string]bool{}
	for _, a := range o.Runs[0].Attribution {
		legs[a.Leg] = true
	}
	if !legs["long leg"] || !legs["short leg"] {
		t.Errorf("attribution legs %v, want the pair hedge's long and short leg", legs)
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "runs", o.Runs[0].Key, "legs.csv")); err != nil {
		t.Errorf("legs.csv: %v", err)
	}
}
