package experiment

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	// The time-zone database inside any program using the package (about
	// 450 KB): sessionSteps reads New York's seasons from it, and a host
	// without /usr/share/zoneinfo gave one season for both, so the
	// periods a year of 4-hour equity bars (and every annualised metric)
	// changed with the machine (TestSessionStepsWithoutHostTimeZones).
	// The host's database, when there is one, is still read first.
	_ "time/tzdata"

	"github.com/divergence-research/divergence/data"
)

// sessionMinutes is a regular US equity session, 09:30–16:00 New York.
const sessionMinutes = 390

// periodsPerYear returns the curve's periods per year, the calendar they
// come from and, on intraday bars and bars of a week or longer, how they
// were derived (basis, written to metrics.json as periods_per_year_basis;
// "" on daily bars, whose metrics.json stays as it was).
//
// Daily bars (and bars two to six days apart, daily bars with holes):
// 365 when any instrument trades every day (the union calendar then has a
// step every calendar day), else 252.
//
// Bars of a week or longer: the bars a 365-day year holds, whichever the
// calendar (a weekly equity bar comes every week, holidays or not), see
// longPeriods: 365/7 = 52.142857… for weekly bars, 12 for monthly ones.
//
// Intraday bars of interval iv: the curve has a point per step of the
// merged timeline, so the periods are the steps a year holds:
//
//   - a 24/7 instrument gives 365 days × (24 h / iv) steps (1h: 8760,
//     1m: 525,600);
//   - equities give 252 sessions × the bars that overlap one (see
//     sessionSteps; 1m: 98,280 = 252 × 390; 5m: 252 × 78; 1h: 252 × 7;
//     4h from 00:00 UTC: 3 in winter time and 2 in summer time, weighted
//     by the data's sessions in each).
//
// With both, the equities' steps add to the 24/7 ones only when their
// stamps are off the 24/7 grid (not multiples of iv from 00:00 UTC, e.g.
// Yahoo's :30 hours beside Binance's :00 ones); on the grid they coincide
// with steps the 24/7 instrument already has.
func periodsPerYear(p *data.Panel) (ppy float64, calendar, basis string) {
	iv := panelInterval(p)
	continuous, offGrid := false, false
	var equities []*data.Series
	for i := range p.Series {
		s := &p.Series[i]
		if s.Class.Calendar() == data.Continuous {
			continuous = true
			continue
		}
		equities = append(equities, s)
		if iv.Intraday() && !onGrid(s.Time, int64(iv)) {
			offGrid = true
		}
	}
	if iv >= data.Weekly {
		cal := iv.String() + " bars, exchange sessions"
		if continuous {
			cal = iv.String() + " bars, 24/7 (a 24/7 instrument is in the panel)"
		}
		ppy, basis := longPeriods(iv)
		return ppy, cal, basis
	}
	if !iv.Intraday() {
		if continuous {
			return 365, "calendar days (a 24/7 instrument is in the panel)", ""
		}
		return 252, "exchange sessions", ""
	}
	perDay := barsPerDay(iv)
	crypto := fmt.Sprintf("365 days × %d bars (%s, 24/7)", perDay, iv)
	switch {
	case continuous && offGrid:
		// On the grid, the equities' steps are the 24/7 ones.
		perYear, equity := sessionSteps(iv, equities, true)
		return float64(365*perDay) + perYear, iv.String() + " bars, 24/7 and exchange sessions off its grid",
			crypto + " + " + equity + ", their stamps off the 24/7 grid"
	case continuous:
		return float64(365 * perDay), iv.String() + " bars, 24/7 (a 24/7 instrument is in the panel)", crypto
	}
	perYear, equity := sessionSteps(iv, equities, false)
	return perYear, iv.String() + " bars, exchange sessions", equity
}

