package duckdb

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/divergence-research/divergence/data"
)

// A file's time column is read in two steps. While the record batches
// arrive, typed columns (DATE, TIMESTAMP) are converted at once and text
// and integer columns are only kept; when the whole column is in, one
// format is decided from all its rows (see decideFormat) and every row is
// parsed with it. Then resolve picks the bar stamps: daily files keep
// 00:00 UTC of each bar's date (as they always have), intraday files the
// instant itself.

// timeCol collects one file's time column.
type timeCol struct {
	// inst[k] is row k's instant (UTC Unix ns) and day(k) its date in its
	// own offset or time zone (days since 1970-01-01): what a daily file is
	// stamped with. lday holds the dates only from the first row whose
	// date is not its instant's UTC date (push): a column in UTC, the
	// usual intraday table, keeps no second column of its length.
	inst, lday []int64
	// dateOnly: the column has no time of day (DATE, YYYY-MM-DD, slash
	// dates, YYYYMMDD), so the file is daily whatever its spacing.
	dateOnly bool
	// utc says how the column writes instants in UTC alone, with no
	// local date beside them (see epochDays): "in Unix time", "written in
	// UTC" (text with Z, +00:00 or " UTC" on every row, a Parquet or
	// Arrow timestamp zoned UTC); "" otherwise.
	utc string
	// naive: some row is a wall-clock time without an offset, read in
	// timeOpts.loc.
	naive bool
	// walls holds naive timestamps in a zone (Unix ns of the wall-clock
	// time read as if UTC) until every row is in: a file newest first
	// crosses a repeated hour in reverse, which its first and last rows
	// tell (see zoneResolver.instant).
	walls []int64
	// Deferred columns: text (chars, ends) or integers, decided at the end.
	text bool
	// chars holds the rows' text end to end, ends[k] where row k ends: a
	// row is read as a slice of chars.String(), never copied.
	chars strings.Builder
	ends  []int
	ints  []int64
	// n is the number of rows collected.
	n int
	// resolved: resolveEarly has resolved the column (err: its error).
	resolved bool
	err      error
}

// timeOpts are what a file's time column is read with.
type timeOpts struct {
	loc   *time.Location // zone of timestamps without an offset (nil: UTC)
	order data.DateFormat
	// monthFirstLayout: the file's layout is Nasdaq.com's (Close/Last),
	// whose dates are MM/DD/YYYY.
	monthFirstLayout bool
}

// add appends one batch's time column. Typed columns are converted here;
// errors name the row through d.
func (d *decoder) addTimes(a arrow.Array, off int) error {
	tc := &d.tc
	n := a.Len()
	for i := 0; i < n; i++ {
		if a.IsNull(i) {
			return d.errAt(off+i, "date is empty")
		}
	}
	outOfRange := func(i int, v any) error {
		return d.errAt(off+i, "date %v is out of range (%s)", v, rangeOK)
	}
	switch a := a.(type) {
	case *array.Date32:
		tc.dateOnly = true
		for i := 0; i < n; i++ {
			day := int64(a.Value(i))
			if day < minDay || day > maxDay {
				return outOfRange(i, fmt.Sprintf("(day %d)", day))
			}
			tc.push(day*dayNano, day)
		}
	case *array.Date64:
		tc.dateOnly = true
		for i := 0; i < n; i++ {
			day := floorDiv(int64(a.Value(i)), 86400e3)
			if day < minDay || day > maxDay {
				return outOfRange(i, fmt.Sprintf("(day %d)", day))
			}
			tc.push(day*dayNano, day)
		}
	case *array.Timestamp:
		typ := a.DataType().(*arrow.TimestampType)
		// A zoned column states its instants; a naive one is wall-clock
		// time in opts.loc (UTC by default).
		zoned := typ.TimeZone != ""
		loc := time.UTC
		if zoned {
			l, err := arrowZone(typ.TimeZone)
			if err != nil {
				return &data.RowError{File: d.file, Msg: fmt.Sprintf("date column has time zone %q: %v", typ.TimeZone, err)}
			}
			loc = l
		}
		mult := int64(typ.Unit.Multiplier())
		perDay := dayNano / mult
		for i := 0; i < n; i++ {
			v := int64(a.Value(i))
			day := floorDiv(v, perDay)
			if day < minDay-1 || day > maxDay+1 {
				return outOfRange(i, a.Value(i).ToTime(typ.Unit).In(loc).Format("2006-01-02"))
			}
			ns := v * mult
			var inst, lday int64
			switch {
			case zoned && loc == time.UTC:
				inst, lday = ns, floorDiv(ns, dayNano)
				tc.utc = "written in UTC"
			case zoned:
				inst = ns
				y, m, dd := time.Unix(0, ns).In(loc).Date()
				lday, _ = civilDay(y, int(m), dd)
			default:
				tc.naive = true
				inst, lday = ns, floorDiv(ns, dayNano)
				if l := d.topt.loc; l != nil && l != time.UTC && lday >= minDay && lday <= maxDay {
					// Placed once every row is in (resolveWalls).
					tc.walls = append(tc.walls, ns)
					continue
				}
			}
			if lday < minDay || lday > maxDay {
				return outOfRange(i, time.Unix(0, ns).UTC().Format("2006-01-02"))
			}
			tc.push(inst, lday)
		}
	case *array.Int64:
		for i := 0; i < n; i++ {
			tc.ints = append(tc.ints, a.Value(i))
		}
	case *array.Int32:
		for i := 0; i < n; i++ {
			tc.ints = append(tc.ints, int64(a.Value(i)))
		}
	case stringArray:
		tc.text = true
		size := 0
		for i := 0; i < n; i++ {
			size += len(a.Value(i))
		}
		tc.growText(n, size)
		for i := 0; i < n; i++ {
			tc.chars.WriteString(a.Value(i))
			tc.ends = append(tc.ends, tc.chars.Len())
		}
	default:
		return &data.RowError{File: d.file, Msg: fmt.Sprintf("column date has type %s, want a date, timestamp or string", a.DataType())}
	}
	tc.n += n
	return nil
}

