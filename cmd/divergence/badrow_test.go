package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// data import --on-bad-row: the default refuses a file with an
// inconsistent row and names the option; skip and clip import it, count
// the rows and list each (file, line, values, what was done).
func TestImportOnBadRow(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "MARA.csv")
	// Line 3 is MARA's real 2024-05-10 row: open 19.78 above high 19.77.
	os.WriteFile(f, []byte("date,open,high,low,close,adj_close,volume\n"+
		"2024-05-09,18,19,17.5,18.5,18.5,100\n"+
		"2024-05-10,19.78,19.77,17.10,17.16,17.16,100\n"+
		"2024-05-13,17.2,18,17,17.9,17.9,100\n"), 0o644)
	cat := filepath.Join(dir, "c.duckdb")
	_, _, err := cli(t, "data", "import", f, "--catalog", cat)
	if err == nil || !strings.Contains(err.Error(), "MARA.csv:3: 2024-05-10 open 19.78 outside [low 17.1, high 19.77]") || !strings.Contains(err.Error(), "--on-bad-row") {
		t.Fatalf("default: %v", err)
	}
	for _, tc := range []struct{ policy, count, action, rows string }{
		{"skip", "1 row skipped", "row skipped", "  2 "},
		{"clip", "1 row repaired", "high raised to 19.78", "  3 "},
	} {
		out, _, err := cli(t, "data", "import", f, "--catalog", cat, "--on-bad-row", tc.policy)
		if err != nil {
			t.Fatalf("%s: %v", tc.policy, err)
		}
		if !strings.Contains(out, tc.count+" (--on-bad-row "+tc.policy) || !strings.Contains(out, f+":3: 2024-05-10 open 19.78 outside [low 17.1, high 19.77]: "+tc.action) ||
			!strings.Contains(out, tc.rows) {
			t.Errorf("%s: output\n%s", tc.policy, out)
		}
	}
	if _, _, err := cli(t, "data", "import", f, "--catalog", cat, "--on-bad-row", "fix"); err == nil || !strings.Contains(err.Error(), "--on-bad-row") {
		t.Errorf("--on-bad-row fix: %v", err)
	}
}
