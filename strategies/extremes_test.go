package strategies

// Parameters at their extremes: each one works as documented or is
// refused naming the strategy, the key and the value; never a panic, an
// allocation the data cannot fill, or a run that quietly does nothing.

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// extremesPanel is two daily instruments over 30 days, X falling 1 a day
// from 100 and Y rising 1 a day from 100.
func extremesPanel() *data.Panel {
	xs, ys := make([]float64, 30), make([]float64, 30)
	for k := range xs {
		xs[k], ys[k] = 100-float64(k), 100+float64(k)
	}
	return &data.Panel{Series: []data.Series{bars("X", xs, xs), bars("Y", ys, ys)}}
}

// Huge counts were built or run as given: scaled-entry's tranches = 2^63 − 1
// panicked in the constructor (makeslice for its fill tags; 1e12 ran the
// machine out of memory), pair-hedge's lookback = 2^63 − 1 panicked at
// Init (its return windows, made at full length; 1e12 asked for 16 TB),
// sma-cross's slow = 2^63 − 1 panicked at its second bar (slow + 1 wrapped
// to −2^63, its history came back empty and was indexed at −1). Each is
// now refused naming the strategy, the key and the value.
func TestHugeCountsRefused(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		params    Params
		key       string
	}{
		{"scaled-entry tranches 2^63-1", "scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": int64(math.MaxInt64)}, "tranches = 9223372036854775807"},
		{"scaled-entry tranches 1e12", "scaled-entry", Params{"symbol": "X", "mode": "pyramid", "tranches": int64(1e12)}, "tranches = 1000000000000"},
		{"pair-hedge lookback 2^63-1", "pair-hedge", Params{"long": []string{"Y"}, "short": []string{"X"}, "hedge": "beta", "lookback": int64(math.MaxInt64)}, "lookback = 9223372036854775807"},
		{"pair-hedge lookback 1e12", "pair-hedge", Params{"long": []string{"Y"}, "short": []string{"X"}, "hedge": "vol", "lookback": int64(1e12)}, "lookback = 1000000000000"},
		// Each level buys a tranche: 1,000,001 levels, the default
		// tranche 1/1,000,001 < 1e-6, were refused as "tranche =
		// 9.99999e-07", a key the user never wrote.
		{"scaled-entry levels past a million", "scaled-entry", Params{"symbol": "X", "levels": manyLevels(1_000_001)}, "levels: 1000001 levels, want at most 1000000"},
		{"sma-cross slow 2^63-1", "sma-cross", Params{"symbol": "X", "slow": int64(math.MaxInt64)}, "slow = 9223372036854775807"},
		{"sma-cross fast and slow near 2^63", "sma-cross", Params{"symbol": "X", "fast": int64(math.MaxInt64 - 1), "slow": int64(math.MaxInt64)}, "= 922337203685477580"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				var s engine.Strategy
				s, err = Builtins().New(c.typ, c.params)
				if err == nil {
					_, err = engine.Run(extremesPanel(), nil, s, engine.Config{Cash: 1000})
					if err == nil {
						t.Fatalf("built and ran; want an error naming %q", c.key)
					}
				}
			}()
			if !strings.HasPrefix(err.Error(), c.typ+": ") || !strings.Contains(err.Error(), c.key) {
				t.Errorf("error %q: want it to start %q and name %q", err, c.typ+": ", c.key)
			}
		})
	}
}

