package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Edge cases of a cash dividend of raw prices under a regime or a replay
// (ApplyOptions.Dividends, SourceDividends). The target is the eight
// weekday bars of weekdays(15)[7:], 2025-01-15..17 and 20..24 (days 9,
// 10, 11, 14..18 from d0); the replay's source, unless said, is four
// bars on days 0–3 of raw closes 100, 110, 121, 133.1 (three holder's
// returns of 1.1), its window [2025-01-07, 2025-01-10) laid from
// 2025-01-16 (the target's bar 1): source day 1 → bar 1, day 2 → bar 2,
// day 3 (lands on Saturday 01-18) → bar 3 (byDate).

const reviewReplay = `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA"]
from = 2025-01-07
to = 2025-01-10
date = 2025-01-16`

func reviewSource() *data.Panel {
	return panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 110, 121, 133.1}))
}

// A target's dividend at each edge of the replay, its raw close 100
// before the ex-bar and 99 from it (a dividend of 1: the holder's price
// flat at 100). Replayed returns of 1.1 from bar 1:
//
//	on bar 0 (its first bar) or before it: not paid (dividendCash skips
//	  it, as the engine does): 110, 121, 133.1, then flat (the 99s
//	  after bar 0 are the holder's 100s less nothing: a dividend dated
//	  at bar 0 is in every price, so the closes start at 99 there).
//	on bar 1 (the replay's first): 100 × 1.1 − 1 = 109, 119.9, 131.89.
//	on bar 3 (its last):         110, 121, 121 × 1.1 − 1 = 132.1.
//	between bars (Saturday 01-18, day 12): bar 3 as above, 132.1.
//	on bar 4 (the first after):  110, 121, 133.1, 133.1 × 100/100 − 1
//	  = 132.1, where the replay carried the level by 133.1/100 and the
//	  close fell by 1.331 for a dividend of 1.
//
// A share held throughout ends with its close plus 1 at 133.1 but for
// the 1 paid on bar 1 (missing two returns of 10 %: 1.21 − 1 = 0.21,
// 131.89 + 1 = 132.89 = 133.1 − 0.21).
func TestReviewTransplantDividendAtEdges(t *testing.T) {
	for _, c := range []struct {
		name   string
		at     int       // the dividend's day from d0
		ex     int       // the target's first bar at 99 (0: every bar)
		closes []float64 // bars 1..7
	}{
		{"before the target's first bar", 8, 0, []float64{110, 121, 133.1, 133.1, 133.1, 133.1, 133.1}},
		{"on the target's first bar", 9, 0, []float64{110, 121, 133.1, 133.1, 133.1, 133.1, 133.1}},
		{"on the replay's first bar", 10, 1, []float64{109, 119.9, 131.89, 131.89, 131.89, 131.89, 131.89}},
		{"on the replay's last bar", 14, 3, []float64{110, 121, 132.1, 132.1, 132.1, 132.1, 132.1}},
		{"between two bars (the next)", 12, 3, []float64{110, 121, 132.1, 132.1, 132.1, 132.1, 132.1}},
		{"on the bar after the replay", 15, 4, []float64{110, 121, 133.1, 132.1, 132.1, 132.1, 132.1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := flat(8, 100)
			for k := c.ex; k < 8; k++ {
				raw[k] = 99
			}
			base := 100.0
			if c.ex == 0 {
				base = 99 // the dividend is in every price: the replay starts from 99
			}
			p := panelOf(series("AA", data.Equity, weekdays(15)[7:], raw))
			out, _ := mustApply(t, mustParse(t, reviewReplay), p, ApplyOptions{Source: reviewSource(),
				Dividends: map[string][]engine.Dividend{"AA": {{Time: day(c.at), Amount: 1}}}, SourceDividends: map[string][]engine.Dividend{}})
			got := out.Series[0].Close
			near(t, "AA close on bar 0", got[0], base, 1e-12)
			for k, want := range c.closes {
				if c.ex == 0 {
					want *= base / 100 // 99 × 1.1, ...
				}
				near(t, "AA close on bar "+string(rune('1'+k)), got[k+1], want, 1e-12)
			}
		})
	}
}

// A dividend on the source window's first bar (source day 1, the bar
// whose return is the first replayed): raw closes 100, 108, 118.8,
// 130.68 with a dividend of 2 on day 1, the holder's returns (108 +
// 2)/100 = 1.1, 118.8/108 = 1.1, 130.68/118.8 = 1.1: laid as 110, 121,
// 133.1 on a flat 100. A dividend on the source's bar 0 (day 0), before
// any return it replays, changes nothing.
func TestReviewTransplantSourceDividendOnWindowsFirstBar(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 108, 118.8, 130.68}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], flat(8, 100)))
	out, _ := mustApply(t, mustParse(t, reviewReplay), p, ApplyOptions{Source: src,
		SourceDividends: map[string][]engine.Dividend{"AA": {{Time: day(0), Amount: 5}, {Time: day(1), Amount: 2}}}})
	for k, want := range []float64{100, 110, 121, 133.1, 133.1, 133.1, 133.1, 133.1} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
}

