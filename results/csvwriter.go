package results

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/divergence-research/divergence/data"
)

// csvWriter writes CSV rows into a byte buffer that it hands to w in
// blocks of about 64 KiB: numbers are appended with appendFloat
// and times with time.AppendFormat, so a row costs no allocation. Its
// output is byte for byte that of encoding/csv.Writer with the default
// settings (comma, "\n" line ends, RFC 4180 quoting), which the tests
// check against it.
type csvWriter struct {
	w   io.Writer
	buf []byte
	col int // fields written on the current row
	err error
	// last holds, per column, the last float written and its text: a
	// value that repeats down a column (the cash of a flat position,
	// a zero exposure, a drawdown at the peak) is copied, not formatted
	// again.
	last [maxMemoColumns]lastFloat
	// prev is the float field just written on this row, as a span of
	// buf: a value equal to the field before it (the cash of a flat
	// position beside its equity, the net exposure of a long-only book
	// beside its gross) is copied too.
	prev prevFloat
	// date is the text of the last date written (dateLayout) and day
	// its day number; dated is false before the first. A later date of the
	// same month up to its 28th is the text with its day moved on.
	date  [10]byte
	day   int64
	dated bool
}

// prevFloat is the column, bits and text (buf[start:end]) of the last
// float written on the current row; col is -1 when there is none.
type prevFloat struct {
	col        int
	bits       uint64
	start, end int
}

// maxMemoColumns is how many leading columns keep their last float.
const maxMemoColumns = 16

type lastFloat struct {
	bits uint64
	n    uint8 // length of text; 0: none yet
	text [24]byte
}

const csvBlock = 64 << 10

func newCSVWriter(w io.Writer) *csvWriter {
	return &csvWriter{w: w, buf: make([]byte, 0, csvBlock+4096), prev: prevFloat{col: -1}}
}

func (c *csvWriter) sep() {
	if c.col > 0 {
		c.buf = append(c.buf, ',')
	}
	c.col++
}

// String appends a text field, quoted when encoding/csv would quote it.
func (c *csvWriter) String(s string) {
	c.sep()
	if !fieldNeedsQuotes(s) {
		c.buf = append(c.buf, s...)
		return
	}
	c.buf = append(c.buf, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		c.buf = append(c.buf, s[:i+1]...)
		c.buf = append(c.buf, '"')
		s = s[i+1:]
	}
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, '"')
}

// Float appends v in the shortest form that round-trips ('g', -1): NaN,
// +Inf and -Inf as strconv writes them. A value with the bits of the
// column's previous one or of the field just before it on the row is
// copied from that text instead of formatted again.
func (c *csvWriter) Float(v float64) {
	col := c.col
	c.sep()
	bits := math.Float64bits(v)
	start := len(c.buf)
	switch {
	case col < maxMemoColumns && c.last[col].n > 0 && c.last[col].bits == bits:
		m := &c.last[col]
		c.buf = append(c.buf, m.text[:m.n]...)
	case col > 0 && c.prev.col == col-1 && c.prev.bits == bits:
		c.buf = append(c.buf, c.buf[c.prev.start:c.prev.end]...)
		c.remember(col, bits, start)
	default:
		c.buf = appendFloat(c.buf, v)
		c.remember(col, bits, start)
	}
	c.prev = prevFloat{col: col, bits: bits, start: start, end: len(c.buf)}
}

// remember keeps the text of column col's float (buf[start:]) for the
// next row, when the column has a memo and the text fits.
func (c *csvWriter) remember(col int, bits uint64, start int) {
	if col >= maxMemoColumns {
		return
	}
	m := &c.last[col]
	if n := len(c.buf) - start; n <= len(m.text) {
		m.bits, m.n = bits, uint8(n)
		copy(m.text[:], c.buf[start:])
	} else {
		m.n = 0
	}
}

// FloatOrEmpty appends v like Float, or an empty field when v is NaN.
func (c *csvWriter) FloatOrEmpty(v float64) {
	if math.IsNaN(v) {
		c.sep()
		return
	}
	c.Float(v)
}

// Int appends a decimal integer.
func (c *csvWriter) Int(v int64) {
	c.sep()
	c.buf = strconv.AppendInt(c.buf, v, 10)
}

// Uint appends a decimal unsigned integer.
func (c *csvWriter) Uint(v uint64) {
	c.sep()
	c.buf = strconv.AppendUint(c.buf, v, 10)
}

// Bool appends true or false.
func (c *csvWriter) Bool(v bool) {
	c.sep()
	c.buf = strconv.AppendBool(c.buf, v)
}

// Time appends UTC Unix nanoseconds in the layout.
func (c *csvWriter) Time(t int64, layout string) {
	c.sep()
	if layout == dateLayout {
		c.appendDate(t)
		return
	}
	c.buf = time.Unix(0, t).UTC().AppendFormat(c.buf, layout)
}

// appendDate appends t's date as appendDate does, from the last date's
// text when t's day is that day or a later one of its month up to the
// 28th (every month has one): a daily curve's rows step one day at a
// time.
func (c *csvWriter) appendDate(t int64) {
	days := data.DayNumber(t)
	if c.dated {
		dd := int64(c.date[8]-'0')*10 + int64(c.date[9]-'0')
		if step := days - c.day; step >= 0 && dd+step <= 28 {
			dd += step
			c.date[8], c.date[9] = byte('0'+dd/10), byte('0'+dd%10)
			c.day = days
			c.buf = append(c.buf, c.date[:]...)
			return
		}
	}
	start := len(c.buf)
	c.buf = appendDate(c.buf, t)
	c.day = days
	// A year past 9999 or before 0 writes more than the memo holds.
	c.dated = len(c.buf)-start == len(c.date)
	if c.dated {
		copy(c.date[:], c.buf[start:])
	}
}

// EndRow ends the row, and writes the buffer out when a block is full.
func (c *csvWriter) EndRow() {
	c.buf = append(c.buf, '\n')
	c.col = 0
	c.prev.col = -1
	if len(c.buf) >= csvBlock {
		c.flush()
	}
}

func (c *csvWriter) flush() {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
	}
	c.buf = c.buf[:0]
}

// Close writes what is buffered and returns the first write error.
func (c *csvWriter) Close() error {
	c.flush()
	return c.err
}

// fieldNeedsQuotes is encoding/csv's rule for a comma-separated field: a
// field is quoted when it holds a comma, a quote, CR or LF, begins with a
// space (Unicode), or is `\.`; an empty field is not.
func fieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// appendDate appends the UTC date of t (2006-01-02), as time.Format
// would for the years 0000–9999, by civil-from-days arithmetic (Howard
// Hinnant's algorithm) instead of a time.Time per row.
func appendDate(b []byte, t int64) []byte {
	days := t / data.NanosPerDay
	if t%data.NanosPerDay < 0 {
		days--
	}
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return time.Unix(0, t).UTC().AppendFormat(b, dateLayout)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}
