package data

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Interval is a bar interval in nanoseconds: a series' spacing
// (Series.Interval) or the bar a source is resampled to. Its text form is
// the largest whole unit: "1m", "5m", "15m", "1h", "4h", "1d", "1w";
// anything else is written in seconds ("90s") or nanoseconds ("1500ns").
type Interval int64

// The intervals a source can be resampled to (see Resample in data/duckdb),
// and a week, the interval of weekly files.
const (
	Minute    Interval = Interval(time.Minute)
	Minutes5  Interval = 5 * Minute
	Minutes15 Interval = 15 * Minute
	Hour      Interval = Interval(time.Hour)
	Hours4    Interval = 4 * Hour
	Daily     Interval = 24 * Hour
	Weekly    Interval = 7 * Daily
)

// BarIntervals are the intervals Request.Bar accepts, finest first.
var BarIntervals = [...]Interval{Minute, Minutes5, Minutes15, Hour, Hours4, Daily}

// String returns the interval's text form, "" for 0 (unknown).
func (iv Interval) String() string {
	if iv == 0 {
		return ""
	}
	for _, u := range [...]struct {
		n   Interval
		suf string
	}{{Weekly, "w"}, {Daily, "d"}, {Hour, "h"}, {Minute, "m"}, {Interval(time.Second), "s"}} {
		if iv%u.n == 0 {
			return strconv.FormatInt(int64(iv/u.n), 10) + u.suf
		}
	}
	return strconv.FormatInt(int64(iv), 10) + "ns"
}

// Duration is the interval as a time.Duration.
func (iv Interval) Duration() time.Duration { return time.Duration(iv) }

// Intraday reports whether bars of this interval are finer than a day
// (and the interval is known).
func (iv Interval) Intraday() bool { return iv > 0 && iv < Daily }

// ParseInterval parses an interval such as "1m", "5m", "15m", "1h", "4h",
// "1d" or "1w" (also "60s", "90m", "2h"; "min", "hour", "day" and "week"
// spelled out, case-insensitive). The number must be a positive integer.
func ParseInterval(s string) (Interval, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if i == 0 || err != nil || n <= 0 {
		return 0, fmt.Errorf("data: interval %q: want a positive whole number and a unit, e.g. 1m, 5m, 15m, 1h, 4h, 1d", s)
	}
	var unit Interval
	switch strings.TrimSpace(t[i:]) {
	case "s", "sec", "second", "seconds":
		unit = Interval(time.Second)
	case "m", "min", "mins", "minute", "minutes":
		unit = Minute
	case "h", "hr", "hour", "hours":
		unit = Hour
	case "d", "day", "days":
		unit = Daily
	case "w", "wk", "week", "weeks":
		unit = Weekly
	default:
		return 0, fmt.Errorf("data: interval %q: unknown unit %q (want s, m, h, d or w)", s, t[i:])
	}
	if n > int64(100*365*Daily/unit) {
		return 0, fmt.Errorf("data: interval %q is longer than a century", s)
	}
	return Interval(n) * unit, nil
}

// UnmarshalText parses the text form (see ParseInterval), so that a
// configuration field of type Interval decodes from "1h".
func (iv *Interval) UnmarshalText(b []byte) error {
	v, err := ParseInterval(string(b))
	if err != nil {
		return err
	}
	*iv = v
	return nil
}

// MarshalText writes the text form.
func (iv Interval) MarshalText() ([]byte, error) { return []byte(iv.String()), nil }

// ParseBar parses a resampling target: one of BarIntervals (1m 5m 15m 1h
// 4h 1d). Other intervals are refused with the list.
func ParseBar(s string) (Interval, error) {
	iv, err := ParseInterval(s)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(BarIntervals[:], iv) {
		return 0, fmt.Errorf("data: bar %q: want one of 1m, 5m, 15m, 1h, 4h, 1d", s)
	}
	return iv, nil
}