// A split and a dividend of the target, on one date or a split dated
// after the dividend but before its bar, under replayed returns of 1.1
// from bar 1.
//
// Same date (day 11, bar 2): 2-for-1 and 1 per share after it; raw
// closes 100, 100, 49, ... (the holder's return 2 × (49 + 1)/100 = 1).
// Rebuilt: 110; 110 × 1.1 / 2 − 1 = 59.5; 59.5 × 1.1 = 65.45; flat.
// One share held: 2 × 65.45 + 2 × 1 = 132.9 = 133.1 − 2 × 0.1 (the 2
// paid misses bar 3's 10 %).
//
// Dividend on Saturday 01-18 (day 12) of 2 per share on its date, the
// 2-for-1 split on Sunday (day 13), both on bar 3 (Monday 01-20): the
// amount per share after the split is 1; raw closes 100, 100, 100, 49,
// ... (2 × (49 + 2/2)/100 = 1). Rebuilt: 110, 121, 121 × 1.1 / 2 − 1 =
// 65.55, flat; one share: 2 × 65.55 + 2 = 133.1.
func TestReviewTransplantOverTargetSplitAndDividend(t *testing.T) {
	for _, c := range []struct {
		name     string
		div, spl int
		ex       int
		closes   []float64 // bars 1..7
		held     float64
	}{
		{"same date", 11, 11, 2, []float64{110, 59.5, 65.45, 65.45, 65.45, 65.45, 65.45}, 132.9},
		{"split after the dividend, before its bar", 12, 13, 3, []float64{110, 121, 65.55, 65.55, 65.55, 65.55, 65.55}, 133.1},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := flat(8, 100)
			for k := c.ex; k < 8; k++ {
				raw[k] = 49
			}
			p := panelOf(series("AA", data.Equity, weekdays(15)[7:], raw))
			amount := 1.0
			if c.spl > c.div {
				amount = 2 // per share before the split
			}
			out, _ := mustApply(t, mustParse(t, reviewReplay), p, ApplyOptions{Source: reviewSource(),
				Splits:          map[string][]engine.Split{"AA": {{Time: day(c.spl), Ratio: 2}}},
				Dividends:       map[string][]engine.Dividend{"AA": {{Time: day(c.div), Amount: amount}}},
				SourceSplits:    map[string][]engine.Split{},
				SourceDividends: map[string][]engine.Dividend{}})
			got := out.Series[0].Close
			for k, want := range c.closes {
				near(t, "AA close", got[k+1], want, 1e-12)
			}
			near(t, "one share's value", 2*got[7]+2*1, c.held, 1e-12)
		})
	}
}

// An instrument that first trades after the replay began takes only the
// rest of it, and its own dividend there still falls by D. The source
// is ten weekdays (days 0–4, 7–11) of closes 100 × 1.1^k; the window
// [2025-01-07, 2025-01-16) lands 9 days later: source days 1–4 on
// 01-16..19, 7, 8, 9 on 01-22, 23, 24. BB trades from Monday 01-20
// (days 14–18), raw closes 50, 50, 50, 49, 49 with a dividend of 1 on
// 01-23 (its bar 3; the holder's price flat). Its bar 0 takes the four
// landings before it and has no close before it (left as it was); bar 1
// (01-21) takes none, flat; bars 2–4 take 1.1 each:
//
//	50, 50, 50 × 1.1 = 55, 55 × 1.1 − 1 = 59.5, 59.5 × 1.1 = 65.45.
func TestReviewTransplantLateListingOverItsDividend(t *testing.T) {
	srcDays := weekdays(10)
	sc := make([]float64, len(srcDays))
	for k := range sc {
		sc[k] = 100 * math.Pow(1.1, float64(k))
	}
	src := panelOf(series("AA", data.Equity, srcDays, sc), series("BB", data.Equity, srcDays, sc))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], flat(8, 100)),
		series("BB", data.Equity, []int{14, 15, 16, 17, 18}, []float64{50, 50, 50, 49, 49}))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA", "BB"]
