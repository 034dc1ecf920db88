package strategies

import (
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Drift band: {A = 0.5, B = 0.5}, cash 1000, both at 100: the first
// rebalance buys 5 of each. With B flat and A at 100x, A's weight is
// 500x/(500x + 500) = x/(1 + x), past 0.5 + 0.1 when x > 1.5. A closes
// 140 (0.583), 150 (exactly 0.6: not past), 151 (0.6016) → rebalance on
// bar 4's close, filled at bar 5's open (151, 100): equity 5 × 151 + 500 =
// 1255, 627.5 each: A 627.5/151 − 5 (sold first), B 627.5/100 − 5.
func TestWeightsDriftBand(t *testing.T) {
	a := bars("A", []float64{100, 100, 130, 145, 151, 151, 151}, []float64{100, 100, 140, 150, 151, 151, 151})
	b := flat("B", 7, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights", Params{
		"weights": map[string]any{"A": 0.5, "B": 0.5}, "drift_band": 0.1}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 2, "drift_rebalances": 1, "schedule_switches": 0})
	checkFills(t, res.Fills, []wantFill{
		{1, "A", 5, 100, "rebalance"},
		{1, "B", 5, 100, "rebalance"},
		{5, "A", 627.5/151 - 5, 151, "drift"},
		{5, "B", 627.5/100 - 5, 100, "drift"},
	})
}

// The schedule switches on its dates: decided on the first slice at or
// after each date, filled at the next open. Prices flat at 100, equity
// 1000 throughout: base {A = 0.5, B = 0.5} → 5 + 5 (bar 1); from
// 2024-01-04 (bar 3) {A = 1} → B −5, A +5 at bar 4; from 2024-01-07
// (bar 6, given as a TOML date) {B = 0.5} → A −10, B +5 at bar 7.
func TestWeightsSchedule(t *testing.T) {
	a, b := flat("A", 10, 100), flat("B", 10, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights", Params{
		"weights": map[string]any{"A": 0.5, "B": 0.5},
		"schedule": []map[string]any{
			{"date": "2024-01-04", "weights": map[string]any{"A": 1.0}},
			{"date": time.Date(2024, 1, 7, 0, 0, 0, 0, time.UTC), "weights": map[string]any{"B": 0.5}},
		}}, 1000)
	checkFills(t, res.Fills, []wantFill{
		{1, "A", 5, 100, "rebalance"},
		{1, "B", 5, 100, "rebalance"},
		{4, "B", -5, 100, "schedule 2024-01-04"},
		{4, "A", 5, 100, "schedule 2024-01-04"},
		{7, "A", -10, 100, "schedule 2024-01-07"},
		{7, "B", 5, 100, "schedule 2024-01-07"},
	})
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 3, "drift_rebalances": 0, "schedule_switches": 2})
}

// Arrays with symbols, and leverage up to max_gross: weights [1.0, 0.5]
// of 1000 at 100 → 10 A and 5 B, cash 1000 − 1500 = −500 (borrowed).
// Rebalanced every 2 days with flat prices: nothing to trade after.
func TestWeightsArrayLeverage(t *testing.T) {
	a, b := flat("A", 6, 100), flat("B", 6, 100)
	_, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights", Params{
		"symbols": []string{"A", "B"}, "weights": []float64{1.0, 0.5}, "max_gross": 1.5, "rebalance_days": 2}, 1000)
	checkFills(t, res.Fills, []wantFill{
		{1, "A", 10, 100, "rebalance"},
		{1, "B", 5, 100, "rebalance"},
	})
	if c := res.Portfolio.Cash; !near(c, -500, 1e-12) {
		t.Errorf("cash %g, want −500", c)
	}
}

// An instrument that starts later is bought when its first bar arrives
// (a miner listed after the others): A from day 0, C from day 3.
func TestWeightsLateInstrument(t *testing.T) {
	a := flat("A", 8, 100)
	c := flat("C", 8, 50)
	for _, col := range []*[]float64{&c.Open, &c.High, &c.Low, &c.Close, &c.Volume, &c.AdjClose} {
		*col = (*col)[3:]
	}
	c.Time = c.Time[3:]
	_, res := run(t, &data.Panel{Series: []data.Series{a, c}}, "weights", Params{
		"weights": map[string]any{"A": 0.5, "C": 0.5}}, 1000)
	checkFills(t, res.Fills, []wantFill{
		{1, "A", 5, 100, "rebalance"},
		{4, "C", 10, 50, "rebalance"}, // 0.5 × 1000 / 50; A is already at target
	})
}

