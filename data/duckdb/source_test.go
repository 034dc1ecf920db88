package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// tableRow is one bar of a long table.
type tableRow struct {
	sym                    string
	t                      int64 // UTC ns
	open, high, low, close float64
	volume                 float64
}

// fixtureRows makes hourly bars for a crypto pair (24/7) and an equity (a
// 13:30–19:30 UTC session on weekdays), 2024-01-01 .. 01-05.
func fixtureRows() []tableRow {
	var rows []tableRow
	r := rand.New(rand.NewPCG(1, 2))
	bar := func(sym string, t int64, px float64) tableRow {
		o := px * (1 + 0.01*(r.Float64()-0.5))
		c := px * (1 + 0.01*(r.Float64()-0.5))
		return tableRow{sym, t, o, math.Max(o, c) * 1.002, math.Min(o, c) * 0.998, c, math.Round(1000 * r.Float64())}
	}
	for h := 0; h < 5*24; h++ {
		rows = append(rows, bar("TAOUSDT", utc(2024, 1, 1, 0, 0)+int64(h)*3600e9, 300+float64(h)))
	}
	for d := 1; d <= 5; d++ {
		for h := 0; h < 7; h++ {
			rows = append(rows, bar("NVDA", utc(2024, 1, d, 13, 30)+int64(h)*3600e9, 500+float64(d*10+h)))
		}
	}
	for h := 0; h < 48; h++ {
		rows = append(rows, bar("ETHUSDT", utc(2024, 1, 1, 0, 0)+int64(h)*3600e9, 2000+float64(h)))
	}
	return rows
}

// valuesSQL writes rows as a VALUES table (symbol, ts TIMESTAMP, open,
// high, low, close, volume), in a shuffled order.
func valuesSQL(rows []tableRow, seed uint64) string {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	r := rand.New(rand.NewPCG(seed, 3))
	r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
	var b strings.Builder
	b.WriteString("(SELECT * FROM (VALUES ")
	for k, i := range idx {
		x := rows[i]
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "('%s', make_timestamp(%d), '%v'::DOUBLE, '%v'::DOUBLE, '%v'::DOUBLE, '%v'::DOUBLE, '%v'::DOUBLE)", x.sym, x.t/1000, x.open, x.high, x.low, x.close, x.volume)
	}
	b.WriteString(") t(symbol, ts, open, high, low, close, volume))")
	return b.String()
}

// perInstrumentCSV writes one symbol's rows as an RFC 3339 CSV file.
func perInstrumentCSV(t *testing.T, dir, sym string, rows []tableRow) string {
	var b strings.Builder
	b.WriteString("datetime,open,high,low,close,volume\n")
	for _, x := range rows {
		if x.sym == sym {
			fmt.Fprintf(&b, "%s,%v,%v,%v,%v,%v\n", data.FormatTime(x.t), x.open, x.high, x.low, x.close, x.volume)
		}
	}
	return writeFile(t, dir, sym+".csv", b.String())
}

// sameBars compares two series' bars bit for bit (not Rows or Source).
func sameBars(t *testing.T, what string, got, want data.Series) {
	t.Helper()
	if got.Symbol != want.Symbol || got.Class != want.Class || got.Interval != want.Interval {
		t.Errorf("%s: %s %v %v, want %s %v %v", what, got.Symbol, got.Class, got.Interval, want.Symbol, want.Class, want.Interval)
	}
	if !slices.Equal(got.Time, want.Time) {
		t.Fatalf("%s %s: times differ\n got %v\nwant %v", what, got.Symbol, fmtTimes(got.Time), fmtTimes(want.Time))
	}
	for _, c := range []struct {
		n    string
		a, b []float64
	}{{"open", got.Open, want.Open}, {"high", got.High, want.High}, {"low", got.Low, want.Low}, {"close", got.Close, want.Close},
		{"adj", got.AdjClose, want.AdjClose}, {"volume", got.Volume, want.Volume}} {
		for k := range c.a {
			if math.Float64bits(c.a[k]) != math.Float64bits(c.b[k]) {
				t.Fatalf("%s %s: %s[%d] = %v, want %v", what, got.Symbol, c.n, k, c.a[k], c.b[k])
			}
		}
	}
}

