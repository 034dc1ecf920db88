package duckdb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
)

// csvLayout is what ReadFile learns from a CSV file before DuckDB reads it:
// the header's names, the delimiter and the line on which each data record
// starts (DuckDB returns rows, not line numbers).
type csvLayout struct {
	names []string
	delim byte
	lines []int // 1-based line of each non-empty record after the header
	// duckLines[k] is the line number DuckDB's errors give lines[k]: DuckDB
	// does not count line ends inside quoted fields. nil when the same.
	duckLines []int
	// extraHeader is how many lines after the first belong to the header:
	// 2 for yfinance's three-line header (Price, Ticker and Date lines,
	// see multiHeader), else 0.
	extraHeader int
	// noHeader: the file has no header line, its first line is a bar
	// (a Binance kline file, see klineColumns); names are Binance's.
	noHeader bool
}

// physLine maps a line number from a DuckDB error to the file's line.
func (lay *csvLayout) physLine(duck int) int {
	for k, d := range lay.duckLines {
		if d == duck {
			return lay.lines[k]
		}
	}
	return duck
}

// scanCSV streams the file (decompressing .gz) and finds its header and
// the starting line of every data record. It follows DuckDB's reading: ""
// quotes (a quoted field may span lines), LF, CRLF or CR line ends, and
// empty lines skipped. Memory is bounded by one chunk and one record
// besides the line numbers.
//
// With check set (a per-instrument file), the data records of the first
// checkBytes are checked as they stream by (see rowCheck): a file invalid
// at its line 3 is refused after reading one chunk, before DuckDB reads it
// at all. The records after them are not parsed here (parsing every
// number twice cost nearly half of a CSV file's load): Series.Validate
// refuses the same rows once DuckDB has read them, with the same line,
// its date as Validate writes it (2024-05-10, not 05/10/2024) and, where
// a later line is unreadable, that line's error first.
func scanCSV(path string, gz bool, check *rowCheck) (csvLayout, error) {
	var lay csvLayout
	f, fi, err := data.OpenFile(path)
	if err != nil {
		return lay, err
	}
	defer f.Close()
	var r io.Reader = f
	var size int64
	if !gz {
		size = fi.Size()
	}
	if gz {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
		if err != nil {
			return lay, fmt.Errorf("%s: %w", path, err)
		}
		r = gzipEnd{zr}
	}
	sc := recordScanner{path: path, check: check, lay: &lay, gz: gz, size: size}
	if err := sc.run(r); err != nil {
		return lay, err
	}
	return lay, nil
}

// errTruncated is a .gz stream that ends before its compressed data or
// its trailer do: the gzip reader's io.ErrUnexpectedEOF, which io.ReadFull
// would take for the short last chunk of a whole file.
var errTruncated = errors.New("the gzip file is truncated (it ends before its compressed data does): copy it again or check it with gzip -t")

// gzipEnd passes a gzip stream through, its truncation as errTruncated.
type gzipEnd struct{ r io.Reader }

func (g gzipEnd) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = errTruncated
	}
	return n, err
}

// scanChunk is how much of a CSV file the scanner reads at a time.
const scanChunk = 1 << 18

// checkBytes is how much of a file's start the scanner's check covers
// (the records that start in it): one chunk, about 4,000 daily bars.
const checkBytes = scanChunk

// maxRecord bounds the bytes of one record the scanner keeps (the header,
// or a data record to check); DuckDB refuses lines past 2 MB anyway.
const maxRecord = 4 << 20