from = 2025-01-07
to = 2025-01-16
date = 2025-01-16`)
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src,
		Dividends: map[string][]engine.Dividend{"BB": {{Time: day(17), Amount: 1}}}, SourceDividends: map[string][]engine.Dividend{}})
	for k, want := range []float64{50, 50, 55, 59.5, 65.45} {
		near(t, "BB close", out.Series[1].Close[k], want, 1e-12)
	}
}

// A volatility regime of k = 0 across the run's own dividend lays the
// mean of the holder's returns on each bar, and the rebuilt close still
// falls by D on the ex-date. Raw closes 100, 110, 108, 118.8 (days 0–3),
// a dividend of 2 on day 2: the holder's returns 1.1, 1, 1.1 over days
// 1–3, their mean g = 1.1^(2/3):
//
//	day 1: 100 g;  day 2: 100 g² − 2;  day 3: (100 g² − 2) g = 121 − 2g.
//
// A correlation of ρ = 1 between AA and BB, whose holder's returns are
// the same (BB: 100, 110, 110, 121, no dividend), leaves both as they
// were: the group's mean return is each one's (m = d, λ = 1). Read as a
// raw move, AA's ex-date fall differed from BB's flat day and both were
// pulled to their mean.
func TestReviewRegimesAcrossOwnDividend(t *testing.T) {
	divs := map[string][]engine.Dividend{"AA": {{Time: day(2), Amount: 2}}}
	aa := func() data.Series { return series("AA", data.Equity, weekdays(4), []float64{100, 110, 108, 118.8}) }
	t.Run("volatility k = 0", func(t *testing.T) {
		s := mustParse(t, `name = "vol"
[[shock]]
type = "volatility"
symbols = ["AA"]
date = 2025-01-07
until = 2025-01-10
k = 0`)
		out, _ := mustApply(t, s, panelOf(aa()), ApplyOptions{Dividends: divs})
		g := math.Pow(1.1, 2.0/3)
		c := out.Series[0].Close
		for k, want := range []float64{100, 100 * g, 100*g*g - 2, 121 - 2*g} {
			near(t, "AA close", c[k], want, 1e-12)
		}
		near(t, "the ex-date's fall", c[1]*g-c[2], 2, 1e-12)
	})
	t.Run("correlation rho = 1", func(t *testing.T) {
		s := mustParse(t, `name = "corr"
[[shock]]
type = "correlation"
symbols = ["AA", "BB"]
date = 2025-01-07
until = 2025-01-10
rho = 1`)
		p := panelOf(aa(), series("BB", data.Equity, weekdays(4), []float64{100, 110, 110, 121}))
		out, _ := mustApply(t, s, p, ApplyOptions{Dividends: divs})
		for i, want := range [][]float64{{100, 110, 108, 118.8}, {100, 110, 110, 121}} {
			for k, w := range want {
				near(t, out.Series[i].Symbol+" close", out.Series[i].Close[k], w, 1e-12)
			}
		}
	})
}

// A replay of a −90 % crash onto an instrument whose dividend is larger
// than its crashed price: the target's raw closes 10, 10, then 8.5 from
// the ex-bar (a dividend of 1.5, the holder's price flat at 10); the
// source 100, 10, 10, 10 (holder's returns 0.1, 1, 1). Rebuilt: bar 1
// 10 × 0.1 = 1, and on the ex-bar 1 × 1 − 1.5 = −0.5 (inside the replay,
// bar 2) or, after it (bar 5), 1 × (8.5 + 1.5)/10 − 1.5 = −0.5. The
// Apply fails with an error naming the shock, the symbol and the date,
// not a negative price.
func TestReviewCrashBelowDividendIsAnError(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 10, 10, 10}))
	for _, c := range []struct {
		name string
		ex   int // the target's ex-bar
		date string
	}{
		{"inside the replay", 2, "2025-01-17"},
		{"after the replay", 5, "2025-01-22"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := flat(8, 10)
			for k := c.ex; k < 8; k++ {
				raw[k] = 8.5
			}
			tm := day(weekdays(15)[7+c.ex])
			p := panelOf(series("AA", data.Equity, weekdays(15)[7:], raw))
			out, _, err := mustParse(t, reviewReplay).Apply(p, nil, ApplyOptions{Source: src,
				Dividends: map[string][]engine.Dividend{"AA": {{Time: tm, Amount: 1.5}}}, SourceDividends: map[string][]engine.Dividend{}})
			if err == nil {
				t.Fatalf("no error; closes %v", out.Series[0].Close)
			}
			for _, want := range []string{"shock", "AA", c.date, "not positive"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
		})
	}
}

// The same error says why: the run's dividend, which the engine pays,
// is more than the replayed price it falls from.
func TestReviewCrashBelowDividendErrorNamesTheDividend(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 10, 10, 10}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], []float64{10, 10, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5}))
	_, _, err := mustParse(t, reviewReplay).Apply(p, nil, ApplyOptions{Source: src,
		Dividends: map[string][]engine.Dividend{"AA": {{Time: day(11), Amount: 1.5}}}, SourceDividends: map[string][]engine.Dividend{}})
	if err == nil || !strings.Contains(err.Error(), "dividend") {
		t.Fatalf("error %v does not name the dividend", err)
	}
}