// arrowZone is the zone an Arrow timestamp type names: time.UTC for every
// spelling of UTC writers use ("UTC", "Etc/UTC", "GMT", "Etc/GMT-0", "Z",
// "UTC+0", "+00:00"; pyarrow keeps the zone its data had), a fixed zone
// for an offset "±HH:MM" (the Arrow format's other form), else the IANA
// zone of that name. A zone in UTC alone writes no local date (epochDays
// dates its daily bars), whatever its spelling.
func arrowZone(name string) (*time.Location, error) {
	if data.UTCName(name) {
		return time.UTC, nil
	}
	s := strings.TrimSpace(name)
	if len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' {
		h, errH := strconv.Atoi(s[1:3])
		m, errM := strconv.Atoi(s[4:6])
		if errH == nil && errM == nil && h <= 14 && m < 60 {
			off := h*3600 + m*60
			if s[0] == '-' {
				off = -off
			}
			return time.FixedZone(s, off), nil
		}
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w (want an IANA name such as \"Asia/Tokyo\", UTC or an offset such as \"+08:00\")", err)
	}
	return l, nil
}

// resolveEarly resolves a text column as soon as all its rows are in and
// lets its text go: a table holds one batch of symbols' text at a time,
// not every symbol's until the last is read (a 2.5M-row CSV table's
// times held 76 MB). An error is kept for resolveTimes to return, so
// that errors come in the order they did.
func (d *decoder) resolveEarly() {
	tc := &d.tc
	if !tc.text || tc.resolved {
		return
	}
	tc.err = d.resolveText()
	tc.resolved = true
	if tc.err == nil {
		tc.chars, tc.ends = strings.Builder{}, nil
	}
}

// growText makes room for n more text rows of size bytes in all. The
// bytes are sized once from the first batch when the row count is known
// (readCSV sizes the row ends for it), else doubled: append's 1.25× steps
// copy a long column about four times over.
func (tc *timeCol) growText(n, size int) {
	tc.ends = grow(tc.ends, n)[:len(tc.ends)]
	b := &tc.chars
	if b.Len()+size <= b.Cap() {
		return
	}
	more := size // the Builder grows to twice its capacity and more
	if rows := len(tc.ends) + n; cap(tc.ends) > rows {
		// The rows to come, at this batch's bytes per row, and a
		// sixteenth more in case they are longer.
		est := size + (cap(tc.ends)-rows)*size/n
		more = est + est/16
	}
	b.Grow(more)
}

// noPrev is prev's value before the first row.
const noPrev = -1 << 63

// prev is the instant of the last row converted, for resolving a repeated
// wall-clock hour; noPrev when there is none.
func (tc *timeCol) prev() int64 {
	if len(tc.inst) == 0 {
		return noPrev
	}
	return tc.inst[len(tc.inst)-1]
}

// push appends a row's instant and its local date.
func (tc *timeCol) push(inst, lday int64) {
	if tc.lday == nil && lday != floorDiv(inst, dayNano) {
		tc.lday = make([]int64, len(tc.inst), cap(tc.inst))
		for k, v := range tc.inst {
			tc.lday[k] = floorDiv(v, dayNano)
		}
	}
	tc.inst = append(tc.inst, inst)
	if tc.lday != nil {
		tc.lday = append(tc.lday, lday)
	}
}

// day is row k's local date (see inst).
func (tc *timeCol) day(k int) int64 {
	if tc.lday != nil {
		return tc.lday[k]
	}
	return floorDiv(tc.inst[k], dayNano)
}

// str returns row k of a text column.
func (tc *timeCol) str(k int) string {
	lo := 0
	if k > 0 {
		lo = tc.ends[k-1]
	}
	return tc.chars.String()[lo:tc.ends[k]]
}

// shape is the format of one date or timestamp string, without its
// values: two rows of a file must have the same shape.
type shape struct {
	kind  shapeKind
	sep   byte // between date and time: 'T' or ' ' (0: no time)
	secs  bool // the time has seconds
	zone  zoneStyle
	order data.DateFormat // slash dates: what this row proves (auto: nothing)
}

type shapeKind uint8

const (
	shapeNone   shapeKind = iota
	shapeISO              // YYYY-MM-DD[(T| )hh:mm[:ss[.f]][zone]]
	shapeSlash            // A/B/YYYY[ hh:mm[:ss]]
	shapeDigits           // YYYYMMDD or a Unix epoch
	shapeMonth            // Mon DD, YYYY (investing.com's older exports: "Jan 03, 2019")
)

type zoneStyle uint8

const (
	zoneNone    zoneStyle = iota
	zoneColon             // Z or ±hh:mm
	zoneCompact           // ±hhmm
	zoneHour              // ±hh
	zoneUTC               // " UTC" (CoinGecko's "2024-01-01 00:00:00 UTC")
)

// describe names a shape for error messages.
func (s shape) describe() string {
	var b strings.Builder
	switch s.kind {
	case shapeISO:
		b.WriteString("YYYY-MM-DD")
	case shapeSlash:
		b.WriteString("MM/DD/YYYY or DD/MM/YYYY")
	case shapeDigits:
		return "a number (YYYYMMDD or Unix time)"
	case shapeMonth:
		return "Mon DD, YYYY"
	default:
		return "no date"
	}
	if s.sep != 0 {
		if s.sep == 'T' {
			b.WriteString("Thh:mm")
		} else {
			b.WriteString(" hh:mm")
		}
		if s.secs {
			b.WriteString(":ss")
		}
	}
	switch s.zone {
	case zoneColon:
		b.WriteString("±hh:mm")
	case zoneCompact:
		b.WriteString("±hhmm")
	case zoneHour:
		b.WriteString("±hh")
	case zoneUTC:
		b.WriteString(" UTC")
	}
	return b.String()
}

