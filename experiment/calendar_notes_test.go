package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// An equity-classed series with weekend bars and a crypto-classed one
// without any in a year are noted; a daily equity (weekdays only) and a
// 24/7 token are not. By hand, from Monday 2024-01-01: 400 calendar days
// are 57 weeks and a Monday, 114 weekend days; 300 weekdays are 60 weeks,
// the last a Friday 417 days on (2024 has 366: 2025-01-01 + 51 days =
// 2025-02-21).
func TestCalendarNotes(t *testing.T) {
	series := func(sym string, class data.Class, days int, weekends bool) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
		for d := data.Day(2024, 1, 1); len(s.Time) < days; d += data.NanosPerDay {
			if wd := data.Weekday(d); !weekends && (wd == 5 || wd == 6) {
				continue
			}
			s.Time = append(s.Time, d)
		}
		return s
	}
	p := &data.Panel{Series: []data.Series{
		series("TOKEN", data.Equity, 400, true),  // 24/7 bars classed equity
		series("SHARE", data.Crypto, 300, false), // weekdays for over a year classed crypto
		series("NVDA", data.Equity, 300, false),
		series("TAO", data.Crypto, 400, true),
		series("NEW", data.Crypto, 100, false), // weekdays, but under a year: not enough to say
	}}
	notes := calendarNotes(p)
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "TOKEN is classed as equity (exchange sessions, 252 a year) but 114 of its 400 bars fall on weekends") ||
		!strings.HasPrefix(notes[1], "SHARE is classed as crypto (24/7, 365 days a year) but has no weekend bar in 2024-01-01 to 2025-02-21") {
		t.Errorf("notes:\n%s", strings.Join(notes, "\n"))
	}
}

