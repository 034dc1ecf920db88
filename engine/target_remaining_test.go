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

// A quantity order whose rest is refused is complete: its fill reports
// Remaining 0. Long 10, then a sale of 30 with no borrow: 10 close the
// long, the 20 that would open a short are refused, and the order is done
// (it reported −20 still to fill). A quantity order the cap holds back
// still reports its rest: 30 bought at 10 a bar leaves 20, then 10, then 0.
func TestQuantityFillRemainingWhenRefusedOrCapped(t *testing.T) {
	p := abc(t)
	cfg := Config{Cash: 10000}
	cfg.Equity.Borrow.Unavailable = true
	var rem []float64
	one(t, p, cfg, func(ctx *Context, s *Slice) error {
		for _, e := range ctx.Events() {
			if e.Kind == EventFill {
				rem = append(rem, e.Remaining)
			}
		}
		if s.Step == 0 {
			if _, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 10}); err != nil {
				return err
			}
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: -30})
			return err
		}
		return nil
	})
	if len(rem) != 2 || rem[0] != 0 || rem[1] != 0 {
		t.Errorf("remaining %v, want [0 0]: the sale's refused 20 are not pending", rem)
	}

	q := panel(series(t, "TOK", data.Crypto, []row{
		{"2024-03-01", 100, 105, 95, 102, 100},
		{"2024-03-02", 103, 110, 101, 108, 100},
		{"2024-03-03", 107, 109, 98, 99, 100},
		{"2024-03-04", 95, 97, 90, 96, 100},
		{"2024-03-05", 100, 104, 99, 101, 100},
	}))
	rem = nil
	one(t, q, Config{Cash: 1e6, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}, func(ctx *Context, s *Slice) error {
		for _, e := range ctx.Events() {
			if e.Kind == EventFill {
				rem = append(rem, e.Remaining)
			}
		}
		if s.Step == 0 {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 30})
			return err
		}
		return nil
	})
	if len(rem) != 3 || rem[0] != 20 || rem[1] != 10 || rem[2] != 0 {
		t.Errorf("capped: remaining %v, want [20 10 0]", rem)
	}
}
