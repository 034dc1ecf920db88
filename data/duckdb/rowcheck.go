package duckdb

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/data"
)

// rowCheck checks the records at the start of a per-instrument CSV file
// (its first checkBytes) while the scanner streams them, before DuckDB
// reads the file: a price that is not positive and, unless a BadRowPolicy
// skips or repairs them, open, high, low and close that contradict each
// other are refused at once, naming the line and the date as written, so
// that a bad row near the top of a large file costs one chunk of reading,
// not the file. Series.Validate refuses the same rows further down, once
// DuckDB has read them (see scanCSV).
//
// It only refuses what Series.Validate would refuse: a record it cannot
// take apart (quotes it cannot parse, too few fields), a value that is
// not a plain finite number, or an empty price, is left for DuckDB and
// the decoder, which report it as before.
type rowCheck struct {
	policy data.BadRowPolicy

	path  string
	delim byte
	semi  bool // semicolon file: the decimal mark is decided later (decimalMarks)
	m     columnMap
	need  int // fields the check reads (1 + the largest index used)
	width int // fields a record has: as many as the header
}

// init maps the header's columns (the error is the one the reader would
// give later).
func (c *rowCheck) init(path string, lay *csvLayout) error {
	m, err := mapColumns(path, lay.names)
	if err != nil {
		return err
	}
	c.path, c.delim, c.semi, c.m, c.width = path, lay.delim, lay.delim == ';', m, len(lay.names)
	for _, i := range m {
		c.need = max(c.need, i+1)
	}
	return nil
}

// fields splits a record into its first need fields; nil when it cannot,
// or when the record has not as many fields as the header: DuckDB refuses
// that line for its field count, which says more than a price check on
// shifted fields (an unquoted 1,234.50 read as 1 and 234.50 made "high
// 234.5 < low 1240"). The fields are substrings of one string made of
// the record (one allocation per record, not per field).
func (c *rowCheck) fields(rec []byte, dst []string) []string {
	if bytes.IndexByte(rec, '"') >= 0 {
		r := csv.NewReader(bytes.NewReader(rec))
		r.Comma = rune(c.delim)
		r.FieldsPerRecord = -1
		f, err := r.Read()
		if err != nil || len(f) < c.need || len(f) != c.width {
			return nil
		}
		return f[:c.need]
	}
	if bytes.Count(rec, []byte{c.delim})+1 != c.width {
		return nil
	}
	s := string(rec)
	dst = dst[:0]
	for len(dst) < c.need {
		i := strings.IndexByte(s, c.delim)
		if i < 0 {
			dst = append(dst, s)
			break
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
	if len(dst) < c.need {
		return nil
	}
	return dst
}

// value parses field f of a record; ok is false when the field is absent
// or not a plain finite number.
func (c *rowCheck) value(fs []string, f field) (float64, bool) {
	i := c.m[f]
	if i < 0 {
		return 0, false
	}
	s := fs[i]
	if !c.semi && plainDecimal(s) {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil && !math.IsInf(v, 0)
	}
	s = strings.TrimSpace(s)
	comma := false
	if c.semi {
		// The file's decimal mark is known once it is read: a number
		// such as 1.234 (a thousand or one) is left to the decoder.
		switch numberNotation(s, f == fVolume) {
		case markEither:
			return 0, false
		case markComma:
			comma = true
		}
	}
	v, ok := parseNumber(s, f == fVolume, comma)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) || s == "" {
		return 0, false
	}
	return v, true
}

// plainDecimal reports whether s is made of digits, signs, a point and
// exponent letters only (what strconv.ParseFloat reads as parseFloat
// does: no hexadecimal, no underscores, no spaces, no "inf" or "nan").
func plainDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// row checks one data record starting on line.
func (c *rowCheck) row(rec []byte, line int) error {
	var buf [nFields]string
	fs := c.fields(rec, buf[:0])
	if fs == nil {
		return nil
	}
	cl, ok := c.value(fs, fClose)
	if !ok {
		return nil
	}
	adj, ok := c.value(fs, fAdjClose)
	if !ok {
		if c.m[fAdjClose] >= 0 {
			return nil
		}
		adj = cl
	}
	o, okO := c.value(fs, fOpen)
	h, okH := c.value(fs, fHigh)
	l, okL := c.value(fs, fLow)
	full := okO && okH && okL
	if !full && (c.m[fOpen] >= 0 && fs[c.m[fOpen]] != "" || c.m[fHigh] >= 0 && fs[c.m[fHigh]] != "" || c.m[fLow] >= 0 && fs[c.m[fLow]] != "") {
		return nil // a partial or unusual range: the decoder decides
	}
	date := clip(strings.TrimSpace(fs[c.m[fDate]]))
	fail := func(format string, args ...any) error {
		return &data.RowError{File: c.path, Row: line, Msg: date + " " + fmt.Sprintf(format, args...)}
	}
	type named struct {
		name string
		v    float64
		ok   bool
	}
	for _, f := range [...]named{{"open", o, okO}, {"high", h, okH}, {"low", l, okL}, {"close", cl, true}, {"adj_close", adj, true}} {
		if f.ok && f.v <= 0 {
			return fail("%s = %g is not positive", f.name, f.v)
		}
		if f.ok && (f.v < data.MinPrice || f.v > data.MaxPrice) {
			return fail("%s = %g is out of range: %s", f.name, f.v, data.PriceRange)
		}
	}
	if !full || c.policy != data.BadRowFail {
		return nil
	}
	var p string
	switch {
	case h < l:
		p = fmt.Sprintf("high %g < low %g", h, l)
	case cl < l || cl > h:
		p = fmt.Sprintf("close %g outside [low %g, high %g]", cl, l, h)
	case o < l || o > h:
		p = fmt.Sprintf("open %g outside [low %g, high %g]", o, l, h)
	}
	if p != "" {
		return fail("%s%s", p, data.BadRowHint)
	}
	if v, ok := c.value(fs, fVolume); ok && v < 0 {
		return fail("volume %g is negative or infinite", v)
	}
	return nil
}
