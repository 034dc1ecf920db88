package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// keyedCSV reads a small CSV file whose columns are found by their header
// names (the funding and lending rate files): the header, then a record
// at a time with its line, errors naming the file and line.
type keyedCSV struct {
	cr   *csv.Reader
	name string
	head []string
	// col is each header name's column: lower case, spaces and a byte
	// order mark trimmed.
	col  map[string]int
	rec  []string
	line int
}

// newKeyedCSV reads the header of r (the file name); layout is the
// header the error of an empty file asks for. A column of used (the
// names the caller reads) named twice is refused: which one holds the
// values cannot be told, and the last was read without a word; other
// columns may repeat.
func newKeyedCSV(r io.Reader, name, layout string, used ...string) (*keyedCSV, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{File: name, Msg: "empty file (want a header " + layout + ")"}
	}
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", name, err)
	}
	head = append([]string(nil), head...) // the reader reuses its record
	col := map[string]int{}
	for k, h := range head {
		n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if first, ok := col[n]; ok && slices.Contains(used, n) {
			return nil, &RowError{File: name, Row: 1, Msg: fmt.Sprintf("column %q is named twice in the header (columns %d and %d): which one holds the values?", n, first+1, k+1)}
		}
		col[n] = k
	}
	return &keyedCSV{cr: cr, name: name, head: head, col: col}, nil
}

// header is the header line as written, for messages.
func (k *keyedCSV) header() string { return strings.Join(k.head, ",") }

// next reads the next record and its line; false at the end of the file.
func (k *keyedCSV) next() (bool, error) {
	rec, err := k.cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return false, &RowError{File: k.name, Row: pe.Line, Msg: pe.Err.Error()}
		}
		return false, fmt.Errorf("data: %s: %w", k.name, err)
	}
	// After the error: a record the reader refused has no fields, and
	// FieldPos(0) of it panicked (an unterminated quote on a row).
	k.line, _ = k.cr.FieldPos(0)
	// More fields than the header, not all empty (a trailing comma is
	// let be): a decimal comma (0,0001 unquoted) or a shifted row, whose
	// columns would be read as others'.
	for _, x := range rec[min(len(rec), len(k.head)):] {
		if strings.TrimSpace(x) != "" {
			return false, &RowError{File: k.name, Row: k.line, Msg: fmt.Sprintf("%d fields, the header %d (%s): a decimal comma, or a comma in a field not quoted?", len(rec), len(k.head), k.header())}
		}
	}
	k.rec = rec
	return true, nil
}

// field is column c of the record, trimmed; "" past its end.
func (k *keyedCSV) field(c int) string {
	if c < len(k.rec) {
		return strings.TrimSpace(k.rec[c])
	}
	return ""
}
