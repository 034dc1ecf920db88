package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// ReadOptions say which instrument a file holds.
type ReadOptions struct {
	// Symbol names the instrument. "" derives it from the file name without
	// its extensions: "TAO-USD.csv" gives "TAO-USD". Either way the symbol
	// is passed through data.CanonicalSymbol ("TAO-USD" -> "TAO").
	Symbol string
	// Class is the asset class. 0 guesses it with data.GuessClass from the
	// symbol as given or derived (so "PEPE-USD.csv" is crypto) and from its
	// canonical form (so "TAO.csv" is crypto).
	Class data.Class
	// Timezone is the IANA zone ("America/New_York") of timestamps written
	// without an offset; "" is UTC. Timestamps with an offset, Unix times
	// and zoned Parquet/Arrow timestamps state their instant and ignore it,
	// with a note naming the zone when no stamp needed it (daily bars in
	// Unix time or written in UTC are dated by their time of day:
	// epochDays).
	// Local times are converted DST-correctly: a time skipped when clocks
	// go forward is an error naming the row; a time repeated when they go
	// back is its first occurrence unless that would not follow the
	// previous row (then the second). An unknown zone is an error naming it.
	Timezone string
	// DateFormat says how to read slash dates (01/02/2024) when the file's
	// rows cannot tell day-first from month-first; data.DateFormatAuto
	// refuses such a file (except Nasdaq.com's Close/Last layout, which
	// is month-first).
	DateFormat data.DateFormat
	// OnBadRow says what to do with a bar whose open, high, low and close
	// contradict each other (data.BadRowPolicy): refuse the file (the
	// default), skip the bar or widen its range; what was done is listed
	// in Series.Repairs. NaN, empty, unparsable, non-positive or
	// out-of-range, repeated and out-of-order rows are always refused.
	OnBadRow data.BadRowPolicy
	// Start and End bound the bars kept, as Request's do a table's:
	// Start <= t < End on the bars' stamps (UTC Unix ns: a daily bar's
	// 00:00 UTC of its date, an intraday bar's open instant); 0 leaves a
	// side open, unless StartSet (EndSet) says it is a bound at
	// 1970-01-01T00:00Z, given as such. The whole file is still read and
	// checked first (its format, date order and decimal mark are decided
	// from every row, and a row the file cannot hold is refused wherever
	// it is, outside the window too; OnBadRow skips or repairs it there as
	// anywhere): only the bars then kept, and their repairs, are
	// returned. A window that keeps no bar is an error naming the file
	// and the bars it has.
	Start, End       int64
	StartSet, EndSet bool
}

// span is a time window [start, end) on bars' stamps whose sides may be
// open: hasStart (hasEnd) false. A bound at 0 (1970-01-01T00:00Z) is a
// bound when its side says so.
type span struct {
	start, end       int64
	hasStart, hasEnd bool
}

// span is the window of the options: a side is bounded when it is not 0
// or is set.
func (o ReadOptions) span() span {
	return span{o.Start, o.End, o.Start != 0 || o.StartSet, o.End != 0 || o.EndSet}
}

// span is the window of the request, as ReadOptions.span.
func (r Request) span() span {
	return span{r.Start, r.End, r.Start != 0 || r.StartSet, r.End != 0 || r.EndSet}
}

// open reports whether neither side is bounded.
func (w span) open() bool { return !w.hasStart && !w.hasEnd }

// holds reports whether t is in the window.
func (w span) holds(t int64) bool { return (!w.hasStart || t >= w.start) && (!w.hasEnd || t < w.end) }

// format is a file's layout, chosen by its extension.
type format int

const (
	formatCSV format = iota + 1
	formatParquet
	formatIPC
)

// fileFormat returns the format of path and whether it is gzip-compressed.
func fileFormat(path string) (format, bool, error) {
	base := strings.ToLower(filepath.Base(path))
	gz := strings.HasSuffix(base, ".gz")
	base = strings.TrimSuffix(base, ".gz")
	switch ext := filepath.Ext(base); ext {
	case ".csv", ".txt", ".tsv":
		return formatCSV, gz, nil
	case ".parquet", ".pq":
		if !gz {
			return formatParquet, false, nil
		}
	case ".arrow", ".ipc", ".feather", ".arrows":
		if !gz {
			return formatIPC, false, nil
		}
	}
	return 0, false, &data.RowError{File: path, Msg: "unknown file type (want .csv, .csv.gz, .parquet, .arrow, .ipc or .feather)"}
}

