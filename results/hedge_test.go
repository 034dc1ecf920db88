package results

import (
	"math"
	"testing"
)

// ScenarioHedgeEffectiveness by hand, cash 1,000,000 (threshold: a
// long-leg loss of 10,000): long leg −50,000, hedged −10,000 → 1 − 10,000/50,000 = 0.8;
// long leg −10,000 exactly, hedged +2,000 (the hedge turned the loss into
// a gain) → 1 − 2,000/−10,000 = 1.2; a loss of 5,000 (0.5%) or a gain of
// 20,000 → NaN; no cash → NaN.
func TestScenarioHedgeEffectiveness(t *testing.T) {
	for _, c := range []struct{ hedged, leg, cash, want float64 }{
		{-10_000, -50_000, 1e6, 0.8},
		{2_000, -10_000, 1e6, 1.2},
		{-1_000, -5_000, 1e6, math.NaN()},
		{-1_000, 20_000, 1e6, math.NaN()},
		{-10_000, -50_000, 0, math.NaN()},
		{-10_000, math.NaN(), 1e6, math.NaN()},
	} {
		got := ScenarioHedgeEffectiveness(c.hedged, c.leg, c.cash)
		if math.IsNaN(c.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ScenarioHedgeEffectiveness(%g, %g, %g) = %g, want %g", c.hedged, c.leg, c.cash, got, c.want)
		}
	}
}