// longPeriods is the periods a year of bars of interval iv, a week or
// longer, and the basis for metrics.json. Months first: a monthly file's
// median step (its interval) is 30 or 31 days, a quarterly one's 90 to
// 92 (91 is 13 weeks), so a step within 1.6 days of k months of a
// 365-day year (k × 365/12 days) is k months apart, 12/k a year. Any
// other step, weekly bars among them, gives 365 days over its length:
// 365/7 = 52.142857… for weekly bars (not 52: a 365-day year, as daily
// bars' 365, holds 52 weeks and a day), 365/28 for four-weekly ones.
func longPeriods(iv data.Interval) (float64, string) {
	days := float64(iv) / float64(data.NanosPerDay)
	if k := math.Round(days * 12 / 365); k >= 1 && math.Abs(days-k*365/12) <= 1.6 {
		basis := fmt.Sprintf("12 months (%s bars: a month apart)", iv)
		if k > 1 {
			basis = fmt.Sprintf("12 months / %g (%s bars: %g months apart)", k, iv, k)
		}
		return 12 / k, basis
	}
	return 365 / days, fmt.Sprintf("365 days / %s (%s bars)", strconv.FormatFloat(days, 'f', -1, 64), iv)
}

// runsPanel is p with only the series that have a bar at or after from,
// the runs' first step (p is already cut at end): a series whose data end
// before the runs start (its bars warm-up history alone) puts no step on
// their curve, so it must not set their calendar. A token whose file
// ended the year before beside equities made periodsPerYear read 365 for
// a curve of sessions, and a year of MSFT (251 periods) was annualised as
// 251/365 of a year. p itself when every series has such a bar.
func runsPanel(p *data.Panel, from int64) *data.Panel {
	keep := make([]data.Series, 0, len(p.Series))
	for i := range p.Series {
		s := &p.Series[i]
		if n := s.Len(); n > 0 && s.Time[n-1] >= from {
			keep = append(keep, *s)
		}
	}
	if len(keep) == len(p.Series) || len(keep) == 0 {
		return p
	}
	q := *p
	q.Series = keep
	return &q
}

// sessionSteps is the steps a year of 09:30–16:00 New York sessions puts
// on a timeline of the series' bars of interval iv (with offGrid, their
// bars off iv's grid from 00:00 UTC only), and the basis for
// metrics.json. A bar is a step when it overlaps the session, a partial
// one included: the 6.5-hour session has 7 hourly bars whether stamped on
// the hour (09:00 holding 09:30–10:00) or at :30 (Yahoo's 09:30 …
// 15:30).
//
// Bars on a grid fixed in UTC may cover the session with a different
// count in winter time (14:30–21:00 UTC) and summer time (13:30–20:00
// UTC): 4-hour bars from 00:00 UTC hold it in 3 (12:00, 16:00, 20:00) in
// winter and 2 in summer, where bars stamped at New York's 09:30 and
// 13:30 are 2 in both. So the grid (each day's first stamp modulo iv) is
// read from the bars in each season, and the two counts are weighted by
// the sessions the data have in each: a year's about 87 and 165 give
// 591 for UTC-aligned 4-hour bars, not 252 × ceil(390 / 240) = 504.
func sessionSteps(iv data.Interval, series []*data.Series, offGrid bool) (float64, string) {
	step := int64(iv)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		// Cannot happen with time/tzdata linked in (above).
		panic("experiment: New York's time zone: " + err.Error())
	}
	var phases [2][]int64 // winter, summer: each day's first stamp modulo iv
	var sessions [2]int   // UTC days with a bar
	seen := map[int64]bool{}
	for _, s := range series {
		ts := s.Time
		for i := 0; i < len(ts); {
			t := ts[i]
			if offGrid && t%step == 0 {
				i++
				continue
			}
			day := data.DayNumber(t)
			k := summerTime(ny, day)
			phases[k] = appendNew(phases[k], posMod(t, step))
			if !seen[day] {
				seen[day] = true
				sessions[k]++
			}
			// The next day's first bar (the stamps ascend).
			next := (day + 1) * data.NanosPerDay
			i += sort.Search(len(ts)-i, func(j int) bool { return ts[i+j] >= next })
		}
	}
	count := func(k int, open, close int64) int64 {
		ph := phases[k]
		if len(ph) == 0 {
			ph = phases[1-k] // a season the data do not reach: the other's grid
		}
		if len(ph) == 0 {
			ph = []int64{0}
		}
		var n int64
		for _, x := range ph {
			n += barsOverlapping(iv, x, open, close)
		}
		return n
	}
	winter, summer := count(0, 14*60+30, 21*60), count(1, 13*60+30, 20*60)
	if winter == summer {
		return float64(252 * winter), fmt.Sprintf("252 sessions × %d bars (%s, 09:30–16:00 New York)", winter, iv)
	}
	w, sm := sessions[0], sessions[1]
	if w+sm == 0 {
		w, sm = winterSessions, summerSessions
	}
	perSession := float64(int64(w)*winter+int64(sm)*summer) / float64(w+sm)
	return 252 * perSession, fmt.Sprintf(
		"252 sessions × %.4g bars (%s, 09:30–16:00 New York: %d a session in winter time, %d in summer time, weighted by the data's %d and %d sessions)",
		perSession, iv, winter, summer, w, sm)
}

