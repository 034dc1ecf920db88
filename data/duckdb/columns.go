package duckdb

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/divergence-research/divergence/data"
)

// field is one of the columns a bar file provides.
type field int

const (
	fDate field = iota
	fOpen
	fHigh
	fLow
	fClose
	fAdjClose
	fVolume
	nFields
)

// fieldNames are the canonical column names, as used in error messages.
var fieldNames = [nFields]string{"date", "open", "high", "low", "close", "adj_close", "volume"}

func (f field) String() string { return fieldNames[f] }

// required reports whether a file must have the column.
// required: a date and a close. Open, high and low may be absent or
// empty throughout (a close-only series, see finish); adj_close defaults
// to close and volume to unknown.
func (f field) required() bool { return f == fDate || f == fClose }

// aliases maps a normalised column name (see normName) to the field it
// provides and a rank: when several columns give the same field, the lowest
// rank wins ("date" over "timestamp"). snapped_at is CoinGecko's
// (snapped_at,price,market_cap,total_volume: its volume is in USD, not
// in coins, and is left out).
var aliases = map[string]struct {
	f    field
	rank int
}{
	"date": {fDate, 0}, "datetime": {fDate, 1}, "timestamp": {fDate, 2}, "time": {fDate, 3},
	"opentime": {fDate, 4}, "day": {fDate, 5}, "ts": {fDate, 6}, "snappedat": {fDate, 7},
	"open": {fOpen, 0}, "high": {fHigh, 0}, "low": {fLow, 0},
	"close": {fClose, 0}, "close/last": {fClose, 1}, "price": {fClose, 2},
	"adjclose": {fAdjClose, 0}, "adjustedclose": {fAdjClose, 1},
	"volume": {fVolume, 0}, "vol": {fVolume, 1},
}

// normName lower-cases a header name and drops what exports vary in:
// spaces, underscores, hyphens, dots, trailing asterisks (Yahoo's web table
// writes "Close*" and "Adj Close**") and a UTF-8 byte order mark.
func normName(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.TrimRight(strings.TrimSpace(s), "*")
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\t':
			return -1
		}
		return r
	}, s)
}

// monthFirstLayout reports whether the column names are those of an
// export whose slash dates are known to be month-first: Nasdaq.com's
// historical quotes (Date, Close/Last, Volume, Open, High, Low).
func monthFirstLayout(names []string) bool {
	for _, n := range names {
		if normName(n) == "close/last" {
			return true
		}
	}
	return false
}

// columnMap says which source column (by position) provides each field;
// -1 means the source has none.
type columnMap [nFields]int

// mapColumns matches a file's column names to fields. A missing required
// column or two columns claiming the same field at the same rank is a
// *data.RowError without a row.
func mapColumns(file string, names []string) (columnMap, error) {
	var m columnMap
	var rank [nFields]int
	for f := range m {
		m[f] = -1
	}
	for i, name := range names {
		a, ok := aliases[normName(name)]
		if !ok {
			continue
		}
		switch {
		case m[a.f] < 0 || a.rank < rank[a.f]:
			m[a.f], rank[a.f] = i, a.rank
		case a.rank == rank[a.f]:
			return m, &data.RowError{File: file, Msg: fmt.Sprintf(
				"columns %q and %q both give %s", data.Clip(names[m[a.f]]), data.Clip(name), a.f)}
		}
	}
	for f := field(0); f < nFields; f++ {
		if f.required() && m[f] < 0 {
			// A header read as one column whose parts, split on another
			// delimiter, are column names: the file uses that delimiter.
			hint := ""
			if len(names) == 1 {
				for _, d := range []string{"|", ":", " "} {
					known := 0
					for _, part := range strings.Split(names[0], d) {
						if _, ok := aliases[normName(part)]; ok {
							known++
						}
					}
					if known >= 2 {
						hint = fmt.Sprintf("; the header is one column: is the file delimited by %q? want commas, semicolons or tabs", d)
						break
					}
				}
			}
			return m, &data.RowError{File: file, Msg: fmt.Sprintf(
				"missing column %q (have %s)%s", f.String(), printable(data.Clip(strings.Join(names, ", "))), hint)}
		}
	}
	return m, nil
}

