package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Path.Shocked says the shock changed the path: a scenario drawn for
// every path (probability 1) whose group holds no instrument of the
// source (a BTC jump beside equities alone) changes none of its bars and
// no environment, and its paths are not shocked (montecarlo.csv's
// shocked, montecarlo_summary's shocked_paths); the same jump aimed at
// AA shocks every path.
func TestMonteCarloShockedMeansChanged(t *testing.T) {
	days := seq(30)
	closes := make([]float64, 30)
	for k := range closes {
		closes[k] = 100 + float64(k%7)
	}
	src := panelOf(series("AA", data.Equity, days, closes), series("BB", data.Equity, days, closes))
	s := mustParse(t, `name = "jump"
[[shock]]
type = "jump"
groups = ["g"]
day = 0
move = -0.5`)
	for _, c := range []struct {
		name  string
		group []string
		want  bool
	}{{"absent instrument", []string{"CC"}, false}, {"present instrument", []string{"AA"}, true}} {
		t.Run(c.name, func(t *testing.T) {
			mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 8, Length: 20, MeanBlock: 3, Seed: 1, Shock: s, ShockProb: 1, Groups: map[string][]string{"g": c.group}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 8 {
				p, err := mc.Path(i)
				if err != nil {
					t.Fatal(err)
				}
				if p.Shocked != c.want {
					t.Errorf("path %d: shocked %v, want %v", i, p.Shocked, c.want)
				}
			}
		})
	}
}
