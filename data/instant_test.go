package data

import (
	"strings"
	"testing"
)

// ParseInstant reads a date as 00:00 UTC (ParseDay's value) and an RFC
// 3339 instant in UTC, and refuses an instant without a zone. Expected
// values are Unix seconds worked out from the calendar: 2024-03-04 is day
// 19,786 of the epoch (54 years 1970–2023 = 19,723 days with 13 leap days
// 1972…2020, + 31 (Jan) + 29 (Feb 2024) + 3), × 86,400 = 1,709,510,400 s.
func TestParseInstant(t *testing.T) {
	const day = int64(1_709_510_400) // 2024-03-04T00:00:00Z, s
	const s = int64(1e9)
	for in, want := range map[string]int64{
		"2024-03-04":                     day * s,
		"2024-03-04T00:00:00Z":           day * s,
		"2024-03-04T14:30:00Z":           (day + 14*3600 + 30*60) * s,
		"2024-03-04T09:30:00-05:00":      (day + 14*3600 + 30*60) * s, // 09:30 EST = 14:30Z
		"2024-03-04T15:30:00+01:00":      (day + 14*3600 + 30*60) * s,
		"2024-03-04T14:30:00.5Z":         (day+14*3600+30*60)*s + s/2,
		"2024-03-03T23:00:00-05:00":      (day + 4*3600) * s, // the next UTC day
		"2024-03-04T14:30:00.000000001Z": (day+14*3600+30*60)*s + 1,
	} {
		got, err := ParseInstant(in)
		if err != nil || got != want {
			t.Errorf("ParseInstant(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"2024-03-04T14:30:00":   "an instant needs its zone: add Z (UTC) or an offset such as -05:00 (2024-03-04T14:30:00Z, 2024-03-04T14:30:00-05:00)",
		"2024-03-04T14:30:00.5": "an instant needs its zone",
		"2021-02-30":            "not a day of the calendar (day out of range)",
		"2024/03/04":            "want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with Z or an offset, such as 2024-03-04T14:30:00Z or 2024-03-04T09:30:00-05:00",
		"2024-03-04 14:30:00Z":  "want a date YYYY-MM-DD",
		"2024-03-04T25:00:00Z":  "want a date YYYY-MM-DD",
		"":                      "want a date YYYY-MM-DD",
	} {
		_, err := ParseInstant(in)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseInstant(%q): %v, want %s…", in, err, want)
		}
	}
}
