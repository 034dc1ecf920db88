package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// schemaVersion is the catalog layout this package reads and writes.
const schemaVersion = "1"

// schema creates the catalog's tables. Bars are stored one row per bar;
// a missing volume is NULL. Nothing records the wall clock: importing the
// same files gives the same catalog.
const schema = `
CREATE TABLE IF NOT EXISTS catalog_meta (
	key   VARCHAR PRIMARY KEY,
	value VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS instruments (
	-- canonical symbol, e.g. NVDA, TAO; unique by construction (each import
	-- deletes then inserts it, serialised, in one transaction). No PRIMARY
	-- KEY: DuckDB reports a write-write conflict when a key is deleted and
	-- inserted again while a reader still sees the old row.
	symbol   VARCHAR NOT NULL,
	class    VARCHAR NOT NULL,    -- equity or crypto
	source   VARCHAR NOT NULL,    -- the file the bars were imported from: an absolute path (Entry.Source)
	sha256   VARCHAR NOT NULL,    -- hex SHA-256 of that file's bytes
	first_ts TIMESTAMP_NS NOT NULL,
	last_ts  TIMESTAMP_NS NOT NULL,
	n_rows   BIGINT NOT NULL,
	synthetic BOOLEAN NOT NULL DEFAULT false, -- imported from a folder of generated prices
	no_adj_close BOOLEAN NOT NULL DEFAULT false, -- the file had no adjusted close: adj_close holds the close
	notes VARCHAR NOT NULL DEFAULT '',   -- what the reader noted of the file (newest first, …): a JSON array, '' for none
	interval_ns BIGINT NOT NULL DEFAULT 0, -- the bars' interval, the whole file's or table symbol's (a window of it keeps it); 0: detected from the bars (an earlier import)
	content_sha256 VARCHAR NOT NULL DEFAULT '' -- contentSHA256 of this row, its bars and repairs: an import that would write the same leaves them; '': an earlier import
);
ALTER TABLE instruments ADD COLUMN IF NOT EXISTS synthetic BOOLEAN DEFAULT false;
ALTER TABLE instruments ADD COLUMN IF NOT EXISTS no_adj_close BOOLEAN DEFAULT false;
ALTER TABLE instruments ADD COLUMN IF NOT EXISTS notes VARCHAR DEFAULT '';
ALTER TABLE instruments ADD COLUMN IF NOT EXISTS interval_ns BIGINT DEFAULT 0;
ALTER TABLE instruments ADD COLUMN IF NOT EXISTS content_sha256 VARCHAR DEFAULT '';
CREATE TABLE IF NOT EXISTS bars (
	symbol    VARCHAR NOT NULL,
	ts        TIMESTAMP_NS NOT NULL, -- the bar's open (daily bars: 00:00 UTC of its date)
	open      DOUBLE NOT NULL,
	high      DOUBLE NOT NULL,
	low       DOUBLE NOT NULL,
	close     DOUBLE NOT NULL,
	adj_close DOUBLE NOT NULL,
	volume    DOUBLE,                -- NULL: unknown
	line      BIGINT NOT NULL        -- source line (CSV) or row (Parquet, Arrow)
);
CREATE TABLE IF NOT EXISTS repairs (
	-- rows of an imported file skipped or repaired by --on-bad-row (see
	-- data.BadRowPolicy); replaced with the instrument's bars
	symbol  VARCHAR NOT NULL,
	source  VARCHAR NOT NULL,      -- the file (absolute, as instruments.source)
	line    BIGINT NOT NULL,       -- its line (CSV) or row (Parquet, Arrow)
	ts      TIMESTAMP_NS NOT NULL, -- the bar's time
	open    DOUBLE NOT NULL,       -- the values as read
	high    DOUBLE NOT NULL,
	low     DOUBLE NOT NULL,
	close   DOUBLE NOT NULL,
	problem VARCHAR NOT NULL,      -- e.g. open 19.78 outside [low 17.1, high 19.77]
	action  VARCHAR NOT NULL       -- e.g. row skipped, high raised to 19.78
);
INSERT INTO catalog_meta VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
`

// importView is the name under which Import registers each series' Arrow
// record with DuckDB, for one INSERT ... SELECT.
const importView = "divergence_import_bars"

// Catalog is an embedded DuckDB database of instruments and their bars.
// Bars go in through Import, a single transaction per call, and come out
// through Load, as Arrow record batches. A Catalog is safe for use by
// several goroutines; imports are serialised.
type Catalog struct {
	db   *sql.DB
	path string // as given to OpenCatalog; ":memory:" for ""
	mu   sync.Mutex
	// mem allocates the Arrow records handed to DuckDB (C memory, since
	// DuckDB keeps pointers to them while it scans).
	mem memory.Allocator
	// noInterval: opened read-only with the layout of a version before
	// instruments.interval_ns (which only a write adds): every entry's
	// Interval is 0, detected from the bars when loaded.
	noInterval bool
	// readOnly: opened with CatalogOptions.ReadOnly; write refuses (an
	// import that finds nothing changed would otherwise not reach DuckDB's
	// own refusal).
	readOnly bool
	// afterWrite, when set (by tests), runs inside the import transaction
	// after the i-th series is written; an error aborts the import.
	afterWrite func(i int) error
}