// klineFileName matches the name of a Binance kline file as
// data.binance.vision names them, SYMBOL-INTERVAL-YYYY-MM[-DD], or as
// dumps of the whole history are saved, SYMBOL-INTERVAL (BTCUSDT-1d): its
// symbol is the pair.
var klineFileName = regexp.MustCompile(`^([A-Za-z0-9]+)-(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1mo)(-\d{4}-\d{2}(-\d{2})?)?$`)

// instrument derives the symbol and class of the file at path.
func instrument(path string, opt ReadOptions) (data.Instrument, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return data.Instrument{}, &data.RowError{File: path, Msg: "is a folder: give the files in it (" + filepath.Join(path, "*") + "), or read a folder of one table's parts with data import --table " + path}
	}
	raw := strings.TrimSpace(opt.Symbol)
	if raw == "" {
		base := filepath.Base(path)
		if strings.HasSuffix(strings.ToLower(base), ".gz") {
			base = base[:len(base)-3]
		}
		raw = strings.TrimSuffix(base, filepath.Ext(base))
		if m := klineFileName.FindStringSubmatch(raw); m != nil {
			raw = m[1] // BTCUSDT-1d-2024-01 → BTCUSDT
		}
	}
	sym := data.CanonicalSymbol(raw)
	if sym == "" {
		return data.Instrument{}, &data.RowError{File: path, Msg: "cannot derive a symbol from the file name (give one)"}
	}
	class := opt.Class
	switch class {
	case 0:
		class = data.Equity
		if data.GuessClass(raw) == data.Crypto || data.GuessClass(sym) == data.Crypto {
			class = data.Crypto
		}
	case data.Equity, data.Crypto:
	default:
		return data.Instrument{}, fmt.Errorf("duckdb: %s: unknown asset class %v", path, class)
	}
	return data.Instrument{Symbol: sym, Class: class, Source: path}, nil
}

// ReadFile reads one instrument's daily bars from a CSV (.csv, .txt, .tsv,
// optionally .gz), Parquet (.parquet, .pq) or Arrow IPC (.arrow, .ipc,
// .feather, .arrows; file or stream format) file into a data.Series.
//
// CSV and Parquet are read by an in-memory DuckDB into Arrow record
// batches, then copied into []float64 columns. Arrow IPC is read with
// arrow-go's ipc package: DuckDB 1.4 has no built-in Arrow IPC reader, only
// an extension that would have to be downloaded.
//
// Time is 00:00 UTC of each bar's date in Unix nanoseconds. Series.Rows
// holds the source line of each bar (CSV: the header is line 1, the first
// data row line 2) or its 1-based row (Parquet, Arrow), and Series.Source is
// path. The series is validated with (*data.Series).Validate(path) before
// it is returned; errors about the content are *data.RowError values, so
// errors.Is(err, data.ErrInvalid) holds for them. A missing file gives a
// *data.FileError around the *fs.PathError of os.Lstat; a path that is
// not a regular readable file (a FIFO, a device, a directory, a symlink
// loop) a *data.FileError (see data.CheckFile).
//
// ReadFile opens and closes its own DuckDB; to read many files, ReadFiles
// shares one.
func ReadFile(ctx context.Context, path string, opt ReadOptions) (data.Series, error) {
	r := &fileReader{}
	defer r.close()
	return r.read(ctx, path, opt)
}

