package data

import (
	"reflect"
	"testing"
)

// TestSegments: where a series' bars change interval across a day, by
// hand. Days and hours from 2024-01-01 00:00 UTC.
func TestSegments(t *testing.T) {
	d0, h, day := Day(2024, 1, 1), int64(Hour), int64(Daily)
	series := func(times ...int64) *Series {
		s := &Series{Time: times}
		s.SetInterval()
		return s
	}
	hours := func(from int64, n int) []int64 {
		var t []int64
		for k := 0; k < n; k++ {
			t = append(t, from+int64(k)*h)
		}
		return t
	}
	// Four daily bars (steps: 3 days apart, then a day to the first
	// hourly bar, 4 steps), then 10 hourly bars: median 1h; rows 0-3
	// last a day, row 4 (01-05 00:00) on an hour.
	s := series(append([]int64{d0, d0 + day, d0 + 2*day, d0 + 3*day}, hours(d0+4*day, 10)...)...)
	if want := []Segment{{0, Daily}, {4, Hour}}; !reflect.DeepEqual(s.Segments(), want) {
		t.Errorf("daily then hourly: %v, want %v", s.Segments(), want)
	}
	// Two daily steps (01-01 → 01-02 → 01-03 00:00, the first hourly
	// bar): 2 < SegmentSteps, holes, not a stretch.
	s = series(append([]int64{d0, d0 + day}, hours(d0+2*day, 10)...)...)
	if got := s.Segments(); got != nil {
		t.Errorf("two daily steps: %v, want nil", got)
	}
	// An hourly equity: 7 bars a session (14:30 … 20:30), the nights and
	// a weekend single steps of 18 and 66 hours: one interval.
	var eq []int64
	for _, d := range []int64{0, 1, 2, 3, 4, 7, 8} { // Mon-Fri, Mon-Tue
		eq = append(eq, hours(d0+d*day+14*h+h/2, 7)...)
	}
	if got := series(eq...).Segments(); got != nil {
		t.Errorf("hourly sessions: %v, want nil", got)
	}
	// Mostly daily (median 1d) with hourly bars inside: rows 5-8 are
	// 01-06 00:00, 01:00, 02:00, 03:00, row 9 01-07 00:00. Steps 1h, 1h,
	// 1h, then 21h (under a day): four in a row, so rows 5-8 are hourly
	// bars (median step 1h) and the days resume at row 9.
	var mix []int64
	for k := 0; k < 6; k++ {
		mix = append(mix, d0+int64(k)*day)
	}
	mix = append(mix, d0+5*day+h, d0+5*day+2*h, d0+5*day+3*h)
	for k := 6; k < 12; k++ {
		mix = append(mix, d0+int64(k)*day)
	}
	if want := []Segment{{0, Daily}, {5, Hour}, {9, Daily}}; !reflect.DeepEqual(series(mix...).Segments(), want) {
		t.Errorf("hourly inside daily: %v, want %v", series(mix...).Segments(), want)
	}
	// Hourly bars, then five-minute ones (median 5m): the 60 hourly bars
	// are a stretch of their own (replayed at 5 minutes they closed up
	// to 55 minutes early); the last hourly bar (row 59) steps an hour to
	// the first 5-minute bar, so it lasts an hour.
	var fine []int64
	fine = append(fine, hours(d0, 60)...)
	for k := int64(0); k < 200; k++ {
		fine = append(fine, d0+60*h+k*5*60e9)
	}
	if want := []Segment{{0, Hour}, {60, 5 * Minute}}; !reflect.DeepEqual(series(fine...).Segments(), want) {
		t.Errorf("hourly then 5-minute: %v, want %v", series(fine...).Segments(), want)
	}
	// A thin hour of a minute file (bars 2 to 4 minutes apart, a trade
	// now and then), and fewer than 50 hourly steps among 5-minute bars:
	// not stretches of another interval.
	var thin []int64
	for k := int64(0); k < 600; k++ {
		thin = append(thin, d0+k*60e9)
	}
	tm := d0 + 600*60e9
	for k := 0; k < 20; k++ {
		tm += int64(2+k%3) * 60e9
		thin = append(thin, tm)
	}
	for k := int64(1); k <= 600; k++ {
		thin = append(thin, tm+k*60e9)
	}
	if got := series(thin...).Segments(); got != nil {
		t.Errorf("a thin hour of minute bars: %v, want nil", got)
	}
	few := append(hours(d0, 40), hours(d0+40*h, 0)...)
	for k := int64(0); k < 200; k++ {
		few = append(few, d0+40*h+k*5*60e9)
	}
	if got := series(few...).Segments(); got != nil {
		t.Errorf("39 hourly steps among 5-minute bars: %v, want nil", got)
	}
	// An hourly series with a hole of two missing bars (one 3-hour step)
	// and another of one: single steps, one interval.
	holes := append(hours(d0, 5), hours(d0+7*h, 5)...)
	holes = append(holes, hours(d0+13*h, 5)...)
	if got := series(holes...).Segments(); got != nil {
		t.Errorf("hourly with holes: %v, want nil", got)
	}
	// Hourly bars, then daily ones to the end: the last hourly bar
	// (01-01 09:00) steps 15 hours to 01-02 00:00, which opens the days.
	s = series(append(hours(d0, 10), d0+day, d0+2*day, d0+3*day, d0+4*day)...)
	if want := []Segment{{0, Hour}, {10, Daily}}; !reflect.DeepEqual(s.Segments(), want) {
		t.Errorf("hourly then daily: %v, want %v", s.Segments(), want)
	}
}
