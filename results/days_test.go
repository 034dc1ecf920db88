package results

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results/metrics"
)

// WorstDay on hourly points, by hand. Day 1 (2024-03-04) 10:00, 11:00,
// 12:00: 100, 90, 110; day 2 (2024-03-05) 10:00, 11:00, 12:00: 110, 108,
// 104.5; day 3 (2024-03-06) 10:00: 106.59.
//
//	day 1: 110 / 100 − 1    = +0.10   (its worst bar: 90/100 − 1 = −0.10)
//	day 2: 104.5 / 110 − 1  = −0.05   (bars −0.01818…, −0.03240…)
//	day 3: 106.59 / 104.5 − 1 = +0.02
//
// The worst day is day 2, −5%; the worst bar, −10%, is on day 1.
func TestWorstDayHourly(t *testing.T) {
	d1, d2, d3 := data.Day(2024, 3, 4), data.Day(2024, 3, 5), data.Day(2024, 3, 6)
	h := int64(3_600_000_000_000)
	ts := []int64{d1 + 10*h, d1 + 11*h, d1 + 12*h, d2 + 10*h, d2 + 11*h, d2 + 12*h, d3 + 10*h}
	eq := []float64{100, 90, 110, 110, 108, 104.5, 106.59}
	if got := WorstDay(0, ts, eq); math.Abs(got-(-0.05)) > 1e-12 {
		t.Errorf("WorstDay = %.15g, want -0.05", got)
	}
	if wp := metrics.Summarize(metrics.ReturnsFromEquity(nil, eq), 365*24, nil).WorstPeriod; math.Abs(wp-(-0.1)) > 1e-12 {
		t.Errorf("worst bar = %.15g, want -0.1 (the test's premise)", wp)
	}
	// A first day of one point has no return: the days are then day 2
	// from that point (110 → 104.5) and day 3.
	if got := WorstDay(0, ts[2:], eq[2:]); math.Abs(got-(-0.05)) > 1e-12 {
		t.Errorf("WorstDay from 12:00 of day 1 = %.15g, want -0.05", got)
	}
	for _, c := range []struct {
		name string
		t    []int64
		eq   []float64
	}{{"empty", nil, nil}, {"one point", ts[:1], eq[:1]}, {"lengths differ", ts, eq[:3]}} {
		if got := WorstDay(0, c.t, c.eq); !math.IsNaN(got) {
			t.Errorf("%s: WorstDay = %g, want NaN", c.name, got)
		}
	}
}

// Days before 1970 (negative times) split at UTC midnight too: 1969-12-31
// 23:00 and 1970-01-01 01:00 are two days. 100 → 95 at 23:00 (the first
// day has one point: no return), then 95 → 99.75 over 1970-01-01 (+5%),
// then 99.75 → 89.775 on 1970-01-02 (−10%).
func TestWorstDayBeforeEpoch(t *testing.T) {
	h := int64(3_600_000_000_000)
	ts := []int64{-2 * h, -1 * h, 1 * h, 2 * h, 25 * h}
	eq := []float64{100, 95, 97, 99.75, 89.775}
	if got := WorstDay(0, ts, eq); math.Abs(got-(-0.1)) > 1e-12 {
		t.Errorf("WorstDay = %.15g, want -0.1", got)
	}
	// One more point at 1969-12-31 00:00 makes the first day's return
	// 95/80 − 1 = +18.75%; the worst is still 1970-01-02's.
	if got := WorstDay(0, append([]int64{-24 * h}, ts...), append([]float64{80}, eq...)); math.Abs(got-(-0.1)) > 1e-12 {
		t.Errorf("WorstDay with 1969-12-31 00:00 = %.15g, want -0.1", got)
	}
}

