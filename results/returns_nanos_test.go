package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A returns file's date outside the times Unix nanoseconds hold is
// refused naming the file, line and the range: time.UnixNano wrapped it
// into another date (2300-01-01 read as 1715-06-13, 9999-12-31 as
// 1816-03-29), and a row dated after the others was taken for one before
// them ("not after the previous row's") or, first, moved the whole file.
func TestReturnsDateOutsideNanos(t *testing.T) {
	for _, c := range []struct{ name, rows, line string }{
		{"date after", "2024-01-01,0.01\n2300-01-01,0.02\n", ":3:"},
		{"date before", "1600-01-01,0.01\n2024-01-01,0.02\n", ":2:"},
		{"time after", "2024-01-01T00:00:00Z,0.01\n9999-12-31T00:00:00Z,0.02\n", ":3:"},
		{"time without zone", "2024-01-01 00:00,0.01\n2263-01-01 00:00,0.02\n", ":3:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.csv")
			if err := os.WriteFile(path, []byte("date,a\n"+c.rows), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadReturns(path)
			if err == nil || !strings.Contains(err.Error(), path+c.line) || !strings.Contains(err.Error(), "Unix nanoseconds hold") {
				t.Errorf("err %v, want %s%s naming the range Unix nanoseconds hold", err, path, c.line)
			}
		})
	}
}
