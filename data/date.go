package data

import (
	"errors"
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
		t, bad, err := parseDate(x)
		switch {
		case errors.Is(err, errOutsideNanos):
			return errors.New(daysRange)
		case bad != "" || err != nil:
			return fmt.Errorf("want a date YYYY-MM-DD")
		}
		*d = Date(t)
	case time.Time:
		t, ok := unixNanos(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC))
		if !ok {
			return errors.New(daysRange)
		}
		*d = Date(t)
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

// When is a time bound read from a configuration file (an experiment's
// start, end and scenario_start, a borrow recall, a date key taken as
// text): its text, as [ParseInstant] (or [ParseDay], for a date key)
// reads it later. In TOML it is a string ("2024-03-04",
// "2024-03-04T14:30:00Z"), a date (2024-03-04, held as "2024-03-04") or
// a date-time with Z or an offset (2024-03-04T09:30:00-05:00, held as
// written). A date-time without a zone is refused as ParseInstant
// refuses one ("an instant needs its zone"), and so is a time of day.
type When string

// UnmarshalTOML reads a TOML string, date or date-time.
func (w *When) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		*w = When(x)
	case time.Time:
		switch how := HowWritten(x); how {
		case LocalDate:
			*w = When(x.Format(time.DateOnly))
		case LocalDateTime:
			_, err := ParseInstant(x.Format(how.LocalLayout()))
			return err
		case LocalTime:
			return fmt.Errorf("a time of day has no date: want a date YYYY-MM-DD or an instant such as 2024-03-04T14:30:00Z")
		default:
			*w = When(x.Format(time.RFC3339Nano))
		}
	default:
		return fmt.Errorf("want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with Z or an offset, such as 2024-03-04T14:30:00Z")
	}
	return nil
}