// DetectInterval returns the median spacing of the strictly increasing
// times t (0 when there are fewer than two). Gaps (nights, weekends,
// holidays, missing bars) do not move it as long as most bars are one
// interval apart, so an equity's hourly bars give 1h and its daily bars
// 1d.
//
// The median of an even number of spacings is the lower middle one, so
// the result is always a spacing that occurs in t.
func DetectInterval(t []int64) Interval {
	if len(t) < 2 {
		return 0
	}
	// Count the spacings by value (a series has few distinct ones, in
	// long runs of the same: a map entry is touched once per run), then
	// walk them in order to the middle one.
	counts := map[int64]int{}
	run, n := t[1]-t[0], 0
	for k := 1; k < len(t); k++ {
		if d := t[k] - t[k-1]; d != run {
			counts[run] += n
			run, n = d, 0
		}
		n++
	}
	counts[run] += n
	steps := make([]int64, 0, len(counts))
	for d := range counts {
		steps = append(steps, d)
	}
	slices.Sort(steps)
	want, seen := (len(t)-2)/2, 0
	for _, d := range steps {
		if seen += counts[d]; seen > want {
			return Interval(d)
		}
	}
	return 0
}

// Segment is a stretch of a series' bars at one interval: from row From
// up to the next segment's From (or the last bar), its bars are Interval
// apart. See Series.Segments.
type Segment struct {
	From     int
	Interval Interval
}

// SegmentSteps is how many consecutive steps on the other side of a day
// from a series' interval (a day or more apart in a series of intraday
// bars, under a day in a series of daily ones) make a stretch of bars at
// another interval (Series.Segments). Fewer are holes and sessions: an
// hourly equity's overnight and weekend steps come one at a time, and two
// in a row take a day with a single bar.
const SegmentSteps = 3

// dayStep is the step from which two bars are a day or more apart: 23
// hours, as the readers take a file for daily (a day across a change of
// daylight saving time in a zone).
const dayStep = 23 * int64(Hour)

// Segments returns the stretches of the series' bars at another interval
// than its own (BarInterval, the median step): daily bars before hourly
// ones in one file (a daily history with hourly klines appended), hourly
// bars inside daily ones, or, in an intraday series, bars at least twice
// as long or at most half as long (an hourly history with 5-minute bars
// appended: replayed at the median's 5 minutes, the hourly bars' closes
// came up to 55 minutes early). Such a stretch is at least SegmentSteps
// consecutive steps each of the other kind (a day or more apart in an
// intraday series, under a day in a daily one: a night or a weekend is
// one step, and does not make one), or at least IntradayStretchSteps
// steps twice the interval or more, or half or less, in an intraday
// series, at one of BarIntervals, each a whole number of it (a thin hour
// of a minute file, bars 2 to 7 minutes apart, is not one); its interval is its own median step
// (DetectInterval of its bars), the rest keeps the series' interval. A bar
// belongs to the stretch of the step that follows it: the last daily bar
// before hourly ones lasts a day, the first hourly bar an hour; the last
// bar of the series, to the stretch of the step before it.
//
// nil when the whole series is at one interval (a step of its own kind in
// every run of SegmentSteps, which is every file of one interval with
// holes, nights and weekends); else the segments in row order, the first
// from row 0, adjacent ones of different intervals.
func (s *Series) Segments() []Segment {
	t := s.Time
	iv := s.BarInterval()
	if iv <= 0 || len(t) < SegmentSteps+1 {
		return nil
	}
	daily := int64(iv) >= dayStep
	// kind is a step's: 0 the series' own, else the other kind it is
	// of: under a day in a daily series; in an intraday one a day or
	// more (1), twice the interval or more under a day (2), half of it
	// or less (3). A stretch is a run of steps of one kind: an hourly
	// series' last bar before days, 15 hours before the first, stays
	// hourly.
	kind := func(k int) int {
		st := t[k] - t[k-1]
		switch {
		case daily && st < dayStep, !daily && st >= dayStep:
			return 1
		case daily:
			return 0
		case st >= 2*int64(iv):
			return 2
		case 2*st <= int64(iv):
			return 3
		}
		return 0
	}
	var segs []Segment
	add := func(from int, v Interval) {
		if n := len(segs); n > 0 && segs[n-1].Interval == v {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].From == from {
			segs[n-1].Interval = v
			return
		}
		segs = append(segs, Segment{From: from, Interval: v})
	}
	for k := 1; k < len(t); {
		kd := kind(k)
		if kd == 0 {
			k++
			continue
		}
		c := k
		for c+1 < len(t) && kind(c+1) == kd {
			c++
		}
		// Steps k..c are of the other kind: bars k-1..c-1 (and c, when
		// it is the last bar) are followed by them. A stretch of another
		// intraday interval (kinds 2 and 3) is a source's other bars, not
		// a thin hour of a minute file (bars 2, 3, 7 minutes apart): at
		// least IntradayStretchSteps steps, at an interval bars are
		// resampled to (BarIntervals), every step a whole number of it.
		if kd >= 2 && !intradayStretch(t[k-1:c+1]) {
			k = c + 1
			continue
		}
		if c-k+1 >= SegmentSteps {
			if segs == nil {
				segs = []Segment{{From: 0, Interval: iv}}
			}
			add(k-1, DetectInterval(t[k-1:c+1]))
			if c+1 < len(t) {
				add(c, iv)
			}
		}
		k = c + 1
	}
	if len(segs) == 1 {
		return nil
	}
	return segs
}

