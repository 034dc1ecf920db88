package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// On weekly bars (stamped on Mondays, each revealed whole at its stamp
// and lasting until the next), a move during the bar placed on a date or
// at an instant inside a week lands on that week's bar, and a gap on the
// next bar, the first that opens at or after it. The move landed on the
// next week's bar either way: a bar of a week or more was taken to end a
// day after its stamp, so a crash on a Wednesday showed in the close of
// the week after it.
func TestShockInsideAWeeklyBar(t *testing.T) {
	// Weekly token bars on Mondays, days 0, 7, 14, 21 (2025-01-06 …),
	// every price 100 (lows 99). Wednesday 2025-01-08 is inside bar 0.
	weekly := func() *data.Panel {
		return panelOf(series("TAO", data.Crypto, []int{0, 7, 14, 21}, flat(4, 100)))
	}
	for _, c := range []struct {
		name, kind, when string
		gap              bool
		want             int // the bar the shock lands on
	}{
		{"a wick on a date", "wick", `date = 2025-01-08`, false, 0},
		{"a wick at an instant", "wick", `time = 2025-01-08T12:00:00Z`, false, 0},
		{"a wick on the Monday of the next bar", "wick", `date = 2025-01-13`, false, 1},
		{"a jump during the bar on a date", "jump", `date = 2025-01-08`, false, 0},
		{"a gap on a date", "jump", `date = 2025-01-08`, true, 1},
		{"a gap at an instant", "jump", `time = 2025-01-08T12:00:00Z`, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var text string
			if c.kind == "wick" {
				text = "name = \"w\"\n[[shock]]\ntype = \"wick\"\nsymbols = [\"TAO\"]\nmove = -0.1\n" + c.when
			} else {
				text = "name = \"j\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"TAO\"]\nmove = -0.3\n" + c.when
				if !c.gap {
					text += "\ngap = false"
				}
			}
			out, _ := mustApply(t, mustParse(t, text), weekly(), ApplyOptions{})
			s := out.Series[0]
			for k := range s.Time {
				if c.kind == "wick" {
					// The wick's bar: low 99 × 0.9 = 89.1; the others 99.
					want := 99.0
					if k == c.want {
						want = 89.1
					}
					near(t, "low of bar "+data.FormatDay(s.Time[k]), s.Low[k], want, 1e-9)
					continue
				}
				// The jump's bar and those after it close at 100 × 0.7 = 70.
				want := 100.0
				if k >= c.want {
					want = 70
				}
				near(t, "close of bar "+data.FormatDay(s.Time[k]), s.Close[k], want, 1e-9)
			}
		})
	}
}

// A replay on weekly bars lays the source's weeks one for one from the
// week its splice date falls in (weekly bars run on one grid, every
// series stamped on one weekday, so the calendars cannot fall out of
// step). Source weeks from 2024-12-30: ×0.8, ×1.25, ×0.5.
func TestTransplantOnWeeklyBars(t *testing.T) {
	src := panelOf(series("TAO", data.Crypto, []int{-14, -7, 0, 7}, []float64{100, 80, 100, 50}))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["TAO"]
from = 2024-12-25
to = 2025-01-14
date = 2025-01-15`)
	// Target weeks on days 0, 7, …, 35; the splice date, Wednesday day 9,
	// is inside the week of day 7 (bar 1): bars 1, 2, 3 take ×0.8, ×1.25,
	// ×0.5: 100, 80, 100, 50, then 50.
	p := panelOf(series("TAO", data.Crypto, []int{0, 7, 14, 21, 28, 35}, flat(6, 100)))
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src})
	for k, want := range []float64{100, 80, 100, 50, 50, 50} {
		near(t, "close of bar "+data.FormatDay(out.Series[0].Time[k]), out.Series[0].Close[k], want, 1e-9)
	}
}
