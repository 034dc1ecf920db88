package strategies

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// smaFills runs sma-cross on closes (opens equal to them) and returns its
// fills as (bar index, buy) pairs.
func smaFills(t *testing.T, closes []float64, fast, slow int) (days []int, buys []bool) {
	t.Helper()
	p := &data.Panel{Series: []data.Series{bars("X", closes, closes)}}
	_, res := run(t, p, "sma-cross", Params{"symbol": "X", "fast": fast, "slow": slow}, 1e5)
	for _, f := range res.Fills {
		days = append(days, int((f.Time-day0)/data.NanosPerDay))
		buys = append(buys, f.Qty > 0)
	}
	return days, buys
}

// A tie (the fast average equal to the slow one) is no cross: sma-cross is
// long only while the fast average is above. Its running sums drifted:
// fast 1 / slow 2 read two equal closes as a cross up, and bought (as it
// did twice on 8,736 real 15-minute BTC bars).
func TestSMACrossTieIsNoCross(t *testing.T) {
	for _, tc := range []struct {
		name   string
		closes []float64
		days   []int  // fill bars (the bar after the decision)
		buys   []bool // sides
	}{{
		// Never up: 12.7 = 12.7 (tie), then each close below or equal
		// to the one before: 3.3 < 12.7, 0.7 < 3.3, 0.2 < 0.7, 0.2 = 0.2
		// (tie), 0.2 = 0.2 (tie). No fill. (Plain running sums: the slow
		// one after bar 5 held 0.40000000000000036, not 0.4.)
		name:   "tie while flat",
		closes: []float64{12.7, 12.7, 3.3, 0.7, 0.2, 0.2, 0.2},
	}, {
		// Bar 1: 0.6 > (0.1 + 0.6) / 2 = 0.35: up, buy at bar 2's open.
		// Bar 2: 0.6 = (0.6 + 0.6) / 2: a tie, flat: sell at bar 3's open.
		name:   "tie while long",
		closes: []float64{0.1, 0.6, 0.6, 0.6},
		days:   []int{2, 3},
		buys:   []bool{true, false},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			days, buys := smaFills(t, tc.closes, 1, 2)
			if len(days) != len(tc.days) {
				t.Fatalf("fills on bars %v (buy %v), want %v (buy %v)", days, buys, tc.days, tc.buys)
			}
			for j := range days {
				if days[j] != tc.days[j] || buys[j] != tc.buys[j] {
					t.Fatalf("fills on bars %v (buy %v), want %v (buy %v)", days, buys, tc.days, tc.buys)
				}
			}
		})
	}
}

// sma-cross against an integer-exact recomputation: closes on a tick grid,
// many of them repeated, so that the averages tie often: 20,000 bars near
// 100,000.0 on a 0.1 tick (BTC's), then a crash to 0.01 and 20,000 bars
// there on a 0.000001 tick (a token's). In whole micro-units k (close =
// k / 1e6), the fast average is above the slow one exactly when slow ×
// Σfast k > fast × Σslow k, in int64 arithmetic with no rounding at all.
// The strategy must change side on exactly those bars (filled at the next
// open). The crash is there for the sums' drift: plain running sums kept
// the rounding of the 100,000s (some 1e-9) after the crash, where the
// averages are 0.01 and their difference a few 1e-8.
func TestSMACrossMatchesIntegerExact(t *testing.T) {
	const half = 20_000
	rng := rand.New(rand.NewPCG(7, 7))
	var ticks []int64
	for _, seg := range []struct{ start, step int64 }{{100_000_000_000, 100_000}, {10_000, 1}} {
		k := seg.start
		for range half {
			switch rng.IntN(4) {
			case 0:
				k -= seg.step
			case 1:
				k += seg.step
			} // else unchanged: a repeated close
			ticks = append(ticks, k)
		}
	}
	n := len(ticks)
	closes := make([]float64, n)
	for j, k := range ticks {
		closes[j] = float64(k) / 1e6
	}
	for _, w := range []struct{ fast, slow int }{{1, 2}, {2, 4}, {3, 7}, {20, 50}} {
		t.Run(fmt.Sprintf("fast %d slow %d", w.fast, w.slow), func(t *testing.T) {
			var wantDays []int
			var wantBuys []bool
			long := false
			for j := w.slow - 1; j < n; j++ {
				var sf, ss int64
				for m := j - w.slow + 1; m <= j; m++ {
					ss += ticks[m]
					if m > j-w.fast {
						sf += ticks[m]
					}
				}
				up := int64(w.slow)*sf > int64(w.fast)*ss
				if up != long && j+1 < n {
					wantDays, wantBuys = append(wantDays, j+1), append(wantBuys, up)
				}
				long = up
			}
			days, buys := smaFills(t, closes, w.fast, w.slow)
			for j := 0; j < len(days) || j < len(wantDays); j++ {
				if j >= len(days) || j >= len(wantDays) || days[j] != wantDays[j] || buys[j] != wantBuys[j] {
					t.Fatalf("fast %d slow %d: fill %d differs: %d fills, exact %d (first difference at index %d)",
						w.fast, w.slow, j, len(days), len(wantDays), j)
				}
			}
			if len(wantDays) < 200 {
				t.Fatalf("only %d exact crosses: not a meaningful test", len(wantDays))
			}
		})
	}
}
