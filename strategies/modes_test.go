package strategies

import (
	"strings"
	"testing"
)

// A mode spelled wrong, or of the wrong TOML type, is a decode error that
// names the key and the spellings; unknown keys are listed, at most five.
func TestModeErrorsNameKeyAndSpellings(t *testing.T) {
	pair := func(k string, v any) Params { return Params{"long": []string{"A"}, "short": []string{"B"}, k: v} }
	for _, tc := range []struct {
		typ    string
		params Params
		want   string
	}{
		{"pair-hedge", pair("hedge", "delta"), `pair-hedge: params: hedge = "delta": want "dollar", "beta", "vol" or "minvar"`},
		{"pair-hedge", pair("hedge", "Beta"), `hedge = "Beta": want "dollar", "beta", "vol" or "minvar"`},
		{"pair-hedge", pair("hedge", 1), `hedge = 1: want a string`},
		{"pair-hedge", pair("execution", "next"), `execution = "next": want "open" or "close"`},
		{"pair-hedge", pair("legs", "short"), `legs = "short": want "both" or "long"`},
		{"scaled-entry", Params{"symbol": "X", "mode": "martingale"}, `mode = "martingale": want "drawdown", "schedule" or "pyramid"`},
		{"sma-cross", Params{"symbol": "X", "a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1}, "params: unknown keys a, b, c, d, e and 2 more (known: fast, fill, slow, symbol, weight)"},
		{"sma-cross", Params{"symbol": "X", "fast": 2.5}, "params: fast = 2.5: want a whole number"},
	} {
		_, err := Builtins().New(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want it to mention %q", tc.typ, tc.params, err, tc.want)
		}
	}
}

// Each spelling reads back to its constant and the defaults are the zero
// values.
func TestModesRoundTrip(t *testing.T) {
	check := func(name string, spellings []string, round func(string) (string, error)) {
		for _, sp := range spellings {
			got, err := round(sp)
			if err != nil || got != sp {
				t.Errorf("%s %q: %q, %v", name, sp, got, err)
			}
		}
	}
	check("hedge", HedgeDollar.spellings(), func(s string) (string, error) {
		var m HedgeMode
		err := m.UnmarshalText([]byte(s))
		return m.String(), err
	})
	check("execution", AtNextOpen.spellings(), func(s string) (string, error) {
		var m Execution
		err := m.UnmarshalText([]byte(s))
		return m.String(), err
	})
	check("legs", BothLegs.spellings(), func(s string) (string, error) {
		var m LegSet
		err := m.UnmarshalText([]byte(s))
		return m.String(), err
	})
	check("mode", EntryDrawdown.spellings(), func(s string) (string, error) {
		var m EntryMode
		err := m.UnmarshalText([]byte(s))
		return m.String(), err
	})
	p := defaultsPairHedge()
	if p.Hedge.String() != "dollar" || p.Execution.String() != "open" || p.Legs.String() != "both" || defaultsScaledEntry().Mode.String() != "drawdown" {
		t.Errorf("defaults: %v %v %v %v", p.Hedge, p.Execution, p.Legs, defaultsScaledEntry().Mode)
	}
	for tr, want := range map[trigger][2]string{onSchedule: {"rebalance long", "rebalance short"}, onDrift: {"drift long", "drift short"}, onGrossCap: {"gross cap long", "gross cap short"}} {
		if l, s := tr.legTags(); l != want[0] || s != want[1] || !strings.HasPrefix(l, tr.String()+" ") {
			t.Errorf("trigger %v: tags %q %q", tr, l, s)
		}
	}
}
