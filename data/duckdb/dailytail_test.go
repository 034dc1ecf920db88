package duckdb

import (
	"context"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A daily history with hourly bars after it, every row an instant: 6
// daily bars 2024-01-01..06 at 00:00Z, then 4 hourly bars of 2024-01-07,
// 00:00..03:00Z. The daily steps are the median (5 of 9), so the file
// was stamped by date and the hourly bars fell on one stamp, refused as
// "duplicate date 2024-01-07 (also at row 8)". Three or more bars of one
// day at increasing times make it intraday: every bar keeps its instant
// (the daily ones are at 00:00Z anyway), and the file's stretches are a
// day, then an hour (data.Series.Segments). Two rows of one day at
// different times stay a duplicate date.
func TestDailyHistoryHourlyTail(t *testing.T) {
	var b strings.Builder
	b.WriteString("time,open,high,low,close,volume\n")
	for d := 1; d <= 6; d++ {
		b.WriteString("2024-01-0" + string(rune('0'+d)) + "T00:00:00Z,10,11,9,10,100\n")
	}
	for h := 0; h < 4; h++ {
		b.WriteString("2024-01-07T0" + string(rune('0'+h)) + ":00:00Z,10,11,9,10,100\n")
	}
	p := writeFile(t, t.TempDir(), "BTC.csv", b.String())
	s, err := ReadFile(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	day := data.Day(2024, 1, 1)
	var want []int64
	for d := range 6 {
		want = append(want, day+int64(d)*data.NanosPerDay)
	}
	for h := range 4 {
		want = append(want, day+6*data.NanosPerDay+int64(h)*3600e9)
	}
	if len(s.Time) != len(want) {
		t.Fatalf("%d bars, want %d", len(s.Time), len(want))
	}
	for k := range want {
		if s.Time[k] != want[k] {
			t.Errorf("bar %d at %s, want %s", k, data.FormatTime(s.Time[k]), data.FormatTime(want[k]))
		}
	}
	sg := s.Segments()
	if len(sg) != 2 || sg[0].From != 0 || int64(sg[0].Interval.Duration()) != data.NanosPerDay || sg[1].From != 6 || int64(sg[1].Interval.Duration()) != 3600e9 {
		t.Errorf("segments %+v, want a day from bar 0, an hour from bar 6", sg)
	}

	// Two rows of 2024-01-07 (00:00 and 16:00) after daily bars: a
	// duplicate date, as before.
	two := strings.Replace(b.String(), "2024-01-07T02:00:00Z,10,11,9,10,100\n2024-01-07T03:00:00Z,10,11,9,10,100\n", "", 1)
	two = strings.Replace(two, "2024-01-07T01:00:00Z", "2024-01-07T16:00:00Z", 1)
	p = writeFile(t, t.TempDir(), "BTC.csv", two)
	if _, err := ReadFile(context.Background(), p, ReadOptions{}); err == nil || !strings.Contains(err.Error(), ":9: duplicate date 2024-01-07 (also at row 8)") {
		t.Errorf("two rows of one day: %v, want a duplicate date at row 9", err)
	}
}
