package strategies

import (
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Changing every bar of X from bar 250 on leaves every earlier fill
// unchanged in the modes TestPairHedgeNoLookAhead and
// TestNoLookAheadScaledEntryAndWeights leave out: sma-cross,
// buy-and-hold's calendar and bar rebalances, scaled-entry's schedule and
// pyramid modes, weights on sync points, each with next-open and close
// fills (a close fill decided at bar 249 fills at 249's close, before the
// cut). X and Y are tokens, Z an equity: the calendars are mixed.
func TestNoLookAheadOtherModes(t *testing.T) {
	p := &data.Panel{Series: []data.Series{walk("X", data.Crypto, 600, 7), walk("Y", data.Crypto, 600, 8), walk("Z", data.Equity, 430, 9)}}
	for _, fill := range []string{"next-open", "close"} {
		for name, tc := range map[string]struct {
			typ    string
			params Params
		}{
			"sma-cross":                 {"sma-cross", Params{"symbol": "X", "fast": 5, "slow": 20}},
			"buy-and-hold/days":         {"buy-and-hold", Params{"symbols": []string{"X", "Z"}, "weights": []float64{0.6, -0.3}, "rebalance_days": 9}},
			"buy-and-hold/bars":         {"buy-and-hold", Params{"symbols": []string{"X", "Y", "Z"}, "rebalance_bars": 4}},
			"scaled-entry/schedule":     {"scaled-entry", Params{"symbols": []string{"X", "Z"}, "mode": "schedule", "tranches": 4, "every_days": 5, "take_profit": []float64{0.03, 0.06}, "trailing_stop": 0.03}},
			"scaled-entry/pyramid":      {"scaled-entry", Params{"symbol": "X", "mode": "pyramid", "step": 0.01, "take_profit": []float64{}, "trailing_stop": 0.04, "cooldown_days": 2}},
			"scaled-entry/drawdown-cap": {"scaled-entry", Params{"symbol": "X", "levels": []float64{0.02, 0.04}, "peak_lookback": 15, "max_position": 0.6, "take_profit": []float64{0.04}}},
			"weights/bars":              {"weights", Params{"weights": map[string]any{"X": 0.4, "Y": -0.2, "Z": 0.4}, "rebalance_bars": 3}},
		} {
			params := Params{"fill": fill}
			for k, v := range tc.params {
				params[k] = v
			}
			t.Run(name+"/"+fill, func(t *testing.T) {
				noLookAhead(t, p, 0, 250, func() engine.Strategy {
					s, err := Builtins().New(tc.typ, params)
					if err != nil {
						t.Fatal(err)
					}
					return s
				})
			})
		}
	}
}
