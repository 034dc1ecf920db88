package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
)

// nineDays is a daily file of the nine weekdays 2024-01-02 … 2024-01-12
// (no 01-06, 01-07: a weekend); bar k closes at 100+k.
func nineDays() string {
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k, d := range []int{2, 3, 4, 5, 8, 9, 10, 11, 12} {
		c := 100 + k
		fmt.Fprintf(&b, "2024-01-%02d,%d,%d,%d,%d,%d,1000\n", d, c, c+1, c-1, c, c)
	}
	return b.String()
}

// sixHours is a Binance kline file (no header, open time in epoch ms) of
// six hourly bars on 2024-01-02 from 00:00 UTC (1704153600000 ms).
func sixHours() string {
	var b strings.Builder
	for k := range 6 {
		ms := int64(1704153600000) + int64(k)*3600000
		c := 40000 + 10*k
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d,1.5,%d,60000,100,0.7,28000,0\n", ms, c, c+5, c-5, c, ms+3599999)
	}
	return b.String()
}

func hour(h int) int64 { return data.Day(2024, 1, 2) + int64(h)*3600e9 }

// catalogEntry returns the catalog's one entry.
func catalogEntry(t *testing.T, cat string) duckdb.Entry {
	t.Helper()
	c, err := duckdb.OpenCatalog(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	es, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 {
		t.Fatalf("catalog holds %d entries, want 1", len(es))
	}
	return es[0]
}

// data import FILE --start/--end imports the window of the file, in each
// format: the catalog's first, last and rows are the window's, counted by
// hand from the files above.
func TestImportFileWindow(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "ABC.csv")
	if err := os.WriteFile(csv, []byte(nineDays()), 0o644); err != nil {
		t.Fatal(err)
	}
	pq := filepath.Join(dir, "DEF.parquet")
	c, err := goduckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if _, err := db.Exec("COPY (SELECT * FROM read_csv('" + csv + "', all_varchar = true)) TO '" + pq + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	kl := filepath.Join(dir, "BTCUSDT-1h-2024-01-02.csv")
	if err := os.WriteFile(kl, []byte(sixHours()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		file        string
		args        []string
		first, last int64
		rows        int
	}{
		// 01-04, 01-05, 01-08, 01-09: 01-10 is the end, excluded.
		{"csv start and end", csv, []string{"--start", "2024-01-04", "--end", "2024-01-10"}, data.Day(2024, 1, 4), data.Day(2024, 1, 9), 4},
		// 01-10, 01-11, 01-12.
		{"csv start only", csv, []string{"--start", "2024-01-10"}, data.Day(2024, 1, 10), data.Day(2024, 1, 12), 3},
		// A weekend start: the first bar is the Monday, 01-08 … 01-12.
		{"csv start on a weekend", csv, []string{"--start", "2024-01-06"}, data.Day(2024, 1, 8), data.Day(2024, 1, 12), 5},
		// 01-02, 01-03, 01-04.
		{"parquet end only", pq, []string{"--end", "2024-01-05"}, data.Day(2024, 1, 2), data.Day(2024, 1, 4), 3},
		// 01-05, 01-08.
		{"parquet start and end", pq, []string{"--start", "2024-01-05", "--end", "2024-01-09"}, data.Day(2024, 1, 5), data.Day(2024, 1, 8), 2},
		// Hourly bars opening 02:00 and 03:00 (01:00 opens before 01:30).
		{"klines instants", kl, []string{"--start", "2024-01-02T01:30:00Z", "--end", "2024-01-02T04:00:00Z"}, hour(2), hour(3), 2},
		// 03:00+02:00 is 01:00 UTC, 04:00+02:00 is 02:00 UTC: the bar of 01:00 alone.
		{"klines offsets", kl, []string{"--start", "2024-01-02T03:00:00+02:00", "--end", "2024-01-02T04:00:00+02:00"}, hour(1), hour(1), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := filepath.Join(t.TempDir(), "c.duckdb")
			args := append([]string{"data", "import", tc.file, "--catalog", cat}, tc.args...)
			if _, _, err := cli(t, args...); err != nil {
				t.Fatal(err)
			}
			e := catalogEntry(t, cat)
			if e.First != tc.first || e.Last != tc.last || e.Rows != tc.rows {
				t.Errorf("first %s last %s rows %d, want %s, %s, %d", data.FormatStamp(e.First), data.FormatStamp(e.Last), e.Rows,
					data.FormatStamp(tc.first), data.FormatStamp(tc.last), tc.rows)
			}
		})
	}
}

// The window's mistakes: a --start not before --end and a date that is
// none are refused before anything is read, with the same message for a
// file as for a table; a window holding none of a file's bars is refused
// naming the file and the bars it has, and no catalog is left behind.
func TestImportFileWindowErrors(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "ABC.csv")
	if err := os.WriteFile(csv, []byte(nineDays()), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join(dir, "c.duckdb")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"start after end", []string{"--start", "2024-01-09", "--end", "2024-01-04"}, "--start 2024-01-09 is not before --end 2024-01-04"},
		{"start equals end", []string{"--start", "2024-01-04", "--end", "2024-01-04"}, "--start 2024-01-04 is not before --end 2024-01-04"},
		{"bad start", []string{"--start", "2024-02-30"}, `--start "2024-02-30": not a day of the calendar`},
		{"bad end", []string{"--end", "2024-01-04T10:00:00"}, `--end "2024-01-04T10:00:00"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, src := range [][]string{{csv}, {"--table", csv}} {
				args := append(append([]string{"data", "import"}, src...), append(tc.args, "--catalog", cat)...)
				_, _, err := cli(t, args...)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%v: error %v, want %q", src, err, tc.want)
				}
			}
		})
	}
	t.Run("no bars in the window", func(t *testing.T) {
		_, _, err := cli(t, "data", "import", csv, "--catalog", cat, "--start", "2024-01-13", "--end", "2024-02-01")
		want := csv + ": no bars in [2024-01-13, 2024-02-01): its bars run from 2024-01-02 to 2024-01-12"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	})
	if _, err := os.Stat(cat); !os.IsNotExist(err) {
		t.Errorf("a refused import left the catalog %s (%v)", cat, err)
	}
}

// A bad row outside the window is refused as anywhere (the whole file is
// checked); --on-bad-row skip passes it, and lists and keeps only the
// window's repairs.
func TestImportFileWindowBadRowOutside(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "ABC.csv")
	// Line 2 (2024-01-02, outside the window) and line 6 (2024-01-08,
	// inside it) have high < low.
	text := strings.Replace(nineDays(), "2024-01-02,100,101,99,", "2024-01-02,100,98,99,", 1)
	text = strings.Replace(text, "2024-01-08,104,105,103,", "2024-01-08,104,102,103,", 1)
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join(dir, "c.duckdb")
	_, _, err := cli(t, "data", "import", f, "--catalog", cat, "--start", "2024-01-04", "--end", "2024-01-10")
	if err == nil || !strings.Contains(err.Error(), f+":2: 2024-01-02 high 98 < low 99") {
		t.Fatalf("fail: error %v, want the row of 2024-01-02 (line 2) refused", err)
	}
	out, _, err := cli(t, "data", "import", f, "--catalog", cat, "--start", "2024-01-04", "--end", "2024-01-10", "--on-bad-row", "skip")
	if err != nil {
		t.Fatal(err)
	}
	// The window's 01-04, 01-05, 01-08, 01-09 less 01-08, skipped.
	if !strings.Contains(out, "1 row skipped") || !strings.Contains(out, f+":6: 2024-01-08") || strings.Contains(out, f+":2:") {
		t.Errorf("output lists other repairs than line 6's:\n%s", out)
	}
	e := catalogEntry(t, cat)
	if e.First != data.Day(2024, 1, 4) || e.Last != data.Day(2024, 1, 9) || e.Rows != 3 {
		t.Errorf("first %s last %s rows %d, want 2024-01-04, 2024-01-09, 3", data.FormatStamp(e.First), data.FormatStamp(e.Last), e.Rows)
	}
	c, err := duckdb.OpenCatalog(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reps, err := c.Repairs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(reps["ABC"]) != 1 || reps["ABC"][0].Row != 6 {
		t.Errorf("repairs kept %v, want line 6's alone", reps)
	}
}

// epochDays is a daily file of 1969-12-30 … 1970-01-03; bar k closes at
// 100+k.
func epochDays() string {
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k, d := range []string{"1969-12-30", "1969-12-31", "1970-01-01", "1970-01-02", "1970-01-03"} {
		c := 100 + k
		fmt.Fprintf(&b, "%s,%d,%d,%d,%d,%d,1000\n", d, c, c+1, c-1, c, c)
	}
	return b.String()
}

// A bound at the epoch (1970-01-01, 0 ns) is a bound: it was taken for
// no bound at all (0 meant "open"), and --start 1970-01-01 imported
// 1969's rows, --end 1970-01-01 1970's, from a file and from a table.
func TestImportWindowAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "ABC.csv")
	if err := os.WriteFile(csv, []byte(epochDays()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same bars as a table: a symbol column first.
	table := filepath.Join(dir, "bars.csv")
	text := strings.ReplaceAll(strings.TrimSuffix(epochDays(), "\n"), "\n", "\nABC,")
	text = "symbol," + strings.TrimPrefix(text, "date,")
	text = strings.Replace(text, "symbol,", "symbol,date,", 1) + "\n"
	if err := os.WriteFile(table, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		args        []string
		first, last int64
		rows        int
	}{
		// 1970-01-01, 01-02, 01-03.
		{"start", []string{"--start", "1970-01-01"}, 0, 2 * data.NanosPerDay, 3},
		{"start instant", []string{"--start", "1970-01-01T00:00:00Z"}, 0, 2 * data.NanosPerDay, 3},
		// 1969-12-30, 12-31: the end is excluded.
		{"end", []string{"--end", "1970-01-01"}, -2 * data.NanosPerDay, -data.NanosPerDay, 2},
		// 12-31 alone.
		{"start and end", []string{"--start", "1969-12-31", "--end", "1970-01-01"}, -data.NanosPerDay, -data.NanosPerDay, 1},
		// 01-01 alone.
		{"start at the epoch and end", []string{"--start", "1970-01-01", "--end", "1970-01-02"}, 0, 0, 1},
	} {
		for _, src := range [][]string{{csv}, {"--table", table}} {
			t.Run(tc.name+"/"+filepath.Base(src[len(src)-1]), func(t *testing.T) {
				cat := filepath.Join(t.TempDir(), "c.duckdb")
				args := append(append([]string{"data", "import"}, src...), append(tc.args, "--catalog", cat)...)
				if _, _, err := cli(t, args...); err != nil {
					t.Fatal(err)
				}
				e := catalogEntry(t, cat)
				if e.First != tc.first || e.Last != tc.last || e.Rows != tc.rows {
					t.Errorf("first %s last %s rows %d, want %s, %s, %d", data.FormatStamp(e.First), data.FormatStamp(e.Last), e.Rows,
						data.FormatStamp(tc.first), data.FormatStamp(tc.last), tc.rows)
				}
			})
		}
	}
}