// IntradayStretchSteps is the fewest steps of a stretch of another
// intraday interval in an intraday series (Segments).
const IntradayStretchSteps = 50

// intradayStretch reports whether bars at times t (one run of steps
// of one kind) are a stretch of another intraday interval: at least
// IntradayStretchSteps steps, their median one of BarIntervals, every
// step a whole number of it.
func intradayStretch(t []int64) bool {
	if len(t)-1 < IntradayStretchSteps {
		return false
	}
	v := int64(DetectInterval(t))
	if !slices.Contains(BarIntervals[:], Interval(v)) {
		return false
	}
	for k := 1; k < len(t); k++ {
		if (t[k]-t[k-1])%v != 0 {
			return false
		}
	}
	return true
}

// SetInterval records the series' detected interval (DetectInterval of its
// times) in Series.Interval.
func (s *Series) SetInterval() { s.Interval = DetectInterval(s.Time) }

// BarInterval is the series' interval: Interval when set, else detected
// from its times (DetectInterval).
func (s *Series) BarInterval() Interval {
	if s.Interval != 0 {
		return s.Interval
	}
	return DetectInterval(s.Time)
}

// CheckIntervals returns nil when every series of the panel has the same
// interval (series with fewer than two bars, whose interval is unknown,
// are ignored; so are differences between intervals of a week or more,
// such as monthly files whose median steps are 30 and 31 days, which
// CheckLongBars checks by their stamps), and otherwise an error naming
// the first two series that differ and their intervals, and how to make
// them one: the first bar = "…" both divide into, else what to give:
//
//	data: series NVDA has 1h bars but TAO has 5m bars (resample them to one interval, e.g. bar = "1h")
//	data: series W has 1w bars but MSFT has 1d bars, and bar = "..." resamples only to 1m, 5m, 15m, 1h, 4h or 1d: give every series 1w bars, or W's at 1d like MSFT's
func (p *Panel) CheckIntervals() error {
	first := -1
	for i := range p.Series {
		s := &p.Series[i]
		if s.Interval == 0 {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		f := &p.Series[first]
		if s.Interval == f.Interval || s.Interval >= Weekly && f.Interval >= Weekly {
			continue
		}
		coarse := max(s.Interval, f.Interval)
		for _, b := range BarIntervals {
			if b >= coarse && b%s.Interval == 0 && b%f.Interval == 0 {
				return fmt.Errorf("data: series %s has %s bars but %s has %s bars (resample them to one interval, e.g. bar = %q)",
					f.Symbol, f.Interval, s.Symbol, s.Interval, b.String())
			}
		}
		// Resampling makes only BarIntervals: not weekly bars, say, out
		// of daily ones.
		long, fine := f, s
		if s.Interval > f.Interval {
			long, fine = s, f
		}
		return fmt.Errorf("data: series %s has %s bars but %s has %s bars, and bar = \"...\" resamples only to 1m, 5m, 15m, 1h, 4h or 1d: give every series %s bars, or %s's at %s like %s's",
			f.Symbol, f.Interval, s.Symbol, s.Interval, long.Interval, long.Symbol, fine.Interval, fine.Symbol)
	}
	return nil
}

// CheckLongBars returns nil unless a bar of a week or longer (a weekly
// or monthly file's) is open when another series' bar starts. A bar is
// revealed whole at its stamp, close included, and an order waits for a
// bar that opens at or after the latest close seen, counting a bar of a
// day or more as a day (see the engine's docs/execution.md): a series of
// weekly bars stamped on Mondays beside one stamped on Sundays would let
// a decision on Monday's bar, which shows the close of the week to come,
// fill at the Sunday bar's open six days later, before that close
// happened (look-ahead). Such bars must therefore share their stamps: a
// bar of series i stamped t lasts until its series' next stamp when that
// comes within two intervals (a month of 31 days beside an interval of
// 30); the last bar, and one before a hole (a week missing), for the
// longest such step of its series (Series.LongBars); and no series may
// have a bar stamped inside that span. A series spaced more than a day
// but less than a week apart (a daily file with holes) is taken for
// daily bars, as the engine takes it. The error names both series and
// both stamps:
//
//	data: series W's 1w bar of 2024-10-07 lasts until 2024-10-14, but X has a bar stamped 2024-10-13 inside it: …
//
// A caller checks the bars a run sees: its panel cut at its end.
func (p *Panel) CheckLongBars() error {
	long := false
	for i := range p.Series {
		long = long || p.Series[i].BarInterval() >= Weekly
	}
	if !long {
		return nil
	}
	// Every stamp of every series, sorted, with the first series (by
	// index) that has it.
	type stamp struct {
		t int64
		i int
	}
	var all []stamp
	for i := range p.Series {
		for _, t := range p.Series[i].Time {
			all = append(all, stamp{t, i})
		}
	}
	slices.SortFunc(all, func(a, b stamp) int {
		if a.t != b.t {
			return cmp.Compare(a.t, b.t)
		}
		return a.i - b.i
	})
	for i := range p.Series {
		s := &p.Series[i]
		if s.BarInterval() < Weekly {
			continue
		}
		lb := s.LongBars()
		for k, t := range s.Time {
			until := lb.End(k)
			// The first stamp after t, of any series.
			j, _ := slices.BinarySearchFunc(all, t+1, func(a stamp, t int64) int { return cmp.Compare(a.t, t) })
			if j < len(all) && all[j].t < until {
				o := &p.Series[all[j].i]
				return fmt.Errorf("data: series %s's %s bar of %s lasts until %s, but %s has a bar stamped %s inside it: a bar is revealed whole at its stamp, so an order on %s decided on %s's close could fill before that close happened; give the series bars stamped at the same times (weekly bars on the same weekday)",
					s.Symbol, Interval(lb.iv), FormatStamp(t), FormatStamp(until), o.Symbol, FormatStamp(all[j].t), o.Symbol, s.Symbol)
			}
		}
	}
	return nil
}

// LongBars says when the bars of a series of bars a week or longer
// (weekly or monthly files) end; see Series.LongBars.
type LongBars struct {
	time     []int64
	iv, span int64
}

// LongBars is when the bars of s, bars of a week or longer, end. Such a
// bar is revealed whole at its stamp, close included, so when it ends is
// when that close happened: a bar lasts until its series' next stamp
// when that comes within two intervals (a month of 31 days beside an
// interval, the median step, of 30), and the last bar, or one before a
// hole (a week missing), for the longest such step of its series. The
// one rule for Panel.CheckLongBars and for cutting a run's bars at its
// end.
func (s *Series) LongBars() LongBars {
	iv := int64(s.BarInterval())
	span := iv
	for k := 1; k < len(s.Time); k++ {
		if d := s.Time[k] - s.Time[k-1]; d < 2*iv {
			span = max(span, d)
		}
	}
	return LongBars{time: s.Time, iv: iv, span: span}
}

// End is when bar k ends (UTC ns).
func (l LongBars) End(k int) int64 {
	t := l.time[k]
	if k+1 < len(l.time) && l.time[k+1]-t < 2*l.iv {
		return l.time[k+1]
	}
	return t + l.span
}

// Notes lists the series' notes (Series.Notes), each prefixed with its
// symbol, in panel order; a note several series share is listed once,
// prefixed with all their symbols (a table's rows without a symbol are
// noted on every series read from it: one line, not one per instrument).
func (p *Panel) Notes() []string {
	var order []string
	who := map[string][]string{}
	for i := range p.Series {
		for _, n := range p.Series[i].Notes {
			if _, ok := who[n]; !ok {
				order = append(order, n)
			}
			if syms := who[n]; len(syms) == 0 || syms[len(syms)-1] != p.Series[i].Symbol {
				who[n] = append(syms, p.Series[i].Symbol)
			}
		}
	}
	out := make([]string, 0, len(order))
	for _, n := range order {
		out = append(out, strings.Join(who[n], ", ")+": "+n)
	}
	return out
}

// DateFormat says how to read a slash date such as 01/02/2024, whose day
// and month cannot be told apart when both are 12 or less.
type DateFormat uint8

const (
	// DateFormatAuto decides from the file's own rows: a row with a first
	// part above 12 makes the file day-first, one with a second part above
	// 12 month-first. A file with no such row is refused unless its layout
	// says (Nasdaq.com's "Close/Last" export is month-first).
	DateFormatAuto DateFormat = iota
	// MonthFirst reads MM/DD/YYYY (US order).
	MonthFirst
	// DayFirst reads DD/MM/YYYY.
	DayFirst
)

// String returns "", "MM/DD/YYYY" or "DD/MM/YYYY".
func (o DateFormat) String() string {
	switch o {
	case MonthFirst:
		return "MM/DD/YYYY"
	case DayFirst:
		return "DD/MM/YYYY"
	}
	return ""
}

// ParseDateFormat parses a date-format option: "MM/DD/YYYY" (also "mdy",
// "month-first", "us") or "DD/MM/YYYY" (also "dmy", "day-first"); "" or
// "auto" is DateFormatAuto.
func ParseDateFormat(s string) (DateFormat, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return DateFormatAuto, nil
	case "mm/dd/yyyy", "m/d/y", "mdy", "month-first", "monthfirst", "us":
		return MonthFirst, nil
	case "dd/mm/yyyy", "d/m/y", "dmy", "day-first", "dayfirst":
		return DayFirst, nil
	}
	return 0, fmt.Errorf("data: date format %q: want MM/DD/YYYY or DD/MM/YYYY", s)
}