// checkDuckDBFile refuses an existing file that is not a DuckDB database
// (a CSV given as --catalog by mistake): DuckDB's file header has "DUCK"
// at byte 8.
func checkDuckDBFile(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.Lstat(path); err != nil {
		return nil // a new catalog
	}
	f, _, err := data.OpenFile(path)
	if err != nil {
		return fmt.Errorf("duckdb: catalog: %w", err)
	}
	defer f.Close()
	var head [12]byte
	n, _ := io.ReadFull(f, head[:])
	if n == 0 {
		return nil // empty: DuckDB initialises it
	}
	if n < 12 || string(head[8:12]) != "DUCK" {
		return fmt.Errorf("duckdb: %s is not a DuckDB catalog file (is it a price file given as the catalog?)", path)
	}
	return nil
}

// dropInstrumentsKey rebuilds the instruments table of a catalog made by
// an earlier version, which declared symbol a PRIMARY KEY (see schema), in
// one transaction; the rows are kept.
func dropInstrumentsKey(db *sql.DB) error {
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'instruments' AND constraint_type = 'PRIMARY KEY'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	_, err := db.Exec(`BEGIN TRANSACTION;
CREATE TABLE instruments_rebuilt AS SELECT * FROM instruments;
DROP TABLE instruments;
ALTER TABLE instruments_rebuilt RENAME TO instruments;
COMMIT;`)
	if err != nil {
		db.Exec("ROLLBACK")
		return fmt.Errorf("rebuilding the instruments table without its primary key: %w", err)
	}
	return nil
}

// DefaultCatalogWait is how long OpenCatalog waits for another process
// that has the catalog open (an import writing it) before giving up.
const DefaultCatalogWait = 10 * time.Second

// WaitForever, as CatalogOptions.Wait, waits as long as the catalog is
// held.
const WaitForever = time.Duration(math.MaxInt64)

// waitText says how long a wait of d lasts: "up to 10s", or "until it
// is free" for WaitForever.
func waitText(d time.Duration) string {
	if d == WaitForever {
		return "until it is free"
	}
	return "up to " + d.String()
}

// CatalogOptions say how OpenCatalogWith waits for a catalog that another
// process holds.
type CatalogOptions struct {
	// Wait bounds the wait: 0 is DefaultCatalogWait, a negative value
	// does not wait, WaitForever waits as long as it takes.
	Wait time.Duration
	// Waiting, when set, is called once, when the catalog turns out to be
	// held, with a message naming the holder and the wait
	// ("catalog c.duckdb is held by divergence (PID 4711); waiting up to
	// 10s"), for the command to print.
	Waiting func(msg string)
	// ReadOnly opens the catalog for reading only (Load, List; Import
	// fails): any number of processes may read it at once (runs, shards),
	// where a catalog opened to write is held by one process at a time,
	// so that a second run reading it waited for the first and failed
	// after the wait. An import writing it is still waited for, and waits
	// for its readers. A catalog made by an earlier version, whose tables
	// need bringing up to date, or a file not yet a catalog, is opened to
	// write as without ReadOnly.
	ReadOnly bool
}

// ErrCatalogBusy is wrapped by the error of a catalog still held by another
// process when the wait ends.
var ErrCatalogBusy = errors.New("duckdb: catalog in use by another process")

// lockHolder returns what DuckDB says of the process holding a file's
// lock ("divergence (PID 4711)"), or "" when err is not DuckDB's lock
// conflict.
func lockHolder(err error) string {
	msg := err.Error()
	if !strings.Contains(msg, "Could not set lock on file") {
		return ""
	}
	const held = "Conflicting lock is held in "
	i := strings.Index(msg, held)
	if i < 0 {
		return "another process"
	}
	h := msg[i+len(held):]
	if j := strings.Index(h, ")"); j >= 0 {
		h = h[:j+1]
	}
	return data.Clip(h)
}

// OpenCatalog opens the DuckDB catalog at path, creating the file and its
// tables if they do not exist. path "" opens an in-memory catalog that
// disappears on Close. A DuckDB file can be open in only one process at a
// time: while another process holds it (an import writing it), OpenCatalog
// waits up to DefaultCatalogWait, then fails naming the holder (see
// OpenCatalogWith).
func OpenCatalog(path string) (*Catalog, error) {
	return OpenCatalogWith(context.Background(), path, CatalogOptions{})
}

// damaged adds to err, an error opening the catalog at path, what to do
// when DuckDB could not read the file (an IO error: a copy cut short, a
// disk that filled): "Could not read enough bytes from file" alone said
// neither that the catalog is damaged nor what to do; `data list`, which
// only reads, said "create catalog tables".
func damaged(path string, err error) error {
	// Only a file DuckDB opened and could not read: a missing folder or
	// a permission is not damage ("IO Error: Cannot open file" too).
	m := err.Error()
	if !strings.Contains(m, "Could not read enough bytes") && !strings.Contains(m, "Corrupt database file") && !strings.Contains(m, "checksum") {
		return err
	}
	return fmt.Errorf("%w: the catalog %s is damaged (cut short, or not written whole) and cannot be read; import the price files again into a new catalog (--catalog NEW.duckdb), or restore it from a copy", err, path)
}