// Changing a bar leaves every earlier fill unchanged (scaled-entry and
// weights; pair-hedge has its own).
func TestNoLookAheadScaledEntryAndWeights(t *testing.T) {
	p := &data.Panel{Series: []data.Series{walk("X", data.Crypto, 600, 7), walk("Y", data.Crypto, 600, 8), walk("Z", data.Equity, 430, 9)}}
	for name, params := range map[string]Params{
		"scaled-entry": {"symbols": []string{"X", "Y", "Z"}, "levels": []float64{0.02, 0.04, 0.06},
			"take_profit": []float64{0.03, 0.06}, "trailing_stop": 0.03},
		"weights": {"weights": map[string]any{"X": 0.3, "Y": -0.3, "Z": 0.4}, "drift_band": 0.02,
			"schedule": []map[string]any{{"date": "2000-06-01", "weights": map[string]any{"X": 0.5, "Z": 0.5}}}},
	} {
		t.Run(name, func(t *testing.T) {
			noLookAhead(t, p, 0, 250, func() engine.Strategy {
				s, err := Builtins().New(name, params)
				if err != nil {
					t.Fatal(err)
				}
				return s
			})
		})
	}
}

func TestNewParamErrorsNameTheKey(t *testing.T) {
	reg := Builtins()
	for _, tc := range []struct {
		typ    string
		params Params
		want   string
	}{
		{"scaled-entry", Params{}, "symbol: required"},
		{"scaled-entry", Params{"symbol": "X", "symbols": []string{"Y"}}, "symbols: give symbol or symbols, not both"},
		{"scaled-entry", Params{"symbol": "X", "mode": "martingale"}, `mode = "martingale"`},
		{"scaled-entry", Params{"symbol": "X", "levels": []float64{0.1, 0.05}}, "levels[1] = 0.05: levels must increase"},
		{"scaled-entry", Params{"symbol": "X", "levels": []float64{1.2}}, "levels[0] = 1.2"},
		{"scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": 0}, "tranches = 0"},
		{"scaled-entry", Params{"symbol": "X", "mode": "schedule", "every_days": 0}, "every_days = 0"},
		{"scaled-entry", Params{"symbol": "X", "mode": "pyramid", "step": -0.1}, "step = -0.1"},
		{"scaled-entry", Params{"symbol": "X", "capital": 0.0}, "capital = 0"},
		{"scaled-entry", Params{"symbol": "X", "tranche": 1.5}, "tranche = 1.5"},
		{"scaled-entry", Params{"symbol": "X", "tranche": 0.0}, "tranche = 0: want a fraction of the capital in [1e-06, 1]"},
		{"scaled-entry", Params{"symbol": "X", "tranche": int64(0)}, "tranche = 0: want a fraction of the capital in [1e-06, 1]"},
		{"scaled-entry", Params{"symbol": "X", "take_profit": []float64{0.2, 0.1}}, "take_profit[1] = 0.1"},
		{"scaled-entry", Params{"symbol": "X", "exit_fraction": 2.0}, "exit_fraction = 2"},
		{"scaled-entry", Params{"symbol": "X", "trailing_stop": 1.0}, "trailing_stop = 1"},
		{"scaled-entry", Params{"symbol": "X", "max_position": 0.0}, "max_position = 0"},
		{"scaled-entry", Params{"symbol": "X", "cooldown_days": -1}, "cooldown_days = -1"},
		{"scaled-entry", Params{"symbol": "X", "level": []float64{0.1}}, "unknown key level"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "hedge": "delta"}, `hedge = "delta"`},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "hedge": "beta", "lookback": 2}, "lookback = 2"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "gross": 2.0, "max_gross": 1.5}, "max_gross = 1.5"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "stop_loss": 1.0}, "stop_loss = 1"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "drift_band": -0.1}, "drift_band = -0.1"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "cooldown_days": -2}, "cooldown_days = -2"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "max_ratio": 0.5}, "max_ratio = 0.5"},
		{"pair-hedge", Params{"long": []string{"A", "A"}, "short": []string{"B"}}, `long: "A" appears twice`},
		{"buy-and-hold", Params{"symbols": []string{"A", "A"}, "weights": []float64{0.9, 0.1}}, `symbols: "A" appears twice`},
		{"buy-and-hold", Params{"symbols": []string{"A", ""}}, `symbols[1]: empty symbol`},
		{"weights", Params{}, "weights: required"},
		{"weights", Params{"weights": map[string]any{"A": 0.7, "B": 0.7}}, "weights: absolute weights sum to 1.4, more than max_gross = 1"},
		{"weights", Params{"weights": map[string]any{"A": "x"}}, `weights.A = "x": want a number`},
		// A weight written as a percentage: the fraction to write (60% =
		// 60/100 = 0.6); of two bad weights, the first by name, BTC before
		// NVDA, on every run (it was whichever the map gave first).
		{"weights", Params{"weights": map[string]any{"NVDA": "60%", "BTC": "40%"}}, `weights.BTC = "40%": want a number (a percentage is written as a fraction, unquoted: 0.4 for "40%")`},
		{"weights", Params{"symbols": []string{"A"}, "weights": []any{"60%"}}, `weights[0] = "60%": want a number (a percentage is written as a fraction, unquoted: 0.6 for "60%")`},
		{"weights", Params{"schedule": []map[string]any{{"date": "2024-01-01", "weights": map[string]any{"A": "0.5"}}}}, `schedule[0].weights.A = "0.5": want a number (write it unquoted: 0.5, not "0.5")`},
		{"weights", Params{"symbols": []string{"A", "B"}, "weights": []float64{0.5}}, "weights: 1 weights for 2 symbols"},
		{"weights", Params{"weights": 0.5}, "weights: want a table"},
		{"weights", Params{"symbols": []string{"A"}, "schedule": []map[string]any{{"date": "2024-01-01", "weights": map[string]any{"B": 0.5}}}}, `schedule[0].weights.B: "B" is not in symbols`},
		{"weights", Params{"schedule": []map[string]any{{"date": "2024-02-01", "weights": map[string]any{"A": 0.5}}, {"date": "2024-01-01", "weights": map[string]any{"A": 1.0}}}}, "schedule[1].date = 2024-01-01: dates must increase"},
		{"weights", Params{"schedule": []map[string]any{{"weights": map[string]any{"A": 0.5}}}}, "schedule[0].date: required"},
		{"weights", Params{"schedule": []map[string]any{{"date": "Jan 1", "weights": map[string]any{"A": 0.5}}}}, `schedule[0].date = "Jan 1": want a date YYYY-MM-DD`},
		{"weights", Params{"schedule": []map[string]any{{"date": "2024-01-01", "weights": map[string]any{"A": 2.0}}}}, "schedule[0].weights.A = 2"},
		{"weights", Params{"schedule": []map[string]any{{"date": "2024-01-01", "wieghts": map[string]any{"A": 0.5}}}}, "unknown key schedule[0].wieghts (did you mean weights? known: date, weights)"},
		{"weights", Params{"weights": map[string]any{"A": 1.0}, "max_gross": 11.0}, "max_gross = 11"},
		{"weights", Params{"weights": map[string]any{"A": 1.0}, "rebalance_days": -1}, "rebalance_days = -1"},
	} {
		_, err := reg.New(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want it to mention %q", tc.typ, tc.params, err, tc.want)
		}
	}
}