// recordScanner splits a CSV stream into records, as splitRecords did on
// a whole file.
type recordScanner struct {
	path  string
	check *rowCheck
	lay   *csvLayout
	chunk int // bytes read at a time; 0 is scanChunk

	line       int  // current line (1-based)
	inQuote    bool // inside a quoted field
	pendingCR  bool // the last byte was a CR (a following LF ends nothing)
	inRecord   bool
	recLine    int // line the current record started on
	recQuoted  int // quotedEnds when it started
	quotedEnds int // line ends inside quotes so far
	rec        []byte
	oversized  bool // the record outgrew maxRecord: its bytes are not kept
	unkept     bool // the record is neither the header nor one to check: its bytes are not kept
	fed        int  // bytes scanned before the current chunk
	header     []byte
	headerLine int
	gz         bool  // the stream is a .gz file's decompressed content
	size       int64 // the file's size when known (not compressed), else 0
	sized      bool  // lines was sized from the first chunk's records
	nonSpace   bool  // the file has a byte that is not white space
	// The first line end outside quotes: its kind (endLF, endCRLF or
	// endCR) and line. DuckDB's reader takes one kind of line end per
	// file and fails on another without saying where: mixed is the error
	// naming the first line that ends in another kind, returned once the
	// file is scanned.
	endKind, endLine int
	mixed            error
	// yf is the yfinance header being read: its lines so far (1 after
	// a first line starting "Price" or "Ticker"); 0 when done or none.
	yf yfHeader
}

// The kinds of line end.
const (
	endLF = 1 + iota
	endCRLF
	endCR
)

// lineEnd notes that line ends with a line end of kind outside quotes:
// the first that differs from the file's first sets sc.mixed.
func (sc *recordScanner) lineEnd(kind, line int) {
	if sc.endKind == 0 {
		sc.endKind, sc.endLine = kind, line
		return
	}
	if kind == sc.endKind || sc.mixed != nil {
		return
	}
	name := [...]string{endLF: "LF", endCRLF: "CR LF", endCR: "CR"}
	sc.mixed = &data.RowError{File: sc.path, Row: line, Msg: fmt.Sprintf(
		"this line ends in %s, line %d in %s: the file mixes line ends, which the CSV reader cannot read; save it with one kind throughout (dos2unix turns CR LF into LF)",
		name[kind], sc.endLine, name[sc.endKind])}
}

