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
		for k, line := range s.Rows {
			if line < 2 || k > 0 && line <= s.Rows[k-1] {
				t.Errorf("Rows = %v: not increasing lines after the header", s.Rows)
				break
			}
		}
	})
}
