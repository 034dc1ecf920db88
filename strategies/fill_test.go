package strategies

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// fill = "next-open" | "close" for every strategy, each fill checked by
// hand. Cash 10,000, no commission. X (a token, every day):
//
//	bar  open  close
//	 0   100   100
//	 1   101    94
//	 2    95    96
//	 3    97    99
//	 4    99   100
//
// Y is flat at 50. Target orders are sized at the price they fill at:
// at the next open against the equity at that open, or at the decision
// bar's close against the equity at that close.
//
//   - buy-and-hold, X at weight 1: decided at bar 0. close: 10,000/100 =
//     100 at 100 on bar 0; next-open: 10,000/101 at 101 on bar 1.
//   - weights, X at 0.5: decided at bar 0. close: 5,000/100 = 50 at 100;
//     next-open: 5,000/101 at 101 on bar 1.
//   - sma-cross fast 1, slow 2: bar 1: SMA1 94 < SMA2 97 (flat, no
//     change); bar 2: SMA1 96 > SMA2 (94 + 96)/2 = 95 → long. close:
//     10,000/96 at 96 on bar 2; next-open: 10,000/97 at 97 on bar 3. It
//     stays long (bar 3: 99 > 97.5; bar 4: 100 > 99.5).
//   - scaled-entry, levels [0.05], no exits (one tranche of the whole
//     capital, 10,000): bar 1: 1 − 94/100 = 0.06 ≥ 0.05 → 10,000/94 units
//     (a quantity order). close: at 94 on bar 1; next-open: at 95 on bar 2.
//   - pair-hedge X long, Y short, gross 1 (dollar: 0.5 each): entered at
//     bar 0. close: Y −5,000/50 = −100 at 50 and X 5,000/100 = 50 at 100,
//     both on bar 0; next-open: Y −100 at 50 and X 5,000/101 at 101 on
//     bar 1 (a batch of targets fills its sales first). Its older key execution = "close" is the same as fill = "close".
func TestFillCloseEveryStrategy(t *testing.T) {
	x := bars("X", []float64{100, 101, 95, 97, 99}, []float64{100, 94, 96, 99, 100})
	y := flat("Y", 5, 50)
	p := &data.Panel{Series: []data.Series{x, y}}
	pair := Params{"long": []string{"X"}, "short": []string{"Y"}, "gross": 1.0}
	for _, tc := range []struct {
		typ         string
		params      Params
		open, close []wantFill
	}{
		{"buy-and-hold", Params{"symbols": []string{"X"}},
			[]wantFill{{1, "X", 10000.0 / 101, 101, "rebalance"}},
			[]wantFill{{0, "X", 100, 100, "rebalance"}}},
		{"weights", Params{"weights": map[string]any{"X": 0.5}},
			[]wantFill{{1, "X", 5000.0 / 101, 101, "rebalance"}},
			[]wantFill{{0, "X", 50, 100, "rebalance"}}},
		{"sma-cross", Params{"symbol": "X", "fast": 1, "slow": 2},
			[]wantFill{{3, "X", 10000.0 / 97, 97, "cross"}},
			[]wantFill{{2, "X", 10000.0 / 96, 96, "cross"}}},
		{"scaled-entry", Params{"symbol": "X", "levels": []float64{0.05}, "take_profit": []float64{}},
			[]wantFill{{2, "X", 10000.0 / 94, 95, "tranche 1"}},
			[]wantFill{{1, "X", 10000.0 / 94, 94, "tranche 1"}}},
		{"pair-hedge", pair,
			[]wantFill{{1, "Y", -100, 50, "rebalance short"}, {1, "X", 5000.0 / 101, 101, "rebalance long"}},
			[]wantFill{{0, "Y", -100, 50, "rebalance short"}, {0, "X", 50, 100, "rebalance long"}}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			with := func(k, v string) Params {
				out := Params{k: v}
				for key, val := range tc.params {
					out[key] = val
				}
				return out
			}
			_, res := run(t, p, tc.typ, tc.params, 10000)
			checkFills(t, res.Fills, tc.open)
			_, res = run(t, p, tc.typ, with("fill", "next-open"), 10000)
			checkFills(t, res.Fills, tc.open)
			_, res = run(t, p, tc.typ, with("fill", "close"), 10000)
			checkFills(t, res.Fills, tc.close)
			for _, f := range res.Fills {
				if f.Kind != engine.MarketOnClose {
					t.Errorf("fill %+v: kind %v, want market-on-close", f, f.Kind)
				}
			}
		})
	}
	// pair-hedge's execution is an alias; both keys at once is an error.
	_, res := run(t, p, "pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "execution": "close"}, 10000)
	checkFills(t, res.Fills, []wantFill{{0, "Y", -100, 50, "rebalance short"}, {0, "X", 50, 100, "rebalance long"}})
	_, err := Builtins().New("pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "execution": "close", "fill": "close"})
	if err == nil || !strings.Contains(err.Error(), `fill = "close" and execution = "close": give one`) {
		t.Errorf("fill and execution: %v", err)
	}
	_, err = Builtins().New("sma-cross", Params{"symbol": "X", "fill": "open"})
	if err == nil || !strings.Contains(err.Error(), `fill = "open": want "next-open" or "close"`) {
		t.Errorf("fill = open: %v", err)
	}
}

// FillSet reports a fill given in the params (pair-hedge: fill or
// execution), for the experiment's top-level fill to leave alone.
func TestFillSet(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		params Params
		set    bool
	}{
		{"buy-and-hold", Params{"symbols": []string{"X"}}, false},
		{"buy-and-hold", Params{"symbols": []string{"X"}, "fill": "next-open"}, true},
		{"weights", Params{"weights": map[string]any{"X": 1.0}, "fill": "close"}, true},
		{"sma-cross", Params{"symbol": "X"}, false},
		{"scaled-entry", Params{"symbol": "X", "fill": "close"}, true},
		{"pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}}, false},
		{"pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "execution": "open"}, true},
	} {
		s, err := Builtins().New(tc.typ, tc.params)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := s.(Filler)
		if !ok || f.FillSet() != tc.set {
			t.Errorf("%s %v: Filler %v, FillSet %v, want %v", tc.typ, tc.params, ok, ok && f.FillSet(), tc.set)
		}
	}
}

// weekdays makes an equity series on the given days (indices from day0,
// a Monday) at prices px (open = close).
func weekdays(sym string, days []int, px []float64) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Equity}}
	for k, d := range days {
		s.Time = append(s.Time, at(d))
		s.Open = append(s.Open, px[k])
		s.High = append(s.High, px[k])
		s.Low = append(s.Low, px[k])
		s.Close = append(s.Close, px[k])
		s.Volume = append(s.Volume, 1)
	}
	s.AdjClose = s.Close
	return s
}

