package data

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Series is one instrument's bars, column by column. All columns have the
// length of Time. Time is strictly increasing.
type Series struct {
	Instrument
	// Time is each bar's open instant in UTC Unix nanoseconds. Daily (and
	// coarser) bars are stamped 00:00 UTC of their date (the UTC day a
	// crypto candle opened, an equity's session date); intraday bars with
	// their open instant.
	Time                           []int64
	Open, High, Low, Close, Volume []float64
	// AdjClose is the source's adjusted close; a copy of Close where the
	// source has none (NoAdjClose).
	AdjClose []float64
	// NoAdjClose says the source has no adjusted close column: AdjClose
	// copies Close, and Adjusted leaves the bars as they are (an
	// equity's dividends are then not in its returns).
	NoAdjClose bool
	// Rows maps a bar to the place it came from (a CSV line, a Parquet row),
	// for error messages; nil when the bars were generated.
	Rows []int
	// Interval is the bars' spacing, the median of the differences of Time
	// (see DetectInterval): 1h for hourly bars, 1d for daily ones (weekends
	// and holidays do not change the median). 0 when unknown (fewer than
	// two bars, or a series built by hand).
	Interval Interval
	// Notes are what the reader did that the user should know, for the
	// run's output: "rows were newest first; read in reverse".
	Notes []string
	// Repairs lists the rows a BadRowPolicy skipped or repaired (see
	// ApplyBadRowPolicy), in source order; nil when none was.
	Repairs []Repair
}

// Len is the number of bars.
func (s *Series) Len() int { return len(s.Time) }

// DropBars lets the garbage collector take the panel's bars: each series
// keeps its instrument, interval, notes and repairs, and has no bars (Len
// 0). For a program that still holds the panel once nothing reads its
// bars (an experiment's outputs made from the runs' results); no one may
// read them while it runs or after. A nil panel is left as it is.
func (p *Panel) DropBars() {
	if p == nil {
		return
	}
	for i := range p.Series {
		s := &p.Series[i]
		s.Time, s.Rows = nil, nil
		s.Open, s.High, s.Low, s.Close, s.Volume, s.AdjClose = nil, nil, nil, nil, nil, nil
	}
}

// Panel is the columnar market a run replays: one Series per instrument,
// in a fixed order (the order instruments were requested in). A Panel is
// read-only once built (but for DropBars, once no one reads its bars);
// runs share it.
type Panel struct {
	Series []Series
	// Synthetic is true when any series was generated rather than read:
	// every output built on such a panel says "synthetic".
	Synthetic bool
	// Description says where the panel came from, for manifests and captions.
	Description string
}

// Index returns the position of symbol in the panel, or -1.
func (p *Panel) Index(symbol string) int {
	for i := range p.Series {
		if p.Series[i].Symbol == symbol {
			return i
		}
	}
	return -1
}

// Symbols lists the panel's symbols in panel order.
func (p *Panel) Symbols() []string {
	out := make([]string, len(p.Series))
	for i := range p.Series {
		out[i] = p.Series[i].Symbol
	}
	return out
}

// Select returns a panel holding only the named symbols, in the order given.
// Columns are shared, not copied. An unknown symbol is an error naming it and
// listing what the panel has.
func (p *Panel) Select(symbols []string) (*Panel, error) {
	out := &Panel{Synthetic: p.Synthetic, Description: p.Description}
	seen := map[string]bool{}
	for _, s := range symbols {
		if seen[s] {
			continue
		}
		seen[s] = true
		i := p.Index(s)
		if i < 0 {
			return nil, &UnknownSymbolError{Symbol: s, Have: p.Symbols()}
		}
		out.Series = append(out.Series, p.Series[i])
	}
	return out, nil
}

// UnknownSymbolError is the error of an instrument the data do not hold:
// Panel.Select's, a catalog's, a folder's without the symbol's file. A
// caller that knows who asked for it (a strategy's parameter) can say so
// (errors.As).
type UnknownSymbolError struct {
	Symbol string
	// Have lists the instruments the data hold, when known.
	Have []string
	// Msg, when set, is the whole message (a reader's own: the files it
	// tried); else it is made from Symbol and Have.
	Msg string
}

