package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A closing stop (TargetValue 0) that triggered on one side and was held
// back by the participation cap is armed again when the position turns
// to the other side: a stop of the new side has not been reached. Token
// X, a cap of 10 % of the bar's volume:
//
//	day 1  100 flat, volume 1e9     sell 100 at market
//	day 2  100 flat, volume 1e9     short 100 at 100; a closing stop at 105
//	                                (a buy stop, over the short)
//	day 3  100/106/100/104, vol 100 the path (up bar: O, L, H, C) reaches
//	                                105: the buy stop triggers, the cap lets
//	                                10 through at 105, short 90; buy 200 at market
//	day 4  110/112/108/111, vol 0   (no cap) the buy fills at the open 110:
//	                                long 110; the closing stop is now a
//	                                sell stop at 105, and the bar (low 108)
//	                                never reaches it
//	day 5  111 flat, volume 1e9
//
// The run ends long 110 with three fills (−100 at 100, +10 at 105, +200
// at 110). Before, the stop kept the trigger of its buy side and sold the
// long at day 4's open, 110, five above its stop, as a stop-loss the
// price never reached.
func TestTargetStopRearmedWhenThePositionTurns(t *testing.T) {
	rows := []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 100, 106, 100, 104, 100},
		{"2024-01-04", 110, 112, 108, 111, 0},
		{"2024-01-05", 111, 111, 111, 111, 1e9},
	}
	p := panel(series(t, "X", data.Crypto, rows))
	cfg := Config{Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			_, err = ctx.Sell(0, 100)
		case 1:
			_, err = ctx.Submit(Order{Instrument: 0, Kind: Stop, Sizing: TargetValue, Amount: 0, StopPrice: 105})
		case 2:
			_, err = ctx.Buy(0, 200)
		}
		return err
	})
	want := []struct{ qty, price float64 }{{-100, 100}, {10, 105}, {200, 110}}
	if len(res.Fills) != len(want) {
		t.Fatalf("fills %+v, want %v", res.Fills, want)
	}
	for k, w := range want {
		if f := res.Fills[k]; f.Qty != w.qty || f.Price != w.price {
			t.Errorf("fill %d: %g at %g, want %g at %g", k, f.Qty, f.Price, w.qty, w.price)
		}
	}
	if q := res.Portfolio.Qty[0]; q != 110 {
		t.Errorf("position %g, want 110", q)
	}
}
