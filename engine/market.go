package engine

import (
	"math"
	"slices"
	"time"

	"github.com/divergence-research/divergence/data"
)

// market is the run's clock and what it has revealed: the current step
// and, per instrument, the last bar seen and its close. The broker fills
// against it and the Context shows it to the strategy; neither reads the
// panel past a cursor.
type market struct {
	series []data.Series // the panel's columns, read only up to cursor
	tl     *Timeline
	step   int
	now    int64
	prev   int64 // the previous step's time (0 before the first)

	cursor []int     // last row seen per instrument, −1 before its first bar
	last   []int     // step at which each instrument last had a bar, −1 never
	price  []float64 // last close per instrument (NaN before its first bar)
	// known is the time of the latest close revealed: a bar stamped t
	// (its open) closes at t + its span, and the whole bar is
	// revealed at step t. On one grid (every bar at 00:00, or every
	// hourly bar on the hour) it is the next step's time; on bars stamped
	// off each other's grid (equities at :30, tokens at :00) it is half
	// a bar past the next step, which an order must wait for. Before the
	// first bar it is math.MinInt64: bars before 1970 (negative times)
	// reveal their closes too (0 held every order on such bars until
	// 1970-01-01, TestMarketOrderBefore1970).
	known int64
	span  []int64 // per instrument, how long its bars last (barSpan)
	close []int64 // per instrument, when its bar at the cursor closes
	// session is, per instrument, whether its bars close at an
	// exchange's session close (sessionClose): an equity's daily bars.
	session []bool
	// exch is, per instrument, the exchange whose close ends its daily
	// bars when session is set (data.ExchangeOf its symbol).
	exch []data.Exchange
	// hidden is, per instrument, whether it is outside the strategy's
	// universe (Config.Universe); nil when every instrument is its own.
	hidden []bool
	// active is the scratch a Slice's visible instruments are copied to
	// when some are hidden.
	active []int32
	// intradayEquity is, per instrument, whether it is an equity on
	// intraday bars of New York's regular session alone, whose last bar
	// of a session may be shorter than its interval (lastBarClose).
	intradayEquity []bool
	// segs is, per instrument whose file changes interval (daily bars,
	// then hourly ones: Timeline.Segments), the span, session and
	// intradayEquity of each of its segments, which advance copies into
	// the fields above as the cursor enters one; nil when no instrument
	// changes interval. segAt is the segment each one's cursor is in.
	segs  [][]segBars
	segAt []int
}

// segBars is how the bars of one segment of a series last (see barProps).
type segBars struct {
	from           int // the segment's first row
	span           int64
	session        bool
	intradayEquity bool
}

// barProps is how bars of interval iv of a series of class cl with these
// times last: their span (barSpan), whether they close at the session's
// close (an equity's daily bars) and whether they are an equity's bars of
// the regular session alone (lastBarClose).
func barProps(iv data.Interval, cl data.Class, times []int64) (span int64, session, intradayEquity bool) {
	return barSpan(iv), cl == data.Equity && !iv.Intraday(), cl == data.Equity && iv.Intraday() && regularHours(times, barSpan(iv))
}

// An equity's daily bar closes at its exchange's close of its stamp's
// UTC day (data.Exchange.Close): 21:00 UTC for New York, its 16:00 close
// in winter (EST), an hour after it in summer (EDT, 20:00 UTC), so never
// before the true close; 06:00 UTC for Tokyo. A token's daily bar closes
// at the next 00:00 UTC, three or four hours after New York's: a
// decision on it comes after the equity's close of that day.

