package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestSessionSteps counts the bars that overlap a 09:30–16:00 New York
// session by hand, in winter time (14:30–21:00 UTC) and summer time
// (13:30–20:00 UTC), for bars stamped on their interval's grid from 00:00
// UTC or off it.
func TestSessionSteps(t *testing.T) {
	const h, m = int64(data.Hour), int64(data.Minute)
	for _, c := range []struct {
		iv            data.Interval
		phase         int64
		perYear       float64
		basisContains string
	}{
		// 1m and 5m: 390 and 78 bars, both seasons.
		{data.Minute, 0, 252 * 390, "252 sessions × 390 bars"},
		{5 * data.Minute, 0, 252 * 78, "252 sessions × 78 bars"},
		// 1h on the hour: 09:00 (holding 09:30–10:00) … 15:00, 7 bars;
		// at :30 (Yahoo) 09:30 … 15:30, 7 bars.
		{data.Hour, 0, 252 * 7, "252 sessions × 7 bars"},
		{data.Hour, 30 * m, 252 * 7, "252 sessions × 7 bars"},
		// 4h from 00:00 UTC: winter 12:00, 16:00, 20:00 (3 bars), summer
		// 12:00, 16:00 (2; the 20:00 bar opens as the session closes):
		// 87 × 3 + 165 × 2 = 261 + 330 = 591, not 252 × ceil(390/240) = 504.
		{4 * data.Interval(h), 0, 591, "87 sessions × 3 bars + 165 × 2"},
		// 4h stamped at 01:30, 05:30, … (Yahoo's phase): 13:30 and 17:30
		// in both seasons.
		{4 * data.Interval(h), 90 * m, 252 * 2, "252 sessions × 2 bars"},
	} {
		got, basis := sessionSteps(c.iv, []int64{c.phase})
		if got != c.perYear || !strings.Contains(basis, c.basisContains) {
			t.Errorf("%s at +%dm: %g a year (%q), want %g (%q)", c.iv, c.phase/m, got, basis, c.perYear, c.basisContains)
		}
	}
}

// TestPeriodsPerYearFourHourEquities: an equity-only panel of 4-hour bars
// from 00:00 UTC (as resampled from 5-minute sessions) is annualised at
// 591 steps a year, and a 24/7 instrument beside it on the same grid at
// 365 × 6 = 2,190 (the equities' steps are among its steps).
func TestPeriodsPerYearFourHourEquities(t *testing.T) {
	const h = int64(data.Hour)
	day := data.Day(2025, 1, 6) // a Monday in winter time
	eq := data.Series{Instrument: data.Instrument{Symbol: "NVDA", Class: data.Equity}}
	for _, at := range []int64{12, 16, 20} {
		eq.Time = append(eq.Time, day+at*h)
	}
	eq.Interval = 4 * data.Interval(h)
	p := &data.Panel{Series: []data.Series{eq}}
	if ppy, _, basis := periodsPerYear(p); ppy != 591 {
		t.Errorf("equities alone: %g (%s), want 591", ppy, basis)
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
