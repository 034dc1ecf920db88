package duckdb

import (
	"context"
	"strings"
	"testing"
)

// TestReadNewestFirstBrokenRow: a file written newest first with one
// repeated or swapped row deep inside is not strictly descending, so it
// is not reversed; its error must name that row, not the file's second
// bar (row 3, "before the previous row's", whatever row was wrong).
func TestReadNewestFirstBrokenRow(t *testing.T) {
	dir := t.TempDir()
	const h = "Datetime,index,Open,High,Low,Close,Volume\n"
	row := func(ts, idx string) string { return ts + "," + idx + ",10,11,9,10.5,1\n" }
	for _, tc := range []struct {
		name, body, want string
	}{{
		// Lines 2..7 at 18, 17, 16, 15, 15, 14 -04:00 = 22, 21, 20, 19,
		// 19, 18Z: line 6 repeats line 5.
		name: "repeated",
		body: h + row("2025-06-02 18:00:00-04:00", "0") + row("2025-06-02 17:00:00-04:00", "1") + row("2025-06-02 16:00:00-04:00", "2") +
			row("2025-06-02 15:00:00-04:00", "3") + row("2025-06-02 15:00:00-04:00", "3") + row("2025-06-02 14:00:00-04:00", "4"),
		want: ":6: duplicate timestamp 2025-06-02T19:00:00Z (also at row 5; the rows are newest first)",
	}, {
		// Lines 2..7 at 22, 21, 20, 18, 19, 17Z: lines 5 and 6 swapped;
		// 4 of the 5 steps go back.
		name: "swapped",
		body: h + row("2025-06-02 18:00:00-04:00", "0") + row("2025-06-02 17:00:00-04:00", "1") + row("2025-06-02 16:00:00-04:00", "2") +
			row("2025-06-02 14:00:00-04:00", "4") + row("2025-06-02 15:00:00-04:00", "3") + row("2025-06-02 13:00:00-04:00", "5"),
		want: ":6: timestamp 2025-06-02T19:00:00Z is after the previous row's 2025-06-02T18:00:00Z (the rows are newest first: 4 of their 5 steps go back in time; they must all do)",
	}, {
		// Daily, newest first: line 4 repeats line 3's date.
		name: "daily",
		body: "date,open,high,low,close\n2024-01-05,10,11,9,10\n2024-01-04,10,11,9,10\n2024-01-04,10,11,9,10\n2024-01-03,10,11,9,10\n",
		want: ":4: duplicate date 2024-01-04 (also at row 3; the rows are newest first)",
	}, {
		// Ascending but for a stray old last row: 1 of 4 steps goes
		// back, so it is no newest-first file; validation names line 6.
		name: "ascending",
		body: hdr + "\n2024-01-02T01:00:00Z,1,2,0.5,1.5,1\n2024-01-02T02:00:00Z,1,2,0.5,1.5,1\n2024-01-02T03:00:00Z,1,2,0.5,1.5,1\n" +
			"2024-01-02T04:00:00Z,1,2,0.5,1.5,1\n2024-01-01T23:00:00Z,1,2,0.5,1.5,1\n",
		want: ":6: timestamp 2024-01-01T23:00:00Z is before the previous row's 2024-01-02T04:00:00Z (timestamps must be sorted ascending)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, tc.name+".csv", tc.body)
			_, err := ReadFile(context.Background(), p, ReadOptions{})
			if err == nil || !strings.HasPrefix(err.Error(), p+tc.want) {
				t.Errorf("got  %v\nwant %s%s", err, p, tc.want)
			}
		})
	}
}
