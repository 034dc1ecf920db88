package duckdb

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
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

// scanCSV reads the file (decompressing .gz) and finds its header and the
// starting line of every data record. It follows DuckDB's reading: "" quotes
// (a quoted field may span lines), LF, CRLF or CR line ends, and empty
// lines skipped.
func scanCSV(path string, gz bool) (csvLayout, error) {
	var lay csvLayout
	f, _, err := data.OpenFile(path)
	if err != nil {
		return lay, err
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return lay, fmt.Errorf("%s: %w", path, err)
	}
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return lay, fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return lay, fmt.Errorf("%s: %w", path, err)
		}
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if len(bytes.TrimSpace(b)) == 0 {
		return lay, &data.RowError{File: path, Msg: "empty file (want a header line such as date,open,high,low,close,adj_close,volume)"}
	}
	header, headerLine, lines, duckLines := splitRecords(b)
	if headerLine != 1 {
		return lay, &data.RowError{File: path, Row: 1, Msg: "empty line where the header should be"}
	}
	lay.lines, lay.duckLines = lines, duckLines
	lay.delim = sniffDelim(header)
	r := csv.NewReader(bytes.NewReader(header))
	r.Comma = rune(lay.delim)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	names, err := r.Read()
	if err != nil {
		return lay, &data.RowError{File: path, Row: 1, Msg: fmt.Sprintf("cannot read the header: %v", err)}
	}
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	lay.names = names
	return lay, nil
}

// splitRecords returns the first non-empty record, the line it starts on,
// the starting lines of the non-empty records after it and, when a quoted
// field spans lines, the line numbers DuckDB gives those records.
func splitRecords(b []byte) (header []byte, headerLine int, lines, duckLines []int) {
	if bytes.IndexByte(b, '"') < 0 && bytes.IndexByte(b, '\r') < 0 {
		// Fast path: one record per LF-terminated line.
		line := 0
		for len(b) > 0 {
			line++
			i := bytes.IndexByte(b, '\n')
			rec := b
			if i >= 0 {
				rec, b = b[:i], b[i+1:]
			} else {
				b = nil
			}
			if len(rec) == 0 {
				continue
			}
			if header == nil {
				header, headerLine = rec, line
				continue
			}
			lines = append(lines, line)
		}
		return header, headerLine, lines, nil
	}
	line, start, recLine, quotedEnds, recQuoted := 1, -1, 0, 0, 0
	inQuote := false
	end := func(i int) {
		if start >= 0 {
			if header == nil {
				header, headerLine = b[start:i], recLine
			} else {
				lines = append(lines, recLine)
				duckLines = append(duckLines, recLine-recQuoted)
			}
		}
		start = -1
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' || c == '\r' {
			if inQuote {
				quotedEnds++
			} else {
				end(i)
			}
			if c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			line++
			continue
		}
		if start < 0 {
			start, recLine, recQuoted = i, line, quotedEnds
		}
		if c == '"' {
			inQuote = !inQuote
		}
	}
	end(len(b))
	if quotedEnds == 0 {
		duckLines = nil
	}
	return header, headerLine, lines, duckLines
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
	q := fmt.Sprintf("SELECT %s FROM read_csv(%s, columns = {%s}, header = true, auto_detect = false, "+
		"delim = %s, quote = '\"', escape = '\"', strict_mode = true, compression = '%s')",
		strings.Join(sel, ", "), sqlString(path), strings.Join(cols, ", "), sqlString(string(lay.delim)), comp)
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
		what = fmt.Sprintf("has %s fields, want %s (as many as the header)", c[2], c[1])
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
