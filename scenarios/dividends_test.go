package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// On raw prices a cash dividend D lowers the close at its ex-date by D,
// which the engine pays the holder (engine.Dividend): the holder's
// return across it is (close + D) / close before. A regime, a replay and
// a propagation's betas read that return (ApplyOptions.Dividends), and
// rebuild raw closes that still fall by the run's own dividend at its
// ex-date: close = close before × the holder's return − D. A replay
// read the source's fall as a loss nothing paid, and a bar it rebuilt
// on the run's own ex-date lost its fall while the engine paid D.

// A replay of a source window holding a dividend of 2 (raw closes 100,
// 110, 108, 118.8 on days 0–3, ex-date day 2: the holder's returns
// 110/100 = 1.1, (108 + 2)/110 = 1, 118.8/108 = 1.1) onto a flat 100
// from its bar 1 lays 110, 110 × 1 = 110, 110 × 1.1 = 121, then 121
// flat; the raw returns laid 110, 108, 118.8, a 1.8 % loss unpaid. The
// dividend reads as well from Dividends (a source whose dividends are
// the run's) as from SourceDividends; one dated before the target's
// first bar is not the target's.
func TestTransplantAcrossSourceDividend(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 110, 108, 118.8}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], flat(8, 100)))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA"]
from = 2025-01-07
to = 2025-01-10
date = 2025-01-16`)
	divs := map[string][]engine.Dividend{"AA": {{Time: day(2), Amount: 2}}}
	for _, c := range []struct {
		name string
		opt  ApplyOptions
	}{
		{"Dividends", ApplyOptions{Source: src, Dividends: divs}},
		{"SourceDividends", ApplyOptions{Source: src, SourceDividends: divs}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _ := mustApply(t, s, p, c.opt)
			// 2025-01-16 is the target's bar 1 (weekdays 7.. start on 2025-01-15).
			for k, want := range []float64{100, 110, 110, 121, 121, 121, 121, 121} {
				near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
			}
		})
	}
}

// A split and a dividend on the same source date: the split applies
// first and the amount is per share after it (engine.Dividend). Raw
// closes 100, 110, 54, 59.4 with a 2-for-1 split and a dividend of 1 on
// day 2: one share at 110 becomes two at 54, each paid 1: the holder's
// return 2 × (54 + 1) / 110 = 1, then 59.4 / 54 = 1.1. The replay lays
// 110, 110, 121 onto a flat 100, as with a dividend of 2 a share and no
// split above.
func TestTransplantAcrossSourceSplitAndDividend(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 110, 54, 59.4}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], flat(8, 100)))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA"]
from = 2025-01-07
to = 2025-01-10
date = 2025-01-16`)
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src,
		SourceSplits:    map[string][]engine.Split{"AA": {{Time: day(2), Ratio: 2}}},
		SourceDividends: map[string][]engine.Dividend{"AA": {{Time: day(2), Amount: 1}}}})
	for k, want := range []float64{100, 110, 110, 121, 121, 121, 121, 121} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
}

