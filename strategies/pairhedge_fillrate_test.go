package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// pair-hedge bounds its fills from its parameters (FillBounder): an order
// an instrument of its legs at each decision, decisions at most one a
// rebalancing period (two in the estimated modes), at any step with a
// drift band, a gross cap or a stop-loss.
func TestPairHedgeFillRate(t *testing.T) {
	legs := Params{"long": []string{"A", "B"}, "short": []string{"C"}}
	with := func(kv ...any) Params {
		p := Params{}
		for k, v := range legs {
			p[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			p[kv[i].(string)] = kv[i+1]
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		params Params
		want   FillRate
	}{
		{"default calendar", with(), FillRate{Orders: 3, Decisions: 1, Days: 7}},
		{"every 2 sync points", with("rebalance_bars", int64(2)), FillRate{Orders: 3, Decisions: 1, Bars: 2}},
		{"beta: an exit and an entry a period", with("rebalance_days", int64(5), "hedge", "beta"), FillRate{Orders: 3, Decisions: 2, Days: 5}},
		{"long leg alone", with("legs", "long"), FillRate{Orders: 2, Decisions: 1, Days: 7}},
		{"drift band: any step", with("drift_band", 0.05), FillRate{Orders: 3}},
		{"stop-loss: any step", with("stop_loss", 0.2), FillRate{Orders: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Builtins().New("pair-hedge", tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.(FillBounder).FillRate(); got != tc.want {
				t.Errorf("FillRate %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFillRateFills(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rate        FillRate
		steps, days int64
		want        int64
	}{
		// 20 instruments rebalanced every day over 3,651 steps of 3,652
		// days: min(3,651 steps, 3,652 / 1 + 1) = 3,651 decisions × 20.
		{"daily", FillRate{Orders: 20, Decisions: 1, Days: 1}, 3651, 3652, 73_020},
		// Every 7 days: 3,652 / 7 = 521 (rounded down) + 1 = 522 × 20.
		{"weekly", FillRate{Orders: 20, Decisions: 1, Days: 7}, 3651, 3652, 10_440},
		// Two a period of 5 steps: 2 × (100 / 5 + 1) = 42 × 3.
		{"bars", FillRate{Orders: 3, Decisions: 2, Bars: 5}, 100, 100, 126},
		// No period: every step, 100 × 3.
		{"any step", FillRate{Orders: 3}, 100, 100, 300},
		{"no bound", FillRate{}, 100, 100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rate.Fills(tc.steps, tc.days); got != tc.want {
				t.Errorf("Fills(%d, %d) = %d, want %d", tc.steps, tc.days, got, tc.want)
			}
		})
	}
}

// The bound holds on a run that trades at every decision: two
// instruments moving every day, rebalanced every day and every 3 days.
func TestPairHedgeFillsWithinBound(t *testing.T) {
	const n = 30
	opens, closes := make([]float64, n), make([]float64, n)
	for k := range opens {
		opens[k] = 100 + float64(k%5)
		closes[k] = 100 + float64((k+2)%5)
	}
	p := &data.Panel{Series: []data.Series{bars("L", opens, closes), bars("S", closes, opens)}}
	for _, days := range []int64{1, 3} {
		params := Params{"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": days}
		s, res := run(t, p, "pair-hedge", params, 1000)
		bound := s.(FillBounder).FillRate().Fills(n, n)
		if len(res.Fills) == 0 || int64(len(res.Fills)) > bound {
			t.Errorf("rebalance_days %d: %d fills, want 1 to %d", days, len(res.Fills), bound)
		}
	}
}