func newMarket(p *data.Panel, tl *Timeline) market {
	n := len(p.Series)
	m := market{
		series: p.Series,
		tl:     tl,
		step:   -1,
		known:  math.MinInt64,
		cursor: make([]int, n),
		last:   make([]int, n),
		price:  make([]float64, n),
	}
	m.span, m.close, m.session, m.intradayEquity = make([]int64, n), make([]int64, n), make([]bool, n), make([]bool, n)
	m.exch = make([]data.Exchange, n)
	for i := range m.cursor {
		m.cursor[i] = -1
		m.last[i] = -1
		m.price[i] = math.NaN()
		s := &p.Series[i]
		m.exch[i] = data.ExchangeOf(s.Symbol)
		sg := tl.Segments(i)
		if sg == nil {
			m.span[i], m.session[i], m.intradayEquity[i] = barProps(tl.Interval(i), s.Class, s.Time)
			continue
		}
		if m.segs == nil {
			m.segs, m.segAt = make([][]segBars, n), make([]int, n)
		}
		m.segs[i] = make([]segBars, len(sg))
		for k, g := range sg {
			to := len(s.Time)
			if k+1 < len(sg) {
				to = sg[k+1].From
			}
			b := &m.segs[i][k]
			b.from = g.From
			b.span, b.session, b.intradayEquity = barProps(g.Interval, s.Class, s.Time[g.From:to])
		}
		b := m.segs[i][0]
		m.span[i], m.session[i], m.intradayEquity[i] = b.span, b.session, b.intradayEquity
	}
	return m
}

// advance makes step k current: instruments with a bar at k move their
// cursor onto it.
func (m *market) advance(k int) {
	m.step = k
	m.now = m.tl.Times[k]
	inst, row := m.tl.Active(k)
	for j, i := range inst {
		m.cursor[i] = int(row[j])
		m.last[i] = k
		if m.segs != nil && m.segs[i] != nil {
			m.enterSegment(i, int(row[j]))
		}
		c := m.now + m.span[i]
		if m.session[i] {
			c = sessionClose(m.now, c, m.exch[i])
		} else if m.intradayEquity[i] {
			c = m.lastBarClose(int(i), c)
		}
		m.close[i] = c
		if c > m.known && (m.hidden == nil || !m.hidden[i]) {
			m.known = c
		}
	}
}

// enterSegment moves instrument i's segment on to the one holding row
// (rows only advance) and makes its bars' span and closes current.
func (m *market) enterSegment(i int32, row int) {
	sg, k := m.segs[i], m.segAt[i]
	if k+1 >= len(sg) || sg[k+1].from > row {
		return
	}
	for k+1 < len(sg) && sg[k+1].from <= row {
		k++
	}
	m.segAt[i] = k
	m.span[i], m.session[i], m.intradayEquity[i] = sg[k].span, sg[k].session, sg[k].intradayEquity
}

// hide hides the instruments outside universe from the strategy
// (Config.Universe); nil hides none.
func (m *market) hide(universe []string) {
	if universe == nil {
		return
	}
	m.hidden = make([]bool, len(m.series))
	for i := range m.series {
		m.hidden[i] = !slices.Contains(universe, m.series[i].Symbol)
	}
	m.active = make([]int32, 0, len(m.series))
}

// visible returns the instruments of inst the strategy sees: inst itself
// when none is hidden, else a copy in the market's scratch.
func (m *market) visible(inst []int32) []int32 {
	if m.hidden == nil {
		return inst
	}
	m.active = m.active[:0]
	for _, i := range inst {
		if !m.hidden[i] {
			m.active = append(m.active, i)
		}
	}
	return m.active
}

// barSpan is how long bars of interval iv last: the interval (the
// timeline's, measured as the median step, or a segment's in a file that
// changes interval: Timeline.Segments) when under a day, else a day,
// as funding settles it too. A daily bar stamped 00:00 closes by the next
// 00:00, but an equity's, which closes at 21:00 UTC (sessionClose). A
// weekly or sparse series (two bars three days apart) counts as
// daily too, so that on a daily grid it holds no order back for a week;
// its bar is revealed whole at its stamp, as every bar is. A decision on
// it may then fill another series' bar that opens before its true close:
// experiments refuse such bars off one grid (data.Panel.CheckLongBars).
func barSpan(iv data.Interval) int64 {
	if iv.Intraday() {
		return int64(iv)
	}
	return data.NanosPerDay
}

// DailyBarEnd is when a daily bar stamped t of symbol, of class c,
// closes as the engine replays it: an equity's at its exchange's close
// of its stamp's day (sessionClose: 21:00 UTC in New York), any other's
// a day after its stamp.
func DailyBarEnd(t int64, c data.Class, symbol string) int64 {
	end := t + data.NanosPerDay
	if c == data.Equity {
		return sessionClose(t, end, data.ExchangeOf(symbol))
	}
	return end
}

