package duckdb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

func openCatalog(t *testing.T, path string) *Catalog {
	t.Helper()
	c, err := OpenCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sha(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// sameSeries compares everything but Source; NaN equals NaN.
func sameSeries(t *testing.T, got, want data.Series) {
	t.Helper()
	if got.Symbol != want.Symbol || got.Class != want.Class || got.LotSize != want.LotSize {
		t.Errorf("instrument = %+v, want %+v", got.Instrument, want.Instrument)
	}
	if !reflect.DeepEqual(got.Time, want.Time) || !reflect.DeepEqual(got.Rows, want.Rows) {
		t.Errorf("%s: Time or Rows differ", want.Symbol)
	}
	for _, c := range []struct {
		name string
		g, w []float64
	}{{"open", got.Open, want.Open}, {"high", got.High, want.High}, {"low", got.Low, want.Low},
		{"close", got.Close, want.Close}, {"adj_close", got.AdjClose, want.AdjClose}, {"volume", got.Volume, want.Volume}} {
		if !equalFloats(c.g, c.w, 0) {
			t.Errorf("%s: %s differs", want.Symbol, c.name)
		}
	}
}

func TestCatalogImportListLoad(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	catPath := filepath.Join(dir, "cat.duckdb")
	c := openCatalog(t, catPath)

	nvda := writeFile(t, dir, "NVDA.csv", oursCSV)
	tao := writeFile(t, dir, "TAO-USD.csv", yahooNoAdjCSV)
	entries, err := c.Import(ctx, []string{tao, nvda}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := c.mem.(*mallocator.Mallocator).AllocatedBytes(); m != 0 {
		t.Errorf("Arrow records handed to DuckDB: %d bytes not released", m)
	}
	first, last := data.Day(2024, 1, 2), data.Day(2024, 1, 5)
	// Four bars a day apart, 01-02 … 01-05: interval 1d.
	wantList := []Entry{
		{Symbol: "NVDA", Class: data.Equity, First: first, Last: last, Rows: 4, Source: nvda, SHA256: sha(t, nvda), Interval: data.Daily},
		// Yahoo's file without an adjusted close: the entry says so
		// (TestCatalogKeepsWhatTheReaderSaid).
		{Symbol: "TAO", Class: data.Crypto, First: first, Last: last, Rows: 4, Source: tao, SHA256: sha(t, tao), NoAdjClose: true, Interval: data.Daily},
	}
	if !reflect.DeepEqual(entries, []Entry{wantList[1], wantList[0]}) {
		t.Errorf("Import = %+v\nwant %+v", entries, wantList)
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(list, wantList) {
		t.Errorf("List = %+v\nwant %+v", list, wantList)
	}

	// Load round trip: the same columns as ReadFile, in the order asked.
	p, err := c.Load(ctx, []string{"TAO-USD", "NVDA", "TAO"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.Symbols()); got != "[TAO NVDA]" {
		t.Fatalf("Load symbols = %s, want [TAO NVDA]", got)
	}
	for i, path := range []string{tao, nvda} {
		want, err := ReadFile(ctx, path, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameSeries(t, p.Series[i], want)
		if src := "catalog:" + catPath + ":" + path; p.Series[i].Source != src {
			t.Errorf("Source = %q, want %q", p.Series[i].Source, src)
		}
	}
	checkFixture(t, p.Series[1], wantAdj, []int{2, 3, 4, 5}, 0)

	all, err := c.Load(ctx, nil)
	if err != nil || fmt.Sprint(all.Symbols()) != "[NVDA TAO]" {
		t.Errorf("Load(nil) = %v, %v; want every instrument by symbol", all, err)
	}
	_, err = c.Load(ctx, []string{"NVDA", "XYZ"})
	if want := `duckdb: catalog ` + catPath + ` has no instrument "XYZ" (it holds NVDA, TAO)`; err == nil || err.Error() != want {
		t.Errorf("unknown symbol: err = %v\nwant %s", err, want)
	}

	// Re-import replaces an instrument's bars and entry, leaving the others.
	nvda2 := writeFile(t, dir, "nvda-new.csv", "date,open,high,low,close\n2025-03-03,5,6,4,5.5\n")
	if _, err := c.Import(ctx, []string{nvda2}, ImportOptions{Symbol: "NVDA"}); err != nil {
		t.Fatal(err)
	}
	list, _ = c.List(ctx)
	wantList[0] = Entry{Symbol: "NVDA", Class: data.Equity, First: data.Day(2025, 3, 3), Last: data.Day(2025, 3, 3),
		Rows: 1, Source: nvda2, SHA256: sha(t, nvda2), NoAdjClose: true} // one bar: no interval
	if !reflect.DeepEqual(list, wantList) {
		t.Errorf("after re-import List = %+v\nwant %+v", list, wantList)
	}
	p, err = c.Load(ctx, []string{"NVDA"})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Series[0]; s.Len() != 1 || s.Close[0] != 5.5 || s.AdjClose[0] != 5.5 || s.Rows[0] != 2 || !s.NoAdjClose {
		t.Errorf("re-imported NVDA = %+v", s)
	}

	// The catalog persists across Close and reopen.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c2 := openCatalog(t, catPath)
	list2, err := c2.List(ctx)
	if err != nil || !reflect.DeepEqual(list2, wantList) {
		t.Errorf("after reopen List = %+v, %v", list2, err)
	}
}

func TestCatalogFailedImportChangesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c := openCatalog(t, filepath.Join(dir, "cat.duckdb"))
	a := writeFile(t, dir, "AAA.csv", oursCSV)
	if _, err := c.Import(ctx, []string{a}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := c.List(ctx)
	loadA := func() data.Series {
		t.Helper()
		p, err := c.Load(ctx, []string{"AAA"})
		if err != nil {
			t.Fatal(err)
		}
		return p.Series[0]
	}
	aBefore := loadA()

	good := writeFile(t, dir, "BBB.csv", yahooCSV)
	bad := writeFile(t, dir, "CCC.csv", replaceLine(4, "2024-01-04,11.5,11.75,9.5,abc,9.8,0"))
	os.Mkdir(filepath.Join(dir, "new"), 0o755)
	newA := writeFile(t, filepath.Join(dir, "new"), "AAA.csv", "date,open,high,low,close\n2025-03-03,5,6,4,5.5\n")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	type importCase struct {
		name  string
		ctx   context.Context
		paths []string
		opt   ImportOptions
		hook  func(i int) error
		want  string
	}
	tests := []importCase{
		{name: "bad file after a good one", ctx: ctx, paths: []string{good, bad},
			want: bad + `:4: close "abc" is not a number`},
		{name: "missing file", ctx: ctx, paths: []string{good, filepath.Join(dir, "nope.csv")}, want: "no such file"},
		{name: "two files, one symbol", ctx: ctx, paths: []string{good, a, writeFile(t, dir, "aaa.csv", oursCSV)}, want: `both give symbol "AAA"`},
		{name: "symbol with two files", ctx: ctx, paths: []string{good, bad}, opt: ImportOptions{Symbol: "X"}, want: "only when importing one file"},
		{name: "no files", ctx: ctx, want: "no files"},
		{name: "cancelled", ctx: cancelled, paths: []string{good}, want: "context canceled"},
		// Failures inside the transaction, after bars were written.
		{name: "failure after adding B and replacing A", ctx: ctx, paths: []string{good, newA, writeFile(t, dir, "DDD.csv", oursCSV)},
			hook: func(i int) error {
				if i == 2 {
					return errors.New("disk full")
				}
				return nil
			}, want: "disk full"},
	}
	// The context is cancelled inside the transaction, after one series was
	// written: the next statement fails, and the rollback still runs.
	midCtx, midCancel := context.WithCancel(ctx)
	defer midCancel()
	tests = append(tests, importCase{name: "cancelled inside the transaction", ctx: midCtx, paths: []string{good, newA},
		hook: func(i int) error { midCancel(); return nil }, want: "context canceled"})
	// Cancelled after the last series was written, before the commit: it
	// rolls back (the commit itself is not interrupted, so that a cancel
	// reaching it cannot report a failure for a transaction on disk).
	lastCtx, lastCancel := context.WithCancel(ctx)
	defer lastCancel()
	tests = append(tests, importCase{name: "cancelled after the last write", ctx: lastCtx, paths: []string{good, newA},
		hook: func(i int) error {
			if i == 1 {
				lastCancel()
			}
			return nil
		}, want: "context canceled"})

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.afterWrite = tc.hook
			defer func() { c.afterWrite = nil }()
			paths := tc.paths
			_, err := c.Import(tc.ctx, paths, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			after, err := c.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Errorf("List after a failed import = %+v\nwant %+v", after, before)
			}
			sameSeries(t, loadA(), aBefore)
		})
	}
	// The catalog still works after the failures.
	if _, err := c.Import(ctx, []string{good}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if l, _ := c.List(ctx); len(l) != 2 {
		t.Errorf("List = %+v, want AAA and BBB", l)
	}
}

func TestOpenCatalogErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenCatalog(filepath.Join(dir, "no", "such", "dir", "c.duckdb")); err == nil {
		t.Error("catalog in a missing directory: no error")
	}
	notDB := writeFile(t, dir, "x.duckdb", oursCSV)
	if _, err := OpenCatalog(notDB); err == nil || !strings.Contains(err.Error(), notDB) {
		t.Errorf("not a DuckDB file: err = %v", err)
	}
	p := filepath.Join(dir, "v.duckdb")
	c := openCatalog(t, p)
	if _, err := c.db.Exec(`UPDATE catalog_meta SET value = '99'`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := OpenCatalog(p); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("future schema: err = %v", err)
	}
	// A catalog cut short (a copy interrupted) is called damaged, with
	// what to do, not DuckDB's "Could not read enough bytes" alone.
	cut := filepath.Join(dir, "cut.duckdb")
	c = openCatalog(t, cut)
	if _, err := c.Import(context.Background(), []string{writeFile(t, dir, "AAA.csv", oursCSV)}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if fi, err := os.Stat(cut); err != nil || fi.Size() < 40_000 {
		t.Fatalf("the catalog: %v, %d bytes", err, fi.Size())
	}
	if err := os.Truncate(cut, 20_000); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCatalog(cut); err == nil || !strings.Contains(err.Error(), "the catalog "+cut+" is damaged") || !strings.Contains(err.Error(), "--catalog NEW.duckdb") {
		t.Errorf("a catalog cut short: err = %v, want it called damaged", err)
	}
	// A catalog in a folder that does not exist is not damaged.
	if _, err := OpenCatalog(filepath.Join(dir, "nodir", "x.duckdb")); err == nil || strings.Contains(err.Error(), "damaged") {
		t.Errorf("a catalog in a missing folder: err = %v, want no word of damage", err)
	}
}

// dataDir finds the shared price history: $DIVERGENCE_DATA (the prices
// folder or its parent), else ../../../shared/data/prices from this package.
func dataDir(t *testing.T) string {
	t.Helper()
	var tried []string
	cands := []string{filepath.Join("..", "..", "..", "shared", "data", "prices")}
	if env := os.Getenv("DIVERGENCE_DATA"); env != "" {
		cands = []string{env, filepath.Join(env, "prices")}
	}
	for _, d := range cands {
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		tried = append(tried, abs)
		if m, _ := filepath.Glob(filepath.Join(abs, "*.csv")); len(m) > 0 {
			return abs
		}
	}
	t.Skipf("no price data: looked for *.csv in %s (set DIVERGENCE_DATA)", strings.Join(tried, ", "))
	return ""
}

func TestImportSharedPrices(t *testing.T) {
	dir := dataDir(t)
	ctx := context.Background()
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	c := openCatalog(t, filepath.Join(t.TempDir(), "prices.duckdb"))
	entries, err := c.Import(ctx, files, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(files) {
		t.Fatalf("%d entries for %d files", len(entries), len(files))
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Entry{}
	for _, e := range list {
		by[e.Symbol] = e
	}
	nvda := by["NVDA"]
	if nvda.Rows != 2262 || nvda.First != data.Day(2017, 1, 3) || nvda.Last != data.Day(2025, 12, 31) || nvda.Class != data.Equity {
		t.Errorf("NVDA = %+v, want 2262 equity bars 2017-01-03..2025-12-31", nvda)
	}
	for _, sym := range []string{"BTC", "TAO", "ETH"} {
		if by[sym].Class != data.Crypto {
			t.Errorf("%s class = %v, want crypto", sym, by[sym].Class)
		}
	}
	p, err := c.Load(ctx, []string{"NVDA", "BTC", "^NDX"})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range []string{"NVDA.csv", "BTC-USD.csv", "^NDX.csv"} {
		want, err := ReadFile(ctx, filepath.Join(dir, f), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameSeries(t, p.Series[i], want)
	}
	if v := p.Series[2].Volume[0]; v == v {
		t.Errorf("^NDX volume = %v, want NaN (indices have none)", v)
	}

	// Every value read through DuckDB is bit for bit strconv.ParseFloat of
	// its text, every bar on the line it came from.
	for _, f := range files {
		s, err := ReadFile(ctx, f, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs)-1 != s.Len() {
			t.Fatalf("%s: %d records, %d bars", f, len(recs)-1, s.Len())
		}
		for k, rec := range recs[1:] {
			if s.Rows[k] != k+2 || data.FormatDay(s.Time[k]) != rec[0] {
				t.Fatalf("%s: bar %d is %s on line %d, want %s on line %d", f, k, data.FormatDay(s.Time[k]), s.Rows[k], rec[0], k+2)
			}
			for j, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose, s.Volume} {
				want := math.NaN()
				if rec[1+j] != "" {
					if want, err = strconv.ParseFloat(rec[1+j], 64); err != nil {
						t.Fatal(err)
					}
				}
				if math.Float64bits(col[k]) != math.Float64bits(want) {
					t.Fatalf("%s:%d: %s read as %v, strconv gives %v", f, k+2, fieldNames[1+j], col[k], want)
				}
			}
		}
	}
}

func TestCatalogConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	c := openCatalog(t, filepath.Join(dir, "cat.duckdb"))
	a := writeFile(t, dir, "AAA.csv", oursCSV)
	os.Mkdir(filepath.Join(dir, "new"), 0o755)
	short := writeFile(t, filepath.Join(dir, "new"), "AAA.csv", "date,open,high,low,close\n2025-03-03,5,6,4,5.5\n")
	b := writeFile(t, dir, "BBB.csv", yahooCSV)
	if _, err := c.Import(ctx, []string{a}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// Imports switch AAA between 4 bars and 1 while loads read it: each load
	// sees one or the other, whole.
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		go func() {
			src := a
			if g%2 == 1 {
				src = short
			}
			_, err := c.Import(ctx, []string{src, b}, ImportOptions{})
			errs <- err
		}()
		go func() {
			p, err := c.Load(ctx, []string{"AAA"})
			if err == nil && p.Series[0].Len() != 4 && p.Series[0].Len() != 1 {
				err = fmt.Errorf("AAA has %d bars", p.Series[0].Len())
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestInMemoryCatalog(t *testing.T) {
	ctx := context.Background()
	c := openCatalog(t, "")
	p := writeFile(t, t.TempDir(), "SOL-USD.csv", oursCSV)
	if _, err := c.Import(ctx, []string{p}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	panel, err := c.Load(ctx, []string{"SOL"})
	if err != nil {
		t.Fatal(err)
	}
	if s := panel.Series[0]; s.Class != data.Crypto || s.Source != "catalog::memory::"+p {
		t.Errorf("got %v %q", s.Class, s.Source)
	}
	checkFixture(t, panel.Series[0], wantAdj, []int{2, 3, 4, 5}, 0)
}

// A catalog made with the earlier schema (symbol a PRIMARY KEY) is rebuilt
// without the key when opened, its rows kept.
func TestOldCatalogLosesItsKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.duckdb")
	conn, err := goduckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
	_, err = db.Exec(`CREATE TABLE catalog_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT INTO catalog_meta VALUES ('schema_version', '1');
CREATE TABLE instruments (symbol VARCHAR PRIMARY KEY, class VARCHAR NOT NULL, source VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
	first_ts TIMESTAMP_NS NOT NULL, last_ts TIMESTAMP_NS NOT NULL, n_rows BIGINT NOT NULL);
INSERT INTO instruments VALUES ('AAA', 'equity', 'a.csv', 'x', TIMESTAMP '2024-01-02', TIMESTAMP '2024-01-03', 2);`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := openCatalog(t, path)
	es, err := c.List(context.Background())
	if err != nil || len(es) != 1 || es[0].Symbol != "AAA" || es[0].Rows != 2 {
		t.Fatalf("entries %+v, %v", es, err)
	}
	var n int
	if err := c.db.QueryRow(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'instruments' AND constraint_type = 'PRIMARY KEY'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("primary keys left: %d, %v", n, err)
	}
	// The columns added since (synthetic, no_adj_close, notes): the old
	// row has their defaults, and an import writes them.
	if es[0].Synthetic || es[0].NoAdjClose || es[0].Notes != nil {
		t.Errorf("old row %+v: want the added columns' defaults", es[0])
	}
	p := writeFile(t, t.TempDir(), "BBB.csv", "date,open,high,low,close\n2024-01-03,5,6,4,5.5\n2024-01-02,5,6,4,5\n")
	if _, err := c.Import(context.Background(), []string{p}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	es, err = c.List(context.Background())
	if err != nil || len(es) != 2 || !es[1].NoAdjClose || len(es[1].Notes) != 1 {
		t.Fatalf("after an import: %+v, %v", es, err)
	}
}

// What the reader said of a file, beyond its bars, comes back with a
// series loaded from the catalog as read from the file: an equity file
// without adj_close (NoAdjClose: a run with prices = "adjusted" notes that
// its dividends are not in its returns) and a file written newest first
// (its note). A file with adj_close has neither.
func TestCatalogKeepsWhatTheReaderSaid(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := openCatalog(t, "")
	paths := []string{
		writeFile(t, dir, "NVDA.csv", "date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,100\n"),
		writeFile(t, dir, "MSFT.csv", "date,open,high,low,close,adj_close,volume\n2024-01-03,10.5,12,10,11,10.9,100\n2024-01-02,10,11,9,10.5,10.4,100\n"),
		writeFile(t, dir, "AMD.csv", oursCSV),
	}
	if _, err := c.Import(ctx, paths, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := c.Load(ctx, []string{"NVDA", "MSFT", "AMD"})
	if err != nil {
		t.Fatal(err)
	}
	for i, path := range paths {
		want, err := ReadFile(ctx, path, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := p.Series[i]
		if got.NoAdjClose != want.NoAdjClose || !slices.Equal(got.Notes, want.Notes) {
			t.Errorf("%s: loaded NoAdjClose %v, notes %q; read %v, %q", want.Symbol, got.NoAdjClose, got.Notes, want.NoAdjClose, want.Notes)
		}
	}
	// What the files are, independently of the reader.
	if s := p.Series[0]; !s.NoAdjClose || len(s.Notes) != 0 {
		t.Errorf("NVDA (no adj_close): %v, %q", s.NoAdjClose, s.Notes)
	}
	if s := p.Series[1]; s.NoAdjClose || len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "rows are newest first") {
		t.Errorf("MSFT (newest first): %v, %q", s.NoAdjClose, s.Notes)
	}
	if s := p.Series[2]; s.NoAdjClose || len(s.Notes) != 0 {
		t.Errorf("AMD: %v, %q", s.NoAdjClose, s.Notes)
	}
}

// An equity's file without adj_close is imported as it is, and said: the
// catalog stores the close as adj_close (and no_adj_close, which a series
// loaded back has: TestCatalogKeepsWhatTheReaderSaid). A token's file,
// and a file with adj_close, are not noted.
func TestImportNotesNoAdjClose(t *testing.T) {
	dir := t.TempDir()
	c := openCatalog(t, filepath.Join(dir, "c.duckdb"))
	defer c.Close()
	noAdj := "date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,100\n"
	nvda := writeFile(t, dir, "NVDA.csv", noAdj)
	btc := writeFile(t, dir, "BTC.csv", noAdj)
	msft := writeFile(t, dir, "MSFT.csv", oursCSV)
	res, err := c.ImportReport(context.Background(), []string{nvda, btc, msft}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{nvda + `: no adj_close column: its bars are stored as they are, so a run with prices = "adjusted" leaves this equity's dividends out`}
	var got []string
	for _, n := range res.Notes {
		if strings.Contains(n, "adj_close") {
			got = append(got, n)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q, want %q", got, want)
	}
}

// Bars stamped to the nanosecond keep every digit through an import: the
// catalog's listing (first and last), its load and a direct read agree
// with the times as written. 2024-01-02 09:30:00 UTC is 1,704,187,800 s
// (19,724 days × 86,400 + 34,200); the fractions are added as written.
func TestCatalogKeepsNanoseconds(t *testing.T) {
	ctx := context.Background()
	c := openCatalog(t, "")
	p := writeFile(t, t.TempDir(), "X.csv", "time,open,high,low,close,volume\n"+
		"2024-01-02 09:30:00.123456789,1,1,1,1,1\n"+
		"2024-01-02 09:30:00.123456790,1,1,1,1,1\n"+
		"2024-01-02 09:30:01.000000001,1,1,1,1,1\n")
	want := []int64{1_704_187_800_123_456_789, 1_704_187_800_123_456_790, 1_704_187_801_000_000_001}
	if _, err := c.Import(ctx, []string{p}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].First != want[0] || list[0].Last != want[2] {
		t.Errorf("listing %+v, want first %d and last %d", list, want[0], want[2])
	}
	panel, err := c.Load(ctx, []string{"X"})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := ReadFile(ctx, p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]int64{"loaded": panel.Series[0].Time, "read": direct.Time} {
		if !slices.Equal(got, want) {
			t.Errorf("%s times %v, want %v", name, got, want)
		}
	}
}

// The notes kept of an instrument come back as they were, a line break
// or an empty note included, without the weekend note (which Load makes
// again for the class: TestCatalogRunNotesFollowTheClass in experiment).
func TestStoredNotes(t *testing.T) {
	weekend := "classed equity, but 8 of its 60 bars fall on a Saturday or Sunday (UTC), the first 2024-01-06: …"
	for _, notes := range [][]string{nil, {"a"}, {"a\nb", "", `"quoted"`}, {weekend, "kept"}} {
		got, err := readNotes(storedNotes(notes))
		want := slices.DeleteFunc(slices.Clone(notes), func(n string) bool { return n == weekend })
		if err != nil || !slices.Equal(got, want) || len(want) == 0 && got != nil {
			t.Errorf("%q came back as %q, %v; want %q", notes, got, err, want)
		}
	}
	if _, err := readNotes("not json"); err == nil {
		t.Error("a broken notes column read without an error")
	}
}