// Holes in the bars are noted: a step of over 7 days for exchange
// sessions, over 3 days for 24/7 daily bars and a day for 24/7 intraday
// ones, and at least 3 usual steps. By hand:
//   - SESS, weekday bars from 2024-01-01 with 2024-03-04 … 2024-03-12
//     (7 weekdays) left out: Friday 03-01 to Wednesday 03-13 is 12 days;
//     weekends (3 days) are not holes;
//   - TOK, 24/7 bars with 2024-02-10 … 02-13 (4 days) and 2024-04-01 …
//     04-02 (2 days) left out: 02-09 → 02-14 is 5 days (noted), 03-31 →
//     04-03 is 3 days (not over 3);
//   - TWO, 24/7 with two holes of 4 and 6 days: both counted, the longest
//     named;
//   - WEEK, weekly 24/7 bars (a 7-day step is its interval, 3 × 7 = 21
//     days the limit): a 14-day step is not a hole;
//   - HOUR, hourly 24/7 bars with 80 hours left out: 81 hours, 3.375
//     days (written to 2 decimals, 3.38), named by instant;
//   - TWOD, hourly 24/7 with 48 hours left out (a 49-hour step, over a
//     day) and, elsewhere, 20 (a 21-hour step, not over a day): one hole;
//   - ODD, 30-hour bars (limit 3.75 days) with bars at 90, 120 and 150 h
//     left out: 60 h → 180 h is 5 days.
func TestGapNotes(t *testing.T) {
	daily := func(sym string, class data.Class, days int, skip func(d int64) bool, step int64) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
		for d := data.Day(2024, 1, 1); len(s.Time) < days; d += step {
			if skip(d) {
				continue
			}
			s.Time = append(s.Time, d)
		}
		s.Interval = data.DetectInterval(s.Time)
		return s
	}
	day := data.NanosPerDay
	in := func(d, from, to int64) bool { return d >= from && d <= to }
	p := &data.Panel{Series: []data.Series{
		daily("SESS", data.Equity, 200, func(d int64) bool {
			return data.Weekday(d) >= 5 || in(d, data.Day(2024, 3, 4), data.Day(2024, 3, 12))
		}, day),
		daily("TOK", data.Crypto, 200, func(d int64) bool {
			return in(d, data.Day(2024, 2, 10), data.Day(2024, 2, 13)) || in(d, data.Day(2024, 4, 1), data.Day(2024, 4, 2))
		}, day),
		daily("TWO", data.Crypto, 200, func(d int64) bool {
			return in(d, data.Day(2024, 2, 10), data.Day(2024, 2, 12)) || in(d, data.Day(2024, 4, 1), data.Day(2024, 4, 5))
		}, day),
		daily("WEEK", data.Crypto, 40, func(d int64) bool { return d == data.Day(2024, 3, 4) }, 7*day),
		daily("HOUR", data.Crypto, 2000, func(d int64) bool {
			return in(d, data.Day(2024, 1, 10)+5*int64(time.Hour), data.Day(2024, 1, 10)+84*int64(time.Hour))
		}, int64(time.Hour)),
		daily("TWOD", data.Crypto, 2000, func(d int64) bool {
			h := int64(time.Hour)
			return in(d, data.Day(2024, 1, 5)+h, data.Day(2024, 1, 5)+48*h) || in(d, data.Day(2024, 2, 1)+h, data.Day(2024, 2, 1)+20*h)
		}, int64(time.Hour)),
		// 30-hour bars: the limit is 3 × 30 h = 3.75 days; leaving out
		// the 4th to 6th bars (hours 90 to 150) makes a step of 120 h, 5 days.
		daily("ODD", data.Crypto, 100, func(d int64) bool {
			return in(d, data.Day(2024, 1, 1)+90*int64(time.Hour), data.Day(2024, 1, 1)+150*int64(time.Hour))
		}, 30*int64(time.Hour)),
	}}
	want := []string{
		"SESS has a hole of over 7 days between bars (no bar between 2024-03-01 and 2024-03-13, 12 days apart)",
		"TOK has a hole of over 3 days between bars (no bar between 2024-02-09 and 2024-02-14, 5 days apart)",
		"TWO has 2 holes of over 3 days between bars (the longest: no bar between 2024-03-31 and 2024-04-06, 6 days apart)",
		"HOUR has a hole of over a day between bars (no bar between 2024-01-10T04:00:00Z and 2024-01-13T13:00:00Z, 3.38 days apart)",
		"TWOD has a hole of over a day between bars (no bar between 2024-01-05T00:00:00Z and 2024-01-07T01:00:00Z, 2.04 days apart)",
		"ODD has a hole of over 3.75 days between bars (no bar between 2024-01-03T12:00:00Z and 2024-01-08T12:00:00Z, 5 days apart)",
	}
	notes := calendarNotes(p)
	if len(notes) != len(want) {
		t.Fatalf("%d notes, want %d:\n%s", len(notes), len(want), strings.Join(notes, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(notes[i], w+": a position held through a hole is unpriced inside it") {
			t.Errorf("note %d:\n got %s\nwant %s: …", i, notes[i], w)
		}
	}
}

// Instruments whose data does not span the runs are noted. Runs from
// 2024-03-01 to 2024-06-30 (by hand):
//   - GONE ends 2024-02-10, before they start;
//   - LAST ends 2024-02-27, before they start but within a week of it:
//     strategies wait for it until 2024-03-05 (02-27 + 7 days);
//   - SHORT ends 2024-06-20, 10 days before they end (over a week);
//   - NEAR ends 2024-06-25, 5 days before (within a week: not noted);
//   - LATE starts 2024-04-01, 31 days after they start (over a week);
//   - SOON starts 2024-03-06, 5 days after (within a week: not noted);
//   - FULL spans them.
func TestCoverageNotes(t *testing.T) {
	days := func(sym string, from, to int64) data.Series { return everyDay(sym, data.Crypto, from, to) }
	from, to := data.Day(2024, 3, 1), data.Day(2024, 6, 30)
	p := &data.Panel{Series: []data.Series{
		days("GONE", data.Day(2024, 1, 1), data.Day(2024, 2, 10)),
		days("LAST", data.Day(2024, 1, 1), data.Day(2024, 2, 27)),
		days("SHORT", data.Day(2024, 1, 1), data.Day(2024, 6, 20)),
		days("NEAR", data.Day(2024, 1, 1), data.Day(2024, 6, 25)),
		days("LATE", data.Day(2024, 4, 1), to),
		days("SOON", data.Day(2024, 3, 6), to),
		days("FULL", data.Day(2024, 1, 1), to),
	}}
	want := []string{
		"GONE's data ends on 2024-02-10, before the runs start (2024-03-01): no run trades it, and a strategy that names it runs without it (",
		"LAST's data ends on 2024-02-27, before the runs start (2024-03-01): no run trades it, and a strategy that names it runs without it once a week has passed since its last bar (after 2024-03-05); until then one that trades its instruments together (a hedge's legs, a basket) waits for it and trades none",
		"SHORT's data ends on 2024-06-20, 10 days before the runs end (2024-06-30): from a week after its last bar it is no longer traded",
		"LATE's data starts on 2024-04-01, 31 days after the runs start (2024-03-01): no run trades it before",
	}
	notes := coverageNotes(p, from, to)
	if len(notes) != len(want) {
		t.Fatalf("%d notes, want %d:\n%s", len(notes), len(want), strings.Join(notes, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(notes[i], w) {
			t.Errorf("note %d:\n got %s\nwant %s…", i, notes[i], w)
		}
	}
}

// On intraday bars, data ending early is noted within a week of the
// runs' end too: a 24/7 instrument lacking over 3 of its bars (an hour at
// least), an equity when an NYSE session opened after its last bar's day.
// The synthetic hourly market from 2025-01-01 (equities' bars stamped
// 09:00 … 15:00 New York, 14:00Z … 20:00Z in January), the runs ending
// Tuesday 2025-01-21 12:00Z, before that day's open (14:30Z), Monday
// 2025-01-20 being Martin Luther King Day (by hand):
//   - BTC ends 2025-01-20T12:00Z, 24 hours before: noted;
//   - ETH ends 09:00Z, 3 hours (3 bars) before: not noted;
//   - TAO ends 08:00Z, 4 hours (4 bars) before: noted;
//   - MSFT ends Friday 2025-01-17 20:00Z (the last session before the
//     runs end: Monday is a holiday, Tuesday's opens after 12:00Z): not
//     noted, though it lacks 3 days and 16 hours;
//   - NVDA ends Thursday 2025-01-16 20:00Z, missing Friday's session
//     (opened 14:30Z): noted, 4 days and 16 hours = 112 hours before;
//   - META spans the runs' start to end: not noted.
func TestCoverageNotesIntraday(t *testing.T) {
	p, err := synth.GenerateIntraday(synth.DefaultIntradayConfig(7, data.Hour, 30, 6))
	if err != nil {
		t.Fatal(err)
	}
	from, to := data.Day(2025, 1, 1), data.Day(2025, 1, 21)+12*int64(time.Hour)
	p = p.Before(to + 1)
	ends := map[string]int64{
		"BTC":  to - 24*int64(time.Hour),
		"ETH":  to - 3*int64(time.Hour),
		"TAO":  to - 4*int64(time.Hour),
		"NVDA": data.Day(2025, 1, 17),
	}
	for i := range p.Series {
		s := &p.Series[i]
		if e, ok := ends[s.Symbol]; ok {
			k, _ := slices.BinarySearch(s.Time, e+1)
			*s = s.Bars(0, k)
		}
	}
	const tail = ": its last close is carried flat to the end (a position in it is valued at it, and no order to it fills), and a hedge with it as a leg does not rebalance then (sync points wait a week for its next bar)"
	want := []string{
		"BTC's data ends at 2025-01-20T12:00:00Z, 24 hours before the runs end (2025-01-21T12:00:00Z)" + tail,
		"NVDA's data ends at 2025-01-16T20:00:00Z, 112 hours before the runs end (2025-01-21T12:00:00Z)" + tail,
		"TAO's data ends at 2025-01-21T08:00:00Z, 4 hours before the runs end (2025-01-21T12:00:00Z)" + tail,
	}
	notes := coverageNotes(p, from, to)
	slices.Sort(notes)
	if !slices.Equal(notes, want) {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
}

// A series whose spacing changes (hourly bars for 100 steps, then 1,000
// five-minute ones: its interval, the median step, is 5m) has a stretch
// of hourly bars (data.Series.Segments), each bar lasting its stretch's
// interval, and is noted so: from 2025-09-01 00:00, 100 hours, to the
// 2025-09-05 04:00 bar, the first followed by a 5-minute step. A run of
// 49 hourly steps is not (a stretch of another intraday interval has 50
// steps at least: data.IntradayStretchSteps), nor are Yahoo-style hourly
// sessions (nights and weekends single steps between runs of 1h).
func TestSpacingNote(t *testing.T) {
	h, m5 := int64(time.Hour), int64(5*time.Minute)
	mixed := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}}
	tm := data.Day(2025, 9, 1)
	for k := 0; k <= 100; k++ {
		mixed.Time = append(mixed.Time, tm)
		tm += h
	}
	tm += m5 - h
	for k := 0; k < 1000; k++ {
		mixed.Time = append(mixed.Time, tm)
		tm += m5
	}
	mixed.SetInterval()
	const tail = `: each bar lasts its own stretch's interval, and days (rebalance_days, every_days, cooldown_days) stay calendar days; the metrics count every step as one 5m bar (bar = "1h" resamples the file to one interval)`
	want := "TAO's file changes interval: 1h bars from 2025-09-01T00:00:00Z, then 5m bars from 2025-09-05T04:00:00Z" + tail
	if got := spacingNote(&mixed); got != want {
		t.Errorf("mixed:\n got %s\nwant %s", got, want)
	}
	short := mixed
	short.Time = mixed.Time[51:] // 49 hourly steps left
	short.SetInterval()
	if got := spacingNote(&short); got != "" {
		t.Errorf("49 hourly steps: %s", got)
	}
	var sess data.Series
	sess.Symbol = "NVDA"
	for d := 0; d < 60; d++ {
		day := data.Day(2025, 1, 6) + int64(d)*data.NanosPerDay
		if data.Weekday(day) >= 5 {
			continue
		}
		for k := int64(0); k < 7; k++ {
			sess.Time = append(sess.Time, day+14*h+30*int64(time.Minute)+k*h)
		}
	}
	sess.SetInterval()
	if got := spacingNote(&sess); got != "" {
		t.Errorf("hourly sessions: %s", got)
	}
}

// Benchmarks whose bars do not span the runs (2023-01-03 to 2025-12-31)
// within a week are noted: CORZ from 2024-01-24, MARA to 2025-05-30; SPY
// from 2023-01-05 to 2025-12-26 (within a week at both ends) is not.
func TestBenchCoverage(t *testing.T) {
	days := func(sym string, from, to int64) data.Series { return everyDay(sym, data.Equity, from, to) }
	from, to := data.Day(2023, 1, 3), data.Day(2025, 12, 31)
	p := &data.Panel{Series: []data.Series{
		days("CORZ", data.Day(2024, 1, 24), to),
		days("MARA", from, data.Day(2025, 5, 30)),
		days("SPY", data.Day(2023, 1, 5), data.Day(2025, 12, 26)),
	}}
	notes := benchCoverage(p, from, to)
	want := []string{
		"benchmark CORZ has bars from 2024-01-24 to 2025-12-31, the runs go from 2023-01-03 to 2025-12-31",
		"benchmark MARA has bars from 2023-01-03 to 2025-05-30, the runs go from 2023-01-03 to 2025-12-31",
	}
	if len(notes) != len(want) {
		t.Fatalf("notes:\n%s", strings.Join(notes, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(notes[i], w) {
			t.Errorf("note %d:\n got %s\nwant %s…", i, notes[i], w)
		}
	}
}

// An equity's hourly sessions at 09:30 … 15:30 UTC (New York stamps read
// as UTC) are noted; the same sessions at 14:30 … 20:30 UTC (read in New
// York time) and a 24/7 token are not.
func TestNaiveNewYorkNote(t *testing.T) {
	session := func(sym string, class data.Class, firstHour, firstMin int) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
		for d := 0; d < 10; d++ {
			day := data.Day(2025, 1, 6) + int64(d)*data.NanosPerDay
			if data.Weekday(day) >= 5 {
				continue
			}
			for k := 0; k < 7; k++ {
				s.Time = append(s.Time, day+int64(firstHour)*int64(time.Hour)+int64(firstMin)*int64(time.Minute)+int64(k)*int64(time.Hour))
			}
		}
		s.SetInterval()
		return s
	}
	p := &data.Panel{Series: []data.Series{
		session("NAIVE", data.Equity, 9, 30),
		session("NVDA", data.Equity, 14, 30),
	}}
	notes := calendarNotes(p)
	if len(notes) != 1 || !strings.HasPrefix(notes[0], `NAIVE's sessions run from 09:30 UTC, as New York's do in New York time: if its stamps are New York time written without an offset, set [data] timezone = "America/New_York"`) {
		t.Errorf("notes:\n%s", strings.Join(notes, "\n"))
	}
}

// The same sessions resampled with bar = "1h" or "4h" are stamped on
// buckets from 00:00 UTC: New York's 09:30–16:00 read as UTC is the 1h
// buckets 09:00 (holding 09:30–10:00) … 15:00, or the 4h buckets 08:00
// (09:30–12:00) and 12:00 (12:00–16:00). Neither was noted (a first
// stamp before 09:30 UTC ruled the series out), so a book resampled to
// 1h traded equities 4 or 5 hours early against its tokens unwarned. In
// New York time (January: 14:30–21:00 UTC) the 1h buckets are 14:00 …
// 20:00 and the 4h ones 12:00, 16:00, 20:00: not noted.
func TestNaiveNewYorkNoteResampled(t *testing.T) {
	buckets := func(sym string, iv data.Interval, firstMin int, n int) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Equity}, Interval: iv}
		for d := 0; d < 10; d++ {
			day := data.Day(2025, 1, 6) + int64(d)*data.NanosPerDay
			if data.Weekday(day) >= 5 {
				continue
			}
			for k := 0; k < n; k++ {
				s.Time = append(s.Time, day+int64(firstMin)*int64(time.Minute)+int64(k)*int64(iv))
			}
		}
		return s
	}
	for _, tc := range []struct {
		s    data.Series
		note bool
	}{
		{buckets("NAIVE", data.Hour, 9*60, 7), true},          // 09:00 … 15:00
		{buckets("NAIVE", 4*data.Hour, 8*60, 2), true},        // 08:00, 12:00
		{buckets("NVDA", data.Hour, 14*60, 7), false},         // 14:00 … 20:00
		{buckets("NVDA", 4*data.Hour, 12*60, 3), false},       // 12:00, 16:00, 20:00
		{buckets("EARLY", data.Hour, 8*60, 8), false},         // 08:00 … 15:00: the 08:00 bar ends before 09:30
		{buckets("NAIVE5", 5*data.Minute, 9*60+30, 78), true}, // unresampled 5m from 09:30, as before
	} {
		notes := calendarNotes(&data.Panel{Series: []data.Series{tc.s}})
		got := len(notes) == 1 && strings.Contains(notes[0], "sessions run from 09:30 UTC")
		if got != tc.note || len(notes) > 1 {
			t.Errorf("%s %s bars from %s: notes %q, want the naive New York note: %v", tc.s.Symbol, tc.s.Interval, data.FormatTime(tc.s.Time[0]), notes, tc.note)
		}
	}
}

