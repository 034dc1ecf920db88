package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A file of one bar has no spacing to tell an intraday bar from a day: it
// is read as the daily bar of its date (stamped 00:00 UTC), as before, but
// a bar written at another time of day says so in a note instead of losing
// its time without a word. Binance's hourly kline 1757754000000 is
// 2025-09-13T09:00:00Z (1757754000 s = 20344 days × 86400 + 32400 s, and
// 32400 s = 9 h); day 20344 is 2025-09-13.
func TestReadOneBarFileNotesItsTimeOfDay(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		note       string // "" for none
	}{
		{"hourly kline", "timestamp,open,high,low,close,volume\n1757754000000,364,368,363.34,367.2,15417.664\n",
			"one bar, at 2025-09-13T09:00:00Z: read as the daily bar of 2025-09-13"},
		{"a date", "date,open,high,low,close,volume\n2025-09-13,364,368,363.34,367.2,15417.664\n", ""},
		{"midnight UTC", "timestamp,open,high,low,close,volume\n1757721600000,364,368,363.34,367.2,15417.664\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := ReadFile(context.Background(), path, ReadOptions{Symbol: "ONE", Class: data.Crypto})
			if err != nil {
				t.Fatal(err)
			}
			if want := data.Day(2025, 9, 13); s.Len() != 1 || s.Time[0] != want {
				t.Fatalf("times %v, want the one bar at %s", s.Time, data.FormatTime(want))
			}
			got := strings.Join(s.Notes, "\n")
			switch {
			case tc.note == "" && strings.Contains(got, "one bar"):
				t.Errorf("notes %q, want none about the one bar", got)
			case tc.note != "" && !strings.Contains(got, tc.note):
				t.Errorf("notes %q\nwant …%s", got, tc.note)
			}
		})
	}
}