// The run's own dividends inside and after the replayed bars. The
// target's raw closes are 100, 100, 99, 99, 99, 99, 97, 97 (bars on
// 2025-01-15..17, 20..24) with dividends of 1 on bar 2 (2025-01-17) and
// 2 on bar 6 (2025-01-23): the holder's returns are all 1. A replay of
// three returns of 1.1 (source 100, 110, 121, 133.1) from bar 1:
//
//	bar 1: 100 × 1.1       = 110
//	bar 2: 110 × 1.1 − 1   = 120   (the engine pays 1: 121 to the holder)
//	bar 3: 120 × 1.1       = 132
//	bar 4, 5: × 1          = 132
//	bar 6: 132 × 1 − 2     = 130   (the engine pays 2)
//	bar 7:                 = 130
//
// A share held throughout ends with 130 + 1 + 2 = 133 against 133.1 on
// adjusted prices (the holder's returns compounded, 100 × 1.1³): the 1
// paid on bar 2 does not earn bar 3's 10 %, 0.1 — the reinvestment. The
// raw replay laid 121 and 133.1 on bars 2 and 3 (no fall on the ex-date,
// whose dividend the engine paid too: 133.1 + 3 in all, 3 above the
// replay) and carried the level by 133.1/99, a fall of 2 × 133.1/99 on
// bar 6 for a dividend of 2.
func TestTransplantOverOwnDividends(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 110, 121, 133.1}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], []float64{100, 100, 99, 99, 99, 99, 97, 97}))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA"]
from = 2025-01-07
to = 2025-01-10
date = 2025-01-16`)
	divs := map[string][]engine.Dividend{"AA": {{Time: day(11), Amount: 1}, {Time: day(17), Amount: 2}}}
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src, Dividends: divs, SourceDividends: map[string][]engine.Dividend{}})
	c := out.Series[0].Close
	for k, want := range []float64{100, 110, 120, 132, 132, 132, 130, 130} {
		near(t, "AA close", c[k], want, 1e-12)
	}
	// The open, high and low keep their shape to the close.
	near(t, "AA open on bar 6", out.Series[0].Open[6], 130, 1e-12)
	near(t, "AA high on bar 6", out.Series[0].High[6], 130*1.01, 1e-12)
	held := c[7] + 1 + 2 // one share and its dividends
	adjusted := 100 * 1.1 * 1.1 * 1.1
	near(t, "the holder's value", held, 133, 1e-12)
	near(t, "below adjusted by the reinvestment", adjusted-held, 1*(1.1-1), 1e-12)
}

// A volatility regime across a dividend scales the holder's returns.
// Raw closes 100, 110, 108, 118.8, 118.8 with a dividend of 2 on day 2:
// the holder's prices 100, 110, 110, 121, 121 (log returns ln 1.1, 0,
// ln 1.1, 0; μ = ln 1.1 / 2). k = 2 over days 1–4: r' = 2r − μ = 1.5,
// −0.5, 1.5, −0.5 (× ln 1.1): the holder's prices 100 · 1.1^1.5 =
// 115.3690, × 1.1^−0.5, × 1.1^1.5, × 1.1^−0.5; the raw closes fall by
// the 2 on day 2: 115.3690, 115.3690 · 1.1^−0.5 − 2 = 108, 108 · 1.1^1.5
// = 124.5985, 124.5985 · 1.1^−0.5 = 118.8. The raw return of day 2,
// ln(108/110), read as a move was doubled to a fall of 3.6 %.
func TestVolatilityAcrossDividend(t *testing.T) {
	p := panelOf(series("AA", data.Equity, weekdays(5), []float64{100, 110, 108, 118.8, 118.8}))
	s := mustParse(t, `name = "vol"
[[shock]]
type = "volatility"
symbols = ["AA"]
date = 2025-01-07
until = 2025-01-11
k = 2`)
	divs := map[string][]engine.Dividend{"AA": {{Time: day(2), Amount: 2}}}
	out, _ := mustApply(t, s, p, ApplyOptions{Dividends: divs})
	a := 100 * math.Pow(1.1, 1.5)
	for k, want := range []float64{100, a, 108, 108 * math.Pow(1.1, 1.5), 118.8} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
}

// A follower whose holder's returns are the driver's has a beta of 1
// and moves by the driver's move, also when its raw closes hold cash
// dividends of 3 % of the price every tenth day in the lookback (each
// read as a fall of 3 % beside the driver's flat day pulled its beta
// away from 1).
func TestPropagateBetaAcrossDividends(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 60
	d, f := make([]float64, n), make([]float64, n)
	d[0], f[0] = 100, 100
	var divs []engine.Dividend
	for k := 1; k < n; k++ {
		g := math.Exp(0.02 * r.NormFloat64())
		d[k] = d[k-1] * g
		f[k] = f[k-1] * g
		if k%10 == 0 {
			divs = append(divs, engine.Dividend{Time: day(k), Amount: 0.03 * f[k]})
			f[k] *= 0.97 // the holder's return g: (0.97 f + 0.03 f) / f before
		}
	}
	p := panelOf(series("DRV", data.Crypto, seq(n), d), series("FOL", data.Crypto, seq(n), f))
	s := mustParse(t, `name = "prop"
