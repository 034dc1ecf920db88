package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

const tol = 1e-12

func TestJumpGap(t *testing.T) {
	// BTC flat at 100 (bars o=100 h=101 l=99 c=100), a -10% gap at day 2:
	// bars 2.. are scaled by 0.9: closes 100, 100, 90, 90; bar 2 opens at 90,
	// high 101·0.9 = 90.9, low 99·0.9 = 89.1.
	p := panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100)))
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 2
move = -0.1`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	b := out.Series[0]
	for k, want := range []float64{100, 100, 90, 90} {
		near(t, "close", b.Close[k], want, tol)
	}
	near(t, "open[2]", b.Open[2], 90, tol)
	near(t, "high[2]", b.High[2], 90.9, tol)
	near(t, "low[2]", b.Low[2], 89.1, tol)
	near(t, "open[1]", b.Open[1], 100, tol)
}

func TestJumpIntraday(t *testing.T) {
	// gap = false: bar 2 opens at the old level 100; close 90, high
	// max(101·0.9, 100) = 100 (the open), low 89.1. Bar 3 is a gap-free 90.
	p := panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100)))
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 2
gap = false
move = -0.1`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	b := out.Series[0]
	near(t, "open[2]", b.Open[2], 100, tol)
	near(t, "high[2]", b.High[2], 100, tol)
	near(t, "low[2]", b.Low[2], 89.1, tol)
	near(t, "close[2]", b.Close[2], 90, tol)
	near(t, "open[3]", b.Open[3], 90, tol)
}

func TestJumpSpreadRecover(t *testing.T) {
	// move x = -0.19 over N = 2 bars from day 1, then y = 0.5 recovered over
	// M = 2 bars. G1 = 0.81, G2 = 1 - 0.19·0.5 = 0.905.
	// g(0) = 0.81^(1/2) = 0.9; g(1) = 0.81;
	// g(2) = 0.81·(0.905/0.81)^(1/2) = sqrt(0.81·0.905) = sqrt(0.73305);
	// g(3) = 0.905, and 0.905 thereafter.
	p := panelOf(series("BTC", data.Crypto, seq(7), flat(7, 100)))
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 1
move = -0.19
spread_days = 2
recover = 0.5
recover_days = 2`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	want := []float64{100, 90, 81, 100 * math.Sqrt(0.73305), 90.5, 90.5, 90.5}
	for k, w := range want {
		near(t, "close", out.Series[0].Close[k], w, tol)
	}
}

func TestJumpOverridesAndCalendars(t *testing.T) {
	// The shock "at" Saturday day 5 hits crypto on Saturday and the
	// equity on Monday (day 7), its first bar on or after the date.
	p := panelOf(
		series("NVDA", data.Equity, weekdays(8), flat(8, 100)),
		series("TAO", data.Crypto, seq(10), flat(10, 100)),
	)
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
groups = ["ai_tech", "ai_tokens"]
day = 5
move = -0.5
overrides = { TAO = -0.2, ORCL = 0.1 }  # ORCL: in ai_tech, missing from the panel: skipped`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	nv, tao := out.Series[0], out.Series[1]
	// NVDA bars: days 0-4 (Mon-Fri), 7, 8, 9: bar 5 is Monday day 7.
	near(t, "NVDA Fri", nv.Close[4], 100, tol)
	near(t, "NVDA Mon", nv.Close[5], 50, tol)
	near(t, "TAO Fri", tao.Close[4], 100, tol)
	near(t, "TAO Sat", tao.Close[5], 80, tol)
}

