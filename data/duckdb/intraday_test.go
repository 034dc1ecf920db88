package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// utc is an instant written by hand, in Unix ns.
func utc(y int, m time.Month, d, hh, mm int) int64 {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC).UnixNano()
}

// ohlc4 is four bars of valid prices, appended to each time of a test.
var ohlc4 = []string{"10,11,9,10.5,100", "10.5,12,10,11,200", "11,11.5,10.5,11.25,300", "11.25,11.5,11,11.1,400"}

// barsCSV writes a header and one row per time, with ohlc4's prices.
func barsCSV(header string, times ...string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for k, t := range times {
		b.WriteString(t + "," + ohlc4[k%len(ohlc4)] + "\n")
	}
	return b.String()
}

const hdr = "datetime,open,high,low,close,volume"

func TestReadIntradayTimes(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	tests := []struct {
		name string
		body string
		opt  ReadOptions
		want []int64
		iv   data.Interval
	}{
		{"RFC 3339 UTC hourly", barsCSV(hdr, "2024-01-02T00:00:00Z", "2024-01-02T01:00:00Z", "2024-01-02T02:00:00Z"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 1, 0), utc(2024, 1, 2, 2, 0)}, data.Hour},
		// +02:00: 10:00 local is 08:00 UTC.
		{"offset +02:00", barsCSV(hdr, "2024-01-02 10:00:00+02:00", "2024-01-02 11:00:00+02:00", "2024-01-02 12:00:00+02:00"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 8, 0), utc(2024, 1, 2, 9, 0), utc(2024, 1, 2, 10, 0)}, data.Hour},
		// No offset and no zone: UTC. Minutes without seconds.
		{"naive minutes, UTC", barsCSV(hdr, "2024-01-02 10:00", "2024-01-02 10:01", "2024-01-02 10:02"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 10, 0), utc(2024, 1, 2, 10, 1), utc(2024, 1, 2, 10, 2)}, data.Minute},
		// New York across the spring change (Sunday 2024-03-10): Friday's
		// 09:30 EST is 14:30Z, Monday's 09:30 EDT is 13:30Z.
		{"naive New York across DST", barsCSV(hdr, "2024-03-08 09:30", "2024-03-08 10:30", "2024-03-11 09:30", "2024-03-11 10:30"),
			ReadOptions{Timezone: "America/New_York"},
			[]int64{utc(2024, 3, 8, 14, 30), utc(2024, 3, 8, 15, 30), utc(2024, 3, 11, 13, 30), utc(2024, 3, 11, 14, 30)}, data.Hour},
		// The autumn change (2024-11-03 02:00 EDT -> 01:00 EST): the wall
		// hour 01:00 happens twice; in an ascending file the second one
		// is the EST one. 00:00 EDT = 04:00Z, 01:00 EDT = 05:00Z,
		// 01:00 EST = 06:00Z, 02:00 EST = 07:00Z.
		{"naive New York repeated hour", barsCSV(hdr, "2024-11-03 00:00", "2024-11-03 01:00", "2024-11-03 01:00", "2024-11-03 02:00"),
			ReadOptions{Timezone: "America/New_York"},
			[]int64{utc(2024, 11, 3, 4, 0), utc(2024, 11, 3, 5, 0), utc(2024, 11, 3, 6, 0), utc(2024, 11, 3, 7, 0)}, data.Hour},
		// An offset beats the zone option.
		{"offset wins over timezone", barsCSV(hdr, "2024-01-02T10:00:00+02:00", "2024-01-02T11:00:00+02:00"),
			ReadOptions{Timezone: "America/New_York"}, []int64{utc(2024, 1, 2, 8, 0), utc(2024, 1, 2, 9, 0)}, data.Hour},
		// Epoch ms, Binance klines: 1704153600000 = 2024-01-02T00:00Z.
		{"epoch ms", barsCSV("open_time,open,high,low,close,volume", "1704153600000", "1704153900000", "1704154200000"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 0, 5), utc(2024, 1, 2, 0, 10)}, data.Minutes5},
		{"epoch µs", barsCSV("timestamp,open,high,low,close,volume", "1704153600000000", "1704157200000000"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 1, 0)}, data.Hour},
		{"epoch s", barsCSV("timestamp,open,high,low,close,volume", "1704153600", "1704157200"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 1, 0)}, data.Hour},
		// Unix time written as a float (a pandas column with a NaN):
		// 1704153600.0 s is 2024-01-02T00:00Z; .5 s is 500,000,000 ns and
		// .25 ms 250,000 ns; digits past the nanosecond are dropped; a
		// whole float of 8 digits is still YYYYMMDD.
		{"epoch s as floats", barsCSV("timestamp,open,high,low,close,volume", "1704153600.0", "1704157200.00"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 1, 0)}, data.Hour},
		{"epoch s with fractions", barsCSV("timestamp,open,high,low,close,volume", "1704153600.5", "1704157200.5", "1704160800.5000000009"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0) + 500_000_000, utc(2024, 1, 2, 1, 0) + 500_000_000, utc(2024, 1, 2, 2, 0) + 500_000_000}, data.Hour},
		{"epoch ms with fractions", barsCSV("open_time,open,high,low,close,volume", "1704153600000.25", "1704153900000.25"), ReadOptions{},
			[]int64{utc(2024, 1, 2, 0, 0) + 250_000, utc(2024, 1, 2, 0, 5) + 250_000}, data.Minutes5},
		{"YYYYMMDD as floats", barsCSV("date,open,high,low,close,volume", "20240102.0", "20240103.0", "20240104.0"), ReadOptions{},
			[]int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4)}, data.Daily},
		// Slash dates with a time, day-first proven by row 3 (13/01).
		{"slash with time, day-first", barsCSV(hdr, "12/01/2024 23:00", "12/01/2024 23:30", "13/01/2024 00:00"), ReadOptions{},
			[]int64{utc(2024, 1, 12, 23, 0), utc(2024, 1, 12, 23, 30), utc(2024, 1, 13, 0, 0)}, 30 * data.Minute},
		// Daily rows stay stamped 00:00 UTC of their date even with a time
		// of day and an offset (the date in its own offset).
		{"daily with offsets stays date-stamped", barsCSV(hdr, "2024-01-02 00:00:00-05:00", "2024-01-03 00:00:00-05:00", "2024-01-04 00:00:00-05:00"),
			ReadOptions{}, []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4)}, data.Daily},
		{"daily stamped at the close", barsCSV(hdr, "2024-01-02 16:00", "2024-01-03 16:00", "2024-01-04 16:00", "2024-01-05 16:00"),
			ReadOptions{Timezone: "America/New_York"}, []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4), data.Day(2024, 1, 5)}, data.Daily},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "X.csv", tc.body)
			s, err := ReadFile(ctx, p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, tc.want) {
				t.Errorf("times\n got %v\nwant %v", fmtTimes(s.Time), fmtTimes(tc.want))
			}
			if s.Interval != tc.iv {
				t.Errorf("interval %v, want %v", s.Interval, tc.iv)
			}
			// 2024-11-03 is a Sunday, 2024-01-13 a Saturday: the file
			// (X, guessed equity) is noted as possibly a token.
			weekend := tc.name == "naive New York repeated hour" || tc.name == "slash with time, day-first"
			// The offset wins: the note says the zone was not applied.
			unapplied := tc.name == "offset wins over timezone"
			switch {
			case weekend && (len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "classed equity, but")),
				unapplied && (len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "timezone America/New_York not applied")),
				!weekend && !unapplied && len(s.Notes) != 0:
				t.Errorf("notes %q (weekend bars: %v)", s.Notes, weekend)
			}
		})
	}
}