// OpenCatalogWith is OpenCatalog with a bounded wait for another process
// that holds the file: DuckDB's lock conflict is retried with backoff
// (50 ms doubling to 1 s) until opt.Wait has passed or ctx ends, then
// reported as an error wrapping ErrCatalogBusy that names the file and
// the process holding it.
func OpenCatalogWith(ctx context.Context, path string, opt CatalogOptions) (*Catalog, error) {
	if err := checkDuckDBFile(path); err != nil {
		return nil, err
	}
	wait := opt.Wait
	if wait == 0 {
		wait = DefaultCatalogWait
	}
	var c *goduckdb.Connector
	var waited time.Duration
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		var err error
		if opt.ReadOnly && path != "" {
			c, err = goduckdb.NewConnector(path+threadsParam()+"&access_mode=read_only", utcSession)
		} else {
			c, err = connector(path)
		}
		if err == nil {
			break
		}
		holder := lockHolder(err)
		if holder == "" && opt.ReadOnly {
			// Not a file DuckDB opens to read only (an empty one, a
			// missing one): open it as without ReadOnly, which creates it
			// or says what is wrong.
			opt.ReadOnly = false
			continue
		}
		if holder == "" {
			return nil, damaged(path, fmt.Errorf("duckdb: open catalog %s: %w", path, err))
		}
		if waited >= wait || wait < 0 {
			return nil, fmt.Errorf("%w: %s is held by %s (an import writing it, or a run or data list reading it); waited %v for it: try again when it is done, or wait longer (--wait)",
				ErrCatalogBusy, path, holder, waited)
		}
		if waited == 0 && opt.Waiting != nil {
			opt.Waiting(fmt.Sprintf("catalog %s is held by %s; waiting %s", path, holder, waitText(wait)))
		}
		d := min(delay, wait-waited)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("duckdb: open catalog %s (held by %s): %w", path, holder, ctx.Err())
		case <-t.C:
		}
		waited += d
	}
	db := sql.OpenDB(c)
	if opt.ReadOnly && path != "" {
		if ok, noInterval := readable(db); ok {
			return &Catalog{db: db, path: path, mem: mallocator.NewMallocator(), noInterval: noInterval, readOnly: true}, nil
		}
		// Not a catalog of this layout yet: open it to write, which
		// creates or updates its tables (or says what is wrong).
		db.Close()
		opt.ReadOnly = false
		return OpenCatalogWith(ctx, path, opt)
	}
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, damaged(path, fmt.Errorf("duckdb: create catalog tables in %s: %w", path, err))
	}
	var v string
	if err := db.QueryRow(`SELECT value FROM catalog_meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("duckdb: catalog %s: %w", path, err)
	}
	if v != schemaVersion {
		db.Close()
		return nil, fmt.Errorf("duckdb: catalog %s has schema version %s, this program reads version %s", path, v, schemaVersion)
	}
	if err := dropInstrumentsKey(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("duckdb: catalog %s: %w", path, err)
	}
	name := path
	if name == "" {
		name = ":memory:"
	}
	return &Catalog{db: db, path: name, mem: mallocator.NewMallocator()}, nil
}

// readable reports whether db, a catalog opened read-only, has this
// version's layout as it stands (schema, with the columns its ALTER TABLEs
// add, and no primary key on instruments), so that nothing needs writing
// before it is read; noInterval when it lacks only interval_ns, read as
// 0 (an earlier version's catalog: writing it first would need write
// access to the file, which a shared catalog's readers may not have, and
// would exclude other readers while it is read).
func readable(db *sql.DB) (ok, noInterval bool) {
	var v string
	if err := db.QueryRow(`SELECT value FROM catalog_meta WHERE key = 'schema_version'`).Scan(&v); err != nil || v != schemaVersion {
		return false, false
	}
	var cols, keys, iv int
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'instruments' AND column_name IN ('synthetic', 'no_adj_close', 'notes')`).Scan(&cols); err != nil || cols != 3 {
		return false, false
	}
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'instruments' AND column_name = 'interval_ns'`).Scan(&iv); err != nil {
		return false, false
	}
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'instruments' AND constraint_type = 'PRIMARY KEY'`).Scan(&keys); err != nil || keys != 0 {
		return false, false
	}
	var tables int
	if err := db.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('bars', 'repairs')`).Scan(&tables); err != nil || tables != 2 {
		return false, false
	}
	return true, iv == 0
}

// Close closes the database.
func (c *Catalog) Close() error { return c.db.Close() }

// ImportOptions say which instrument the imported files hold.
type ImportOptions struct {
	// Symbol names the instrument; "" derives it from each file name (see
	// ReadOptions). It is valid only when importing one file.
	Symbol string
	// Class is the asset class; 0 guesses it (see ReadOptions).
	Class data.Class
	// Timezone and DateFormat are as in ReadOptions (--timezone,
	// --date-format).
	Timezone   string
	DateFormat data.DateFormat
	// OnBadRow is as in ReadOptions (--on-bad-row): what was skipped or
	// repaired is kept in the catalog's repairs table and returned in
	// Imported.Repairs.
	OnBadRow data.BadRowPolicy
	// Start and End bound the bars imported from each file, as in
	// ReadOptions (--start, --end), and so do StartSet and EndSet: the
	// entry's First, Last and Rows are the window's, its SHA256 still the
	// whole file's.
	Start, End       int64
	StartSet, EndSet bool
}

// Entry describes one instrument of the catalog.
type Entry struct {
	Symbol string
	Class  data.Class
	// First and Last are the times of the first and last bars (UTC Unix ns).
	First, Last int64
	Rows        int // number of bars
	// Source is the file the bars were imported from, as an absolute,
	// cleaned path (symbolic links kept as named): the same file from any
	// working folder. A table's is its file, glob or folder, absolute too
	// ("DB table T" for a table of a DuckDB database DB, "query" or
	// "query on DB" for a query). A catalog written by an earlier version
	// holds the path as it was typed, relative to the folder it was typed in.
	Source string
	SHA256 string // hex SHA-256 of the imported file's bytes
	// Synthetic is true when the file came from a folder of generated
	// prices (data.SyntheticMarker); a panel loaded with it is synthetic.
	Synthetic bool
	// NoAdjClose and Notes are the series' as read from the file
	// (data.Series): a series loaded back has them again, so that a run
	// from the catalog notes what a run from the file does. An instrument
	// imported by an earlier version has neither.
	NoAdjClose bool
	Notes      []string
	// Interval is the bars' interval as read (data.Series.Interval): the
	// whole file's for a window of it (ImportOptions.Start, End), which a
	// few bars of it do not tell. 0: not recorded (an earlier import),
	// detected from the bars when loaded.
	Interval data.Interval
}

// Imported is what ImportReport did: the entries written, in the order of
// the paths, with each file's detected interval and the reader's notes.
type Imported struct {
	Entries   []Entry
	Intervals []data.Interval // the bars' spacing (data.DetectInterval), per entry
	Notes     []string        // "<file>: <note>", e.g. a newest-first file read in reverse
	// Repairs are the rows skipped or repaired by ImportOptions.OnBadRow
	// (Source.OnBadRow), in the order of the entries.
	Repairs []data.Repair
	// Unchanged are the symbols, in the order of the entries, that the
	// catalog already held exactly as the import would write them (the
	// same file, read the same way): left as they were, not written again.
	Unchanged []string
}

// Import reads and validates every file first (as ReadFile does), then
// writes all of them in one transaction, replacing the bars of instruments
// the catalog already holds. On any error nothing is written and the
// catalog is exactly as it was. Two files giving the same symbol are an
// error. The entries come back in the order of paths.
func (c *Catalog) Import(ctx context.Context, paths []string, opt ImportOptions) ([]Entry, error) {
	res, err := c.ImportReport(ctx, paths, opt)
	return res.Entries, err
}

// ImportReport is Import, also returning each file's interval and the
// reader's notes.
func (c *Catalog) ImportReport(ctx context.Context, paths []string, opt ImportOptions) (Imported, error) {
	res, err := c.importFiles(ctx, paths, opt)
	if err != nil {
		return Imported{}, err
	}
	return res, nil
}

func (c *Catalog) importFiles(ctx context.Context, paths []string, opt ImportOptions) (Imported, error) {
	p, err := PrepareImport(ctx, paths, opt)
	if err != nil {
		return Imported{}, err
	}
	return c.WriteImport(ctx, p)
}

// PreparedImport is files read and validated for an import
// (PrepareImport), not yet written to a catalog (Catalog.WriteImport).
type PreparedImport struct {
	series []data.Series
	res    Imported
}

// PrepareImport reads and validates every file of an import, as Import
// does, without a catalog: a command reads its files before it opens the
// catalog, which a process holds while it has it open, so that runs
// reading it wait for an import's write only, not for its reading too
// (and a file's error is said at once, whoever holds the catalog).
func PrepareImport(ctx context.Context, paths []string, opt ImportOptions) (*PreparedImport, error) {
	var res Imported
	if len(paths) == 0 {
		return nil, errors.New("duckdb: no files to import")
	}
	if opt.Symbol != "" && len(paths) != 1 {
		return nil, fmt.Errorf("duckdb: a symbol (%q) can be given only when importing one file, not %d", opt.Symbol, len(paths))
	}
	r := &fileReader{}
	defer r.close()
	series := make([]data.Series, len(paths))
	entries := make([]Entry, len(paths))
	from := map[string]string{}
	for i, path := range paths {
		s, err := r.read(ctx, path, ReadOptions{Symbol: opt.Symbol, Class: opt.Class, Timezone: opt.Timezone, DateFormat: opt.DateFormat, OnBadRow: opt.OnBadRow,
			Start: opt.Start, End: opt.End, StartSet: opt.StartSet, EndSet: opt.EndSet})
		if err != nil {
			return nil, err
		}
		if prev, ok := from[s.Symbol]; ok {
			return nil, fmt.Errorf("duckdb: %s and %s both give symbol %q", prev, path, s.Symbol)
		}
		from[s.Symbol] = path
		sum, err := fileSHA256(path)
		if err != nil {
			return nil, err
		}
		storeRepairPaths(s.Repairs)
		series[i] = s
		entries[i] = Entry{Symbol: s.Symbol, Class: s.Class, First: s.Time[0], Last: s.Time[s.Len()-1],
			Rows: s.Len(), Source: storedPath(s.Source), SHA256: sum, NoAdjClose: s.NoAdjClose, Notes: s.Notes, Interval: s.Interval}
		res.Intervals = append(res.Intervals, s.Interval)
		for _, n := range s.Notes {
			res.Notes = append(res.Notes, path+": "+n)
		}
		// The catalog stores adj_close as the close where the file has
		// none (and says so in no_adj_close, which a run reading it
		// notes): it is said here too.
		if s.NoAdjClose && s.Class == data.Equity && !data.IsSyntheticFile(path) {
			res.Notes = append(res.Notes, path+": no adj_close column: its bars are stored as they are, so a run with prices = \"adjusted\" leaves this equity's dividends out")
		}
		res.Repairs = append(res.Repairs, s.Repairs...)
	}
	res.Entries = entries
	return &PreparedImport{series: series, res: res}, nil
}

// WriteImport writes a prepared import in one transaction, replacing the
// bars of instruments the catalog already holds; on any error nothing is
// written. It returns what Import would.
func (c *Catalog) WriteImport(ctx context.Context, p *PreparedImport) (Imported, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	unchanged, err := c.write(ctx, p.series, p.res.Entries)
	if err != nil {
		return Imported{}, err
	}
	res := p.res
	res.Unchanged = unchanged
	return res, nil
}

// write replaces the instruments of entries and their bars in one
// transaction. unchanged lists the symbols the catalog held as they would
// be written, left as they were (see writeSeries).
func (c *Catalog) write(ctx context.Context, series []data.Series, entries []Entry) (unchanged []string, err error) {
	if c.readOnly {
		return nil, fmt.Errorf("duckdb: catalog %s is opened read-only: it cannot be written", c.path)
	}
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: begin: %w", c.path, err)
	}
	defer func() {
		if err == nil {
			return
		}
		// Roll back even when ctx is what failed; if that is impossible,
		// drop the connection rather than return it to the pool mid-transaction.
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			err = errors.Join(err, fmt.Errorf("duckdb: rollback: %w", rbErr))
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	for i := range series {
		same, err := c.writeSeries(ctx, conn, &series[i], entries[i])
		if err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: write %s from %s: %w", c.path, entries[i].Symbol, entries[i].Source, err)
		}
		if same {
			unchanged = append(unchanged, entries[i].Symbol)
		}
		if c.afterWrite != nil {
			if err := c.afterWrite(i); err != nil {
				return nil, err
			}
		}
	}
	// A cancel decided before the commit rolls back (the deferred
	// ROLLBACK); the commit itself is not interrupted: a cancel that
	// reached DuckDB while it committed returned "context canceled" for a
	// transaction that was on disk, and the command said "nothing
	// imported" of a catalog that now held every instrument.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: commit: %w", c.path, err)
	}
	return unchanged, nil
}

// barSchema is the Arrow layout of the bars handed to DuckDB on import.
var barSchema = arrow.NewSchema([]arrow.Field{
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}},
	{Name: "open", Type: arrow.PrimitiveTypes.Float64},
	{Name: "high", Type: arrow.PrimitiveTypes.Float64},
	{Name: "low", Type: arrow.PrimitiveTypes.Float64},
	{Name: "close", Type: arrow.PrimitiveTypes.Float64},
	{Name: "adj_close", Type: arrow.PrimitiveTypes.Float64},
	{Name: "volume", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// writeSeries replaces one instrument: its bars go to DuckDB as an Arrow
// record registered as a view, then INSERT ... SELECT. An instrument the
// catalog holds as it would be written (the same contentSHA256) is left
// as it is, and unchanged says so: writing the same bars again gave the
// file their size again, a DuckDB file keeping the old blocks until its
// checkpoint, so that re-importing unchanged files made it twice as
// large every other time.
func (c *Catalog) writeSeries(ctx context.Context, conn *sql.Conn, s *data.Series, e Entry) (unchanged bool, err error) {
	sum := contentSHA256(s, e)
	var n int
	var have string
	if err := conn.QueryRowContext(ctx, `SELECT count(*), coalesce(min(content_sha256), '') FROM instruments WHERE symbol = ?`, s.Symbol).Scan(&n, &have); err != nil {
		return false, err
	}
	if n == 1 && have == sum {
		return true, nil
	}
	return false, c.replaceSeries(ctx, conn, s, e, sum)
}

// replaceSeries deletes an instrument's rows and writes s, e and its
// content digest sum in their place.
func (c *Catalog) replaceSeries(ctx context.Context, conn *sql.Conn, s *data.Series, e Entry, sum string) error {
	for _, q := range []string{"DELETE FROM bars WHERE symbol = ?", "DELETE FROM instruments WHERE symbol = ?", "DELETE FROM repairs WHERE symbol = ?"} {
		if _, err := conn.ExecContext(ctx, q, s.Symbol); err != nil {
			return err
		}
	}
	for _, r := range s.Repairs {
		if _, err := conn.ExecContext(ctx, `INSERT INTO repairs VALUES (?, ?, ?, make_timestamp_ns(?), ?, ?, ?, ?, ?, ?)`,
			s.Symbol, r.File, r.Row, r.Time, r.Open, r.High, r.Low, r.Close, r.Problem, r.Action); err != nil {
			return err
		}
	}
	// The bars go to DuckDB a batch at a time (barBatches): the C memory
	// of the copy is one batch, not the whole series.
	rr := newBarBatches(c.mem, s, importBatch)
	defer rr.Release()
	var release func()
	var err error
	err = conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err = ar.RegisterView(rr, importView)
		return err
	})
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO bars SELECT ?, ts, open, high, low, close, adj_close, volume, line FROM `+importView, s.Symbol)
	release()
	if _, dropErr := conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+importView); err == nil {
		err = dropErr
	}
	if err != nil {
		return err
	}
	res, err := conn.ExecContext(ctx, `INSERT INTO instruments (symbol, class, source, sha256, first_ts, last_ts, n_rows, synthetic, no_adj_close, notes, interval_ns, content_sha256)
		SELECT ?, ?, ?, ?, min(ts), max(ts), count(*), ?, ?, ?, ?, ? FROM bars WHERE symbol = ?`,
		s.Symbol, s.Class.String(), e.Source, e.SHA256, data.IsSyntheticFile(e.Source), s.NoAdjClose, storedNotes(s.Notes), int64(s.Interval), sum, s.Symbol)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n != 1 {
		return fmt.Errorf("inserted %d instrument rows, want 1", n)
	}
	return nil
}