// A close halved for one bar (100, 100, 50, 100, 100: −50% then +100%)
// is noted as a spike; a crash that stays (100, 60, 62) and a sharp move
// taken back in part (100, 72, 98: −28% then +36%, as a token moved on
// FTX's collapse) are not.
func TestSpikeNote(t *testing.T) {
	series := func(sym string, closes ...float64) *data.Series {
		s := &data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Crypto}}
		for k, c := range closes {
			s.Time = append(s.Time, data.Day(2024, 3, 1)+int64(k)*data.NanosPerDay)
			s.Close = append(s.Close, c)
		}
		return s
	}
	want := "HALF has a one-bar spike on 2024-03-03: -50%, then +100% back the next bar; a bad row of the file (a close halved or doubled)?"
	if got := spikeNote(series("HALF", 100, 100, 50, 100, 100)); !strings.HasPrefix(got, want) {
		t.Errorf("got %q\nwant %q…", got, want)
	}
	for _, s := range []*data.Series{series("CRASH", 100, 60, 62, 61), series("FTX", 100, 72, 98, 97)} {
		if got := spikeNote(s); got != "" {
			t.Errorf("%s: %s", s.Symbol, got)
		}
	}
}

// everyDay is a series of one bar a day (times only) from from to to.
func everyDay(sym string, class data.Class, from, to int64) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
	for d := from; d <= to; d += data.NanosPerDay {
		s.Time = append(s.Time, d)
	}
	return s
}

