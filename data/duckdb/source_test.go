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
	// CSV with RFC 3339 text times.
	csvPath := filepath.Join(dir, "bars.csv")
	execDB(t, db, "COPY (SELECT symbol, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, open, high, low, close, volume FROM "+vals+") TO "+sqlString(csvPath)+" (HEADER)")
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
