package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// buy-and-hold and weights bound their fills from their parameters
// (FillBounder): an order per symbol of the basket at each decision.
func TestBasketFillRate(t *testing.T) {
	two := []string{"A", "B"}
	sched := []map[string]any{
		{"date": "2024-01-10", "weights": map[string]any{"A": 0.3, "B": 0.7}},
		{"date": "2024-01-20", "weights": map[string]any{"A": 0.6}},
	}
	for _, tc := range []struct {
		name, typ string
		params    Params
		want      FillRate
	}{
		// Bought once: one decision.
		{"buy-and-hold", "buy-and-hold", Params{"symbols": two}, FillRate{Orders: 2, Extra: 1}},
		{"buy-and-hold every 5 days", "buy-and-hold", Params{"symbols": two, "rebalance_days": int64(5)}, FillRate{Orders: 2, Decisions: 1, Days: 5}},
		{"buy-and-hold every 3 sync points", "buy-and-hold", Params{"symbols": two, "rebalance_bars": int64(3)}, FillRate{Orders: 2, Decisions: 1, Bars: 3}},
		// The first step, 2 schedule dates, 2 first prices: 5.
		{"weights on a schedule", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "schedule": sched}, FillRate{Orders: 2, Extra: 5}},
		// A period's decision (the first is one), 2 schedule dates and
		// 2 first prices besides.
		{"weights every 7 days", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "schedule": sched, "rebalance_days": int64(7)}, FillRate{Orders: 2, Decisions: 1, Days: 7, Extra: 4}},
		{"weights on a drift band: any step", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "drift_band": 0.05}, FillRate{Orders: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Builtins().New(tc.typ, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			b, ok := s.(FillBounder)
			if !ok {
				t.Fatalf("%s does not bound its fills", tc.typ)
			}
			if got := b.FillRate(); got != tc.want {
				t.Errorf("FillRate %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFillRateFillsExtra(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rate        FillRate
		steps, days int64
		want        int64
		anyStep     bool
	}{
		// Every 7 days over 100 days: 100 / 7 = 14 (rounded down) + 1 =
		// 15 decisions, 4 more: 19 × 2 orders.
		{"days and extra", FillRate{Orders: 2, Decisions: 1, Days: 7, Extra: 4}, 100, 100, 38, false},
		// Every 10 steps: 100 / 10 + 1 = 11, 3 more: 14 × 5.
		{"bars and extra", FillRate{Orders: 5, Decisions: 1, Bars: 10, Extra: 3}, 100, 100, 70, false},
		// No period: the 3 decisions alone, × 4 orders.
		{"extra alone", FillRate{Orders: 4, Extra: 3}, 100, 100, 12, false},
		// More decisions than steps: one a step, 2 steps × 4.
		{"extra past the steps", FillRate{Orders: 4, Extra: 3}, 2, 2, 8, false},
		// Neither a period nor a count: any step, 100 × 2.
		{"any step", FillRate{Orders: 2}, 100, 100, 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rate.Fills(tc.steps, tc.days); got != tc.want {
				t.Errorf("Fills(%d, %d) = %d, want %d", tc.steps, tc.days, got, tc.want)
			}
			if got := tc.rate.AnyStep(); got != tc.anyStep {
				t.Errorf("AnyStep() = %v, want %v", got, tc.anyStep)
			}
		})
	}
}

// The bounds hold on runs of two instruments moving every day, the
// baskets rebalanced every day and every 3 days, or switched by a
// schedule with no rebalancing, and each run trades.
func TestBasketFillsWithinBound(t *testing.T) {
	const n = 30
	opens, closes := make([]float64, n), make([]float64, n)
	for k := range opens {
		opens[k] = 100 + float64(k%5)
		closes[k] = 100 + float64((k+2)%5)
	}
	p := &data.Panel{Series: []data.Series{bars("A", opens, closes), bars("B", closes, opens)}}
	two := []string{"A", "B"}
	sched := []map[string]any{
		{"date": "2024-01-10", "weights": map[string]any{"A": 0.3, "B": 0.7}},
		{"date": "2024-01-20", "weights": map[string]any{"A": 0.6}},
	}
	for _, tc := range []struct {
		name, typ string
		params    Params
	}{
		{"buy-and-hold", "buy-and-hold", Params{"symbols": two}},
		{"buy-and-hold daily", "buy-and-hold", Params{"symbols": two, "rebalance_days": int64(1)}},
		{"buy-and-hold every 3 days", "buy-and-hold", Params{"symbols": two, "rebalance_days": int64(3)}},
		{"weights on a schedule", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "schedule": sched}},
		{"weights daily", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "rebalance_days": int64(1)}},
		{"weights every 3 sync points", "weights", Params{"symbols": two, "weights": []float64{0.5, 0.5}, "schedule": sched, "rebalance_bars": int64(3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, res := run(t, p, tc.typ, tc.params, 1000)
			bound := s.(FillBounder).FillRate().Fills(n, n)
			if len(res.Fills) == 0 || int64(len(res.Fills)) > bound {
				t.Errorf("%d fills, want 1 to %d", len(res.Fills), bound)
			}
		})
	}
}