// contentSHA256 is the hex SHA-256 of everything writeSeries writes for
// an instrument: its instruments row (first_ts, last_ts and n_rows follow
// from the bars), its bars as stored (a NaN volume is NULL, whatever its
// bits) and its repairs.
func contentSHA256(s *data.Series, e Entry) string {
	h := sha256.New()
	var buf []byte
	str := func(v string) {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	u64 := func(v uint64) { buf = binary.LittleEndian.AppendUint64(buf, v) }
	f64 := func(v float64) { u64(math.Float64bits(v)) }
	flag := func(v bool) {
		if v {
			buf = append(buf, 1)
		} else {
			buf = append(buf, 0)
		}
	}
	str("divergence catalog instrument 1")
	str(s.Symbol)
	str(s.Class.String())
	str(e.Source)
	str(e.SHA256)
	flag(data.IsSyntheticFile(e.Source))
	flag(s.NoAdjClose)
	str(storedNotes(s.Notes))
	u64(uint64(s.Interval))
	u64(uint64(s.Len()))
	cols := [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose}
	for k := range s.Len() {
		u64(uint64(s.Time[k]))
		for _, col := range cols {
			f64(col[k])
		}
		v := s.Volume[k]
		flag(math.IsNaN(v))
		if !math.IsNaN(v) {
			f64(v)
		}
		row := k + 1
		if s.Rows != nil {
			row = s.Rows[k]
		}
		u64(uint64(row))
		if len(buf) >= 64<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	u64(uint64(len(s.Repairs)))
	for _, r := range s.Repairs {
		str(r.File)
		u64(uint64(r.Row))
		u64(uint64(r.Time))
		for _, v := range []float64{r.Open, r.High, r.Low, r.Close} {
			f64(v)
		}
		str(r.Problem)
		str(r.Action)
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// barRecord copies a series into an Arrow record allocated by mem; a NaN
// volume becomes null.
func barRecord(mem memory.Allocator, s *data.Series) arrow.RecordBatch {
	return barRange(mem, s, 0, s.Len())
}

// barRange copies bars lo..hi-1 of a series into an Arrow record.
func barRange(mem memory.Allocator, s *data.Series, lo, hi int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, barSchema)
	defer b.Release()
	n := hi - lo
	ts := b.Field(0).(*array.TimestampBuilder)
	ts.Reserve(n)
	for _, t := range s.Time[lo:hi] {
		ts.UnsafeAppend(arrow.Timestamp(t))
	}
	for i, col := range [][]float64{s.Open, s.High, s.Low, s.Close, s.AdjClose} {
		b.Field(1+i).(*array.Float64Builder).AppendValues(col[lo:hi], nil)
	}
	vb := b.Field(6).(*array.Float64Builder)
	vb.Reserve(n)
	for _, v := range s.Volume[lo:hi] {
		if math.IsNaN(v) {
			vb.AppendNull()
		} else {
			vb.UnsafeAppend(v)
		}
	}
	lb := b.Field(7).(*array.Int64Builder)
	lb.Reserve(n)
	for k := lo; k < hi; k++ {
		row := k + 1
		if s.Rows != nil {
			row = s.Rows[k]
		}
		lb.UnsafeAppend(int64(row))
	}
	return b.NewRecordBatch()
}

// importBatch is the number of bars handed to DuckDB at a time on import.
const importBatch = 1 << 16

// barBatches is an array.RecordReader over a series' bars, building each
// batch of size bars when DuckDB asks for it and releasing it after.
type barBatches struct {
	refs atomic.Int64
	mem  memory.Allocator
	s    *data.Series
	size int
	off  int
	cur  arrow.RecordBatch
}

func newBarBatches(mem memory.Allocator, s *data.Series, size int) *barBatches {
	b := &barBatches{mem: mem, s: s, size: size}
	b.refs.Store(1)
	return b
}

func (b *barBatches) Retain() { b.refs.Add(1) }

func (b *barBatches) Release() {
	if b.refs.Add(-1) == 0 && b.cur != nil {
		b.cur.Release()
		b.cur = nil
	}
}

func (b *barBatches) Schema() *arrow.Schema { return barSchema }

func (b *barBatches) Next() bool {
	if b.cur != nil {
		b.cur.Release()
		b.cur = nil
	}
	if b.off >= b.s.Len() {
		return false
	}
	hi := min(b.off+b.size, b.s.Len())
	b.cur = barRange(b.mem, b.s, b.off, hi)
	b.off = hi
	return true
}

func (b *barBatches) RecordBatch() arrow.RecordBatch { return b.cur }

// Record is RecordBatch (array.RecordReader still lists it).
func (b *barBatches) Record() arrow.RecordBatch { return b.cur }

func (b *barBatches) Err() error { return nil }

func fileSHA256(path string) (string, error) {
	f, _, err := data.OpenFile(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("duckdb: %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// List returns every instrument of the catalog, sorted by symbol.
func (c *Catalog) List(ctx context.Context) ([]Entry, error) {
	return c.list(ctx, c.db)
}

// list reads the instruments table through q (the database, or a
// connection inside a transaction).
func (c *Catalog) list(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) ([]Entry, error) {
	interval := "coalesce(interval_ns, 0)"
	if c.noInterval {
		interval = "0" // not recorded (readable)
	}
	rows, err := q.QueryContext(ctx, `SELECT symbol, class, source, sha256, epoch_ns(first_ts), epoch_ns(last_ts), n_rows, coalesce(synthetic, false),
			coalesce(no_adj_close, false), coalesce(notes, ''), `+interval+`
		FROM instruments ORDER BY symbol`)
	if err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var class string
		var n int64
		var notes string
		var iv int64
		if err := rows.Scan(&e.Symbol, &class, &e.Source, &e.SHA256, &e.First, &e.Last, &n, &e.Synthetic, &e.NoAdjClose, &notes, &iv); err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
		}
		if e.Class, err = data.ParseClass(class); err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: instrument %s: %w", c.path, e.Symbol, err)
		}
		e.Rows, e.Interval = int(n), data.Interval(iv)
		if e.Notes, err = readNotes(notes); err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: instrument %s: notes: %w", c.path, e.Symbol, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	return out, nil
}

// Load reads the named instruments' bars (through DuckDB's Arrow interface,
// not row scans) into a Panel, in the order given. Symbols pass through
// data.CanonicalSymbol ("TAO-USD" finds "TAO"); a repeated symbol is loaded
// once, as in data.Panel.Select; no symbols at all loads every instrument,
// sorted by symbol. An unknown symbol is an error naming it and listing
// what the catalog holds. Each series' Source is
// "catalog:<catalog path>:<imported file>", its Rows the lines or rows of
// that file, and it is validated again before it is returned.
func (c *Catalog) Load(ctx context.Context, symbols []string) (p *data.Panel, err error) {
	// One read transaction: the list and the bars are one snapshot, even
	// while another goroutine imports.
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: begin: %w", c.path, err)
	}
	defer func() {
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				p, err = nil, fmt.Errorf("duckdb: catalog %s: end read transaction: %w", c.path, rbErr)
			}
		}
	}()
	entries, err := c.list(ctx, conn)
	if err != nil {
		return nil, err
	}
	bySym := make(map[string]Entry, len(entries))
	have := make([]string, len(entries))
	for i, e := range entries {
		bySym[e.Symbol] = e
		have[i] = e.Symbol
	}
	if len(symbols) == 0 {
		symbols = have
	}
	var want []Entry
	seen := map[string]bool{}
	for _, s := range symbols {
		sym := data.CanonicalSymbol(s)
		if seen[sym] {
			continue
		}
		seen[sym] = true
		e, ok := bySym[sym]
		if !ok {
			holds := "is empty"
			if len(have) > 0 {
				holds = "holds " + strings.Join(have, ", ")
			}
			return nil, &data.UnknownSymbolError{Symbol: s, Have: have, Msg: fmt.Sprintf("duckdb: catalog %s has no instrument %q (it %s)", c.path, s, holds)}
		}
		want = append(want, e)
	}
	p = &data.Panel{Description: "catalog:" + c.path, Series: make([]data.Series, len(want))}
	for _, e := range want {
		if e.Synthetic {
			p.Synthetic = true
		}
	}
	err = conn.Raw(func(dc any) error {
		ar, err := goduckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		for i, e := range want {
			s, err := loadSeries(ctx, ar, e)
			if err != nil {
				return fmt.Errorf("duckdb: catalog %s: load %s: %w", c.path, e.Symbol, err)
			}
			s.Source = "catalog:" + c.path + ":" + e.Source
			s.NoAdjClose, s.Notes = e.NoAdjClose, slices.Clone(e.Notes)
			s.RenoteWeekend() // not stored (storedNotes): made for the class, as a read does
			if err := s.Validate(s.Source); err != nil {
				return err
			}

			p.Series[i] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The rows its import skipped or repaired, from the same snapshot
	// (outside conn.Raw, which holds the connection).
	for i, e := range want {
		if p.Series[i].Repairs, err = loadRepairs(ctx, conn, e.Symbol); err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: load %s: %w", c.path, e.Symbol, err)
		}
	}
	return p, nil
}

// loadRepairs reads the rows of an instrument that its import skipped or
// repaired, in line order.
func loadRepairs(ctx context.Context, conn *sql.Conn, symbol string) ([]data.Repair, error) {
	rows, err := conn.QueryContext(ctx, `SELECT source, line, epoch_ns(ts), open, high, low, close, problem, action
		FROM repairs WHERE symbol = ? ORDER BY source, line`, symbol)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []data.Repair
	for rows.Next() {
		var r data.Repair
		if err := rows.Scan(&r.File, &r.Row, &r.Time, &r.Open, &r.High, &r.Low, &r.Close, &r.Problem, &r.Action); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Repairs lists every row the catalog's imports skipped or repaired
// (ImportOptions.OnBadRow), by symbol, file and line.
func (c *Catalog) Repairs(ctx context.Context) (map[string][]data.Repair, error) {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	defer conn.Close()
	syms, err := conn.QueryContext(ctx, `SELECT DISTINCT symbol FROM repairs ORDER BY symbol`)
	if err != nil {
		return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
	}
	var names []string
	for syms.Next() {
		var s string
		if err := syms.Scan(&s); err != nil {
			syms.Close()
			return nil, err
		}
		names = append(names, s)
	}
	syms.Close()
	out := map[string][]data.Repair{}
	for _, s := range names {
		if out[s], err = loadRepairs(ctx, conn, s); err != nil {
			return nil, fmt.Errorf("duckdb: catalog %s: %w", c.path, err)
		}
	}
	return out, nil
}

// loadSeries reads one instrument's bars, ordered by time.
func loadSeries(ctx context.Context, ar *goduckdb.Arrow, e Entry) (data.Series, error) {
	s := data.Series{Instrument: data.Instrument{Symbol: e.Symbol, Class: e.Class}}
	n := e.Rows
	s.Time = make([]int64, 0, n)
	cols := []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose, &s.Volume}
	for _, c := range cols {
		*c = make([]float64, 0, n)
	}
	s.Rows = make([]int, 0, n)
	rdr, err := ar.QueryContext(ctx, `SELECT ts, open, high, low, close, adj_close, volume, line
		FROM bars WHERE symbol = ? ORDER BY ts`, e.Symbol)
	if err != nil {
		return s, err
	}
	defer rdr.Release()
	for rdr.Next() {
		rec := rdr.RecordBatch()
		ts, ok := rec.Column(0).(*array.Timestamp)
		if !ok {
			return s, fmt.Errorf("column ts has type %s, want timestamp[ns]", rec.Column(0).DataType())
		}
		if u := ts.DataType().(*arrow.TimestampType).Unit; u != arrow.Nanosecond {
			return s, fmt.Errorf("column ts has unit %s, want ns", u)
		}
		for _, t := range ts.TimestampValues() {
			s.Time = append(s.Time, int64(t))
		}
		for j, c := range cols {
			a, ok := rec.Column(1 + j).(*array.Float64)
			if !ok {
				return s, fmt.Errorf("column %s has type %s, want double", rec.Schema().Field(1+j).Name, rec.Column(1+j).DataType())
			}
			off := len(*c)
			*c = append(*c, a.Float64Values()...)
			if a.NullN() > 0 {
				for k := 0; k < a.Len(); k++ {
					if a.IsNull(k) {
						(*c)[off+k] = math.NaN()
					}
				}
			}
		}
		line, ok := rec.Column(7).(*array.Int64)
		if !ok {
			return s, fmt.Errorf("column line has type %s, want bigint", rec.Column(7).DataType())
		}
		for _, l := range line.Int64Values() {
			s.Rows = append(s.Rows, int(l))
		}
	}
	if err := rdr.Err(); err != nil {
		return s, err
	}
	if s.Len() != e.Rows {
		return s, fmt.Errorf("read %d bars, the instrument table says %d", s.Len(), e.Rows)
	}
	s.Interval = e.Interval // as imported: a window's is the whole file's
	if s.Interval <= 0 {
		s.SetInterval()
	}
	return s, nil
}

// ImportSource reads instruments from a one-table dataset or query (see
// ReadSource; no symbols in req imports every symbol the source has, and
// then Classes may hold one class for all of them) and writes them in
// one transaction, as Import does for files. Each entry's
// Source is src.String() and its SHA256 that of the data read: the
// table's file or files (TableSHA256), or the DuckDB database; a plain
// query's is that of its text, all that can be told of it.
func (c *Catalog) ImportSource(ctx context.Context, src Source, req Request) (Imported, error) {
	if err := src.Validate(); err != nil {
		return Imported{}, err
	}
	p, err := readSource(ctx, src, req)
	if err != nil {
		return Imported{}, err
	}
	// The data's fingerprint: a database file's, a table's file or files
	// (TableSHA256); a query's text, which is all that can be told of it.
	var sum string
	switch {
	case src.DuckDB != "":
		if sum, err = fileSHA256(src.DuckDB); err != nil {
			return Imported{}, err
		}
	case src.Query == "":
		if sum, err = TableSHA256(ctx, src.Table); err != nil {
			return Imported{}, err
		}
	default:
		h := sha256.Sum256([]byte(src.String() + "\n" + src.Table + "\n" + src.Query))
		sum = hex.EncodeToString(h[:])
	}
	// The source as stored: its file, glob, folder or database absolute
	// (see Entry.Source); a query's text is not stored.
	stored := src
	switch {
	case src.DuckDB != "":
		stored.DuckDB = storedPath(src.DuckDB)
	case src.Query == "":
		stored.Table = storedPath(src.Table)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var res Imported
	entries := make([]Entry, len(p.Series))
	for i := range p.Series {
		s := &p.Series[i]
		storeRepairPaths(s.Repairs)
		entries[i] = Entry{Symbol: s.Symbol, Class: s.Class, First: s.Time[0], Last: s.Time[s.Len()-1], Rows: s.Len(),
			Source: stored.String(), SHA256: sum, Synthetic: p.Synthetic, NoAdjClose: s.NoAdjClose, Notes: s.Notes, Interval: s.Interval}
		res.Intervals = append(res.Intervals, s.Interval)
		res.Repairs = append(res.Repairs, s.Repairs...)
	}
	res.Notes = p.Notes()
	if res.Unchanged, err = c.write(ctx, p.Series, entries); err != nil {
		return Imported{}, err
	}
	res.Entries = entries
	return res, nil
}

// storedPath is path as the catalog stores it: absolute and cleaned
// (symbolic links kept as named), so that the catalog names the same file
// from any working folder. A path that cannot be made absolute, or a URL,
// is kept as it is.
func storedPath(path string) string {
	if path == "" || filepath.IsAbs(path) || strings.Contains(path, "://") {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}

// storeRepairPaths makes the file of each repair, when it is a relative
// path of a file, absolute (storedPath).
func storeRepairPaths(reps []data.Repair) {
	for i, r := range reps {
		if filepath.IsAbs(r.File) {
			continue
		}
		if _, err := os.Lstat(r.File); err == nil {
			reps[i].File = storedPath(r.File)
		}
	}
}

// storedNotes is the instruments table's notes of a series: its reader's
// notes as a JSON array ("" for none), without the weekend note, which
// depends on the class a run may set otherwise (Load makes it again).
func storedNotes(notes []string) string {
	keep := slices.DeleteFunc(slices.Clone(notes), data.IsWeekendNote)
	if len(keep) == 0 {
		return ""
	}
	b, _ := json.Marshal(keep) // strings only: no error
	return string(b)
}

// readNotes reads storedNotes' text back.
func readNotes(text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	var out []string
	err := json.Unmarshal([]byte(text), &out)
	return out, err
}
