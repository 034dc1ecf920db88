package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A replay onto a mixed book lays the source's bars on the target's by
// calendar date: the source's date d lands on d + (splice date − from),
// so a token's day and an equity's session of the same source date land
// on the same target date. An equity's source sessions whose shifted
// date is not one of its target sessions (a weekend) add up on its next
// session; a target session that no source session lands on is flat.
// Before, each instrument took the source's bars one for one from the
// splice date: started on a Tuesday from a Thursday, the equity took its
// Monday's return on the Thursday the token took its Saturday's.
func TestTransplantAlignsCalendarsByDate(t *testing.T) {
	// d0 (day 0) is Monday 2025-01-06. The window [day 3, day 10) runs
	// from Thursday to Thursday; the splice date day 8 is a Tuesday, a
	// shift of 5 days.
	// NVDA's sessions: days 0-4, 7-10; returns in the window: day 3
	// ×0.9, day 4 ×1.1, day 7 ×10/9, day 8 ×0.8, day 9 ×1.5.
	// TAO's days 3..9: ×0.8, ×1.1, ×0.75, ×1.5, ×1, ×0.5, ×2.
	src := panelOf(
		series("NVDA", data.Equity, []int{0, 1, 2, 3, 4, 7, 8, 9, 10}, []float64{100, 100, 100, 90, 99, 110, 88, 132, 132}),
		series("TAO", data.Crypto, seq(11), []float64{100, 100, 100, 80, 88, 66, 99, 99, 49.5, 99, 99}))
	s := mustParse(t, `name = "replay"
[[shock]]
type = "transplant"
symbols = ["NVDA", "TAO"]
from = 2025-01-09
to = 2025-01-16
date = 2025-01-14`)
	p := panelOf(series("NVDA", data.Equity, weekdays(15), flat(15, 100)),
		series("TAO", data.Crypto, seq(21), flat(21, 100)))
	out, _ := mustApply(t, s, p, ApplyOptions{Source: src})

	// TAO: source day d → target day d + 5: days 8..14 take ×0.8, ×1.1,
	// ×0.75, ×1.5, ×1, ×0.5, ×2: 80, 88, 66, 99, 99, 49.5, 99.
	tao := out.Series[1]
	for d, want := range map[int]float64{7: 100, 8: 80, 9: 88, 10: 66, 11: 99, 12: 99, 13: 49.5, 14: 99, 20: 99} {
		near(t, "TAO close on day "+data.FormatDay(day(d)), tao.Close[d], want, 1e-9)
	}
	// NVDA: source day 3 → day 8 (Tue) ×0.9 = 90; day 4 → day 9 (Wed)
	// ×1.1 = 99; nothing lands on day 10 (Thu) or day 11 (Fri): 99, 99;
	// days 7, 8, 9 → days 12 (Sat), 13 (Sun), 14 (Mon) all add up on
	// Monday, day 14: 99 × 10/9 × 0.8 × 1.5 = 132; then 132.
	nv := out.Series[0]
	want := map[int64]float64{day(7): 100, day(8): 90, day(9): 99, day(10): 99, day(11): 99, day(14): 132, day(15): 132, day(18): 132}
	for k, ts := range nv.Time {
		if w, ok := want[ts]; ok {
			near(t, "NVDA close on "+data.FormatDay(ts), nv.Close[k], w, 1e-9)
			delete(want, ts)
		}
	}
	if len(want) != 0 {
		t.Fatalf("NVDA has no bars on %v", want)
	}
	// Shapes: a flat day (10) is one price, O = H = L = C = 99; Monday
	// (day 14) is the three source bars as one: the open of day 7 (110),
	// the highest high (day 9's 1.01 × 132 = 133.32), the lowest low
	// (day 8's 0.99 × 88 = 87.12), at the source's level (both start at 100).
	k10, k14 := 8, 10 // NVDA's bar index of day 10 and of day 14
	near(t, "NVDA open day 10", nv.Open[k10], 99, 1e-9)
	near(t, "NVDA high day 10", nv.High[k10], 99, 1e-9)
	near(t, "NVDA low day 10", nv.Low[k10], 99, 1e-9)
	near(t, "NVDA open day 14", nv.Open[k14], 110, 1e-9)
	near(t, "NVDA high day 14", nv.High[k14], 133.32, 1e-9)
	near(t, "NVDA low day 14", nv.Low[k14], 87.12, 1e-9)
}