func TestVolatility(t *testing.T) {
	// closes 100, 121, 121, 130; window bars 1-2 (days 1, 2).
	// r = ln 1.21, 0; μ = ln 1.1; r' = μ + 2(r − μ) = ln(1.21²/1.1) = ln 1.331,
	// then −ln 1.1: closes 133.1, 121 (the window's mean return is kept),
	// and bar 3 keeps its return: 130.
	// Intrabar: bar 1 high/close = 1.01 → (1.01)² · 133.1.
	p := panelOf(series("BTC", data.Crypto, seq(4), []float64{100, 121, 121, 130}))
	s := mustParse(t, `name = "v"
[[shock]]
type = "volatility"
symbols = ["BTC"]
day = 1
days = 2
k = 2`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	b := out.Series[0]
	for k, w := range []float64{100, 133.1, 121, 130} {
		near(t, "close", b.Close[k], w, 1e-12)
	}
	near(t, "high[1]", b.High[1], 133.1*1.01*1.01, 1e-12)
	near(t, "low[1]", b.Low[1], 133.1*0.99*0.99, 1e-12)
	near(t, "open[1]", b.Open[1], 133.1, 1e-12)
}

func TestCorrelation(t *testing.T) {
	// Three log returns in the window (closes from 100 by exp):
	//   A: r = (0.03, 0, 0),  μ = 0.01,  d = (0.02, −0.01, −0.01),  Σd² = 0.0006
	//   B: r = (0, 0.03, 0),  μ = 0.01,  d = (−0.01, 0.02, −0.01), Σd² = 0.0006
	//   f − φ = (d_A + d_B)/2 = (0.005, 0.005, −0.01)
	// m = (1−ρ)d + ρ(f − φ), r' = μ + λm, λ = √(Σd² / Σm²):
	//   ρ = 1:   m = (0.005, 0.005, −0.01) for both, Σm² = 0.00015, λ = 2:
	//            r' = (0.02, 0.02, −0.01) for both (correlation 1, each
	//            one's Σd'² still 0.0006, its total still 0.03).
	//   ρ = 0.5: m_A = (0.0125, −0.0025, −0.01), Σm² = 0.0002625,
	//            λ = √(0.0006/0.0002625) = √(16/7) = 4/√7;
	//            m_B = (−0.0025, 0.0125, −0.01), the same λ.
	//   ρ = 0:   unchanged.
	// (Pulling the raw returns to f, the old rule, gave A
	// (0.0225, 0.0075, 0) at ρ = 0.5 and a window's variance of 0.000225
	// against 0.0006.)
	ra, rb := []float64{0.03, 0, 0}, []float64{0, 0.03, 0}
	closes := func(r []float64) []float64 {
		c := []float64{100}
		for _, x := range r {
			c = append(c, c[len(c)-1]*math.Exp(x))
		}
		return c
	}
	mk := func() *data.Panel {
		return panelOf(series("A", data.Crypto, seq(4), closes(ra)), series("B", data.Crypto, seq(4), closes(rb)))
	}
	l := 4 / math.Sqrt(7)
	for _, c := range []struct {
		rho  string
		a, b []float64
	}{
		{"0.5", []float64{0.01 + l*0.0125, 0.01 - l*0.0025, 0.01 - l*0.01}, []float64{0.01 - l*0.0025, 0.01 + l*0.0125, 0.01 - l*0.01}},
		{"1.0", []float64{0.02, 0.02, -0.01}, []float64{0.02, 0.02, -0.01}},
		{"0.0", ra, rb},
	} {
		s := mustParse(t, `name = "c"
[[shock]]
type = "correlation"
symbols = ["A", "B"]
day = 0
days = 5
rho = `+c.rho)
		out, _ := mustApply(t, s, mk(), ApplyOptions{})
		wa, wb := closes(c.a), closes(c.b)
		for k := range wa {
			near(t, fmt.Sprintf("A[%d] rho=%s", k, c.rho), out.Series[0].Close[k], wa[k], 1e-10)
			near(t, fmt.Sprintf("B[%d] rho=%s", k, c.rho), out.Series[1].Close[k], wb[k], 1e-10)
		}
	}

	// Instruments on different calendars: f_t is the mean over those with
	// a bar at t, and φ and λ are taken over each one's own bars. ρ = 1,
	// y = ln 1.02. From a Monday, E on weekdays (returns on days 1–4 and 7)
	// moves x = 4y on day 1 and 0 after; C every day (days 1–7) moves y on
	// days 5 and 6 (the weekend) and 0 otherwise.
	//   f: day 1 = x/2 = 2y; days 2–4 and 7 = 0; days 5, 6 = y.
	//   E: μ = x/5, φ_E = 2y/5 = x/10; d = x·(0.8, −0.2 ×4), Σd² = 0.8x²;
	//      f − φ_E = x·(0.4, −0.1 ×4), Σ = 0.2x², λ = 2: r' = r, E is
	//      unchanged (on its days only its own move drives f).
	//   C: μ = 2y/7, φ_C = (2y + 2y)/7 = 4y/7; Σd² = 5(2y/7)² + 2(5y/7)²
	//      = 70y²/49; f − φ_C = (10, −4, −4, −4, 3, 3, −4)·y/7, Σ = 182y²/49,
	//      λ = √(70/182) = √(5/13): r'_C = 2y/7 + √(5/13)·(f − φ_C), so
	//      C_1 = 100·exp(2y/7 + √(5/13)·10y/7); C still ends at 100·1.02².
	y := math.Log(1.02)
	ce := []float64{100, 100 * math.Pow(1.02, 4), 100 * math.Pow(1.02, 4), 100 * math.Pow(1.02, 4), 100 * math.Pow(1.02, 4), 100 * math.Pow(1.02, 4)}
	cc := []float64{100, 100, 100, 100, 100, 102, 100 * 1.02 * 1.02, 100 * 1.02 * 1.02}
	p := panelOf(series("E", data.Equity, weekdays(6), ce), series("C", data.Crypto, seq(8), cc))
	s := mustParse(t, `name = "c"
[[shock]]
type = "correlation"
symbols = ["E", "C"]
day = 0
days = 30
rho = 1`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	for k, want := range ce {
		near(t, fmt.Sprintf("E[%d]", k), out.Series[0].Close[k], want, 1e-10)
	}
	near(t, "C[1]", out.Series[1].Close[1], 100*math.Exp(2*y/7+math.Sqrt(5.0/13)*10*y/7), 1e-10)
	near(t, "C[7]", out.Series[1].Close[7], cc[7], 1e-10)
}

// A correlation shock and then a volatility shock over the same window, as
// the library's hypothetical scenarios lay them out: each instrument's
// window keeps its mean log return and its volatility is k times its own
// (the correlation shock keeps it; the volatility shock scales it), and
// the pairwise correlation of the window's returns rises. On a random
// market of six instruments, checked with the population moments of each
// window's log returns, computed here.
func TestCorrelationThenVolatilityKeepsMomentsByDesign(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	syms := []string{"A", "B", "C", "D", "E", "F"}
	p := randomPanel(r, syms, 120)
	s := mustParse(t, `name = "cv"
[[shock]]
type = "correlation"
symbols = ["A", "B", "C", "D", "E", "F"]
day = 10
days = 60
rho = 0.5
[[shock]]
type = "volatility"
symbols = ["A", "B", "C", "D", "E", "F"]
day = 10
days = 60
k = 2`)
	out, _ := mustApply(t, s, p, ApplyOptions{Start: p.Series[0].Time[0]})
	// The window: the bars from day 10 after the first bar for 60 days
	// (each one's return from the close before).
	from := p.Series[0].Time[0] + 10*data.NanosPerDay
	to := from + 60*data.NanosPerDay
	window := func(s data.Series) []float64 {
		var r []float64
		for k := 1; k < s.Len(); k++ {
			if s.Time[k] >= from && s.Time[k] < to {
				r = append(r, math.Log(s.Close[k]/s.Close[k-1]))
			}
		}
		return r
	}
	moments := func(x []float64) (m, sd float64) {
		for _, v := range x {
			m += v
		}
		m /= float64(len(x))
		for _, v := range x {
			sd += (v - m) * (v - m)
		}
		return m, math.Sqrt(sd / float64(len(x)))
	}
	corr := func(x, y []float64) float64 {
		mx, sx := moments(x)
		my, sy := moments(y)
		c := 0.0
		for k := range x {
			c += (x[k] - mx) * (y[k] - my)
		}
		return c / float64(len(x)) / (sx * sy)
	}
	var before, after float64
	for i := range syms {
		m0, s0 := moments(window(p.Series[i]))
		m1, s1 := moments(window(out.Series[i]))
		near(t, syms[i]+" mean", m1, m0, 1e-12)
		near(t, syms[i]+" sd", s1, 2*s0, 1e-12)
		for j := i + 1; j < len(syms); j++ {
			before += corr(window(p.Series[i]), window(p.Series[j]))
			after += corr(window(out.Series[i]), window(out.Series[j]))
		}
	}
	if !(after > before+1) {
		t.Errorf("sum of the 15 pairwise correlations %g before, %g after: want a rise", before, after)
	}
}

func TestWick(t *testing.T) {
	// bar 1: o=100 h=101 l=99 c=100. move = -0.3 → low 99·0.7 = 69.3.
	p := panelOf(series("BTC", data.Crypto, seq(3), flat(3, 100)))
	s := mustParse(t, `name = "w"
[[shock]]
type = "wick"
symbols = ["BTC"]
day = 1
move = -0.3`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	b := out.Series[0]
	near(t, "low", b.Low[1], 69.3, tol)
	near(t, "close", b.Close[1], 100, tol)
	near(t, "high", b.High[1], 101, tol)

	// With close = -0.05: an intrabar move first (open stays 100, close 95,
	// high max(101·0.95, 100) = 100, low 99·0.95 = 94.05, later bars ×0.95),
	// then the wick: low 94.05·0.7 = 65.835. High side: move = +0.2 → 120.
	s = mustParse(t, `name = "w"
[[shock]]
type = "wick"
symbols = ["BTC"]
day = 1
move = -0.3
close = -0.05
[[shock]]
type = "wick"
symbols = ["BTC"]
day = 2
move = 0.2`)
	out, _ = mustApply(t, s, p, ApplyOptions{})
	b = out.Series[0]
	near(t, "open", b.Open[1], 100, tol)
	near(t, "close", b.Close[1], 95, tol)
	near(t, "high", b.High[1], 100, tol)
	near(t, "low", b.Low[1], 65.835, tol)
	near(t, "close[2]", b.Close[2], 95, tol)
	near(t, "high[2]", b.High[2], 101*0.95*1.2, tol)
}

func TestLiquidityAndEnv(t *testing.T) {
	p := panelOf(series("NVDA", data.Equity, weekdays(10), flat(10, 100)), series("BTC", data.Crypto, seq(14), flat(14, 100)))
	s := mustParse(t, `name = "l"
[[shock]]
type = "liquidity"
groups = ["majors"]
day = 2
days = 4          # [day 2, day 6)
slippage_mult = 3
spread_mult = 2
volume_mult = 0.25
[[shock]]
type = "liquidity"
symbols = ["BTC"]
day = 4
days = 4          # [day 4, day 8): overlaps, multipliers multiply
spread_mult = 5
[[shock]]
type = "funding"
symbols = ["BTC"]
day = 0
days = 10
rate = 0.01
[[shock]]
type = "funding"
symbols = ["BTC"]
day = 5
days = 10
mult = 2          # after the set: 0.01·2 from day 5 to 9, base·2 from 10 to 14
[[shock]]
type = "borrow"
symbols = ["NVDA"]
day = 1
days = 3
mult = 4
[[shock]]
type = "borrow"
symbols = ["NVDA"]
day = 2
days = 1
rate = 0.5        # set after the mult: replaces it on day 2
[[shock]]
type = "recall"
symbols = ["NVDA"]
day = 5           # Saturday: NVDA's next bar is Monday day 7`)
	out, env := mustApply(t, s, p, ApplyOptions{})
	btc := out.Series[1]
	for k := range btc.Time {
		want := 1000.0
		if k >= 2 && k < 6 {
			want = 250
		}
		near(t, "volume", btc.Volume[k], want, tol)
	}
	if &out.Series[0].Volume[0] != &p.Series[0].Volume[0] {
		t.Error("NVDA volume was copied though no shock touched it")
	}
	cases := []struct {
		day                  int
		slip, spread, fundng float64
	}{
		{1, 1, 1, 0.01}, {2, 3, 2, 0.01}, {4, 3, 10, 0.01}, {5, 3, 10, 0.02}, {6, 1, 5, 0.02}, {8, 1, 1, 0.02}, {10, 1, 1, -0.002}, {15, 1, 1, -0.001},
	}
	for _, c := range cases {
		f := env.At(1, day(c.day))
		near(t, "slippage", f.SlippageMult, c.slip, tol)
		near(t, "spread", f.SpreadMult, c.spread, tol)
		near(t, "funding", f.Funding(-0.001), c.fundng, tol)
	}
	near(t, "borrow day 1", env.At(0, day(1)).Borrow(0.02), 0.08, tol)
	near(t, "borrow day 2", env.At(0, day(2)).Borrow(0.02), 0.5, tol)
	near(t, "borrow day 3", env.At(0, day(3)).Borrow(0.02), 0.08, tol)
	near(t, "borrow day 4", env.At(0, day(4)).Borrow(0.02), 0.02, tol)
	if env.At(0, day(5)).Recall || !env.At(0, day(7)).Recall || env.At(0, day(8)).Recall {
		t.Error("recall should be on Monday day 7 only")
	}
	if got := env.Recalls(0); len(got) != 1 || got[0] != day(7) {
		t.Errorf("recalls = %v", got)
	}
	var nilEnv *Env
	if f := nilEnv.At(0, 0); f.SlippageMult != 1 || !math.IsNaN(f.FundingSet) {
		t.Error("nil env not neutral")
	}
	allocs := testing.AllocsPerRun(100, func() {
		for k := 0; k < 20; k++ {
			_ = env.At(1, day(k))
			_ = env.At(0, day(k))
		}
	})
	if allocs != 0 {
		t.Errorf("Env.At allocates %v times", allocs)
	}
}

func TestTransplant(t *testing.T) {
	// source: 50 (day 0) → 40 (day 1, -20%) → 44 (day 2, +10%); window
	// [day 1, day 3). Bar 1 of the source has o=45 h=46 l=38 c=40.
	src := panelOf(series("BTC", data.Crypto, seq(3), []float64{50, 40, 44}))
	src.Series[0].Open[1], src.Series[0].High[1], src.Series[0].Low[1] = 45, 46, 38
	dst := panelOf(series("BTC", data.Crypto, seq(6), flat(6, 100)))
	text := `name = "replay"
[[shock]]
type = "transplant"
groups = ["majors"]
from = 2025-01-07
to = 2025-01-09
day = 2`
	s := mustParse(t, text)
	// closes: 100, 100, 100·0.8 = 80, 80·1.1 = 88, then 88 (level carries).
	// bar 2's shape from the source: open 80·45/40 = 90, high 80·46/40 = 92,
	// low 80·38/40 = 76.
	out, _ := mustApply(t, s, dst, ApplyOptions{Source: src})
	b := out.Series[0]
	for k, w := range []float64{100, 100, 80, 88, 88, 88} {
		near(t, "close", b.Close[k], w, 1e-12)
	}
	near(t, "open[2]", b.Open[2], 90, 1e-12)
	near(t, "high[2]", b.High[2], 92, 1e-12)
	near(t, "low[2]", b.Low[2], 76, 1e-12)

	_, _, err := s.Apply(dst, nil, ApplyOptions{})
	wantErr(t, err, `scenario "replay": shock[0] (transplant 2025-01-07 to 2025-01-09): needs a source panel`)

	// An explicit symbol missing from the source is an error; a group
	// member missing is skipped.
	s2 := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["BTC", "ETH"]
from = 2025-01-07
to = 2025-01-09
day = 2`)
	dst2 := panelOf(series("BTC", data.Crypto, seq(6), flat(6, 100)), series("ETH", data.Crypto, seq(6), flat(6, 100)))
	_, _, err = s2.Apply(dst2, nil, ApplyOptions{Source: src})
	wantErr(t, err, `shock[0].symbols: "ETH" is not in the source panel`)
	out, _ = mustApply(t, s, dst2, ApplyOptions{Source: src})
	near(t, "ETH untouched", out.Series[1].Close[3], 100, 0)
}

// A replay whose source has no bars in its window for any instrument it
// replays (data that end before it: the main price folder's crypto,
// which ends around 2026-01-01, under a replay of 2026-02) is an error
// naming the window and where the source's data lie; it was a scenario
// that changed nothing, each member noted. A source that covers the
// window for one member replays it and notes the other, as before.
func TestTransplantBeyondSource(t *testing.T) {
	s := mustParse(t, `name = "late"
[[shock]]
type = "transplant"
groups = ["majors"]
from = 2025-01-20
to = 2025-01-22
day = 2`)
	dst := panelOf(series("BTC", data.Crypto, seq(30), flat(30, 100)), series("ETH", data.Crypto, seq(30), flat(30, 100)))
	// the source ends on day 2 (2025-01-08), before the window (days 14, 15)
	src := panelOf(series("BTC", data.Crypto, seq(3), []float64{50, 40, 44}), series("ETH", data.Crypto, seq(3), []float64{5, 4, 4.4}))
	_, _, err := s.Apply(dst, nil, ApplyOptions{Source: src})
	wantErr(t, err, `scenario "late": shock[0] (transplant 2025-01-20 to 2025-01-22): the source has no bars in that window for any instrument it replays (BTC, ETH): its data run from 2025-01-06 to 2025-01-08; a replay needs real prices covering the window`)

	// ETH's source covers the window (days 0..19): closes 10 then ×2 on
	// day 14 (2025-01-20) and ×0.5 on day 15: ETH is replayed from day 2,
	// 100 → 200 → 100; BTC is noted and left as it was.
	eth := flat(20, 10)
	eth[14] = 20
	src2 := panelOf(src.Series[0], series("ETH", data.Crypto, seq(20), eth))
	var notes []string
	out, _, err := s.Apply(dst, nil, ApplyOptions{Source: src2, Note: func(_, n string) { notes = append(notes, n) }})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "ETH day 2", out.Series[1].Close[2], 200, 1e-12)
	near(t, "ETH day 3", out.Series[1].Close[3], 100, 1e-12)
	near(t, "BTC", out.Series[0].Close[2], 100, 0)
	if len(notes) != 1 || !strings.Contains(notes[0], "BTC is not replayed: its source has no bars from 2025-01-20 to 2025-01-22") {
		t.Errorf("notes %q", notes)
	}
}

func TestTransplantSelf(t *testing.T) {
	// self = true replays the panel's own history: closes 100, 50, 60, 60,
	// 60; window [day 1, day 3) gives returns ×0.5, ×1.2, spliced at day 3:
	// 100, 50, 60, 30, 36.
	p := panelOf(series("BTC", data.Crypto, seq(5), []float64{100, 50, 60, 60, 60}))
	s := mustParse(t, `name = "self"
[[shock]]
type = "transplant"
symbols = ["BTC"]
self = true
from = 2025-01-07
to = 2025-01-09
day = 3`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	for k, w := range []float64{100, 50, 60, 30, 36} {
		near(t, "close", out.Series[0].Close[k], w, 1e-12)
	}
}

func TestPropagate(t *testing.T) {
	// Driver D has pseudo-random log returns; follower F = 0.001 + 2·r_D
	// exactly, so OLS gives β = 2 and a -10% driver move gives
	// F: exp(2·ln 0.9) − 1 = 0.81 − 1 = −19%.
	r := rand.New(rand.NewPCG(1, 2))
	n := 100
	dc, fc := make([]float64, n), make([]float64, n)
	dc[0], fc[0] = 100, 50
	for k := 1; k < n; k++ {
		x := 0.02 * r.NormFloat64()
		dc[k] = dc[k-1] * math.Exp(x)
		fc[k] = fc[k-1] * math.Exp(0.001+2*x)
	}
	p := panelOf(series("D", data.Crypto, seq(n), dc), series("F", data.Crypto, seq(n), fc))
	text := `name = "p"
[[shock]]
type = "propagate"
drivers = { D = -0.1 }
symbols = ["F"]
day = 80
lookback_days = 60`
	s := mustParse(t, text)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	near(t, "D move", out.Series[0].Close[80]/out.Series[0].Close[79]/(dc[80]/dc[79]), 0.9, 1e-12)
	near(t, "F move", out.Series[1].Close[80]/out.Series[1].Close[79]/(fc[80]/fc[79]), 0.81, 1e-9)

	// Only past data: changing F after the shock date changes nothing in
	// the estimate.
	p2 := deepCopy(p)
	for k := 80; k < n; k++ {
		p2.Series[1].Close[k] *= 1 + 0.1*float64(k%3)
		p2.Series[1].High[k] = max(p2.Series[1].High[k], p2.Series[1].Close[k])
	}
	out2, _ := mustApply(t, s, p2, ApplyOptions{})
	near(t, "F move (future changed)", out2.Series[1].Close[80]/out2.Series[1].Close[79]/(p2.Series[1].Close[80]/p2.Series[1].Close[79]), 0.81, 1e-9)

	// Too little history is an error naming the shock and the follower.
	s = mustParse(t, `name = "p"
[[shock]]
type = "propagate"
drivers = { D = -0.1 }
symbols = ["F"]
day = 10`)
	_, _, err := s.Apply(p, nil, ApplyOptions{})
	wantErr(t, err, `shock[0]: F: 9 common observations`)
}

func TestCompositionOrder(t *testing.T) {
	// Flat 100 on days 0-3. Jump -50% at day 2 and a k = 2 volatility
	// regime over days 1-3.
	// jump then vol: closes 100, 100, 50, 50 → returns 0, ln ½, 0, μ = ln ½ / 3,
	//   r' = 2r − μ: bar 1 = 100·2^(1/3), bar 2 = 100·2^(1/3)·2^(-5/3) = 100·2^(-4/3),
	//   bar 3 = 100·2^(-4/3)·2^(1/3) = 50.
	// vol then jump: the flat path has no deviations, so 100, 100, 50, 50.
	jump := `
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 2
move = -0.5`
	vol := `
[[shock]]
type = "volatility"
symbols = ["BTC"]
day = 1
days = 3
k = 2`
	p := panelOf(series("BTC", data.Crypto, seq(4), flat(4, 100)))
	a, _ := mustApply(t, mustParse(t, `name = "a"`+jump+vol), p, ApplyOptions{})
	b, _ := mustApply(t, mustParse(t, `name = "b"`+vol+jump), p, ApplyOptions{})
	for k, w := range []float64{100, 100 * math.Cbrt(2), 100 * math.Pow(2, -4.0/3), 50} {
		near(t, "jump→vol", a.Series[0].Close[k], w, 1e-12)
	}
	for k, w := range []float64{100, 100, 50, 50} {
		near(t, "vol→jump", b.Series[0].Close[k], w, 1e-12)
	}
}

func TestOriginalUntouched(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	syms := []string{"MSFT", "NVDA", "AMD", "TAO", "RENDER", "BTC", "ETH", "SOL", "MARA", "IREN", "CIFR", "QQQ", "SPY", "9984.T", "ORCL", "META", "NEAR", "ICP"}
	p := randomPanel(r, syms, 200)
	// the source covers the replays' windows, 2020-03 to 2026-04: random
	// walks from 2019-11-04 (d0 − 1890 days) over 2450 days, to 2026-05-26
	src := randomPanel(rand.New(rand.NewPCG(5, 6)), syms, 2450)
	for i := range src.Series {
		for k := range src.Series[i].Time {
			src.Series[i].Time[k] -= 1890 * data.NanosPerDay
		}
	}
	before, srcBefore := deepCopy(p), deepCopy(src)
	lib, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range lib {
		out, _, err := s.Apply(p, nil, ApplyOptions{Start: d0 + 20*data.NanosPerDay, Source: src})
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		checkOHLC(t, out, s.Name)
	}
	samePanel(t, p, before)
	samePanel(t, src, srcBefore)

	// Copy-on-write: an instrument no shock touches shares its columns.
	s := mustParse(t, `name = "one"
[[shock]]
type = "jump"
symbols = ["TAO"]
day = 3
move = -0.2`)
	out, _ := mustApply(t, s, p, ApplyOptions{})
	for i := range p.Series {
		shared := &out.Series[i].Close[0] == &p.Series[i].Close[0]
		if shared == (p.Series[i].Symbol == "TAO") {
			t.Errorf("%s: close shared = %v", p.Series[i].Symbol, shared)
		}
	}
}

// TestOHLCProperty applies random compositions of random shocks to random
// panels and checks every bar after every scenario.
func TestOHLCProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	syms := []string{"NVDA", "AMD", "TAO", "BTC", "ETH", "MARA"}
	for trial := 0; trial < 300; trial++ {
		p := randomPanel(r, syms, 60)
		before := deepCopy(p)
		sc := &Scenario{Name: "random"}
		for j := 0; j < 1+r.IntN(5); j++ {
			sc.Shocks = append(sc.Shocks, randomShock(r, syms))
		}
		out, _, err := sc.Apply(p, nil, ApplyOptions{Source: before, Rand: r})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		checkOHLC(t, out, "trial")
		samePanel(t, p, before)
	}
}

func randomShock(r *rand.Rand, syms []string) Shock {
	tg := Target{Symbols: []string{syms[r.IntN(len(syms))], syms[r.IntN(len(syms))]}}
	if r.IntN(3) == 0 {
		tg = Target{Groups: []string{"majors", "semis"}}
	}
	w := When{Day: r.IntN(50)}
	if r.IntN(4) == 0 {
		w = When{Random: true}
	}
	win := Window{Days: 1 + r.IntN(20)}
	move := -0.95 + 2*r.Float64()
	jp := JumpPath{Gap: r.IntN(2) == 0, SpreadDays: 1 + r.IntN(5), Recover: r.Float64(), RecoverDays: 1 + r.IntN(5)}
	switch r.IntN(7) {
	case 0:
		return &Jump{Target: tg, When: w, JumpPath: jp, Move: move}
	case 1:
		return &Volatility{Target: tg, When: w, Window: win, K: 3 * r.Float64()}
	case 2:
		return &Correlation{Target: tg, When: w, Window: win, Rho: r.Float64()}
	case 3:
		return &Wick{Target: tg, When: w, Move: move, Close: -0.5 + r.Float64()}
	case 4:
		return &Transplant{Target: tg, When: w, From: day(r.IntN(30)), To: day(30 + r.IntN(20))}
	case 5:
		return &Liquidity{Target: tg, When: w, Window: win, SlippageMult: 2, VolumeMult: r.Float64()}
	default:
		return &Propagate{Target: Target{Symbols: []string{"NVDA", "TAO"}}, When: When{Day: 45 + r.IntN(10)}, JumpPath: jp,
			Drivers: map[string]float64{"BTC": move}, LookbackDays: 40, MinObs: 10}
	}
}

// On intraday bars spread_days and recover_days count trading dates, not
// bars: a −19 % move over 2 days, half recovered over 1, from Monday
// 2025-01-06 (day 0 of the start) spreads over a token's 48 hourly bars
// of Monday and Tuesday and recovers over Wednesday's 24, and over an
// equity's 14 bars of two sessions (7 hourly bars each, 14:30Z..20:30Z)
// and recovers over the next session's 7. With G1 = 0.81, G2 = 0.905:
// close j = 100·0.81^((j+1)/N) for j < N, 100·0.81·(0.905/0.81)^((j−N+1)/M)
// for N ≤ j < N+M, then 90.5. spread_days = 1 stays one bar.
func TestJumpSpreadIntradayDays(t *testing.T) {
	start := data.Day(2025, 1, 6)
	hourly := func(sym string, class data.Class, times []int64) data.Series {
		s := series(sym, class, make([]int, len(times)), flat(len(times), 100))
		copy(s.Time, times)
		s.Interval = data.Hour
		return s
	}
	var tk, eq []int64
	for d := int64(0); d < 5; d++ {
		for h := int64(0); h < 24; h++ {
			tk = append(tk, start+d*data.NanosPerDay+h*3600e9)
		}
		for h := int64(0); h < 7; h++ {
			eq = append(eq, start+d*data.NanosPerDay+(14*60+30+60*h)*60e9)
		}
	}
	p := panelOf(hourly("TK", data.Crypto, tk), hourly("EQ", data.Equity, eq))
	s := mustParse(t, `name = "j"
[[shock]]
type = "jump"
symbols = ["TK", "EQ"]
day = 0
move = -0.19
spread_days = 2
recover = 0.5
recover_days = 1
[[shock]]
type = "jump"
symbols = ["TK"]
day = 4
move = -0.5`)
	out, _ := mustApply(t, s, p, ApplyOptions{Start: start})
	for _, c := range []struct {
		i, N, M, n int
	}{{0, 48, 24, 120}, {1, 14, 7, 35}} {
		for j := 0; j < c.n; j++ {
			want := 90.5
			switch {
			case j < c.N:
				want = 100 * math.Pow(0.81, float64(j+1)/float64(c.N))
			case j < c.N+c.M:
				want = 100 * 0.81 * math.Pow(0.905/0.81, float64(j-c.N+1)/float64(c.M))
			}
			if c.i == 0 && j >= 96 {
				want *= 0.5 // Friday's jump, at once on its first bar
			}
			near(t, out.Series[c.i].Symbol+" close", out.Series[c.i].Close[j], want, 1e-12)
		}
	}
}

// Propagate on intraday bars off each other's grid: an equity at :30
// cannot drive a token at :00 (no bar time in common), and the error says
// why.
func TestPropagateOffGridSaysWhy(t *testing.T) {
	start := data.Day(2025, 1, 6)
	var tk, eq []int64
	for d := int64(0); d < 40; d++ {
		for h := int64(0); h < 24; h++ {
			tk = append(tk, start+d*data.NanosPerDay+h*3600e9)
		}
		if data.Weekday(start+d*data.NanosPerDay) < 5 {
			for h := int64(0); h < 7; h++ {
				eq = append(eq, start+d*data.NanosPerDay+(14*60+30+60*h)*60e9)
			}
		}
	}
	hourly := func(sym string, class data.Class, times []int64) data.Series {
		c := make([]float64, len(times))
		for k := range c {
			c[k] = 100 * math.Exp(0.01*math.Sin(float64(k)))
		}
		s := series(sym, class, make([]int, len(times)), c)
		copy(s.Time, times)
		s.Interval = data.Hour
		return s
	}
	p := panelOf(hourly("EQ", data.Equity, eq), hourly("TK", data.Crypto, tk))
	s := mustParse(t, `name = "p"
[[shock]]
type = "propagate"
drivers = { EQ = -0.1 }
symbols = ["TK"]
day = 30
lookback_days = 20`)
	_, _, err := s.Apply(p, nil, ApplyOptions{Start: start})
	wantErr(t, err, `shock[0]: TK: 0 common observations`)
	wantErr(t, err, `equities at :30 beside tokens at :00, never share one`)
}

// A shock that takes a price outside the range a loaded price may hold
// ([data.MinPrice, data.MaxPrice]) is refused, naming the shock, the
// instrument and the day, and one that stays inside is applied.
func TestShockOutsidePriceRange(t *testing.T) {
	for _, c := range []struct {
		name  string
		start float64 // every close before the shock (bars o=c h=c·1.01 l=c·0.99)
		shock string
		want  string // "" = applied
	}{
		// closes 100, 121, 121, 130 as in TestVolatility: with k = 1000,
		// bar 1's return is ln 1.1 + 1000·(ln 1.21 − ln 1.1) = 1001·ln 1.1,
		// a close of 100·1.1^1001 ≈ 1e43.
		{"volatility k=1000", 0, "type = \"volatility\"\nday = 1\ndays = 2\nk = 1000", "shock[0]: BTC on 2025-01-07: price outside the range of any data"},
		// 100·(1 + 1e13) = 1e15 + 100: above 1e15.
		{"jump up past 1e15", 100, "type = \"jump\"\nday = 2\nmove = 1e13", "shock[0]: BTC on 2025-01-08: price outside"},
		// 100·(1 + 1e12) ≈ 1e14, its high 1.01e14: inside.
		{"jump up to 1e14", 100, "type = \"jump\"\nday = 2\nmove = 1e12", ""},
		// 1e-10·(1 − 0.99999) = 1e-15, its low 0.99e-15: below 1e-15.
		{"jump down below 1e-15", 1e-10, "type = \"jump\"\nday = 2\nmove = -0.99999", "shock[0]: BTC on 2025-01-08: price outside"},
		// 1e-10·(1 − 0.999) = 1e-13, its low 0.99e-13: inside.
		{"jump down to 1e-13", 1e-10, "type = \"jump\"\nday = 2\nmove = -0.999", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			closes := []float64{100, 121, 121, 130}
			if c.start != 0 {
				closes = flat(4, c.start)
			}
			p := panelOf(series("BTC", data.Crypto, seq(4), closes))
			s := mustParse(t, "name = \"x\"\n[[shock]]\nsymbols = [\"BTC\"]\n"+c.shock)
			_, _, err := s.Apply(p, nil, ApplyOptions{})
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantErr(t, err, c.want)
			wantErr(t, err, data.PriceRange)
		})
	}
}
