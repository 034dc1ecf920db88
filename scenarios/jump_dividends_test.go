package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A jump or a wick's close move on raw prices with a later cash
// dividend: the holder's return at each bar is the unshocked one times
// the path's step there, so a later ex-date's close still falls by the
// amount D the engine pays, not by D scaled with the prices (which left
// the holder a gain, or a loss, that nothing paid).
func TestJumpKeepsDividendFall(t *testing.T) {
	// BTC's raw closes with a dividend of 2 on day 5: 100 × 5, 98, 98 (the
	// holder's return across day 5 is (98 + 2) / 100 = 1).
	withDiv := []float64{100, 100, 100, 100, 100, 98, 98}
	// The same holder's path with a 2-for-1 split and a dividend of 1 a
	// share after it on day 5: 2 × (49 + 1) / 100 = 1.
	withSplit := []float64{100, 100, 100, 100, 100, 49, 49}
	div2 := map[string][]engine.Dividend{"BTC": {{Time: day(5), Amount: 2}}}
	for _, c := range []struct {
		name   string
		closes []float64
		shock  string
		opt    ApplyOptions
		want   []float64
		opens  map[int]float64 // bar: open
	}{
		// A −50 % gap on day 2: 100 × 0.5 = 50 on days 2–4; day 5:
		// 50 × (98 + 2) / 100 − 2 = 48 (the holder's (48 + 2) / 50 = 1, as
		// before the shock); day 6: 48 × 98 / 98 = 48. Scaled with the
		// prices day 5 was 98 × 0.5 = 49: (49 + 2) / 50, a gain of 1 a
		// share to a holder paid 2. Day 5's open 98 moves with its close:
		// 98 × 48 / 98 = 48.
		{"jump", withDiv, `type = "jump"
symbols = ["BTC"]
day = 2
move = -0.5`, ApplyOptions{Dividends: div2},
			[]float64{100, 100, 50, 50, 50, 48, 48}, map[int]float64{2: 50, 5: 48}},
		// A wick whose close falls 50 % during day 2 is that jump with the
		// open at 100: the same closes.
		{"wick with a close", withDiv, `type = "wick"
symbols = ["BTC"]
day = 2
move = -0.1
close = -0.5`, ApplyOptions{Dividends: div2},
			[]float64{100, 100, 50, 50, 50, 48, 48}, map[int]float64{2: 100, 5: 48}},
		// A wick without a close move only stretches day 2's low: no close
		// moves.
		{"wick", withDiv, `type = "wick"
symbols = ["BTC"]
day = 2
move = -0.1`, ApplyOptions{Dividends: div2},
			withDiv, map[int]float64{5: 98}},
		// −19 % over two days from day 2 during the bar (g = 0.9, then
		// 0.81), with the dividend of 2 on day 3, the path's second day
		// (closes 100, 100, 100, 98, 98, 98): day 2: 100 × 0.9 = 90; day
		// 3: the holder's step 0.81 / 0.9 = 0.9 on its return 1, 90 × 0.9
		// − 2 = 79 (the holder's 81, 100 × 0.81); then 79. Scaled: 98 ×
		// 0.81 = 79.38. Day 3 opens where day 2 closed less the
		// dividend, before the day's move: 90 − 2 = 88.
		{"spread", []float64{100, 100, 100, 98, 98, 98}, `type = "jump"
symbols = ["BTC"]
day = 2
gap = false
move = -0.19
spread_days = 2`, ApplyOptions{Dividends: map[string][]engine.Dividend{"BTC": {{Time: day(3), Amount: 2}}}},
			[]float64{100, 100, 90, 79, 79, 79}, map[int]float64{2: 100, 3: 88}},
		// With the 2-for-1 split on day 5: 50 × 1 / 2 − 1 = 24 (two shares
		// at 24, each paid 1: 50, the holder's 1). Scaled: 49 × 0.5 = 24.5.
		{"split and dividend", withSplit, `type = "jump"
symbols = ["BTC"]
day = 2
move = -0.5`, ApplyOptions{
			Splits:    map[string][]engine.Split{"BTC": {{Time: day(5), Ratio: 2}}},
			Dividends: map[string][]engine.Dividend{"BTC": {{Time: day(5), Amount: 1}}}},
			[]float64{100, 100, 50, 50, 50, 24, 24}, map[int]float64{5: 24}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := panelOf(series("BTC", data.Crypto, seq(len(c.closes)), c.closes))
			s := mustParse(t, "name = \"j\"\n[[shock]]\n"+c.shock)
			out, _ := mustApply(t, s, p, c.opt)
			b := out.Series[0]
			for k, want := range c.want {
				near(t, "close on day "+data.FormatDay(b.Time[k]), b.Close[k], want, 1e-12)
			}
			for k, want := range c.opens {
				near(t, "open on day "+data.FormatDay(b.Time[k]), b.Open[k], want, 1e-12)
			}
			checkOHLC(t, out, c.name)
		})
	}
}