func (e *UnknownSymbolError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("data: unknown symbol %q (have %v)", e.Symbol, e.Have)
}

// Window returns the panel restricted to bars with from <= t < to (either
// bound 0 means open). Columns are sub-slices of the original, not copies.
func (p *Panel) Window(from, to int64) *Panel { return p.cut(from, to, from != 0, to != 0) }

// Since is the panel's bars at or after t, t = 0 (1970-01-01T00:00Z)
// a bound too, unlike Window's: bars before 1970 are left out.
func (p *Panel) Since(t int64) *Panel { return p.cut(t, 0, true, false) }

// Before is the panel's bars before t, t = 0 a bound too (Since).
func (p *Panel) Before(t int64) *Panel { return p.cut(0, t, false, true) }

// cut is Window with each bound applied when its has* says so.
func (p *Panel) cut(from, to int64, hasFrom, hasTo bool) *Panel {
	out := &Panel{Synthetic: p.Synthetic, Description: p.Description, Series: make([]Series, len(p.Series))}
	for i, s := range p.Series {
		lo, hi := 0, len(s.Time)
		if hasFrom {
			lo = sort.Search(len(s.Time), func(k int) bool { return s.Time[k] >= from })
		}
		if hasTo {
			hi = sort.Search(len(s.Time), func(k int) bool { return s.Time[k] >= to })
		}
		if hi < lo {
			hi = lo
		}
		out.Series[i] = s.Bars(lo, hi)
	}
	return out
}

// Bars returns the series cut to its bars [lo, hi): every column (and
// Rows, when set) a sub-slice of the original, not a copy.
func (s Series) Bars(lo, hi int) Series {
	w := s
	w.Time = s.Time[lo:hi]
	w.Open, w.High, w.Low, w.Close = s.Open[lo:hi], s.High[lo:hi], s.Low[lo:hi], s.Close[lo:hi]
	w.Volume, w.AdjClose = s.Volume[lo:hi], s.AdjClose[lo:hi]
	if s.Rows != nil {
		w.Rows = s.Rows[lo:hi]
	}
	return w
}

// Adjusted returns a copy of the series whose open, high, low and close are
// scaled by AdjClose/Close on each bar, so that splits and dividends do not
// show up as price jumps (the yfinance "auto-adjust" convention). Volume is
// left as it is. Where AdjClose equals Close the columns are shared.
func (s *Series) Adjusted() Series {
	same := true
	for k := range s.Close {
		if s.AdjClose[k] != s.Close[k] {
			same = false
			break
		}
	}
	if same {
		return *s
	}
	out := *s
	n := len(s.Close)
	out.Open, out.High, out.Low, out.Close = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k := 0; k < n; k++ {
		f := s.AdjClose[k] / s.Close[k]
		out.Open[k] = s.Open[k] * f
		out.High[k] = s.High[k] * f
		out.Low[k] = s.Low[k] * f
		out.Close[k] = s.AdjClose[k]
	}
	out.AdjClose = out.Close
	return out
}

// Adjusted returns the panel with every series adjusted (see Series.Adjusted).
func (p *Panel) Adjusted() *Panel {
	out := &Panel{Synthetic: p.Synthetic, Description: p.Description, Series: make([]Series, len(p.Series))}
	for i := range p.Series {
		out.Series[i] = p.Series[i].Adjusted()
	}
	return out
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("data: invalid bar")

// RowError is a validation error that names the file, the row and what is
// wrong with it: "prices/TAO-USD.csv:812: close is NaN".
type RowError struct {
	File string
	Row  int // 1-based line (CSV) or row (Parquet, Arrow); 0 when unknown
	Msg  string
}

func (e *RowError) Error() string {
	// Readers quote at most MaxQuote bytes of any input (Clip); a message
	// is bounded here too, whatever it quotes.
	msg := e.Msg
	if len(msg) > 4*MaxQuote {
		msg = clipTo(msg, 4*MaxQuote)
	}
	if e.Row > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Row, msg)
	}
	return fmt.Sprintf("%s: %s", e.File, msg)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *RowError) Unwrap() error { return ErrInvalid }

