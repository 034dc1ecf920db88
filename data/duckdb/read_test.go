package duckdb

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// The fixture: four bars, written below in every accepted layout. The
// expected columns are the literal numbers of these files.
const oursCSV = `date,open,high,low,close,adj_close,volume
2024-01-02,10.5,11.25,10,11,10.75,1200
2024-01-03,11,12,10.5,11.5,11.25,1300
2024-01-04,11.5,11.75,9.5,10,9.8,0
2024-01-05,10,10.5,9.75,10.25,10.05,
`

const yahooCSV = `Date,Open,High,Low,Close,Adj Close,Volume
2024-01-02,10.500000,11.250000,10.000000,11.000000,10.750000,1200
2024-01-03,11.000000,12.000000,10.500000,11.500000,11.250000,1300
2024-01-04,11.500000,11.750000,9.500000,10.000000,9.800000,0
2024-01-05,10.000000,10.500000,9.750000,10.250000,10.050000,
`

// yahooShuffledCSV: columns in another order, extra columns, CRLF line
// ends, blank lines (skipped: line numbers still count them).
const yahooShuffledCSV = "Volume,Close,date,Dividends,LOW,High,Adj Close,Open,Stock Splits\r\n" +
	"1200,11,2024-01-02,0,10,11.25,10.75,10.5,0\r\n" +
	"\r\n" +
	"1300,11.5,2024-01-03,0,10.5,12,11.25,11,0\r\n" +
	"0,10,2024-01-04,0.1,9.5,11.75,9.8,11.5,0\r\n" +
	",10.25,2024-01-05,0,9.75,10.5,10.05,10,0\r\n"

// yahooNoAdjCSV has no adjusted close: adj_close is close.
const yahooNoAdjCSV = `Date,Open,High,Low,Close,Volume
2024-01-02,10.5,11.25,10,11,1200
2024-01-03,11,12,10.5,11.5,1300
2024-01-04,11.5,11.75,9.5,10,0
2024-01-05,10,10.5,9.75,10.25,
`

// nasdaqCSV is Nasdaq.com's historical-quotes layout: newest first would
// fail validation, so this one is sorted; $ prices, MM/DD/YYYY, N/A volume.
const nasdaqCSV = `Date,Close/Last,Volume,Open,High,Low
01/02/2024,$11,1200,$10.5,$11.25,$10
01/03/2024,$11.5,1300,$11,$12,$10.5
01/04/2024,$10,0,$11.5,$11.75,$9.5
01/05/2024,$10.25,N/A,$10,$10.5,$9.75
`

// binanceCSV: epoch-millisecond open times, semicolon-separated.
const binanceCSV = `open_time;open;high;low;close;volume;close_time
1704153600000;10.5;11.25;10;11;1200;1704239999999
1704240000000;11;12;10.5;11.5;1300;1704326399999
1704326400000;11.5;11.75;9.5;10;0;1704412799999
1704412800000;10;10.5;9.75;10.25;;1704499199999
`

var (
	wantTime = []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4), data.Day(2024, 1, 5)}
	wantOpen = []float64{10.5, 11, 11.5, 10}
	wantHigh = []float64{11.25, 12, 11.75, 10.5}
	wantLow  = []float64{10, 10.5, 9.5, 9.75}
	wantCls  = []float64{11, 11.5, 10, 10.25}
	wantAdj  = []float64{10.75, 11.25, 9.8, 10.05}
	wantVol  = []float64{1200, 1300, 0, math.NaN()}
)

