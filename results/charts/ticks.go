package charts

import (
	"math"
	"time"

	"gonum.org/v1/plot"
)

// calendarStep is a spacing of date ticks on calendar boundaries: every n
// hours, days or months, labelled with layout. Minor ticks fall every minor
// units of the same kind (0: none).
type calendarStep struct {
	unit   calendarUnit
	n      int
	minor  int
	layout string
}

type calendarUnit uint8

const (
	hours calendarUnit = iota
	days
	months
)

// calendarSteps run from fine to coarse; the first that gives few enough
// ticks is used.
var calendarSteps = [...]calendarStep{
	{hours, 1, 0, "01-02 15:04"},
	{hours, 3, 1, "01-02 15:04"},
	{hours, 6, 1, "01-02 15:04"},
	{hours, 12, 3, "2006-01-02 15h"},
	{days, 1, 0, "2006-01-02"},
	{days, 2, 1, "2006-01-02"},
	{days, 7, 1, "2006-01-02"}, // Mondays
	{days, 14, 7, "2006-01-02"},
	{months, 1, 0, "2006-01"},
	{months, 2, 1, "2006-01"},
	{months, 3, 1, "2006-01"},
	{months, 6, 1, "2006-01"},
	{months, 12, 3, "2006"},
	{months, 24, 12, "2006"},
	{months, 60, 12, "2006"},
	{months, 120, 60, "2006"},
	{months, 240, 120, "2006"},
	{months, 600, 120, "2006"},
	{months, 1200, 600, "2006"},
}

// calendarTicks is a plot.Ticker for an axis of UTC Unix seconds that puts
// major ticks on round calendar dates (month starts, year starts, Mondays)
// rather than on round numbers of seconds, so that a label "2024-03" sits
// at 1 March. It is used inside plot.TimeTicks, which formats the labels.
type calendarTicks struct{ step calendarStep }

// chooseCalendar returns the finest calendar step that puts at most
// maxMajor major ticks in [min, max] (UTC Unix seconds).
func chooseCalendar(min, max float64, maxMajor int) calendarStep {
	for _, s := range calendarSteps {
		if len(s.marks(min, max, s.n, maxMajor+1)) <= maxMajor {
			return s
		}
	}
	return calendarSteps[len(calendarSteps)-1]
}

// dateTicks returns the x-axis ticker for [min, max]: calendar-aligned ticks
// labelled by plot.TimeTicks with the step's layout.
func dateTicks(min, max float64, maxMajor int) plot.TimeTicks {
	s := chooseCalendar(min, max, maxMajor)
	return plot.TimeTicks{Ticker: calendarTicks{s}, Format: s.layout, Time: plot.UTCUnixTime}
}

// Ticks implements plot.Ticker. Major ticks get a placeholder label that
// plot.TimeTicks replaces with the formatted date.
func (c calendarTicks) Ticks(min, max float64) []plot.Tick {
	const limit = 500 // ticks per kind: a bound, never reached with a chosen step
	var ticks []plot.Tick
	major := c.step.marks(min, max, c.step.n, limit)
	for _, t := range major {
		ticks = append(ticks, plot.Tick{Value: float64(t), Label: "·"})
	}
	if c.step.minor > 0 {
		k := 0
		for _, t := range c.step.marks(min, max, c.step.minor, limit) {
			for k < len(major) && major[k] < t {
				k++
			}
			if k < len(major) && major[k] == t {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: float64(t)})
		}
	}
	return ticks
}

// marks returns the calendar boundaries every n units of s.unit in
// [min, max], in UTC Unix seconds, stopping after limit.
func (s calendarStep) marks(min, max float64, n, limit int) []int64 {
	if !(min <= max) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		return nil
	}
	lo, hi := int64(math.Ceil(min)), int64(math.Floor(max))
	var out []int64
	switch s.unit {
	case hours, days:
		size := int64(3600)
		origin := int64(0)
		if s.unit == days {
			size = 86400
			if n%7 == 0 {
				origin = 4 * 86400 // 1970-01-05, a Monday
			}
		}
		step := size * int64(n)
		t := origin + ceilDiv(lo-origin, step)*step
		for ; t <= hi && len(out) < limit; t += step {
			out = append(out, t)
		}
	case months:
		first := time.Unix(lo, 0).UTC()
		m := int64(first.Year())*12 + int64(first.Month()) - 1 // months since year 0
		if time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC).Unix() < lo {
			m++ // the first month start at or after lo
		}
		m = ceilDiv(m, int64(n)) * int64(n)
		for len(out) < limit {
			t := time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).Unix()
			if t > hi {
				break
			}
			out = append(out, t)
			m += int64(n)
		}
	}
	return out
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}
