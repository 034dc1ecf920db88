package strategies

import (
	"reflect"
	"strings"
	"testing"
)

// TestParamDocs: every built-in strategy documents every key its params
// struct decodes, with a meaning; the defaults read from the comments
// are the ones the constructors use (checked for a few by hand).
func TestParamDocs(t *testing.T) {
	reg := Builtins()
	for _, name := range reg.Names() {
		docs, err := ParamDocs(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rt := paramTypes[name]
		var keys []string
		for i := range rt.NumField() {
			k, _, _ := strings.Cut(rt.Field(i).Tag.Get("toml"), ",")
			keys = append(keys, k)
		}
		var got []string
		for _, d := range docs {
			got = append(got, d.Key)
			if len(d.Doc) < 20 {
				t.Errorf("%s.%s: doc %q", name, d.Key, d.Doc)
			}
		}
		if !reflect.DeepEqual(got, keys) {
			t.Errorf("%s: documented keys %v, struct keys %v", name, got, keys)
		}
	}
	want := map[string]map[string]string{
		"sma-cross":    {"symbol": "required", "fast": "20", "slow": "50", "weight": "1.0 (all in)"},
		"pair-hedge":   {"gross": "1.0", "rebalance_days": "7 (0 when rebalance_bars is given)", "hedge": "dollar", "lookback": "60", "max_ratio": "4", "fill": "next-open"},
		"scaled-entry": {"levels": "[0.05, 0.10, 0.15, 0.20]", "tranches": "4", "mode": "drawdown"},
		"buy-and-hold": {"symbols": "required", "rebalance_days": "0"},
	}
	for name, defaults := range want {
		docs, _ := ParamDocs(name)
		for _, d := range docs {
			if w, ok := defaults[d.Key]; ok && d.Default != w {
				t.Errorf("%s.%s: default %q, want %q", name, d.Key, d.Default, w)
			}
		}
	}
	if _, err := ParamDocs("nope"); err == nil {
		t.Error("no error for an unknown type")
	}
}