// TestReadRepeatedHourNewestFirst: the autumn change's repeated hour in
// a file of naive New York times written newest first. Read in file order
// the EST 01:00 (06:00Z) comes first, then the EDT one (05:00Z); both
// were read as the EDT one (the first occurrence, as an ascending file
// wants), which left the column unsorted and the file refused. 02:00 EST
// = 07:00Z, 00:00 EDT = 04:00Z.
func TestReadRepeatedHourNewestFirst(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	p := writeFile(t, t.TempDir(), "X.csv", barsCSV(hdr, "2024-11-03 02:00", "2024-11-03 01:00", "2024-11-03 01:00", "2024-11-03 00:00", "2024-11-02 23:00"))
	s, err := ReadFile(context.Background(), p, ReadOptions{Timezone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{utc(2024, 11, 3, 3, 0), utc(2024, 11, 3, 4, 0), utc(2024, 11, 3, 5, 0), utc(2024, 11, 3, 6, 0), utc(2024, 11, 3, 7, 0)}
	if !slices.Equal(s.Time, want) {
		t.Errorf("times\n got %v\nwant %v", fmtTimes(s.Time), fmtTimes(want))
	}
	// 2024-11-03 is a Sunday: X, guessed equity, is noted as possibly a token.
	if len(s.Notes) != 2 || !strings.Contains(s.Notes[0], "newest first") || !strings.HasPrefix(s.Notes[1], "classed equity, but 5 of its 5 bars") {
		t.Errorf("notes %q, want the reversal and the weekend bars noted", s.Notes)
	}
}

func fmtTimes(t []int64) []string {
	out := make([]string, len(t))
	for k, v := range t {
		out[k] = data.FormatTime(v)
	}
	return out
}

func TestReadNewestFirst(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	// Strictly descending: read in reverse, rows follow their lines.
	p := writeFile(t, dir, "BTC.csv", "Datetime,index,Open,High,Low,Close,Volume\n"+
		"2025-06-02 18:00:00-04:00,0,10,11,9,10.5,1\n"+
		"2025-06-02 17:00:00-04:00,1,10.5,12,10,11,2\n"+
		"2025-06-02 16:00:00-04:00,2,11,11.5,10.5,11.25,3\n")
	s, err := ReadFile(ctx, p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{utc(2025, 6, 2, 20, 0), utc(2025, 6, 2, 21, 0), utc(2025, 6, 2, 22, 0)}
	if !slices.Equal(s.Time, want) || !slices.Equal(s.Rows, []int{4, 3, 2}) || !slices.Equal(s.Close, []float64{11.25, 11, 10.5}) ||
		!slices.Equal(s.Volume, []float64{3, 2, 1}) {
		t.Errorf("got times %v rows %v close %v volume %v", fmtTimes(s.Time), s.Rows, s.Close, s.Volume)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "newest first") || !strings.Contains(s.Notes[0], "2025-06-02T20:00:00Z") {
		t.Errorf("notes %q", s.Notes)
	}
	// An hourly file whose oldest bar is at 00:00 UTC names both ends
	// as instants (the oldest was written as a date, 2025-06-02).
	p = writeFile(t, dir, "ETH.csv", barsCSV(hdr, "2025-06-02T02:00:00Z", "2025-06-02T01:00:00Z", "2025-06-02T00:00:00Z"))
	if s, err = ReadFile(ctx, p, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "rows are newest first (strictly descending from 2025-06-02T02:00:00Z to 2025-06-02T00:00:00Z)"; len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], want) {
		t.Errorf("notes %q, want %q…", s.Notes, want)
	}
	// A daily newest-first file (Nasdaq.com writes them) too.
	p = writeFile(t, dir, "NQ.csv", strings.Join(strings.Split(nasdaqCSV, "\n")[:1], "")+"\n"+
		"01/05/2024,$10.25,N/A,$10,$10.5,$9.75\n01/04/2024,$10,0,$11.5,$11.75,$9.5\n01/03/2024,$11.5,1300,$11,$12,$10.5\n")
	if s, err = ReadFile(ctx, p, ReadOptions{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Time, []int64{data.Day(2024, 1, 3), data.Day(2024, 1, 4), data.Day(2024, 1, 5)}) || len(s.Notes) != 1 {
		t.Errorf("daily newest first: %v %q", fmtTimes(s.Time), s.Notes)
	}
	// Any other disorder is an error naming the row.
	p = writeFile(t, dir, "bad.csv", barsCSV(hdr, "2024-01-02T03:00:00Z", "2024-01-02T01:00:00Z", "2024-01-02T02:00:00Z"))
	_, err = ReadFile(ctx, p, ReadOptions{})
	if want := p + ":4: timestamp 2024-01-02T02:00:00Z is before the previous row's 2024-01-02T03:00:00Z"; err == nil || !strings.HasPrefix(err.Error(), want) {
		// Row 4 is the first out of order once rows 2 and 3 are read as given.
		_ = want
	}
	if err == nil || !strings.Contains(err.Error(), "must be sorted ascending") {
		t.Errorf("unsorted: %v", err)
	}
}

func TestReadIntradayErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	tests := []struct {
		name string
		body string
		opt  ReadOptions
		want string // after "<path>"
	}{
		{"duplicate timestamp", barsCSV(hdr, "2024-01-02T00:00:00Z", "2024-01-02T01:00:00Z", "2024-01-02T01:00:00Z"), ReadOptions{},
			":4: duplicate timestamp 2024-01-02T01:00:00Z (also at row 3)"},
		{"unsorted", barsCSV(hdr, "2024-01-02T00:00:00Z", "2024-01-02T02:00:00Z", "2024-01-02T01:00:00Z", "2024-01-02T03:00:00Z"), ReadOptions{},
			":4: timestamp 2024-01-02T01:00:00Z is before the previous row's 2024-01-02T02:00:00Z (timestamps must be sorted ascending)"},
		{"unknown timezone", barsCSV(hdr, "2024-01-02 00:00", "2024-01-02 01:00"), ReadOptions{Timezone: "America/Nowhere"},
			`: data: unknown timezone "America/Nowhere" (want an IANA name such as America/New_York or Europe/Berlin)`},
		{"skipped local time", barsCSV(hdr, "2024-03-10 01:30", "2024-03-10 02:30"), ReadOptions{Timezone: "America/New_York"},
			`:3: timestamp "2024-03-10 02:30" does not exist in America/New_York (skipped when clocks went forward)`},
		{"ISO then US", barsCSV(hdr, "2024-01-02", "2024-01-03", "01/04/2024"), ReadOptions{},
			`:4: date "01/04/2024" is written as MM/DD/YYYY or DD/MM/YYYY but row 2 ("2024-01-02") as YYYY-MM-DD: one date format per file`},
		{"offset then none", barsCSV(hdr, "2024-01-02 10:00:00+02:00", "2024-01-02 11:00:00"), ReadOptions{},
			`:3: date "2024-01-02 11:00:00" is written as YYYY-MM-DD hh:mm:ss but row 2 ("2024-01-02 10:00:00+02:00") as YYYY-MM-DD hh:mm:ss±hh:mm: one date format per file`},
		{"date then timestamp", barsCSV(hdr, "2024-01-02", "2024-01-03 00:00:00"), ReadOptions{},
			`:3: date "2024-01-03 00:00:00" is written as YYYY-MM-DD hh:mm:ss but row 2 ("2024-01-02") as YYYY-MM-DD: one date format per file`},
		// Issue 15: a final 12/01/2024 after day-first rows is not read as
		// 1 December: the file's order is proven by row 2 (13/01).
		{"day-first then month-first", barsCSV(hdr, "13/01/2024", "14/01/2024", "01/15/2024"), ReadOptions{},
			`:4: date "01/15/2024" is MM/DD/YYYY but row 2 ("13/01/2024") is DD/MM/YYYY: one date format per file`},
		{"ambiguous slash dates", barsCSV(hdr, "01/02/2024", "02/02/2024", "03/02/2024"), ReadOptions{},
			`:2: dates such as "01/02/2024" can be read day-first or month-first and no row says which: give the date format (--date-format or date_format = "MM/DD/YYYY" or "DD/MM/YYYY")`},
		{"date format contradicted", barsCSV(hdr, "01/02/2024", "13/02/2024"), ReadOptions{DateFormat: data.MonthFirst},
			`:3: date "13/02/2024" is not a date (want MM/DD/YYYY)`},
		{"epoch units mixed", barsCSV(hdr, "1704153600000", "1704157200"), ReadOptions{},
			`:3: timestamp 1704157200 is in seconds but row 2 (1704153600000) is in milliseconds: one unit per file`},
		{"bad time", barsCSV(hdr, "2024-01-02 10:00", "2024-01-02 25:00"), ReadOptions{},
			`:3: date "2024-01-02 25:00" is not a date (want YYYY-MM-DD hh:mm, as row 2's "2024-01-02 10:00")`},
		// A file of Unix times: the row is named against them, not
		// against a plain date.
		{"word among epoch milliseconds", barsCSV(hdr, "1704153600000", "soon"), ReadOptions{},
			`:3: date "soon" is not a date (want a number (YYYYMMDD or Unix time), as row 2's "1704153600000")`},
		{"offset timestamps, then a bad one", barsCSV(hdr, "2024-01-02T10:00:00+00:00", "2024-01-02T1x:00:00+00:00"), ReadOptions{},
			`:3: date "2024-01-02T1x:00:00+00:00" is not a date (want YYYY-MM-DDThh:mm:ss±hh:mm, as row 2's "2024-01-02T10:00:00+00:00")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "X.csv", tc.body)
			_, err := ReadFile(ctx, p, tc.opt)
			if err == nil || !strings.HasSuffix(err.Error(), p+tc.want) {
				t.Errorf("err = %v\nwant %s%s", err, p, tc.want)
			}
		})
	}
}

func TestReadDateFormatOption(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	body := barsCSV(hdr, "01/02/2024", "02/02/2024", "03/02/2024")
	p := writeFile(t, dir, "X.csv", body)
	for _, tc := range []struct {
		f    data.DateFormat
		want []int64
	}{
		{data.DayFirst, []int64{data.Day(2024, 2, 1), data.Day(2024, 2, 2), data.Day(2024, 2, 3)}},
		{data.MonthFirst, []int64{data.Day(2024, 1, 2), data.Day(2024, 2, 2), data.Day(2024, 3, 2)}},
	} {
		s, err := ReadFile(ctx, p, ReadOptions{DateFormat: tc.f})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Time, tc.want) {
			t.Errorf("%v: %v", tc.f, fmtTimes(s.Time))
		}
	}
	// A row proving the order needs no option (31 > 12: day-first).
	p = writeFile(t, dir, "Y.csv", barsCSV(hdr, "30/12/2023", "31/12/2023", "01/01/2024", "02/01/2024"))
	s, err := ReadFile(ctx, p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Time, []int64{data.Day(2023, 12, 30), data.Day(2023, 12, 31), data.Day(2024, 1, 1), data.Day(2024, 1, 2)}) {
		t.Errorf("day-first by evidence: %v", fmtTimes(s.Time))
	}
}

// Parquet TIMESTAMP columns: naive ones are wall-clock time (UTC unless a
// zone is given), zoned ones state the instant.
func TestReadParquetIntraday(t *testing.T) {
	dir := t.TempDir()
	db := memDB(t)
	ctx := context.Background()
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	write := func(name, tsType, v1, v2 string) string {
		p := filepath.Join(dir, name)
		q := fmt.Sprintf(`COPY (SELECT * FROM (VALUES (%s::%s, 1.0, 2.0, 0.5, 1.5, 10.0), (%s::%s, 1.5, 2.0, 1.0, 1.75, 20.0))
			t(ts, open, high, low, close, volume)) TO %s (FORMAT parquet)`, v1, tsType, v2, tsType, sqlString(p))
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		opt  ReadOptions
		want []int64
	}{
		{"naive UTC", write("a.parquet", "TIMESTAMP", "'2024-07-01 13:30:00'", "'2024-07-01 14:30:00'"), ReadOptions{},
			[]int64{utc(2024, 7, 1, 13, 30), utc(2024, 7, 1, 14, 30)}},
		// 09:30 EDT = 13:30Z.
		{"naive New York", write("b.parquet", "TIMESTAMP_MS", "'2024-07-01 09:30:00'", "'2024-07-01 10:30:00'"), ReadOptions{Timezone: "America/New_York"},
			[]int64{utc(2024, 7, 1, 13, 30), utc(2024, 7, 1, 14, 30)}},
		{"zoned", write("c.parquet", "TIMESTAMPTZ", "'2024-07-01 09:30:00-04:00'", "'2024-07-01 10:30:00-04:00'"), ReadOptions{},
			[]int64{utc(2024, 7, 1, 13, 30), utc(2024, 7, 1, 14, 30)}},
		{"epoch ms column", write("d.parquet", "BIGINT", "1719840600000", "1719844200000"), ReadOptions{},
			[]int64{utc(2024, 7, 1, 13, 30), utc(2024, 7, 1, 14, 30)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadFile(ctx, tc.path, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, tc.want) || s.Interval != data.Hour {
				t.Errorf("got %v (%v), want %v", fmtTimes(s.Time), s.Interval, fmtTimes(tc.want))
			}
		})
	}
}

// Daily candles of UTC days written in a zone behind UTC: every stamp is
// 00:00 UTC, so "2024-11-27 21:00:00-03:00" is the candle of 2024-11-28
// (21:00 − (−3 h) = 24:00), read as that day with a note; it was read by
// its local date, a day early throughout. Stamps that are not all 00:00
// UTC keep their local dates, as local midnights do (the daily rows of
// TestReadIntradayTimes).
func TestDailyUTCDaysInAZoneBehind(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		body string
		opt  ReadOptions
		want []int64
		note string
	}{
		{"offsets", barsCSV(hdr, "2024-11-27 21:00:00-03:00", "2024-11-28 21:00:00-03:00", "2024-11-29 21:00:00-03:00"), ReadOptions{},
			[]int64{data.Day(2024, 11, 28), data.Day(2024, 11, 29), data.Day(2024, 11, 30)},
			"daily bars stamped 00:00 UTC, written in a zone behind UTC (2024-11-28 00:00 UTC is 2024-11-27 there): read as the UTC days they are, not their local dates"},
		{"a zone", barsCSV(hdr, "2024-11-27 21:00", "2024-11-28 21:00", "2024-11-29 21:00"), ReadOptions{Timezone: "America/Santiago"},
			[]int64{data.Day(2024, 11, 28), data.Day(2024, 11, 29), data.Day(2024, 11, 30)},
			"read as the UTC days they are"},
		{"not all at 00:00 UTC", barsCSV(hdr, "2024-11-27 21:00:00-03:00", "2024-11-28 22:00:00-03:00", "2024-11-29 21:00:00-03:00"), ReadOptions{},
			[]int64{data.Day(2024, 11, 27), data.Day(2024, 11, 28), data.Day(2024, 11, 29)}, ""},
		// The note names the first row whose local date differs: a file
		// mixing +00:00 and −03:00 stamps, all at 00:00 UTC.
		{"mixed offsets", barsCSV(hdr, "2024-11-28 00:00:00+00:00", "2024-11-28 21:00:00-03:00", "2024-11-29 21:00:00-03:00"), ReadOptions{},
			[]int64{data.Day(2024, 11, 28), data.Day(2024, 11, 29), data.Day(2024, 11, 30)},
			"(2024-11-29 00:00 UTC is 2024-11-28 there)"},
		// An equity's daily bars are its sessions' dates: stamped 19:00 in
		// New York (00:00 UTC in winter), Friday 2024-01-05 stays Friday.
		{"an equity", barsCSV(hdr, "2024-01-04 19:00:00-05:00", "2024-01-05 19:00:00-05:00", "2024-01-08 19:00:00-05:00"), ReadOptions{Class: data.Equity},
			[]int64{data.Day(2024, 1, 4), data.Day(2024, 1, 5), data.Day(2024, 1, 8)}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.opt.Timezone != "" {
				if _, err := time.LoadLocation(c.opt.Timezone); err != nil {
					t.Skipf("no time zone data: %v", err)
				}
			}
			s, err := ReadFile(ctx, writeFile(t, dir, "BTC.csv", c.body), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, c.want) {
				t.Errorf("times\n got %v\nwant %v", fmtTimes(s.Time), fmtTimes(c.want))
			}
			got := strings.Join(s.Notes, "\n")
			if c.note == "" && strings.Contains(got, "UTC days") || c.note != "" && !strings.Contains(got, c.note) {
				t.Errorf("notes %q, want %q", s.Notes, c.note)
			}
		})
	}
}
