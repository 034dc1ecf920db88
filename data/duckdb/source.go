package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// Source is a one-table dataset or an SQL query holding the bars of many
// instruments, one row per (symbol, bar). Exactly one of Table and Query
// is set; DuckDB may go with either.
//
//   - Table alone: a Parquet file (.parquet, .pq), a glob of them
//     ("bars/*.parquet"), a hive-partitioned folder ("bars/", holding
//     bars/symbol=NVDA/….parquet, or .csv; the partition keys become
//     columns), a CSV
//     file or glob (.csv, .csv.gz, .tsv, .txt) or an Arrow IPC file
//     (.arrow, .ipc, .feather, .arrows).
//   - DuckDB + Table: a table or view of an existing DuckDB database file
//     ("bars", "main.bars"), opened read-only.
//   - Query: any DuckDB SELECT returning the columns; with DuckDB, its
//     tables are in scope unqualified.
//
// The columns are found by name as in per-instrument files (date,
// datetime, timestamp, ts, time, open_time; open; high; low; close; adj_close;
// volume) plus a symbol column (symbol, ticker, sym, instrument, asset,
// pair, code); Columns renames them.
type Source struct {
	Table  string
	DuckDB string
	Query  string
	// Columns maps a field to the source's column name: keys time (or
	// date), symbol, open, high, low, close, adj_close, volume; e.g.
	// {"time": "open_time", "symbol": "ticker", "close": "px_last"}.
	Columns map[string]string
	// Timezone and DateFormat are as in ReadOptions: the zone of
	// timestamps written without an offset, the order of slash dates.
	Timezone   string
	DateFormat data.DateFormat
	// OnBadRow says what to do with a bar whose open, high, low and close
	// contradict each other: refuse the source (the default), skip the
	// bar or widen its range (data.BadRowPolicy). Repairs are listed in
	// each series' Repairs.
	OnBadRow data.BadRowPolicy
}

// Request says what to read from a Source.
type Request struct {
	// Symbols are the instruments, in panel order. Each is matched exactly
	// against the symbol column; one that is absent is matched by its
	// canonical form (data.CanonicalSymbol: "TAO" finds "TAOUSDT" when
	// that is the only such symbol). The series' Symbol is the canonical
	// form of the requested name.
	Symbols []string
	// Classes, when set, has one entry per symbol; 0 guesses the class
	// with data.GuessClass.
	Classes []data.Class
	// Start and End bound the bars read: Start <= t < End on the bars'
	// stamps (UTC Unix ns); 0 leaves a side open, unless StartSet (EndSet)
	// says it is a bound at 1970-01-01T00:00Z (--start 1970-01-01).
	Start, End       int64
	StartSet, EndSet bool
	// Bar resamples the bars to this interval (one of data.BarIntervals);
	// 0 keeps them as stored. See Resample; with Start, a first bucket
	// that begins before Start (only part of it read) is left out; with
	// End, so is a last bucket that ends after End.
	Bar data.Interval
}

// String names the source for messages: the table's path, "duckdb
// market.duckdb table bars" or "query".
func (s Source) String() string {
	switch {
	case s.Query != "" && s.DuckDB != "":
		return "query on " + s.DuckDB
	case s.Query != "":
		return "query"
	case s.DuckDB != "":
		return s.DuckDB + " table " + s.Table
	}
	return s.Table
}

// Validate checks that the source names one dataset and that its options
// parse. Errors name the key ([data] table, duckdb, query, columns,
// timezone).
func (s Source) Validate() error {
	switch {
	case s.Table == "" && s.Query == "":
		return errors.New("duckdb: source: give a table (a file, glob or folder, or a table of the duckdb database) or a query")
	case s.Table != "" && s.Query != "":
		return errors.New("duckdb: source: give a table or a query, not both")
	}
	if _, err := data.LoadTimezone(s.Timezone); err != nil {
		return fmt.Errorf("duckdb: source timezone: %w", err)
	}
	keys := make([]string, 0, len(s.Columns))
	for k := range s.Columns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := columnKey(k); !ok {
			return fmt.Errorf("duckdb: source columns: unknown key %q (want time, symbol, open, high, low, close, adj_close or volume)", k)
		}
		if strings.TrimSpace(s.Columns[k]) == "" {
			return fmt.Errorf("duckdb: source columns: %s is empty", k)
		}
	}
	return nil
}

// fSymbol is the symbol column of a table, beside the bar fields.
const fSymbol = nFields

// columnKey maps a Columns key to its field.
func columnKey(k string) (field, bool) {
	switch normName(k) {
	case "time", "date", "datetime", "timestamp", "ts":
		return fDate, true
	case "symbol":
		return fSymbol, true
	case "open":
		return fOpen, true
	case "high":
		return fHigh, true
	case "low":
		return fLow, true
	case "close":
		return fClose, true
	case "adjclose":
		return fAdjClose, true
	case "volume":
		return fVolume, true
	}
	return 0, false
}