// rebalance_bars counts the strategy's own sync points, not the merged
// timeline's steps and not calendar days. E is an equity (Mon 1 … Fri 5,
// Mon 8 … Fri 12 January 2024: day indices 0–4 and 7–11); T, a token
// every day, puts the weekends on the merged timeline. Hold E at 0.5,
// rebalance_bars = 2, cash 10,000: decisions at E's bars 0, 2, 4, 6, 8
// (days 0, 2, 4, 8, 10: Mon 1, Wed 3, Fri 5, Tue 9, Thu 11), fills at E's
// next open (days 1, 3, 7, 9, 11). E's prices (open = close):
//
//	day   0    1    2    3    4    7    8    9   10   11
//	E   100  100  110  120  120  100  100   90   90   80
//
//	fill 1, day 1 @ 100: 0.5 × 10,000 / 100 = 50; cash 5,000
//	fill 2, day 3 @ 120: equity 5,000 + 50 × 120 = 11,000; target
//	        5,500 / 120 = 45.8333: sell 4.16667; cash 5,500
//	fill 3, day 7 @ 100: equity 5,500 + 4,583.33 = 10,083.33; target
//	        5,041.67 / 100 = 50.41667: buy 4.58333; cash 5,041.67
//	fill 4, day 9 @ 90: equity 5,041.67 + 50.41667 × 90 = 9,579.17;
//	        target 4,789.58 / 90 = 53.21759: buy 2.80093
//	fill 5, day 11 @ 80: cash 5,041.67 − 2.80093 × 90 = 4,789.58, equity
//	        4,789.58 + 53.21759 × 80 = 9,046.99; target 4,523.50 / 80 =
//	        56.54369: buy 3.32610
//
// rebalance_days = 2 decides on days 0, 2, 4, then Monday 7 (Sunday 6
// has no E bar), 9 and 11: fills at E's next opens, days 1, 3, 7, 8, 10
// (the decision on day 11 has no later bar to fill on).
func TestRebalanceBarsCountsOwnSyncPoints(t *testing.T) {
	days := []int{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}
	e := weekdays("E", days, []float64{100, 100, 110, 120, 120, 100, 100, 90, 90, 80})
	tok := flat("T", 12, 1)
	p := &data.Panel{Series: []data.Series{e, tok}}

	q1 := 50.0
	q2 := 5500.0 / 120
	c2 := 5000 + (q1-q2)*120
	q3 := 0.5 * (c2 + q2*100) / 100
	c3 := c2 - (q3-q2)*100
	q4 := 0.5 * (c3 + q3*90) / 90
	c4 := c3 - (q4-q3)*90
	q5 := 0.5 * (c4 + q4*80) / 80
	if !near(q2-q1, -4.16667, 1e-5) || !near(q3-q2, 4.58333, 1e-5) || !near(q4-q3, 2.80093, 1e-5) || !near(q5-q4, 3.32610, 1e-5) {
		t.Fatalf("hand arithmetic: %g %g %g %g", q2-q1, q3-q2, q4-q3, q5-q4)
	}
	want := []wantFill{
		{1, "E", q1, 100, "rebalance"}, {3, "E", q2 - q1, 120, "rebalance"}, {7, "E", q3 - q2, 100, "rebalance"},
		{9, "E", q4 - q3, 90, "rebalance"}, {11, "E", q5 - q4, 80, "rebalance"},
	}
	_, res := run(t, p, "buy-and-hold", Params{"symbols": []string{"E"}, "weights": []float64{0.5}, "rebalance_bars": 2}, 10000)
	checkFills(t, res.Fills, want)
	_, res = run(t, p, "weights", Params{"weights": map[string]any{"E": 0.5}, "rebalance_bars": 2}, 10000)
	checkFills(t, res.Fills, want)

	// The calendar-day schedule differs: fills on days 1, 3, 7, 8, 10.
	_, res = run(t, p, "buy-and-hold", Params{"symbols": []string{"E"}, "weights": []float64{0.5}, "rebalance_days": 2}, 10000)
	var got []int
	for _, f := range res.Fills {
		got = append(got, int((f.Time-day0)/data.NanosPerDay))
	}
	if len(got) != 5 || got[0] != 1 || got[1] != 3 || got[2] != 7 || got[3] != 8 || got[4] != 10 {
		t.Errorf("rebalance_days = 2: fills on days %v, want [1 3 7 8 10]", got)
	}

	// pair-hedge: E long, F short (both equities); rebalance_bars alone
	// replaces the default rebalance_days = 7. The long leg trades on the
	// same days as above.
	f := weekdays("F", days, []float64{50, 51, 52, 53, 54, 55, 56, 57, 58, 59})
	p2 := &data.Panel{Series: []data.Series{e, f, tok}}
	_, res = run(t, p2, "pair-hedge", Params{"long": []string{"E"}, "short": []string{"F"}, "rebalance_bars": 2}, 10000)
	got = got[:0]
	for _, fl := range res.Fills {
		if fl.Symbol == "E" {
			got = append(got, int((fl.Time-day0)/data.NanosPerDay))
		}
	}
	if len(got) != 5 || got[0] != 1 || got[1] != 3 || got[2] != 7 || got[3] != 9 || got[4] != 11 {
		t.Errorf("pair-hedge rebalance_bars = 2: long leg fills on days %v, want [1 3 7 9 11]", got)
	}
}