[[shock]]
type = "propagate"
symbols = ["FOL"]
date = 2025-03-06
drivers = { DRV = -0.2 }
lookback_days = 60
min_obs = 20`)
	out, _ := mustApply(t, s, p, ApplyOptions{Dividends: map[string][]engine.Dividend{"FOL": divs}})
	k := 59 // 2025-03-06 is day 59
	near(t, "FOL close on the shock's day", out.Series[1].Close[k], 0.8*f[k], 1e-9)
}

// A shock on a Monte Carlo path reads the holder's return across its
// source's dividends (MonteCarloConfig.ShockSourceDividends), which may
// run past the history the paths draw from. AA's history is flat at 100
// (weekdays of days 0–11); the shock's source runs on to day 18 with a
// dividend of 2 on day 14: its raw close 98 from there, the holder's
// price flat. The replay of days 7–18 leaves every path's close at 100;
// read as a move, the dividend's fall took every replayed path to 98.
func TestMonteCarloShockReadsSourceDividends(t *testing.T) {
	hist := []int{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}
	src := panelOf(series("AA", data.Equity, hist, flat(len(hist), 100)))
	long := append(append([]int{}, hist...), 14, 15, 16, 17, 18)
	shockSrc := panelOf(series("AA", data.Equity, long, append(flat(len(hist), 100), flat(5, 98)...)))
	shock := &Scenario{Name: "replay", Shocks: []Shock{&Transplant{Target: Target{Symbols: []string{"AA"}}, From: day(7), To: day(19)}}}
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 8, Length: 14, MeanBlock: 2, Seed: 3,
		Shock: shock, ShockProb: 1, ShockSource: shockSrc,
		ShockSourceDividends: map[string][]engine.Dividend{"AA": {{Time: day(14), Amount: 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		for j, c := range p.Panel.Series[0].Close {
			near(t, "path close "+data.FormatDay(p.Panel.Series[0].Time[j]), c, 100, 1e-12)
		}
	}
}

// A shock on a Monte Carlo path reads the path's own dividends
// (Path.Dividends, those of the source dates it draws): AA's history is
// 100 on days 0–4 and 98 from day 7, a dividend of 2 (its holder's
// price flat), and a replay of that history (the holder's returns, all
// 1) over each path from its shock's date leaves the holder's price
// flat: every bar's close plus the dividend the path pays there is the
// close before (98 + 2 = 100 on a bar that draws day 7, then 100 × 0.98
// × …). The replay laid a return of 1 on a drawn ex-date with no fall
// while the path paid the dividend.
func TestMonteCarloShockReadsPathDividends(t *testing.T) {
	hist := []int{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}
	src := panelOf(series("AA", data.Equity, hist, append(flat(5, 100), flat(5, 98)...)))
	divs := map[string][]engine.Dividend{"AA": {{Time: day(7), Amount: 2}}}
	shock := &Scenario{Name: "replay", Shocks: []Shock{&Transplant{Target: Target{Symbols: []string{"AA"}}, From: day(1), To: day(12)}}}
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 8, Length: 14, MeanBlock: 2, Seed: 3,
		Shock: shock, ShockProb: 1, ShockSource: src, ShockSourceDividends: divs, Dividends: divs})
	if err != nil {
		t.Fatal(err)
	}
	paid := 0
	for i := range 8 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		s := &p.Panel.Series[0]
		d := dividendCash(s, p.Dividends["AA"], nil)
		for k := 1; k < s.Len(); k++ {
			got := s.Close[k]
			if d != nil && d[k] > 0 {
				got += d[k]
				paid++
			}
			near(t, fmt.Sprintf("path %d: close + dividend on %s", i, data.FormatDay(s.Time[k])), got, s.Close[k-1], 1e-12)
		}
	}
	if paid == 0 {
		t.Fatal("no path paid a dividend: the test draws no ex-date")
	}
}