func (s shape) same(t shape) bool {
	return s.kind == t.kind && s.sep == t.sep && s.secs == t.secs && s.zone == t.zone
}

// wall is a parsed date or timestamp: a wall-clock date and time, and the
// offset written with it.
type wall struct {
	day   int64 // days since 1970-01-01 of the written date
	nanos int64 // nanoseconds since that date's midnight
	off   int64 // seconds east of UTC, when zoned
	zoned bool
}

// scan parses s as far as its shape goes: ok is false when s has no
// accepted shape. For slash dates a and b are the two first parts (not yet
// day or month) and the wall's day is not set.
func scan(s string) (sh shape, w wall, a, b, y int, ok bool) {
	switch {
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		yy, ok1 := digits(s[0:4])
		mm, ok2 := digits(s[5:7])
		dd, ok3 := digits(s[8:10])
		if !ok1 || !ok2 || !ok3 {
			return sh, w, 0, 0, 0, false
		}
		sh.kind, a, b, y = shapeISO, mm, dd, yy
		rest := s[10:]
		if rest == "" {
			return sh, w, a, b, y, true
		}
		if rest[0] != 'T' && rest[0] != ' ' {
			return sh, w, 0, 0, 0, false
		}
		sh.sep = rest[0]
		var ok bool
		if w, sh.secs, sh.zone, ok = scanClock(rest[1:], true); !ok {
			return sh, w, 0, 0, 0, false
		}
		return sh, w, a, b, y, true
	case strings.Count(s, "/") == 2:
		sh.kind = shapeSlash
		i := strings.IndexByte(s, '/')
		j := i + 1 + strings.IndexByte(s[i+1:], '/')
		date, rest := s[j+1:], ""
		if k := strings.IndexAny(date, " T"); k >= 0 {
			date, rest = date[:k], date[k:]
		}
		var ok1, ok2, ok3 bool
		a, ok1 = digits(s[:i])
		b, ok2 = digits(s[i+1 : j])
		y, ok3 = digits(date)
		if !ok1 || !ok2 || !ok3 || i > 2 || j-i-1 > 2 || len(date) != 4 {
			return sh, w, 0, 0, 0, false
		}
		if rest != "" {
			sh.sep = rest[0]
			var ok bool
			if w, sh.secs, sh.zone, ok = scanClock(rest[1:], false); !ok {
				return sh, w, 0, 0, 0, false
			}
		}
		switch {
		case a > 12 && b > 12:
			return sh, w, 0, 0, 0, false
		case a > 12:
			sh.order = data.DayFirst
		case b > 12:
			sh.order = data.MonthFirst
		}
		return sh, w, a, b, y, true
	case len(s) >= 10 && isLetter(s[0]):
		// A month's English name or its first three letters, the day,
		// a comma and the year: "May 10, 2024", "January 3, 2019".
		name, rest, _ := strings.Cut(s, " ")
		day, year, comma := strings.Cut(rest, ", ")
		m := monthNumber(name)
		dd, ok1 := digits(day)
		yy, ok2 := digits(year)
		if m == 0 || !comma || !ok1 || !ok2 || len(day) > 2 || len(year) != 4 {
			return sh, w, 0, 0, 0, false
		}
		sh.kind, a, b, y = shapeMonth, m, dd, yy
		return sh, w, a, b, y, true
	default:
		// Digits, or Unix time with a fraction (1704153600.5, as a float
		// column is written).
		whole, frac, dot := strings.Cut(s, ".")
		if _, ok := digits(whole); ok && len(whole) <= 19 {
			if !dot || frac != "" && strings.Trim(frac, "0123456789") == "" {
				sh.kind = shapeDigits
				return sh, w, 0, 0, 0, true
			}
		}
	}
	return sh, w, 0, 0, 0, false
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// monthNames are the English months, January first.
var monthNames = [12]string{"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"}

// monthNumber is the month (1-12) that s names in English, whole or by
// its first three letters ("Sep" and "Sept" too), any case; 0 if none.
func monthNumber(s string) int {
	s = strings.ToLower(s)
	for i, n := range monthNames {
		if s == n || len(s) == 3 && s == n[:3] || s == "sept" && i == 8 {
			return i + 1
		}
	}
	return 0
}

// scanClock parses hh:mm[:ss[.fraction]] and, when zones is true, an
// optional Z, ±hh:mm, ±hhmm or ±hh.
func scanClock(s string, zones bool) (w wall, secs bool, z zoneStyle, ok bool) {
	if len(s) < 5 || s[2] != ':' {
		return w, false, 0, false
	}
	hh, ok1 := digits(s[0:2])
	mi, ok2 := digits(s[3:5])
	if !ok1 || !ok2 || hh > 23 || mi > 59 {
		return w, false, 0, false
	}
	w.nanos = int64(hh*3600+mi*60) * 1e9
	s = s[5:]
	if len(s) >= 3 && s[0] == ':' {
		ss, ok := digits(s[1:3])
		if !ok || ss > 59 {
			return w, false, 0, false
		}
		secs = true
		w.nanos += int64(ss) * 1e9
		s = s[3:]
		if len(s) > 1 && (s[0] == '.' || s[0] == ',') {
			k := 1
			frac, scale := int64(0), int64(1e9)
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				if scale > 1 {
					scale /= 10
					frac += int64(s[k]-'0') * scale
				}
				k++
			}
			if k == 1 {
				return w, false, 0, false
			}
			w.nanos += frac
			s = s[k:]
		}
	}
	if s == "" {
		return w, secs, zoneNone, true
	}
	if !zones {
		return w, false, 0, false
	}
	if s == "Z" {
		w.zoned = true
		return w, secs, zoneColon, true
	}
	if s == " UTC" {
		w.zoned = true
		return w, secs, zoneUTC, true
	}
	if s[0] != '+' && s[0] != '-' {
		return w, false, 0, false
	}
	sign := int64(1)
	if s[0] == '-' {
		sign = -1
	}
	var oh, om int
	switch {
	case len(s) == 6 && s[3] == ':':
		oh, ok1 = digits(s[1:3])
		om, ok2 = digits(s[4:6])
		z = zoneColon
	case len(s) == 5:
		oh, ok1 = digits(s[1:3])
		om, ok2 = digits(s[3:5])
		z = zoneCompact
	case len(s) == 3:
		oh, ok1 = digits(s[1:3])
		ok2 = true
		z = zoneHour
	default:
		return w, false, 0, false
	}
	if !ok1 || !ok2 || oh > 23 || om > 59 {
		return w, false, 0, false
	}
	w.off, w.zoned = sign*int64(oh*3600+om*60), true
	return w, secs, z, true
}