// BarEnd is when bar k of series s closes as the engine replays it
// (market.advance): a daily bar as DailyBarEnd says; an intraday one
// its interval after its stamp (its stretch's, in a file that changes
// interval: data.Series.Segments), or, for an equity's bars of the
// regular session alone, at the New York close when the bar straddles
// it and no bar follows within its interval (lastBarClose: Yahoo's
// 15:30 hourly bar closes at 16:00).
func BarEnd(s *data.Series, k int) int64 {
	t := s.Time[k]
	iv, from, to := s.BarInterval(), 0, s.Len()
	if sg := s.Segments(); sg != nil {
		j := segmentAt(sg, k)
		iv, from = sg[j].Interval, sg[j].From
		if j+1 < len(sg) {
			to = sg[j+1].From
		}
	}
	span := barSpan(iv)
	if !iv.Intraday() {
		return DailyBarEnd(t, s.Class, s.Symbol)
	}
	end := t + span
	if s.Class != data.Equity || k+1 < s.Len() && s.Time[k+1] <= end || !regularHours(s.Time[from:to], span) {
		return end
	}
	if c := nyClose(t); t < c && c < end {
		return c
	}
	return end
}

// sessionClose is when an equity's daily bar stamped t closes: at its
// exchange e's close on t's UTC day (a New York bar stamped 2024-01-02,
// at 00:00 UTC, closes at 2024-01-02T21:00Z, not at the next 00:00; a
// Tokyo bar at 06:00Z), or at end (the
// stamp plus a day) when t is past that hour. A market-on-close order
// on the equity decided on a token's daily bar, which closes at 24:00
// UTC, then fills at the equity's next close, not at the close of the
// same day, three or four hours before the token's it was decided on.
func sessionClose(t, end int64, e data.Exchange) int64 {
	c := e.Close(t)
	if c < t {
		return end
	}
	return c
}

// lastBarClose is when an intraday equity's bar at the cursor, opened
// now, closes, given end, now plus its interval: at the New York close
// (16:00, or 13:00 on an early close: nyClose) when the bar straddles it
// and no bar follows at end (the session's last bar: Yahoo's hourly 15:30
// bar lasts 30 minutes, and its interval, the median spacing, says an
// hour; on an early close its 12:30 bar). Without the cap a token's order
// decided on it waited for 22:00Z instead of 21:00Z, and a decision at
// 21:00Z valued the equity at the bar's open. It applies to series of
// regular-hours bars alone (regularHours), which hold nothing after the
// close: on a series that trades past it a bar straddling 16:00
// with a gap after it may close later, and the cap would show its close
// before it came. A bar followed at end by the next keeps its end.
func (m *market) lastBarClose(i int, end int64) int64 {
	s := &m.series[i]
	if r := m.cursor[i] + 1; r < len(s.Time) && s.Time[r] <= end {
		return end
	}
	if c := nyClose(m.now); m.now < c && c < end {
		return c
	}
	return end
}

// nyClose is the NYSE's close on t's UTC day, in UTC ns: 16:00 New York
// time, 21:00Z in standard time and 20:00Z in daylight saving time (US
// rules: from 2007, the second Sunday of March to the first Sunday of
// November; before, the first Sunday of April to the last Sunday of
// October), or 13:00 on an early close (data.NYSEEarlyClose: the day
// after Thanksgiving, July 3 and December 24), three hours earlier. A
// US session (09:30–16:00, 13:30Z–21:00Z at the latest) lies within one
// UTC day.
func nyClose(t int64) int64 {
	_, c := nySession(t)
	return c
}

// SessionHours is the NYSE's regular session on t's UTC day, 09:30 New
// York time to its close (16:00, or 13:00 on an early close), in UTC
// Unix nanoseconds: when an equity's daily bar stamped t opened and
// closed in fact.
func SessionHours(t int64) (open, close int64) { return nySession(t) }