// TestSpacingNoteIntervalChange: a file of daily bars, then hourly ones
// (BTC 2024-01-01 … 01-10 daily, hourly from 01-11 00:00 for 20 days) is
// noted with where each interval begins, however few the daily bars
// (9 steps, under spacingRun); each bar lasts its stretch's interval.
func TestSpacingNoteIntervalChange(t *testing.T) {
	s := data.Series{Instrument: data.Instrument{Symbol: "BTC", Class: data.Crypto}}
	d0 := data.Day(2024, 1, 1)
	for k := int64(0); k < 10; k++ {
		s.Time = append(s.Time, d0+k*data.NanosPerDay)
	}
	for k := int64(0); k < 480; k++ {
		s.Time = append(s.Time, d0+10*data.NanosPerDay+k*int64(data.Hour))
	}
	s.SetInterval()
	want := `BTC's file changes interval: 1d bars from 2024-01-01, then 1h bars from 2024-01-11T00:00:00Z: each bar lasts its own stretch's interval, and days (rebalance_days, every_days, cooldown_days) stay calendar days; the metrics count every step as one 1h bar (bar = "1d" resamples the file to one interval)`
	if got := spacingNote(&s); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// An equity with weekend bars read from a file is noted once: the reader's
// note (data.WeekendNote, one line for all the series alike) and not again
// per series by the experiment. Two files of 28 daily bars from Monday
// 2024-01-01: 4 weeks, 8 of them on a Saturday or Sunday (29%, over the
// experiment's 5%).
func TestWeekendNotedOnce(t *testing.T) {
	dir := t.TempDir()
	for _, sym := range []string{"AAA", "BBB"} {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for k := range 28 {
			day := time.Date(2024, 1, 1+k, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			c := 100 + float64(k)
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", day, c, c+1, c-1, c)
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := `name = "weekends"
%s
[data]
dir = "` + filepath.ToSlash(dir) + `"
[data.classes]
AAA = "equity"
BBB = "equity"
[[strategy]]
name = "bh"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA", "BBB"]
`
	// With an end before the files' last bar too: the runs see 19 of the
	// 28 bars (4 on a weekend), the reader's note counts the file's.
	for _, end := range []string{"", `end = "2024-01-20"`} {
		o, err := runIn(t, t.TempDir(), fmt.Sprintf(text, end))
		if err != nil {
			t.Fatal(err)
		}
		var weekend []string
		for _, n := range o.Notes {
			if strings.Contains(n, "weekend") || strings.Contains(n, "Saturday") {
				weekend = append(weekend, n)
			}
		}
		if len(weekend) != 1 || !strings.HasPrefix(weekend[0], "AAA, BBB: classed equity") ||
			!strings.Contains(weekend[0], "8 of its 28 bars fall on a Saturday or Sunday (UTC), the first 2024-01-06") {
			t.Errorf("%s: weekend notes:\n%s", end, strings.Join(weekend, "\n"))
		}
	}
}