func (sc *recordScanner) run(r io.Reader) error {
	size := sc.chunk
	if size <= 0 {
		size = scanChunk
	}
	buf := make([]byte, size)
	sc.line = 1
	// A UTF-8 byte order mark is not part of the header.
	br := bufio.NewReaderSize(r, max(size, 16))
	if p, _ := br.Peek(3); bytes.Equal(p, []byte("\ufeff")) {
		br.Discard(3)
	}
	if p, _ := br.Peek(8); notText(p) != "" {
		msg := notText(p)
		if sc.gz && bytes.HasPrefix(p, []byte{0x1f, 0x8b}) {
			msg = "the file is gzip-compressed twice: decompress it once (gzip -d), keeping the name .csv.gz"
		}
		return &data.RowError{File: sc.path, Msg: msg}
	}
	for {
		n, rerr := io.ReadFull(br, buf)
		chunk := buf[:n]
		if len(chunk) > 0 {
			if err := sc.feed(chunk); err != nil {
				return err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr == errTruncated {
			return &data.RowError{File: sc.path, Msg: rerr.Error()}
		}
		if rerr != nil {
			return fmt.Errorf("%s: %w", sc.path, rerr)
		}
	}
	if sc.inRecord {
		if err := sc.end(); err != nil {
			return err
		}
	}
	if sc.pendingCR && !sc.inQuote && sc.endKind != endCRLF {
		// The file's last byte is a CR alone: DuckDB takes it as the
		// end of a file of CR LF line ends (the start of its last
		// CR LF), not of one of LF.
		sc.lineEnd(endCR, sc.line-1)
	}
	lay := sc.lay
	if !sc.nonSpace {
		return &data.RowError{File: sc.path, Msg: "empty file (want a header line such as date,open,high,low,close,adj_close,volume)"}
	}
	if sc.headerLine != 1 {
		return &data.RowError{File: sc.path, Row: 1, Msg: "empty line where the header should be"}
	}
	if sc.yf.lines > 0 {
		return &data.RowError{File: sc.path, Msg: fmt.Sprintf(
			"the file ends inside yfinance's header (lines Price, Ticker and Date): %d lines, no bars", sc.yf.lines)}
	}
	switch {
	case sc.quotedEnds == 0:
		lay.duckLines = nil
	case lay.duckLines == nil:
		// Line ends inside quotes only in the header or the last,
		// unterminated record: the numbering agrees, but say so.
		lay.duckLines = append([]int(nil), lay.lines...)
	}
	if lay.names == nil {
		// A header of white space only: its (empty) names are refused
		// by the column mapping.
		if err := parseHeader(sc.path, sc.header, lay); err != nil {
			return err
		}
	}
	return sc.mixed
}

// notText says what a file that starts with these bytes is when it is not
// a text file a CSV reader can take (a compressed or binary file named
// .csv, or UTF-16 text), with what to do; "" when it may be CSV.
func notText(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "the file is gzip-compressed, not CSV text: name it .csv.gz"
	case bytes.HasPrefix(head, []byte("PAR1")):
		return "the file is Parquet, not CSV text: name it .parquet"
	case bytes.HasPrefix(head, []byte("ARROW1")):
		return "the file is Arrow IPC, not CSV text: name it .arrow"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "the file is a zip archive, not CSV text: unzip it"
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return "the file is UTF-16 text: save it as UTF-8"
	case utf16NoBOM(head):
		return "the file is UTF-16 text (without a byte order mark): save it as UTF-8"
	case bytes.IndexByte(head, 0) >= 0:
		return "the file holds NUL bytes: it is binary, not CSV text"
	}
	return ""
}

// utf16NoBOM reports whether head reads as ASCII text in UTF-16 without a
// byte order mark (Python's encoding="utf-16-le" writes none): every
// other byte NUL, the ones between them printable ASCII or white space,
// over two characters at least.
func utf16NoBOM(head []byte) bool {
	n := len(head) &^ 1
	if n < 4 {
		return false
	}
	text := func(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c >= ' ' && c <= '~' }
	le, be := true, true
	for k := 0; k < n; k += 2 {
		le = le && text(head[k]) && head[k+1] == 0
		be = be && head[k] == 0 && text(head[k+1])
	}
	return le || be
}

// feed scans one chunk. After the first, the line numbers are sized for
// the whole file at the first chunk's bytes per record, and a sixteenth
// more (doubling from there if the records shorten).
func (sc *recordScanner) feed(b []byte) error {
	err := sc.scan(b)
	sc.fed += len(b)
	if lines := sc.lay.lines; !sc.sized && sc.size > int64(sc.fed) && len(lines) > 0 {
		sc.sized = true
		// At most one record per 8 bytes (a date and a close take
		// more): a first chunk of short lines sizes no more than the
		// file's size in line numbers.
		est := int(min(int64(len(lines))*sc.size/int64(sc.fed), sc.size/8))
		est = max(est, len(lines))
		sc.lay.lines = slices.Grow(lines, est+est/16-len(lines))
	}
	return err
}

// scan scans one chunk's bytes.
func (sc *recordScanner) scan(b []byte) error {
	if !sc.nonSpace && len(bytes.TrimSpace(b)) > 0 {
		sc.nonSpace = true
	}
	// Fast path: no quotes, no CR, not inside a quoted field.
	if !sc.inQuote && !sc.pendingCR && bytes.IndexByte(b, '"') < 0 && bytes.IndexByte(b, '\r') < 0 {
		for len(b) > 0 {
			i := bytes.IndexByte(b, '\n')
			part := b
			if i >= 0 {
				part = b[:i]
			}
			if len(part) > 0 {
				sc.start()
				sc.keep(part)
			}
			if i < 0 {
				return nil
			}
			if sc.inRecord {
				if err := sc.end(); err != nil {
					return err
				}
			}
			if sc.endKind != endLF {
				sc.lineEnd(endLF, sc.line)
			}
			sc.line++
			b = b[i+1:]
		}
		return nil
	}
	from := -1 // start of the bytes of the current record in b
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' && sc.pendingCR {
			// The LF of a CRLF split between chunks (pendingCR is set
			// only by a chunk's last byte, so this is the first).
			sc.pendingCR = false
			if sc.inQuote {
				sc.keep(b[i : i+1])
			} else {
				sc.lineEnd(endCRLF, sc.line-1)
			}
			continue
		}
		if sc.pendingCR && !sc.inQuote {
			sc.lineEnd(endCR, sc.line-1) // a chunk's last byte was a CR alone
		}
		sc.pendingCR = false
		if c == '\n' || c == '\r' {
			if sc.inQuote {
				sc.quotedEnds++
				if from >= 0 {
					sc.keep(b[from:i])
				}
				sc.keep(b[i : i+1])
				from = i + 1
				if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					sc.keep(b[i+1 : i+2])
					i++
					from = i + 1
				} else if c == '\r' && i+1 == len(b) {
					sc.pendingCR = true
				}
				sc.line++
				continue
			}
			if from >= 0 {
				sc.keep(b[from:i])
				from = -1
			}
			if sc.inRecord {
				if err := sc.end(); err != nil {
					return err
				}
			}
			kind := endLF
			if c == '\r' {
				kind = endCR
				if i+1 < len(b) && b[i+1] == '\n' {
					i++
					kind = endCRLF
				} else if i+1 == len(b) {
					sc.pendingCR = true
					kind = 0 // known with the next chunk's first byte
				}
			}
			if kind != 0 {
				sc.lineEnd(kind, sc.line)
			}
			sc.line++
			continue
		}
		if !sc.inRecord {
			sc.start()
		}
		if from < 0 {
			from = i
		}
		if c == '"' {
			sc.inQuote = !sc.inQuote
		}
	}
	if from >= 0 {
		sc.keep(b[from:])
	}
	return nil
}

