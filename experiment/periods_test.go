package experiment

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// sessionBars is a series of bars of interval iv on every weekday of
// 2025 (no holidays: 91 in New York winter time, 170 in summer time),
// stamped at each of at(local) for the session's New York date.
func sessionBars(t *testing.T, iv data.Interval, at func(ny *time.Location, y int, m time.Month, d int) []time.Time) *data.Series {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("no time zone data, with time/tzdata linked in: %v", err)
	}
	s := &data.Series{Instrument: data.Instrument{Symbol: "NVDA", Class: data.Equity}, Interval: iv}
	for d := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 2025; d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for _, x := range at(ny, d.Year(), d.Month(), d.Day()) {
			s.Time = append(s.Time, x.UnixNano())
		}
	}
	return s
}

// local stamps bars at New York wall-clock times; utc at UTC ones.
func local(hm ...int) func(*time.Location, int, time.Month, int) []time.Time {
	return func(ny *time.Location, y int, m time.Month, d int) []time.Time {
		var out []time.Time
		for _, x := range hm {
			out = append(out, time.Date(y, m, d, x/100, x%100, 0, 0, ny))
		}
		return out
	}
}

func utcAt(hm ...int) func(*time.Location, int, time.Month, int) []time.Time {
	return func(_ *time.Location, y int, m time.Month, d int) []time.Time {
		var out []time.Time
		for _, x := range hm {
			out = append(out, time.Date(y, m, d, x/100, x%100, 0, 0, time.UTC))
		}
		return out
	}
}

// TestSessionSteps counts by hand the bars that overlap a 09:30–16:00 New
// York session in winter time (14:30–21:00 UTC) and summer time
// (13:30–20:00 UTC).
func TestSessionSteps(t *testing.T) {
	h := data.Hour
	// 4-hour bars on a UTC grid, as resampled from 5-minute sessions: in
	// winter 12:00, 16:00 and 20:00 UTC hold the session, in summer 12:00
	// and 16:00. Over 2025's 91 winter and 170 summer weekdays:
	// 252 × (91 × 3 + 170 × 2) / 261 = 252 × 613 / 261 = 591.862…
	utc4h := func(ny *time.Location, y int, m time.Month, d int) []time.Time {
		if time.Date(y, m, d, 17, 0, 0, 0, time.UTC).In(ny).IsDST() {
			return utcAt(1200, 1600)(ny, y, m, d)
		}
		return utcAt(1200, 1600, 2000)(ny, y, m, d)
	}
	for _, c := range []struct {
		name    string
		iv      data.Interval
		at      func(*time.Location, int, time.Month, int) []time.Time
		perYear float64
		basis   string
	}{
		// 1h on the New York hour (09:00 holding 09:30–10:00) or at :30
		// (Yahoo's 09:30 … 15:30): 7 bars in both seasons.
		{"1h on the hour", h, local(900, 1000, 1100, 1200, 1300, 1400, 1500), 252 * 7, "252 sessions × 7 bars"},
		{"1h at :30", h, local(930, 1030, 1130, 1230, 1330, 1430, 1530), 252 * 7, "252 sessions × 7 bars"},
		// 5m: 78 bars in both.
		{"5m", 5 * data.Minute, func(ny *time.Location, y int, m time.Month, d int) []time.Time {
			var out []time.Time
			for k := 0; k < 78; k++ {
				out = append(out, time.Date(y, m, d, 9, 30+5*k, 0, 0, ny))
			}
			return out
		}, 252 * 78, "252 sessions × 78 bars"},
		{"4h on a UTC grid", 4 * h, utc4h, 252.0 * 613 / 261, "3 a session in winter time, 2 in summer time, weighted by the data's 91 and 170 sessions"},
		// 4h stamped at New York's 09:30 and 13:30: the grid moves with
		// the clocks (14:30 and 18:30 UTC in winter, 13:30 and 17:30 in
		// summer), 2 bars in both seasons; a grid read from the first bar
		// alone gave 87 × 2 + 165 × 3 = 669 from a January start.
		{"4h on New York's clock", 4 * h, local(930, 1330), 252 * 2, "252 sessions × 2 bars"},
	} {
		s := sessionBars(t, c.iv, c.at)
		got, basis := sessionSteps(c.iv, []*data.Series{s}, false)
		if math.Abs(got-c.perYear) > 1e-9 || !strings.Contains(basis, c.basis) {
			t.Errorf("%s: %g a year (%q), want %g (%q)", c.name, got, basis, c.perYear, c.basis)
		}
	}
	// Winter only (January), on New York's clock: 2 bars, whatever summer
	// would bring; on the UTC grid: 3 (the data have no summer session).
	jan := func(s *data.Series) *data.Series {
		end := data.Day(2025, 2, 1)
		k := 0
		for k < len(s.Time) && s.Time[k] < end {
			k++
		}
		s.Time = s.Time[:k]
		return s
	}
	if got, _ := sessionSteps(4*h, []*data.Series{jan(sessionBars(t, 4*h, local(930, 1330)))}, false); got != 504 {
		t.Errorf("January on New York's clock: %g, want 504", got)
	}
	if got, _ := sessionSteps(4*h, []*data.Series{jan(sessionBars(t, 4*h, utc4h))}, false); got != 756 {
		t.Errorf("January on the UTC grid: %g, want 252 × 3 = 756", got)
	}
}

// TestPeriodsPerYearFourHourEquities: an equity-only panel of 4-hour bars
// on a UTC grid, one winter session (12:00, 16:00, 20:00 UTC) is
// annualised at 3 bars a session, 756; a 24/7 instrument beside it on the
// same grid at 365 × 6 = 2,190 (the equities' steps are among its own).
func TestPeriodsPerYearFourHourEquities(t *testing.T) {
	h := int64(data.Hour)
	day := data.Day(2025, 1, 6) // a Monday in winter time
	eq := data.Series{Instrument: data.Instrument{Symbol: "NVDA", Class: data.Equity}, Interval: 4 * data.Interval(h)}
	for _, at := range []int64{12, 16, 20} {
		eq.Time = append(eq.Time, day+at*h)
	}
	p := &data.Panel{Series: []data.Series{eq}}
	if ppy, _, basis := periodsPerYear(p); ppy != 756 {
		t.Errorf("equities alone: %g (%s), want 756", ppy, basis)
	}
	tok := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}, Interval: 4 * data.Interval(h)}
	for k := int64(0); k < 6; k++ {
		tok.Time = append(tok.Time, day+4*k*h)
	}
	p.Series = append(p.Series, tok)
	if ppy, _, basis := periodsPerYear(p); ppy != 365*6 {
		t.Errorf("with a 24/7 token: %g (%s), want 2190", ppy, basis)
	}
}