// printable is s with each byte that is not valid UTF-8 and each control
// character written as an escape (\x1b, \u00ad), so that a message quoting
// a file's bytes prints as text.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case !unicode.IsPrint(r) && r != ' ':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// decoder appends Arrow record batches to a Series, converting each column
// to the Series' types and naming the source line or row of a bad value.
type decoder struct {
	file string
	// col[f] is the record column that holds field f, or -1.
	col columnMap
	// raw[f], when set (CSV), is a string column holding field f's text
	// where DuckDB could not cast it to DOUBLE (col[f] is null there), so
	// that Go can try the other accepted forms or report the text.
	raw *columnMap
	// rowAt maps a 0-based bar index to its source line or row.
	rowAt func(k int) int
	// rows, when set, are the bars' source rows as read (a table's row
	// numbers), which rowAt maps to the file's rows or lines: finish
	// maps them in place into the series' Rows when the bars kept their
	// order, instead of a second column of the series' length.
	rows []int
	s    data.Series
	// marks, when set (a semicolon-separated file), decides the file's
	// decimal mark from all its numbers (see decimalMarks).
	marks *decimalMarks
	// tc collects the time column until its format is decided (finish).
	tc   timeCol
	topt timeOpts
	// perm, when set, says which source row each bar came from (bar k is
	// row perm[k]): a newest-first file reversed, a table sorted by time.
	perm []int
	// table: the rows come from a one-table source, already sorted in SQL
	// (text times are sorted after parsing instead of being reversed).
	table bool
	// intraday: the symbol's whole rows are intraday bars, of which only
	// those near a window were read (sourceReader.whole): a lone bar, or
	// bars a day or more apart across gaps, are not daily for that.
	intraday bool
	// msgPrefix starts every error message ("symbol NVDA: ").
	msgPrefix string
	// fileAt, when set, names the file of a source row (multi-file tables).
	fileAt func(k int) string
	// badRow is the file's BadRowPolicy (the CSV scan's early checks
	// leave inconsistent rows to it).
	badRow data.BadRowPolicy
}

// index is the source row of bar k.
func (d *decoder) index(k int) int {
	if d.perm != nil {
		return d.perm[k]
	}
	return k
}

// add converts one record batch and appends it to the series.
func (d *decoder) add(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	off := len(d.s.Close)
	if err := d.addTimes(rec.Column(d.col[fDate]), off); err != nil {
		return err
	}
	cols := [...]*[]float64{fOpen: &d.s.Open, fHigh: &d.s.High, fLow: &d.s.Low, fClose: &d.s.Close,
		fAdjClose: &d.s.AdjClose, fVolume: &d.s.Volume}
	for f := fOpen; f < nFields; f++ {
		dst := cols[f]
		*dst = grow(*dst, n)
		out := (*dst)[off:]
		switch {
		case d.col[f] >= 0:
			var raw stringArray
			if d.raw != nil {
				var ok bool
				if raw, ok = rec.Column(d.raw[f]).(stringArray); !ok {
					return fmt.Errorf("duckdb: internal: raw %s column has type %s", f, rec.Column(d.raw[f]).DataType())
				}
			}
			if err := d.numbers(f, rec.Column(d.col[f]), raw, out, off); err != nil {
				return err
			}
		case f == fAdjClose:
			copy(out, d.s.Close[off:])
		default:
			for k := range out {
				out[k] = math.NaN()
			}
		}
	}
	return nil
}