// MinPrice and MaxPrice bound a price Validate accepts: far beyond what
// any asset is quoted at (a micro-cap token quoted in BTC at 1e-14, a
// share at a million dollars), up to the cash an experiment may hold
// (1e15). A value outside them is a broken row (1e300, 1e-300), which
// would otherwise run through to metrics that contradict each other.
const (
	MinPrice = 1e-15
	MaxPrice = 1e15
	// PriceRange says so in an error message.
	PriceRange = "a price must lie between 1e-15 and 1e15"
)

// Validate checks every bar of the series and returns the first problem, as
// a *RowError naming file and row: a NaN or infinite price, a price that is
// not positive or lies outside [MinPrice, MaxPrice], high < low, open or
// close outside [low, high], a negative or infinite volume, and dates that
// are duplicated or out of order. A NaN volume means "unknown" and is
// accepted.
func (s *Series) Validate(file string) error {
	row := func(k int) int {
		if s.Rows != nil && k < len(s.Rows) {
			return s.Rows[k]
		}
		return k + 1
	}
	n := len(s.Time)
	if n == 0 {
		return &RowError{File: file, Msg: "no bars"}
	}
	for _, c := range [...]struct {
		name string
		col  []float64
	}{{"open", s.Open}, {"high", s.High}, {"low", s.Low}, {"close", s.Close}, {"adj_close", s.AdjClose}, {"volume", s.Volume}} {
		if len(c.col) != n {
			return &RowError{File: file, Msg: fmt.Sprintf("column lengths differ (%d times, %d %s values)", n, len(c.col), c.name)}
		}
	}
	// Daily bars (all at 00:00 UTC) are named by their date, intraday
	// ones by their instant.
	day := func(t int64) string { return time.Unix(0, t).UTC().Format("2006-01-02") }
	dup, order, unit := "duplicate date", "dates must be sorted ascending", "date"
	for _, t := range s.Time {
		if t%NanosPerDay != 0 {
			day = FormatTime
			dup, order, unit = "duplicate timestamp", "timestamps must be sorted ascending", "timestamp"
			break
		}
	}
	// Most bars are sound: one pass of comparisons over the columns (a
	// NaN fails every one of them) finds the first bar that is not, and
	// only that bar is examined for its message.
	tm, op, hi, lo, cl, ac, vo := s.Time[:n], s.Open[:n], s.High[:n], s.Low[:n], s.Close[:n], s.AdjClose[:n], s.Volume[:n]
	finite := func(v float64) bool { return v >= MinPrice && v <= MaxPrice }
	for k := 0; k < n; k++ {
		o, h, l, c, v := op[k], hi[k], lo[k], cl[k], vo[k]
		if finite(o) && finite(h) && finite(l) && finite(c) && finite(ac[k]) &&
			l <= h && l <= c && c <= h && l <= o && o <= h &&
			(v >= 0 && v <= math.MaxFloat64 || v != v) && (k == 0 || tm[k] > tm[k-1]) {
			continue
		}
		fields := [...]struct {
			name string
			v    float64
		}{{"close", s.Close[k]}, {"open", s.Open[k]}, {"high", s.High[k]}, {"low", s.Low[k]}, {"adj_close", s.AdjClose[k]}}
		// Close first: a file of closes alone has its open, high and low
		// made of them, and a bad close is to be named as such.
		for _, f := range fields {
			switch {
			case math.IsNaN(f.v):
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s is NaN or empty", day(s.Time[k]), f.name)}
			case math.IsInf(f.v, 0):
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s is infinite", day(s.Time[k]), f.name)}
			case f.v <= 0:
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s = %g is not positive", day(s.Time[k]), f.name, f.v)}
			case f.v < MinPrice || f.v > MaxPrice:
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s = %g is out of range: %s", day(s.Time[k]), f.name, f.v, PriceRange)}
			}
		}
		if h < l {
			return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s high %g < low %g", day(s.Time[k]), h, l)}
		}
		if c < l || c > h {
			return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s close %g outside [low %g, high %g]", day(s.Time[k]), c, l, h)}
		}
		if o < l || o > h {
			return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s open %g outside [low %g, high %g]", day(s.Time[k]), o, l, h)}
		}
		if v := s.Volume[k]; v < 0 || math.IsInf(v, 0) {
			return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s volume %g is negative or infinite", day(s.Time[k]), v)}
		}
		if k > 0 {
			switch {
			case s.Time[k] == s.Time[k-1]:
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s (also at row %d)", dup, day(s.Time[k]), row(k-1))}
			case s.Time[k] < s.Time[k-1]:
				return &RowError{File: file, Row: row(k), Msg: fmt.Sprintf("%s %s is before the previous row's %s (%s)", unit, day(s.Time[k]), day(s.Time[k-1]), order)}
			}
		}
		// No rule refuses the bar (the quick check is never looser than
		// the rules, TestValidateQuickCheck): it stands.
	}
	return nil
}

