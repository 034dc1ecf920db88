package main

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// The command's stress table: a total probability that binary floats
// spell 1.2999999999999998 prints as 1.3, with the note that such
// probabilities are not exclusive; a PnL of −0.3 prints as 0, not -0.
func TestPrintStress(t *testing.T) {
	p1, p2 := 0.7, 0.6 // added at run time: 1.2999999999999998 (a constant 0.7 + 0.6 would be exact)
	if p1+p2 == 1.3 {
		t.Fatal("0.7 + 0.6 is 1.3 in float64 here: the case is not tested")
	}
	st := &experiment.Stress{
		Rows:     []experiment.StressRow{{Run: "a", Scenario: "s1", Probability: 0.7, PnLVsBaseline: -0.3, HedgeEffectiveness: math.NaN()}},
		Expected: []experiment.ExpectedLoss{{Run: "a", ExpectedPnL: -0.21, ProbabilityTotal: p1 + p2, Scenarios: 2, WorstScenario: "s1", WorstPnL: -0.3}},
	}
	var b strings.Builder
	printStress(&b, st)
	out := b.String()
	for _, want := range []string{
		"a: probability-weighted scenario PnL 0 over 2 scenario(s) with total probability 1.3; worst: s1 (0)",
		"note: the scenarios' probabilities add up to more than 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "-0") {
		t.Errorf("a negative zero printed:\n%s", out)
	}
	st.Expected[0].ProbabilityTotal = 0.24
	b.Reset()
	printStress(&b, st)
	if strings.Contains(b.String(), "more than 1") {
		t.Errorf("noted a total of 0.24:\n%s", b.String())
	}
}