// start begins a record at the current line.
func (sc *recordScanner) start() {
	if sc.inRecord {
		return
	}
	sc.inRecord, sc.recLine, sc.recQuoted = true, sc.line, sc.quotedEnds
	sc.rec, sc.oversized = sc.rec[:0], false
	sc.unkept = sc.header != nil && sc.yf.lines == 0 && (sc.check == nil || sc.fed >= checkBytes)
}

// keep appends bytes of the current record (up to maxRecord).
func (sc *recordScanner) keep(b []byte) {
	if sc.oversized || sc.unkept {
		return
	}
	if len(sc.rec)+len(b) > maxRecord {
		sc.oversized = true
		return
	}
	sc.rec = append(sc.rec, b...)
}

// end finishes the current record: the header, or a data record whose
// line is noted and, with a check, checked.
func (sc *recordScanner) end() error {
	sc.inRecord = false
	lay := sc.lay
	if sc.header == nil {
		sc.headerLine = sc.recLine
		if sc.oversized {
			return &data.RowError{File: sc.path, Row: sc.recLine, Msg: fmt.Sprintf("the header line is longer than %s", data.FormatSize(maxRecord))}
		}
		sc.header = append([]byte{}, sc.rec...)
		if sc.headerLine != 1 || len(bytes.TrimSpace(sc.header)) == 0 {
			if sc.headerLine != 1 && len(bytes.TrimSpace(sc.header)) > 0 {
				return &data.RowError{File: sc.path, Row: 1, Msg: "empty line where the header should be"}
			}
			sc.check = nil // decided at the end: an empty file, or no header
			return nil
		}
		if err := parseHeader(sc.path, sc.header, lay); err != nil {
			return err
		}
		if sc.yf.start(lay.names) {
			return nil // the header goes on (multiHeader)
		}
		if kline, err := headerless(sc.path, lay); err != nil || kline {
			if err != nil {
				return err
			}
			// The first line is a bar: a data record on line 1.
			if err := sc.initCheck(); err != nil {
				return err
			}
			return sc.data()
		}
		return sc.initCheck()
	}
	if sc.yf.lines > 0 {
		if sc.oversized {
			return &data.RowError{File: sc.path, Row: sc.recLine, Msg: fmt.Sprintf("the header line is longer than %s", data.FormatSize(maxRecord))}
		}
		out, err := sc.yf.line(sc.path, sc.recLine, sc.rec, lay)
		if err != nil || out == yfMore {
			return err
		}
		sc.yf.lines = 0
		if err := sc.initCheck(); err != nil || out == yfEnd {
			return err
		}
	}
	return sc.data()
}

// initCheck starts the early check once the header is known.
func (sc *recordScanner) initCheck() error {
	if sc.check != nil {
		return sc.check.init(sc.path, sc.lay)
	}
	return nil
}

