package strategies

// Regression tests from a review: orders for an instrument whose data
// ended are cancelled, so drift bands keep working.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// After a stop-loss flatten, the zero target for an ended instrument never
// fills: Pending() stays > 0 and the drift band is off for the rest of the run.
func TestRVFlattenGonePending(t *testing.T) {
	n := 40
	pa := path(n, func(k int) float64 {
		switch {
		case k < 12:
			return 100
		case k < 25:
			return 70
		}
		return 140
	})
	pc := path(n, func(k int) float64 { return 100 })
	p := &data.Panel{Series: []data.Series{bars("A", pa, pa), flat("B", 3, 100), bars("C", pc, pc)}}
	strat, err := Builtins().New("pair-hedge", Params{"long": []string{"A", "B"}, "short": []string{"C"},
		"drift_band": 0.05, "rebalance_days": int64(0), "stop_loss": 0.05, "cooldown_days": int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, strat, engine.Config{Cash: 10000})
	if err != nil {
		t.Fatal(err)
	}
	logF(t, res)
	rep := strat.(Reporter).Report()
	t.Logf("report %v", rep)
	if rep["drift_rebalances"] < 1 {
		t.Errorf("A doubled after re-entry but no drift rebalance fired")
	}
}

// A drift rebalance on B's very last bar leaves B's order pending forever
// (B is not yet gone when it is submitted): the drift band is off for good.
func TestRVWeightsOrderOnLastBar(t *testing.T) {
	pa := path(30, func(k int) float64 {
		switch {
		case k < 10:
			return 100
		case k < 20:
			return 150
		}
		return 300
	})
	a := bars("A", pa, pa)
	b := flat("B", 11, 100) // last bar day 10: the day A's jump triggers the drift
	st, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights",
		Params{"weights": map[string]any{"A": 0.5, "B": 0.5}, "drift_band": 0.05}, 10000)
	logF(t, res)
	rep := st.(Reporter).Report()
	t.Logf("report %v", rep)
	if rep["drift_rebalances"] != 2 {
		t.Errorf("drift_rebalances = %g, want 2 (day 10 and day 20)", rep["drift_rebalances"])
	}
}