// ReadFiles reads several files, each as ReadFile does, into a Panel in the
// order of paths. opts is empty (every file gets the zero ReadOptions) or
// has one entry per path. Two files giving the same symbol are an error.
func ReadFiles(ctx context.Context, paths []string, opts []ReadOptions) (*data.Panel, error) {
	if len(opts) != 0 && len(opts) != len(paths) {
		return nil, fmt.Errorf("duckdb: %d read options for %d files", len(opts), len(paths))
	}
	if len(paths) == 0 {
		return nil, errors.New("duckdb: no files to read")
	}
	// The files are read at once, as many as there are cores. DuckDB's
	// threads setting is the database's one pool, shared by the queries,
	// each of which also runs on the goroutine that asked for it: with as
	// many files as cores, a pool of 1 (no thread beside the callers')
	// reads each file on its own thread. A pool of every core, its
	// parallel CSV reader running beside another file's, cost a third
	// more CPU (8 files of 125,000 bars on 2 cores: 840–900 ms against
	// 600–690 ms, and 437–489 ms of wall time against 339–375 ms). Fewer
	// files than cores share the cores left (2 files on 8: a pool of 4).
	r := &fileReader{threads: max(1, runtime.GOMAXPROCS(0)/min(len(paths), runtime.GOMAXPROCS(0)))}
	defer r.close()
	if _, err := r.database(); err != nil {
		return nil, err
	}
	// The first error in the order of paths is returned, whichever came
	// first.
	series := make([]data.Series, len(paths))
	err := data.Each(len(paths), func(i int) (err error) {
		var opt ReadOptions
		if len(opts) > 0 {
			opt = opts[i]
		}
		series[i], err = r.read(ctx, paths[i], opt)
		return err
	})
	if err != nil {
		return nil, err
	}
	p := &data.Panel{Description: "files: " + strings.Join(paths, ", ")}
	from := map[string]string{}
	for i, path := range paths {
		s := series[i]
		if prev, ok := from[s.Symbol]; ok {
			return nil, fmt.Errorf("duckdb: %s and %s both give symbol %q", prev, path, s.Symbol)
		}
		from[s.Symbol] = path
		p.Series = append(p.Series, s)
		if data.IsSyntheticFile(path) {
			p.Synthetic = true
		}
	}
	return p, nil
}

// threadsParam is the connection-string option that gives DuckDB as many
// threads as the Go runtime has processors (GOMAXPROCS): a program that
// limits itself to N cores (divergence run --workers N) limits DuckDB too.
func threadsParam() string { return "?threads=" + strconv.Itoa(runtime.GOMAXPROCS(0)) }

// connector opens the DuckDB database at path ("" in memory) with
// threadsParam's threads: every database the package opens (a reader's,
// a catalog, a source's, a resample's, a concatenation's) runs on the
// cores the program is limited to.
func connector(path string) (*goduckdb.Connector, error) {
	return connectorThreads(path, 0)
}

// connectorThreads is connector with a pool of n threads (0: threadsParam's).
// Every connection's session runs in UTC (utcSession).
func connectorThreads(path string, n int) (*goduckdb.Connector, error) {
	if n <= 0 {
		return goduckdb.NewConnector(path+threadsParam(), utcSession)
	}
	return goduckdb.NewConnector(path+"?threads="+strconv.Itoa(n), utcSession)
}

// utcSession sets a new connection's time zone to UTC. DuckDB's session
// zone is the machine's (TZ) otherwise, and it is the zone its Arrow
// output gives a TIMESTAMPTZ column: a Parquet file of daily bars at
// 00:00 UTC, read under TZ=America/Sao_Paulo, was dated a day early.
func utcSession(execer driver.ExecerContext) error {
	_, err := execer.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil)
	return err
}

// fileReader reads files through a DuckDB database: its own in-memory one,
// opened on first use, or a catalog's.
type fileReader struct {
	db    *sql.DB
	owned bool
	// threads is DuckDB's thread pool in the database it opens (0: as
	// many as the Go runtime has processors, see threadsParam).
	threads int
	// mem allocates the Arrow IPC reader's buffers (default: Go's heap).
	mem memory.Allocator
}

func (r *fileReader) close() error {
	if r.owned && r.db != nil {
		err := r.db.Close()
		r.db = nil
		return err
	}
	return nil
}

func (r *fileReader) database() (*sql.DB, error) {
	if r.db == nil {
		c, err := connectorThreads("", r.threads)
		if err != nil {
			return nil, fmt.Errorf("duckdb: open in-memory database: %w", err)
		}
		r.db, r.owned = sql.OpenDB(c), true
	}
	return r.db, nil
}

// withArrow runs fn with DuckDB's Arrow interface on one connection of db.
func withArrow(ctx context.Context, db *sql.DB, fn func(ar *goduckdb.Arrow) error) error {
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
		return fn(ar)
	})
}

