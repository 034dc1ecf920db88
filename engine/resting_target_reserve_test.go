package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A resting target order sized when it fills sets aside its costs as a
// market target does (sizeTargets): the commission and the slippage
// between its reference price and the price it executes at. A buy stop
// at 105 for all the equity (weight 1, cash 1,000,000), reached on the
// bar's way up, executes at 105 + 10 bps × 105 = 105.105. With the
// slippage set aside, d × 105.105 × (1 + fee) = 1,000,000: cash 0. It was
// sized at 105 (d = 1e6 / (105 × (1 + fee))), and the fill took cash to
// −1,000 (no fee): an all-in target below zero.
func TestRestingTargetReservesSlippage(t *testing.T) {
	for _, tc := range []struct {
		name string
		bps  BasisPoints // commission
		want float64     // the quantity
	}{
		// 1,000,000 / 105.105 = 9,514.2952276…
		{"slippage", 0, 1e6 / 105.105},
		// 1,000,000 / (105.105 × 1.002): commission 20 bps of the
		// executed notional, 1e6 × 0.002 / 1.002 = 1,996.0079…
		{"slippage and commission", 20, 1e6 / (105.105 * 1.002)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := panel(series(t, "X", data.Equity, []row{{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 110, 99, 108, 1e9}}))
			cfg := Config{Equity: Terms{Slippage: Slippage{Bps: 10}, Commission: Commission{Bps: tc.bps}}}
			res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: Stop, Sizing: TargetWeight, Amount: 1, StopPrice: 105}))
			if len(res.Fills) != 1 {
				t.Fatalf("fills %+v: want the stop", res.Fills)
			}
			f := res.Fills[0]
			if math.Abs(f.Price-105.105) > 1e-9 || math.Abs(f.Qty-tc.want) > 1e-9*tc.want {
				t.Errorf("fill %g at %.10g, want %.10g at 105.105", f.Qty, f.Price, tc.want)
			}
			if c := res.Portfolio.Cash; math.Abs(c) > 1e-6 {
				t.Errorf("cash %.6f after an all-in target, want 0", c)
			}
		})
	}
}