// epochUnit is the unit of an integer timestamp, told by magnitude: each
// unit's values from 1973 on are larger than the previous unit's up to
// the year 5000.
func epochUnit(v int64) (mult int64, name string) {
	abs := v
	if abs < 0 {
		abs = -abs
	}
	switch {
	case abs < 1e11:
		return 1e9, "seconds"
	case abs < 1e14:
		return 1e6, "milliseconds"
	case abs < 1e17:
		return 1e3, "microseconds"
	}
	return 1, "nanoseconds"
}

// resolveTimes decides the format of a deferred (text or integer) time
// column from all its rows, then parses every row with it. A row in
// another format than the first row's is an error naming it; so is a file
// of slash dates that cannot tell day-first from month-first, unless
// opts.order or the layout says which.
func (d *decoder) resolveTimes() error {
	tc := &d.tc
	if tc.resolved {
		return tc.err
	}
	if tc.text {
		return d.resolveText()
	}
	if tc.walls != nil {
		return d.resolveWalls()
	}
	if tc.ints != nil {
		return d.resolveInts(tc.ints, nil, func(k int) string { return strconv.FormatInt(tc.ints[k], 10) })
	}
	return nil
}

// resolveWalls places naive timestamps in the zone of timeOpts.loc (see
// walls).
func (d *decoder) resolveWalls() error {
	tc := &d.tc
	n := len(tc.walls)
	z := newZoneResolver(d.topt.loc)
	z.desc = n >= 2 && tc.walls[n-1] < tc.walls[0]
	tc.inst, tc.lday = slices.Grow(tc.inst[:0], n), nil
	for k, w := range tc.walls {
		inst, err := z.instant(w, tc.prev())
		if err != nil {
			return d.errAt(k, "timestamp %s %v", time.Unix(0, w).UTC().Format("2006-01-02 15:04:05"), err)
		}
		tc.push(inst, floorDiv(w, dayNano))
	}
	tc.walls = nil
	return nil
}

// resolveInts reads integer dates: YYYYMMDD when every value is an
// 8-digit valid date, otherwise Unix time in one unit for the whole file.
// frac, when not nil, holds each value's fraction of its unit in
// billionths (1704153600.5 seconds: 1704153600 and 500,000,000): Unix
// time, never YYYYMMDD; a fraction finer than a nanosecond is dropped.
func (d *decoder) resolveInts(v, frac []int64, text func(k int) string) error {
	tc := &d.tc
	ymd := frac == nil
	for _, x := range v {
		if x < 10000101 || x > 99991231 {
			ymd = false
			break
		}
		if _, err := checkedDay(int(x/10000), int(x/100%100), int(x%100)); err != nil {
			ymd = false
			break
		}
	}
	tc.inst, tc.lday = slices.Grow(tc.inst[:0], len(v)), nil
	if ymd {
		tc.dateOnly = true
		for _, x := range v {
			day, _ := civilDay(int(x/10000), int(x/100%100), int(x%100))
			tc.push(day*dayNano, day)
		}
		return nil
	}
	tc.utc = "in Unix time"
	mult, unit := epochUnit(v[0])
	for k, x := range v {
		m, u := epochUnit(x)
		if m != mult {
			return d.errAt(k, "timestamp %s is in %s but row %d (%s) is in %s: one unit per file", text(k), u, d.rowAt(0), text(0), unit)
		}
		day := floorDiv(x, dayNano/mult)
		if day < minDay || day > maxDay {
			return d.errAt(k, "date %s is out of range (%s)", text(k), rangeOK)
		}
		inst := x * mult
		if frac != nil {
			inst += frac[k] * mult / 1e9
			day = floorDiv(inst, dayNano)
		}
		tc.push(inst, day)
	}
	return nil
}

