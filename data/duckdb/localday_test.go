//go:build duckdb_arrow

package duckdb

import (
	"context"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A daily file's bars are stamped with their own dates, which a time
// column keeps beside the instants only from the first row whose date
// is not its instant's UTC date (timeCol.push). Here that row comes in
// the middle of the file: the rows before it must keep their dates,
// and it and those after theirs, not the UTC dates of their instants.
func TestLocalDatesFromTheFirstRowThatDiffers(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	want := []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4), data.Day(2024, 1, 5)}
	for _, tc := range []struct {
		name, body string
		opt        ReadOptions
	}{
		// Offsets in the text: 22:00 at -05:00 is 03:00 UTC the next day.
		{"offsets", "date,close\n" +
			"2024-01-02T10:00:00+00:00,1\n2024-01-03T10:00:00+00:00,2\n" +
			"2024-01-04T22:00:00-05:00,3\n2024-01-05T22:00:00-05:00,4\n", ReadOptions{}},
		// Wall-clock times in New York (EST, UTC-5): 10:00 is 15:00 UTC
		// the same day, 21:00 is 02:00 UTC the next.
		{"zone", "date,close\n" +
			"2024-01-02 10:00:00,1\n2024-01-03 10:00:00,2\n" +
			"2024-01-04 21:00:00,3\n2024-01-05 21:00:00,4\n", ReadOptions{Timezone: "America/New_York"}},
	} {
		s, err := ReadFile(ctx, writeFile(t, dir, tc.name+".csv", tc.body), tc.opt)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(s.Time, want) || !slices.Equal(s.Close, []float64{1, 2, 3, 4}) {
			t.Errorf("%s: stamped %v, want %v", tc.name, fmtTimes(s.Time), fmtTimes(want))
		}
	}
}

// A column whose every date is its instant's UTC date keeps no second
// column: an intraday table of millions of rows in UTC would hold one
// for nothing.
func TestUTCDatesNotKept(t *testing.T) {
	var tc timeCol
	for k := range int64(3) {
		tc.push(k*3_600e9, 0) // 00:00, 01:00, 02:00 of 1970-01-01
	}
	if tc.lday != nil || tc.day(2) != 0 {
		t.Fatalf("lday = %v, day(2) = %d", tc.lday, tc.day(2))
	}
	tc.push(3*3_600e9, -1) // a local date the day before
	if !slices.Equal(tc.lday, []int64{0, 0, 0, -1}) || tc.day(3) != -1 || tc.day(0) != 0 {
		t.Fatalf("lday = %v", tc.lday)
	}
}
