package data

import (
	"fmt"
	"time"
)

// NanosPerDay is a calendar day in nanoseconds: the unit of every "days"
// setting (a rebalance every 7 days, a 30-day window) on the UTC
// nanosecond timeline.
const NanosPerDay = int64(24 * time.Hour)

// Date is a calendar date read from a configuration file, held as UTC
// nanoseconds at 00:00 (as Day gives); 0 when unset. In TOML it is a date
// (2025-01-27), a date-time (its calendar date is taken) or a string
// "2025-01-27".
type Date int64

// UnmarshalTOML reads a TOML date or date-time, or a "YYYY-MM-DD" string.
func (d *Date) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		t, err := ParseDay(x)
		if err != nil {
			return fmt.Errorf("want a date YYYY-MM-DD")
		}
		*d = Date(t)
	case time.Time:
		*d = Date(Day(x.Year(), x.Month(), x.Day()))
	default:
		return fmt.Errorf("want a date YYYY-MM-DD")
	}
	return nil
}

// String formats the date as YYYY-MM-DD ("" when unset).
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return FormatDay(int64(d))
}