func writeFile(t testing.TB, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// memDB opens an in-memory DuckDB for writing fixtures.
func memDB(t testing.TB) *sql.DB {
	t.Helper()
	c, err := goduckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// fixtureValues is the fixture as an SQL VALUES list; date and price types
// are given as SQL casts.
func fixtureValues(dateType, priceType, volType string) string {
	dates := []string{"2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"}
	var rows []string
	for k := range dates {
		vol := "NULL::" + volType
		if !math.IsNaN(wantVol[k]) {
			vol = fmt.Sprintf("%v::%s", wantVol[k], volType)
		}
		vals := []string{fmt.Sprintf("'%s'::%s", dates[k], dateType)}
		for _, col := range [][]float64{wantOpen, wantHigh, wantLow, wantCls, wantAdj} {
			vals = append(vals, fmt.Sprintf("%v::%s", col[k], priceType))
		}
		rows = append(rows, "("+strings.Join(append(vals, vol), ", ")+")")
	}
	return "VALUES " + strings.Join(rows, ", ")
}

// writeParquet writes the fixture with DuckDB's COPY ... TO.
func writeParquet(t testing.TB, db *sql.DB, path, dateType, priceType, volType string, names [7]string) {
	t.Helper()
	var cols []string
	for _, n := range names {
		cols = append(cols, sqlIdent(n))
	}
	q := fmt.Sprintf("COPY (SELECT * FROM (%s) t(%s)) TO %s (FORMAT parquet)",
		fixtureValues(dateType, priceType, volType), strings.Join(cols, ", "), sqlString(path))
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

var ourNames = [7]string{"date", "open", "high", "low", "close", "adj_close", "volume"}
var yahooNames = [7]string{"Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"}

// writeIPC writes the fixture with arrow-go, as an IPC file or stream. The
// date column is built by dateCol.
func writeIPC(t testing.TB, path string, stream bool, names [7]string, dateType arrow.DataType, appendDate func(b array.Builder, k int)) {
	t.Helper()
	fields := []arrow.Field{{Name: names[0], Type: dateType}}
	for _, n := range names[1:6] {
		fields = append(fields, arrow.Field{Name: n, Type: arrow.PrimitiveTypes.Float64})
	}
	fields = append(fields, arrow.Field{Name: names[6], Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	schema := arrow.NewSchema(fields, nil)
	mem := memory.NewGoAllocator()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for k := range wantTime {
		appendDate(b.Field(0), k)
		for j, col := range [][]float64{wantOpen, wantHigh, wantLow, wantCls, wantAdj} {
			b.Field(1 + j).(*array.Float64Builder).Append(col[k])
		}
		if math.IsNaN(wantVol[k]) {
			b.Field(6).AppendNull()
		} else {
			b.Field(6).(*array.Int64Builder).Append(int64(wantVol[k]))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if stream {
		w := ipc.NewWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// equalFloats compares within rel relative tolerance; NaN equals NaN.
func equalFloats(got, want []float64, rel float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if math.IsNaN(g) || math.IsNaN(w) {
			if math.IsNaN(g) != math.IsNaN(w) {
				return false
			}
			continue
		}
		if math.Abs(g-w) > rel*math.Abs(w) {
			return false
		}
	}
	return true
}

func checkFixture(t *testing.T, s data.Series, adj []float64, rows []int, rel float64) {
	t.Helper()
	if fmt.Sprint(s.Time) != fmt.Sprint(wantTime) {
		t.Errorf("Time = %v, want %v", s.Time, wantTime)
	}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{
		{"open", s.Open, wantOpen}, {"high", s.High, wantHigh}, {"low", s.Low, wantLow},
		{"close", s.Close, wantCls}, {"adj_close", s.AdjClose, adj}, {"volume", s.Volume, wantVol},
	} {
		if !equalFloats(c.got, c.want, rel) {
			t.Errorf("%s = %v, want %v (rel tol %g)", c.name, c.got, c.want, rel)
		}
	}
	if fmt.Sprint(s.Rows) != fmt.Sprint(rows) {
		t.Errorf("Rows = %v, want %v", s.Rows, rows)
	}
}

func TestReadFileFormats(t *testing.T) {
	dir := t.TempDir()
	db := memDB(t)
	ctx := context.Background()
	lines := []int{2, 3, 4, 5}
	rows := []int{1, 2, 3, 4}
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	zw.Write([]byte(oursCSV))
	zw.Close()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Logf("no time zone data (%v): the zoned-timestamp case uses UTC", err)
		ny = time.UTC
	}
	zoned := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: ny.String()}

	tests := []struct {
		name  string
		make  func(p string) // writes the file at p
		file  string
		adj   []float64
		rows  []int
		rel   float64 // relative tolerance: 0 = bit-identical
		class data.Class
	}{
		{name: "ours", file: "NVDA.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), oursCSV) }, adj: wantAdj, rows: lines},
		{name: "yahoo", file: "NVDA-yahoo.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), yahooCSV) }, adj: wantAdj, rows: lines},
		{name: "yahoo shuffled CRLF blank line", file: "shuffled.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), yahooShuffledCSV) },
			adj: wantAdj, rows: []int{2, 4, 5, 6}},
		{name: "yahoo without adj close", file: "noadj.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), yahooNoAdjCSV) }, adj: wantCls, rows: lines},
		{name: "nasdaq.com", file: "nasdaq.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), nasdaqCSV) }, adj: wantCls, rows: lines},
		{name: "binance epoch ms semicolons", file: "BTCUSDT.csv", make: func(p string) { writeFile(t, dir, filepath.Base(p), binanceCSV) },
			adj: wantCls, rows: lines, class: data.Crypto},
		{name: "tab-separated", file: "tabs.tsv", make: func(p string) { writeFile(t, dir, filepath.Base(p), strings.ReplaceAll(oursCSV, ",", "\t")) },
			adj: wantAdj, rows: lines},
		{name: "gzip", file: "gz.csv.gz", make: func(p string) { os.WriteFile(p, gzBuf.Bytes(), 0o644) }, adj: wantAdj, rows: lines},
		{name: "parquet date double", file: "pq-date.parquet", make: func(p string) { writeParquet(t, db, p, "DATE", "DOUBLE", "DOUBLE", ourNames) }, adj: wantAdj, rows: rows},
		{name: "parquet timestamp decimal yahoo names", file: "pq-ts.parquet",
			make: func(p string) { writeParquet(t, db, p, "TIMESTAMP", "DECIMAL(12,4)", "BIGINT", yahooNames) }, adj: wantAdj, rows: rows},
		{name: "parquet string dates float", file: "pq-str.parquet", make: func(p string) { writeParquet(t, db, p, "VARCHAR", "FLOAT", "BIGINT", ourNames) },
			adj: wantAdj, rows: rows, rel: 1e-7},
		{name: "arrow file date32", file: "ipc-date.arrow", make: func(p string) {
			writeIPC(t, p, false, ourNames, arrow.FixedWidthTypes.Date32, func(b array.Builder, k int) {
				b.(*array.Date32Builder).Append(arrow.Date32(wantTime[k] / dayNano))
			})
		}, adj: wantAdj, rows: rows},
		{name: "arrow stream string dates yahoo names", file: "ipc-str.ipc", make: func(p string) {
			writeIPC(t, p, true, yahooNames, arrow.BinaryTypes.String, func(b array.Builder, k int) {
				b.(*array.StringBuilder).Append(data.FormatDay(wantTime[k]))
			})
		}, adj: wantAdj, rows: rows},
		{name: "feather zoned timestamp", file: "ipc-ts.feather", make: func(p string) {
			writeIPC(t, p, false, ourNames, zoned, func(b array.Builder, k int) {
				y, m, d := time.Unix(0, wantTime[k]).UTC().Date()
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(time.Date(y, m, d, 0, 0, 0, 0, ny).UnixMilli()))
			})
		}, adj: wantAdj, rows: rows},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			tc.make(p)
			s, err := ReadFile(ctx, p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkFixture(t, s, tc.adj, tc.rows, tc.rel)
			if s.Source != p {
				t.Errorf("Source = %q, want %q", s.Source, p)
			}
			want := data.Equity
			if tc.class != 0 {
				want = tc.class
			}
			if s.Class != want {
				t.Errorf("Class = %v, want %v", s.Class, want)
			}
			// --start 2024-01-03 --end 2024-01-05 keeps the fixture's
			// bars 2 and 3 of 4 (01-03 and 01-04; 01-05 is the end,
			// excluded): closes 11.5 and 10, at the second and third
			// of the file's rows or lines.
			w, err := ReadFile(ctx, p, ReadOptions{Start: data.Day(2024, 1, 3), End: data.Day(2024, 1, 5)})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(w.Time) != fmt.Sprint([]int64{data.Day(2024, 1, 3), data.Day(2024, 1, 4)}) ||
				!equalFloats(w.Close, []float64{11.5, 10}, tc.rel) || fmt.Sprint(w.Rows) != fmt.Sprint(tc.rows[1:3]) {
				t.Errorf("window [2024-01-03, 2024-01-05): times %v closes %v rows %v, want 2024-01-03, 2024-01-04, closes [11.5 10], rows %v",
					w.Time, w.Close, w.Rows, tc.rows[1:3])
			}
		})
	}
}

func TestReadFileSymbolAndClass(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	tests := []struct {
		file string
		opt  ReadOptions
		sym  string
		cls  data.Class
	}{
		{"TAO-USD.csv", ReadOptions{}, "TAO", data.Crypto},
		{"NVDA.csv", ReadOptions{}, "NVDA", data.Equity},
		{"9984.T.csv", ReadOptions{}, "9984.T", data.Equity},
		{"^NDX.csv", ReadOptions{}, "^NDX", data.Equity},
		{"PEPE-USD.csv", ReadOptions{}, "PEPE", data.Crypto},
		{"btcusdt.csv", ReadOptions{}, "BTC", data.Crypto},
		{"x.csv", ReadOptions{Symbol: "fet-usd"}, "FET", data.Crypto},
		{"y.csv", ReadOptions{Symbol: "MSTR", Class: data.Crypto}, "MSTR", data.Crypto},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := writeFile(t, dir, tc.file, oursCSV)
			s, err := ReadFile(ctx, p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if s.Symbol != tc.sym || s.Class != tc.cls {
				t.Errorf("got %s %v, want %s %v", s.Symbol, s.Class, tc.sym, tc.cls)
			}
		})
	}
}

// replaceLine returns oursCSV with 1-based line n replaced by text.
func replaceLine(n int, text string) string {
	lines := strings.Split(oursCSV, "\n")
	lines[n-1] = text
	return strings.Join(lines, "\n")
}

// errorCases are CSV files each with one problem, the line it is on (0: the
// file) and the message. They also seed FuzzReadCSV.
var errorCases = []struct {
	name, body string
	row        int
	msg        string
}{
	{"missing column", "date,open,high,low,adj_close,volume\n2024-01-02,1,1,1,1,1\n", 0,
		`missing column "close" (have date, open, high, low, adj_close, volume)`},
	{"two close columns", "date,open,high,low,close,Close\n2024-01-02,1,1,1,1,1\n", 0,
		`columns "close" and "Close" both give close`},
	{"bad date", replaceLine(3, "2024-13-01,11,12,10.5,11.5,11.25,1300"), 3,
		`date "2024-13-01" is not a date (want YYYY-MM-DD)`},
	{"day 31 of a 30-day month", replaceLine(3, "2024-04-31,11,12,10.5,11.5,11.25,1300"), 3,
		`date "2024-04-31" is not a date (want YYYY-MM-DD)`},
	{"empty date", replaceLine(2, ",10.5,11.25,10,11,10.75,1200"), 2, `date is empty`},
	{"date out of range", replaceLine(2, "2300-01-02,10.5,11.25,10,11,10.75,1200"), 2,
		`date "2300-01-02" is out of range (1700-01-01..2261-12-31)`},
	{"not a number", replaceLine(4, "2024-01-04,11.5,11.75,9.5,abc,9.8,0"), 4, `close "abc" is not a number`},
	{"not a volume", replaceLine(4, "2024-01-04,11.5,11.75,9.5,10,9.8,lots"), 4, `volume "lots" is not a number`},
	{"empty price", replaceLine(4, "2024-01-04,11.5,11.75,9.5,,9.8,0"), 4, `2024-01-04 close is NaN or empty`},
	{"NaN price", replaceLine(5, "2024-01-05,10,NaN,9.75,10.25,10.05,"), 5, `2024-01-05 high is NaN or empty`},
	{"infinite price", replaceLine(5, "2024-01-05,10,1e999,9.75,10.25,10.05,"), 5, `2024-01-05 high is infinite`},
	{"zero price", replaceLine(3, "2024-01-03,0,12,10.5,11.5,11.25,1300"), 3, `2024-01-03 open = 0 is not positive`},
	{"negative price", replaceLine(3, "2024-01-03,11,12,-10.5,11.5,11.25,1300"), 3, `2024-01-03 low = -10.5 is not positive`},
	{"high below low", replaceLine(3, "2024-01-03,11,10,10.5,10.5,11.25,1300"), 3, `2024-01-03 high 10 < low 10.5` + data.BadRowHint},
	{"close above high", replaceLine(3, "2024-01-03,11,12,10.5,12.5,11.25,1300"), 3, `2024-01-03 close 12.5 outside [low 10.5, high 12]` + data.BadRowHint},
	{"open below low", replaceLine(3, "2024-01-03,10,12,10.5,11.5,11.25,1300"), 3, `2024-01-03 open 10 outside [low 10.5, high 12]` + data.BadRowHint},
	{"negative volume", replaceLine(3, "2024-01-03,11,12,10.5,11.5,11.25,-5"), 3, `2024-01-03 volume -5 is negative or infinite`},
	{"duplicate date", replaceLine(4, "2024-01-03,11.5,11.75,9.5,10,9.8,0"), 4, `duplicate date 2024-01-03 (also at row 3)`},
	{"unsorted dates", replaceLine(4, "2024-01-01,11.5,11.75,9.5,10,9.8,0"), 4,
		`date 2024-01-01 is before the previous row's 2024-01-03 (dates must be sorted ascending)`},
	{"line numbers count blank lines", "date,open,high,low,close,adj_close,volume\n\n2024-01-02,10.5,11.25,10,11,10.75,1200\n\n\n2024-01-02,10.5,11.25,10,11,10.75,1200\n", 6,
		`duplicate date 2024-01-02 (also at row 3)`},
	{"quoted newline", "date,open,high,low,close,adj_close,volume,note\n2024-01-02,10.5,11.25,10,11,10.75,1200,\"two\nlines\"\n2024-01-03,11,12,10.5,11.5,11.25,x,\"\"\n", 4,
		`volume "x" is not a number`},
	{"too many fields", replaceLine(3, "2024-01-03,11,12,10.5,11.5,11.25,1300,7"), 3,
		`malformed CSV line: has 8 fields, want 7 (as many as the header)`},
	{"too many fields after blank lines", "date,open,high,low,close,adj_close,volume\n\n2024-01-02,10.5,11.25,10,11,10.75,1200\n\n2024-01-03,11,12,10.5,11.5,11.25,1300,7\n", 5,
		`malformed CSV line: has 8 fields, want 7 (as many as the header)`},
	{"too many fields after a quoted newline", "date,open,high,low,close,adj_close,volume,note\n2024-01-02,10.5,11.25,10,11,10.75,1200,\"a\nb\"\n2024-01-03,11,12,10.5,11.5,11.25,1300,x,7\n", 4,
		`malformed CSV line: has 9 fields, want 8 (as many as the header)`},
	// An unquoted 1,234.50 splits into two fields: the field count is
	// the error, not the prices it shifts (high 234.5 < low 1240 before).
	{"unquoted grouped number", replaceLine(3, "2024-01-03,$1,234.50,1240,1230,1235,1235,1300"), 3,
		`malformed CSV line: has 8 fields, want 7 (as many as the header); a number with commas grouping its thousands (1,234.50) needs double quotes`},
	{"too many fields, prices shifted", replaceLine(3, "2024-01-03,11,10,10.5,10.5,11.25,1300,7"), 3,
		`malformed CSV line: has 8 fields, want 7 (as many as the header)`},
	{"quoted grouped number, a field too many", replaceLine(3, `2024-01-03,"$1,234.50",1240,1230,1235,1235,1300,7`), 3,
		`malformed CSV line: has 8 fields, want 7 (as many as the header)`},
	{"too few fields", replaceLine(3, "2024-01-03,11,12"), 3,
		`malformed CSV line: has 3 fields, want 7 (as many as the header)`},
	{"empty file", "", 0, `empty file (want a header line such as date,open,high,low,close,adj_close,volume)`},
	{"blank lines only", "\n\r\n  \n", 0, `empty file (want a header line such as date,open,high,low,close,adj_close,volume)`},
	{"header only", "date,open,high,low,close,adj_close,volume\n", 0, `no bars (the file has only a header)`},
	{"header not on line 1", "\n" + oursCSV, 1, `empty line where the header should be`},
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, "x.csv", tc.body)
			_, err := ReadFile(ctx, p, ReadOptions{})
			var re *data.RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want a *data.RowError", err, err)
			}
			want := p + ":" + fmt.Sprint(tc.row) + ": " + tc.msg
			if tc.row == 0 {
				want = p + ": " + tc.msg
			}
			if err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("errors.Is(err, data.ErrInvalid) = false")
			}
		})
	}
}

func TestReadFileErrorsParquetAndArrow(t *testing.T) {
	dir := t.TempDir()
	db := memDB(t)
	ctx := context.Background()

	// Row 3 repeats row 2's date: Parquet and Arrow errors name 1-based rows.
	pq := filepath.Join(dir, "dup.parquet")
	if _, err := db.Exec(fmt.Sprintf(`COPY (SELECT * FROM (VALUES
		(DATE '2024-01-02', 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
		(DATE '2024-01-03', 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
		(DATE '2024-01-03', 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)) t(date, open, high, low, close, adj_close, volume)) TO %s (FORMAT parquet)`,
		sqlString(pq))); err != nil {
		t.Fatal(err)
	}
	badDate := filepath.Join(dir, "bad.ipc")
	writeIPC(t, badDate, true, ourNames, arrow.BinaryTypes.String, func(b array.Builder, k int) {
		b.(*array.StringBuilder).Append([]string{"2024-01-02", "2024-01-03", "yesterday", "2024-01-05"}[k])
	})
	noClose := filepath.Join(dir, "noclose.arrow")
	writeIPC(t, noClose, false, [7]string{"date", "open", "high", "low", "last", "adj_close", "volume"}, arrow.FixedWidthTypes.Date32,
		func(b array.Builder, k int) { b.(*array.Date32Builder).Append(arrow.Date32(wantTime[k] / dayNano)) })
	notParquet := writeFile(t, dir, "text.parquet", oursCSV)
	// dup.parquet cut short, and a file with Parquet's marks at both ends
	// and nothing readable between them.
	whole, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, dir, "cut.parquet", string(whole[:len(whole)/2]))
	marks := writeFile(t, dir, "marks.parquet", "PAR1garbagegarbagePAR1")
	feather1 := writeFile(t, dir, "old.feather", "FEA1xxxxxxxx")
	tests := []struct {
		path, want string
	}{
		{pq, pq + ":3: duplicate date 2024-01-03 (also at row 2)"},
		{badDate, badDate + `:3: date "yesterday" is not a date (want YYYY-MM-DD, as row 1's "2024-01-02")`},
		{noClose, noClose + `: missing column "close" (have date, open, high, low, last, adj_close, volume)`},
		{notParquet, notParquet + ": the file is text, not Parquet: a CSV file is named .csv"},
		{cut, cut + ": the file is not a whole Parquet file (it does not end with Parquet's footer): it was cut short or not written whole; write or copy it again"},
		{marks, marks + ": the file is not a readable Parquet file (Invalid Input Error: "},
		{feather1, feather1 + ": Feather v1 is not supported (save it as Feather v2, i.e. Arrow IPC)"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			_, err := ReadFile(ctx, tc.path, ReadOptions{})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant %q", err, tc.want)
			}
		})
	}
}