// reserve makes room for n more bars.
func (d *decoder) reserve(n int) {
	if n <= 0 || n > 1<<31 {
		return
	}
	d.tc.inst = slices.Grow(d.tc.inst, n)
	for _, c := range []*[]float64{&d.s.Open, &d.s.High, &d.s.Low, &d.s.Close, &d.s.AdjClose, &d.s.Volume} {
		*c = slices.Grow(*c, n)
	}
}

// finish decides the time column's format, stamps the bars (see
// stampTimes), fills Rows and returns the series.
func (d *decoder) finish() (data.Series, error) {
	d.s.NoAdjClose = d.col[fAdjClose] < 0
	if err := d.resolveTimes(); err != nil {
		return data.Series{}, err
	}
	if err := d.stampTimes(); err != nil {
		return data.Series{}, err
	}
	if err := d.newestFirstBreak(); err != nil {
		return data.Series{}, err
	}
	// A close-only series (no open, high and low at all, or every one of
	// them empty): each bar is its close, with no intraday range.
	closeOnly := allNaN(d.s.Open) && allNaN(d.s.High) && allNaN(d.s.Low)
	if !closeOnly {
		// Open, high and low come together: with a column of them absent
		// and another holding values, every bar would miss a price.
		var have, lack []string
		for _, f := range []field{fOpen, fHigh, fLow} {
			if d.col[f] < 0 {
				lack = append(lack, f.String())
			} else {
				have = append(have, f.String())
			}
		}
		if len(lack) > 0 {
			return data.Series{}, &data.RowError{File: d.file, Msg: fmt.Sprintf(
				"missing column %q: a file with %s needs open, high and low together, or none of them for a close-only series",
				lack[0], strings.Join(have, " and "))}
		}
	}
	if closeOnly {
		for _, c := range []*[]float64{&d.s.Open, &d.s.High, &d.s.Low} {
			*c = append((*c)[:0], d.s.Close...)
		}
	}
	if n := len(d.s.Time); d.perm == nil && len(d.rows) == n {
		rows := d.rows
		for k := range rows {
			rows[k] = d.rowAt(k) // reads row k's entry only
		}
		d.s.Rows, d.rows = rows, nil
		d.rowAt = func(k int) int {
			if k < len(rows) {
				return rows[k]
			}
			return 0
		}
		return d.s, nil
	}
	d.s.Rows = make([]int, len(d.s.Time))
	for k := range d.s.Rows {
		d.s.Rows[k] = d.rowAt(d.index(k))
	}
	return d.s, nil
}

// newestFirstBreak names the row that breaks the order of a file
// written newest first (most of its steps go back in time) that
// stampTimes left as it is, for it is not strictly descending: a
// repeated or swapped row deep in such a file. Validation, which wants
// ascending rows, would blame the file's second bar, whatever row is
// wrong. nil for any other file.
func (d *decoder) newestFirstBreak() error {
	t := d.s.Time
	n := len(t)
	if d.table || d.perm != nil || n < 3 {
		return nil
	}
	back := 0
	for k := 1; k < n; k++ {
		if t[k] < t[k-1] {
			back++
		}
	}
	if 2*back <= n-1 {
		return nil
	}
	// Named as Validate names them: by date when every bar is a day's.
	stamp, unit := data.FormatTime, "timestamp"
	if !slices.ContainsFunc(t, func(v int64) bool { return v%dayNano != 0 }) {
		stamp, unit = data.FormatDay, "date"
	}
	for k := 1; k < n; k++ {
		switch {
		case t[k] == t[k-1]:
			return d.errAt(k, "duplicate %s %s (also at row %d; the rows are newest first)", unit, stamp(t[k]), d.rowAt(k-1))
		case t[k] > t[k-1]:
			return d.errAt(k, "%s %s is after the previous row's %s (the rows are newest first: %d of their %d steps go back in time; they must all do)",
				unit, stamp(t[k]), stamp(t[k-1]), back, n-1)
		}
	}
	return nil
}

func allNaN(x []float64) bool {
	for _, v := range x {
		if v == v {
			return false
		}
	}
	return true
}

