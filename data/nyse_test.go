package data

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	// Western Easter Sundays from published tables.
	tests := []struct {
		year int
		want string
	}{
		{1961, "1961-04-02"}, {2000, "2000-04-23"}, {2008, "2008-03-23"}, {2011, "2011-04-24"},
		{2019, "2019-04-21"}, {2024, "2024-03-31"}, {2025, "2025-04-20"}, {2038, "2038-04-25"},
	}
	for _, tt := range tests {
		if got := easter(tt.year).Format("2006-01-02"); got != tt.want {
			t.Errorf("easter(%d) = %s, want %s", tt.year, got, tt.want)
		}
	}
}

func TestNYSESession(t *testing.T) {
	// 2025: 261 weekdays (52 weeks from Wednesday January 1, and that
	// Wednesday again on December 31) less 11 full-day closures on
	// weekdays (New Year, January 9 for President Carter, MLK Day,
	// Washington's Birthday, Good Friday April 18, Memorial Day May 26,
	// Juneteenth, July 4, Labor Day, Thanksgiving November 27,
	// Christmas): 250.
	n := 0
	for d := int64(0); d < 365; d++ {
		if NYSESession(Day(2025, 1, 1) + d*NanosPerDay) {
			n++
		}
	}
	if n != 250 {
		t.Errorf("2025: %d sessions, want 250", n)
	}
	for _, c := range []struct {
		at   string
		want bool
	}{
		{"2025-07-04T15:00:00Z", false}, // any instant of a holiday
		{"2025-07-03T20:00:00Z", true},
		{"2025-11-28T14:30:00Z", true}, // the day after Thanksgiving closes early: a session
		{"2025-01-09T00:00:00Z", false},
		{"2025-12-27T00:00:00Z", false}, // a Saturday
		{"1999-12-31T00:00:00Z", true},  // New Year 2000 on a Saturday is not moved to Friday
	} {
		tm, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := NYSESession(tm.UnixNano()); got != c.want {
			t.Errorf("NYSESession(%s) = %v, want %v", c.at, got, c.want)
		}
	}
}

// The NYSE's early closes (13:00) of 2017–2026, as its published
// calendars list them: the day after Thanksgiving every year; July 3 in
// 2017 (Mon), 2018 (Tue), 2019 (Wed), 2023 (Mon), 2024 (Wed), 2025 (Thu),
// not in 2020 and 2026 (a Friday: the observed holiday), 2021 and 2022
// (a weekend); December 24 in 2018 (Mon), 2019 (Tue), 2020 (Thu), 2024
// (Tue), 2025 (Wed), 2026 (Thu), not in 2021 (a Friday: the observed
// holiday) and 2017, 2022, 2023 (a weekend). 22 days in all
// (10 + 6 + 6), and no other day of the ten years.
func TestNYSEEarlyClose(t *testing.T) {
	want := map[string]bool{}
	for _, d := range []string{
		"2017-07-03", "2017-11-24",
		"2018-07-03", "2018-11-23", "2018-12-24",
		"2019-07-03", "2019-11-29", "2019-12-24",
		"2020-11-27", "2020-12-24",
		"2021-11-26",
		"2022-11-25",
		"2023-07-03", "2023-11-24",
		"2024-07-03", "2024-11-29", "2024-12-24",
		"2025-07-03", "2025-11-28", "2025-12-24",
		"2026-11-27", "2026-12-24",
	} {
		want[d] = true
	}
	if len(want) != 22 {
		t.Fatalf("%d dates listed", len(want))
	}
	n := 0
	for day := Day(2017, 1, 1); day < Day(2027, 1, 1); day += NanosPerDay {
		got := NYSEEarlyClose(day + 15*3_600e9) // any instant of the day
		if d := FormatDay(day); got != want[d] {
			t.Errorf("NYSEEarlyClose(%s) = %v, want %v", d, got, want[d])
		}
		if got {
			n++
			if !NYSESession(day) {
				t.Errorf("%s closes early and is no session", FormatDay(day))
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d early closes, want %d", n, len(want))
	}
}