// On a daily curve (one point at 00:00 UTC of each day, weekends skipped
// or not) WorstDay is the worst one-step return, the summary's
// worst_period, computed the other way (metrics.ReturnsFromEquity and
// Summarize): the stress table's worst_day of daily runs is unchanged.
// One curve in four falls to 0 on a random day (a ruin: the next returns
// are −1, then 0/0, skipped), one in eight then gets 10 back (+Inf); one
// in three starts below its initial cash (results.RunReturns' rule).
func TestWorstDayDailyIsWorstPeriod(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := 2 + rng.IntN(400)
		ts, eq := make([]int64, n), make([]float64, n)
		day, e := data.Day(1990+rng.IntN(60)-30, 1, 1), 1e6
		ruin := -1 // one trial in four falls to 0 (and may come back) from a random day
		if trial%4 == 0 {
			ruin = rng.IntN(n)
		}
		for i := range ts {
			ts[i], eq[i] = day, e
			day += int64(1+rng.IntN(4)) * data.NanosPerDay
			e *= 1 + 0.03*rng.NormFloat64()
			if i == ruin {
				eq[i], e = 0, 0
				if trial%8 == 0 {
					e = 10 // an inflow after the ruin: +Inf, then returns again
				}
			}
		}
		// One trial in three paid 0.2% of costs before its first point
		// (a first-bar close fill): its first return runs from the cash.
		initial := 0.0
		if trial%3 == 1 {
			initial = eq[0] * 1.002
		}
		rets, _ := RunReturns(initial, eq)
		want := metrics.Summarize(rets, 252, nil).WorstPeriod
		if got := WorstDay(initial, ts, eq); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("trial %d (%d days from %s): WorstDay = %.17g, worst_period = %.17g", trial, n, data.FormatDay(ts[0]), got, want)
		}
	}
}

// DayEnds keeps each UTC day's last point: hourly points of 2024-03-04
// (10:00, 11:00, 12:00), 03-05 (10:00, 11:00) and 03-06 (23:00) give the
// 12:00, 11:00 and 23:00 equities; a daily curve is kept as it is.
func TestDayEnds(t *testing.T) {
	d1, d2, d3 := data.Day(2024, 3, 4), data.Day(2024, 3, 5), data.Day(2024, 3, 6)
	h := int64(3_600_000_000_000)
	ts := []int64{d1 + 10*h, d1 + 11*h, d1 + 12*h, d2 + 10*h, d2 + 11*h, d3 + 23*h}
	eq := []float64{1, 2, 3, 4, 5, 6}
	if got := DayEnds(ts, eq); !slices.Equal(got, []float64{3, 5, 6}) {
		t.Errorf("DayEnds hourly = %v, want [3 5 6]", got)
	}
	if got := DayEnds([]int64{d1, d2, d3}, []float64{7, 8, 9}); !slices.Equal(got, []float64{7, 8, 9}) {
		t.Errorf("DayEnds daily = %v, want [7 8 9]", got)
	}
	if got := DayEnds(ts, eq[:2]); got != nil {
		t.Errorf("DayEnds of unequal lengths = %v, want nil", got)
	}
}

// Rank by Sharpe, by hand: runs 0 … 4 with Sharpe 0.5, 2.0 (ruined:
// max drawdown −1.3), 1.0, NaN, 3.0 (ruined: −1, equity at exactly 0)
// and max drawdowns otherwise above −1 (−0.99 is not a ruin). Not
// ruined, best first: 2 (1.0), 0 (0.5), 3 (NaN last); then the ruined,
// best first: 4 (3.0), 1 (2.0).
func TestRankRuinedLast(t *testing.T) {
	ms := []*RunMetrics{{}, {}, {}, {}, {}}
	for i, v := range [][2]float64{{0.5, -0.2}, {2.0, -1.3}, {1.0, -0.99}, {math.NaN(), -0.1}, {3.0, -1}} {
		ms[i].Sharpe, ms[i].MaxDrawdown = v[0], v[1]
	}
	if got, want := Rank("sharpe", ms), []int{2, 0, 3, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("Rank = %v, want %v", got, want)
	}
}
