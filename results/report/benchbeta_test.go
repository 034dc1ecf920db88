package report

import (
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/charts"
)

// olsSlope is the least-squares slope of y on x, the textbook formula
// Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², computed apart from package metrics.
func olsSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return sxy / sxx
}

// TestRollingBetaOnBenchmarkBars: a token run (every day) against an
// equity benchmark (weekdays): the report's rolling beta is measured on
// the benchmark's bars, the run's weekend compounded into Monday, as
// metrics.json's beta is. The run's Friday-to-Monday return is made 2 ×
// the benchmark's, and its Saturday and Sunday points swing ±5 % and
// −3 % (moves a beta on the run's own days would take for returns of a
// benchmark that did not trade). Each weekday's value is checked against
// an ordinary least-squares slope over the last w weekday returns,
// computed here; a weekend's is Friday's. The benchmark's data end a
// month before the run: the line ends a weekend after its last bar.
func TestRollingBetaOnBenchmarkBars(t *testing.T) {
	day := int64(24 * time.Hour)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() // a Monday
	const days, benchDays = 400, 370
	var bt []int64
	var bc []float64
	tm := make([]int64, days)
	eq := make([]float64, days)
	var rr, br []float64 // the weekday-to-weekday returns, built here
	var at []int         // the run's index of each
	lastWeekday, price := -1, 100.0
	for k := range days {
		tm[k] = t0 + int64(k)*day
		wd := time.Unix(0, tm[k]).UTC().Weekday()
		if wd == time.Saturday || wd == time.Sunday {
			base := eq[lastWeekday]
			eq[k] = base * map[time.Weekday]float64{time.Saturday: 1.05, time.Sunday: 0.97}[wd]
			continue
		}
		if k == 0 {
			eq[k], lastWeekday = 1e6, 0
			bt, bc = append(bt, tm[k]), append(bc, price)
			continue
		}
		// The benchmark's return: a deterministic wiggle; the run's over
		// the same bars: a slope that drifts from 2 to 0.5 and back.
		rb := 0.01 * math.Sin(float64(k)*0.7) * (1 + 0.3*math.Cos(float64(k)/17))
		slope := 1.25 + 0.75*math.Cos(float64(k)/60)
		ry := slope*rb + 0.0004
		eq[k] = eq[lastWeekday] * (1 + ry)
		lastWeekday = k
		if k < benchDays {
			price *= 1 + rb
			bt, bc = append(bt, tm[k]), append(bc, price)
			rr, br, at = append(rr, ry), append(br, rb), append(at, k)
		}
	}
	const w = 20
	bench := &charts.Series{Name: "QQQ", Time: bt, Values: bc}
	got := rollingBetaOn(make([]float64, days), tm, eq, bench, w)

	want := make([]float64, days)
	for k := range want {
		want[k] = math.NaN()
	}
	for j := w - 1; j < len(at); j++ {
		b := olsSlope(br[j-w+1:j+1], rr[j-w+1:j+1])
		end := days
		if j+1 < len(at) {
			end = at[j+1]
		} else {
			end = at[j] + 4 // Friday's close to Monday's: the longest gap
		}
		for k := at[j]; k < end; k++ {
			want[k] = b
		}
	}
	for k := range days {
		if math.IsNaN(want[k]) != math.IsNaN(got[k]) || math.Abs(got[k]-want[k]) > 1e-9 {
			t.Fatalf("day %d (%s): beta %v, want %v", k, time.Unix(0, tm[k]).UTC().Format("Mon 2006-01-02"), got[k], want[k])
		}
	}
	if n := w - 1 + 1; math.IsNaN(got[at[n]]) {
		t.Fatal("no beta after the first full window: the test checks nothing")
	}
	if !math.IsNaN(got[days-1]) {
		t.Errorf("beta on the run's last day, a month after the benchmark's last bar: %v, want none", got[days-1])
	}

	// The window in the benchmark's bars: 5 of 7 days are bars, so a
	// window of 91 run days spans about 65 of them.
	run := &charts.Series{Time: tm, Values: eq}
	if bw, want := benchWindow(run, bench, 91), int(math.Round(91*float64(len(at))/float64(at[len(at)-1]-at[0]+1))); bw != want || bw < 60 || bw > 70 {
		t.Errorf("benchWindow = %d, want %d (about 91 × 5/7)", bw, want)
	}
}
