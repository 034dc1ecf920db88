package experiment

import (
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// weekday agrees with the time package's (Sunday = 0 there, 6 here) on
// every day from 1700 to 2100, midnight and a nanosecond before it.
func TestWeekday(t *testing.T) {
	for d := data.Day(1700, 1, 1); d < data.Day(2100, 1, 1); d += data.NanosPerDay {
		for _, x := range []int64{d, d - 1, d + 13*int64(time.Hour)} {
			want := (int64(time.Unix(0, x).UTC().Weekday()) + 6) % 7
			if got := weekday(x); got != want {
				t.Fatalf("%s: weekday %d, want %d", time.Unix(0, x).UTC(), got, want)
			}
		}
	}
}

// An equity-classed series with weekend bars and a crypto-classed one
// without any in a year are noted; a daily equity (weekdays only) and a
// 24/7 token are not. By hand, from Monday 2024-01-01: 400 calendar days
// are 57 weeks and a Monday, 114 weekend days; 300 weekdays are 60 weeks,
// the last a Friday 417 days on (2024 has 366: 2025-01-01 + 51 days =
// 2025-02-21).
func TestCalendarNotes(t *testing.T) {
	series := func(sym string, class data.Class, days int, weekends bool) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
		for d := data.Day(2024, 1, 1); len(s.Time) < days; d += data.NanosPerDay {
			if wd := weekday(d); !weekends && (wd == 5 || wd == 6) {
				continue
			}
			s.Time = append(s.Time, d)
		}
		return s
	}
	p := &data.Panel{Series: []data.Series{
		series("TOKEN", data.Equity, 400, true),  // 24/7 bars classed equity
		series("SHARE", data.Crypto, 300, false), // weekdays for over a year classed crypto
		series("NVDA", data.Equity, 300, false),
		series("TAO", data.Crypto, 400, true),
		series("NEW", data.Crypto, 100, false), // weekdays, but under a year: not enough to say
	}}
	notes := calendarNotes(p)
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "TOKEN is classed as equity (exchange sessions, 252 a year) but 114 of its 400 bars fall on weekends") ||
		!strings.HasPrefix(notes[1], "SHARE is classed as crypto (24/7, 365 days a year) but has no weekend bar in 2024-01-01 to 2025-02-21") {
		t.Errorf("notes:\n%s", strings.Join(notes, "\n"))
	}
}
