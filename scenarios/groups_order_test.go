package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data/synth"
)

// A scenario's own [groups] win over the built-in groups, and the
// caller's groups win over both.
func TestGroupLayers(t *testing.T) {
	p, err := synth.Generate(synth.DefaultConfig(1))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("layers", `
name = "layers"
[groups]
ai_tech = ["MSFT"]
[[shock]]
type = "jump"
groups = ["ai_tech"]
day = 10
move = -0.5
`)
	if err != nil {
		t.Fatal(err)
	}
	moved := func(groups map[string][]string) map[string]bool {
		v, _, err := s.Apply(p, groups, ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for i := range p.Series {
			a, b := p.Series[i].Close, v.Series[i].Close
			if a[len(a)-1] != b[len(b)-1] {
				out[p.Series[i].Symbol] = true
			}
		}
		return out
	}
	// The scenario's ai_tech (MSFT only) beats the built-in one.
	if m := moved(nil); !m["MSFT"] || m["NVDA"] || len(m) != 1 {
		t.Errorf("scenario groups: moved %v, want MSFT only", m)
	}
	// The experiment's ai_tech (NVDA, META) beats the scenario's.
	if m := moved(map[string][]string{"ai_tech": {"NVDA", "META"}}); !m["NVDA"] || !m["META"] || m["MSFT"] || len(m) != 2 {
		t.Errorf("experiment groups: moved %v, want NVDA and META", m)
	}
}
