package data

import "time"

// NYSEHolidays returns the weekday full-day NYSE closures of a year under
// the current rules (NYSE Rule 7.2):
//
//   - New Year's Day, Jan 1 (on a Sunday: Monday Jan 2; on a Saturday it is
//     not moved to the Friday before, which is the last session of the
//     previous year);
//   - Martin Luther King Jr. Day, third Monday of January (from 1998);
//   - Washington's Birthday, third Monday of February;
//   - Good Friday, two days before Western Easter;
//   - Memorial Day, last Monday of May;
//   - Juneteenth, June 19 (from 2022);
//   - Independence Day, July 4;
//   - Labor Day, first Monday of September;
//   - Thanksgiving, fourth Thursday of November;
//   - Christmas, December 25;
//
// where a fixed-date holiday on a Saturday is observed the Friday before and
// on a Sunday the Monday after; plus the one-off full-day closures since 2000
// (oneOffClosures). Early closes are ordinary sessions.
func NYSEHolidays(y int) []time.Time {
	date := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	observed := func(t time.Time) time.Time {
		switch t.Weekday() {
		case time.Saturday:
			return t.AddDate(0, 0, -1)
		case time.Sunday:
			return t.AddDate(0, 0, 1)
		}
		return t
	}
	// nth weekday wd of month m (n >= 1), or the last one (n = -1).
	nth := func(m time.Month, wd time.Weekday, n int) time.Time {
		if n < 0 {
			t := date(m+1, 1).AddDate(0, 0, -1)
			return t.AddDate(0, 0, -((int(t.Weekday()) - int(wd) + 7) % 7))
		}
		t := date(m, 1)
		return t.AddDate(0, 0, (int(wd)-int(t.Weekday())+7)%7+7*(n-1))
	}
	out := make([]time.Time, 0, 10)
	if ny := date(time.January, 1); ny.Weekday() != time.Saturday {
		out = append(out, observed(ny))
	}
	if y >= 1998 {
		out = append(out, nth(time.January, time.Monday, 3))
	}
	out = append(out,
		nth(time.February, time.Monday, 3),
		easter(y).AddDate(0, 0, -2),
		nth(time.May, time.Monday, -1),
	)
	if y >= 2022 {
		out = append(out, observed(date(time.June, 19)))
	}
	out = append(out,
		observed(date(time.July, 4)),
		nth(time.September, time.Monday, 1),
		nth(time.November, time.Thursday, 4),
		observed(date(time.December, 25)),
	)
	for _, t := range oneOffClosures {
		if t.y == y {
			out = append(out, date(t.m, t.d))
		}
	}
	return out
}

// oneOffClosures are the NYSE's unscheduled full-day closures since 2000:
// the September 11 attacks, national days of mourning for former presidents,
// and Hurricane Sandy. An immutable table; closures after it was written are
// unknown here.
var oneOffClosures = [...]struct {
	y int
	m time.Month
	d int
}{
	{2001, time.September, 11}, // September 11 attacks, through the 14th
	{2001, time.September, 12},
	{2001, time.September, 13},
	{2001, time.September, 14},
	{2004, time.June, 11},    // Reagan
	{2007, time.January, 2},  // Ford
	{2012, time.October, 29}, // Hurricane Sandy, two days
	{2012, time.October, 30},
	{2018, time.December, 5}, // G. H. W. Bush
	{2025, time.January, 9},  // Carter
}

// easter returns Western (Gregorian) Easter Sunday of year y, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// NYSEEarlyClose reports whether day (a UTC midnight, or any instant of
// the day) is an NYSE session that closes early, at 13:00 New York time,
// under the rules of the data's years (2017 on): the day after
// Thanksgiving, and July 3 and December 24 when they fall on Monday to
// Thursday (on a Friday they are the observed holiday; on a weekend, no
// session). Unscheduled early closes are unknown here.
func NYSEEarlyClose(day int64) bool {
	wd := Weekday(day)
	if wd >= 5 {
		return false
	}
	t := time.Unix(0, day).UTC()
	switch m, d := t.Month(), t.Day(); {
	case m == time.July && d == 3, m == time.December && d == 24:
		return wd <= 3 // Monday (0) to Thursday (3)
	case m == time.November && wd == 4:
		// The fourth Thursday's Friday: the 23rd to the 29th.
		return d >= 23 && d <= 29
	}
	return false
}

// NYSESession reports whether day (a UTC midnight, or any instant of the
// day) is a full-day NYSE session: a weekday that is not among
// [NYSEHolidays].
func NYSESession(day int64) bool {
	if Weekday(day) >= 5 {
		return false
	}
	t := time.Unix(0, day).UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, h := range NYSEHolidays(t.Year()) {
		if h.Equal(d) {
			return false
		}
	}
	return true
}
