package data

import "time"

// Written is how a TOML date or time value was written: with its zone
// (Z or an offset), or without one, as a date, a date-time or a time of
// day. The package reads such values (Date, When) without importing a
// TOML library: a time.Time is what BurntSushi/toml hands over.
type Written uint8

// How a TOML value was written: an offset date-time (2024-03-04T14:30:00Z),
// a local date (2024-03-04), a local date-time (2024-03-04T14:30:00) or a
// local time (14:30:00).
const (
	Zoned Written = iota
	LocalDate
	LocalDateTime
	LocalTime
)

// HowWritten says how the TOML value t was written. BurntSushi/toml gives
// a value written without a zone this machine's offset, in a location
// named by its kind: its fields (year … nanosecond) are as written, its
// instant is not.
func HowWritten(t time.Time) Written {
	switch t.Location().String() {
	case "date-local":
		return LocalDate
	case "datetime-local":
		return LocalDateTime
	case "time-local":
		return LocalTime
	}
	return Zoned
}

// LocalLayout is the layout a value written without a zone is written
// in; "" for one with its zone.
func (w Written) LocalLayout() string {
	switch w {
	case LocalDate:
		return time.DateOnly
	case LocalDateTime:
		return "2006-01-02T15:04:05.999999999"
	case LocalTime:
		return "15:04:05.999999999"
	}
	return ""
}
