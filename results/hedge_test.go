package results

import (
	"math"
	"testing"
)

// ScenarioHedgeEffectiveness by hand, each run's scenario change relative
// to its own baseline (threshold: the long leg losing 1%): long leg −5 %,
// hedged −1 % → 1 − 0.01/0.05 = 0.8; long leg −1 % exactly, hedged
// +0.2 % (the hedge turned the loss into a gain) → 1 − 0.002/−0.01 =
// 1.2; a loss of 0.5 % or a gain of 2 % → NaN. ScenarioChange: a baseline
// of 2,000,000 ending at 1,900,000 under the scenario is −5 %; a ruined
// baseline (0 or below) has no change.
func TestScenarioHedgeEffectiveness(t *testing.T) {
	for _, c := range []struct{ hedged, leg, want float64 }{
		{-0.01, -0.05, 0.8},
		{0.002, -0.01, 1.2},
		{-0.001, -0.005, math.NaN()},
		{-0.001, 0.02, math.NaN()},
		{-0.01, math.NaN(), math.NaN()},
	} {
		got := ScenarioHedgeEffectiveness(c.hedged, c.leg)
		if math.IsNaN(c.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ScenarioHedgeEffectiveness(%g, %g) = %g, want %g", c.hedged, c.leg, got, c.want)
		}
	}
	if got := ScenarioChange(1_900_000, 2_000_000); math.Abs(got+0.05) > 1e-15 {
		t.Errorf("ScenarioChange(1.9M, 2M) = %g, want −0.05", got)
	}
	if got := ScenarioChange(1_000, 0); !math.IsNaN(got) {
		t.Errorf("ScenarioChange of a ruined baseline = %g, want NaN", got)
	}
}
