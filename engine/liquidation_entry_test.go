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

// A resting order that adds to a position leaves the check of what it
// held before on the whole bar, every other position at its worst with
// it. Cross margin, cash 10,000, initial 0.45, maintenance 0.4; 100 A and
// 100 B bought at day 1's close of 100 (cash −10,000); day 2: A 100, 110,
// 80, 108 (up: O → L → H → C), B 100, 101, 80, 100; a buy stop of 1 A at
// 105 fills on A's way up, after its low.
//
// At the worst prices, A 80 and B 80: cash −10,105, equity −10,105 +
// 101 × 80 + 100 × 80 = 5,975 against 0.4 × 16,080 = 6,432: a margin
// call. Each liquidation price solves E₀ + q·L = R₀ + 0.4·q·L with the
// other at its worst: A, E₀ = 5,975 − 8,080 = −2,105, R₀ = 3,200:
// L = 5,305 / 60.6 = 87.5413; B, E₀ = −2,025, R₀ = 3,232: L = 5,257 / 60
// = 87.6167. (Valuing A from the add on, at 105, hid the call: the
// account stood at 10,803 at the end.) Without the add, the same check
// liquidates both at 86.6667: E₀ = −2,000, R₀ = 3,200, L = 5,200 / 60.
func TestMarginCheckAfterAnAdd(t *testing.T) {
	for _, c := range []struct {
		name   string
		add    bool
		liqs   []float64 // A's, then B's
		firstA int       // index of A's liquidation fill
	}{
		{"without the add", false, []float64{5200.0 / 60, 5200.0 / 60}, 2},
		{"with the add", true, []float64{5305 / 60.6, 5257.0 / 60}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			flat := func(d string, p float64) row { return row{d, p, p, p, p, 1e9} }
			a := series(t, "A", data.Crypto, []row{flat("2024-01-01", 100), {"2024-01-02", 100, 110, 80, 108, 1e9}, flat("2024-01-03", 108)})
			b := series(t, "B", data.Crypto, []row{flat("2024-01-01", 100), {"2024-01-02", 100, 101, 80, 100, 1e9}, flat("2024-01-03", 100)})
			cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.45, Maintenance: 0.4}}}
			orders := []Order{{Instrument: 0, Kind: MarketOnClose, Amount: 100}, {Instrument: 1, Kind: MarketOnClose, Amount: 100}}
			if c.add {
				orders = append(orders, Order{Instrument: 0, Kind: Stop, StopPrice: 105, Amount: 1})
			}
			res := one(t, panel(a, b), cfg, at(0, orders...))
			if res.MarginCalls != 1 || res.Liquidations != 2 || len(res.Fills) != c.firstA+2 {
				t.Fatalf("%d margin calls, %d liquidations, fills %+v: want 1 call and 2 liquidations", res.MarginCalls, res.Liquidations, res.Fills)
			}
			for j, want := range c.liqs {
				f := res.Fills[c.firstA+j]
				if f.Kind != Liquidation || f.Instrument != j || math.Abs(f.Price-want) > 1e-9 {
					t.Errorf("fill %+v: want instrument %d liquidated at %.4f", f, j, want)
				}
			}
		})
	}
}
