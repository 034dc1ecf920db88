package scenarios

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// AtUntil agrees with At on every day, and the factors do not change
// before the time it returns.
func TestAtUntilMatchesAt(t *testing.T) {
	p, err := synth.Generate(synth.DefaultConfig(3))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Lookup("ai-bubble-burst")
	if err != nil {
		t.Fatal(err)
	}
	start := p.Series[0].Time[100]
	_, env, err := s.Apply(p, nil, ApplyOptions{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if !env.Shocked() {
		t.Fatal("ai-bubble-burst sets spread and funding windows")
	}
	same := func(a, b Factors) bool {
		eq := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
		return eq(a.SlippageMult, b.SlippageMult) && eq(a.SpreadMult, b.SpreadMult) && eq(a.FundingSet, b.FundingSet) &&
			eq(a.FundingMult, b.FundingMult) && eq(a.BorrowSet, b.BorrowSet) && eq(a.BorrowMult, b.BorrowMult)
	}
	changes := 0
	for i := range p.Series {
		for k := 0; k < 400; k++ {
			ts := p.Series[0].Time[0] + int64(k)*data.NanosPerDay
			f, until := env.AtUntil(i, ts)
			if !same(f, env.At(i, ts)) {
				t.Fatalf("instrument %d day %d: AtUntil and At differ", i, k)
			}
			if until <= ts {
				t.Fatalf("until %d not after t %d", until, ts)
			}
			for u := ts + data.NanosPerDay; u < until && u < ts+400*data.NanosPerDay; u += data.NanosPerDay {
				if !same(env.At(i, u), f) {
					t.Fatalf("instrument %d: factors change at %d, before until %d", i, u, until)
				}
			}
			if until != math.MaxInt64 {
				changes++
			}
		}
	}
	if changes == 0 {
		t.Fatal("no window boundaries seen")
	}
	var nilEnv *Env
	if nilEnv.Shocked() {
		t.Error("a nil Env is not shocked")
	}
}
