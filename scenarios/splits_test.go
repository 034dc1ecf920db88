package scenarios

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// On raw prices a split divides the close by its ratio without a loss
// (the engine multiplies the position by it). A regime, a replay and a
// propagation read the holder's return across it, the close times the
// ratio, and rebuild raw closes that still fall by it there. They read
// the split as a fall of 1 − 1/ratio: a volatility ×2 over a window
// holding a 2-for-1 split made a buy-and-hold gain 47 % up to the split
// and lose 48 % on it, and a replay of a window holding one replayed a
// 50 % crash.

// Raw closes 100, 110, 50, 55, 55 with a 2-for-1 split on day 2: the
// holder's prices are 100, 110, 100, 110, 110 (log returns ln 1.1,
// −ln 1.1, ln 1.1, 0; μ = ln 1.1 / 4). Volatility k = 2 over days 1–4:
// r' = 2r − μ = 1.75, −2.25, 1.75, −0.25 (× ln 1.1), the holder's prices
// 100·1.1^1.75 = 118.1509, 100·1.1^−0.5, 100·1.1^1.25, 110, and the raw
// closes, those over 1, 2, 2, 2: 118.1509, 50·1.1^−0.5 = 47.6731,
// 50·1.1^1.25 = 56.3263, 55.
func TestVolatilityAcrossSplit(t *testing.T) {
	p := panelOf(series("AA", data.Equity, weekdays(5), []float64{100, 110, 50, 55, 55}))
	s := mustParse(t, `name = "vol"
[[shock]]
type = "volatility"
symbols = ["AA"]
date = 2025-01-07
until = 2025-01-11
k = 2`)
	splits := map[string][]engine.Split{"AA": {{Time: day(2), Ratio: 2}}}
	out, _ := mustApply(t, s, p, ApplyOptions{Splits: splits})
	for k, want := range []float64{100, 118.1509448508336, 47.67312946227961, 56.326252899644494, 55} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-9)
	}
}

// A replay of a source window holding a 2-for-1 split (raw closes 100,
// 110, 50, 55: the holder's returns ×1.1, ×100/110, ×1.1) onto a flat
// 100 lays those returns, 110, 100, 110, not a fall to 50.
func TestTransplantAcrossSplit(t *testing.T) {
	src := panelOf(series("AA", data.Equity, weekdays(4), []float64{100, 110, 50, 55}))
	p := panelOf(series("AA", data.Equity, weekdays(15)[7:], flat(8, 100)))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA"]
from = 2025-01-07
to = 2025-01-10
date = 2025-01-16`)
	splits := map[string][]engine.Split{"AA": {{Time: day(2), Ratio: 2}}}
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src, Splits: splits})
	// 2025-01-16 is the target's bar 1 (weekdays 7.. start on 2025-01-15).
	for k, want := range []float64{100, 110, 100, 110, 110, 110, 110, 110} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-9)
	}
}

// A follower whose holder's returns are the driver's has a beta of 1
// and moves by the driver's move, also when its raw closes hold a
// 2-for-1 split in the lookback (the split read as a return of ln ½
// beside the driver's put its beta near 0).
func TestPropagateBetaAcrossSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 60
	d, f := make([]float64, n), make([]float64, n)
	d[0], f[0] = 100, 100
	for k := 1; k < n; k++ {
		g := math.Exp(0.02 * r.NormFloat64())
		d[k], f[k] = d[k-1]*g, f[k-1]*g
	}
	for k := 30; k < n; k++ {
		f[k] /= 2 // a 2-for-1 split on day 30
	}
	p := panelOf(series("DD", data.Crypto, seq(n), d), series("FF", data.Crypto, seq(n), f))
	s := mustParse(t, `name = "prop"
[[shock]]
type = "propagate"
symbols = ["FF"]
drivers = { DD = -0.2 }
day = 55`)
	splits := map[string][]engine.Split{"FF": {{Time: day(30), Ratio: 2}}}
	out, _ := mustApply(t, s, p, ApplyOptions{Splits: splits})
	// From day 55 on both are 0.8 of what they were.
	for k := 55; k < n; k++ {
		near(t, "DD close ratio", out.Series[0].Close[k]/d[k], 0.8, 1e-12)
		near(t, "FF close ratio", out.Series[1].Close[k]/f[k], 0.8, 1e-9)
	}
}
