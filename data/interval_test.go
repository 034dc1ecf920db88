package data

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestIntervalText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Interval
		text string
	}{
		{"1m", Minute, "1m"},
		{"5m", 5 * Minute, "5m"},
		{"15min", 15 * Minute, "15m"},
		{"60m", Hour, "1h"},
		{"1h", Hour, "1h"},
		{"4H", 4 * Hour, "4h"},
		{"24h", Daily, "1d"},
		{"1d", Daily, "1d"},
		{" 1 day ", Daily, "1d"},
		{"7d", Weekly, "1w"},
		{"90s", Interval(90 * time.Second), "90s"},
		{"90m", Interval(90 * time.Minute), "90m"},
	} {
		got, err := ParseInterval(tc.in)
		if err != nil || got != tc.want || got.String() != tc.text {
			t.Errorf("ParseInterval(%q) = %v (%q), %v; want %v (%q)", tc.in, int64(got), got, err, int64(tc.want), tc.text)
		}
		var u Interval
		if err := u.UnmarshalText([]byte(tc.in)); err != nil || u != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v", tc.in, u, err)
		}
	}
	for _, bad := range []string{"", "h", "0m", "-1h", "1.5h", "1y", "1 fortnight", "99999999999d"} {
		if _, err := ParseInterval(bad); err == nil {
			t.Errorf("ParseInterval(%q): no error", bad)
		}
	}
	if got := Interval(1500).String(); got != "1500ns" {
		t.Errorf("1500ns prints %q", got)
	}
	if Interval(0).String() != "" || Hour.Intraday() != true || Daily.Intraday() || Interval(0).Intraday() {
		t.Error("zero interval or Intraday wrong")
	}
}

