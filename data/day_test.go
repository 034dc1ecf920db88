package data

import (
	"testing"
	"time"
)

// Weekday agrees with the time package's (Sunday = 0 there, 6 here) on
// every day from 1700 to 2100, midnight and a nanosecond before it; so
// DayNumber floors times before 1970 too.
func TestWeekday(t *testing.T) {
	for d := Day(1700, 1, 1); d < Day(2100, 1, 1); d += NanosPerDay {
		for _, x := range []int64{d, d - 1, d + 13*int64(time.Hour)} {
			want := (int64(time.Unix(0, x).UTC().Weekday()) + 6) % 7
			if got := Weekday(x); got != want {
				t.Fatalf("%s: weekday %d, want %d", time.Unix(0, x).UTC(), got, want)
			}
		}
	}
}