// data notes the current record as a data record and checks it.
func (sc *recordScanner) data() error {
	lay := sc.lay
	// duckLines differ from lines only after a line end inside quotes:
	// kept from then on (copied from lines when that first happens).
	if sc.recQuoted > 0 && lay.duckLines == nil {
		lay.duckLines = append(make([]int, 0, cap(lay.lines)), lay.lines...)
	}
	// grow doubles: append's 1.25× steps copied a long file's line
	// numbers about four times over.
	lay.lines = grow(lay.lines, 1)
	lay.lines[len(lay.lines)-1] = sc.recLine
	if lay.duckLines != nil {
		lay.duckLines = grow(lay.duckLines, 1)
		lay.duckLines[len(lay.duckLines)-1] = sc.recLine - sc.recQuoted
	}
	if sc.check != nil && !sc.oversized && !sc.unkept {
		return sc.check.row(sc.rec, sc.recLine)
	}
	return nil
}

// parseHeader reads the header's names and the delimiter.
func parseHeader(path string, header []byte, lay *csvLayout) error {
	lay.delim = sniffDelim(header)
	r := csv.NewReader(bytes.NewReader(header))
	r.Comma = rune(lay.delim)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	names, err := r.Read()
	if err != nil {
		return &data.RowError{File: path, Row: 1, Msg: fmt.Sprintf("cannot read the header: %v", err)}
	}
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	lay.names = names
	return nil
}

// sniffDelim picks the most frequent of , ; and tab outside quotes in the
// header; a comma when there is none.
func sniffDelim(header []byte) byte {
	var n [3]int
	in := false
	for _, c := range header {
		switch c {
		case '"':
			in = !in
		case ',':
			if !in {
				n[0]++
			}
		case ';':
			if !in {
				n[1]++
			}
		case '\t':
			if !in {
				n[2]++
			}
		}
	}
	best, delim := n[0], byte(',')
	if n[1] > best {
		best, delim = n[1], ';'
	}
	if n[2] > best {
		delim = '\t'
	}
	return delim
}

