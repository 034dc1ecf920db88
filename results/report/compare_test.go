package report

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results/charts"
)

// A daily and an hourly curve of the same token: the daily point of
// 2024-03-05 00:00 holds that day's close, which the hourly point of
// 2024-03-05 23:00 (the bar closing at 03-06 00:00) holds too. Moved to
// their bars' ends, both are drawn at 2024-03-06 00:00. Curves of one
// interval are not moved, and the curves' own times are not changed.
func TestBarEnds(t *testing.T) {
	h := int64(time.Hour)
	d0 := data.Day(2024, 3, 4)
	daily := charts.Series{Name: "daily", Time: []int64{d0, d0 + data.NanosPerDay, d0 + 2*data.NanosPerDay}, Values: []float64{1, 1.1, 1.2}}
	var hourly charts.Series
	hourly.Name = "hourly"
	for k := int64(0); k < 72; k++ {
		hourly.Time = append(hourly.Time, d0+k*h)
		hourly.Values = append(hourly.Values, 1)
	}
	dailyTimes, hourlyTimes := slices.Clone(daily.Time), slices.Clone(hourly.Time)

	curves := []charts.Series{daily, hourly}
	if !barEnds(curves) {
		t.Fatal("a daily and an hourly curve: not moved")
	}
	close := data.Day(2024, 3, 6)
	if got := curves[0].Time[1]; got != close {
		t.Errorf("daily point of 03-05 drawn at %s, want %s", data.FormatStamp(got), data.FormatStamp(close))
	}
	if got := curves[1].Time[47]; got != close { // the 23:00 bar of 03-05
		t.Errorf("hourly 03-05 23:00 drawn at %s, want %s", data.FormatStamp(got), data.FormatStamp(close))
	}
	if !slices.Equal(daily.Time, dailyTimes) || !slices.Equal(hourly.Time, hourlyTimes) {
		t.Error("barEnds changed the curves' own times")
	}

	same := []charts.Series{daily, daily}
	if barEnds(same) || !slices.Equal(same[0].Time, dailyTimes) {
		t.Error("two daily curves were moved")
	}
	// A one-point curve has no interval: it does not make the others mixed.
	one := []charts.Series{{Name: "one", Time: []int64{d0}, Values: []float64{1}}, daily}
	if barEnds(one) {
		t.Error("a one-point curve beside a daily one: moved")
	}
}

// A comparison draws each folder's main runs by default: not the runs
// under a scenario (hedge@ai-bubble-burst) nor the companion runs
// (hedge~long-leg), which it draws when they are named.
func TestCompareSkipsCompanionRuns(t *testing.T) {
	o := runStress(t)
	svgOf := func(runs []string) string {
		out := filepath.Join(t.TempDir(), "c.svg")
		if _, err := CompareWith(context.Background(), []string{o.Dir}, CompareOptions{Runs: runs, Top: -1, Outs: []string{out}}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	svg := svgOf(nil)
	if !strings.Contains(svg, ": hedge<") && !strings.Contains(svg, ": hedge ") {
		t.Errorf("the main run hedge is not drawn")
	}
	for _, k := range []string{"hedge~long-leg", "@ai-bubble-burst"} {
		if strings.Contains(svg, k) {
			t.Errorf("a companion or scenario run (%q) is drawn by default", k)
		}
	}
	if named := svgOf([]string{"hedge~long-leg"}); !strings.Contains(named, "hedge~long-leg") {
		t.Errorf("hedge~long-leg, named, is not drawn:\n%s", regexp.MustCompile(`>[^<]+<`).FindAllString(named, -1))
	}
}

// The caption's span is in one format: dates when both ends are at
// 00:00 UTC, instants otherwise.
func TestSpanText(t *testing.T) {
	d := data.Day(2024, 3, 4)
	for _, tc := range []struct {
		first, last int64
		want        string
	}{
		{d, d + 2*data.NanosPerDay, "2024-03-04 to 2024-03-06"},
		{d, d + 2*data.NanosPerDay + 23*int64(time.Hour), "2024-03-04T00:00:00Z to 2024-03-06T23:00:00Z"},
		{d + int64(30*time.Minute), d + 2*data.NanosPerDay, "2024-03-04T00:30:00Z to 2024-03-06T00:00:00Z"},
	} {
		if got := spanText(tc.first, tc.last); got != tc.want {
			t.Errorf("spanText = %q, want %q", got, tc.want)
		}
	}
}