// read reads and validates one file.
func (r *fileReader) read(ctx context.Context, path string, opt ReadOptions) (s data.Series, err error) {
	defer func() {
		// A symlink's errors say where it leads (a .csv linked to a file
		// the user did not mean).
		var re *data.RowError
		if errors.As(err, &re) && re.File == path {
			if t := data.SymlinkTarget(path); t != "" {
				re.File = path + " (a symlink to " + t + ")"
			}
		}
	}()
	s, err = r.decode(ctx, path, opt)
	if err != nil {
		return data.Series{}, err
	}
	s.ApplyBadRowPolicy(path, opt.OnBadRow)
	if err := s.Validate(path); err != nil {
		var re *data.RowError
		if errors.As(err, &re) && re.Row > 0 {
			for k, row := range s.Rows {
				if row == re.Row && s.IsBadRowError(err, k) {
					re.Msg += data.BadRowHint
					break
				}
			}
		}
		return data.Series{}, err
	}
	if s, err = window(path, s, opt.span()); err != nil {
		return data.Series{}, err
	}
	if note := data.WeekendNote(&s); note != "" {
		s.Notes = append(s.Notes, note)
	}
	return s, nil
}

// window cuts a validated series to its bars in the window w, with the
// repairs of those bars only; a window that keeps no bar is an error
// naming the file, the window and the bars the file has.
func window(path string, s data.Series, w span) (data.Series, error) {
	if w.open() {
		return s, nil
	}
	lo, hi := 0, s.Len()
	if w.hasStart {
		lo = sort.Search(s.Len(), func(k int) bool { return s.Time[k] >= w.start })
	}
	if w.hasEnd {
		hi = sort.Search(s.Len(), func(k int) bool { return s.Time[k] >= w.end })
	}
	if hi <= lo {
		return data.Series{}, &data.RowError{File: path, Msg: fmt.Sprintf("no bars in %s: its bars run from %s to %s",
			w.text(), data.FormatStamp(s.Time[0]), data.FormatStamp(s.Time[s.Len()-1]))}
	}
	if lo == 0 && hi == s.Len() {
		return s, nil
	}
	// The window keeps the file's interval (Bars copies it): a few bars
	// of it tell another (a Friday and a Monday are three days apart,
	// two hourly bars across a gap five hours), which the import's
	// "1h bars" line said and the catalog stored.
	cut := s.Bars(lo, hi)
	cut.Repairs = nil
	for _, r := range s.Repairs {
		if w.holds(r.Time) {
			cut.Repairs = append(cut.Repairs, r)
		}
	}
	return cut, nil
}

// text names the window in messages, as a table's read does.
func (w span) text() string {
	f := data.FormatStamp
	switch {
	case w.hasStart && w.hasEnd:
		return "[" + f(w.start) + ", " + f(w.end) + ")"
	case w.hasStart:
		return "the time from " + f(w.start)
	case w.hasEnd:
		return "the time before " + f(w.end)
	}
	return "the file"
}

// decode reads one file without validating it.
func (r *fileReader) decode(ctx context.Context, path string, opt ReadOptions) (data.Series, error) {
	inst, err := instrument(path, opt)
	if err != nil {
		return data.Series{}, err
	}
	format, gz, err := fileFormat(path)
	if err != nil {
		return data.Series{}, err
	}
	// A FIFO, a device (a symlink to /dev/zero), a symlink loop or an
	// unreadable file is refused before anything opens it.
	if _, err := data.CheckFile(path); err != nil {
		return data.Series{}, err
	}
	if format != formatIPC && strings.ContainsAny(path, "*?[") {
		return data.Series{}, &data.RowError{File: path, Msg: "path contains a glob character (* ? [), which DuckDB would expand; rename the file"}
	}
	loc, err := data.LoadTimezone(opt.Timezone)
	if err != nil {
		return data.Series{}, fmt.Errorf("duckdb: %s: %w", path, err)
	}
	d := &decoder{file: path, s: data.Series{Instrument: inst}, topt: timeOpts{loc: loc, order: opt.DateFormat}, badRow: opt.OnBadRow}
	d.rowAt = func(k int) int { return k + 1 }
	switch format {
	case formatCSV:
		err = r.readCSV(ctx, path, gz, d)
	case formatParquet:
		err = r.readParquet(ctx, path, d)
	case formatIPC:
		err = r.readIPC(path, d)
	}
	if err != nil {
		return data.Series{}, err
	}
	if len(d.s.Close) == 0 {
		return data.Series{}, &data.RowError{File: path, Msg: "no bars"}
	}
	return d.finish()
}

