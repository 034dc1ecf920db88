package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A replay that hits an instrument's first bar (it lists on the splice
// date, or the panel begins there) cannot lay the replay's first return
// on it: there is no close before it. That bar stands where it traded
// and bar k takes the replay's return k − k0 from the next bar on, on the
// same dates as an instrument trading throughout. The replay was laid
// one bar late instead: the first bar untouched and its next taking the
// first return, so each day's return, the crash among them, landed on
// the day after its own, beside instruments that took it on time.
func TestTransplantOnFirstBar(t *testing.T) {
	// Source returns over [day 1, day 5): ×0.8, ×1.1, ×0.75, ×1.5.
	src := panelOf(series("AA", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}),
		series("ZZ", data.Crypto, seq(5), []float64{100, 80, 88, 66, 99}))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA", "ZZ"]
from = 2025-01-07
to = 2025-01-11
date = 2025-01-08`)
	p := panelOf(series("AA", data.Crypto, []int{2, 3, 4, 5, 6, 7}, flat(6, 100)),
		series("ZZ", data.Crypto, seq(8), flat(8, 100)))
	var h heard
	out, _ := mustApply(t, s, p, h.options(ApplyOptions{Source: src}))
	// ZZ trades throughout: days 2..5 take ×0.8, ×1.1, ×0.75, ×1.5:
	// 100, 100, 80, 88, 66, 99, then 99.
	for k, want := range []float64{100, 100, 80, 88, 66, 99, 99, 99} {
		near(t, "ZZ close", out.Series[1].Close[k], want, 1e-12)
	}
	// AA first trades on day 2: that bar stays at 100, days 3..5 take
	// ×1.1, ×0.75, ×1.5 on the same dates as ZZ: 100, 110, 82.5,
	// 123.75, then 123.75 (not 100, 80, 88, 66, 99, 99: a day late).
	for k, want := range []float64{100, 110, 82.5, 123.75, 123.75, 123.75} {
		near(t, "AA close", out.Series[0].Close[k], want, 1e-12)
	}
	h.has(t, h.said, "AA: AA first trades on 2025-01-08, the first bar of the replay from 2025-01-08")

	// A replay of one bar has nothing for it: left as it was, noted.
	one := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["AA", "ZZ"]
from = 2025-01-07
to = 2025-01-08
date = 2025-01-08`)
	var h1 heard
	out, _ = mustApply(t, one, p, h1.options(ApplyOptions{Source: src}))
	for _, c := range out.Series[0].Close {
		near(t, "AA close, a one-bar replay", c, 100, 0)
	}
	near(t, "ZZ close on day 2, a one-bar replay", out.Series[1].Close[2], 80, 1e-12)
	h1.has(t, h1.notes, "AA: AA first trades on 2025-01-08, the first bar of the replay from 2025-01-08")
}