// rebalance_days and rebalance_bars together is an error naming both.
func TestRebalanceBarsAndDaysExclusive(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		params Params
		want   string
	}{
		{"buy-and-hold", Params{"symbols": []string{"X"}, "rebalance_days": 30, "rebalance_bars": 21}, "rebalance_days = 30 and rebalance_bars = 21: set one of the two"},
		{"weights", Params{"weights": map[string]any{"X": 1.0}, "rebalance_days": 30, "rebalance_bars": 21}, "rebalance_days = 30 and rebalance_bars = 21: set one of the two"},
		{"pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "rebalance_days": 7, "rebalance_bars": 5}, "rebalance_days = 7 and rebalance_bars = 5: set one of the two"},
		{"weights", Params{"weights": map[string]any{"X": 1.0}, "rebalance_bars": -1}, "rebalance_bars = -1: want 0 to 100000000 bars"},
		{"pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "rebalance_days": 0}, "rebalance_days = 0: want 1 to 36525 days (or 0 with a drift_band or rebalance_bars)"},
	} {
		_, err := Builtins().New(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: %v, want %q", tc.typ, tc.params, err, tc.want)
		}
	}
	if _, err := Builtins().New("pair-hedge", Params{"long": []string{"X"}, "short": []string{"Y"}, "rebalance_bars": 21}); err != nil {
		t.Errorf("pair-hedge with rebalance_bars alone: %v", err)
	}
}