// A year's 252 sessions, by New York's clock: about 165 in summer time
// (EDT, UTC−4, from March's second Sunday to November's first: 170
// weekdays in 2023–2025 less 5 holidays) and 87 in winter time (EST,
// UTC−5), the weights of sessionSteps when it has no bar to count.
const (
	summerSessions = 165
	winterSessions = 252 - summerSessions
)

// summerTime is 1 when New York keeps summer time (EDT) on the UTC day
// (at 17:00 UTC, within its session), else 0; 0 without the zone.
func summerTime(ny *time.Location, day int64) int {
	if ny != nil && time.Unix(day*86400+17*3600, 0).In(ny).IsDST() {
		return 1
	}
	return 0
}

// barsOverlapping counts the bars of interval iv stamped at phase (mod
// iv) from 00:00 UTC that overlap the UTC minutes [open, close) of a day.
func barsOverlapping(iv data.Interval, phase, open, close int64) int64 {
	step := int64(iv)
	lo, hi := open*int64(data.Minute), close*int64(data.Minute)
	var n int64
	for b := phase - step; b < hi; b += step {
		if b+step > lo {
			n++
		}
	}
	return n
}

// posMod is x modulo m in [0, m), for times before 1970 too.
func posMod(x, m int64) int64 { return (x%m + m) % m }