// UnmarshalText parses the text form (see ParseDateFormat).
func (o *DateFormat) UnmarshalText(b []byte) error {
	v, err := ParseDateFormat(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// MarshalText writes the text form.
func (o DateFormat) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UTCName reports whether name spells UTC: "UTC", "Etc/UTC", "GMT",
// "Etc/GMT-0", "Universal", "Zulu", "Z" (in any case), alone or followed
// by an offset of zero ("UTC+0", "GMT+00:00"), or that offset alone
// ("+00:00", "-00:00": the Arrow format's spelling).
func UTCName(name string) bool {
	s := strings.ToUpper(strings.TrimSpace(name))
	s = strings.TrimPrefix(s, "ETC/")
	for _, p := range []string{"UTC", "UCT", "GMT", "UNIVERSAL", "ZULU", "GREENWICH", "Z"} {
		if rest, ok := strings.CutPrefix(s, p); ok && (rest == "" || zeroOffset(rest)) {
			return true
		}
	}
	return zeroOffset(s)
}

// zeroOffset reports whether s is an offset of zero: "+0", "-00",
// "+00:00", "0000".
func zeroOffset(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && strings.Trim(s, "0:") == "" && strings.Contains(s, "0")
}

// LoadTimezone loads an IANA time zone ("America/New_York"); "" and every
// spelling of UTC (UTCName) give time.UTC. An unknown zone is an error
// naming it.
func LoadTimezone(name string) (*time.Location, error) {
	n := strings.TrimSpace(name)
	if n == "" || UTCName(n) {
		return time.UTC, nil
	}
	if strings.EqualFold(n, "local") {
		return nil, fmt.Errorf("data: timezone %q: name the zone (e.g. America/New_York); the machine's local zone would make results depend on the machine", name)
	}
	loc, err := time.LoadLocation(n)
	if err != nil {
		return nil, fmt.Errorf("data: unknown timezone %q (want an IANA name such as America/New_York or Europe/Berlin)", name)
	}
	return loc, nil
}
