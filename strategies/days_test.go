package strategies

import (
	"strings"
	"testing"
)

// TestDayParametersBounded: a parameter counted in calendar days past
// about 106,751 overflowed days × nanoseconds a day into a negative wait,
// and the strategy rebalanced (or bought) on every bar: 4 fills became
// 576. Each is refused past 100 years, naming its key.
func TestDayParametersBounded(t *testing.T) {
	reg := Builtins()
	for _, c := range []struct {
		typ, key string
		params   Params
	}{
		{"buy-and-hold", "rebalance_days", Params{"symbols": []string{"BTC"}, "rebalance_days": int64(106_752)}},
		{"weights", "rebalance_days", Params{"weights": map[string]any{"BTC": 1.0}, "rebalance_days": int64(106_752)}},
		{"pair-hedge", "rebalance_days", Params{"long": []string{"BTC"}, "short": []string{"ETH"}, "rebalance_days": int64(106_752)}},
		{"pair-hedge", "cooldown_days", Params{"long": []string{"BTC"}, "short": []string{"ETH"}, "cooldown_days": int64(36_526)}},
		{"scaled-entry", "every_days", Params{"symbols": []string{"BTC"}, "mode": "schedule", "every_days": int64(106_752)}},
		{"scaled-entry", "cooldown_days", Params{"symbols": []string{"BTC"}, "cooldown_days": int64(200_000)}},
	} {
		_, err := reg.New(c.typ, c.params)
		if err == nil || !strings.Contains(err.Error(), c.key+" = ") || !strings.Contains(err.Error(), "36525") {
			t.Errorf("%s %s: %v, want a refusal naming the key and the bound", c.typ, c.key, err)
		}
		c.params[c.key] = int64(36_525)
		if _, err := reg.New(c.typ, c.params); err != nil {
			t.Errorf("%s %s = 36525: %v, want it accepted", c.typ, c.key, err)
		}
	}
}
