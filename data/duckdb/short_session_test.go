package duckdb

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Yahoo's hourly files end the NYSE's early closes with the 11:30 bar
// (11:30–12:30 New York), 30 minutes before the 13:00 close: the day
// after Thanksgiving, 2025-11-28, resampled to a day closes at 12:30's
// price. The resampler reads the half day right (its session is 09:30–
// 13:00, every bar of it in); the file lacks its last bar, and a note
// says so. Bars at :30 New York, EST (UTC−5): 09:30 is 14:30Z. Full days
// 2025-11-26 and 2025-12-01 (7 bars, the 15:30 one ending at 16:30 by
// its interval, past the 16:00 close) are not noted; with the 12:30 bar
// (12:30–13:30 by its interval) the early close is not either.
func TestResampleShortSessionNote(t *testing.T) {
	ctx := context.Background()
	h := int64(data.Hour)
	var bars [][6]float64
	var ts []int64
	add := func(day int64, n int) {
		for k := range n {
			px := float64(100 + len(ts))
			bars = append(bars, [6]float64{px, px + 1, px - 1, px + 0.5, 1})
			ts = append(ts, day+14*h+h/2+int64(k)*h)
		}
	}
	add(data.Day(2025, 11, 26), 7) // bars 0..6
	add(data.Day(2025, 11, 28), 3) // bars 7..9: 09:30, 10:30, 11:30
	add(data.Day(2025, 12, 1), 7)
	const want = "1 date's bars end before the New York session's close: 2025-11-28 (to 12:30, the close 13:00); the file lacks the session's last bars, and such a date's 1d bar closes at its last bar's close, before the session's"
	out, err := Resample(ctx, &data.Panel{Series: []data.Series{series("NVDA", data.Equity, bars, ts)}}, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Series[0]
	// 2025-11-28's close is the 11:30 bar's, bar 9: 100 + 9 + 0.5.
	if len(r.Close) != 3 || r.Close[1] != 109.5 {
		t.Errorf("closes %v, want 2025-11-28's 109.5", r.Close)
	}
	if !slices.Contains(r.Notes, want) {
		t.Errorf("notes %q\nwant %q", r.Notes, want)
	}

	// With the 12:30 bar the half day is whole: no note.
	bars = slices.Insert(bars, 10, [6]float64{1, 1, 1, 1, 1})
	ts = slices.Insert(ts, 10, data.Day(2025, 11, 28)+17*h+h/2)
	out, err = Resample(ctx, &data.Panel{Series: []data.Series{series("NVDA", data.Equity, bars, ts)}}, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range out.Series[0].Notes {
		if strings.Contains(n, "before the New York session's close") {
			t.Errorf("whole half day noted: %s", n)
		}
	}
}
