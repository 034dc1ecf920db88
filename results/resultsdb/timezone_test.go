//go:build duckdb_arrow && unix

package resultsdb

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildInAnotherTimeZone runs the builds from CSV files (their times
// read as TIMESTAMPTZ) and the check of the rows against the records in
// this test binary as a child, in Tokyo's time zone (UTC+9): DuckDB's
// session zone is the machine's, and the dates of the CSV files were
// read as Tokyo's midnight, 15:00 UTC the day before, which the check
// then refused as a file cut short a day early. TestWriteFromCSV checks
// the first time (2019-03-01 00:00 UTC) and TestWriteRefusesACutFile
// that a whole folder builds and a cut one names its last day.
func TestBuildInAnotherTimeZone(t *testing.T) {
	if os.Getenv("TZ") == "Asia/Tokyo" {
		t.Skip("the child itself")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(self, "-test.run", "^(TestWriteFromCSV|TestWriteRefusesACutFile)$", "-test.v")
	child.Env = append(os.Environ(), "TZ=Asia/Tokyo")
	out, err := child.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestWriteFromCSV") || !strings.Contains(string(out), "--- PASS: TestWriteRefusesACutFile") {
		t.Fatalf("in Asia/Tokyo: %v\n%s", err, out)
	}
}
