package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	goduckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/divergence-research/divergence/data"
)

// sourceReader reads one Source on one DuckDB connection.
type sourceReader struct {
	ctx context.Context
	ar  *goduckdb.Arrow
	src Source
	req Request
	loc *time.Location
	rel relation
	// The mapped columns: m[f] is the source column of field f (-1: none).
	names   []string
	types   []arrow.DataType
	m       columnMap
	sym     int
	tsKind  tsKind
	symVar  bool // the symbol column is VARCHAR (filters push down as they are)
	release []func()
	batch   int // about how many rows a query of readSymbols returns (0: BatchRows)
	// pushed says the requested window went into SQL (timeFilter): the
	// rows read are those near it, not the symbol's whole; whole holds
	// then each symbol's interval over all its rows (wholeIntervals).
	pushed bool
	whole  map[string]data.Interval
}

// tsKind is the type of a table's time column.
type tsKind uint8

const (
	tsText tsKind = iota + 1
	tsInt
	tsDate
	tsNaive // TIMESTAMP without a zone: wall-clock time in Source.Timezone
	tsZoned // TIMESTAMP WITH TIME ZONE
)

func (r *sourceReader) exec(q string) error {
	rdr, err := r.ar.QueryContext(r.ctx, q)
	if err != nil {
		return err
	}
	rdr.Release()
	return nil
}

// fail wraps an error with the source's name.
func (r *sourceReader) fail(format string, args ...any) error {
	return fmt.Errorf("duckdb: %s: %s", r.src, fmt.Sprintf(format, args...))
}

// open resolves the source and reads its columns.
func (r *sourceReader) open() error {
	if err := r.exec("SET TimeZone = 'UTC'"); err != nil {
		return err
	}
	if err := r.resolve(); err != nil {
		return err
	}
	return r.schema()
}

