package engine

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// nyClose by hand, from the US calendar: 2025's daylight time runs from
// Sunday 9 March to Sunday 2 November; 2006's from Sunday 2 April to
// Sunday 29 October (the rules before 2007).
func TestNYClose(t *testing.T) {
	for _, c := range []struct {
		y      int
		m      time.Month
		d, utc int // the close's UTC hour
	}{
		{2025, time.March, 7, 21}, {2025, time.March, 9, 20}, {2025, time.March, 10, 20},
		{2025, time.July, 1, 20}, {2025, time.October, 31, 20}, {2025, time.November, 2, 21}, {2025, time.November, 3, 21},
		{2025, time.December, 31, 21}, {2025, time.January, 13, 21},
		{2006, time.March, 31, 21}, {2006, time.April, 3, 20}, {2006, time.October, 27, 20}, {2006, time.October, 30, 21},
		// Early closes, 13:00 New York: 18:00Z in standard time, 17:00Z in
		// daylight time; a Friday's July 3 is a holiday, not an early close.
		{2025, time.November, 28, 18}, {2025, time.December, 24, 18}, {2025, time.July, 3, 17},
		{2026, time.July, 3, 20}, {2025, time.November, 21, 21},
	} {
		noon := time.Date(c.y, c.m, c.d, 15, 0, 0, 0, time.UTC).UnixNano()
		want := time.Date(c.y, c.m, c.d, c.utc, 0, 0, 0, time.UTC).UnixNano()
		if got := nyClose(noon); got != want {
			t.Errorf("%d-%02d-%02d: close %s, want %s", c.y, c.m, c.d, data.FormatTime(got), data.FormatTime(want))
		}
	}
}

// An hourly equity's last bar of a session (Yahoo's 15:30 New York bar)
// closes at 16:00, half an hour before its interval says: a token order
// decided on it fills at the token's bar opening at the close, 21:00Z in
// January and 20:00Z in July, not an hour later; and a decision at the
// 21:00Z step values the equity at that bar's close, not its open. An
// equity whose next bar follows at the interval (trading through 16:00)
// keeps the interval's end, as does one with bars outside the regular
// session, which may close after 16:00. EQ's bars open at 100 and close
// at 101.
func TestEquityLastBarClosesAtTheClose(t *testing.T) {
	for _, c := range []struct {
		name    string
		eq      []time.Time
		decide  time.Time // the EQ step a CR buy is decided on
		wantCR  time.Time
		through bool
	}{
		{"winter", hourly(utc(2025, 1, 13, 14, 30), 7), utc(2025, 1, 13, 20, 30), utc(2025, 1, 13, 21, 0), false},
		{"summer", hourly(utc(2025, 7, 14, 13, 30), 7), utc(2025, 7, 14, 19, 30), utc(2025, 7, 14, 20, 0), false},
		{"trading through 16:00", hourly(utc(2025, 1, 13, 14, 30), 9), utc(2025, 1, 13, 20, 30), utc(2025, 1, 13, 22, 0), true},
		// Early closes at 13:00 New York: the 12:30 bar lasts 30 minutes,
		// to 18:00Z the day after Thanksgiving and 17:00Z on July 3 (the
		// interval would say 18:30Z and 17:30Z, and CR an hour later).
		{"early close, winter", hourly(utc(2025, 11, 28, 14, 30), 4), utc(2025, 11, 28, 17, 30), utc(2025, 11, 28, 18, 0), false},
		{"early close, summer", hourly(utc(2025, 7, 3, 13, 30), 4), utc(2025, 7, 3, 16, 30), utc(2025, 7, 3, 17, 0), false},
		// A series that trades past 16:00 with its 21:30Z bar missing:
		// its 20:30Z bar may close at 21:30Z, whose close the decision
		// saw; capped at 21:00Z, CR filled there, before that close.
		{"trading past 16:00, a bar missing", append(hourly(utc(2025, 1, 13, 14, 30), 7), hourly(utc(2025, 1, 13, 22, 30), 2)...), utc(2025, 1, 13, 20, 30), utc(2025, 1, 13, 22, 0), true},
	} {
		eq := flatAt(t, "EQ", data.Equity, 100, c.eq...)
		for k := range eq.Close {
			eq.Close[k], eq.High[k], eq.AdjClose[k] = 101, 101, 101
		}
		cr := flatAt(t, "CR", data.Crypto, 10, hourly(utc(2025, c.decide.Month(), c.decide.Day(), 0, 0), 30)...)
		var valued float64 // EQ's known price at the 21:00Z (20:00Z) step after its last bar
		after := c.wantCR.UnixNano()
		res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
			if ctx.Time() == c.decide.UnixNano() {
				if _, err := ctx.Buy(1, 1); err != nil {
					return err
				}
			}
			if ctx.Time() == after && !c.through {
				valued = ctx.knownPrice(0)
			}
			return nil
		})
		if len(res.Fills) != 1 || res.Fills[0].Time != c.wantCR.UnixNano() {
			t.Errorf("%s: fills %+v, want CR at %s", c.name, res.Fills, data.FormatTime(c.wantCR.UnixNano()))
		}
		if !c.through && valued != 101 {
			t.Errorf("%s: EQ valued at %g after its last bar closed, want its close 101", c.name, valued)
		}
	}
}
