package results

import (
	"testing"
	"time"
)

// The periods per year inferred from intraday stamps match what a run
// writes in its metrics.json (experiment's sessionSteps): 4-hour buckets
// from 00:00 UTC hold New York's session in 3 bars in winter time
// (12:00, 16:00, 20:00 UTC for 14:30–21:00) and in 2 in summer time
// (12:00, 16:00 for 13:30–20:00), weighted by the sessions the data have
// in each. The median of the weekdays' rows took one season's count for
// the whole year: `divergence metrics` on a 4h equity run's equity.csv
// (50 winter and 9 summer sessions) gave 756, the run 717.56.
func TestInferPeriodsPerYearWeighsNewYorkSeasons(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	// weekdays lists the weekdays from from, n of them.
	weekdays := func(from time.Time, n int) []time.Time {
		var out []time.Time
		for d := from; len(out) < n; d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				out = append(out, d)
			}
		}
		return out
	}
	// New York moved to summer time on 2026-03-08: 2026-03-02 … 03-06 are
	// winter sessions, 03-09 … 03-20 summer ones.
	winter := weekdays(day(2026, 3, 2), 5)
	summer := weekdays(day(2026, 3, 9), 10)
	for _, c := range []struct {
		name   string
		hours  func(d time.Time) []int // UTC hours stamped on day d
		minute int                     // past each hour
		days   []time.Time
		want   float64
	}{
		{
			// 252 × (5 × 3 + 10 × 2) / 15 = 252 × 35 / 15 = 588 (the
			// median of the 15 weekdays' rows alone said 2: 504).
			name: "4h equities, 5 winter and 10 summer sessions",
			hours: func(d time.Time) []int {
				if d.Before(day(2026, 3, 8)) {
					return []int{12, 16, 20}
				}
				return []int{12, 16}
			},
			days: append(append([]time.Time{}, winter...), summer...),
			want: 588,
		},
		{
			// 252 × (5 × 3 + 2 × 2) / 7 = 252 × 19 / 7 = 684 (the
			// median said 3: 756).
			name: "4h equities, 5 winter and 2 summer sessions",
			hours: func(d time.Time) []int {
				if d.Before(day(2026, 3, 8)) {
					return []int{12, 16, 20}
				}
				return []int{12, 16}
			},
			days: append(append([]time.Time{}, winter...), summer[:2]...),
			want: 684,
		},
		{
			// One count in both seasons: 252 × 7 = 1,764, as before.
			name: "hourly equities at :30 across the change",
			hours: func(d time.Time) []int {
				if d.Before(day(2026, 3, 8)) {
					return []int{14, 15, 16, 17, 18, 19, 20}
				}
				return []int{13, 14, 15, 16, 17, 18, 19}
			},
			minute: 30,
			days:   append(append([]time.Time{}, winter...), summer...),
			want:   1764,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Returns{Names: []string{"r"}, Cols: [][]float64{nil}}
			for _, d := range c.days {
				for _, h := range c.hours(d) {
					at := d.Add(time.Duration(h)*time.Hour + time.Duration(c.minute)*time.Minute)
					r.Dates = append(r.Dates, at.UnixNano())
					r.Cols[0] = append(r.Cols[0], 0.001)
				}
			}
			if got := r.InferPeriodsPerYear(); got != c.want {
				t.Errorf("periods per year %v, want %v", got, c.want)
			}
		})
	}
}