// nySession is the NYSE's regular session on t's UTC day: its open,
// 09:30 New York time, and its close (nyClose).
func nySession(t int64) (open, close int64) {
	day := data.DayNumber(t)
	y, mo, d := time.Unix(day*86_400, 0).UTC().Date()
	h := int64(21)
	if usDaylight(y, mo, d) {
		h = 20
	}
	close = day*data.NanosPerDay + h*int64(time.Hour)
	open = close - 390*int64(time.Minute)
	if data.NYSEEarlyClose(day * data.NanosPerDay) {
		close -= 3 * int64(time.Hour)
	}
	return open, close
}

// regularHours reports whether every bar of times, each lasting span,
// lies in New York's regular session, 09:30 to the close (nySession):
// opens before the close and ends after the open, so no pre- or
// post-market bar. A bar stamped on the 00:00 UTC grid that opens
// before 09:30 and ends after it (bar = "4h"'s 12:00Z bar, holding
// 09:30–11:00 EST) is one of the session's.
func regularHours(times []int64, span int64) bool {
	day, o, c := int64(math.MinInt64), int64(0), int64(0)
	for _, t := range times {
		if d := data.DayNumber(t); d != day { // bars in time order: one session a day
			day = d
			o, c = nySession(t)
		}
		if t+max(span, 1) <= o || t >= c {
			return false
		}
	}
	return len(times) > 0
}

// usDaylight reports whether US daylight saving time is in force at
// 16:00 on the date (a change happens at 02:00, so the change's own
// Sunday counts as after it).
func usDaylight(y int, m time.Month, d int) bool {
	// nthSunday is the day of month of the n-th Sunday of month (n = -1:
	// the last).
	nthSunday := func(month time.Month, n int) int {
		first := time.Date(y, month, 1, 0, 0, 0, 0, time.UTC)
		sun := 1 + (7-int(first.Weekday()))%7
		if n > 0 {
			return sun + 7*(n-1)
		}
		last := time.Date(y, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return sun + 7*((last-sun)/7)
	}
	startM, startD, endM, endD := time.March, nthSunday(time.March, 2), time.November, nthSunday(time.November, 1)
	if y < 2007 {
		startM, startD, endM, endD = time.April, nthSunday(time.April, 1), time.October, nthSunday(time.October, -1)
	}
	after := func(mm time.Month, dd int) bool { return m > mm || (m == mm && d >= dd) }
	return after(startM, startD) && !after(endM, endD)
}

// knownPrice is the last price of instrument i known now, at a step where
// it has no bar: its last close, or, when that bar is still open now
// (stamped off this step's grid: an equity's 13:30Z bar at a token's
// 14:00Z step closes at 14:30Z), the bar's open. NaN before its first
// bar.
func (m *market) knownPrice(i int) float64 { return m.knownAt(i, m.now) }

// knownAt is instrument i's last price known at time t: its bar's open
// when that bar closes after t, else its last close.
func (m *market) knownAt(i int, t int64) float64 {
	if r := m.cursor[i]; r >= 0 && m.close[i] > t {
		return m.series[i].Open[r]
	}
	return m.price[i]
}

// ready reports whether order o may fill on instrument i's bar at this
// step: the bar opens (for a market-on-close order, closes) at or after
// the latest close the strategy could have seen when it submitted
// (Order.notBefore). A decision on an equity bar stamped 13:30 (closing
// 14:30) does not fill a token at its 14:00 open.
func (m *market) ready(o *Order) bool {
	if o.Kind == MarketOnClose {
		return m.close[o.Instrument] >= o.notBefore
	}
	return m.now >= o.notBefore
}

// markClose marks every fresh instrument to its close at step k.
func (m *market) markClose(k int) {
	inst, row := m.tl.Active(k)
	for j, i := range inst {
		m.price[i] = m.series[i].Close[row[j]]
	}
}

// bar is instrument i's bar at its cursor (its current bar when it has
// one at this step).
func (m *market) bar(i int) Bar {
	s, r := &m.series[i], m.cursor[i]
	return Bar{Time: s.Time[r], Open: s.Open[r], High: s.High[r], Low: s.Low[r], Close: s.Close[r], Volume: s.Volume[r]}
}