func (r *sourceReader) read() (*data.Panel, error) {
	if err := r.open(); err != nil {
		return nil, err
	}
	if len(r.req.Symbols) == 0 {
		// Every symbol of the source (see readSource).
		syms, err := r.symbols()
		if err != nil {
			return nil, err
		}
		r.req.Symbols = syms
		if len(r.req.Classes) == 1 {
			r.req.Classes = slices.Repeat(r.req.Classes, len(syms))
		}
	}
	// The requested symbols, canonical and unique.
	want := make([]string, len(r.req.Symbols))
	seen := map[string]string{}
	for i, s := range r.req.Symbols {
		c := data.CanonicalSymbol(s)
		if c == "" {
			return nil, r.fail("empty symbol requested")
		}
		if prev, ok := seen[c]; ok {
			return nil, r.fail("symbols %q and %q are the same instrument %s", prev, s, c)
		}
		seen[c] = s
		want[i] = strings.TrimSpace(s)
	}
	decs, err := r.readSymbols(want)
	if err != nil {
		return nil, err
	}
	// Symbols without rows: look for them by canonical form, then report.
	var missing []int
	for i, s := range want {
		if decs[s] == nil {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		have, err := r.distinctSymbols()
		if err != nil {
			return nil, err
		}
		if len(have) == 0 {
			return nil, r.fail("returned no rows")
		}
		again := map[int]string{}
		var names []string
		for _, i := range missing {
			s := want[i]
			if slices.Contains(have, s) {
				return nil, r.fail("symbol %s has no bars in %s", s, r.window())
			}
			var cands []string
			for _, h := range have {
				if data.CanonicalSymbol(h) == data.CanonicalSymbol(s) {
					cands = append(cands, h)
				}
			}
			switch len(cands) {
			case 0:
				return nil, &data.UnknownSymbolError{Symbol: s, Have: have, Msg: r.fail("has no symbol %q (it has %s)", s, listSome(have)).Error()}
			case 1:
				again[i] = cands[0]
				names = append(names, cands[0])
			default:
				return nil, r.fail("symbol %q matches %s: name one", s, strings.Join(cands, ", "))
			}
		}
		more, err := r.readSymbols(names)
		if err != nil {
			return nil, err
		}
		// In the order requested: the first without bars is named, the
		// same on every read.
		for _, i := range missing {
			name := again[i]
			if more[name] == nil {
				return nil, r.fail("symbol %s has no bars in %s", name, r.window())
			}
			decs[name] = more[name]
			want[i] = name
		}
	}
	if r.pushed && !r.req.span().open() {
		if r.whole, err = r.wholeIntervals(want); err != nil {
			return nil, err
		}
	}
	p := &data.Panel{Description: r.src.String(), Synthetic: r.rel.synthetic, Series: make([]data.Series, len(want))}
	for i, s := range want {
		d := decs[s]
		class := data.Class(0)
		if len(r.req.Classes) > 0 {
			class = r.req.Classes[i]
		}
		if class == 0 {
			class = data.Equity
			if data.GuessClass(r.req.Symbols[i]) == data.Crypto || data.GuessClass(s) == data.Crypto ||
				data.GuessClass(data.CanonicalSymbol(s)) == data.Crypto {
				class = data.Crypto
			}
		}
		d.s.Instrument = data.Instrument{Symbol: data.CanonicalSymbol(r.req.Symbols[i]), Class: class, Source: r.src.String()}
		ser, err := r.finish(d, s)
		if err != nil {
			return nil, err
		}
		if ser.Len() == 0 {
			return nil, r.fail("symbol %s has no bars in %s", s, r.window())
		}
		if note := data.WeekendNote(&ser); note != "" {
			ser.Notes = append(ser.Notes, note)
		}
		p.Series[i] = ser
	}
	// Rows without a symbol belong to no instrument: they are left out,
	// and said so, for a bar of a requested instrument may be among them.
	// They are counted in the whole source: their times are not read
	// (the time filter pushed into SQL is padded, and absent for times
	// written as text). A query's rows are the query's to choose: it is
	// not run again to count them.
	var n int64
	var first string
	if r.src.Query == "" {
		if n, first, err = r.countNoSymbol(); err != nil {
			return nil, err
		}
	}
	if n > 0 {
		note := fmt.Sprintf("%d row(s) of %s (at any time) have no symbol (empty, blank or NULL)%s: they belong to no instrument and were left out", n, r.src, first)
		for i := range p.Series {
			p.Series[i].Notes = append(p.Series[i].Notes, note)
		}
	}
	return p, nil
}

// noSymbol is the SQL condition of a row without a symbol: NULL, empty
// or white space only (as data.CanonicalSymbol trims it: spaces, tabs,
// line ends, form feeds and no-break spaces).
func (r *sourceReader) noSymbol() string {
	sym := "CAST(" + sqlIdent(r.names[r.sym]) + " AS VARCHAR)"
	return "(" + sym + " IS NULL OR trim(" + sym + ", ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(133) || chr(160)) = '')"
}

// countNoSymbol counts the source's rows whose symbol is NULL or blank,
// and names the first of them (", the first at line 3", or "" when the
// source does not number its rows).
func (r *sourceReader) countNoSymbol() (int64, string, error) {
	sel := []string{"count(*) OVER ()"}
	var order []string
	if r.rel.fileExpr != "" {
		sel = append(sel, r.rel.fileExpr)
		order = append(order, r.rel.fileExpr)
	}
	if r.rel.rowExpr != "" {
		sel = append(sel, "CAST("+r.rel.rowExpr+" AS BIGINT)")
		order = append(order, r.rel.rowExpr)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + r.rel.from + " WHERE " + r.noSymbol()
	if len(order) > 0 {
		q += " ORDER BY " + strings.Join(order, ", ")
	}
	rdr, err := r.ar.QueryContext(r.ctx, q+" LIMIT 1")
	if err != nil {
		return 0, "", r.fail("%v", err)
	}
	defer rdr.Release()
	var n int64
	var file string
	row := int64(0)
	for rdr.Next() {
		rec := rdr.RecordBatch()
		if rec.NumRows() == 0 {
			continue
		}
		if a, ok := rec.Column(0).(*array.Int64); ok {
			n = a.Value(0)
		}
		c := 1
		if r.rel.fileExpr != "" {
			if a, ok := rec.Column(c).(stringArray); ok && a.IsValid(0) {
				file = strings.Clone(a.Value(0))
			}
			c++
		}
		if r.rel.rowExpr != "" {
			if a, ok := rec.Column(c).(*array.Int64); ok && a.IsValid(0) {
				row = a.Value(0)
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return 0, "", r.fail("%v", err)
	}
	if n == 0 {
		return 0, "", nil
	}
	var where string
	switch {
	case r.rel.lines != nil && r.rel.lines.line(int(row)) > 0:
		where = fmt.Sprintf("line %d", r.rel.lines.line(int(row))) // a CSV record's line
	case row > 0:
		where = fmt.Sprintf("row %d", row)
	}
	switch {
	case file != "" && where != "":
		where = file + " " + where
	case file != "":
		where = file
	}
	if where != "" {
		where = ", the first at " + where
	}
	return n, where, nil
}

// window describes the requested time range.
func (r *sourceReader) window() string {
	if r.req.span().open() {
		return "the source"
	}
	return r.req.span().text()
}

// listSome lists up to 20 names and a count of the rest.
func listSome(names []string) string {
	if len(names) <= 20 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:20], ", "), len(names)-20)
}

// resolve turns the Source into a FROM clause.
func (r *sourceReader) resolve() error {
	src := r.src
	if src.DuckDB != "" {
		if _, err := data.CheckFile(src.DuckDB); err != nil {
			return fmt.Errorf("duckdb: %s: %w", src, err)
		}
		if err := checkDuckDBFile(src.DuckDB); err != nil {
			return err
		}
		if err := r.exec("ATTACH " + sqlString(src.DuckDB) + " AS divergence_src (READ_ONLY)"); err != nil {
			return r.fail("attach: %v", err)
		}
		if src.Query != "" {
			if err := r.exec("USE divergence_src"); err != nil {
				return err
			}
			r.rel.from = "(" + src.Query + ") AS divergence_q"
			return nil
		}
		parts := strings.Split(src.Table, ".")
		for i, p := range parts {
			parts[i] = sqlIdent(strings.TrimSpace(p))
		}
		r.rel.from = "divergence_src." + strings.Join(parts, ".")
		return nil
	}
	if src.Query != "" {
		r.rel.from = "(" + src.Query + ") AS divergence_q"
		return nil
	}
	return r.resolveFiles(src.Table)
}

// folderPattern is the glob of a hive-partitioned folder's data files:
// every file below it with the extension of the first one found ("" when
// there is none), and the partition keys of that file's path (the k of
// each k=v folder between dir and the file).
func folderPattern(dir string) (pattern string, keys []string) {
	var ext string
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || ext != "" {
			return nil
		}
		if f, _, ferr := fileFormat(p); ferr == nil && f != formatIPC {
			ext = strings.TrimPrefix(strings.ToLower(filepath.Base(p)), strings.SplitN(strings.ToLower(filepath.Base(p)), ".", 2)[0])
			if rel, rerr := filepath.Rel(dir, filepath.Dir(p)); rerr == nil {
				for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
					if k, _, ok := strings.Cut(part, "="); ok && k != "" {
						keys = append(keys, k)
					}
				}
			}
			return filepath.SkipAll
		}
		return nil
	})
	if ext == "" {
		return "", nil
	}
	return filepath.Join(dir, "**", "*"+ext), keys
}

