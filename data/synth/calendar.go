package synth

import (
	"time"

	"github.com/divergence-research/divergence/data"
)

// sessions reports, for each calendar day of the grid, whether US equities
// trade: a weekday that, when holidays is true, is not a full-day NYSE
// holiday (see data.NYSEHolidays).
func sessions(start int64, days int, holidays bool) []bool {
	out := make([]bool, days)
	var (
		year int
		hol  []time.Time // this year's holidays, as UTC midnights
	)
	for d := range out {
		t := time.Unix(0, start+int64(d)*data.NanosPerDay).UTC()
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		out[d] = true
		if !holidays {
			continue
		}
		if t.Year() != year {
			year, hol = t.Year(), data.NYSEHolidays(t.Year())
		}
		for _, h := range hol {
			if h.Equal(t) {
				out[d] = false
				break
			}
		}
	}
	return out
}

// hasSession reports whether the grid has at least one equity session. It
// stops at the first one, so it is cheap for any Days.
func (c Config) hasSession() bool {
	for d := 0; d < c.Days; d += 7 {
		n := min(7, c.Days-d)
		for _, s := range sessions(c.Start+int64(d)*data.NanosPerDay, n, c.ExchangeHolidays) {
			if s {
				return true
			}
		}
	}
	return false
}
