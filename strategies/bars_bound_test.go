package strategies

import (
	"strings"
	"testing"
)

// TestBarParametersBounded: the integer parameters counted in bars had
// no upper bound where the windows had one: rebalance_bars = 1e18 and
// peak_lookback = 1e18 were taken (a rebalance never due, a peak over
// more bars than a century of minutes holds). Each is refused past
// maxWindow (100,000,000 bars: a century of minute bars is
// 100 × 365.25 × 1440 = 52,596,000), the error naming the strategy, the
// key and the range; the bound itself is taken.
func TestBarParametersBounded(t *testing.T) {
	reg := Builtins()
	// pair-hedge's range is docs/strategies.md's: 1 to 100,000,000, or 0
	// with a drift_band or rebalance_days (it needs some rebalance).
	const pairRange = "want 1 to 100000000 bars (or 0 with a drift_band or rebalance_days)"
	for _, c := range []struct {
		typ, key string
		params   Params
		rng      string
	}{
		{"buy-and-hold", "rebalance_bars", Params{"symbols": []string{"BTC"}}, "want 0 to 100000000"},
		{"weights", "rebalance_bars", Params{"weights": map[string]any{"BTC": 1.0}}, "want 0 to 100000000"},
		{"pair-hedge", "rebalance_bars", Params{"long": []string{"BTC"}, "short": []string{"ETH"}}, pairRange},
		{"scaled-entry", "peak_lookback", Params{"symbols": []string{"BTC"}}, "want 0 to 100000000"},
	} {
		t.Run(c.typ+" "+c.key, func(t *testing.T) {
			for _, v := range []int64{1e18, 100_000_001, -1} {
				c.params[c.key] = v
				_, err := reg.New(c.typ, c.params)
				want := c.typ + ": " + c.key + " = "
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), c.rng) {
					t.Errorf("%s = %d: %v, want a refusal with %q and %q", c.key, v, err, want, c.rng)
				}
			}
			for _, v := range []int64{1, 100_000_000} {
				c.params[c.key] = v
				if _, err := reg.New(c.typ, c.params); err != nil {
					t.Errorf("%s = %d: %v, want it accepted", c.key, v, err)
				}
			}
		})
	}
}

// pair-hedge with rebalance_bars = 0 alone (and no drift_band) has no
// rebalance calendar at all, which it refuses; the error named
// rebalance_days = 0, a key the file did not set. It names the key set.
func TestPairHedgeZeroBarsNamesTheKeySet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params Params
		want   string
	}{
		{"bars alone", Params{"rebalance_bars": int64(0)}, "pair-hedge: rebalance_bars = 0: want 1 to 100000000 bars"},
		{"days set to 0", Params{"rebalance_days": int64(0)}, "pair-hedge: rebalance_days = 0: want 1 to 36525 days (or 0 with a drift_band or rebalance_bars)"},
		// Out of range: the same range as 0 alone, the docs' (1 to
		// 36,525, or 0 with a drift_band or rebalance_bars).
		{"days -1", Params{"rebalance_days": int64(-1)}, "pair-hedge: rebalance_days = -1: want 1 to 36525 days (or 0 with a drift_band or rebalance_bars)"},
		{"days 36526", Params{"rebalance_days": int64(36526)}, "pair-hedge: rebalance_days = 36526: want 1 to 36525 days (or 0 with a drift_band or rebalance_bars)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.params["long"], tc.params["short"] = []string{"A"}, []string{"B"}
			_, err := Builtins().New("pair-hedge", tc.params)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want an error with %q", err, tc.want)
			}
		})
	}
	// With a drift band, no calendar is sound.
	if _, err := Builtins().New("pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "rebalance_bars": int64(0), "drift_band": 0.05}); err != nil {
		t.Errorf("rebalance_bars = 0 with a drift band: %v", err)
	}
}