func execDB(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// Every kind of one-table source gives the bars that per-instrument files
// of the same rows give.
func TestReadSourceSameAsFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := memDB(t)
	rows := fixtureRows()
	vals := valuesSQL(rows, 1)
	pq := filepath.Join(dir, "bars.parquet")
	execDB(t, db, "COPY "+vals+" TO "+sqlString(pq)+" (FORMAT parquet)")
	// A glob of two files split by symbol, and a hive folder.
	globDir := filepath.Join(dir, "glob")
	os.Mkdir(globDir, 0o755)
	execDB(t, db, "COPY (SELECT * FROM "+vals+" WHERE symbol = 'NVDA') TO "+sqlString(filepath.Join(globDir, "a.parquet"))+" (FORMAT parquet)")
	execDB(t, db, "COPY (SELECT * FROM "+vals+" WHERE symbol <> 'NVDA') TO "+sqlString(filepath.Join(globDir, "b.parquet"))+" (FORMAT parquet)")
	hive := filepath.Join(dir, "hive")
	execDB(t, db, "COPY "+vals+" TO "+sqlString(hive)+" (FORMAT parquet, PARTITION_BY (symbol))")
	// CSV with RFC 3339 text times, and a hive folder of them.
	csvPath := filepath.Join(dir, "bars.csv")
	execDB(t, db, "COPY (SELECT symbol, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, open, high, low, close, volume FROM "+vals+") TO "+sqlString(csvPath)+" (HEADER)")
	hiveCSV := filepath.Join(dir, "hivecsv")
	execDB(t, db, "COPY (SELECT symbol, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, open, high, low, close, volume FROM "+vals+") TO "+sqlString(hiveCSV)+" (FORMAT csv, HEADER, PARTITION_BY (symbol))")
	// A DuckDB database file with the table, closed before reading.
	dbPath := filepath.Join(dir, "market.duckdb")
	func() {
		c, err := goduckdb.NewConnector(dbPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		fdb := sql.OpenDB(c)
		defer fdb.Close()
		execDB(t, fdb, "CREATE TABLE bars AS SELECT * FROM "+vals)
	}()
	// Arrow IPC, written by DuckDB's own Arrow output through arrow-go.
	ipcPath := filepath.Join(dir, "bars.arrow")
	writeTableIPC(t, db, vals, ipcPath)

	files := []string{perInstrumentCSV(t, dir, "NVDA", rows), perInstrumentCSV(t, dir, "TAOUSDT", rows)}
	want, err := ReadFiles(ctx, files, []ReadOptions{{}, {Symbol: "TAOUSDT"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  Source
	}{
		{"parquet", Source{Table: pq}},
		{"glob", Source{Table: filepath.Join(globDir, "*.parquet")}},
		{"hive folder", Source{Table: hive}},
		{"csv", Source{Table: csvPath}},
		{"hive csv folder", Source{Table: hiveCSV}},
		{"arrow ipc", Source{Table: ipcPath}},
		{"duckdb table", Source{DuckDB: dbPath, Table: "bars"}},
		{"duckdb query", Source{DuckDB: dbPath, Query: "SELECT * FROM bars WHERE volume >= 0"}},
		{"query", Source{Query: "SELECT * FROM read_parquet(" + sqlString(pq) + ")"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadSource(ctx, tc.src, Request{Symbols: []string{"NVDA", "TAO"}})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Symbols(); !slices.Equal(got, []string{"NVDA", "TAO"}) {
				t.Fatalf("symbols %v", got)
			}
			for i := range want.Series {
				sameBars(t, tc.name, p.Series[i], want.Series[i])
			}
			if p.Series[1].Class != data.Crypto || p.Series[0].Class != data.Equity {
				t.Errorf("classes %v %v", p.Series[0].Class, p.Series[1].Class)
			}
		})
	}
}

// writeTableIPC writes the result of a query as an Arrow IPC file.
func writeTableIPC(t *testing.T, db *sql.DB, vals, path string) {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rdr, err := ar.QueryContext(context.Background(), "SELECT * FROM "+vals)
		if err != nil {
			return err
		}
		defer rdr.Release()
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w, err := ipc.NewFileWriter(f, ipc.WithSchema(rdr.Schema()))
		if err != nil {
			return err
		}
		for rdr.Next() {
			if err := w.Write(rdr.RecordBatch()); err != nil {
				return err
			}
		}
		return w.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// parquetOf writes a query's rows to a Parquet file.
func parquetOf(t *testing.T, db *sql.DB, dir, name, query string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	execDB(t, db, "COPY ("+query+") TO "+sqlString(p)+" (FORMAT parquet)")
	return p
}

func TestReadSourceColumnsWindowAndSymbols(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := memDB(t)
	// Binance-style names: epoch ms open_time, ticker, px_last.
	pq := parquetOf(t, db, dir, "k.parquet", `SELECT * FROM (VALUES
		('BTCUSDT', 1704153600000, 10.0, 11.0, 9.0, 10.5, 1.0),
		('BTCUSDT', 1704157200000, 10.5, 12.0, 10.0, 11.0, 2.0),
		('BTCUSDT', 1704160800000, 11.0, 11.5, 10.5, 11.25, 3.0),
		('BTCUSDT', 1704164400000, 11.25, 11.5, 11.0, 11.1, 4.0),
		('SOLUSDT', 1704153600000, 1.0, 1.0, 1.0, 1.0, 1.0)) t(ticker, open_time, o, h, l, px_last, qty)`)
	src := Source{Table: pq, Columns: map[string]string{"time": "open_time", "symbol": "ticker",
		"open": "o", "high": "h", "low": "l", "close": "px_last", "volume": "qty"}}
	// Window [01:00, 03:00): two bars. "BTC" finds BTCUSDT (its only
	// canonical match).
	p, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC"}, Start: utc(2024, 1, 2, 1, 0), End: utc(2024, 1, 2, 3, 0)})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[0]
	if s.Symbol != "BTC" || s.Class != data.Crypto || !slices.Equal(s.Time, []int64{utc(2024, 1, 2, 1, 0), utc(2024, 1, 2, 2, 0)}) ||
		!slices.Equal(s.Close, []float64{11, 11.25}) || !slices.Equal(s.Open, []float64{10.5, 11}) || !slices.Equal(s.Volume, []float64{2, 3}) ||
		!slices.Equal(s.Rows, []int{2, 3}) || s.Interval != data.Hour {
		t.Errorf("got %s %v %v close %v open %v vol %v rows %v", s.Symbol, s.Class, fmtTimes(s.Time), s.Close, s.Open, s.Volume, s.Rows)
	}
	// Errors that name the key.
	for _, tc := range []struct {
		src  Source
		req  Request
		want string
	}{
		{Source{Table: pq, Columns: map[string]string{"price": "px_last"}}, Request{Symbols: []string{"BTC"}},
			`duckdb: source columns: unknown key "price" (want time, symbol, open, high, low, close, adj_close or volume)`},
		{Source{Table: pq, Columns: map[string]string{"close": "last"}}, Request{Symbols: []string{"BTC"}},
			`columns.close = "last": no such column (have ticker, open_time, o, h, l, px_last, qty)`},
		{Source{Table: pq}, Request{Symbols: []string{"BTC"}}, `no close column (have ticker, open_time, o, h, l, px_last, qty; name it in columns.close)`},
		{src, Request{Symbols: []string{"ETH"}}, `has no symbol "ETH" (it has BTCUSDT, SOLUSDT)`},
		{src, Request{Symbols: []string{"SOLUSDT"}, Start: utc(2025, 1, 1, 0, 0)}, `symbol SOLUSDT has no bars in the time from 2025-01-01`},
		{Source{Query: "SELECT * FROM read_parquet(" + sqlString(pq) + ") WHERE false", Columns: src.Columns}, Request{Symbols: []string{"BTC"}},
			`duckdb: query: returned no rows`},
		{Source{Table: pq, Timezone: "Mars/Base"}, Request{Symbols: []string{"BTC"}}, `unknown timezone "Mars/Base"`},
		{Source{Table: pq, Query: "SELECT 1"}, Request{Symbols: []string{"BTC"}}, `give a table or a query, not both`},
		// The path once: "duckdb: …/none.parquet: no such file or directory".
		{Source{Table: filepath.Join(dir, "none.parquet")}, Request{Symbols: []string{"BTC"}}, "duckdb: " + filepath.Join(dir, "none.parquet") + `: no such file or directory`},
		{src, Request{Symbols: []string{"BTC"}, Bar: data.Interval(7 * data.Minute)}, `bar 7m: want one of 1m, 5m, 15m, 1h, 4h, 1d`},
	} {
		_, err := ReadSource(ctx, tc.src, tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v\nwant …%s", err, tc.want)
		}
	}
	// Of two symbols found by their canonical form, neither with bars in
	// the window, the first requested is named, on every read (it was
	// whichever a map gave first).
	for range 10 {
		_, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC", "SOL"}, Start: utc(2025, 1, 1, 0, 0)})
		if err == nil || !strings.Contains(err.Error(), "symbol BTCUSDT has no bars in") {
			t.Fatalf("err = %v, want it to name BTCUSDT", err)
		}
	}
}

// A requested instrument that the source writes in several ways is
// refused, naming the spellings, as the read of every symbol refuses it:
// requesting AAA read the AAA row and left the aaa row out, silently.
// Instruments written one way beside it read as they are.
func TestReadSourceSymbolSpellings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := writeFile(t, dir, "t.csv", "time,symbol,open,high,low,close,volume\n"+
		"2025-01-01T00:00:00Z,AAA,1,2,0.5,1.5,10\n"+
		"2025-01-01T01:00:00Z,aaa,1.5,2,1,1.8,10\n"+
		"2025-01-01T00:00:00Z,BTC,1,2,0.5,1.5,10\n"+
		"2025-01-01T01:00:00Z, BTC,1.5,2,1,1.8,10\n"+
		"2025-01-01T02:00:00Z,BTC-USD,1.5,2,1,1.8,10\n"+
		"2025-01-01T00:00:00Z,CCC,1,2,0.5,1.5,10\n"+
		"2025-01-01T01:00:00Z,CCC,1.5,2,1,1.8,10\n")
	src := Source{Table: p}
	for _, tc := range []struct {
		syms []string
		want string
	}{
		{[]string{"AAA"}, `symbols "AAA" and "aaa" are the same instrument AAA`},
		{[]string{"aaa"}, `symbols "AAA" and "aaa" are the same instrument AAA`},
		{[]string{"CCC", "BTC"}, `symbols " BTC", "BTC" and "BTC-USD" are the same instrument BTC`},
	} {
		_, err := ReadSource(ctx, src, Request{Symbols: tc.syms})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want …%s", tc.syms, err, tc.want)
		}
	}
	// Every symbol (what data import does without --symbols) is refused too.
	all, err := SourceSymbols(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSource(ctx, src, Request{Symbols: all}); err == nil || !strings.Contains(err.Error(), "are the same instrument") {
		t.Errorf("every symbol %q: err = %v, want a refusal", all, err)
	}
	// CCC is written one way: its two bars, closes 1.5 and 1.8.
	pn, err := ReadSource(ctx, src, Request{Symbols: []string{"CCC"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := pn.Series[0]; !slices.Equal(s.Close, []float64{1.5, 1.8}) {
		t.Errorf("CCC closes %v, want [1.5 1.8]", s.Close)
	}
	// A spelling outside the requested window leaves none of its rows out
	// of it: the window of the AAA row alone reads it.
	pn, err = ReadSource(ctx, writeParquetTable(t, dir), Request{Symbols: []string{"AAA"}, Start: utc(2025, 1, 10, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if s := pn.Series[0]; !slices.Equal(s.Close, []float64{2.5}) {
		t.Errorf("AAA from 2025-01-10: closes %v, want [2.5]", s.Close)
	}
}

// writeParquetTable writes a table whose AAA is spelled aaa on
// 2025-01-01 only, more than the reader's two days of padding before
// 2025-01-10, where AAA has one bar (close 2.5).
func writeParquetTable(t *testing.T, dir string) Source {
	t.Helper()
	db := memDB(t)
	pq := parquetOf(t, db, dir, "spell.parquet", `SELECT * FROM (VALUES
		('aaa', TIMESTAMP '2025-01-01 00:00:00', 1.0, 2.0, 0.5, 1.5, 10.0),
		('AAA', TIMESTAMP '2025-01-10 00:00:00', 2.0, 3.0, 1.5, 2.5, 10.0)) t(symbol, ts, open, high, low, close, volume)`)
	return Source{Table: pq}
}

// Bad rows are refused as in files, naming the source file, row, symbol
// and time.
func TestReadSourceBadRows(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := memDB(t)
	good := `('NVDA', TIMESTAMP '2024-01-02 14:30:00', 10.0, 11.0, 9.0, 10.5, 1.0),
		('NVDA', TIMESTAMP '2024-01-02 15:30:00', 10.5, 12.0, 10.0, 11.0, 2.0)`
	cols := " t(symbol, ts, open, high, low, close, volume)"
	for _, tc := range []struct {
		name, extra, want string
	}{
		// Row 3 of the file repeats row 1's (symbol, time).
		{"duplicate", `('NVDA', TIMESTAMP '2024-01-02 14:30:00', 10.0, 11.0, 9.0, 10.5, 1.0)`,
			`duplicate.parquet:3: symbol NVDA: duplicate (symbol, time) 2024-01-02T14:30:00Z (also at row 1)`},
		// Hourly bars: one at midnight repeated is named by its instant.
		{"duplicate at midnight", `('NVDA', TIMESTAMP '2024-01-03 00:00:00', 10.0, 11.0, 9.0, 10.5, 1.0), ('NVDA', TIMESTAMP '2024-01-03 00:00:00', 10.0, 11.0, 9.0, 10.5, 1.0)`,
			`duplicate at midnight.parquet:4: symbol NVDA: duplicate (symbol, time) 2024-01-03T00:00:00Z (also at row 3)`},
		{"NaN", `('NVDA', TIMESTAMP '2024-01-02 16:30:00', 'NaN'::DOUBLE, 11.0, 9.0, 10.5, 1.0)`,
			`NaN.parquet:3: symbol NVDA: 2024-01-02T16:30:00Z open is NaN or empty`},
		{"non-positive", `('NVDA', TIMESTAMP '2024-01-02 16:30:00', 10.0, 11.0, 0.0, 10.5, 1.0)`,
			`non-positive.parquet:3: symbol NVDA: 2024-01-02T16:30:00Z low = 0 is not positive`},
		{"high below low", `('NVDA', TIMESTAMP '2024-01-02 16:30:00', 10.0, 9.0, 9.5, 9.5, 1.0)`,
			`high below low.parquet:3: symbol NVDA: 2024-01-02T16:30:00Z high 9 < low 9.5`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pq := parquetOf(t, db, dir, tc.name+".parquet", "SELECT * FROM (VALUES "+good+", "+tc.extra+")"+cols)
			_, err := ReadSource(ctx, Source{Table: pq}, Request{Symbols: []string{"NVDA"}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant …%s", err, tc.want)
			}
		})
	}
	// A duplicate in a DuckDB table has no file row: the source is named.
	dbPath := filepath.Join(dir, "m.duckdb")
	c, err := goduckdb.NewConnector(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	fdb := sql.OpenDB(c)
	execDB(t, fdb, "CREATE TABLE bars AS SELECT * FROM (VALUES "+good+", ('NVDA', TIMESTAMP '2024-01-02 15:30:00', 10.0, 11.0, 9.0, 10.5, 1.0))"+cols)
	fdb.Close()
	_, err = ReadSource(ctx, Source{DuckDB: dbPath, Table: "bars"}, Request{Symbols: []string{"NVDA"}})
	if want := dbPath + " table bars: symbol NVDA: duplicate (symbol, time) 2024-01-02T15:30:00Z"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v\nwant %s…", err, want)
	}
	// The database is opened read-only: it is unchanged and still opens.
	if _, err := os.Stat(dbPath + ".wal"); err == nil {
		t.Error("reading left a WAL file")
	}
}

// A CSV table's errors name the file's line (blank lines and CRLF count),
// and its unsorted rows are sorted by time.
func TestReadSourceCSVLines(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	p := writeFile(t, dir, "t.csv", "ticker,datetime,open,high,low,close\r\n"+
		"AAA,2024-01-02 15:00:00+00:00,1,2,0.5,1.5\r\n"+
		"BBB,2024-01-02 14:00:00+00:00,1,2,0.5,1.5\r\n"+
		"\r\n"+
		"AAA,2024-01-02 14:00:00+00:00,1,2,0.5,1.5\r\n"+
		"AAA,2024-01-02 16:00:00+00:00,1,2,2.5,1.5\r\n")
	_, err := ReadSource(ctx, Source{Table: p}, Request{Symbols: []string{"AAA"}})
	if want := p + ":6: symbol AAA: 2024-01-02T16:00:00Z high 2 < low 2.5"; err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	got, err := ReadSource(ctx, Source{Table: p}, Request{Symbols: []string{"AAA"}, End: utc(2024, 1, 2, 16, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Series[0]; !slices.Equal(s.Time, []int64{utc(2024, 1, 2, 14, 0), utc(2024, 1, 2, 15, 0)}) || !slices.Equal(s.Rows, []int{5, 2}) {
		t.Errorf("got %v rows %v", fmtTimes(s.Time), s.Rows)
	}
}

// A hive folder of CSV files (bars/symbol=NVDA/….csv, as DuckDB's
// PARTITION_BY writes it) is read as one of Parquet files is: read_csv
// was told the symbol column's type, which no file holds ("Columns with
// names: "symbol" do not exist in the CSV File" for every hive CSV
// folder). A ticker of digits with a leading zero (Tencent's 0700) keeps
// its name in both. The bars are those of a per-instrument file of the
// same rows.
func TestReadSourceHiveNumericTicker(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := memDB(t)
	var rows []tableRow
	for _, x := range fixtureRows() {
		if x.sym == "NVDA" {
			rows = append(rows, x, tableRow{"0700", x.t, x.open / 100, x.high / 100, x.low / 100, x.close / 100, x.volume})
		}
	}
	vals := valuesSQL(rows, 2)
	hivePQ, hiveCSV := filepath.Join(dir, "pq"), filepath.Join(dir, "csv")
	execDB(t, db, "COPY "+vals+" TO "+sqlString(hivePQ)+" (FORMAT parquet, PARTITION_BY (symbol))")
	execDB(t, db, "COPY (SELECT symbol, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, open, high, low, close, volume FROM "+vals+") TO "+sqlString(hiveCSV)+" (FORMAT csv, HEADER, PARTITION_BY (symbol))")
	if _, err := os.Stat(filepath.Join(hiveCSV, "symbol=0700")); err != nil {
		t.Fatalf("the fixture has no symbol=0700 folder: %v", err)
	}
	want, err := ReadFiles(ctx, []string{perInstrumentCSV(t, dir, "0700", rows)}, []ReadOptions{{Symbol: "0700", Class: data.Equity}})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{hivePQ, hiveCSV} {
		p, err := ReadSource(ctx, Source{Table: table}, Request{Symbols: []string{"0700"}, Classes: []data.Class{data.Equity}})
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		sameBars(t, filepath.Base(table), p.Series[0], want.Series[0])
	}
}