// symbolAliases are the names a symbol column goes by, best first.
var symbolAliases = [...]string{"symbol", "ticker", "sym", "instrument", "asset", "pair", "code"}

// colRow names the helper column the reader adds (the row of each bar).
const colRow = "divergence_row"

// relation is a Source resolved to something DuckDB can select from.
type relation struct {
	from string // FROM clause
	// rowExpr and fileExpr give each row's file row (1-based; "" when the
	// source has none) and file name ("" for a single file or no file).
	rowExpr, fileExpr string
	file              string       // the single file, when there is one
	lines             *recordLines // CSV: the line of each record, to name rows
	synthetic         bool
	// csv: a CSV table, read once into a temporary Parquet file when its
	// columns are known (see csvToParquet).
	csv              bool
	csvPath, csvArgs string // CSV: the read_csv path and options
	// hiveKeys are a hive-partitioned folder's partition keys
	// (bars/symbol=NVDA/…: symbol), columns of no file, which
	// read_csv's types may not name.
	hiveKeys []string
	helpers  []string // columns the reader added (filename, row)
}

// ReadSource reads the requested instruments of a one-table dataset or
// SQL query into a Panel, in the order of req.Symbols. The symbols and
// the date range are pushed into the DuckDB query (WHERE symbol IN (…)
// AND time >= … AND time < …, which Parquet files answer from their row
// group statistics); only text time columns, which must be parsed by the
// file's one date format first (see ReadOptions), are bounded in Go
// instead. Rows come out through DuckDB's Arrow interface ordered by
// symbol and time, so a table need not be sorted; each instrument's bars
// are then read and stamped exactly as a per-instrument file's (daily bars
// at 00:00 UTC of their date, intraday bars at their open instant) and
// validated as strictly: a duplicate (symbol, time), a NaN or non-positive
// price, high < low, an open or close outside [low, high], a requested
// symbol the source does not have or writes in more than one way (BTC and
// btc in the requested window), or a query with no rows at all are
// errors naming the source, the symbol, the time and, for files, the file
// and row (Parquet: the row in its file; CSV: the line). With req.Bar set
// the panel is then resampled (see Resample).
//
// A CSV table (a file or a glob) is parsed once, into a temporary
// Parquet file in os.TempDir (about a third of the CSV's size, removed
// once read; see csvToParquet), and then read as a Parquet table: its
// symbols cannot be found without parsing every row, so even two of its
// symbols cost a parse of the whole file.
//
// Each series' Source is src.String() and its Rows the file rows (0 for a
// DuckDB table or a query). DuckDB databases are attached read-only.
func ReadSource(ctx context.Context, src Source, req Request) (*data.Panel, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	if len(req.Symbols) == 0 {
		return nil, fmt.Errorf("duckdb: %s: no symbols requested", src)
	}
	return readSource(ctx, src, req)
}

// readSource is ReadSource, where no symbols in req reads every symbol
// the source has (SourceSymbols), listed by the same reader: a CSV table
// is then parsed once, not once to list its symbols and again to read
// them. Without symbols, Classes may hold one class for all of them.
func readSource(ctx context.Context, src Source, req Request) (*data.Panel, error) {
	if len(req.Classes) != 0 && len(req.Classes) != len(req.Symbols) && (len(req.Symbols) != 0 || len(req.Classes) != 1) {
		return nil, fmt.Errorf("duckdb: %s: %d classes for %d symbols", src, len(req.Classes), len(req.Symbols))
	}
	if req.Bar != 0 && !slices.Contains(data.BarIntervals[:], req.Bar) {
		return nil, fmt.Errorf("duckdb: %s: bar %s: want one of 1m, 5m, 15m, 1h, 4h, 1d", src, req.Bar)
	}
	loc, err := data.LoadTimezone(src.Timezone)
	if err != nil {
		return nil, fmt.Errorf("duckdb: %s: %w", src, err)
	}
	var p *data.Panel
	err = withSourceReader(ctx, src, req, func(r *sourceReader) error {
		r.loc = loc
		var err error
		p, err = r.read()
		return err
	})
	if err != nil {
		return nil, err
	}
	if req.Bar != 0 {
		// A first bucket begun before Start, or a last one ending after
		// End, holds part of its bars: left out.
		return resample(ctx, p, req.Bar, req.span(), true)
	}
	return p, nil
}

// withSourceReader runs fn with a reader of src on a fresh in-memory
// DuckDB, closed afterwards (with any database it attached).
func withSourceReader(ctx context.Context, src Source, req Request, fn func(r *sourceReader) error) error {
	c, err := connector("")
	if err != nil {
		return fmt.Errorf("duckdb: open in-memory database: %w", err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		r := &sourceReader{ctx: ctx, ar: ar, src: src, req: req}
		defer func() {
			for i := len(r.release) - 1; i >= 0; i-- {
				r.release[i]()
			}
		}()
		return fn(r)
	})
}
