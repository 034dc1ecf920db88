package report

import (
	"strings"
	"testing"
)

// A time of a run's CSV file outside the range Unix nanoseconds hold is
// refused naming the file, line and range: time.UnixNano wrapped it into
// another date (2300-01-01 into 1715-06-13), and the report drew the run
// at that date. Times inside the range read as UTC nanoseconds:
// 2024-01-02 is 19,724 days after 1970-01-01, 19,724 × 86,400 × 1e9.
func TestParseTimeOutsideNanos(t *testing.T) {
	for _, s := range []string{"2300-01-01", "1600-01-01", "9999-12-31T00:00:00Z", "2262-04-12T00:00:00Z"} {
		_, err := parseTime("equity.csv", 7, s)
		if err == nil || !strings.Contains(err.Error(), "equity.csv:7") || !strings.Contains(err.Error(), "Unix nanoseconds hold") {
			t.Errorf("%s: err %v, want equity.csv:7 and the range", s, err)
		}
	}
	for s, want := range map[string]int64{
		"2024-01-02":                19724 * 86400 * 1e9,
		"2024-01-02T01:00:00+01:00": 19724 * 86400 * 1e9,
		"2262-04-11T23:47:16Z":      9223372036 * 1e9,
	} {
		if got, err := parseTime("equity.csv", 7, s); err != nil || got != want {
			t.Errorf("%s: %d, %v; want %d", s, got, err, want)
		}
	}
}