// CheckAdjClose returns, as a *RowError naming file and row, the first
// bar whose adj_close is a one-row spike against its close: the ratio
// adj_close / close moves by a factor of 2 or more from the bar before
// and back by 1.5 or more at the bar after. Dividends move the ratio a
// few percent, and a split of raw closes beside adjusted ones moves it
// once and for good; a value typed or scaled wrong on one row (× 1,000)
// made the adjusted prices jump there and back, a one-day move of
// ±99.9 % the run took for real. nil when there is none, or without
// an adj_close column (NoAdjClose).
func (s *Series) CheckAdjClose(file string) error {
	if s.NoAdjClose {
		return nil
	}
	n := min(len(s.Close), len(s.AdjClose))
	ratio := func(k int) float64 { return s.AdjClose[k] / s.Close[k] }
	for k := 1; k+1 < n; k++ {
		prev, r, next := ratio(k-1), ratio(k), ratio(k+1)
		up, back := r/prev, next/r
		if (up >= 2 && back <= 1/1.5) || (up <= 0.5 && back >= 1.5) {
			row := k + 1
			if s.Rows != nil && k < len(s.Rows) {
				row = s.Rows[k]
			}
			return &RowError{File: file, Row: row, Msg: fmt.Sprintf("%s adj_close %g is %.4g × its close %g, against %.4g × the row before and %.4g × the row after: a bad adj_close (the adjusted prices would jump × %.4g there and back); correct it, or set prices = \"raw\" to use the closes as they are",
				FormatStamp(s.Time[k]), s.AdjClose[k], r, s.Close[k], prev, next, up)}
		}
	}
	return nil
}

// Validate checks every series of the panel and that symbols are unique.
func (p *Panel) Validate() error {
	seen := map[string]bool{}
	for i := range p.Series {
		s := &p.Series[i]
		if seen[s.Symbol] {
			return fmt.Errorf("data: symbol %q appears twice in the panel", s.Symbol)
		}
		seen[s.Symbol] = true
	}
	return Each(len(p.Series), func(i int) error {
		s := &p.Series[i]
		src := s.Source
		if src == "" {
			src = s.Symbol
		}
		return s.Validate(src)
	})
}

// Each calls fn(i) for every i in [0, n), as many at once as the Go
// runtime has processors (GOMAXPROCS), and returns the error of the first
// i in order that failed, whichever failed first (nil if none did).
func Each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Day returns the UTC midnight of a calendar date as Unix nanoseconds.
func Day(year int, month time.Month, day int) int64 {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC).UnixNano()
}

// DayNumber is the number of the UTC calendar day holding t (Unix
// nanoseconds): days since 1970-01-01, negative before it.
func DayNumber(t int64) int64 {
	d := t / NanosPerDay
	if t%NanosPerDay < 0 {
		d--
	}
	return d
}

// Weekday is the UTC day of the week of t, 0 = Monday … 6 = Sunday
// (1970-01-01 was a Thursday, 3), for times before 1970 too.
func Weekday(t int64) int64 { return ((DayNumber(t) % 7) + 7 + 3) % 7 }

