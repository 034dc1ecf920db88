package strategies

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// sma-cross against a naive recomputation of both averages at every bar:
// the strategy must trade exactly on the naive crosses, one bar later at
// the open, with and without a warm-up period before the start.
func TestSMACrossMatchesNaive(t *testing.T) {
	s := walk("X", data.Crypto, 600, 5)
	p := &data.Panel{Series: []data.Series{s}}
	for _, startBar := range []int{0, 37, 200} {
		st, err := NewSMACross(Params{"symbol": "X", "fast": 7, "slow": 30})
		if err != nil {
			t.Fatal(err)
		}
		cfg := engine.Config{Cash: 1e5}
		if startBar > 0 {
			cfg.Start = s.Time[startBar]
		}
		res, err := engine.Run(p, nil, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		// Naive: at each bar k >= startBar with k+1 >= slow, compute both means
		// by summing; a change of state submits an order that fills at k+1's open.
		mean := func(k, n int) float64 {
			sum := 0.0
			for j := k - n + 1; j <= k; j++ {
				sum += s.Close[j]
			}
			return sum / float64(n)
		}
		var want []int64
		var side []bool
		long := false
		for k := startBar; k < len(s.Close); k++ {
			if k+1 < 30 {
				continue
			}
			up := mean(k, 7) > mean(k, 30)
			if up != long {
				long = up
				if k+1 < len(s.Close) {
					want = append(want, s.Time[k+1])
					side = append(side, up)
				}
			}
		}
		if len(res.Fills) != len(want) {
			t.Fatalf("start %d: %d fills, naive %d", startBar, len(res.Fills), len(want))
		}
		for j, f := range res.Fills {
			if f.Time != want[j] || (f.Qty > 0) != side[j] {
				t.Fatalf("start %d: fill %d at %s qty %g, naive %s buy=%v", startBar, j, data.FormatDay(f.Time), f.Qty, data.FormatDay(want[j]), side[j])
			}
		}
		if len(want) < 5 {
			t.Fatalf("start %d: too few crosses (%d) for a meaningful test", startBar, len(want))
		}
	}
}

// pair-hedge: after its first rebalance fills, each long holds gross/2/n of
// equity and each short −gross/2/m, at the fill prices (no commission here,
// so equity at the fill is the starting cash).
func TestPairHedgeWeights(t *testing.T) {
	p, _, _ := hedgePanel(1)
	long := []string{"AEQ", "BEQ", "CEQ"}
	short := []string{"ATOK", "BTOK"}
	st, err := NewPairHedge(Params{"long": long, "short": short, "gross": 2.0, "rebalance_days": 30})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	// 2.0 gross: longs 1.0/3 each = 333,333.33; shorts −1.0/2 each = −500,000.
	first := res.Fills[0].Time
	got := map[string]float64{}
	for _, f := range res.Fills {
		if f.Time == first || (strings.HasSuffix(f.Symbol, "TOK") && f.Time-first < 4*86400e9) {
			got[f.Symbol] += f.Qty * f.Price
		}
	}
	for _, s := range long {
		if v := got[s]; math.Abs(v-1e6/3) > 1e-6 {
			t.Errorf("%s long value %g, want 333333.33", s, v)
		}
	}
	for _, s := range short {
		if v := got[s]; math.Abs(v+5e5) > 1e-6 {
			t.Errorf("%s short value %g, want −500000", s, v)
		}
	}
}

func TestParamErrorsNameTheKey(t *testing.T) {
	reg := Builtins()
	for _, tc := range []struct {
		typ    string
		params Params
		want   string
	}{
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "gros": 1.0}, "unknown key gros"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "gross": -1.0}, "gross = -1"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"A"}}, "short: \"A\" is also in long"},
		{"pair-hedge", Params{"short": []string{"B"}}, "long: at least one symbol"},
		{"pair-hedge", Params{"long": []string{"A"}, "short": []string{"B"}, "rebalance_days": 0}, "rebalance_days = 0"},
		{"pair-hedge", Params{"long": "A", "short": []string{"B"}}, "long"},
		{"sma-cross", Params{"symbol": "X", "fast": 50, "slow": 20}, "slow = 20: want > fast"},
		{"sma-cross", Params{"fast": 5, "slow": 20}, "symbol: required"},
		{"sma-cross", Params{"symbol": "X", "weight": 1.5}, "weight = 1.5"},
		{"buy-and-hold", Params{"symbols": []string{"A", "B"}, "weights": []float64{0.7, 0.7}}, "sum to 1.4"},
		{"buy-and-hold", Params{"symbols": []string{"A", "B"}, "weights": []float64{1}}, "1 weights for 2 symbols"},
		{"buy-and-hold", Params{}, "symbols: at least one"},
		{"nope", Params{}, "unknown strategy type \"nope\" (known: "},
		// A misspelt type: the one likely meant first (two letters swapped: one edit).
		{"pair-hegde", Params{}, "unknown strategy type \"pair-hegde\" (did you mean pair-hedge? known: buy-and-hold, pair-hedge, "},
	} {
		_, err := reg.New(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want it to mention %q", tc.typ, tc.params, err, tc.want)
		}
	}
}

// A strategy naming a symbol the data lacks fails at Init, naming it.
func TestUnknownSymbol(t *testing.T) {
	p := &data.Panel{Series: []data.Series{walk("X", data.Crypto, 10, 1)}}
	st, err := NewBuyAndHold(Params{"symbols": []string{"X", "NOPE"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(p, nil, st, engine.Config{Cash: 1})
	if err == nil || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Fatalf("error %v", err)
	}
}
