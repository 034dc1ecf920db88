package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Lots of 0.1: 42.6 bought, a third of it sold (42.6 / 3 = 14.2, 142
// lots), then what is held sold. 14.2 / 0.1 is 141.99999999999997 in
// floating point, which a plain truncation made 141 lots (14.1); and a
// sale of the whole position, lot-rounded a hair past it, left a short of
// 1e-15. By hand: fills +42.6, −14.2, −28.4, and the position ends flat
// (exactly 0).
func TestLotRoundingWithinFloatError(t *testing.T) {
	x := flatAt(t, "X", data.Crypto, 100, hourly(utc(2025, 1, 13, 0, 0), 5)...)
	x.LotSize = 0.1
	res := one(t, panel(x), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			_, err = ctx.Buy(0, 42.6)
		case 1:
			_, err = ctx.Sell(0, ctx.Position(0)/3)
		case 2:
			_, err = ctx.Sell(0, ctx.Position(0))
		}
		return err
	})
	want := []float64{42.6, -14.2, -28.4}
	if len(res.Fills) != len(want) {
		t.Fatalf("fills %+v, want %v", res.Fills, want)
	}
	for k, f := range res.Fills {
		if d := f.Qty - want[k]; d > 1e-12 || d < -1e-12 {
			t.Errorf("fill %d: %v, want %v", k, f.Qty, want[k])
		}
	}
	if q := res.Portfolio.Qty[0]; q != 0 {
		t.Errorf("position %v after selling it all, want 0", q)
	}
	if got := roundLots(14.399999999999999, 0.1); got < 14.4-1e-12 {
		t.Errorf("roundLots(14.399999999999999, 0.1) = %v, want 144 lots", got)
	}
	if got := roundLots(-0.25, 0.1); math.Abs(got+0.2) > 1e-12 {
		t.Errorf("roundLots(-0.25, 0.1) = %v, want -0.2 (toward zero)", got)
	}
}