// grow extends s by n elements, doubling the capacity when it must
// reallocate (append grows large slices by only 1.25x).
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) < n {
		t := make([]T, len(s), max(2*cap(s), len(s)+n, 1024))
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}

func (d *decoder) errAt(k int, format string, args ...any) error {
	file := d.file
	if d.fileAt != nil {
		file = d.fileAt(k)
	}
	return &data.RowError{File: file, Row: d.rowAt(k), Msg: d.msgPrefix + fmt.Sprintf(format, args...)}
}

// stringArray is implemented by Arrow's String, LargeString and StringView.
type stringArray interface {
	arrow.Array
	Value(i int) string
}

// valueArray is implemented by Arrow's fixed-width numeric arrays.
type valueArray[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32] interface {
	arrow.Array
	Value(i int) T
}

func convert[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](a valueArray[T], dst []float64) {
	for i := range dst {
		if a.IsNull(i) {
			dst[i] = math.NaN()
		} else {
			dst[i] = float64(a.Value(i))
		}
	}
}

// numbers converts column a into dst; off is the bar index of a's first row.
// A null is NaN (an empty price then fails validation; an empty volume is
// "unknown"), unless raw holds text for it, which is parsed.
func (d *decoder) numbers(f field, a arrow.Array, raw stringArray, dst []float64, off int) error {
	switch a := a.(type) {
	case *array.Float64:
		copy(dst, a.Float64Values())
		if a.NullN() > 0 {
			for i := range dst {
				if !a.IsNull(i) {
					continue
				}
				dst[i] = math.NaN()
				if raw == nil || raw.IsNull(i) {
					continue
				}
				s := raw.Value(i)
				v, ok := d.number(f, s, off+i)
				if !ok {
					return d.errAt(off+i, "%s %q is not a number", f, data.Clip(s))
				}
				dst[i] = v
			}
		}
	case *array.Float32:
		convert[float32](a, dst)
	case *array.Int64:
		convert[int64](a, dst)
	case *array.Int32:
		convert[int32](a, dst)
	case *array.Int16:
		convert[int16](a, dst)
	case *array.Int8:
		convert[int8](a, dst)
	case *array.Uint64:
		convert[uint64](a, dst)
	case *array.Uint32:
		convert[uint32](a, dst)
	case *array.Uint16:
		convert[uint16](a, dst)
	case *array.Uint8:
		convert[uint8](a, dst)
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := range dst {
			if a.IsNull(i) {
				dst[i] = math.NaN()
			} else {
				dst[i] = decimalFloat(a.Value(i), scale)
			}
		}
	case *array.Null:
		for i := range dst {
			dst[i] = math.NaN()
		}
	case stringArray:
		for i := range dst {
			if a.IsNull(i) {
				dst[i] = math.NaN()
				continue
			}
			s := a.Value(i)
			v, ok := d.number(f, s, off+i)
			if !ok {
				return d.errAt(off+i, "%s %q is not a number", f, data.Clip(s))
			}
			dst[i] = v
		}
	default:
		return &data.RowError{File: d.file, Msg: fmt.Sprintf("column %s has type %s, want a number", f, a.DataType())}
	}
	return nil
}

// decimalFloat converts a decimal to the float64 nearest to it, as
// strconv.ParseFloat would from its text, when it has at most 15
// significant digits and scale <= 22 (one correctly rounded division);
// otherwise as arrow-go does.
func decimalFloat(n decimal128.Num, scale int32) float64 {
	const exact = 1 << 53
	lo := int64(n.LowBits())
	small := n.HighBits() == 0 && lo >= 0 && lo < exact || n.HighBits() == -1 && lo < 0 && lo > -exact
	if small && scale >= 0 && scale <= 22 {
		return float64(lo) / math.Pow10(int(scale))
	}
	return n.ToFloat64(scale)
}