func TestParseBar(t *testing.T) {
	for _, ok := range []string{"1m", "5m", "15m", "1h", "4h", "1d"} {
		if _, err := ParseBar(ok); err != nil {
			t.Errorf("ParseBar(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"2h", "1w", "30m", "10s"} {
		_, err := ParseBar(bad)
		if err == nil || !strings.Contains(err.Error(), "want one of 1m, 5m, 15m, 1h, 4h, 1d") {
			t.Errorf("ParseBar(%q) = %v", bad, err)
		}
	}
}

func TestDetectInterval(t *testing.T) {
	h := int64(time.Hour)
	day := int64(24 * time.Hour)
	// An equity session of hourly bars from 09:30 to 15:30 (7 bars, 6
	// one-hour steps) on two days, then a weekend: steps 6×1h, 18h,
	// 6×1h, 66h → median 1h.
	var eq []int64
	for _, d := range []int64{0, 1, 4} {
		for k := int64(0); k < 7; k++ {
			eq = append(eq, d*day+9*h+h/2+k*h)
		}
	}
	if got := DetectInterval(eq); got != Hour {
		t.Errorf("equity hourly: %v", got)
	}
	// Daily equity bars Mon..Fri, Mon: steps 1,1,1,1,3 days → 1d.
	if got := DetectInterval([]int64{0, day, 2 * day, 3 * day, 4 * day, 7 * day}); got != Daily {
		t.Errorf("daily: %v", got)
	}
	// Gaps do not move the median: 5-minute bars with a 2-hour hole.
	m5 := int64(5 * time.Minute)
	if got := DetectInterval([]int64{0, m5, 2 * m5, 2*m5 + 2*h, 3*m5 + 2*h}); got != Minutes5 {
		t.Errorf("5m with a gap: %v", got)
	}
	// Even count: the lower middle step (steps 1h, 1h, 2h, 2h → 1h).
	if got := DetectInterval([]int64{0, h, 2 * h, 4 * h, 6 * h}); got != Hour {
		t.Errorf("even: %v", got)
	}
	if DetectInterval(nil) != 0 || DetectInterval([]int64{5}) != 0 {
		t.Error("fewer than two bars should be 0")
	}
}

func TestCheckIntervals(t *testing.T) {
	p := &Panel{Series: []Series{
		{Instrument: Instrument{Symbol: "NVDA"}, Interval: Hour},
		{Instrument: Instrument{Symbol: "ONE"}}, // one bar: unknown, ignored
		{Instrument: Instrument{Symbol: "MSFT"}, Interval: Hour},
	}}
	if err := p.CheckIntervals(); err != nil {
		t.Fatal(err)
	}
	p.Series = append(p.Series, Series{Instrument: Instrument{Symbol: "TAO"}, Interval: Minutes5})
	err := p.CheckIntervals()
	want := `data: series NVDA has 1h bars but TAO has 5m bars (resample them to one interval, e.g. bar = "1h")`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestParseDateFormat(t *testing.T) {
	for in, want := range map[string]DateFormat{"": DateFormatAuto, "auto": DateFormatAuto,
		"MM/DD/YYYY": MonthFirst, "mdy": MonthFirst, "DD/MM/YYYY": DayFirst, "day-first": DayFirst} {
		if got, err := ParseDateFormat(in); err != nil || got != want {
			t.Errorf("ParseDateFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseDateFormat("YYYY/DD/MM"); err == nil || !strings.Contains(err.Error(), "want MM/DD/YYYY or DD/MM/YYYY") {
		t.Errorf("bad format: %v", err)
	}
}

func TestLoadTimezone(t *testing.T) {
	if loc, err := LoadTimezone(""); err != nil || loc != time.UTC {
		t.Errorf("empty: %v, %v", loc, err)
	}
	if _, err := LoadTimezone("America/New_York"); err != nil {
		t.Skipf("no zone data: %v", err)
	}
	_, err := LoadTimezone("Mars/Olympus_Mons")
	if err == nil || !strings.Contains(err.Error(), `"Mars/Olympus_Mons"`) {
		t.Errorf("unknown zone: %v", err)
	}
	if _, err := LoadTimezone("Local"); err == nil {
		t.Error("Local accepted")
	}
	// Every spelling of UTC is UTC itself: a file's stamps written
	// without an offset are then read as UTC times, as with no zone.
	for _, n := range []string{"UTC", "utc", "Z", "Etc/UTC", "GMT", "Etc/GMT", "Etc/GMT-0", "GMT0", "Etc/Universal", "Zulu", "UTC+0", "UTC+00:00", "+00:00", "-00:00"} {
		t.Run(n, func(t *testing.T) {
			if loc, err := LoadTimezone(n); err != nil || loc != time.UTC {
				t.Errorf("LoadTimezone(%q) = %v, %v; want UTC", n, loc, err)
			}
		})
	}
	for _, n := range []string{"UTC+8", "UTCX", "GMT+1:00", "+08:00x"} {
		if loc, err := LoadTimezone(n); err == nil && loc == time.UTC {
			t.Errorf("LoadTimezone(%q) = UTC", n)
		}
	}
}

func TestValidateNamesIntradayInstants(t *testing.T) {
	h := int64(time.Hour)
	t0 := Day(2024, 1, 2)
	s := Series{Time: []int64{t0 + 9*h, t0 + 10*h, t0 + 10*h},
		Open: []float64{1, 1, 1}, High: []float64{1, 1, 1}, Low: []float64{1, 1, 1}, Close: []float64{1, 1, 1},
		AdjClose: []float64{1, 1, 1}, Volume: []float64{1, 1, 1}, Rows: []int{2, 3, 4}}
	err := s.Validate("x.csv")
	if want := "x.csv:4: duplicate timestamp 2024-01-02T10:00:00Z (also at row 3)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	s.Time[2] = t0 + 8*h
	err = s.Validate("x.csv")
	if want := "x.csv:4: timestamp 2024-01-02T08:00:00Z is before the previous row's 2024-01-02T10:00:00Z (timestamps must be sorted ascending)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// A panel's series are validated at once; the error is that of the first
// bad series in the panel's order, even when a later one is found first
// (a long series bad at its end before a short one bad at its start), and
// a repeated symbol is named before any series is read.
func TestPanelValidateFirstBadSeries(t *testing.T) {
	series := func(sym string, n, bad int) Series {
		s := Series{Instrument: Instrument{Symbol: sym, Source: sym + ".csv"}}
		for k := range n {
			s.Time = append(s.Time, Day(2000, 1, 1)+int64(k)*int64(time.Hour))
			for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose, &s.Volume} {
				*c = append(*c, 1)
			}
		}
		if bad >= 0 {
			s.Close[bad] = -1
		}
		return s
	}
	for _, workers := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(workers)
		p := &Panel{Series: []Series{series("OK", 10, -1), series("LONG", 200_000, 199_999), series("SHORT", 5, 0), series("OK2", 10, -1)}}
		err := p.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "LONG.csv:200000:") || !strings.Contains(err.Error(), "close = -1 is not positive") {
			t.Errorf("GOMAXPROCS %d: err = %v, want LONG's row 200000", workers, err)
		}
		var re *RowError
		if !errors.As(err, &re) || re.File != "LONG.csv" {
			t.Errorf("GOMAXPROCS %d: %T is not LONG's *RowError", workers, err)
		}
		p.Series[2] = series("OK", 5, 0)
		if err := p.Validate(); err == nil || err.Error() != `data: symbol "OK" appears twice in the panel` {
			t.Errorf("GOMAXPROCS %d: repeated symbol: %v", workers, err)
		}
		p = &Panel{Series: []Series{series("A", 10, -1), series("B", 10, -1)}}
		if err := p.Validate(); err != nil {
			t.Errorf("GOMAXPROCS %d: a good panel: %v", workers, err)
		}
		runtime.GOMAXPROCS(prev)
	}
}

// BarInterval: the set interval when there is one, else the detected one.
func TestBarInterval(t *testing.T) {
	hourly := []int64{0, int64(Hour), 2 * int64(Hour)}
	if got := (&Series{Time: hourly}).BarInterval(); got != Hour {
		t.Errorf("unset: %s, want 1h detected", got)
	}
	if got := (&Series{Time: hourly, Interval: Daily}).BarInterval(); got != Daily {
		t.Errorf("set to 1d: %s, want the set 1d", got)
	}
}

// DetectInterval is the lower median of the steps, checked against a
// sort of every step on random series of few distinct steps, in runs and
// alone.
func TestDetectIntervalMedianOfSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 2_000; trial++ {
		n := 2 + rng.IntN(40)
		ts := []int64{int64(rng.IntN(100))}
		for len(ts) < n {
			d := int64(1 + rng.IntN(4))
			for r := rng.IntN(6); r >= 0 && len(ts) < n; r-- {
				ts = append(ts, ts[len(ts)-1]+d)
			}
		}
		steps := make([]int64, 0, n-1)
		for k := 1; k < n; k++ {
			steps = append(steps, ts[k]-ts[k-1])
		}
		slices.Sort(steps)
		if got, want := DetectInterval(ts), Interval(steps[(n-2)/2]); got != want {
			t.Fatalf("times %v: DetectInterval %d, lower median of the steps %d", ts, got, want)
		}
	}
}

// longSeries is a series named sym with a bar at each of days (dates,
// 00:00 UTC), its interval detected.
func longSeries(t *testing.T, sym string, days ...string) Series {
	t.Helper()
	s := Series{Instrument: Instrument{Symbol: sym}}
	for _, d := range days {
		tm, err := ParseDay(d)
		if err != nil {
			t.Fatal(err)
		}
		s.Time = append(s.Time, tm)
	}
	s.SetInterval()
	return s
}

// shifted is s with every bar d later.
func shifted(s Series, d time.Duration) Series {
	s.Time = slices.Clone(s.Time)
	for k := range s.Time {
		s.Time[k] += int64(d)
	}
	return s
}

func TestCheckLongBars(t *testing.T) {
	mondays := []string{"2024-09-30", "2024-10-07", "2024-10-14", "2024-10-21"}
	for _, tc := range []struct {
		name   string
		series []Series
		want   string // "" for none
	}{
		{"daily bars only", []Series{
			longSeries(t, "A", "2024-10-04", "2024-10-07", "2024-10-08"),
			longSeries(t, "B", "2024-10-05", "2024-10-06", "2024-10-07"),
		}, ""},
		{"weekly bars on one grid", []Series{
			longSeries(t, "W", mondays...),
			// A week missing (10-07) is a hole, not a bar off the grid.
			longSeries(t, "X", "2024-09-30", "2024-10-14", "2024-10-21"),
		}, ""},
		{"monthly bars on the first of each month", []Series{
			// Steps of 31, 31, 30 and 31 days: the interval is 31 days,
			// and a 30-day month's bar ends at the next stamp.
			longSeries(t, "M", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01", "2024-11-01"),
			longSeries(t, "N", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01", "2024-11-01"),
		}, ""},
		{"a 31-day month beside an interval of 30", []Series{
			// Steps of 30, 31 and 30 days: the interval is 30 days, but
			// October's bar lasts until November's stamp.
			longSeries(t, "M", "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01"),
			longSeries(t, "B", "2024-10-31"),
		}, "data: series M's 30d bar of 2024-10-01 lasts until 2024-11-01, but B has a bar stamped 2024-10-31 inside it"},
		{"the last monthly bar lasts the longest month", []Series{
			longSeries(t, "M", "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01"),
			longSeries(t, "N", "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01", "2024-12-31"),
		}, "data: series M's 30d bar of 2024-12-01 lasts until 2025-01-01, but N has a bar stamped 2024-12-31 inside it"},
		{"weekly bars beside monthly ones", []Series{
			longSeries(t, "W", mondays...),
			longSeries(t, "M", "2024-09-01", "2024-10-01", "2024-11-01"),
		}, "data: series W's 1w bar of 2024-09-30 lasts until 2024-10-07, but M has a bar stamped 2024-10-01 inside it"},
		{"daily bars at 00:00 beside daily bars at 16:00", []Series{
			longSeries(t, "A", "2024-10-07", "2024-10-08", "2024-10-09"),
			shifted(longSeries(t, "B", "2024-10-07", "2024-10-08", "2024-10-09"), 16*time.Hour),
		}, ""},
		{"daily files with holes, on alternate days", []Series{
			// Two days apart: daily bars with holes, as the engine
			// takes them, not two-day bars.
			longSeries(t, "A", "2024-10-01", "2024-10-03", "2024-10-05", "2024-10-07"),
			longSeries(t, "B", "2024-10-02", "2024-10-04", "2024-10-06", "2024-10-08"),
		}, ""},
		{"weekly bars at 00:00 beside weekly bars at 16:00", []Series{
			longSeries(t, "W", mondays...),
			shifted(longSeries(t, "X", mondays...), 16*time.Hour),
		}, "data: series W's 1w bar of 2024-09-30 lasts until 2024-10-07, but X has a bar stamped 2024-09-30T16:00:00Z inside it"},
		{"weekly bars on Mondays and on Sundays", []Series{
			longSeries(t, "W", mondays...),
			longSeries(t, "X", "2024-10-06", "2024-10-13", "2024-10-20"),
		}, "data: series W's 1w bar of 2024-09-30 lasts until 2024-10-07, but X has a bar stamped 2024-10-06 inside it"},
		{"a daily series beside a weekly one", []Series{
			longSeries(t, "D", "2024-10-07", "2024-10-08", "2024-10-09"),
			longSeries(t, "W", mondays...),
		}, "data: series W's 1w bar of 2024-10-07 lasts until 2024-10-14, but D has a bar stamped 2024-10-08 inside it"},
		{"the last weekly bar lasts its interval", []Series{
			longSeries(t, "W", "2024-09-30", "2024-10-07"),
			longSeries(t, "X", "2024-09-30", "2024-10-07", "2024-10-13"),
		}, "data: series W's 1w bar of 2024-10-07 lasts until 2024-10-14, but X has a bar stamped 2024-10-13 inside it"},
	} {
		err := (&Panel{Series: tc.series}).CheckLongBars()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want+":")):
			t.Errorf("%s: err = %v\nwant it to start %s", tc.name, err, tc.want)
		}
	}
}

func TestCheckIntervalsWeeklyHint(t *testing.T) {
	p := &Panel{Series: []Series{
		{Instrument: Instrument{Symbol: "W"}, Interval: Weekly},
		{Instrument: Instrument{Symbol: "MSFT"}, Interval: Daily},
	}}
	err := p.CheckIntervals()
	want := `data: series W has 1w bars but MSFT has 1d bars, and bar = "..." resamples only to 1m, 5m, 15m, 1h, 4h or 1d: give every series 1w bars, or W's at 1d like MSFT's`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	// 2h and 1h bars: the first bar both divide into.
	p.Series[0].Interval, p.Series[1].Interval = 2*Hour, Hour
	want = `data: series W has 2h bars but MSFT has 1h bars (resample them to one interval, e.g. bar = "4h")`
	if err := p.CheckIntervals(); err == nil || err.Error() != want {
		t.Errorf("2h and 1h: err = %v\nwant %s", err, want)
	}
	// Monthly files whose median steps differ, and weekly beside monthly:
	// left to CheckLongBars, which reads their stamps.
	p.Series[0].Interval, p.Series[1].Interval = 31*Daily, 30*Daily
	if err := p.CheckIntervals(); err != nil {
		t.Errorf("31d and 30d: %v", err)
	}
	p.Series[1].Interval = Weekly
	if err := p.CheckIntervals(); err != nil {
		t.Errorf("31d and 1w: %v", err)
	}
	// The bar it would once suggest is refused.
	if _, err := ParseBar("1w"); err == nil {
		t.Error(`ParseBar("1w") accepted: the hint above should name it`)
	}
}

// Panel.Notes lists a note several series share once, with all their
// symbols, in the order the notes first come; a series' own notes keep
// its symbol alone.
func TestPanelNotesShared(t *testing.T) {
	p := &Panel{Series: []Series{
		{Instrument: Instrument{Symbol: "BTC"}, Notes: []string{"3 row(s) have no symbol", "resampled"}},
		{Instrument: Instrument{Symbol: "ETH"}, Notes: []string{"3 row(s) have no symbol"}},
		{Instrument: Instrument{Symbol: "TAO"}, Notes: []string{"starts late", "3 row(s) have no symbol"}},
	}}
	got := strings.Join(p.Notes(), "\n")
	want := "BTC, ETH, TAO: 3 row(s) have no symbol\nBTC: resampled\nTAO: starts late"
	if got != want {
		t.Errorf("notes\n%s\nwant\n%s", got, want)
	}
}