// Schedule dates written as TOML dates (local date and offset datetime),
// as an experiment file would give them, land on their UTC days.
func TestWeightsTOMLDates(t *testing.T) {
	var f struct{ Params Params }
	_, err := toml.Decode(`[params]
schedule = [{ date = 2024-01-07, weights = { A = 0.5 } }, { date = 2024-02-07T00:00:00Z, weights = { A = 1.0 } }]
`, &f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewWeights(f.Params)
	if err != nil {
		t.Fatal(err)
	}
	w := s.(*Weights)
	if got := w.p.Schedule; int64(got[0].Date) != data.Day(2024, 1, 7) || int64(got[1].Date) != data.Day(2024, 2, 7) {
		t.Errorf("dates %s, %s", data.FormatDay(int64(got[0].Date)), data.FormatDay(int64(got[1].Date)))
	}
}

// Of several weights naming a symbol not in symbols, the error names
// the first by name, on every run (it was whichever the map gave first).
func TestWeightsUnknownSymbolFirstByName(t *testing.T) {
	bad := map[string]float64{"A": 0.1, "XA": 0.1, "XB": 0.1, "XC": 0.1, "XD": 0.1}
	for _, tc := range []struct {
		name   string
		params Params
		want   string
	}{
		{"weights", Params{"symbols": []string{"A"}, "weights": map[string]any{"A": 0.1, "XA": 0.1, "XB": 0.1, "XC": 0.1, "XD": 0.1}}, `weights.XA: "XA" is not in symbols`},
		{"schedule", Params{"symbols": []string{"A"}, "schedule": []map[string]any{{"date": "2024-01-01", "weights": bad}}}, `schedule[0].weights.XA: "XA" is not in symbols`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 {
				_, err := NewWeights(tc.params)
				if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
					t.Fatalf("error %v, want it to end in %q", err, tc.want)
				}
			}
		})
	}
}