// resolveText reads a text time column (see resolveTimes).
func (d *decoder) resolveText() error {
	tc := &d.tc
	n := len(tc.ends)
	var first shape
	order := d.topt.order
	orderRow := -1 // the first row that proves the order of slash dates
	for k := 0; k < n; k++ {
		s := strings.TrimSpace(tc.str(k))
		if s == "" {
			return d.errAt(k, "date is empty")
		}
		sh, _, _, _, _, ok := scan(s)
		if !ok {
			if k > 0 {
				// The file's format is known by now: name it, not the
				// plain date of a file that may hold Unix times.
				return d.errAt(k, "date %q is not a date (want %s, as row %d's %q)",
					clip(s), first.describe(), d.rowAt(0), clip(strings.TrimSpace(tc.str(0))))
			}
			return d.errAt(k, "date %q is not a date %s", clip(s), dateMsg)
		}
		if k == 0 {
			first = sh
		} else if !sh.same(first) {
			return d.errAt(k, "date %q is written as %s but row %d (%q) as %s: one date format per file",
				clip(s), sh.describe(), d.rowAt(0), clip(strings.TrimSpace(tc.str(0))), first.describe())
		}
		if sh.kind == shapeSlash && d.topt.order == data.DateFormatAuto && sh.order != data.DateFormatAuto {
			switch {
			case orderRow < 0:
				order, orderRow = sh.order, k
			case sh.order != order:
				return d.errAt(k, "date %q is %s but row %d (%q) is %s: one date format per file",
					clip(s), sh.order, d.rowAt(orderRow), clip(strings.TrimSpace(tc.str(orderRow))), order)
			}
		}
	}
	switch first.kind {
	case shapeDigits:
		v := make([]int64, n)
		var frac []int64 // each row's fraction of its unit, in billionths, when one has a fraction
		for k := range v {
			s := strings.TrimSpace(tc.str(k))
			whole, f, _ := strings.Cut(s, ".")
			x, err := strconv.ParseInt(whole, 10, 64)
			if err != nil {
				return d.errAt(k, "date %q is not a date (want %s)", clip(s), first.describe())
			}
			v[k] = x
			if f = strings.TrimRight(f, "0"); f != "" {
				if frac == nil {
					frac = make([]int64, n)
				}
				f = (f + "00000000")[:9] // billionths: digits past the ninth are dropped
				frac[k], _ = strconv.ParseInt(f, 10, 64)
			}
		}
		return d.resolveInts(v, frac, func(k int) string { return strings.TrimSpace(tc.str(k)) })
	case shapeSlash:
		if order == data.DateFormatAuto {
			if !d.topt.monthFirstLayout {
				return d.errAt(0, "dates such as %q can be read day-first or month-first and no row says which: "+
					"give the date format (--date-format or date_format = \"MM/DD/YYYY\" or \"DD/MM/YYYY\")", clip(strings.TrimSpace(tc.str(0))))
			}
			order = data.MonthFirst
		}
	}
	tc.dateOnly = first.sep == 0 && first.kind != shapeDigits
	tc.inst, tc.lday = slices.Grow(tc.inst[:0], n), nil
	z := newZoneResolver(d.topt.loc)
	// row reads row k's wall-clock time (local: ns as if UTC).
	row := func(k int) (s string, w wall, day, local int64, err error) {
		s = strings.TrimSpace(tc.str(k))
		_, w, a, b, y, _ := scan(s)
		m, dd := a, b
		if first.kind == shapeSlash && order == data.DayFirst {
			m, dd = b, a
		}
		day, err = checkedDay(y, m, dd)
		return s, w, day, day*dayNano + w.nanos, err
	}
	// A file of local times newest first crosses a repeated hour in
	// reverse: its later instant comes first (see zoneResolver.instant).
	if n >= 2 && first.zone == zoneNone {
		_, _, _, l0, err0 := row(0)
		_, _, _, l1, err1 := row(n - 1)
		z.desc = err0 == nil && err1 == nil && l1 < l0
	}
	utc := first.zone != zoneNone // every row written in UTC, so far
	for k := 0; k < n; k++ {
		s, w, day, local, err := row(k)
		switch {
		case err == errDateRange:
			return d.errAt(k, "date %q is out of range (%s)", clip(s), rangeOK)
		case err != nil && first.kind == shapeSlash:
			return d.errAt(k, "date %q is not a date (want %s)", clip(s), order)
		case err != nil:
			return d.errAt(k, "date %q is not a date %s", clip(s), dateMsg)
		}
		w.day = day
		utc = utc && w.off == 0
		var inst int64
		if w.zoned {
			inst = local - w.off*1e9
		} else {
			tc.naive = true
			if inst, err = z.instant(local, tc.prev()); err != nil {
				return d.errAt(k, "timestamp %q %v", clip(s), err)
			}
		}
		tc.push(inst, day)
	}
	if utc {
		tc.utc = "written in UTC"
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}

// stampTimes turns the resolved column into the series' times: a daily
// file (no time of day, or bars a day or more apart) is stamped 00:00 UTC
// of each bar's date, an intraday file with each bar's instant. A file
// mostly of daily bars whose rows hold, somewhere, three or more bars of
// one day at increasing times (a daily history with hourly bars after
// it) is intraday too: stamped by their dates, its hourly bars fell on
// one stamp, refused as a "duplicate date". A file
// whose rows are strictly newest first throughout is reversed (with a
// note); any other disorder is left for validation to report. Daily bars
// in Unix time or written in UTC are dated as epochDays says.
func (d *decoder) stampTimes() error {
	tc := &d.tc
	n := len(tc.inst)
	if d.table && !slices.IsSorted(tc.inst) {
		// A table's rows were sorted by time in SQL; text times are
		// sorted here, after parsing (stably: duplicates stay neighbours
		// for validation to report).
		d.perm = make([]int, n)
		for k := range d.perm {
			d.perm[k] = k
		}
		sort.SliceStable(d.perm, func(a, b int) bool { return tc.inst[d.perm[a]] < tc.inst[d.perm[b]] })
		inst := make([]int64, n)
		for k, i := range d.perm {
			inst[k] = tc.inst[i]
		}
		if tc.lday != nil {
			lday := make([]int64, n)
			for k, i := range d.perm {
				lday[k] = tc.lday[i]
			}
			tc.lday = lday
		}
		tc.inst = inst
		d.s.Time = make([]int64, n) // placeholder for permute
		d.permute()
	}
	if loc := d.topt.loc; loc != nil && loc != time.UTC && n > 0 && !tc.naive && !tc.dateOnly {
		// The zone was given for another file (a folder's, a table's
		// setting) or in the belief that it applies: say it does not.
		how := "are Unix times"
		if tc.utc != "in Unix time" {
			how = "are written with their offset or zone"
		}
		d.s.Notes = append(d.s.Notes, fmt.Sprintf("timezone %s not applied: the stamps %s, instants that need no zone (it is the zone of stamps written without an offset)", loc, how))
	}
	daily := tc.dateOnly || !d.intraday && (n < 2 || medianAbsStep(tc.inst) >= 23*int64(time.Hour) && !tc.intradayDay())
	if daily && tc.utc != "" && n > 0 {
		if err := d.epochDays(); err != nil {
			return err
		}
	}
	if daily && n >= 2 && !tc.dateOnly && tc.naive && (d.topt.loc == nil || d.topt.loc == time.UTC) && d.s.Class != data.Equity {
		// A token's daily bars written without a zone keep their written
		// dates (a naive 16:00 may be a local close), but a token has no
		// close: at one time past 12:00 they are likely UTC times of an
		// eastern zone's midnights, which epochDays would date a day later.
		tod := tc.inst[0] - floorDiv(tc.inst[0], dayNano)*dayNano
		one := tod > 12*int64(time.Hour)
		for k := 1; k < n && one; k++ {
			one = tc.inst[k]-floorDiv(tc.inst[k], dayNano)*dayNano == tod
		}
		if one {
			hm := hhmm(tod)
			d.s.Notes = append(d.s.Notes, fmt.Sprintf("daily bars written at %s without a zone: each dated as written (%s is the bar of %s); if they are UTC times of the midnights of +%s (Binance timeZone=8 or OKX 1D open times read by pandas without utc=True), each is the bar of the next day, which closes at %s UTC on it: write them with their zone (Z, pandas utc=True, a Parquet timestamp zoned UTC) or in Unix time",
				hm, data.FormatTime(tc.inst[0]), data.FormatDay(tc.day(0)*dayNano), hhmm(dayNano-tod), hm))
		}
	}
	// The instants become the stamps in place: the column is not read
	// again once stamped.
	t := tc.inst[:n:n]
	// A token's daily bars every one of which is 00:00 UTC, written in a
	// zone behind UTC ("2024-11-27 21:00:00-03:00" for the candle of
	// 2024-11-28), are UTC days: their local dates, a day early
	// throughout, are not read. A file written at local midnight
	// ("2024-01-02 00:00:00-05:00") keeps its local dates, and so does an
	// equity's (its bars are its sessions' dates: "2024-01-05 19:00-05:00"
	// is Friday's, not Saturday's).
	utcDays := daily && d.s.Class != data.Equity && !tc.dateOnly && tc.lday != nil && n > 0
	first := -1 // the first row whose local date is not its UTC date
	for k := 0; k < n && utcDays; k++ {
		utcDays = tc.inst[k]%dayNano == 0
		if first < 0 && tc.lday[k] != floorDiv(tc.inst[k], dayNano) {
			first = k
		}
	}
	if daily && !utcDays {
		// One bar has no spacing to tell an intraday bar from a day: it
		// is its date's daily bar, and a time of day written on it is
		// said to be dropped, not dropped without a word.
		if n == 1 && !tc.dateOnly && t[0]%dayNano != 0 {
			d.s.Notes = append(d.s.Notes, fmt.Sprintf("one bar, at %s: read as the daily bar of %s (stamped 00:00 UTC), for one bar has no spacing to tell an intraday bar from a day; an intraday bar needs the bars around it in the file",
				data.FormatTime(t[0]), data.FormatDay(tc.day(0)*dayNano)))
		}
		for k := range t {
			t[k] = tc.day(k) * dayNano // reads row k before it is stamped
		}
	}
	if utcDays {
		d.s.Notes = append(d.s.Notes, fmt.Sprintf("daily bars stamped 00:00 UTC, written in a zone behind UTC (%s 00:00 UTC is %s there): read as the UTC days they are, not their local dates",
			data.FormatDay(t[first]), data.FormatDay(tc.lday[first]*dayNano)))
	}
	d.s.Time = t
	tc.inst, tc.lday = nil, nil
	desc := n >= 2 && !d.table
	for k := 1; k < n && desc; k++ {
		desc = t[k] < t[k-1]
	}
	if desc {
		d.reverse()
		// Both ends in one format: instants unless both are at 00:00
		// UTC (an hourly file's oldest bar at 00:00 read as a date).
		newest, oldest := data.FormatStamp(t[n-1]), data.FormatStamp(t[0])
		if t[0]%data.NanosPerDay != 0 || t[n-1]%data.NanosPerDay != 0 {
			newest, oldest = data.FormatTime(t[n-1]), data.FormatTime(t[0])
		}
		d.s.Notes = append(d.s.Notes, fmt.Sprintf("rows are newest first (strictly descending from %s to %s); read in reverse order", newest, oldest))
	}
	d.s.SetInterval()
	return nil
}

// reverse reverses every column and the row map.
func (d *decoder) reverse() {
	n := len(d.s.Time)
	d.perm = make([]int, n)
	for k := range d.perm {
		d.perm[k] = n - 1 - k
	}
	d.permute()
}

// permute reorders every column by d.perm.
func (d *decoder) permute() {
	tmp := make([]int64, len(d.perm))
	for k, i := range d.perm {
		tmp[k] = d.s.Time[i]
	}
	copy(d.s.Time, tmp)
	f := make([]float64, len(d.perm))
	for _, c := range [][]float64{d.s.Open, d.s.High, d.s.Low, d.s.Close, d.s.AdjClose, d.s.Volume} {
		for k, i := range d.perm {
			f[k] = c[i]
		}
		copy(c, f)
	}
}

// medianAbsStep is the median of |t[k] - t[k-1]| (lower middle), counted
// by value so that it costs no sort of the whole column.
// intradayDay reports whether three or more consecutive rows fall on
// one day (tc.day) at increasing instants: bars within a day. Two rows
// of one day stay a duplicate date for validation to report.
func (tc *timeCol) intradayDay() bool {
	run := 1
	for k := 1; k < len(tc.inst); k++ {
		if tc.inst[k] > tc.inst[k-1] && tc.day(k) == tc.day(k-1) {
			if run++; run >= 3 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

func medianAbsStep(t []int64) int64 {
	counts := map[int64]int{}
	for k := 1; k < len(t); k++ {
		s := t[k] - t[k-1]
		if s < 0 {
			s = -s
		}
		counts[s]++
	}
	keys := make([]int64, 0, len(counts))
	for s := range counts {
		keys = append(keys, s)
	}
	slices.Sort(keys)
	want, seen := (len(t)-2)/2, 0
	for _, s := range keys {
		seen += counts[s]
		if seen > want {
			return s
		}
	}
	return 0
}

// zoneResolver converts wall-clock times in a zone to instants, caching
// 15-minute stretches of wall time that have one unambiguous offset.
type zoneResolver struct {
	loc *time.Location
	// desc: the rows are newest first, so a repeated hour's second
	// occurrence (the later instant) comes first.
	desc   bool
	bucket int64 // cached wall bucket (floor(wall s / 900)); valid when ok
	off    int64 // its offset, seconds east of UTC
	ok     bool
}

func newZoneResolver(loc *time.Location) *zoneResolver { return &zoneResolver{loc: loc} }

// zoneError says why a wall-clock time has no single instant.
type zoneError string

func (e zoneError) Error() string { return string(e) }

// instant returns the instant of wall (Unix ns of the wall-clock time read
// as if UTC). Without a zone (or UTC) it is wall itself. A time skipped by
// a daylight-saving change is an error; a time that occurs twice (the hour
// repeated when clocks go back) is its first occurrence, or the second when
// the first would not come after prev (the previous row's instant), so
// that an ascending file of local times crosses the change in order; in a
// newest-first file (desc) it is the second occurrence, or the first when
// the second would not come before prev.
func (z *zoneResolver) instant(wall, prev int64) (int64, error) {
	if z.loc == nil || z.loc == time.UTC {
		return wall, nil
	}
	ws := floorDiv(wall, 1e9)
	if b := floorDiv(ws, 900); z.ok && b == z.bucket {
		return wall - z.off*1e9, nil
	}
	offs, n := z.offsets(ws)
	switch n {
	case 0:
		return 0, zoneError(fmt.Sprintf("does not exist in %s (skipped when clocks went forward)", z.loc))
	case 2:
		first := wall - offs[0]*1e9 // larger offset first: the earlier instant
		second := wall - offs[1]*1e9
		if z.desc {
			if prev == noPrev || second < prev {
				return second, nil
			}
			return first, nil
		}
		if first > prev {
			return first, nil
		}
		return second, nil
	}
	// Cache the bucket when its first and last second have this offset
	// alone (no change can fall inside 15 minutes and out again).
	b := floorDiv(ws, 900)
	if o0, n0 := z.offsets(b * 900); n0 == 1 && o0[0] == offs[0] {
		if o1, n1 := z.offsets(b*900 + 899); n1 == 1 && o1[0] == offs[0] {
			z.bucket, z.off, z.ok = b, offs[0], true
		}
	}
	return wall - offs[0]*1e9, nil
}

// offsets returns the offsets (seconds east of UTC, larger first) under
// which wall-clock second ws exists in the zone: none in a gap, two in a
// repeated hour.
func (z *zoneResolver) offsets(ws int64) ([2]int64, int) {
	var out [2]int64
	n := 0
	for _, probe := range [2]int64{ws - 86400, ws + 86400} {
		_, o := time.Unix(probe, 0).In(z.loc).Zone()
		c := ws - int64(o)
		if _, oc := time.Unix(c, 0).In(z.loc).Zone(); int64(oc) != int64(o) {
			continue
		}
		if n == 1 && out[0] == int64(o) {
			continue
		}
		out[n] = int64(o)
		n++
	}
	if n == 2 && out[1] > out[0] {
		out[0], out[1] = out[1], out[0]
	}
	return out, n
}

// dstRun is the fewest rows a run of daily stamps at a daylight-saving
// time of day (an hour from the file's own) holds between two others: a
// season of summer or winter time holds months of them, a stray row one.
const dstRun = 10

// epochDays dates daily bars stamped in Unix time or written in UTC
// (2024-01-01T16:00:00Z, a Parquet timestamp zoned UTC), which write no
// local date: each is stamped at its day's open, a midnight. At 00:00 UTC that is its
// UTC date. At another time of day h the stamps are local midnights of a
// zone, an hour apart across its daylight-saving changes: past 12:00 UTC
// (16:00: OKX "1D" and Binance timeZone=8 days, of UTC+8) a zone east of
// UTC, whose bar opens the UTC day before its date and closes on it,
// dated by that local date (the UTC day it closes in) with a note naming
// the offsets read (readers name the file of a series' notes); up to 10:00 (05:00/04:00: yfinance's New
// York midnights; Hawaii's 10:00) a zone west of UTC, whose bar keeps the date of its
// open. Between, where the day line runs, the zone's standard time of day
// (of two an hour apart, the later) tells: past 10:00 east (Auckland's
// 12:00 and 11:00 in summer, Chatham's 11:15 and 10:15, Tonga's 11:00),
// with a note when one time alone might be a zone's to the west. An equity's stamps past 12:00 that are its sessions' closes
// (21:00 UTC in New York) keep their dates: read as midnights to the
// east, bars of Friday would fall on Saturday. A row off the file's time
// of day (the time most of its rows have) by more than an hour, or by one
// hour for fewer than dstRun rows between rows at the file's time, has no
// date that can be told: it is an error naming it, unless it shares its
// UTC date with a row beside it (then the file keeps its UTC dates, and
// validation reports the duplicate date).
func (d *decoder) epochDays() error {
	tc := &d.tc
	n := len(tc.inst)
	tod := func(k int) int64 { return tc.inst[k] - floorDiv(tc.inst[k], dayNano)*dayNano }
	counts := map[int64]int{}
	for k := range n {
		counts[tod(k)]++
	}
	h, most := int64(0), 0
	for v, c := range counts {
		if c > most || c == most && v < h {
			h, most = v, c
		}
	}
	if len(counts) == 1 && h == 0 {
		return nil
	}
	apart := func(a, b int64) int64 { // on the clock's circle
		x := a - b
		if x < 0 {
			x = -x
		}
		return min(x, dayNano-x)
	}
	for k := 0; k < n; {
		j := k
		for j < n && tod(j) == tod(k) {
			j++
		}
		if v := tod(k); v != h && (apart(v, h) != int64(time.Hour) || len(counts) > 2 || k > 0 && j < n && j-k < dstRun) {
			utcDay := func(i int) int64 { return floorDiv(tc.inst[i], dayNano) }
			if k > 0 && utcDay(k-1) == utcDay(k) || k+1 < n && utcDay(k+1) == utcDay(k) {
				// A second bar of a date: validation names the
				// duplicate date, as in any daily file.
				return nil
			}
			src := k
			if d.perm != nil {
				src = d.perm[k]
			}
			return d.errAt(src, "daily bar stamped %s (%s UTC) is off the file's time of day, %s UTC (%d of its %d rows): a daily bar is stamped at its day's open, and this one's day cannot be told; "+
				"an hour off is taken for a daylight-saving change only in runs of %d rows or more",
				data.FormatTime(tc.inst[k]), hhmm(v), hhmm(h), most, n, dstRun)
		}
		k = j
	}
	// std is the zone's standard time of day: of two an hour apart (its
	// daylight-saving change), the later, whose summer time is an hour
	// before it. From 10:00 to 12:00 a midnight may be of either side of
	// the day line (−10:00 to −12:00, +14:00 to +12:00): a standard time
	// past 10:00 is east (Auckland's 12:00, 11:00 in its summer; Chatham's
	// 11:15, 10:15 in its summer), 10:00 west (Hawaii's, and the
	// Aleutians' with 09:00 in summer), each with its own time of day.
	std := h
	for v := range counts {
		if v != h && (h+int64(time.Hour))%dayNano == v {
			std = v
		}
	}
	const ten = 10 * int64(time.Hour)
	farEast := std > ten
	east := func(k int) bool { return tod(k) > 12*int64(time.Hour) || farEast }
	either := "" // a note of the reading taken, when the other side was possible
	if len(counts) == 1 && h >= ten && h < 12*int64(time.Hour) {
		// One time of day alone, where a midnight may be of either side.
		e, w := "+"+hhmm(dayNano-h), "-"+hhmm(h)
		msg := fmt.Sprintf("read as %s's (Hawaii), each bar dated by the UTC date of its open; at %s (Kiribati's Line Islands) each would be a day later", w, e)
		if farEast {
			msg = fmt.Sprintf("read as %s's, each bar dated by the UTC day in which it closes; at %s each would be a day earlier", e, w)
			if h == 11*int64(time.Hour) {
				msg = fmt.Sprintf("read as %s's (Tonga, Samoa, New Zealand in summer), each bar dated by the UTC day in which it closes; at %s (American Samoa, Niue) each would be a day earlier", e, w)
			}
		}
		either = fmt.Sprintf("daily bars %s stamped at %s UTC, the midnight of %s or of %s: %s", tc.utc, hhmm(h), e, w, msg)
	}
	first := -1 // the first row east of UTC
	for k := 0; k < n && first < 0; k++ {
		if east(k) {
			first = k
		}
	}
	if first < 0 {
		if either != "" {
			d.s.Notes = append(d.s.Notes, either)
		}
		return nil
	}
	lday := make([]int64, n)
	weekend := func(day int64) bool { return data.Weekday(day*dayNano) >= 5 }
	utcWeekend, localWeekend := false, false
	for k := range n {
		lday[k] = floorDiv(tc.inst[k], dayNano)
		utcWeekend = utcWeekend || weekend(lday[k])
		if east(k) {
			lday[k]++
		}
		localWeekend = localWeekend || weekend(lday[k])
	}
	if d.s.Class == data.Equity && localWeekend && !utcWeekend {
		return nil
	}
	var offs []string
	for k := range n {
		if east(k) {
			o := "+" + hhmm(dayNano-tod(k))
			if !slices.Contains(offs, o) {
				offs = append(offs, o)
			}
		}
	}
	tc.lday = lday
	if either != "" {
		d.s.Notes = append(d.s.Notes, either)
	}
	d.s.Notes = append(d.s.Notes, fmt.Sprintf("daily bars %s stamped at %s UTC, the midnight of a zone east of UTC (%s): each dated by its local date, the UTC day in which it closes (%s is the bar of %s), not the UTC date of its open",
		tc.utc, hhmm(tod(first)), strings.Join(offs, ", "), data.FormatTime(tc.inst[first]), data.FormatDay(lday[first]*dayNano)))
	return nil
}

// hhmm writes a time of day or a span of less than a day (ns) as hh:mm.
func hhmm(v int64) string {
	return fmt.Sprintf("%02d:%02d", v/int64(time.Hour), v%int64(time.Hour)/int64(time.Minute))
}
