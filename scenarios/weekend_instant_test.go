package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A shock placed at an instant on a day the NYSE is closed (a Saturday,
// as a token crash may be) reaches an equity at its next session, whether
// it traded before or first trades on that session: the instrument first
// trades 0 trading days after the shock's date, and it is not listed
// "after the instant on that same date" (docs/scenarios.md), which is
// what makes a listing miss the shock. Before, an equity first trading on
// the Monday was counted as listed after the instant (it missed no
// session, and its first bar opens after the instant): the wick was not
// put on it, and the jump of one bar left it as it was on hourly bars,
// while the same shock placed by its date (2025-01-11) moved it as it
// moves the equity trading throughout.
//
// d0 = Monday 2025-01-06; day 5 is Saturday 2025-01-11, day 7 Monday
// 2025-01-13.
func TestInstantOnAClosedDayReachesNextSessionListing(t *testing.T) {
	t.Run("wick on daily bars", func(t *testing.T) {
		// series' bars: low = 0.99 × close = 99; the wick of −30 % puts
		// the low of the bar it hits at 99 × 0.7 = 69.3: OLD's day-7
		// bar and NEW's first (the same day).
		for _, when := range []string{`time = "2025-01-11T15:00:00Z"`, `date = 2025-01-11`} {
			p := panelOf(
				series("OLD", data.Equity, []int{0, 1, 2, 3, 4, 7, 8}, flat(7, 100)),
				series("NEW", data.Equity, []int{7, 8}, flat(2, 100)),
			)
			s := mustParse(t, "name = \"w\"\n[[shock]]\ntype = \"wick\"\nsymbols = [\"OLD\", \"NEW\"]\nmove = -0.3\n"+when)
			var h heard
			out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
			for k, want := range []float64{99, 99, 99, 99, 99, 69.3, 99} {
				near(t, when+" OLD low", out.Series[0].Low[k], want, 1e-9)
			}
			for k, want := range []float64{69.3, 99} {
				near(t, when+" NEW low", out.Series[1].Low[k], want, 1e-9)
			}
			if len(h.notes) != 0 {
				t.Errorf("%s: notes %q, want none", when, h.notes)
			}
		}
	})
	t.Run("jump on hourly bars", func(t *testing.T) {
		// Hourly session bars 14:30 … 20:30 UTC (EST): OLD on Friday
		// 2025-01-10 and Monday 2025-01-13, NEW on the Monday only. A
		// move of −10 % at once (spread_days 1): the bar it hits, OLD's
		// Monday 14:30, and every later one close at 90; with a gap its
		// open too, during the bar it opens at 100.
		hourly := func(sym string, days ...int64) data.Series {
			var ts []int64
			for _, d := range days {
				for h := range 7 {
					ts = append(ts, d+int64(14*data.Hour+30*data.Minute)+int64(h)*int64(data.Hour))
				}
			}
			s := series(sym, data.Equity, make([]int, len(ts)), flat(len(ts), 100))
			s.Time = ts
			s.Interval = data.Hour
			return s
		}
		fri, mon := data.Day(2025, 1, 10), data.Day(2025, 1, 13)
		for _, gap := range []string{"false", "true"} {
			p := panelOf(hourly("OLD", fri, mon), hourly("NEW", mon))
			s := mustParse(t, "name = \"j\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"OLD\", \"NEW\"]\nmove = -0.1\ntime = \"2025-01-11T15:00:00Z\"\ngap = "+gap)
			var h heard
			out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
			check := func(sym string, sr data.Series, from int) {
				for k := range sr.Close {
					wantC, wantO := 100.0, 100.0
					if k >= from {
						wantC, wantO = 90, 90
					}
					if k == from && gap == "false" {
						wantO = 100
					}
					near(t, "gap="+gap+" "+sym+" close", sr.Close[k], wantC, 1e-9)
					near(t, "gap="+gap+" "+sym+" open", sr.Open[k], wantO, 1e-9)
				}
			}
			check("OLD", out.Series[0], 7)
			check("NEW", out.Series[1], 0)
			if len(h.notes) != 0 || len(h.said) != 0 {
				t.Errorf("gap=%s: notes %q, said %q, want none", gap, h.notes, h.said)
			}
		}
	})
}

// A propagated shock's follower with no bar before the shock has no
// returns to estimate its betas on, whether it first trades days later,
// later on the shock's date, or at the next session after a shock on a
// closed day: a group member is left as it was with a note, one named in
// symbols is an error saying why. An equity first trading on the Monday
// after a Saturday shock missed no session and was not "listed after the
// instant on that date", so its betas were estimated over no bar and
// the scenario stopped with "0 common observations" (by time and by
// date alike).
func TestPropagateFollowerWithNoBarBeforeAClosedDayShock(t *testing.T) {
	btc := make([]float64, 14)
	for k := range btc {
		btc[k] = 100 + float64(k%3) // returns that vary, for a driver
	}
	for _, when := range []string{`time = "2025-01-11T15:00:00Z"`, `date = 2025-01-11`} {
		p := panelOf(series("BTC", data.Crypto, seq(14), btc), series("AMD", data.Equity, []int{7, 8, 9}, flat(3, 100)))
		var h heard
		s := mustParse(t, "name = \"p\"\n[[shock]]\ntype = \"propagate\"\ndrivers = { BTC = -0.1 }\ngroups = [\"semis\"]\nmin_obs = 3\n"+when)
		out, _ := mustApply(t, s, p, h.options(ApplyOptions{}))
		for k, c := range out.Series[1].Close {
			near(t, when+" AMD close", c, 100, 0)
			near(t, when+" AMD open", out.Series[1].Open[k], 100, 0)
		}
		h.has(t, h.notes, "AMD: AMD first trades on 2025-01-13, 0 trading days after the shock's date 2025-01-11: it has no returns before it to estimate its betas on")
		s = mustParse(t, "name = \"p\"\n[[shock]]\ntype = \"propagate\"\ndrivers = { BTC = -0.1 }\nsymbols = [\"AMD\"]\nmin_obs = 3\n"+when)
		_, _, err := s.Apply(p, nil, ApplyOptions{})
		wantErr(t, err, "shock[0].symbols: AMD first trades on 2025-01-13, 0 trading days after the shock's date 2025-01-11: it has no returns before it")
	}
}