// readCSV reads a CSV file: the header and each record's line in Go, the
// values through DuckDB's read_csv with every column as VARCHAR; DuckDB
// casts the numbers, and the text of any it cannot cast comes back too, so
// that a bad value is reported with its line and text (see csvQuery).
func (r *fileReader) readCSV(ctx context.Context, path string, gz bool, d *decoder) error {
	lay, err := scanCSV(path, gz, &rowCheck{policy: d.badRow})
	if err != nil {
		return err
	}
	m, err := mapColumns(path, lay.names)
	if err != nil {
		return err
	}
	d.topt.monthFirstLayout = monthFirstLayout(lay.names)
	if len(lay.lines) == 0 {
		return &data.RowError{File: path, Msg: "no bars (the file has only a header)"}
	}
	d.reserve(len(lay.lines))
	d.tc.ends = slices.Grow(d.tc.ends, len(lay.lines)) // the times come as text
	d.rowAt = func(k int) int {
		if k < len(lay.lines) {
			return lay.lines[k]
		}
		return k + 2
	}
	q, at, raw := csvQuery(path, gz, lay, m)
	d.col, d.raw = at, &raw
	if lay.delim == ';' {
		d.marks = &decimalMarks{}
	}
	db, err := r.database()
	if err != nil {
		return err
	}
	err = withArrow(ctx, db, func(ar *goduckdb.Arrow) error {
		return scanAll(ctx, ar, q, d)
	})
	if err != nil {
		var re *data.RowError
		if errors.As(err, &re) {
			return err
		}
		if ce := csvError(path, &lay, err); ce != nil {
			return ce
		}
		return fmt.Errorf("duckdb: %s: %w", path, err)
	}
	if n := len(d.s.Close); n != len(lay.lines) {
		return &data.RowError{File: path, Msg: fmt.Sprintf(
			"DuckDB read %d rows but the file has %d non-empty lines after the header; cannot tell which line is which", n, len(lay.lines))}
	}
	return d.resolveMarks()
}

// renamedTwin reports whether a name looks like DuckDB's renaming of a
// repeated one: NAME_<digits> beside a name equal to NAME in another case.
func renamedTwin(names []string) bool {
	for _, n := range names {
		i := strings.LastIndexByte(n, '_')
		if i <= 0 || i == len(n)-1 || strings.Trim(n[i+1:], "0123456789") != "" {
			continue
		}
		for _, m := range names {
			if m != n && strings.EqualFold(m, n[:i]) {
				return true
			}
		}
	}
	return false
}

// parquetNames returns the top-level column names of the Parquet file at
// path as the file spells them (DuckDB's parquet_schema), or an error,
// nested columns included.
func parquetNames(ctx context.Context, ar *goduckdb.Arrow, path string) ([]string, error) {
	rdr, err := ar.QueryContext(ctx, "SELECT name, num_children FROM parquet_schema("+sqlString(path)+")")
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	var names []string
	row := 0
	for rdr.Next() {
		rec := rdr.RecordBatch()
		col, ok := rec.Column(0).(*array.String)
		kids, ok2 := rec.Column(1).(*array.Int64)
		if !ok || !ok2 {
			return nil, errors.New("parquet_schema: unexpected types")
		}
		for k := 0; k < col.Len(); k++ {
			if row > 0 {
				if kids.IsValid(k) && kids.Value(k) > 0 {
					return nil, errors.New("nested columns") // not a flat table of prices
				}
				names = append(names, strings.Clone(col.Value(k))) // the value is a view of memory released with the reader
			}
			row++
		}
	}
	return names, rdr.Err()
}

