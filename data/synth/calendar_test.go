package synth

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

func TestSessionDays(t *testing.T) {
	// Days checked by hand against the NYSE holiday lists.
	tests := []struct {
		day     string
		session bool
		why     string
	}{
		{"2019-01-01", false, "New Year's Day"},
		{"2019-01-02", true, "ordinary Wednesday"},
		{"2019-01-21", false, "MLK Day, third Monday of January"},
		{"2019-07-04", false, "Independence Day"},
		{"2020-04-10", false, "Good Friday"},
		{"2020-07-03", false, "Independence Day on a Saturday, observed Friday"},
		{"2021-06-18", true, "Juneteenth is a holiday only from 2022"},
		{"2021-12-24", false, "Christmas on a Saturday, observed Friday"},
		{"2021-12-31", true, "New Year 2022 on a Saturday is not moved to Friday"},
		{"2022-01-17", false, "MLK Day"},
		{"2022-06-20", false, "Juneteenth on a Sunday, observed Monday"},
		{"2022-12-26", false, "Christmas on a Sunday, observed Monday"},
		{"2023-01-02", false, "New Year on a Sunday, observed Monday"},
		{"2023-05-29", false, "Memorial Day, last Monday of May"},
		{"2023-09-04", false, "Labor Day"},
		{"2023-11-23", false, "Thanksgiving, fourth Thursday of November"},
		{"2023-11-24", true, "day after Thanksgiving (an early close, still a session)"},
		{"2024-02-19", false, "Washington's Birthday"},
		{"2025-01-09", false, "national day of mourning (Carter)"},
		{"2025-06-19", false, "Juneteenth"},
		{"2025-12-27", false, "Saturday"},
		{"2025-12-28", false, "Sunday"},
	}
	for _, tt := range tests {
		day, err := data.ParseDay(tt.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := sessions(day, 1, true)[0]; got != tt.session {
			t.Errorf("%s (%s): session = %v, want %v", tt.day, tt.why, got, tt.session)
		}
		wd := time.Unix(0, day).UTC().Weekday()
		if got, want := sessions(day, 1, false)[0], wd != time.Saturday && wd != time.Sunday; got != want {
			t.Errorf("%s without holidays: session = %v, want %v", tt.day, got, want)
		}
	}
}

func TestSessionsPerYear(t *testing.T) {
	// NYSE full-day sessions per year, from the exchange's calendars.
	want := map[int]int{2001: 248, 2012: 250, 2018: 251, 2019: 252, 2020: 253, 2021: 252, 2022: 251, 2023: 250, 2024: 252, 2025: 250}
	for y, n := range want {
		start := data.Day(y, 1, 1)
		days := int((data.Day(y+1, 1, 1) - start) / data.NanosPerDay)
		got := 0
		for _, s := range sessions(start, days, true) {
			if s {
				got++
			}
		}
		if got != n {
			t.Errorf("%d: %d sessions, want %d", y, got, n)
		}
	}
}

// TestSessionsMatchRealData compares the session calendar with the dates of
// real MSFT bars, when the project's shared data are present (they are not
// part of the repository): DIVERGENCE_DATA_ROOT or ../../../shared/data.
func TestSessionsMatchRealData(t *testing.T) {
	dir := os.Getenv("DIVERGENCE_DATA_ROOT")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	f, err := os.Open(filepath.Join(dir, "prices", "MSFT.csv"))
	if err != nil {
		t.Skipf("no real data: %v", err)
	}
	defer f.Close()
	real := map[int64]bool{}
	first, last := int64(1<<62), int64(0)
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		d, err := data.ParseDay(strings.SplitN(sc.Text(), ",", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		real[d] = true
		first, last = min(first, d), max(last, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	days := int((last-first)/data.NanosPerDay) + 1
	for d, s := range sessions(first, days, true) {
		day := first + int64(d)*data.NanosPerDay
		if s != real[day] {
			t.Errorf("%s: synthetic session = %v, real MSFT bar = %v", data.FormatDay(day), s, real[day])
		}
	}
}
