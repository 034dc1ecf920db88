package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A position a resting order opens partway through a bar is margin-checked
// on the part of the bar's path after its fill, not at a low or high, or
// an open, that came before it existed. Cash 10,000, initial margin 0.5,
// maintenance 0.48, a day's bar walked O → L → H → C when it closes up,
// O → H → L → C when down.
//
//   - Long: a buy stop of 180 at 105 on the bar 100, 90, 110, 108 fills
//     at 105 on the way up, after the low. Cash −8,900, equity
//     −8,900 + 180p, requirement 0.48 × 180p = 86.4p: short of it below
//     p = 8,900 / 93.6 = 95.0855. After the fill the bar goes 105 → 110
//     → 108: never there. (It was liquidated at 95.0855, on the low of
//     90 met before the entry.) The final equity, at 108 on the next
//     bar: −8,900 + 180 × 108 = 10,540.
//   - Short: a sell stop of 200 at 95 on the bar 100, 110, 90, 92 fills
//     at 95 on the way down, after the high. Cash 29,000, equity
//     29,000 − 200p, requirement 96p: short of it above 29,000 / 296 =
//     97.97. After the fill: 95 → 90 → 92. (It was liquidated at the
//     open, 100.) Final: 29,000 − 200 × 92 = 10,600.
//   - Long, then the bar falls: the same buy stop on the bar 100, 112, 80,
//     85 fills at 105 on the way up to 112; the bar then falls to 80,
//     through 95.0855, where it is liquidated: the part of the path after
//     the fill is still checked.
func TestMarginCheckFromTheEntry(t *testing.T) {
	for _, c := range []struct {
		name     string
		bar      row
		stop     float64
		amount   float64
		liqPrice float64 // 0: no liquidation
		final    float64 // the last equity, when not liquidated
	}{
		{"long after the low", row{"2024-01-02", 100, 110, 90, 108, 1e9}, 105, 180, 0, 10_540},
		{"short after the high", row{"2024-01-02", 100, 110, 90, 92, 1e9}, 95, -200, 0, 10_600},
		{"long, then the fall", row{"2024-01-02", 100, 112, 80, 85, 1e9}, 105, 180, 8900 / 93.6, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			next := c.bar.c
			a := series(t, "A", data.Crypto, []row{
				{"2024-01-01", 100.0, 100.0, 100.0, 100.0, 1e9},
				c.bar,
				{"2024-01-03", next, next, next, next, 1e9},
			})
			cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.5, Maintenance: 0.48}}}
			sent := false
			res, err := Run(panel(a), nil, script(func(ctx *Context, s *Slice) error {
				if !sent {
					sent = true
					_, err := ctx.Submit(Order{Instrument: 0, Kind: Stop, StopPrice: c.stop, Amount: c.amount})
					return err
				}
				return nil
			}), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Fills) == 0 || math.Abs(res.Fills[0].Price-c.stop) > 1e-9 || res.Fills[0].Qty != c.amount {
				t.Fatalf("fills %+v: want the stop's %g at %g first", res.Fills, c.amount, c.stop)
			}
			if c.liqPrice == 0 {
				if res.Liquidations != 0 || len(res.Fills) != 1 {
					t.Fatalf("liquidated: %+v", res.Fills)
				}
				if got := res.Curve.Equity[len(res.Curve.Equity)-1]; math.Abs(got-c.final) > 1e-6 {
					t.Errorf("final equity %.6f, want %.2f", got, c.final)
				}
				return
			}
			if res.Liquidations != 1 || len(res.Fills) != 2 || math.Abs(res.Fills[1].Price-c.liqPrice) > 1e-6 {
				t.Fatalf("fills %+v: want a liquidation at %.4f", res.Fills, c.liqPrice)
			}
		})
	}
}
