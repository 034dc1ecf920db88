package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A target order held back by the participation cap reports what it
// still wants in its fill events, not 0 (0 says the order is complete).
// TargetValue 2,500 submitted on day 1, 10 a bar (10 % of a volume of
// 100): day 2 opens at 103, the order wants 2,500 / 103 = 24.2718 and
// fills 10, leaving 14.2718; day 3 opens at 107, it wants 2,500 / 107 −
// 10 = 13.3645 and fills 10, leaving 3.3645; day 4 opens at 95, it wants
// 2,500 / 95 − 20 = 6.3158 and fills it all: 0.
func TestTargetFillReportsRemaining(t *testing.T) {
	p := panel(series(t, "TOK", data.Crypto, []row{
		{"2024-03-01", 100, 105, 95, 102, 100},
		{"2024-03-02", 103, 110, 101, 108, 100},
		{"2024-03-03", 107, 109, 98, 99, 100},
		{"2024-03-04", 95, 97, 90, 96, 100},
		{"2024-03-05", 100, 104, 99, 101, 100},
	}))
	cfg := Config{Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	var rem []float64
	res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
		for _, e := range ctx.Events() {
			if e.Kind == EventFill {
				rem = append(rem, e.Remaining)
			}
		}
		if s.Step == 0 {
			_, err := ctx.TargetValue(0, 2500, Market, "")
			return err
		}
		return nil
	})
	want := []float64{2500.0/103 - 10, 2500.0/107 - 20, 0}
	if len(res.Fills) != 3 || len(rem) != 3 {
		t.Fatalf("fills %+v, remaining %v: want 3 fills", res.Fills, rem)
	}
	for k := range want {
		if math.Abs(rem[k]-want[k]) > 1e-9 {
			t.Errorf("fill %d: remaining %.6f, want %.6f", k, rem[k], want[k])
		}
	}
}