// The largest counts allowed still run: a lookback of 100,000,000 returns
// on 30 bars holds no more than the 29 returns the data has (the window
// never fills, so the estimated hedge never trades: the runner's "made no
// trade" note), and sma-cross with slow = 100,000,000 waits as many bars.
func TestLargestCountsRun(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		params    Params
	}{
		{"pair-hedge lookback 1e8", "pair-hedge", Params{"long": []string{"Y"}, "short": []string{"X"}, "hedge": "beta", "lookback": int64(1e8)}},
		{"sma-cross slow 1e8", "sma-cross", Params{"symbol": "X", "fast": int64(1e8 - 1), "slow": int64(1e8)}},
		{"scaled-entry tranches 1e6", "scaled-entry", Params{"symbol": "X", "mode": "schedule", "tranches": int64(1e6), "every_days": int64(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Builtins().New(c.typ, c.params)
			if err != nil {
				t.Fatal(err)
			}
			res, err := engine.Run(extremesPanel(), nil, s, engine.Config{Cash: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if c.typ == "scaled-entry" {
				// One tranche of 1000 / 1e6 = 0.001 of cash a day from day 0,
				// filled at the next open: 29 fills over the 30 bars.
				if len(res.Fills) != 29 {
					t.Errorf("%d fills, want 29", len(res.Fills))
				}
			} else if len(res.Fills) != 0 {
				t.Errorf("%d fills, want none", len(res.Fills))
			}
		})
	}
}

// Values the constructor took and then ignored or replaced, refused now
// naming the key: exit_fraction = 0 given read as the default (1 /
// len(take_profit) = 1/3, selling a third at each level), as tranche = 0
// is refused; exit_fraction with take_profit = [] (no exit level: it
// sells nothing, and 5, outside (0, 1], passed unchecked); a tranche
// below a millionth of the capital (1e-300 bought nothing: under 1e-9 of
// the capital a tranche counts as none and the cycle as full, and the
// run made no trade).
func TestScaledEntryIgnoredValuesRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		params Params
		want   string
	}{
		{"exit_fraction 0", Params{"symbol": "X", "exit_fraction": 0.0}, "scaled-entry: exit_fraction = 0: want a fraction of the position in (0, 1], or leave it out for 1 / len(take_profit)"},
		{"exit_fraction 5 without take_profit", Params{"symbol": "X", "take_profit": []float64{}, "exit_fraction": 5.0}, "scaled-entry: exit_fraction = 5: want a fraction of the position in (0, 1]"},
		{"exit_fraction 0.5 without take_profit", Params{"symbol": "X", "take_profit": []float64{}, "exit_fraction": 0.5}, "scaled-entry: exit_fraction: applies with take_profit levels, and take_profit = [] has none (it would be ignored)"},
		{"tranche 1e-300", Params{"symbol": "X", "tranche": 1e-300}, "scaled-entry: tranche = 1e-300: want a fraction of the capital in [1e-06, 1]"},
		{"tranche just under 1e-6", Params{"symbol": "X", "tranche": 0.99e-6}, "scaled-entry: tranche = 9.9e-07: want a fraction of the capital in [1e-06, 1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Builtins().New("scaled-entry", c.params)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
	// The bounds themselves build.
	for _, p := range []Params{
		{"symbol": "X", "tranche": 1e-6},
		{"symbol": "X", "exit_fraction": 1.0},
		{"symbol": "X", "take_profit": []float64{}},
	} {
		if _, err := Builtins().New("scaled-entry", p); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
}

// pair-hedge refuses an empty symbol in a leg when built, naming its
// place (it was found only at Init, after the data had loaded, as an
// unknown symbol ""), and a max_gross that is not a number a cap can
// reach (+Inf built and capped nothing, as 0 = off does).
func TestPairHedgeBadLegsAndCap(t *testing.T) {
	for _, c := range []struct {
		name   string
		params Params
		want   string
	}{
		{"empty long symbol", Params{"long": []string{"Y", ""}, "short": []string{"X"}}, `pair-hedge: long[1]: empty symbol`},
		{"empty short symbol", Params{"long": []string{"Y"}, "short": []string{""}}, `pair-hedge: short[0]: empty symbol`},
		{"max_gross inf", Params{"long": []string{"Y"}, "short": []string{"X"}, "max_gross": math.Inf(1)}, `pair-hedge: max_gross = +Inf: want 0 (off) or a leverage >= gross (1), at most 10`},
		{"max_gross 1e308", Params{"long": []string{"Y"}, "short": []string{"X"}, "max_gross": 1e308}, `pair-hedge: max_gross = 1e+308: want 0 (off) or a leverage >= gross (1), at most 10`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Builtins().New("pair-hedge", c.params)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
	if _, err := Builtins().New("pair-hedge", Params{"long": []string{"Y"}, "short": []string{"X"}, "gross": 10.0, "max_gross": 10.0}); err != nil {
		t.Errorf("max_gross = gross = 10: %v", err)
	}
}

// A nil value from Go (no TOML value is nil) is refused naming its key.
// The TOML writer left the key out, so it read as its default: a program
// passing a nil []float64 for take_profit, meaning none, got the default
// exits [0.10, 0.20, 0.30]; "exit_fraction": nil read as exit_fraction
// = 0.
func TestNilParamsRefused(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		params    Params
		want      string
	}{
		{"nil", "sma-cross", Params{"symbol": "X", "fast": nil}, "sma-cross: params: fast: no value (nil): leave the key out for its default"},
		{"nil slice", "scaled-entry", Params{"symbol": "X", "take_profit": []float64(nil)}, "scaled-entry: params: take_profit: no value (nil): leave the key out for its default, or give an empty list"},
		{"nil in a table", "weights", Params{"weights": map[string]any{"X": 0.5, "Y": nil}}, "weights: params: weights.Y: no value (nil)"},
		{"nil in a list", "buy-and-hold", Params{"symbols": []any{"X", nil}}, "buy-and-hold: params: symbols[1]: no value (nil)"},
		{"nil map", "weights", Params{"weights": map[string]any(nil)}, "weights: params: weights: no value (nil)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Builtins().New(c.typ, c.params)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got %v\nwant %s…", err, c.want)
			}
		})
	}
	// An empty list is a value: take_profit = [] means no exit.
	s, err := Builtins().New("scaled-entry", Params{"symbol": "X", "take_profit": []float64{}})
	if err != nil || len(s.(*ScaledEntry).p.TakeProfit) != 0 {
		t.Errorf("take_profit = []: %v", err)
	}
}

// manyLevels is n drawdown levels increasing strictly in [0, 0.5).
func manyLevels(n int) []float64 {
	l := make([]float64, n)
	for k := range l {
		l[k] = float64(k) / float64(2*n)
	}
	return l
}
