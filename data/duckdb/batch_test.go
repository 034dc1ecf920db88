package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// readBatched is ReadSource with readSymbols's batches of about batch
// rows (0: BatchRows).
func readBatched(t *testing.T, src Source, req Request, batch int) (*data.Panel, error) {
	t.Helper()
	loc, err := data.LoadTimezone(src.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	var p *data.Panel
	err = withSourceReader(context.Background(), src, req, func(r *sourceReader) error {
		r.loc, r.batch = loc, batch
		var err error
		p, err = r.read()
		return err
	})
	return p, err
}

// A table read a few symbols a query gives the bars one query gives:
// three symbols (48, 35 and 120 hourly bars, rows shuffled) read one a
// query (batch 1), two then one (batch 100: ETHUSDT and NVDA, 83 rows,
// then TAOUSDT) and all at once, from one Parquet file, from two (the
// file and row of each bar follow it), from a DuckDB table and from a CSV
// table (copied to Parquet, its lines following each bar); a query, read
// in one batch whatever the batch, gives the same bars too; and a bad row
// in a later batch is refused as in one query.
func TestReadSymbolsInBatches(t *testing.T) {
	dir := t.TempDir()
	db := memDB(t)
	rows := fixtureRows()
	one := parquetOf(t, db, dir, "one.parquet", "SELECT * FROM "+valuesSQL(rows, 5))
	parquetOf(t, db, dir, "two-a.parquet", "SELECT * FROM "+valuesSQL(rows[:100], 6))
	parquetOf(t, db, dir, "two-b.parquet", "SELECT * FROM "+valuesSQL(rows[100:], 7))
	var csv strings.Builder
	csv.WriteString("symbol,datetime,open,high,low,close,volume\n")
	for i := range rows {
		x := rows[(i*37)%len(rows)] // every row once (37 is prime to 203), out of order
		fmt.Fprintf(&csv, "%s,%s,%v,%v,%v,%v,%v\n", x.sym, data.FormatTime(x.t), x.open, x.high, x.low, x.close, x.volume)
	}
	if len(rows) != 203 {
		t.Fatalf("%d fixture rows, want 203", len(rows))
	}
	csvPath := writeFile(t, dir, "t.csv", csv.String())
	req := Request{Symbols: []string{"TAOUSDT", "NVDA", "ETHUSDT"}}
	query := Source{Query: "SELECT * FROM read_parquet(" + sqlString(one) + ")"}
	dbPath := filepath.Join(dir, "bars.duckdb")
	c, err := goduckdb.NewConnector(dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	fdb := sql.OpenDB(c)
	execDB(t, fdb, "CREATE TABLE bars AS SELECT * FROM read_parquet("+sqlString(one)+")")
	fdb.Close()
	for _, src := range []Source{{Table: one}, {Table: filepath.Join(dir, "two-*.parquet")}, {DuckDB: dbPath, Table: "bars"}, {Table: csvPath}, query} {
		want, err := readBatched(t, src, req, 0)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if len(want.Series) != 3 || want.Series[0].Len()+want.Series[1].Len()+want.Series[2].Len() != 203 {
			t.Fatalf("%s: %d series, want 3 of 203 bars in all", src, len(want.Series))
		}
		for _, batch := range []int{1, 100} {
			got, err := readBatched(t, src, req, batch)
			if err != nil {
				t.Fatalf("%s, batches of %d rows: %v", src, batch, err)
			}
			for i := range want.Series {
				what := fmt.Sprintf("%s, batches of %d rows", src, batch)
				sameBars(t, what, got.Series[i], want.Series[i])
				if fmt.Sprint(got.Series[i].Rows) != fmt.Sprint(want.Series[i].Rows) {
					t.Errorf("%s: %s's rows differ", what, got.Series[i].Symbol)
				}
			}
		}
	}

	// TAOUSDT's bar at 2024-01-02 05:00 twice, in a file of its own read
	// after the other symbols' (batch 1) and with them.
	dup := rows[29]
	if dup.sym != "TAOUSDT" {
		t.Fatalf("row 29 is %s's", dup.sym)
	}
	bad := parquetOf(t, db, dir, "bad.parquet", "SELECT * FROM "+valuesSQL(append(append([]tableRow(nil), rows...), dup), 8))
	_, err1 := readBatched(t, Source{Table: bad}, req, 0)
	_, err2 := readBatched(t, Source{Table: bad}, req, 1)
	want := "symbol TAOUSDT: duplicate (symbol, time) " + data.FormatTime(dup.t)
	if err1 == nil || err2 == nil || !strings.Contains(err1.Error(), want) || err1.Error() != err2.Error() {
		t.Errorf("a duplicate: one query says %v\none a symbol says %v\nwant both …%s…", err1, err2, want)
	}
}

// Rows without a symbol (NULL, empty or blank) belong to no instrument:
// the series read from the table say how many the source has and where
// the first is, at any time (their times are not read: a CSV table's are text, and a row
// outside the requested time is counted too, as the note says). A query
// source's are not counted.
func TestReadSourceRowsWithoutSymbol(t *testing.T) {
	dir := t.TempDir()
	db := memDB(t)
	cols := " t(symbol, ts, open, high, low, close, volume)"
	pq := parquetOf(t, db, dir, "nosym.parquet", `SELECT * FROM (VALUES
		('NVDA', TIMESTAMP '2024-01-02 14:30:00', 10.0, 11.0, 9.0, 10.5, 1.0),
		(NULL, TIMESTAMP '2024-01-02 15:30:00', 10.5, 12.0, 10.0, 11.0, 2.0),
		('NVDA', TIMESTAMP '2024-01-03 14:30:00', 10.5, 12.0, 10.0, 11.0, 2.0),
		('', TIMESTAMP '2024-01-03 15:30:00', 10.5, 12.0, 10.0, 11.0, 2.0),
		('  ', TIMESTAMP '2024-01-09 15:30:00', 10.5, 12.0, 10.0, 11.0, 2.0),
		('TAO', TIMESTAMP '2024-01-03 15:30:00', 300.0, 310.0, 290.0, 305.0, 2.0))`+cols)
	for _, tc := range []struct {
		req  Request
		want string
	}{
		// NULL at row 2, '' at 4, '  ' at 5.
		{Request{Symbols: []string{"NVDA", "TAO"}}, "3 row(s) of " + pq + " (at any time) have no symbol (empty, blank or NULL), the first at row 2"},
		{Request{Symbols: []string{"NVDA"}, End: utc(2024, 1, 5, 0, 0)}, "3 row(s) of " + pq + " (at any time) have no symbol"},
	} {
		p, err := ReadSource(context.Background(), Source{Table: pq}, tc.req)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Series {
			if got := strings.Join(s.Notes, "\n"); !strings.Contains(got, tc.want) {
				t.Errorf("%s's notes %q, want …%s…", s.Symbol, got, tc.want)
			}
		}
	}
	// Every symbol is NVDA and TAO: the blank one is no symbol (it was
	// listed, then requested as the empty symbol).
	if syms, err := SourceSymbols(context.Background(), Source{Table: pq}); err != nil || !slices.Equal(syms, []string{"NVDA", "TAO"}) {
		t.Errorf("SourceSymbols = %q, %v; want [NVDA TAO]", syms, err)
	}
	// A query's rows are the query's to choose: they are not counted.
	p, err := ReadSource(context.Background(), Source{Query: "SELECT * FROM read_parquet(" + sqlString(pq) + ")"}, Request{Symbols: []string{"NVDA"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Series[0].Notes, "\n"); strings.Contains(got, "no symbol") {
		t.Errorf("a query source's notes %q", got)
	}
	// A table whose rows all have a symbol says nothing of it.
	ok := parquetOf(t, db, dir, "ok.parquet", `SELECT * FROM (VALUES ('NVDA', TIMESTAMP '2024-01-02 14:30:00', 10.0, 11.0, 9.0, 10.5, 1.0))`+cols)
	p, err = ReadSource(context.Background(), Source{Table: ok}, Request{Symbols: []string{"NVDA"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Series[0].Notes, "\n"); strings.Contains(got, "no symbol") {
		t.Errorf("notes %q of a table without such rows", got)
	}
}

// A CSV table's whitespace-only symbols are no symbol, as NULL and empty
// ones are: the read of every symbol listed "   " and failed with "empty
// symbol requested", naming no row. Now they are left out with a note
// naming the first one's line; a table with no symbol at all is refused,
// naming it.
func TestReadSourceBlankSymbols(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const hdr = "time,symbol,open,high,low,close,volume\n"
	src := Source{Table: writeFile(t, dir, "t.csv", hdr+
		"2025-01-01T00:00:00Z,AAA,1,2,0.5,1.5,10\n"+
		"2025-01-01T01:00:00Z,   ,1.5,2,1,1.8,10\n"+
		"\n"+
		"2025-01-01T02:00:00Z,\t,1.5,2,1,1.8,10\n"+
		"2025-01-01T02:00:00Z,AAA,1.5,2,1,1.8,10\n")}
	syms, err := SourceSymbols(ctx, src)
	if err != nil || !slices.Equal(syms, []string{"AAA"}) {
		t.Fatalf("SourceSymbols = %q, %v; want [AAA]", syms, err)
	}
	p, err := ReadSource(ctx, src, Request{Symbols: syms})
	if err != nil {
		t.Fatal(err)
	}
	// Lines 3 ("   ") and 5 (a tab; line 4 is empty).
	want := "2 row(s) of " + src.Table + " (at any time) have no symbol (empty, blank or NULL), the first at line 3"
	if s := p.Series[0]; s.Len() != 2 || !strings.Contains(strings.Join(s.Notes, "\n"), want) {
		t.Errorf("AAA: %d bars, notes %q; want 2 bars and …%s", s.Len(), s.Notes, want)
	}
	none := Source{Table: writeFile(t, dir, "none.csv", hdr+
		"2025-01-01T00:00:00Z,,1,2,0.5,1.5,10\n"+
		"2025-01-01T01:00:00Z,  ,1.5,2,1,1.8,10\n")}
	_, err = SourceSymbols(ctx, none)
	if want := "has no symbols: its 2 row(s) have an empty, blank or NULL symbol, the first at line 2"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("no symbols: err = %v, want …%s", err, want)
	}
}

// A symbol column with a collation (COLLATE NOCASE) counts NVDA's rows
// under one key whichever way they are written, and its IN list returns
// every spelling: a table writing both NVDA and nvda is refused (the nvda
// bar was left out), and one writing NVDA alone reads its 2 bars whatever
// the batches.
func TestReadSourceCollatedSymbol(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.duckdb")
	c, err := goduckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	for _, q := range []string{
		`CREATE TABLE bars (symbol VARCHAR COLLATE NOCASE, ts TIMESTAMP, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)`,
		`INSERT INTO bars VALUES ('nvda', TIMESTAMP '2024-01-01 14:30:00', 10, 11, 9, 10.5, 1), ('NVDA', TIMESTAMP '2024-01-02 14:30:00', 10, 11, 9, 10.5, 1),
			('NVDA', TIMESTAMP '2024-01-03 14:30:00', 10, 11, 9, 10.5, 1), ('BTC', TIMESTAMP '2024-01-03 14:30:00', 10, 11, 9, 10.5, 1)`,
		`CREATE TABLE one AS SELECT * FROM bars WHERE ts <> TIMESTAMP '2024-01-01 14:30:00'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, syms := range [][]string{{"NVDA"}, {"NVDA", "BTC"}} {
		_, err := ReadSource(context.Background(), Source{DuckDB: path, Table: "bars"}, Request{Symbols: syms})
		if want := `symbols "NVDA" and "nvda" are the same instrument NVDA`; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: err = %v, want %q", syms, err, want)
		}
		p, err := ReadSource(context.Background(), Source{DuckDB: path, Table: "one"}, Request{Symbols: syms})
		if err != nil {
			t.Fatalf("%v: %v", syms, err)
		}
		if n := p.Series[0].Len(); n != 2 {
			t.Errorf("%v: NVDA has %d bar(s), want its 2", syms, n)
		}
	}
}
