package experiment

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// montecarlo.seed = 0 is a seed of its own: it read as "not set" and the
// bootstrap took the experiment's seed. Three experiments on the
// synthetic BTC: A (seed = 5, montecarlo.seed = 0), B (seed = 0,
// montecarlo.seed not set: the bootstrap's seed is the experiment's, 0)
// and C (seed = 5, montecarlo.seed not set: 5). A's paths are B's (the
// same bootstrap seed, 0; a buy-and-hold draws nothing from the runs'
// own seeds), not C's; A's manifest records the bootstrap seed 0.
func TestMonteCarloSeedZero(t *testing.T) {
	run := func(seed, mcSeed string) *Outcome {
		t.Helper()
		text := "name = \"mc\"\nseed = " + seed + `
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 8
days = 30
warmup_days = 0
` + mcSeed
		f, err := Parse("mc.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a, b, c := run("5", "seed = 0\n"), run("0", ""), run("5", "")
	terminal := func(o *Outcome) []float64 { return o.MonteCarlo[0].Dist.TerminalReturns }
	seedOf := func(o *Outcome) uint64 {
		b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m results.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.MonteCarlo == nil {
			t.Fatal("manifest.json: no montecarlo")
		}
		return m.MonteCarlo.Seed
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"A's paths are B's (bootstrap seed 0)", slices.Equal(terminal(a), terminal(b))},
		{"A's paths are not C's (bootstrap seed 5)", !slices.Equal(terminal(a), terminal(c))},
		{"A's manifest records the bootstrap seed 0", seedOf(a) == 0},
		{"C's manifest records the bootstrap seed 5", seedOf(c) == 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("A %v\nB %v\nC %v", terminal(a), terminal(b), terminal(c))
			}
		})
	}
}