// TableFiles lists the files a source's Table names, as ReadSource reads
// them: the file itself, a hive-partitioned folder's data files (see
// folderPattern) or a glob's matches, by DuckDB's glob, in name order.
// What they hold is the data a run read from the table: a program
// fingerprints them to tell whether two runs read the same data.
func TableFiles(ctx context.Context, table string) ([]string, error) {
	pattern := table
	if fi, err := os.Stat(table); err == nil {
		if !fi.IsDir() {
			return []string{table}, nil
		}
		if pattern, _ = folderPattern(table); pattern == "" {
			return nil, nil
		}
	}
	c, err := connector("")
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT file FROM glob("+sqlString(pattern)+") ORDER BY file")
	if err != nil {
		return nil, fmt.Errorf("duckdb: %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// TableSHA256 fingerprints a table's data: the SHA-256 of its file, or
// for a glob or a folder of files (TableFiles) the SHA-256 of the list of
// its files, each as its path below the table's folder, a tab and its own
// SHA-256, a line each in path order: a file changed, added or removed
// changes it, wherever the folder is mounted.
func TableSHA256(ctx context.Context, table string) (string, error) {
	files, err := TableFiles(ctx, table)
	if err != nil {
		return "", err
	}
	if len(files) == 1 && files[0] == table {
		return fileSHA256(table)
	}
	base := table
	if i := strings.IndexAny(base, "*?["); i >= 0 {
		base = base[:i]
	}
	if st, err := os.Stat(base); err != nil || !st.IsDir() {
		base = filepath.Dir(base)
	}
	// The files are hashed at once, as many as there are cores.
	lines := make([]string, len(files))
	err = data.Each(len(files), func(i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(base, files[i])
		if err != nil {
			rel = files[i]
		}
		sum, err := fileSHA256(files[i])
		if err != nil {
			return err
		}
		lines[i] = filepath.ToSlash(rel) + "\t" + sum + "\n"
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// resolveFiles handles a Table that names files.
func (r *sourceReader) resolveFiles(table string) error {
	pattern, hive, multi := table, false, strings.ContainsAny(table, "*?[")
	fi, statErr := os.Stat(table)
	if statErr == nil {
		// A folder (hive) or a file: checked before DuckDB opens it.
		if fi.IsDir() {
			_, statErr = data.CheckDir(table)
		} else {
			_, statErr = data.CheckFile(table)
		}
		if statErr != nil {
			return r.fileErr(table, statErr)
		}
	} else if !multi {
		// A symlink loop or a dangling link says so (not "no such file").
		if _, cerr := data.CheckFile(table); cerr != nil {
			statErr = cerr
		}
	}
	switch {
	case statErr == nil && fi.IsDir():
		// A hive-partitioned folder: every data file below it.
		if pattern, r.rel.hiveKeys = folderPattern(table); pattern == "" {
			return r.fail("folder holds no .parquet or .csv files")
		}
		hive, multi = true, true
		r.rel.synthetic = data.IsSyntheticFile(filepath.Join(table, "x"))
	case statErr != nil && !multi:
		return r.fileErr(table, statErr)
	case statErr == nil && !fi.Mode().IsRegular():
		return r.fail("is not a regular file")
	default:
		r.rel.synthetic = data.IsSyntheticFile(table)
	}
	format, gz, err := fileFormat(pattern)
	if err != nil {
		return err
	}
	if !multi {
		r.rel.file = table
	}
	hiveOpt := ""
	if hive {
		hiveOpt = ", hive_partitioning = true"
	}
	switch format {
	case formatParquet:
		r.rel.from = "read_parquet(" + sqlString(pattern) + ", filename = true, file_row_number = true" + hiveOpt + ")"
		r.rel.rowExpr = "file_row_number + 1"
		if multi {
			r.rel.fileExpr = "filename"
		}
		r.rel.helpers = []string{"filename", "file_row_number"}
	case formatCSV:
		r.rel.csv = true
		comp := "'none'"
		if gz {
			comp = "'gzip'"
		}
		if multi {
			r.rel.csvArgs = ", header = true, filename = true, compression = 'auto'" + hiveOpt
			r.rel.fileExpr = "filename"
			r.rel.helpers = []string{"filename"}
		} else {
			lay, err := scanCSV(table, gz, nil)
			if err != nil {
				return err
			}
			if lay.noHeader || lay.extraHeader > 0 {
				return r.fail("a yfinance or Binance kline file holds one instrument and no symbol column: import it as a file (data import FILE, or [data] files)")
			}
			r.rel.lines = newRecordLines(lay.lines)
			r.rel.csvArgs = ", header = true, delim = " + sqlString(string(lay.delim)) + ", compression = " + comp
		}
		r.rel.csvPath = pattern
		r.rel.from = r.csvCall(nil)
	case formatIPC:
		if multi {
			return r.fail("Arrow IPC is read one file at a time (no globs or folders)")
		}
		if err := r.registerIPC(table); err != nil {
			return err
		}
		r.rel.from = "(SELECT *, row_number() OVER () AS " + colRow + " FROM divergence_ipc)"
		r.rel.rowExpr = colRow
		r.rel.helpers = []string{colRow}
	}
	return nil
}

// csvCall is the read_csv call of a CSV table, reading the named columns
// as text (the time column: its format is decided in Go; the symbol).
// A hive folder's partition keys (a symbol=NVDA folder's symbol) are
// columns of no file, which types may not name: they are left to the
// hive partitioning (the symbol column is read as text after).
func (r *sourceReader) csvCall(text []string) string {
	var t []string
	for _, n := range text {
		if slices.ContainsFunc(r.rel.hiveKeys, func(k string) bool { return strings.EqualFold(k, n) }) {
			continue
		}
		t = append(t, sqlString(n)+": 'VARCHAR'")
	}
	types := ""
	if len(t) > 0 {
		types = ", types = {" + strings.Join(t, ", ") + "}"
	}
	return "read_csv(" + sqlString(r.rel.csvPath) + r.rel.csvArgs + types + ")"
}

// csvToParquet parses a CSV table once, the named columns as text, into a
// temporary Parquet file that every later query reads (in a folder of
// os.TempDir, removed with the reader).
//
// Queried as it was, a CSV table was parsed again by every query (the
// symbols, their counts, the bars, the rows without a symbol) and read
// in one batch, for a batch would parse it again: every row, numbered by
// a window (row_number() OVER (), which streams), sorted by symbol and
// held at once, for DuckDB makes a query's result whole before returning
// it, and every symbol's text times held in Go until the last was read.
// 10.6M rows (a 1.3 GB CSV) took 51 s and 3.9 GB to import, against 17 s
// and 1.3 GB from Parquet; copied first, 26 s and 1.5 GB. The copy
// streams: the CSV scan writes row groups as it goes, in the file's
// order (preserve_insertion_order), so that the Parquet file's row k is
// the CSV's data record k and file_row_number numbers the records; the
// symbols are then read in batches as from any Parquet table
// (BenchmarkImportCSVTable), and each batch's text times are parsed and
// let go before the next (decoder.resolveEarly).
func (r *sourceReader) csvToParquet(text []string) error {
	dir, err := os.MkdirTemp("", "divergence-csv-")
	if err != nil {
		return r.fail("temporary folder for the CSV table: %v", err)
	}
	r.release = append(r.release, func() { os.RemoveAll(dir) })
	tmp := filepath.Join(dir, "table.parquet")
	if err := r.exec("SET preserve_insertion_order = true"); err != nil {
		return err
	}
	// The scan's buffers are 8 MiB, not 32 (16 lines of DuckDB's longest,
	// 2 MB): on two threads the copy of a 2.5M-row table peaked at
	// 240-250 MB instead of 290-355 MB, in the same time.
	call := strings.TrimSuffix(r.csvCall(text), ")") + ", buffer_size = 8388608)"
	if err := r.exec("COPY (SELECT * FROM " + call + ") TO " + sqlString(tmp) + " (FORMAT parquet)"); err != nil {
		return r.fail("%v", err)
	}
	r.rel.csv = false
	if r.rel.fileExpr != "" {
		// A glob's files: the file's name is a column of the copy.
		r.rel.from = "read_parquet(" + sqlString(tmp) + ")"
		return nil
	}
	r.rel.from = "read_parquet(" + sqlString(tmp) + ", file_row_number = true)"
	r.rel.rowExpr = "file_row_number + 1"
	r.rel.helpers = []string{"file_row_number"}
	return nil
}

// registerIPC reads an Arrow IPC file with arrow-go and registers it as
// the view divergence_ipc.
func (r *sourceReader) registerIPC(path string) error {
	schema, recs, err := readIPCRecords(path)
	if err != nil {
		return err
	}
	rr, err := array.NewRecordReader(schema, recs)
	for _, rec := range recs {
		rec.Release()
	}
	if err != nil {
		return err
	}
	rel, err := r.ar.RegisterView(rr, "divergence_ipc_stream")
	if err != nil {
		rr.Release()
		return err
	}
	// A registered reader can be scanned once: copy it into a table that
	// the schema, symbol and bar queries can each read.
	err = r.exec("CREATE TEMP TABLE divergence_ipc AS SELECT * FROM divergence_ipc_stream")
	rel()
	rr.Release()
	if err != nil {
		return &data.RowError{File: path, Msg: fmt.Sprintf("cannot read Arrow IPC: %v", err)}
	}
	return nil
}

// readIPCRecords reads every record batch of an Arrow IPC file or stream
// (retained: the caller releases them); a damaged file is an error, not
// a panic (see ipcPanic).
func readIPCRecords(path string) (schema *arrow.Schema, recs []arrow.RecordBatch, err error) {
	defer ipcPanic(path, &err)
	f, fi, err := data.OpenFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if err := checkIPCSchema(path, f, fi.Size()); err != nil {
		return nil, nil, err
	}
	limits := []ipc.Option{ipc.WithMetadataSizeLimit(fi.Size()), ipc.WithBodySizeLimit(fi.Size())}
	mem := memory.DefaultAllocator
	if fr, ferr := ipc.NewFileReader(f, append(limits, ipc.WithAllocator(mem))...); ferr == nil {
		defer fr.Close()
		schema = fr.Schema()
		for i := 0; i < fr.NumRecords(); i++ {
			rec, err := fr.RecordBatch(i)
			if err != nil {
				return nil, nil, &data.RowError{File: path, Msg: fmt.Sprintf("cannot read Arrow IPC: %v", err)}
			}
			rec.Retain()
			recs = append(recs, rec)
		}
	} else {
		if _, err := f.Seek(0, 0); err != nil {
			return nil, nil, err
		}
		sr, err := ipc.NewReaderFromMessageReader(ipc.NewMessageReader(f, append(limits, ipc.WithAllocator(mem))...), ipc.WithAllocator(mem))
		if err != nil {
			return nil, nil, &data.RowError{File: path, Msg: fmt.Sprintf("cannot read Arrow IPC: %v", err)}
		}
		defer sr.Release()
		schema = sr.Schema()
		for sr.Next() {
			rec := sr.RecordBatch()
			rec.Retain()
			recs = append(recs, rec)
		}
		if err := sr.Err(); err != nil {
			for _, rec := range recs {
				rec.Release()
			}
			return nil, nil, &data.RowError{File: path, Msg: fmt.Sprintf("cannot read Arrow IPC: %v", err)}
		}
	}
	return schema, recs, nil
}

// schema reads the source's columns and maps them to fields.
func (r *sourceReader) schema() error {
	rdr, err := r.ar.QueryContext(r.ctx, "SELECT * FROM "+r.rel.from+" LIMIT 0")
	if err != nil {
		return r.fail("%v", err)
	}
	sch := rdr.Schema()
	rdr.Release()
	for _, f := range sch.Fields() {
		if slices.Contains(r.rel.helpers, f.Name) {
			continue
		}
		r.names = append(r.names, f.Name)
		r.types = append(r.types, f.Type)
	}
	if err := r.mapColumns(); err != nil {
		return err
	}
	if r.rel.csv {
		// Read the time and symbol columns as text.
		if err := r.csvToParquet([]string{r.names[r.m[fDate]], r.names[r.sym]}); err != nil {
			return err
		}
		rdr, err := r.ar.QueryContext(r.ctx, "SELECT * FROM "+r.rel.from+" LIMIT 0")
		if err != nil {
			return r.fail("%v", err)
		}
		sch := rdr.Schema()
		rdr.Release()
		r.types = r.types[:0]
		for _, f := range sch.Fields() {
			if !slices.Contains(r.rel.helpers, f.Name) {
				r.types = append(r.types, f.Type)
			}
		}
	}
	r.symVar = isString(r.types[r.sym])
	switch t := r.types[r.m[fDate]].(type) {
	case *arrow.TimestampType:
		r.tsKind = tsNaive
		if t.TimeZone != "" {
			r.tsKind = tsZoned
		}
	case *arrow.Date32Type, *arrow.Date64Type:
		r.tsKind = tsDate
	case *arrow.Int64Type, *arrow.Int32Type:
		r.tsKind = tsInt
	default:
		if !isString(t) {
			return r.fail("column %s has type %s, want a timestamp, date, integer or text", r.names[r.m[fDate]], t)
		}
		r.tsKind = tsText
	}
	return nil
}

func isString(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return true
	}
	return false
}

// mapColumns maps the source's columns: Source.Columns first, then the
// usual names.
func (r *sourceReader) mapColumns() error {
	for f := range r.m {
		r.m[f] = -1
	}
	r.sym = -1
	claimed := map[int]bool{}
	find := func(name string) int {
		for i, n := range r.names {
			if n == name {
				return i
			}
		}
		for i, n := range r.names {
			if strings.EqualFold(n, name) {
				return i
			}
		}
		return -1
	}
	keys := make([]string, 0, len(r.src.Columns))
	for k := range r.src.Columns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, _ := columnKey(k)
		col := find(strings.TrimSpace(r.src.Columns[k]))
		if col < 0 {
			return r.fail("columns.%s = %q: no such column (have %s)", k, data.Clip(r.src.Columns[k]), data.Clip(strings.Join(r.names, ", ")))
		}
		if f == fSymbol {
			r.sym = col
		} else {
			r.m[f] = col
		}
		claimed[col] = true
	}
	var rank [nFields]int
	for i, name := range r.names {
		if claimed[i] {
			continue
		}
		a, ok := aliases[normName(name)]
		if !ok || slices.Contains(keys, fieldNames[a.f]) || (a.f == fDate && hasKey(keys, "time", "date", "datetime", "timestamp", "ts")) {
			continue
		}
		if r.m[a.f] < 0 || a.rank < rank[a.f] {
			r.m[a.f], rank[a.f] = i, a.rank
		}
	}
	if r.sym < 0 {
	alias:
		for _, a := range symbolAliases {
			for i, name := range r.names {
				if !claimed[i] && normName(name) == a {
					r.sym = i
					break alias
				}
			}
		}
	}
	for _, need := range []struct {
		ok   bool
		name string
	}{{r.m[fDate] >= 0, "time"}, {r.sym >= 0, "symbol"}, {r.m[fClose] >= 0, "close"}} {
		if !need.ok {
			return r.fail("no %s column (have %s; name it in columns.%s)", need.name, data.Clip(strings.Join(r.names, ", ")), need.name)
		}
	}
	return nil
}

func hasKey(keys []string, names ...string) bool {
	for _, k := range keys {
		if slices.Contains(names, normName(k)) {
			return true
		}
	}
	return false
}

// timeFilter is the SQL bound on the raw time column, a day wider than
// the request on each side (zones and date stamps move a bar by less), or
// "" when the column is text or the request is open.
func (r *sourceReader) timeFilter() (string, error) {
	w := r.req.span()
	if w.open() {
		return "", nil
	}
	col := sqlIdent(r.names[r.m[fDate]])
	const pad = 2 * dayNano
	lit := func(t int64) string {
		switch r.tsKind {
		case tsDate:
			return "DATE " + sqlString(time.Unix(0, t).UTC().Format("2006-01-02"))
		case tsZoned:
			return "TIMESTAMPTZ " + sqlString(time.Unix(0, t).UTC().Format("2006-01-02 15:04:05.999999999")+"+00")
		}
		return "TIMESTAMP " + sqlString(time.Unix(0, t).UTC().Format("2006-01-02 15:04:05.999999999"))
	}
	var mult int64
	switch r.tsKind {
	case tsText:
		return "", nil
	case tsInt:
		var err error
		if mult, err = r.intUnit(); err != nil || mult == 0 {
			return "", err // YYYYMMDD: bounded in Go
		}
	}
	var conds []string
	if w.hasStart {
		if mult > 0 {
			conds = append(conds, fmt.Sprintf("%s >= %d", col, (r.req.Start-pad)/mult))
		} else {
			conds = append(conds, col+" >= "+lit(r.req.Start-pad))
		}
	}
	if w.hasEnd {
		if mult > 0 {
			conds = append(conds, fmt.Sprintf("%s < %d", col, (r.req.End+pad)/mult))
		} else {
			conds = append(conds, col+" < "+lit(r.req.End+pad))
		}
	}
	return strings.Join(conds, " AND "), nil
}

// intUnit is the nanoseconds of one unit of an integer time column, from
// its first value (one unit per source; each series is checked again when
// it is read); 0 for YYYYMMDD dates or a column without a value.
func (r *sourceReader) intUnit() (int64, error) {
	col := sqlIdent(r.names[r.m[fDate]])
	rdr, err := r.ar.QueryContext(r.ctx, "SELECT "+col+" FROM "+r.rel.from+" WHERE "+col+" IS NOT NULL LIMIT 1")
	if err != nil {
		return 0, r.fail("%v", err)
	}
	defer rdr.Release()
	if !rdr.Next() || rdr.RecordBatch().NumRows() == 0 {
		return 0, nil
	}
	var v int64
	switch a := rdr.RecordBatch().Column(0).(type) {
	case *array.Int64:
		v = a.Value(0)
	case *array.Int32:
		v = int64(a.Value(0))
	}
	if v >= 10000101 && v <= 99991231 {
		return 0, nil
	}
	mult, _ := epochUnit(v)
	return mult, nil
}

// wholeIntervals is the interval of all the source's rows of each of syms
// (as the source writes them), as data.DetectInterval takes it: the lower
// median of the steps between its times, counted in SQL in one statement
// (a query runs again for each). A window pushed into SQL
// read only the rows near it, whose steps may be another (two hourly bars
// across a gap) or none (one bar); a file's window keeps the whole file's
// interval, and so does a table's. Steps are of the stored times: naive
// timestamps in a zone with daylight saving are an hour off on two steps
// a year, which moves no median of a real series.
func (r *sourceReader) wholeIntervals(syms []string) (map[string]data.Interval, error) {
	col := sqlIdent(r.names[r.m[fDate]])
	ns := "epoch_ns(" + col + ")"
	switch r.tsKind {
	case tsDate:
		ns = "epoch_ns(CAST(" + col + " AS TIMESTAMP))"
	case tsInt:
		mult, err := r.intUnit()
		if err != nil || mult == 0 {
			return nil, err
		}
		ns = fmt.Sprintf("CAST(%s AS BIGINT) * %d", col, mult)
	case tsText:
		return nil, r.fail("internal: wholeIntervals of a text time column")
	}
	symCol := sqlIdent(r.names[r.sym])
	if !r.symVar {
		symCol = "CAST(" + symCol + " AS VARCHAR)"
	}
	lits := make([]string, len(syms))
	for i, s := range syms {
		lits[i] = sqlString(s)
	}
	q := "SELECT s, d, count(*) FROM (SELECT s, t - lag(t) OVER (PARTITION BY s ORDER BY t) AS d FROM (SELECT " + symCol + " AS s, " + ns + " AS t FROM " + r.rel.from +
		" WHERE " + symCol + " IN (" + strings.Join(lits, ", ") + ") AND " + col + " IS NOT NULL)) WHERE d IS NOT NULL GROUP BY s, d ORDER BY s, d"
	rdr, err := r.ar.QueryContext(r.ctx, q)
	if err != nil {
		return nil, r.fail("%v", err)
	}
	defer rdr.Release()
	type step struct{ d, n int64 }
	steps := map[string][]step{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		sa, ok0 := rec.Column(0).(stringArray)
		da, ok1 := rec.Column(1).(*array.Int64)
		na, ok2 := rec.Column(2).(*array.Int64)
		if !ok0 || !ok1 || !ok2 {
			return nil, r.fail("internal: step query gives %s, %s, %s", rec.Column(0).DataType(), rec.Column(1).DataType(), rec.Column(2).DataType())
		}
		for i := 0; i < da.Len(); i++ {
			sym := strings.Clone(sa.Value(i))
			steps[sym] = append(steps[sym], step{da.Value(i), na.Value(i)})
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, r.fail("%v", err)
	}
	out := map[string]data.Interval{}
	for sym, st := range steps {
		var m int64
		for _, x := range st {
			m += x.n
		}
		// DetectInterval's middle step: of m steps (m+1 times), the one
		// past the (m−1)/2 smallest (st is in order of d).
		want, seen := (m-1)/2, int64(0)
		for _, x := range st {
			if seen += x.n; seen > want {
				out[sym] = data.Interval(x.d)
				break
			}
		}
	}
	return out, nil
}

// distinctSymbols lists the source's symbols, sorted.
func (r *sourceReader) distinctSymbols() ([]string, error) {
	sym := "CAST(" + sqlIdent(r.names[r.sym]) + " AS VARCHAR)"
	// A row without a symbol (NULL, empty or blank) belongs to no
	// instrument: a blank one listed here was requested as the empty
	// symbol, and the read of every symbol failed on it.
	rdr, err := r.ar.QueryContext(r.ctx, "SELECT DISTINCT "+sym+" FROM "+r.rel.from+" WHERE NOT "+r.noSymbol()+" ORDER BY 1")
	if err != nil {
		return nil, r.fail("%v", err)
	}
	defer rdr.Release()
	var out []string
	for rdr.Next() {
		a, ok := rdr.RecordBatch().Column(0).(stringArray)
		if !ok {
			return nil, r.fail("symbol column is not text")
		}
		for i := 0; i < a.Len(); i++ {
			out = append(out, strings.Clone(a.Value(i)))
		}
	}
	return out, rdr.Err()
}

// tableDecoder is one symbol's decoder with the file and row of each bar.
type tableDecoder struct {
	*decoder // its rows are the source rows (file_row_number, a CSV's record)
	files    []string
}

// readSymbols reads the named symbols (as the source writes them) and
// decodes each symbol's rows, a batch of symbols of about BatchRows rows
// a query from a Parquet, CSV (once copied, see csvToParquet) or DuckDB
// table (one batch from other sources).
// Symbols without rows get no decoder.
//
// One query for every symbol, sorted by symbol and time, cost a sort of
// the whole table: DuckDB's driver returns a result only once all of it
// is made, so the table's rows were held twice at once (DuckDB's sorted
// copy, then the series). 20 symbols × 311,000 one-minute bars read in
// 2.9 s at a peak of 1.9 GB that way. A query a symbol sorts and holds
// one symbol's rows at a time, but costs a query's overhead a symbol:
// 500 symbols of 8,760 hourly bars took twice as long. Batches bound
// both (BenchmarkReadSource1Minute6M, BenchmarkReadSourceSymbols).
func (r *sourceReader) readSymbols(syms []string) (map[string]*tableDecoder, error) {
	out := map[string]*tableDecoder{}
	if len(syms) == 0 {
		return out, nil
	}
	symCol := sqlIdent(r.names[r.sym])
	if !r.symVar {
		symCol = "CAST(" + symCol + " AS VARCHAR)"
	}
	lits := make([]string, len(syms))
	for i, s := range syms {
		lits[i] = sqlString(s)
	}
	where := []string{symCol + " IN (" + strings.Join(lits, ", ") + ")"}
	tf, err := r.timeFilter()
	if err != nil {
		return nil, err
	}
	if tf != "" {
		where = append(where, tf)
	}
	r.pushed = tf != ""
	// Size each symbol's columns once: the count comes from the symbol
	// column alone. Every spelling in the window is counted, not only the
	// requested ones: a requested instrument the source also writes
	// another way ("BTC" and "btc", " BTC" or "BTC-USD") is refused, as
	// the read of every symbol refuses it, instead of reading one
	// spelling's rows and leaving the others' out.
	counts, err := r.countSymbols(symCol, where[1:])
	if err != nil {
		return nil, err
	}
	spellings := make([]string, 0, len(counts))
	for sp := range counts {
		spellings = append(spellings, sp)
	}
	if err := r.checkSpellings(syms, spellings); err != nil {
		return nil, err
	}
	intern := map[string]string{}
	// The batches follow the symbols' sorted order: in a table sorted by
	// symbol, a batch's rows are then neighbours, which the Parquet
	// reader finds from its row groups' statistics.
	order := make([]int, len(syms))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(syms[a], syms[b]) })
	limit := BatchRows
	if r.batch > 0 {
		limit = r.batch
	}
	if r.src.Query != "" || r.rel.rowExpr == colRow {
		// Batches pay off where a symbol's rows are found without reading
		// the others' (Parquet, a DuckDB table, a CSV table once copied
		// to Parquet). A query runs again for every statement over it,
		// and its SQL (a join, a window) may cost more than its rows; an
		// Arrow IPC table numbers every row in a window first. These are
		// read in one batch.
		limit = math.MaxInt
	}
	var batch []string
	rows := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		where[0] = symCol + " IN (" + strings.Join(batch, ", ") + ")"
		batch, rows = batch[:0], 0
		return r.readBatch(where, counts, intern, out)
	}
	// Every requested symbol goes in a batch, even one the counts give
	// no row: a column with a collation (COLLATE NOCASE) groups NVDA's
	// rows under another spelling's key, yet the IN list matches them.
	for _, i := range order {
		n := counts[syms[i]]
		if rows > 0 && rows+n > limit {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		batch, rows = append(batch, lits[i]), rows+n
	}
	if err := flush(); err != nil {
		return nil, err
	}
	// A column with a collation (COLLATE NOCASE) counts "NVDA" and
	// "nvda" under one key, and its IN list returns both: each spelling
	// got its own decoder.
	spellings = spellings[:0]
	for sp := range out {
		spellings = append(spellings, sp)
	}
	if err := r.checkSpellings(syms, spellings); err != nil {
		return nil, err
	}
	return out, nil
}

// checkSpellings refuses a requested instrument (syms, as requested) that
// the source writes in more than one way among spellings (as the source
// writes them), naming the spellings, as the read of every symbol does
// ("symbols "AAA" and "aaa" are the same instrument AAA").
func (r *sourceReader) checkSpellings(syms, spellings []string) error {
	want := map[string]bool{}
	for _, s := range syms {
		want[data.CanonicalSymbol(s)] = true
	}
	by := map[string][]string{}
	for _, sp := range spellings {
		if c := data.CanonicalSymbol(sp); want[c] {
			by[c] = append(by[c], sp)
		}
	}
	var bad []string
	for c, sps := range by {
		if len(sps) > 1 {
			bad = append(bad, c)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	c := bad[0]
	sps := by[c]
	slices.Sort(sps)
	q := make([]string, len(sps))
	for i, sp := range sps {
		q[i] = fmt.Sprintf("%q", sp)
	}
	list := strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
	in := ""
	if !r.req.span().open() {
		in = " in " + r.window()
	}
	return r.fail("symbols %s are the same instrument %s: the source writes it %d ways%s; write one spelling, or select it in a query",
		list, c, len(sps), in)
}

// BatchRows is about how many rows one query of readSymbols returns: a
// symbol with more is read alone.
const BatchRows = 1 << 20

// readBatch runs the query of a batch of symbols (where: the symbols'
// and the time's conditions) and decodes its rows into out (with intern,
// the files' names).
func (r *sourceReader) readBatch(where []string, counts map[string]int, intern map[string]string, out map[string]*tableDecoder) error {
	sel := []string{"CAST(" + sqlIdent(r.names[r.sym]) + " AS VARCHAR)", sqlIdent(r.names[r.m[fDate]])}
	var col columnMap
	col[fDate] = 1
	for f := fOpen; f < nFields; f++ {
		col[f] = -1
		if r.m[f] >= 0 {
			col[f] = len(sel)
			sel = append(sel, sqlIdent(r.names[r.m[f]]))
		}
	}
	fileAt, rowAt := -1, -1
	// By symbol and time, then (for equal times) by file and row; text
	// times are sorted once parsed, and so are naive timestamps in a zone
	// with daylight saving: the hour repeated when clocks go back is told
	// apart by the order the rows were written in (its 01:00–01:55 once in
	// summer time, then again), which a sort by wall-clock time would
	// interleave (01:00, 01:00, 01:05, 01:05: the second 01:05 a duplicate).
	order := []string{"1"}
	if r.tsKind != tsText && !(r.tsKind == tsNaive && r.loc != nil && r.loc != time.UTC) {
		order = append(order, "2")
	}
	if r.rel.fileExpr != "" {
		fileAt = len(sel)
		sel = append(sel, r.rel.fileExpr)
		order = append(order, r.rel.fileExpr)
	}
	if r.rel.rowExpr != "" {
		rowAt = len(sel)
		sel = append(sel, r.rel.rowExpr)
		order = append(order, r.rel.rowExpr)
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + r.rel.from + " WHERE " + strings.Join(where, " AND ") + " ORDER BY " + strings.Join(order, ", ")
	rdr, err := r.ar.QueryContext(r.ctx, q)
	if err != nil {
		return r.fail("%v", err)
	}
	defer rdr.Release()
	var batch []*tableDecoder // the decoders of this batch's symbols
	for rdr.Next() {
		rec := rdr.RecordBatch()
		sa, ok := rec.Column(0).(stringArray)
		if !ok {
			return r.fail("internal: symbol column has type %s", rec.Column(0).DataType())
		}
		n := int(rec.NumRows())
		for i := 0; i < n; {
			if sa.IsNull(i) {
				i++
				continue
			}
			s := sa.Value(i)
			j := i + 1
			for j < n && !sa.IsNull(j) && sa.Value(j) == s {
				j++
			}
			td := out[s]
			if td == nil {
				td = r.newDecoder(strings.Clone(s), col)
				out[td.s.Symbol] = td
				batch = append(batch, td)
				if n := counts[s]; n > 0 {
					td.reserve(n)
					if r.tsKind == tsText {
						// Sizes the text from the first batch's (growText).
						td.tc.ends = slices.Grow(td.tc.ends, n)
					}
					if rowAt >= 0 {
						td.rows = make([]int, 0, n)
					}
				}
			}
			if rowAt >= 0 {
				switch a := rec.Column(rowAt).(type) {
				case *array.Int64:
					for k := i; k < j; k++ {
						td.rows = append(td.rows, int(a.Value(k)))
					}
				default:
					return r.fail("internal: row column has type %s", a.DataType())
				}
			}
			if fileAt >= 0 {
				fa, ok := rec.Column(fileAt).(stringArray)
				if !ok {
					return r.fail("internal: file column has type %s", rec.Column(fileAt).DataType())
				}
				for k := i; k < j; k++ {
					v, ok := intern[fa.Value(k)]
					if !ok {
						v = strings.Clone(fa.Value(k))
						intern[v] = v
					}
					td.files = append(td.files, v)
				}
			}
			slice := rec.NewSlice(int64(i), int64(j))
			err := td.add(slice)
			slice.Release()
			if err != nil {
				return err
			}
			i = j
		}
	}
	if err := rdr.Err(); err != nil {
		return r.fail("%v", err)
	}
	// Each symbol's rows are all in: its text times are parsed now and
	// their text let go, before the next batch's arrive.
	for _, td := range batch {
		td.resolveEarly()
	}
	return nil
}

// countSymbols counts the rows of each symbol (as the source writes it)
// that satisfy where (the time filter, or none).
func (r *sourceReader) countSymbols(symCol string, where []string) (map[string]int, error) {
	q := "SELECT " + symCol + ", count(*) FROM " + r.rel.from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rdr, err := r.ar.QueryContext(r.ctx, q+" GROUP BY 1")
	if err != nil {
		return nil, r.fail("%v", err)
	}
	defer rdr.Release()
	out := map[string]int{}
	for rdr.Next() {
		rec := rdr.RecordBatch()
		sa, ok1 := rec.Column(0).(stringArray)
		na, ok2 := rec.Column(1).(*array.Int64)
		if !ok1 || !ok2 {
			return nil, r.fail("internal: count query gives %s, %s", rec.Column(0).DataType(), rec.Column(1).DataType())
		}
		for i := 0; i < sa.Len(); i++ {
			if !sa.IsNull(i) {
				out[strings.Clone(sa.Value(i))] = int(na.Value(i))
			}
		}
	}
	return out, rdr.Err()
}

// newDecoder starts the decoder of one symbol (its Symbol is the source's
// spelling until finish).
func (r *sourceReader) newDecoder(sym string, col columnMap) *tableDecoder {
	td := &tableDecoder{}
	d := &decoder{file: r.src.String(), col: col, topt: timeOpts{loc: r.loc, order: r.src.DateFormat}, table: true}
	d.s.Symbol = sym
	d.msgPrefix = "symbol " + sym + ": "
	d.rowAt = func(k int) int {
		if k < len(td.rows) {
			return td.rows[k]
		}
		return 0
	}
	d.fileAt = func(k int) string {
		if k < len(td.files) {
			return td.files[k]
		}
		if r.rel.file != "" {
			return r.rel.file
		}
		return r.src.String()
	}
	if r.rel.lines != nil {
		// CSV: the record number becomes the file's line.
		d.rowAt = func(k int) int {
			if k < len(td.rows) {
				return r.rel.lines.line(td.rows[k])
			}
			return 0
		}
	}
	td.decoder = d
	return td
}

// finish stamps, sorts, bounds and validates one symbol's bars.
func (r *sourceReader) finish(td *tableDecoder, sym string) (data.Series, error) {
	// The rows read near a window pushed into SQL are stamped as the
	// symbol's whole are: intraday bars keep their instants, however few.
	if iv := r.whole[sym]; iv > 0 && iv.Intraday() {
		td.intraday = true
	}
	s, err := td.finish()
	if err != nil {
		return s, err
	}
	// Files of each bar, in bar order (finish may have sorted the bars);
	// nil when every bar comes from one file (or none).
	var files []string
	if len(td.files) > 0 {
		files = make([]string, s.Len())
		for k := range files {
			files[k] = td.fileAt(td.index(k))
		}
	}
	fileOf := func(k int) string {
		if files != nil {
			return files[k]
		}
		return td.fileAt(0)
	}
	// The requested window, exactly (SQL read a day more on each side).
	// Its bars keep the interval of the symbol's whole: that of the rows
	// read, or, when the window went into SQL, of all the source's rows.
	if r.whole != nil {
		s.Interval = r.whole[sym]
	}
	lo, hi := 0, s.Len()
	if r.req.span().hasStart {
		lo = sort.Search(s.Len(), func(k int) bool { return s.Time[k] >= r.req.Start })
		// Resampling, a bar stamped before the start that ends after it
		// is kept: an equity's regular-hours bar on the 00:00 UTC grid
		// stamped 09:00 New York holds 09:30–10:00, so a start at 09:30
		// left that session without its first half hour. A bucket that
		// begins before the start is left out all the same (see
		// Resample), so elsewhere the bar goes with its bucket.
		if r.req.Bar != 0 && lo > 0 && lo < s.Len() {
			iv, k := s.BarInterval(), lo-1
			for _, g := range s.Segments() {
				if g.From <= k {
					iv = g.Interval
				}
			}
			if iv > 0 && iv < data.Daily && s.Time[k]+int64(iv) > r.req.Start {
				lo = k
			}
		}
	}
	if r.req.span().hasEnd {
		hi = sort.Search(s.Len(), func(k int) bool { return s.Time[k] >= r.req.End })
	}
	hi = max(hi, lo)
	if lo > 0 || hi < s.Len() {
		s.Time = s.Time[lo:hi]
		s.Open, s.High, s.Low, s.Close = s.Open[lo:hi], s.High[lo:hi], s.Low[lo:hi], s.Close[lo:hi]
		s.AdjClose, s.Volume, s.Rows = s.AdjClose[lo:hi], s.Volume[lo:hi], s.Rows[lo:hi]
		if files != nil {
			files = files[lo:hi]
		}
	}
	if s.Len() == 0 {
		return s, nil
	}
	where := func(k, from int) string {
		switch {
		case s.Rows[k] > 0 && fileOf(k) == fileOf(from):
			return fmt.Sprintf("row %d", s.Rows[k])
		case s.Rows[k] > 0:
			return fmt.Sprintf("%s:%d", fileOf(k), s.Rows[k])
		}
		return "the previous row"
	}
	// Duplicates first: a table is sorted here, so they are neighbours.
	// An intraday bar at midnight is named by its instant, not its date.
	stamp := data.FormatStamp
	if s.BarInterval().Intraday() {
		stamp = data.FormatTime
	}
	for k := 1; k < s.Len(); k++ {
		if s.Time[k] == s.Time[k-1] {
			return s, &data.RowError{File: fileOf(k), Row: s.Rows[k], Msg: fmt.Sprintf("symbol %s: duplicate (symbol, time) %s (also at %s)",
				sym, stamp(s.Time[k]), where(k-1, k))}
		}
	}
	// Rows whose prices contradict each other, skipped or repaired when
	// the source says so.
	s.ApplyBadRowPolicyWith(r.src.OnBadRow, fileOf, func(from, to int) {
		if files != nil {
			files[to] = files[from]
		}
	})
	if files != nil {
		files = files[:s.Len()]
	}
	if s.Len() == 0 {
		return s, nil
	}
	// Then every other check of a file's bars, naming the bar's own file
	// and row.
	v := s
	v.Rows = nil // Validate then names bar k as row k+1
	if err := v.Validate(r.src.String()); err != nil {
		var re *data.RowError
		if errors.As(err, &re) && re.Row >= 1 && re.Row <= s.Len() {
			k := re.Row - 1
			return s, &data.RowError{File: fileOf(k), Row: s.Rows[k], Msg: "symbol " + sym + ": " + re.Msg}
		}
		return s, err
	}
	return s, nil
}

// SourceSymbols lists the symbols a Source holds (as it writes them),
// sorted; a source with no rows is an error.
func SourceSymbols(ctx context.Context, src Source) ([]string, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	var out []string
	err := withSourceReader(ctx, src, Request{}, func(r *sourceReader) error {
		if err := r.open(); err != nil {
			return err
		}
		var err error
		out, err = r.symbols()
		return err
	})
	return out, err
}

// symbols lists the source's symbols (see SourceSymbols).
func (r *sourceReader) symbols() ([]string, error) {
	out, err := r.distinctSymbols()
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		// Rows, none with a symbol: say so, naming the first.
		if r.src.Query == "" {
			n, first, err := r.countNoSymbol()
			if err != nil {
				return nil, err
			}
			if n > 0 {
				return nil, r.fail("has no symbols: its %d row(s) have an empty, blank or NULL symbol%s", n, first)
			}
		}
		return nil, r.fail("returned no rows")
	}
	return out, nil
}

// fileErr is the error of the source's file at path: an error that names
// the path itself (a *data.FileError: "x.parquet: no such file or
// directory") is not prefixed with it again.
func (r *sourceReader) fileErr(path string, err error) error {
	var fe *data.FileError
	if errors.As(err, &fe) && fe.Path == path && r.src.String() == path {
		return fmt.Errorf("duckdb: %w", err)
	}
	return fmt.Errorf("duckdb: %s: %w", r.src, err)
}

// ReadWhole reports whether a table (Source.Table) is read in one query
// whatever its rows, not in batches of about BatchRows: an Arrow IPC
// file, whose rows are numbered in one window first. A query
// (Source.Query) is always read whole.
func ReadWhole(table string) bool {
	f, _, err := fileFormat(table)
	return err == nil && f == formatIPC
}
