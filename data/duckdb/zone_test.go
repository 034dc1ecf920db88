package duckdb

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A Parquet file's TIMESTAMPTZ daily bars at 00:00 UTC (2024-11-28 to
// 2024-11-30) are read as those days whatever the machine's zone: DuckDB
// gives such a column its session's zone, which was the machine's (TZ),
// and under TZ=America/Sao_Paulo (UTC−3) every bar was dated a day early.
// The read runs in a child process started with TZ set, as a user's
// program is: DuckDB takes its zone when a database opens.
func TestReadZonedParquetUnderAnyTZ(t *testing.T) {
	if p := os.Getenv("DIVERGENCE_TEST_ZONED_PARQUET"); p != "" {
		s, err := ReadFile(context.Background(), p, ReadOptions{Symbol: "BTC"})
		if err != nil {
			t.Fatal(err)
		}
		var days []string
		for _, v := range s.Time {
			days = append(days, data.FormatStamp(v))
		}
		t.Logf("DAYS %s NOTES %q", strings.Join(days, ","), s.Notes)
		return
	}
	path := filepath.Join(t.TempDir(), "BTC.parquet")
	db := memDB(t)
	if _, err := db.Exec(`COPY (SELECT CAST(d AS TIMESTAMPTZ) AS date, 100.0 AS open, 101.0 AS high, 99.0 AS low, 100.5 AS close, 10.0 AS volume
		FROM (VALUES (TIMESTAMPTZ '2024-11-28 00:00:00+00'), (TIMESTAMPTZ '2024-11-29 00:00:00+00'), (TIMESTAMPTZ '2024-11-30 00:00:00+00')) v(d))
		TO ` + sqlString(path) + ` (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	for _, tz := range []string{"UTC", "America/Sao_Paulo", "Asia/Tokyo"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestReadZonedParquetUnderAnyTZ$", "-test.v")
		cmd.Env = append(os.Environ(), "TZ="+tz, "DIVERGENCE_TEST_ZONED_PARQUET="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("TZ=%s: %v\n%s", tz, err, out)
		}
		if want := "DAYS 2024-11-28,2024-11-29,2024-11-30 NOTES []"; !strings.Contains(string(out), want) {
			t.Errorf("TZ=%s: want %q in\n%s", tz, want, out)
		}
	}
}
