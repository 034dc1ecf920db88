package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadCSV feeds arbitrary bytes to the CSV reader: it must never panic,
// and it either returns an error that names the file or a series that
// passes validation, with one source line per bar.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{oursCSV, yahooCSV, yahooShuffledCSV, yahooNoAdjCSV, nasdaqCSV, binanceCSV} {
		f.Add([]byte(s))
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.body))
	}
	r := &fileReader{}
	defer r.close()
	dir := f.TempDir()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		path := filepath.Join(dir, "FUZZ.csv")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := r.read(ctx, path, ReadOptions{})
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if err := s.Validate(path); err != nil {
			t.Errorf("ReadFile returned a series that fails validation: %v", err)
		}
		if len(s.Rows) != s.Len() {
			t.Fatalf("%d rows for %d bars", len(s.Rows), s.Len())
		}
		// Lines increase, or (a newest-first file read in reverse, with a
		// note) decrease throughout.
		reversed := len(s.Notes) > 0 && strings.Contains(s.Notes[0], "newest first")
		for k, line := range s.Rows {
			if line < 2 || k > 0 && !reversed && line <= s.Rows[k-1] || k > 0 && reversed && line >= s.Rows[k-1] {
				t.Errorf("Rows = %v (notes %q): not monotone lines after the header", s.Rows, s.Notes)
				break
			}
		}
	})
}

// FuzzScanDate: the date scanner never panics, and what it accepts as ISO
// parses to a wall time within a day.
func FuzzScanDate(f *testing.F) {
	for _, s := range []string{"2024-01-02", "2024-01-02T10:00:00Z", "2024-01-02 10:00:00.123+05:30", "01/02/2024 09:30",
		"13/01/2024", "1704153600000", "2024-01-02 10:00-0500", "2024-01-02T10:00:00+05", "//", "1/2/", "2024-01-02T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, w, _, _, _, ok := scan(s)
		if ok && sh.kind == shapeISO && (w.nanos < 0 || w.nanos >= dayNano) {
			t.Errorf("scan(%q): time of day %d ns", s, w.nanos)
		}
		_ = sh.describe()
	})
}
