package strategies

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// wavyBars makes bars at the given instants whose close moves ±amp around
// px bar by bar (the next bar opening at the last close), so that a book
// drifts off its weights at every bar.
func wavyBars(sym string, class data.Class, px, amp float64, times []time.Time) data.Series {
	s := hourBars(sym, class, px, times)
	prev := px
	for k := range s.Close {
		c := px * (1 + amp*math.Sin(float64(k)*1.7))
		s.Open[k], s.Close[k] = prev, c
		s.High[k], s.Low[k] = max(prev, c), min(prev, c)
		prev = c
	}
	s.AdjClose = s.Close
	return s
}

// The token's step before an equity session's last bar is no sync point:
// a pair hedge's drift found at CR's 20:00Z step (its bar closing 21:00Z)
// would fill CR at 21:00Z and EQ at the next session's 14:30Z open, since
// EQ's 20:30Z bar opens before the 21:00Z close the decision saw. It was
// taken there: the book was half-built overnight. By hand, from the
// sync rule: CR's close jumps 20% at its 20:00Z bar on the 13th, and the
// first step after it at which both legs are current and their fill bars
// open within the hour is EQ's 14:30Z bar on the 14th (fills EQ 15:30Z,
// CR 16:00Z); 20:30Z and 21:00Z on the 13th fill EQ the next morning too.
func TestIntradaySyncNotBeforeSessionEnd(t *testing.T) {
	crT := everyHour(time.Date(2025, 1, 13, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC))
	cr := jumpAt20(hourBars("CR", data.Crypto, 10, crT))
	p := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, sessions(13, 14)), cr}}
	_, res := run(t, p, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"CR"}, "rebalance_days": 0, "drift_band": 0.05}, 1e6)
	want := "EQ@2025-01-13T15:30:00Z CR@2025-01-13T16:00:00Z EQ@2025-01-14T15:30:00Z CR@2025-01-14T16:00:00Z"
	if got := fillList(p, res.Fills); got != want {
		t.Errorf("fills %s\nwant  %s", got, want)
	}
}

// rebalance_bars on intraday bars counts the book's own bars: on equities
// at :30 and tokens at :00 no step has a bar of both, and the count never
// moved: the book was entered and never rebalanced. By hand: the book's
// hours are the equity's session hours, 14:30Z … 20:30Z (7; the tokens'
// :00 steps between are inside the same hours), so rebalance_bars = 7
// is due at the next session's 14:30Z step, a sync point (fills EQ 15:30Z,
// CR 16:00Z): one rebalance a session. Tokens alone count 24 a day:
// rebalance_bars = 24 rebalances at the same hour every day.
func TestRebalanceBarsIntraday(t *testing.T) {
	days := []int{13, 14, 15, 16, 17} // Monday to Friday
	crT := everyHour(time.Date(2025, 1, 13, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 18, 0, 0, 0, 0, time.UTC))
	mixed := &data.Panel{Series: []data.Series{wavyBars("EQ", data.Equity, 100, 0.01, sessions(days...)), wavyBars("CR", data.Crypto, 10, 0.03, crT)}}
	for _, typ := range []string{"pair-hedge", "weights"} {
		params := Params{"long": []string{"EQ"}, "short": []string{"CR"}, "rebalance_bars": int64(7)}
		if typ == "weights" {
			params = Params{"weights": map[string]any{"EQ": 0.5, "CR": 0.5}, "rebalance_bars": int64(7)}
		}
		_, res := run(t, mixed, typ, params, 1e6)
		var want []string
		if typ == "weights" {
			// weights buys each instrument from its first bar: CR alone
			// from 00:00Z (filled 01:00Z), its hours counted, 7 of them
			// by 07:00Z and 14:00Z (filled 08:00Z and 15:00Z); EQ's
			// first bar at 14:30Z brings the whole book in.
			want = append(want, "CR@2025-01-13T01:00:00Z", "CR@2025-01-13T08:00:00Z", "CR@2025-01-13T15:00:00Z")
		}
		for _, d := range days {
			day := time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC)
			want = append(want, "EQ@"+data.FormatTime(day.Add(15*time.Hour+30*time.Minute).UnixNano()), "CR@"+data.FormatTime(day.Add(16*time.Hour).UnixNano()))
		}
		if got := fillList(mixed, res.Fills); got != strings.Join(want, " ") {
			t.Errorf("%s, rebalance_bars = 7 on two calendars: fills\n%s\nwant one rebalance a session:\n%s", typ, got, strings.Join(want, " "))
		}
	}
	tokens := &data.Panel{Series: []data.Series{wavyBars("CR", data.Crypto, 10, 0.03, crT), wavyBars("CR2", data.Crypto, 5, 0.02, crT)}}
	_, res := run(t, tokens, "weights", Params{"weights": map[string]any{"CR": 0.5, "CR2": 0.5}, "rebalance_bars": int64(24)}, 1e6)
	// Decided at 00:00Z on the 13th (the first bar), then every 24 bars:
	// each decision fills at the next bar's open, 01:00Z.
	var want []string
	for d := 13; d <= 17; d++ {
		at := data.FormatTime(time.Date(2025, 1, d, 1, 0, 0, 0, time.UTC).UnixNano())
		want = append(want, "CR@"+at, "CR2@"+at)
	}
	if got := fillList(tokens, res.Fills); sortedWords(got) != sortedWords(strings.Join(want, " ")) {
		t.Errorf("tokens, rebalance_bars = 24: fills\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
}

// sortedWords is s's words sorted: fills of one batch in any order.
func sortedWords(s string) string {
	w := strings.Fields(s)
	slices.Sort(w)
	return strings.Join(w, " ")
}

// At the run's last session the equities have no bar left after their
// last one while the tokens go on: a rebalance decided there filled the
// token leg alone. By hand: one session (the 13th) and CR to midnight;
// CR's close jumps 20% at its 20:00Z bar, a drift past the band at the
// 20:00Z step, whose latest close (CR's, 21:00Z) no EQ bar opens after;
// so no decision follows the entry (EQ 15:30Z, CR 16:00Z).
func TestIntradaySyncNotOneLeggedAtTheEnd(t *testing.T) {
	crT := everyHour(time.Date(2025, 1, 13, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC))
	cr := jumpAt20(hourBars("CR", data.Crypto, 10, crT))
	p := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, sessions(13)), cr}}
	_, res := run(t, p, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"CR"}, "rebalance_days": 0, "drift_band": 0.05}, 1e6)
	if got, want := fillList(p, res.Fills), "EQ@2025-01-13T15:30:00Z CR@2025-01-13T16:00:00Z"; got != want {
		t.Errorf("fills %s\nwant  %s", got, want)
	}
}

// jumpAt20 moves cr, flat at 10, to 12 at the close of its bar stamped
// 2025-01-13T20:00Z, and holds it there.
func jumpAt20(cr data.Series) data.Series {
	jump := time.Date(2025, 1, 13, 20, 0, 0, 0, time.UTC).UnixNano()
	for k, tm := range cr.Time {
		if tm >= jump {
			if tm > jump {
				cr.Open[k] = 12
			}
			cr.Close[k], cr.High[k], cr.Low[k] = 12, 12, min(cr.Open[k], 12)
		}
	}
	return cr
}