// notParquet says what a file named .parquet is when it is not a whole
// Parquet file (which begins and ends with PAR1), with what to do; ""
// when it may be one. DuckDB's own words were "No magic bytes found at
// end of file" or "Footer length error" and a fragment of its query.
func notParquet(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "" // the reader names it
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("PAR1")) {
		fi, err := f.Stat()
		tail := make([]byte, 4)
		if err != nil || fi.Size() < 12 {
			return "the file is not a whole Parquet file (too short for its footer): it was cut short or not written whole; write or copy it again"
		}
		if _, err := f.ReadAt(tail, fi.Size()-4); err != nil || string(tail) != "PAR1" {
			return "the file is not a whole Parquet file (it does not end with Parquet's footer): it was cut short or not written whole; write or copy it again"
		}
		return ""
	}
	switch {
	case len(head) == 0:
		return "the file is empty, not Parquet"
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "the file is gzip-compressed, not Parquet: decompress it (gzip -d)"
	case bytes.HasPrefix(head, []byte("ARROW1")):
		return "the file is Arrow IPC, not Parquet: name it .arrow"
	case bytes.IndexByte(head, 0) < 0 && utf8.Valid(head[:max(0, len(head)-3)]):
		return "the file is text, not Parquet: a CSV file is named .csv"
	}
	return "the file is not Parquet (it does not begin with PAR1)"
}

// readParquet reads a Parquet file through DuckDB's read_parquet, first its
// schema (LIMIT 0), then the columns it needs.
func (r *fileReader) readParquet(ctx context.Context, path string, d *decoder) error {
	db, err := r.database()
	if err != nil {
		return err
	}
	if msg := notParquet(path); msg != "" {
		return &data.RowError{File: path, Msg: msg}
	}
	src := "read_parquet(" + sqlString(path) + ")"
	err = withArrow(ctx, db, func(ar *goduckdb.Arrow) error {
		rdr, err := ar.QueryContext(ctx, "SELECT * FROM "+src+" LIMIT 0")
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			// DuckDB's first line, without the query it quotes.
			why, _, _ := strings.Cut(err.Error(), "\n")
			return &data.RowError{File: path, Msg: "the file is not a readable Parquet file (" + strings.TrimSpace(why) + "): write or copy it again"}
		}
		var names []string
		for _, f := range rdr.Schema().Fields() {
			names = append(names, f.Name)
		}
		rdr.Release()
		// DuckDB renames a column whose name repeats another's in another
		// case (CLOSE beside close reads as CLOSE_1, which maps to
		// nothing): the file's own names are then checked as a CSV
		// header's are ("columns "close" and "CLOSE" both give close").
		if renamedTwin(names) {
			if raw, err := parquetNames(ctx, ar, path); err == nil && len(raw) == len(names) {
				if _, err := mapColumns(path, raw); err != nil {
					return err
				}
			}
		}
		// The row count is in the file's metadata: size the columns once.
		if rdr, err = ar.QueryContext(ctx, "SELECT count(*) FROM "+src); err != nil {
			return err
		}
		if rdr.Next() {
			if n, ok := rdr.RecordBatch().Column(0).(*array.Int64); ok && n.Len() == 1 {
				d.reserve(int(n.Value(0)))
			}
		}
		rdr.Release()
		m, err := mapColumns(path, names)
		if err != nil {
			return err
		}
		d.topt.monthFirstLayout = monthFirstLayout(names)
		var sel []string
		for f := field(0); f < nFields; f++ {
			d.col[f] = -1
			if m[f] >= 0 {
				d.col[f] = len(sel)
				sel = append(sel, sqlIdent(names[m[f]]))
			}
		}
		return scanAll(ctx, ar, "SELECT "+strings.Join(sel, ", ")+" FROM "+src, d)
	})
	if err != nil {
		var re *data.RowError
		if errors.As(err, &re) {
			return err
		}
		return fmt.Errorf("duckdb: %s: %w", path, err)
	}
	return nil
}

// scanAll runs query and feeds every record batch to d.
func scanAll(ctx context.Context, ar *goduckdb.Arrow, query string, d *decoder) error {
	rdr, err := ar.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rdr.Release()
	return feed(rdr, d)
}

// feed appends every record batch of rdr to d.
func feed(rdr array.RecordReader, d *decoder) error {
	for rdr.Next() {
		if err := d.add(rdr.RecordBatch()); err != nil {
			return err
		}
	}
	return rdr.Err()
}