// thousandsComma matches a number grouped with commas (1,234,567.89);
// decimalComma one grouped with dots and a decimal comma (1.234.567,89);
// dotGroups one grouped by two or more dots (1.234.567: only a decimal
// comma file writes it); dotGroup one dot then three digits (1.234: a
// thousand and a quarter in a decimal comma file, one and a quarter
// otherwise).
var (
	thousandsComma = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+(\.\d*)?$`)
	decimalComma   = regexp.MustCompile(`^-?(\d{1,3}(\.\d{3})+|\d+)(,\d*)?$`)
	dotGroups      = regexp.MustCompile(`^-?\d{1,3}(\.\d{3}){2,}$`)
	dotGroup       = regexp.MustCompile(`^-?\d{1,3}\.\d{3}$`)
)

// parseNumber parses a price or volume. Empty is NaN. It accepts what
// strconv.ParseFloat accepts, then retries without a leading "$" and
// with its separators read by the file's convention: in a comma-separated
// file a comma groups thousands (1,234.5) and any other comma is refused;
// in a file whose decimal mark is the comma (commaDecimal, decided for a
// semicolon-separated file by decimalMarks) dots group thousands (1.234,5;
// 12.345 is twelve thousand) and any other dot is refused (1.5 is not a
// number there). A volume may also be "N/A", "NA", "-" or "null" (NaN) or
// end in K, M or B.
func parseNumber(s string, volume, commaDecimal bool) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN(), true
	}
	if commaDecimal && decimalComma.MatchString(s) && strings.ContainsAny(s, ".,") {
		// 1.234,5 or 12.345 (grouped thousands) or 0,5.
		return parseFloat(strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", "."))
	}
	if commaDecimal {
		if c := numberCore(s, volume); strings.Contains(c, ".") && !decimalComma.MatchString(c) {
			return 0, false // a decimal point where the comma is the decimal mark
		}
	}
	if v, ok := parseFloat(s); ok {
		return v, true
	}
	if volume {
		switch strings.ToLower(s) {
		case "n/a", "na", "-", "null", "none":
			return math.NaN(), true
		}
	}
	t := strings.TrimSpace(strings.TrimPrefix(s, "$"))
	if t == "" {
		return 0, false
	}
	switch {
	case commaDecimal && decimalComma.MatchString(t):
		t = strings.ReplaceAll(strings.ReplaceAll(t, ".", ""), ",", ".")
	case !commaDecimal && thousandsComma.MatchString(t):
		t = strings.ReplaceAll(t, ",", "")
	case !volume && strings.Contains(t, ","):
		return 0, false
	}
	if t != s {
		if v, ok := parseFloat(t); ok {
			return v, true
		}
	}
	if volume {
		mult := 0.0
		switch t[len(t)-1] {
		case 'K', 'k':
			mult = 1e3
		case 'M', 'm':
			mult = 1e6
		case 'B', 'b':
			mult = 1e9
		}
		if mult > 0 {
			// The number before the suffix, by the file's convention
			// (1,5K is 1500 where the comma is the decimal mark).
			if v, ok := parseNumber(t[:len(t)-1], false, commaDecimal); ok && !math.IsNaN(v) {
				return v * mult, true
			}
		}
	}
	return 0, false
}

// numberCore is a number's text without white space, a leading "$" and,
// for a volume, a K, M or B suffix: the part whose separators say which
// decimal mark it uses.
func numberCore(s string, volume bool) string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "$"))
	if volume && s != "" {
		switch s[len(s)-1] {
		case 'K', 'k', 'M', 'm', 'B', 'b':
			s = strings.TrimSpace(s[:len(s)-1])
		}
	}
	return s
}

// notation is what a number's text says about its file's decimal mark.
type notation int8

const (
	// markNone: no separator (12, 1e3, N/A), read alike either way.
	markNone notation = iota
	// markComma: a comma (1,5 or 1.234,5) or two or more dot groups
	// (1.234.567): the decimal mark is the comma.
	markComma
	// markPoint: a dot that cannot group thousands (1.5, 113988.7,
	// 1.2345, 1.5e3): the decimal mark is the point.
	markPoint
	// markEither: one dot then three digits (1.234): either.
	markEither
)

// numberNotation classifies a number's text (see notation).
func numberNotation(s string, volume bool) notation {
	c := numberCore(s, volume)
	switch {
	case strings.Contains(c, ","):
		return markComma
	case !strings.Contains(c, "."):
		return markNone
	case dotGroups.MatchString(c):
		return markComma
	case dotGroup.MatchString(c):
		return markEither
	}
	return markPoint
}

// decimalMarks decides a semicolon-separated file's decimal mark from all
// its numbers, not number by number: such files come from locales that
// write 1.234,5 and from exports that only swapped the delimiter (a
// Binance kline export with volumes 713.415 and 677.59). The mark is the
// comma when some number holds a comma or groups thousands with two dots,
// and the point otherwise; a file showing both (1.234,5 in one field, 1.5
// in another) is refused, naming both lines. Until the end of the file is
// read, a number that reads either way (1.234) is read with a point and
// its comma reading kept in either.
type decimalMarks struct {
	comma, point markSeen
	either       []eitherNumber
}

// markSeen is the first number that showed a decimal mark; row 0: none.
type markSeen struct {
	row  int
	f    field
	text string
}

// eitherNumber is bar k's field f, read with a decimal point, and its
// reading with a decimal comma.
type eitherNumber struct {
	f     field
	k     int
	comma float64
}

// number parses field f of source bar k from its text s: with the file's
// fixed convention, or, in a semicolon file, noting what s says about the
// decimal mark (see decimalMarks; resolveMarks decides).
func (d *decoder) number(f field, s string, k int) (float64, bool) {
	volume := f == fVolume
	m := d.marks
	if m == nil {
		return parseNumber(s, volume, false)
	}
	note := func(seen *markSeen) {
		if seen.row == 0 {
			*seen = markSeen{row: d.rowAt(k), f: f, text: strings.Clone(data.Clip(strings.TrimSpace(s)))}
		}
	}
	switch numberNotation(s, volume) {
	case markComma:
		note(&m.comma)
		return parseNumber(s, volume, true)
	case markPoint:
		note(&m.point)
	case markEither:
		v, ok := parseNumber(s, volume, false)
		if c, okc := parseNumber(s, volume, true); ok && okc && c != v {
			m.either = append(m.either, eitherNumber{f: f, k: k, comma: c})
		}
		return v, ok
	}
	return parseNumber(s, volume, false)
}

// resolveMarks decides a semicolon file's decimal mark once all its bars
// are read (see decimalMarks): with a comma, the numbers read either way
// take their comma reading; a file showing both marks is an error naming
// the line of the first decimal point.
func (d *decoder) resolveMarks() error {
	m := d.marks
	if m == nil || m.comma.row == 0 {
		return nil
	}
	if m.point.row > 0 {
		return &data.RowError{File: d.file, Row: m.point.row, Msg: fmt.Sprintf(
			"%s %q has a decimal point, but line %d writes %s %q with a decimal comma: "+
				"a semicolon-separated file's numbers must all use one decimal mark (1.234,5 or 1234.5)",
			m.point.f, m.point.text, m.comma.row, m.comma.f, m.comma.text)}
	}
	cols := [...]*[]float64{fOpen: &d.s.Open, fHigh: &d.s.High, fLow: &d.s.Low, fClose: &d.s.Close,
		fAdjClose: &d.s.AdjClose, fVolume: &d.s.Volume}
	for _, e := range m.either {
		(*cols[e.f])[e.k] = e.comma
		if e.f == fClose && d.col[fAdjClose] < 0 {
			d.s.AdjClose[e.k] = e.comma // adj_close defaults to close
		}
	}
	m.either = nil
	return nil
}

// parseFloat is strconv.ParseFloat, keeping out-of-range values (±Inf, 0),
// which validation then reports, and refusing hexadecimal and underscores.
func parseFloat(s string) (float64, bool) {
	if strings.ContainsAny(s, "xX_") {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return 0, false
	}
	return v, true
}

// Dates are kept within int64 nanoseconds, as days since 1970-01-01.
const (
	minDay  = -98615 // 1700-01-01
	maxDay  = 106650 // 2261-12-31
	dayNano = data.NanosPerDay
	dateMsg = "(want YYYY-MM-DD)"
	rangeOK = "1700-01-01..2261-12-31"
)

type dateError string

func (e dateError) Error() string { return string(e) }

const (
	errEmptyDate dateError = "empty"
	errDateRange dateError = "out of range"
	errNotDate   dateError = "not a date"
)

// timeLayouts are the timestamp forms accepted after a YYYY-MM-DD prefix.
// Fractional seconds are accepted by time.Parse after any of them.
var timeLayouts = [...]string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
}

// parseDate parses a date in one of the accepted string forms (see the
// package doc) and returns days since 1970-01-01.
func parseDate(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errEmptyDate
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if !ok1 || !ok2 || !ok3 {
			return 0, errNotDate
		}
		return checkedDay(y, m, d)
	}
	if len(s) > 10 && s[4] == '-' && (s[10] == ' ' || s[10] == 'T') {
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				y, m, d := t.Date()
				return checkedDay(y, int(m), d)
			}
		}
		return 0, errNotDate
	}
	if strings.Count(s, "/") == 2 {
		parts := strings.Split(s, "/")
		if len(parts[2]) != 4 {
			return 0, errNotDate
		}
		m, ok1 := digits(parts[0])
		d, ok2 := digits(parts[1])
		y, ok3 := digits(parts[2])
		if !ok1 || !ok2 || !ok3 || len(parts[0]) > 2 || len(parts[1]) > 2 {
			return 0, errNotDate
		}
		return checkedDay(y, m, d)
	}
	if _, ok := digits(s); ok && len(s) <= 19 {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, errNotDate
		}
		if len(s) == 8 {
			return checkedDay(int(v/10000), int(v/100%100), int(v%100))
		}
		day, ok := intDay(v)
		if !ok {
			return 0, errDateRange
		}
		return day, nil
	}
	return 0, errNotDate
}

// digits parses a non-empty string of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// checkedDay is civilDay for a parsed date, telling an impossible date from
// one out of range.
func checkedDay(y, m, d int) (int64, error) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, errNotDate
	}
	day, ok := civilDay(y, m, d)
	if !ok {
		return 0, errDateRange
	}
	return day, nil
}

// intDay reads an integer date: YYYYMMDD when it has 8 digits and is a valid
// date, otherwise a Unix epoch in seconds, milliseconds, microseconds or
// nanoseconds, told apart by magnitude (each unit's values from 1973 on are
// larger than the previous unit's up to the year 5000).
func intDay(v int64) (int64, bool) {
	if v >= 10000101 && v <= 99991231 {
		if day, err := checkedDay(int(v/10000), int(v/100%100), int(v%100)); err == nil {
			return day, true
		}
	}
	abs := v
	if abs < 0 {
		abs = -abs
	}
	var day int64
	switch {
	case abs < 1e11:
		day = floorDiv(v, 86400)
	case abs < 1e14:
		day = floorDiv(v, 86400e3)
	case abs < 1e17:
		day = floorDiv(v, 86400e6)
	default:
		day = floorDiv(v, 86400e9)
	}
	return day, day >= minDay && day <= maxDay
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDay returns the days since 1970-01-01 of a proleptic Gregorian date
// (Howard Hinnant's days_from_civil), and whether it is in range.
func civilDay(y, m, d int) (int64, bool) {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	day := int64(era)*146097 + int64(doe) - 719468
	return day, day >= minDay && day <= maxDay
}