func TestReadFileBadPaths(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	missing := filepath.Join(dir, "missing.csv")
	_, err := ReadFile(ctx, missing, ReadOptions{})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist naming %s", err, missing)
	}
	for _, tc := range []struct{ name, want string }{
		{"prices.json", "unknown file type"},
		{"a[1].csv", "glob character"},
		{"it's.csv", ""}, // a quote in the path is escaped in SQL
		{".csv", "cannot derive a symbol"},
	} {
		p := writeFile(t, dir, tc.name, oursCSV)
		_, err := ReadFile(ctx, p, ReadOptions{})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p)):
			t.Errorf("%s: err = %v, want it to name the file and say %q", tc.name, err, tc.want)
		}
	}
	_, err = ReadFile(ctx, dir+"/sub.csv", ReadOptions{})
	if err == nil {
		t.Error("a missing file read without error")
	}
	os.Mkdir(filepath.Join(dir, "d.csv"), 0o755)
	if _, err := ReadFile(ctx, filepath.Join(dir, "d.csv"), ReadOptions{}); err == nil || !strings.Contains(err.Error(), "d.csv: is a folder: give the files in it") {
		t.Errorf("directory: err = %v", err)
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a := writeFile(t, dir, "NVDA.csv", oursCSV)
	b := writeFile(t, dir, "TAO-USD.csv", yahooCSV)
	p, err := ReadFiles(ctx, []string{b, a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.Symbols()); got != "[TAO NVDA]" {
		t.Errorf("symbols = %s, want [TAO NVDA]", got)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	c := writeFile(t, dir, "TAOUSDT.csv", oursCSV)
	if _, err := ReadFiles(ctx, []string{a, b, c}, nil); err == nil || !strings.Contains(err.Error(), `both give symbol "TAO"`) {
		t.Errorf("duplicate symbol: err = %v", err)
	}
	p, err = ReadFiles(ctx, []string{a, c}, []ReadOptions{{}, {Symbol: "FET"}})
	if err != nil || fmt.Sprint(p.Symbols()) != "[NVDA FET]" {
		t.Errorf("with options: %v, %v", p, err)
	}
	if _, err := ReadFiles(ctx, []string{a, c}, []ReadOptions{{}}); err == nil {
		t.Error("one option for two files: no error")
	}
	// The files are read at once; with several bad ones, the error is the
	// first bad file's in the order given, every time: a small file late
	// in the list fails sooner than a large one early, but is not named.
	var big strings.Builder
	big.WriteString("date,open,high,low,close,volume\n")
	for k := range 20000 {
		fmt.Fprintf(&big, "%s,1,1,1,1,1\n", time.Unix(int64(k)*86400, 0).UTC().Format("2006-01-02"))
	}
	big.WriteString("1970-01-01,1,1,1,1,1\n") // out of order, at the end
	bad1 := writeFile(t, dir, "BIG.csv", big.String())
	bad2 := writeFile(t, dir, "SMALL.csv", "date,open,high,low,close,volume\n2024-01-02,1,1,1,x,1\n")
	for range 5 {
		_, err := ReadFiles(ctx, []string{a, bad1, b, bad2}, nil)
		if err == nil || !strings.Contains(err.Error(), "BIG.csv") || strings.Contains(err.Error(), "SMALL.csv") {
			t.Fatalf("two bad files: err = %v, want BIG.csv's", err)
		}
	}
}

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return data.Day(y, m, d) / dayNano }
	for _, tc := range []struct {
		in   string
		want int64
		err  error
	}{
		{"2024-01-02", day(2024, 1, 2), nil},
		{" 2024-02-29 ", day(2024, 2, 29), nil},
		{"2023-02-29", 0, errNotDate},
		{"1900-02-29", 0, errNotDate},
		{"2000-02-29", day(2000, 2, 29), nil},
		{"1700-01-01", minDay, nil},
		{"2261-12-31", maxDay, nil},
		{"1699-12-31", 0, errDateRange},
		{"2024-01-02 00:00:00", day(2024, 1, 2), nil},
		{"2024-01-02T00:00:00Z", day(2024, 1, 2), nil},
		{"2024-01-02 00:00:00-05:00", day(2024, 1, 2), nil},
		{"2024-01-02 00:00:00+09:00", day(2024, 1, 2), nil},
		{"2024-01-02T23:59:59.999+00:00", day(2024, 1, 2), nil},
		{"1/2/2024", day(2024, 1, 2), nil},
		{"12/31/2023", day(2023, 12, 31), nil},
		{"31/12/2023", 0, errNotDate},
		{"20240102", day(2024, 1, 2), nil},
		{"1704153600", day(2024, 1, 2), nil},
		{"1704153600000", day(2024, 1, 2), nil},
		{"1704153600000000", day(2024, 1, 2), nil},
		{"1704153600000000000", day(2024, 1, 2), nil},
		{"", 0, errEmptyDate},
		{"2024/01/02", 0, errNotDate},
		{"2024-1-2", 0, errNotDate},
		{"yesterday", 0, errNotDate},
		{"-2024-01-02", 0, errNotDate},
	} {
		got, err := parseDate(tc.in)
		if err != tc.err || (err == nil && got != tc.want) {
			t.Errorf("parseDate(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	// The range constants are what they say.
	if minDay != data.Day(1700, 1, 1)/dayNano || maxDay != data.Day(2261, 12, 31)/dayNano {
		t.Errorf("minDay, maxDay = %d, %d", minDay, maxDay)
	}
	// civilDay agrees with the time package over the whole range.
	for d := int64(minDay); d <= maxDay; d += 17 {
		y, m, dd := time.Unix(d*86400, 0).UTC().Date()
		if got, ok := civilDay(y, int(m), dd); !ok || got != d {
			t.Fatalf("civilDay(%d-%d-%d) = %d, %v; want %d", y, m, dd, got, ok, d)
		}
	}
}

func TestParseNumber(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		in     string
		volume bool
		want   float64
		ok     bool
		semi   bool // a semicolon-separated file: comma decimals
	}{
		{in: "100,5", want: 0, ok: false},          // a decimal comma in a comma file: refused, not 1005
		{in: "1,234,567", want: 1234567, ok: true}, // thousands
		{in: "12,34", want: 0, ok: false},
		{in: "100,5", want: 100.5, ok: true, semi: true},
		{in: "1.234,5", want: 1234.5, ok: true, semi: true},
		{in: "1.234.567,25", want: 1234567.25, ok: true, semi: true},
		{in: "1,2,3", want: 0, ok: false, semi: true},
		{in: "12.345", want: 12345, ok: true, semi: true}, // grouped thousands, not twelve
		// Where the comma is the decimal mark, a dot only groups
		// thousands: "1.5" is not a number there (it read as 1.5, and
		// its neighbour "1.234" as 1234, one column in two conventions).
		{in: "1.5", want: 0, ok: false, semi: true},
		{in: "12.345", want: 12.345, ok: true}, // a dot-decimal file's 12.345 is twelve
		{in: "$1.234,5", want: 1234.5, ok: true, semi: true},
		{in: "1,5K", volume: true, want: 1500, ok: true, semi: true}, // 1,5 thousand
		{in: "1.5K", volume: true, want: 0, ok: false, semi: true},
		{in: "1,5K", volume: true, want: 0, ok: false},
		{"1.5", false, 1.5, true, false},
		{" 1.5 ", false, 1.5, true, false},
		{"", false, nan, true, false},
		{"1e3", false, 1000, true, false},
		{"$1,234.50", false, 1234.5, true, false},
		{"abc", false, 0, false, false},
		{"0x10", false, 0, false, false},
		{"1_000", false, 0, false, false},
		{"N/A", false, 0, false, false},
		{"N/A", true, nan, true, false},
		{"5.47M", true, 5.47e6, true, false},
		{"12K", true, 12e3, true, false},
		{"5.47M", false, 0, false, false},
		{"$", false, 0, false, false},
	} {
		got, ok := parseNumber(tc.in, tc.volume, tc.semi)
		if ok != tc.ok || ok && !equalFloats([]float64{got}, []float64{tc.want}, 1e-15) {
			t.Errorf("parseNumber(%q, %v) = %v, %v; want %v, %v", tc.in, tc.volume, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDecimalFloat(t *testing.T) {
	db := memDB(t)
	rows, err := db.Query(`SELECT x::VARCHAR FROM (VALUES (10.05::DECIMAL(12,4)), (-0.1::DECIMAL(12,4)), (123456789.123::DECIMAL(18,3))) t(x)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var texts []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		texts = append(texts, s)
	}
	// Values through Arrow must equal ParseFloat of the decimal text.
	dir := t.TempDir()
	p := filepath.Join(dir, "d.parquet")
	if _, err := db.Exec(`COPY (SELECT DATE '2024-01-01' + i::INT AS date, x AS open, x AS high, x AS low, x AS close FROM
		(VALUES (0, 10.05::DECIMAL(18,4)), (1, 0.1::DECIMAL(18,4)), (2, 123456789.1230::DECIMAL(18,4))) t(i, x)) TO ` + sqlString(p)); err != nil {
		t.Fatal(err)
	}
	s, err := ReadFile(context.Background(), p, ReadOptions{Symbol: "D"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{10.05, 0.1, 123456789.123}; fmt.Sprint(s.Close) != fmt.Sprint(want) || s.Close[0] != want[0] || s.Close[1] != want[1] || s.Close[2] != want[2] {
		t.Errorf("close = %v, want %v exactly (texts %v)", s.Close, want, texts)
	}
}

func TestReadIPCReleasesMemory(t *testing.T) {
	dir := t.TempDir()
	for _, stream := range []bool{false, true} {
		p := filepath.Join(dir, fmt.Sprintf("x%v.arrow", stream))
		writeIPC(t, p, stream, ourNames, arrow.FixedWidthTypes.Date32, func(b array.Builder, k int) {
			b.(*array.Date32Builder).Append(arrow.Date32(wantTime[k] / dayNano))
		})
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		r := &fileReader{mem: mem}
		s, err := r.read(context.Background(), p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkFixture(t, s, wantAdj, []int{1, 2, 3, 4}, 0)
		mem.AssertSize(t, 0)
	}
}

// TestCSVNumbersExact checks that numbers cast by DuckDB are bit for bit
// what strconv.ParseFloat gives, on seeded random texts of many shapes.
func TestCSVNumbersExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	const n = 5000
	texts := make([]string, n)
	for k := range texts {
		x := math.Exp(rng.Float64()*30 - 5) // 0.0067 .. 3.3e10
		switch k % 5 {
		case 0:
			texts[k] = strconv.FormatFloat(x, 'g', 17, 64)
		case 1:
			texts[k] = strconv.FormatFloat(x, 'f', 3+rng.IntN(10), 64)
		case 2:
			texts[k] = strconv.FormatFloat(x, 'e', rng.IntN(20), 64)
		case 3: // long digit strings, beyond float64 precision, at most
			// 12 digits before the point (a price stays under data.MaxPrice, 1e15)
			var d strings.Builder
			d.WriteByte(byte('1' + rng.IntN(9)))
			for i := rng.IntN(25); i > 0; i-- {
				d.WriteByte(byte('0' + rng.IntN(10)))
			}
			s := d.String()
			p := 1 + rng.IntN(min(len(s), 12))
			texts[k] = s[:p] + "." + s[p:]
		default:
			texts[k] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		v := texts[k]
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", data.FormatDay(data.Day(2000, 1, 1+k)), v, v, v, v, v, v)
	}
	p := writeFile(t, t.TempDir(), "X.csv", b.String())
	s, err := ReadFile(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, text := range texts {
		want, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
			if math.Float64bits(col[k]) != math.Float64bits(want) {
				t.Fatalf("%q read as %v, strconv gives %v", text, col[k], want)
			}
		}
	}
}

// A close-only file (open, high and low empty throughout, or absent) reads
// as bars that are their close; a partly empty open is still an error.
func TestCloseOnly(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "E.csv", "date,open,high,low,close,adj_close,volume\n2024-01-02,,,,10,10,\n2024-01-03,,,,11,11,\n")
	absent := writeFile(t, dir, "A.csv", "Date,Close\n2024-01-02,10\n2024-01-03,11\n")
	for _, p := range []string{empty, absent} {
		s, err := ReadFile(context.Background(), p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range []float64{10, 11} {
			if s.Open[k] != c || s.High[k] != c || s.Low[k] != c || s.Close[k] != c || s.AdjClose[k] != c {
				t.Errorf("%s bar %d: %v %v %v %v", filepath.Base(p), k, s.Open[k], s.High[k], s.Low[k], s.Close[k])
			}
		}
	}
	partial := writeFile(t, dir, "P.csv", "date,open,high,low,close\n2024-01-02,10,10,10,10\n2024-01-03,,,,11\n")
	if _, err := ReadFile(context.Background(), partial, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "P.csv:3") {
		t.Errorf("partly empty open: %v", err)
	}
	// The shared close-only copies read, when they are there.
	if _, err := os.Stat("../../../shared/data/alt/alt_closeonly_dsturdy/AMD.csv"); err == nil {
		if s, err := ReadFile(context.Background(), "../../../shared/data/alt/alt_closeonly_dsturdy/AMD.csv", ReadOptions{}); err != nil || s.Len() < 100 {
			t.Errorf("shared close-only file: %v", err)
		}
	}
}

// A semicolon file with decimal commas and grouped thousands, end to end:
// DuckDB's own cast would read the volume 12.345 as twelve.
func TestSemicolonFile(t *testing.T) {
	p := writeFile(t, t.TempDir(), "EU.csv", "date;open;high;low;close;volume\n2024-01-02;999,50;1.001,00;999,00;1.000,25;12.345\n2024-01-03;1.000,25;1.002,00;1.000,00;1.001,00;1.234.567\n")
	s, err := ReadFile(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Open[0] != 999.5 || s.High[0] != 1001 || s.Close[0] != 1000.25 || s.Volume[0] != 12345 || s.Volume[1] != 1234567 {
		t.Errorf("read %v %v %v %v", s.Open, s.High, s.Close, s.Volume)
	}
}

// The notation of a number's text, by its separators alone.
func TestNumberNotation(t *testing.T) {
	for _, tc := range []struct {
		in     string
		volume bool
		want   notation
	}{
		{"12", false, markNone}, {"1e3", false, markNone}, {"N/A", true, markNone}, {"", false, markNone},
		{"10,5", false, markComma}, {"1.234,5", false, markComma}, {"1.234.567", false, markComma},
		{"1,2K", true, markComma}, {"$1.234,50", false, markComma},
		{"1.5", false, markPoint}, {"113988.7", false, markPoint}, {"1.2345", false, markPoint},
		{"1234.567", false, markPoint}, {"1.5e3", false, markPoint}, {"1.5K", true, markPoint},
		{"1.234", false, markEither}, {"713.415", false, markEither}, {"-12.345", false, markEither},
		{" $1.234 ", false, markEither}, {"1.234K", true, markEither},
	} {
		if got := numberNotation(tc.in, tc.volume); got != tc.want {
			t.Errorf("numberNotation(%q, %v) = %d, want %d", tc.in, tc.volume, got, tc.want)
		}
	}
}

// A semicolon file whose numbers have decimal points reads them as
// decimals, also those with exactly three decimals (713.415 read as
// 713415 beside 677.59, and 1.234 as 1234 beside 1.5, before the decimal
// mark was decided per file).
func TestSemicolonDotDecimals(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		close, vol []float64
	}{
		{"BTCUSDT.csv", "open_time;open;high;low;close;volume\n" +
			"1759276800000;113988.7;114166.8;113988.7;114166.8;713.415\n" +
			"1759277100000;114166.8;114246.0;114126.3;114187.9;677.59\n",
			[]float64{114166.8, 114187.9}, []float64{713.415, 677.59}},
		{"X.csv", "date;close\n2024-01-02;1.234\n2024-01-03;1.5\n",
			[]float64{1.234, 1.5}, []float64{math.NaN(), math.NaN()}},
		// Only numbers that read either way: no comma, so points.
		{"Y.csv", "date;close;volume\n2024-01-02;1.234;12.345\n2024-01-03;2.500;1\n",
			[]float64{1.234, 2.5}, []float64{12.345, 1}},
	} {
		s, err := ReadFile(context.Background(), writeFile(t, dir, tc.name, tc.body), ReadOptions{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !equalFloats(s.Close, tc.close, 0) || !equalFloats(s.AdjClose, tc.close, 0) || !equalFloats(s.Volume, tc.vol, 0) {
			t.Errorf("%s: close %v adj %v volume %v, want close %v volume %v", tc.name, s.Close, s.AdjClose, s.Volume, tc.close, tc.vol)
		}
	}
}

// A comma anywhere makes the comma the file's decimal mark, also for the
// numbers before it (1.234 is then 1234); a file that also writes a
// decimal point is refused, naming the line.
func TestSemicolonDecimalMarkPerFile(t *testing.T) {
	dir := t.TempDir()
	// The close 1.234 on line 2 comes before the comma on line 3; the
	// adj_close defaults to the close and follows it.
	p := writeFile(t, dir, "EU.csv", "date;close;volume\n2024-01-02;1.234;7\n2024-01-03;1.240,5;1.000\n")
	s, err := ReadFile(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !equalFloats(s.Close, []float64{1234, 1240.5}, 0) || !equalFloats(s.AdjClose, s.Close, 0) || !equalFloats(s.Volume, []float64{7, 1000}, 0) {
		t.Errorf("close %v adj %v volume %v, want close [1234 1240.5] volume [7 1000]", s.Close, s.AdjClose, s.Volume)
	}
	for name, tc := range map[string]struct{ body, want string }{
		"MIX.csv": {"date;close;volume\n2024-01-02;1.234,5;1\n2024-01-03;1.5;2\n",
			`MIX.csv:3: close "1.5" has a decimal point, but line 2 writes close "1.234,5" with a decimal comma`},
		"MIXVOL.csv": {"date;close;volume\n2024-01-02;10;1.5\n2024-01-03;10,5;2\n",
			`MIXVOL.csv:2: volume "1.5" has a decimal point, but line 3 writes close "10,5" with a decimal comma`},
	} {
		_, err := ReadFile(context.Background(), writeFile(t, dir, name, tc.body), ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

// The real Binance 5-minute BTC file with its commas turned into
// semicolons reads exactly as the comma file does (there DuckDB casts the
// numbers; here Go parses them): 20,652 of its 26,208 volumes have three
// decimals, which were read 1000 times too large.
func TestSemicolonRealBinance(t *testing.T) {
	src := filepath.Join(intradayDir(t), "binance_usdm_perp_5m_won9892000", "BTC-USD.csv")
	body, err := os.ReadFile(src)
	if err != nil {
		t.Skip(err)
	}
	semi := writeFile(t, t.TempDir(), "BTC-USD.csv", strings.ReplaceAll(string(body), ",", ";"))
	want, err := ReadFile(context.Background(), src, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(context.Background(), semi, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want []float64
	}{{"open", got.Open, want.Open}, {"high", got.High, want.High}, {"low", got.Low, want.Low},
		{"close", got.Close, want.Close}, {"volume", got.Volume, want.Volume}} {
		if !equalFloats(c.got, c.want, 0) {
			t.Errorf("%s differs from the comma file's", c.name)
		}
	}
	if !slices.Equal(got.Time, want.Time) || len(got.Time) != 26208 {
		t.Errorf("%d times, want the comma file's %d (26,208)", len(got.Time), len(want.Time))
	}
}

// The reader's database has as many threads as the Go runtime has
// processors: a program limited to one core limits DuckDB to one thread.
func TestReaderThreads(t *testing.T) {
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		r := &fileReader{}
		db, err := r.database()
		if err != nil {
			runtime.GOMAXPROCS(prev)
			t.Fatal(err)
		}
		var threads int
		err = db.QueryRow("SELECT current_setting('threads')").Scan(&threads)
		r.close()
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		if threads != procs {
			t.Errorf("GOMAXPROCS %d: DuckDB has %d threads", procs, threads)
		}
		// A catalog's database too (it had DuckDB's default, every core).
		runtime.GOMAXPROCS(procs)
		c, err := OpenCatalog(filepath.Join(t.TempDir(), "cat.duckdb"))
		if err == nil {
			err = c.db.QueryRow("SELECT current_setting('threads')").Scan(&threads)
			c.Close()
		}
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		if threads != procs {
			t.Errorf("GOMAXPROCS %d: the catalog's DuckDB has %d threads", procs, threads)
		}
	}
}

// A Parquet file with two columns whose names differ only in case
// ("close" and "CLOSE") is refused as a CSV header is: DuckDB read the
// second as CLOSE_1, which maps to nothing, and the first was used
// without a word. A file with a column named like DuckDB's renaming
// (close and close_1, no twin) reads as before.
func TestParquetColumnsTwinInCase(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, cols ...string) string {
		fields := []arrow.Field{{Name: "date", Type: arrow.BinaryTypes.String}}
		for _, c := range cols {
			fields = append(fields, arrow.Field{Name: c, Type: arrow.PrimitiveTypes.Float64})
		}
		schema := arrow.NewSchema(fields, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		b.Field(0).(*array.StringBuilder).AppendValues([]string{"2024-01-02", "2024-01-03"}, nil)
		for i := range cols {
			b.Field(i+1).(*array.Float64Builder).AppendValues([]float64{10 + float64(i), 11 + float64(i)}, nil)
		}
		rec := b.NewRecordBatch()
		defer rec.Release()
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := pqarrow.NewFileWriter(schema, f, nil, pqarrow.DefaultWriterProps())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	twin := write("twin.parquet", "close", "CLOSE")
	if _, err := ReadFile(context.Background(), twin, ReadOptions{}); err == nil || !strings.Contains(err.Error(), `columns "close" and "CLOSE" both give close`) {
		t.Errorf("close beside CLOSE: %v, want both named", err)
	}
	plain := write("plain.parquet", "close", "close_1")
	s, err := ReadFile(context.Background(), plain, ReadOptions{})
	if err != nil || s.Close[0] != 10 {
		t.Errorf("close beside close_1: %v, close %v; want the first column read", err, s.Close)
	}
}