func appendNew(s []int64, v int64) []int64 {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// panelInterval is the bar interval of p: the largest of its series'
// (0 when none is known).
func panelInterval(p *data.Panel) data.Interval {
	iv := data.Interval(0)
	for i := range p.Series {
		iv = max(iv, p.Series[i].Interval)
	}
	return iv
}

// barsPerDay is the number of intraday bars of interval iv in a 24-hour
// day.
func barsPerDay(iv data.Interval) int64 { return int64(data.Daily / iv) }

// onGrid reports whether every time is a multiple of step from 00:00 UTC.
func onGrid(t []int64, step int64) bool {
	for _, x := range t {
		if x%step != 0 {
			return false
		}
	}
	return true
}

// calendarNotes says where a series' bars do not follow the calendar its
// class gives it, which sets the periods per year: an instrument classed
// as an equity (exchange sessions, 252 a year) with bars on Saturdays
// trades 24/7, and one classed as 24/7 (365 a year) with no weekend bar
// in a year of bars trades in sessions. Either way the annualised
// metrics would be scaled by the wrong calendar.
func calendarNotes(p *data.Panel) []string {
	var notes []string
	for i := range p.Series {
		s := &p.Series[i]
		n := s.Len()
		if n < 2 {
			continue
		}
		// Weekend bars by the UTC day of the bar's time (an equity's
		// Friday session ends before Saturday 00:00 UTC).
		weekend := 0
		for _, t := range s.Time {
			if wd := data.Weekday(t); wd == 5 || wd == 6 {
				weekend++
			}
		}
		span := s.Time[n-1] - s.Time[0]
		cont := s.Class.Calendar() == data.Continuous
		switch {
		case !cont && weekend*20 > n && !data.WeekendNoted(s.Notes):
			// Over 5% of the bars, and the reader has not said it already
			// (data.WeekendNote: one line for every series alike), of
			// the bars it read, which may go on past the experiment's end.
			notes = append(notes, fmt.Sprintf("%s is classed as %s (exchange sessions, 252 a year) but %d of its %d bars fall on weekends: if it trades 24/7, class it crypto ([data.classes] %s = \"crypto\") or the annualised metrics are scaled by the wrong calendar",
				s.Symbol, s.Class, weekend, n, s.Symbol))
		case cont && weekend == 0 && span >= 365*data.NanosPerDay:
			notes = append(notes, fmt.Sprintf("%s is classed as %s (24/7, 365 days a year) but has no weekend bar in %s to %s: if it trades in sessions, class it equity ([data.classes] %s = \"equity\") or the annualised metrics are scaled by the wrong calendar",
				s.Symbol, s.Class, data.FormatDay(s.Time[0]), data.FormatDay(s.Time[n-1]), s.Symbol))
		}
		if g := gapNote(s, cont); g != "" {
			notes = append(notes, g)
		}
		if g := spacingNote(s); g != "" {
			notes = append(notes, g)
		}
		if g := spikeNote(s); g != "" {
			notes = append(notes, g)
		}
		if !cont && s.Interval.Intraday() && naiveNewYork(s) {
			notes = append(notes, fmt.Sprintf("%s's sessions run from 09:30 UTC, as New York's do in New York time: if its stamps are New York time written without an offset, set [data] timezone = \"America/New_York\" (read as UTC, they sit 4 or 5 hours early against 24/7 instruments)", s.Symbol))
		}
	}
	return notes
}

// gapNote notes the holes in a series' bars: steps longer than a week
// for exchange sessions (the longest market closures of recent decades,
// 2001-09-11's among them, are a week at most), 3 days for a 24/7
// instrument's daily bars or a day for its intraday bars, and at least 3
// of its usual steps (weekly bars have no
// hole every week). A position is held through a hole unpriced and the
// hole's move lands on one bar; a run's metrics see one period where
// there were many. "" when there is none.
func gapNote(s *data.Series, continuous bool) string {
	limit := 7 * data.NanosPerDay
	switch {
	case continuous && s.Interval.Intraday():
		limit = data.NanosPerDay // a day of a 24/7 market's bars missing
	case continuous:
		limit = 3 * data.NanosPerDay
	}
	limit = max(limit, 3*int64(s.Interval))
	gaps := 0
	var from, to int64
	for k := 1; k < len(s.Time); k++ {
		if d := s.Time[k] - s.Time[k-1]; d > limit {
			if gaps == 0 || d > to-from {
				from, to = s.Time[k-1], s.Time[k]
			}
			gaps++
		}
	}
	if gaps == 0 {
		return ""
	}
	dayText := func(d int64) string {
		return strconv.FormatFloat(math.Round(100*float64(d)/float64(data.NanosPerDay))/100, 'f', -1, 64)
	}
	stamp := data.FormatStamp
	if s.Interval.Intraday() {
		stamp = data.FormatTime // 00:00 as an instant too, beside the others
	}
	what, longest := "a hole", ""
	if gaps > 1 {
		what, longest = fmt.Sprintf("%d holes", gaps), "the longest: "
	}
	over := dayText(limit) + " days"
	if limit == data.NanosPerDay {
		over = "a day"
	}
	return fmt.Sprintf("%s has %s of over %s between bars (%sno bar between %s and %s, %s days apart): a position held through a hole is unpriced inside it and its move lands on one bar (if the market was closed, nothing is missing)",
		s.Symbol, what, over, longest, stamp(from), stamp(to), dayText(to-from))
}

// naiveNewYork reports whether a series' sessions look like New York's
// read as UTC: most days' first bar holds 09:30 UTC and every bar (from
// its stamp for its interval) overlaps 09:30–16:00 UTC (a New York
// session in UTC opens at 13:30 or 14:30). A bar holds 09:30 when it
// starts there, or, resampled to buckets from 00:00 UTC (bar = "1h":
// 09:00 holding 09:30–10:00; "4h": 08:00), when it starts before and
// ends after it.
func naiveNewYork(s *data.Series) bool {
	const open, close = 570, 960 // 09:30, 16:00 in minutes
	iv := int64(s.BarInterval() / data.Minute)
	if iv < 1 {
		iv = 1
	}
	days, at930 := 0, 0
	prevDay := int64(math.MinInt64)
	for _, t := range s.Time {
		d := data.DayNumber(t)
		minute := (t - d*data.NanosPerDay) / int64(time.Minute)
		if minute+iv <= open || minute >= close {
			return false
		}
		if d != prevDay {
			days++
			if minute <= open && open < minute+iv {
				at930++
			}
			prevDay = d
		}
	}
	return days > 0 && 2*at930 > days
}

// spikeNote notes one-bar spikes in a series' closes: a move of at least
// −45% or +80% that the next bar takes back to within 5% (a row of the
// file halved or doubled: −50% then +100%). On the real daily data of
// 43 assets since 2017, moves of ±25% that revert within 5% occur three
// times, all real (MARA, RIOT, RENDER on FTX's collapse); none reaches
// these bounds. "" when there is none.
func spikeNote(s *data.Series) string {
	c := s.Close
	n, first := 0, -1
	for k := 1; k+1 < len(c); k++ {
		a, b := c[k]/c[k-1]-1, c[k+1]/c[k]-1
		if (a <= -0.45 && b >= 0.8 || a >= 0.8 && b <= -0.45) && math.Abs((1+a)*(1+b)-1) < 0.05 {
			if n == 0 {
				first = k
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	a, b := c[first]/c[first-1]-1, c[first+1]/c[first]-1
	what := "a one-bar spike"
	if n > 1 {
		what = fmt.Sprintf("%d one-bar spikes, the first", n)
	}
	return fmt.Sprintf("%s has %s on %s: %+.0f%%, then %+.0f%% back the next bar; a bad row of the file (a close halved or doubled)? The runs trade on it as it is",
		s.Symbol, what, data.FormatStamp(s.Time[first]), 100*a, 100*b)
}

// spacingNote notes a series whose bars change spacing. Across a day
// (daily bars, then hourly ones: data.Series.Segments), it says where each
// stretch begins and that each bar lasts its stretch's interval, which the
// runs use: one line, however short the stretches. Otherwise (a file of
// hourly bars, then 5-minute ones) it notes the longest run of at least
// spacingRun consecutive equal steps other than its interval, read at
// the series' interval. Holes, nights and weekends are single steps, not
// runs. "" when there is none.
func spacingNote(s *data.Series) string {
	iv := int64(s.Interval)
	if iv <= 0 {
		return "" // no interval measured: nothing to compare with
	}
	if segs := s.Segments(); segs != nil {
		return segmentsNote(s, segs)
	}
	best, bestAt, bestStep := 0, 0, int64(0)
	for k := 1; k < len(s.Time); {
		d := s.Time[k] - s.Time[k-1]
		j := k
		for j+1 < len(s.Time) && s.Time[j+1]-s.Time[j] == d {
			j++
		}
		if n := j - k + 1; d != iv && n > best {
			best, bestAt, bestStep = n, k, d
		}
		k = j + 1
	}
	if best < spacingRun {
		return ""
	}
	return fmt.Sprintf("%s's bars are %s apart for %d steps (%s to %s) while most are %s apart: the file mixes intervals, and the metrics count every step as one %s bar; resample it to one interval (bar = %q)",
		s.Symbol, data.Interval(bestStep), best, data.FormatStamp(s.Time[bestAt-1]), data.FormatStamp(s.Time[bestAt+best-1]), s.Interval, s.Interval, data.Interval(max(bestStep, iv)).String())
}

// spacingRun is how many consecutive steps of one spacing other than a
// series' interval make spacingNote say its file mixes intervals.
const spacingRun = 50

// segmentsNote is spacingNote for a series whose bars change interval
// across a day (segs, from data.Series.Segments):
//
//	BTC's file changes interval: 1d bars from 2024-01-01, then 1h bars from 2024-01-11T00:00:00Z: each bar lasts its own stretch's interval, and days (rebalance_days, every_days, cooldown_days) stay calendar days; the metrics count every step as one 1h bar (bar = "1d" resamples the file to one interval)
func segmentsNote(s *data.Series, segs []data.Segment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s's file changes interval: ", s.Symbol)
	for k, g := range segs {
		if k > 0 {
			b.WriteString(", then ")
		}
		stamp := data.FormatStamp
		if g.Interval.Intraday() || k > 0 && segs[k-1].Interval.Intraday() {
			stamp = data.FormatTime
		}
		fmt.Fprintf(&b, "%s bars from %s", g.Interval, stamp(s.Time[g.From]))
	}
	coarse := s.Interval
	for _, g := range segs {
		coarse = max(coarse, g.Interval)
	}
	bar := data.Daily
	for _, v := range data.BarIntervals {
		if v >= coarse {
			bar = v
			break
		}
	}
	fmt.Fprintf(&b, ": each bar lasts its own stretch's interval, and days (rebalance_days, every_days, cooldown_days) stay calendar days; the metrics count every step as one %s bar (bar = %q resamples the file to one interval)",
		s.Interval, bar.String())
	return b.String()
}
