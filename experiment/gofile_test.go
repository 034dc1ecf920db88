package experiment

import (
	"context"
	"testing"
)

// A File a Go program builds itself (not read by Parse or Load) has no
// path: Run's errors about it start with the key, not with ": ", and a nil
// File is an error, not a nil-pointer panic. Such a File gets none of
// Parse's defaults (cash 1,000,000 among them), so a literal without Cash
// is refused by its key.
func TestRunFileBuiltInGo(t *testing.T) {
	lit := func(cash float64) *File {
		return &File{Name: "lit", Cash: cash, Seed: 1, Prices: "adjusted", Data: DataSpec{Synthetic: true, SyntheticSeed: 7},
			Strategy: []StrategySpec{{Name: "b", Type: "buy-and-hold", Params: map[string]any{"symbols": []string{"BTC"}}}}}
	}
	cases := []struct {
		name string
		f    *File
		want string
	}{
		{"nil", nil, "experiment: nil File (read one with Parse or Load)"},
		{"negative cash", lit(-5), "cash = -5: want a positive amount up to 1e15"},
		{"no cash", lit(0), "cash = 0: want a positive amount up to 1e15"},
		{"unknown type", func() *File { f := lit(1000); f.Strategy[0].Type = "nope"; return f }(),
			`strategy[0] (b): strategies: unknown strategy type "nope" (known: buy-and-hold, pair-hedge, scaled-entry, sma-cross, weights)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panic: %v", r)
					}
				}()
				_, err = Run(context.Background(), c.f, Options{Out: t.TempDir(), Workers: 1})
			}()
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant  %s", err, c.want)
			}
		})
	}
}
