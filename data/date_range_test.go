package data

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// A date or instant outside the times Unix nanoseconds hold (before
// 1677-09-21T00:12:43Z, after 2262-04-11T23:47:16Z) is refused, naming
// the range. time.UnixNano wrapped it round int64 into another date: a
// weights schedule dated 9999-01-01 read as 1815-…, before any bar, and
// switched the weights on at the run's first bar; an experiment's end
// 2300-01-01 read as a date in 1715. The last days inside the range
// still parse, to the nanosecond the calendar gives: 2262-04-11 is day
// 106,751 of the epoch (106,751 × 86,400 s = 9,223,286,400 s < 2^63 ns =
// 9,223,372,036.854775807 s) and 1677-09-22 day −106,751.
func TestDatesOutsideNanos(t *testing.T) {
	const s = int64(1e9)
	for in, want := range map[string]int64{
		"2262-04-11":           106_751 * 86_400 * s,
		"1677-09-22":           -106_751 * 86_400 * s,
		"2262-04-11T23:47:16Z": (106_751*86_400 + 23*3600 + 47*60 + 16) * s,
	} {
		got, err := ParseInstant(in)
		if err != nil || got != want {
			t.Errorf("ParseInstant(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"2262-04-12", "9999-01-01", "1677-09-20", "1000-01-01", "0001-01-01"} {
		if got, err := ParseDay(in); err == nil || !strings.Contains(err.Error(), "outside the dates Unix nanoseconds hold") {
			t.Errorf("ParseDay(%q) = %s, %v; want an error naming the range", in, FormatDay(got), err)
		}
		if got, err := ParseInstant(in); err == nil || !strings.Contains(err.Error(), "outside the dates Unix nanoseconds hold") {
			t.Errorf("ParseInstant(%q) = %s, %v; want an error naming the range", in, FormatDay(got), err)
		}
	}
	for _, in := range []string{"2262-04-11T23:47:17Z", "2300-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "1677-09-21T05:00:00+06:00"} {
		if got, err := ParseInstant(in); err == nil || !strings.Contains(err.Error(), "outside") {
			t.Errorf("ParseInstant(%q) = %s, %v; want an error naming the range", in, FormatTime(got), err)
		}
	}
	// Through TOML, as a string and as a TOML date.
	for _, text := range []string{`d = "9999-01-01"`, `d = 9999-01-01`, `d = 1000-01-01`, `d = 9999-01-01T00:00:00Z`} {
		var v struct{ D Date }
		if _, err := toml.Decode(text, &v); err == nil || !strings.Contains(err.Error(), "outside") {
			t.Errorf("%s: read as %s, %v; want an error naming the range", text, v.D, err)
		}
	}
	var v struct{ D Date }
	if _, err := toml.Decode(`d = 2262-04-11`, &v); err != nil || int64(v.D) != 106_751*86_400*s {
		t.Errorf("2262-04-11: %d, %v", v.D, err)
	}
}