// HasWeekend reports whether any of the times falls on a UTC Saturday or
// Sunday (Weekday ≥ 5): a 24/7 instrument's, never an exchange session's.
func HasWeekend(times []int64) bool {
	for _, t := range times {
		if Weekday(t) >= 5 {
			return true
		}
	}
	return false
}

// FormatTime formats Unix nanoseconds as RFC 3339 in UTC, with the
// fraction of a second only when there is one: 2024-01-02T14:30:00Z.
func FormatTime(t int64) string { return time.Unix(0, t).UTC().Format(time.RFC3339Nano) }

// FormatDay formats Unix nanoseconds as YYYY-MM-DD (UTC).
func FormatDay(t int64) string { return time.Unix(0, t).UTC().Format("2006-01-02") }

// FormatStamp names a bar time in a message: its date at 00:00 UTC
// (FormatDay), else its instant (FormatTime).
func FormatStamp(t int64) string {
	if t%NanosPerDay == 0 {
		return FormatDay(t)
	}
	return FormatTime(t)
}

// ParseInstant parses a time bound as an experiment file (start, end) or
// a command line (data import --start, --end) writes it: a date
// YYYY-MM-DD, meaning 00:00 UTC of it as [ParseDay] gives, or an RFC 3339
// instant with its zone, Z or a numeric offset (2024-03-04T14:30:00Z,
// 2024-03-04T09:30:00-05:00), converted to UTC; in Unix nanoseconds. An
// instant without a zone (2024-03-04T14:30:00) is refused: New York's
// 09:30 is 14:30 UTC in winter and 13:30 in summer, and a bound must not
// guess. Its errors say what is wrong and what is wanted, for the caller
// to put after the key and the value.
func ParseInstant(s string) (int64, error) {
	t, bad, err := parseDate(s)
	if err == nil {
		return t, nil
	}
	if bad != "" {
		return 0, fmt.Errorf("not a day of the calendar (%s)", bad) // 2021-02-30
	}
	if errors.Is(err, errOutsideNanos) {
		return 0, errors.New(daysRange)
	}
	if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return UnixNanos(tm)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return 0, fmt.Errorf("an instant needs its zone: add Z (UTC) or an offset such as -05:00 (%sZ, %s-05:00); without one it is ambiguous (New York's 09:30 is 14:30 UTC in winter, 13:30 in summer)", s, s)
	}
	return 0, fmt.Errorf("want a date YYYY-MM-DD (00:00 UTC) or an RFC 3339 instant with Z or an offset, such as 2024-03-04T14:30:00Z or 2024-03-04T09:30:00-05:00")
}

// ParseDay parses YYYY-MM-DD as UTC midnight, in Unix nanoseconds.
func ParseDay(s string) (int64, error) {
	t, bad, err := parseDate(s)
	switch {
	case bad != "":
		return 0, fmt.Errorf("data: date %q is not a day of the calendar (%s)", s, bad)
	case errors.Is(err, errOutsideNanos):
		return 0, fmt.Errorf("data: date %q is %s", s, daysRange)
	case err != nil:
		return 0, fmt.Errorf("data: date %q is not YYYY-MM-DD", s)
	}
	return t, nil
}

// errOutsideNanos is parseDate's error for a day of the calendar whose
// midnight Unix nanoseconds (int64) cannot hold.
var errOutsideNanos = errors.New("outside Unix nanoseconds")

// daysRange says which dates' midnights Unix nanoseconds hold.
const daysRange = "outside the dates Unix nanoseconds hold (1677-09-22 to 2262-04-11)"

// parseDate parses YYYY-MM-DD as UTC midnight; bad says which field is
// out of range when the layout is right but the day does not exist
// (2021-02-30: "day out of range").
func parseDate(s string) (t int64, bad string, err error) {
	tm, err := time.Parse("2006-01-02", s)
	if err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) && strings.Contains(pe.Message, "out of range") {
			return 0, strings.TrimPrefix(pe.Message, ": "), err
		}
		return 0, "", err
	}
	// time.UnixNano wraps a time outside int64 round into another:
	// 9999-01-01 read as 1815-03-31.
	n, ok := unixNanos(tm)
	if !ok {
		return 0, "", errOutsideNanos
	}
	return n, "", nil
}