// csvQuery is the DuckDB query that reads the columns of m from a CSV file
// whose layout is lay. DuckDB reads every column as VARCHAR and casts the
// numbers to DOUBLE (in parallel); where a cast fails, the text comes along
// in a second column for Go to parse or report. It returns the query, the
// result column of each field and that of each number's text.
func csvQuery(path string, gz bool, lay csvLayout, m columnMap) (string, columnMap, columnMap) {
	var sel, cols []string
	var at, raw columnMap
	for f := field(0); f < nFields; f++ {
		at[f], raw[f] = -1, -1
		if m[f] < 0 {
			continue
		}
		c := fmt.Sprintf("c%d", m[f])
		at[f] = len(sel)
		if f == fDate {
			sel = append(sel, c)
			continue
		}
		cast := "TRY_CAST(" + c + " AS DOUBLE)"
		if lay.delim == ';' {
			// Semicolon files write numbers the European way (1.234,5):
			// DuckDB would read "12.345" as twelve; Go parses them all.
			cast = "CAST(NULL AS DOUBLE)"
		}
		raw[f] = len(sel) + 1
		if strings.HasPrefix(cast, "CAST(NULL") {
			sel = append(sel, cast, c)
		} else {
			sel = append(sel, cast, "CASE WHEN "+cast+" IS NULL THEN "+c+" END")
		}
	}
	for i := range lay.names {
		cols = append(cols, fmt.Sprintf("'c%d': 'VARCHAR'", i))
	}
	comp := "none"
	if gz {
		comp = "gzip"
	}
	header := "header = true"
	switch {
	case lay.noHeader:
		header = "header = false"
	case lay.extraHeader > 0:
		header = fmt.Sprintf("header = false, skip = %d", 1+lay.extraHeader)
	}
	q := fmt.Sprintf("SELECT %s FROM read_csv(%s, columns = {%s}, %s, auto_detect = false, "+
		"delim = %s, quote = '\"', escape = '\"', strict_mode = true, compression = '%s')",
		strings.Join(sel, ", "), sqlString(path), strings.Join(cols, ", "), header, sqlString(string(lay.delim)), comp)
	return q, at, raw
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// sqlIdent quotes s as an SQL identifier.
func sqlIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

var (
	csvErrLine = regexp.MustCompile(`CSV Error on Line: (\d+)`)
	csvErrCols = regexp.MustCompile(`Expected Number of Columns: (\d+) Found: (\d+)`)
	// csvGrouped finds a number grouped with commas (1,234.50) in a line,
	// and csvQuoted the quoted fields, which may hold one.
	csvGrouped = regexp.MustCompile(`(^|[^\d.])\d{1,3}(,\d{3})+(\.\d+)?([^\d]|$)`)
	csvQuoted  = regexp.MustCompile(`"([^"]|"")*"`)
)

// csvError turns DuckDB's multi-line CSV error into a *data.RowError naming
// the line, or returns nil when err is not one.
func csvError(path string, lay *csvLayout, err error) error {
	msg := err.Error()
	m := csvErrLine.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	line, _ := strconv.Atoi(m[1])
	line = lay.physLine(line)
	what := ""
	switch {
	case csvErrCols.MatchString(msg):
		c := csvErrCols.FindStringSubmatch(msg)
		// A kline file of data.binance.vision has no header: its width
		// is its first line's.
		width := "as many as the header"
		if lay.noHeader {
			width = "as many as line 1: a Binance kline file has no header"
		}
		what = fmt.Sprintf("has %s fields, want %s (%s)", c[2], c[1], width)
		found, _ := strconv.Atoi(c[2])
		want, _ := strconv.Atoi(c[1])
		if found > want && lay.delim == ',' && csvGrouped.MatchString(csvQuoted.ReplaceAllString(originalLine(msg), `""`)) {
			what += "; a number with commas grouping its thousands (1,234.50) needs double quotes"
		}
	case strings.Contains(msg, "Invalid unicode"):
		what = "is not valid UTF-8"
	case strings.Contains(msg, "Maximum line size"):
		what = "is too long"
	case strings.Contains(msg, "unterminated quote"), strings.Contains(msg, "Value with unterminated quote"):
		what = "has an unterminated quote"
	default:
		// The line after "Original Line: ..." says what is wrong.
		parts := strings.Split(msg, "\n")
		for i, p := range parts {
			if strings.HasPrefix(p, "Original Line:") && i+1 < len(parts) && strings.TrimSpace(parts[i+1]) != "" {
				what = strings.TrimSpace(parts[i+1])
				break
			}
		}
		if what == "" {
			what = strings.TrimSpace(parts[0])
		}
	}
	return &data.RowError{File: path, Row: line, Msg: "malformed CSV line: " + data.Clip(what)}
}

// originalLine is the line DuckDB's CSV error quotes ("Original Line:
// ..."), or "".
func originalLine(msg string) string {
	_, after, ok := strings.Cut(msg, "Original Line:")
	if !ok {
		return ""
	}
	line, _, _ := strings.Cut(after, "\n")
	return strings.TrimSpace(line)
}

// recordLines maps a CSV file's data records to their lines in runs of
// records on consecutive lines: one run for a file without blank lines
// or line ends inside quotes, instead of a line a record (8 bytes a row)
// held for the whole read of a CSV table.
type recordLines struct {
	n int // records
	// Run i starts at record from[i] (0-based) on line first[i]; its
	// records are on consecutive lines.
	from, first []int
}

// newRecordLines compacts the line of each record (csvLayout.lines).
func newRecordLines(lines []int) *recordLines {
	m := &recordLines{n: len(lines)}
	for k, l := range lines {
		if k == 0 || l != lines[k-1]+1 {
			m.from = append(m.from, k)
			m.first = append(m.first, l)
		}
	}
	return m
}

// line is the line of record k (1-based, as file_row_number + 1 counts
// them), or 0 when the file has no record k.
func (m *recordLines) line(k int) int {
	if k < 1 || k > m.n {
		return 0
	}
	k--
	i := sort.Search(len(m.from), func(i int) bool { return m.from[i] > k }) - 1
	return m.first[i] + k - m.from[i]
}
