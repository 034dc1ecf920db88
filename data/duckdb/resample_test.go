package duckdb

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// series builds a series from bars written as {t, o, h, l, c, v}.
func series(sym string, class data.Class, bars [][6]float64, times []int64) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: sym + ".csv"}}
	for k, b := range bars {
		s.Time = append(s.Time, times[k])
		s.Open = append(s.Open, b[0])
		s.High = append(s.High, b[1])
		s.Low = append(s.Low, b[2])
		s.Close = append(s.Close, b[3])
		s.AdjClose = append(s.AdjClose, b[3])
		s.Volume = append(s.Volume, b[4])
		s.Rows = append(s.Rows, k+2)
	}
	s.SetInterval()
	return s
}

func TestResampleMinutesToHours(t *testing.T) {
	ctx := context.Background()
	m := func(hh, mm int) int64 { return utc(2024, 1, 2, hh, mm) }
	// Minute bars (open, high, low, close, volume); 01:02..01:58 missing
	// (a gap), 02:01 the last, in-progress candle.
	times := []int64{m(0, 58), m(0, 59), m(1, 0), m(1, 1), m(1, 59), m(2, 0), m(2, 1)}
	bars := [][6]float64{
		{10, 11, 9, 10.5, 1},
		{10.5, 12, 10, 11, 2},
		{11, 11.5, 10.5, 11.25, 3},
		{11.25, 13, 11, 12, 4},
		{12, 12.5, 8, 9, 5},
		{9, 9.5, 8.5, 9.25, 6},
		{9.25, 9.75, 9, 9.5, 7},
	}
	p := &data.Panel{Series: []data.Series{series("BTC", data.Crypto, bars, times)}}
	out, err := Resample(ctx, p, data.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s := out.Series[0]
	// By hand:
	//   00:00  open 10 (00:58)  high max(11,12)=12  low min(9,10)=9   close 11 (00:59)  vol 1+2=3
	//   01:00  open 11 (01:00)  high 13  low 8  close 9 (01:59)  vol 3+4+5=12
	//   02:00  open 9 (02:00)  high 9.75  low 8.5  close 9.5 (02:01)  vol 13
	want := struct {
		t             []int64
		o, h, l, c, v []float64
		rows          []int
	}{
		[]int64{m(0, 0), m(1, 0), m(2, 0)},
		[]float64{10, 11, 9}, []float64{12, 13, 9.75}, []float64{9, 8, 8.5}, []float64{11, 9, 9.5}, []float64{3, 12, 13},
		[]int{2, 4, 7},
	}
	if !slices.Equal(s.Time, want.t) || !slices.Equal(s.Open, want.o) || !slices.Equal(s.High, want.h) || !slices.Equal(s.Low, want.l) ||
		!slices.Equal(s.Close, want.c) || !slices.Equal(s.AdjClose, want.c) || !slices.Equal(s.Volume, want.v) || !slices.Equal(s.Rows, want.rows) {
		t.Errorf("got t %v o %v h %v l %v c %v v %v rows %v", fmtTimes(s.Time), s.Open, s.High, s.Low, s.Close, s.Volume, s.Rows)
	}
	// The first hour's bars begin at 00:58, the last's end at 02:02 (the
	// 02:01 minute bar's end): both noted (unfilledEdges).
	if s.Interval != data.Hour || len(s.Notes) != 3 || !strings.Contains(s.Notes[0], "resampled from 1m to 1h") ||
		!strings.HasPrefix(s.Notes[1], "the first 1h bar, 2024-01-02T00:00:00Z, holds 00:58–01:00 UTC of its 00:00–01:00") ||
		!strings.HasPrefix(s.Notes[2], "the last 1h bar, 2024-01-02T02:00:00Z, holds 02:00–02:02 UTC of its 02:00–03:00") {
		t.Errorf("interval %v notes %q", s.Interval, s.Notes)
	}
	// The input is untouched.
	if p.Series[0].Len() != 7 || p.Series[0].Interval != data.Minute {
		t.Error("input changed")
	}
	// An unknown volume makes its bucket's volume unknown.
	p.Series[0].Volume = slices.Clone(p.Series[0].Volume)
	p.Series[0].Volume[3] = math.NaN()
	out, err = Resample(ctx, p, data.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if v := out.Series[0].Volume; v[0] != 3 || !math.IsNaN(v[1]) || v[2] != 13 {
		t.Errorf("volumes %v", v)
	}
	// Crypto days are cut at 00:00 UTC: all seven bars are on 2024-01-02.
	out, err = Resample(ctx, p, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Series[0]; !slices.Equal(s.Time, []int64{data.Day(2024, 1, 2)}) || s.Open[0] != 10 || s.High[0] != 13 || s.Low[0] != 8 || s.Close[0] != 9.5 {
		t.Errorf("daily: %v %v %v %v %v", fmtTimes(s.Time), s.Open, s.High, s.Low, s.Close)
	}
}

// Equities' daily bars are their New York session, DST-correct: a
// pre-market bar is left out, and the session of 2024-03-11 (EDT) starts
// at 13:30Z while that of 2024-03-08 (EST) starts at 14:30Z.
func TestResampleEquitySessionDays(t *testing.T) {
	ctx := context.Background()
	times := []int64{
		utc(2024, 3, 8, 13, 0),   // 08:00 EST: pre-market, left out
		utc(2024, 3, 8, 14, 30),  // 09:30 EST: first of the session
		utc(2024, 3, 8, 20, 55),  // 15:55 EST: last of the session
		utc(2024, 3, 8, 21, 0),   // 16:00 EST: after the close, left out
		utc(2024, 3, 11, 13, 30), // 09:30 EDT
		utc(2024, 3, 11, 19, 55), // 15:55 EDT
	}
	bars := [][6]float64{
		{50, 99, 1, 50, 1000},
		{10, 11, 9, 10.5, 1},
		{10.5, 12, 10, 11, 2},
		{11, 50, 2, 11, 500},
		{20, 21, 19, 20.5, 3},
		{20.5, 22, 20, 21, 4},
	}
	s := series("NVDA", data.Equity, bars, times)
	s.Interval = data.Minutes5 // as a 5-minute file's median would say
	out, err := Resample(ctx, &data.Panel{Series: []data.Series{s}}, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Series[0]
	if !slices.Equal(r.Time, []int64{data.Day(2024, 3, 8), data.Day(2024, 3, 11)}) ||
		!slices.Equal(r.Open, []float64{10, 20}) || !slices.Equal(r.High, []float64{12, 22}) || !slices.Equal(r.Low, []float64{9, 19}) ||
		!slices.Equal(r.Close, []float64{11, 21}) || !slices.Equal(r.Volume, []float64{3, 7}) {
		t.Errorf("got %v o %v h %v l %v c %v v %v", fmtTimes(r.Time), r.Open, r.High, r.Low, r.Close, r.Volume)
	}
	// The note gives the session, its early closes too (the resample ends
	// those days at 13:00, TestResampleExtendedHoursEarlyClose): it said
	// 09:30–16:00 of each date, and nothing of them.
	want := "resampled from 5m to 1d bars: the 09:30–16:00 New York session of each date (09:30–13:00 on the NYSE's early closes: the day after Thanksgiving, and July 3 and December 24 from Monday to Thursday)"
	if !slices.Equal(r.Notes, []string{want}) {
		t.Errorf("notes %q, want [%q]", r.Notes, want)
	}
}

func TestResampleRefusals(t *testing.T) {
	ctx := context.Background()
	d := data.Day(2024, 1, 2)
	h := int64(data.Hour)
	daily := series("SPY", data.Equity, [][6]float64{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, []int64{d, d + 24*h})
	for _, tc := range []struct {
		s    data.Series
		bar  data.Interval
		want string
	}{
		{daily, data.Hour, "SPY (SPY.csv) has 1d bars, coarser than the 1h bars asked for: resampling only aggregates"},
		// Yahoo-style hourly bars at :30 straddle 4h buckets.
		{series("NVDA", data.Equity, [][6]float64{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, []int64{d + 14*h + h/2, d + 15*h + h/2}), data.Hours4,
			"NVDA's 1h bar at 2024-01-02T15:30:00Z straddles two 4h buckets"},
		{series("X", data.Crypto, [][6]float64{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, []int64{d, d + 7*int64(data.Minute)}), data.Minutes15,
			"X (X.csv) has 7m bars, which do not divide into 15m bars"},
		{daily, 2 * data.Hour, "bar 2h: want one of"},
		// Hourly bars, then 5-minute ones (median 5m), to 15 minutes:
		// each hour was relabelled a quarter whose close came 45 minutes
		// later.
		{hourlyThen5m(d), data.Minutes15, "BTC has 1h bars from 2024-01-02T00:00:00Z (BTC.csv, row 2), coarser than the 15m bars asked for"},
	} {
		_, err := Resample(ctx, &data.Panel{Series: []data.Series{tc.s}}, tc.bar)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v\nwant …%s", err, tc.want)
		}
	}
	// Already at the bar: kept as it is, not re-stamped.
	out, err := Resample(ctx, &data.Panel{Series: []data.Series{daily}}, data.Daily)
	if err != nil || &out.Series[0].Time[0] != &daily.Time[0] {
		t.Errorf("daily to daily: %v", err)
	}
}

// A token's day is cut at 00:00 UTC, so a bar that runs past midnight
// (hourly bars at :30, 4-hour bars from 02:00) would put the next day's
// first minutes into this day's close: the 1d bar of 2 January would
// close at the 23:30 bar's close, 00:30 on 3 January, while the engine
// shows it at 24:00. Refused as the same bars are into 4h buckets. An
// equity's day is its New York session, which its bars at :30 (Yahoo's,
// the last one 15:30–16:00) do not run past: kept.
func TestResampleDailyStraddle(t *testing.T) {
	ctx := context.Background()
	d := data.Day(2024, 1, 2)
	h := int64(data.Hour)
	flat := func(n int) [][6]float64 {
		b := make([][6]float64, n)
		for k := range b {
			b[k] = [6]float64{1, 1, 1, 1, 1}
		}
		return b
	}
	every := func(from, step int64, n int) []int64 {
		ts := make([]int64, n)
		for k := range ts {
			ts[k] = from + int64(k)*step
		}
		return ts
	}
	for _, tc := range []struct {
		name string
		s    data.Series
		want string // "" for none
	}{
		{"hourly at :30", series("TAO", data.Crypto, flat(48), every(d+h/2, h, 48)),
			"TAO's 1h bar at 2024-01-02T23:30:00Z straddles two 1d buckets (buckets start at 00:00 UTC); leave it at 1h (TAO.csv, row 25)"},
		{"4-hourly from 02:00", series("FET", data.Crypto, flat(12), every(d+2*h, 4*h, 12)),
			"FET's 4h bar at 2024-01-02T22:00:00Z straddles two 1d buckets"},
		{"hourly on the hour", series("BTC", data.Crypto, flat(48), every(d, h, 48)), ""},
		{"equity hourly at :30", series("NVDA", data.Equity, flat(7), every(d+14*h+h/2, h, 7)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resample(ctx, &data.Panel{Series: []data.Series{tc.s}}, data.Daily)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant …%s", err, tc.want)
			}
		})
	}
}

// hourlyThen5m is BTC's hourly bars from d for 60 hours, then 5-minute
// bars for 200 more: median 5m.
func hourlyThen5m(d int64) data.Series {
	var times []int64
	var bars [][6]float64
	for k := int64(0); k < 60; k++ {
		times = append(times, d+k*int64(data.Hour))
	}
	for k := int64(0); k < 200; k++ {
		times = append(times, d+60*int64(data.Hour)+k*int64(data.Minutes5))
	}
	for range times {
		bars = append(bars, [6]float64{1, 1, 1, 1, 1})
	}
	return series("BTC", data.Crypto, bars, times)
}

// ReadSource with Bar: minute bars of a table come out hourly.
func TestReadSourceResamples(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := memDB(t)
	pq := parquetOf(t, db, dir, "m.parquet", `SELECT 'ETHUSDT' AS symbol, TIMESTAMP '2024-01-02 00:00:00' + to_minutes(i) AS ts,
		100.0 + i AS open, 101.0 + i AS high, 99.0 + i AS low, 100.5 + i AS close, 1.0 AS volume FROM range(120) r(i)`)
	p, err := ReadSource(ctx, Source{Table: pq}, Request{Symbols: []string{"ETH"}, Bar: data.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[0]
	// Hour 0: minutes 0..59: open 100, high 101+59, low 99, close 100.5+59, volume 60.
	if !slices.Equal(s.Time, []int64{utc(2024, 1, 2, 0, 0), utc(2024, 1, 2, 1, 0)}) || s.Open[0] != 100 || s.High[0] != 160 ||
		s.Low[0] != 99 || s.Close[0] != 159.5 || s.Volume[0] != 60 || s.Open[1] != 160 || s.Close[1] != 219.5 || s.Interval != data.Hour {
		t.Errorf("got %v o %v h %v l %v c %v v %v", fmtTimes(s.Time), s.Open, s.High, s.Low, s.Close, s.Volume)
	}
}

// A series without an adj_close column stays one when resampled: the
// run's note that its equities are not adjusted was lost at bar = "1d".
func TestResampleKeepsNoAdjClose(t *testing.T) {
	m := func(hh, mm int) int64 { return utc(2024, 1, 2, hh, mm) }
	s := series("NVDA", data.Equity, [][6]float64{{10, 11, 9, 10.5, 1}, {10.5, 12, 10, 11, 2}}, []int64{m(14, 30), m(15, 30)})
	s.NoAdjClose = true
	out, err := Resample(context.Background(), &data.Panel{Series: []data.Series{s}}, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Series[0].NoAdjClose {
		t.Error("the resampled series lost NoAdjClose")
	}
}

// A read's start inside a bucket leaves that bucket out: hourly bars
// 00:00–07:00 (open = high = low = close = 10 + hour, volume 1), read from
// 02:00 and resampled to 4h, made a 00:00 bar of the 02:00 and 03:00
// hours only (open 12, volume 2) stamped as a whole one.
func TestReadSourceStartCutsBucket(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for h := 0; h < 8; h++ {
		px := 10 + h
		fmt.Fprintf(&body, "2025-01-01T%02d:00:00Z,BTC,%d,%d,%d,%d,1\n", h, px, px, px, px)
	}
	src := Source{Table: writeFile(t, dir, "t.csv", body.String())}
	for _, tc := range []struct {
		start int64
		times []int64
		// The 4h bars, by hand: the 04:00 bucket is the hours 4..7, open
		// 14 (hour 4), high and close 17 (hour 7), low 14, volume 4; the
		// 00:00 bucket from 00:00 is hours 0..3 (open 10, close 13).
		open, close, vol []float64
		note             bool
	}{
		{utc(2025, 1, 1, 2, 0), []int64{utc(2025, 1, 1, 4, 0)}, []float64{14}, []float64{17}, []float64{4}, true},
		{utc(2025, 1, 1, 0, 0), []int64{utc(2025, 1, 1, 0, 0), utc(2025, 1, 1, 4, 0)}, []float64{10, 14}, []float64{13, 17}, []float64{4, 4}, false},
		// A start on a bucket's boundary cuts nothing.
		{utc(2025, 1, 1, 4, 0), []int64{utc(2025, 1, 1, 4, 0)}, []float64{14}, []float64{17}, []float64{4}, false},
	} {
		p, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC"}, Start: tc.start, Bar: 4 * data.Hour})
		if err != nil {
			t.Fatalf("from %s: %v", data.FormatTime(tc.start), err)
		}
		s := p.Series[0]
		if !slices.Equal(s.Time, tc.times) || !slices.Equal(s.Open, tc.open) || !slices.Equal(s.Close, tc.close) || !slices.Equal(s.Volume, tc.vol) {
			t.Errorf("from %s: times %v open %v close %v volume %v, want %v %v %v %v", data.FormatTime(tc.start),
				fmtTimes(s.Time), s.Open, s.Close, s.Volume, fmtTimes(tc.times), tc.open, tc.close, tc.vol)
		}
		noted := strings.Contains(strings.Join(s.Notes, "\n"), "the first 4h bar, 2025-01-01T00:00:00Z, was left out")
		if noted != tc.note {
			t.Errorf("from %s: notes %q, want the left-out bar noted: %v", data.FormatTime(tc.start), s.Notes, tc.note)
		}
	}
	// From 06:00 only the cut bucket would remain: an error, not a bar.
	if _, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC"}, Start: utc(2025, 1, 1, 6, 0), Bar: 4 * data.Hour}); err == nil ||
		!strings.Contains(err.Error(), "no whole 4h bar from 2025-01-01T06:00:00Z") {
		t.Errorf("from 06:00: err = %v, want no whole bar", err)
	}
}

// An equity's daily bar is its New York session: a start before the
// session opens cuts nothing; a start inside it cuts that day. Hourly
// bars 09:30–15:30 New York (14:30–20:30 UTC in January) on 2 and 3
// January 2024, close = 100 + day + hour/100.
func TestReadSourceStartCutsSession(t *testing.T) {
	ctx := context.Background()
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for d := 2; d <= 3; d++ {
		for h := 14; h <= 20; h++ {
			px := 100 + float64(d) + float64(h)/100
			fmt.Fprintf(&body, "2024-01-%02dT%02d:30:00Z,NVDA,%v,%v,%v,%v,1\n", d, h, px, px, px, px)
		}
	}
	src := Source{Table: writeFile(t, t.TempDir(), "t.csv", body.String())}
	for _, tc := range []struct {
		start int64
		times []int64
		open  []float64
	}{
		// 02:00 UTC is before 09:30 New York: both sessions whole, open
		// of 2 January 102.14 (14:30 UTC), of 3 January 103.14.
		{utc(2024, 1, 2, 2, 0), []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3)}, []float64{102.14, 103.14}},
		// 15:00 UTC is inside the 2 January session: left out.
		{utc(2024, 1, 2, 15, 0), []int64{data.Day(2024, 1, 3)}, []float64{103.14}},
	} {
		p, err := ReadSource(ctx, src, Request{Symbols: []string{"NVDA"}, Classes: []data.Class{data.Equity}, Start: tc.start, Bar: data.Daily})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Series[0]; !slices.Equal(s.Time, tc.times) || !slices.Equal(s.Open, tc.open) || s.Volume[len(s.Volume)-1] != 7 {
			t.Errorf("from %s: times %v open %v volume %v, want %v %v (7 bars a session)", data.FormatTime(tc.start), fmtTimes(s.Time), s.Open, s.Volume, fmtTimes(tc.times), tc.open)
		}
	}
}

// The real Binance 5-minute BTC bars from 2025-10-01T02:00Z to
// 2025-10-03T00:00Z, resampled to 4h through ReadSource, against 4h bars
// aggregated here from the raw file's rows: the first bar is 04:00, 24
// five-minute bars of the cut 00:00 bucket having been left out.
func TestReadSourceStartCutsBucketRealData(t *testing.T) {
	path := filepath.Join(intradayDir(t), "binance_usdm_perp_5m_won9892000", "BTC-USD.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	start, end := utc(2025, 10, 1, 2, 0), utc(2025, 10, 3, 0, 0)
	const bucket = int64(4 * data.Hour)
	type agg struct {
		t             int64
		o, h, l, c, v float64
	}
	var want []agg
	for _, r := range recs[1:] { // timestamp,open,high,low,close,volume
		ms, _ := strconv.ParseInt(r[0], 10, 64)
		ts := ms * 1e6
		if ts < start || ts >= end {
			continue
		}
		var x [5]float64
		for i := range x {
			if x[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		b := ts - ts%bucket
		if b < start {
			continue // the bucket the start cuts
		}
		if n := len(want); n == 0 || want[n-1].t != b {
			want = append(want, agg{b, x[0], x[1], x[2], x[3], 0})
		}
		w := &want[len(want)-1]
		w.h, w.l, w.c, w.v = math.Max(w.h, x[1]), math.Min(w.l, x[2]), x[3], w.v+x[4]
	}
	if len(want) != 11 { // 04:00..20:00 on the 1st, 00:00..20:00 on the 2nd
		t.Fatalf("%d buckets computed, want 11", len(want))
	}
	q := "SELECT 'BTC' AS symbol, * FROM read_csv(" + sqlString(path) + ")"
	p, err := ReadSource(context.Background(), Source{Query: q}, Request{Symbols: []string{"BTC"}, Start: start, End: end, Bar: 4 * data.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[0]
	if s.Len() != len(want) {
		t.Fatalf("%d bars, want %d", s.Len(), len(want))
	}
	for k, w := range want {
		if s.Time[k] != w.t || s.Open[k] != w.o || s.High[k] != w.h || s.Low[k] != w.l || s.Close[k] != w.c ||
			math.Abs(s.Volume[k]-w.v) > 1e-9*w.v {
			t.Errorf("bar %d: %s %v %v %v %v %v, want %s %v %v %v %v %v", k, data.FormatTime(s.Time[k]), s.Open[k], s.High[k], s.Low[k], s.Close[k], s.Volume[k],
				data.FormatTime(w.t), w.o, w.h, w.l, w.c, w.v)
		}
	}
}

// A crypto pair quoted in euros is guessed crypto, so its daily bars are
// whole UTC days, weekends included: hourly bars with volume 1 from
// Friday 2025-10-03 to Sunday 10-05 make three daily bars of volume 24
// (BTC-EUR was guessed equity, and its days were the 6.5 hours of a New
// York session). A symbol guessed equity with the same bars is noted as
// possibly a token; its daily bars are refused, for its 09:00–10:00 New
// York bar straddles the session open (it made sessions of the 6 bars
// opening 14:00…19:00 UTC, losing 09:30–10:00: see
// TestResampleExtendedHoursSessionStraddle), and the error says to class
// it crypto.
func TestReadSourceDailyCryptoPairWeekends(t *testing.T) {
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for _, sym := range []string{"BTC-EUR", "ZZZ"} {
		for d := 3; d <= 5; d++ {
			for h := 0; h < 24; h++ {
				fmt.Fprintf(&body, "2025-10-%02dT%02d:00:00Z,%s,10,10,10,10,1\n", d, h, sym)
			}
		}
	}
	src := Source{Table: writeFile(t, t.TempDir(), "t.csv", body.String())}
	p, err := ReadSource(context.Background(), src, Request{Symbols: []string{"BTC-EUR"}, Bar: data.Daily})
	if err != nil {
		t.Fatal(err)
	}
	pair := p.Series[0]
	if pair.Class != data.Crypto || !slices.Equal(pair.Time, []int64{data.Day(2025, 10, 3), data.Day(2025, 10, 4), data.Day(2025, 10, 5)}) ||
		!slices.Equal(pair.Volume, []float64{24, 24, 24}) {
		t.Errorf("BTC-EUR: %v %v volume %v, want crypto, 3 days of volume 24", pair.Class, fmtTimes(pair.Time), pair.Volume)
	}
	// ZZZ's rows are the file's lines 74…145: 13:00Z on 3 October
	// (09:00 EDT) is line 74 + 13 = 87.
	if _, err := ReadSource(context.Background(), src, Request{Symbols: []string{"ZZZ"}, Bar: data.Daily}); err == nil ||
		!strings.Contains(err.Error(), "ZZZ's 1h bar at 2025-10-03T13:00:00Z (09:00–10:00 New York) opens before the 09:30") ||
		!strings.Contains(err.Error(), "give --class crypto") || !strings.Contains(err.Error(), "t.csv, row 87)") {
		t.Errorf("ZZZ to 1d: err = %v, want its 09:00 bar refused, naming row 87 and --class crypto", err)
	}
	p, err = ReadSource(context.Background(), src, Request{Symbols: []string{"BTC-EUR", "ZZZ"}})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(p.Notes(), "\n")
	if !strings.Contains(notes, "ZZZ: classed equity, but 48 of its 72 bars fall on a Saturday or Sunday (UTC), the first 2025-10-04T00:00:00Z") ||
		strings.Contains(notes, "BTC-EUR: classed equity") {
		t.Errorf("notes:\n%s\nwant ZZZ's weekend bars noted, and no note for BTC-EUR", notes)
	}
}

// A per-instrument file of an equity with weekend bars is noted too.
func TestReadFileWeekendNote(t *testing.T) {
	// 2025-10-04 is a Saturday.
	p := writeFile(t, t.TempDir(), "ZZZ.csv", "date,close\n2025-10-03,10\n2025-10-04,10\n2025-10-06,10\n")
	s, err := ReadFile(context.Background(), p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Notes, "\n"); !strings.Contains(got, "1 of its 3 bars fall on a Saturday or Sunday (UTC), the first 2025-10-04T00:00:00Z") {
		t.Errorf("notes %q, want the Saturday bar noted", got)
	}
	s, err = ReadFile(context.Background(), p, ReadOptions{Class: data.Crypto})
	if err != nil || len(s.Notes) != 0 {
		t.Errorf("as crypto: notes %q, err %v; want none", s.Notes, err)
	}
}

// A read's end inside a bucket leaves that bucket out, as a start inside
// one does: hourly bars 00:00–07:00 (open = high = low = close = 10 +
// hour, volume 1) read before 06:00 and resampled to 4h made a 04:00 bar
// of the 04:00 and 05:00 hours only (close 15, volume 2) stamped as a
// whole one. By hand: the 00:00 bucket is hours 0..3, open 10, close 13,
// volume 4; the 04:00 bucket read whole (end 08:00 or later) is hours
// 4..7, close 17, volume 4.
func TestReadSourceEndCutsBucket(t *testing.T) {
	ctx := context.Background()
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for h := 0; h < 8; h++ {
		px := 10 + h
		fmt.Fprintf(&body, "2025-01-01T%02d:00:00Z,BTC,%d,%d,%d,%d,1\n", h, px, px, px, px)
	}
	src := Source{Table: writeFile(t, t.TempDir(), "t.csv", body.String())}
	for _, tc := range []struct {
		end              int64
		times            []int64
		open, close, vol []float64
		note             bool
	}{
		{utc(2025, 1, 1, 6, 0), []int64{utc(2025, 1, 1, 0, 0)}, []float64{10}, []float64{13}, []float64{4}, true},
		{utc(2025, 1, 1, 8, 0), []int64{utc(2025, 1, 1, 0, 0), utc(2025, 1, 1, 4, 0)}, []float64{10, 14}, []float64{13, 17}, []float64{4, 4}, false},
		// An end on a bucket's boundary cuts nothing.
		{utc(2025, 1, 1, 4, 0), []int64{utc(2025, 1, 1, 0, 0)}, []float64{10}, []float64{13}, []float64{4}, false},
		// Data that end before the end keep their last bucket (an
		// in-progress candle): the 04:00 bucket ends at 08:00 ≤ 09:00.
		{utc(2025, 1, 1, 9, 0), []int64{utc(2025, 1, 1, 0, 0), utc(2025, 1, 1, 4, 0)}, []float64{10, 14}, []float64{13, 17}, []float64{4, 4}, false},
	} {
		p, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC"}, End: tc.end, Bar: 4 * data.Hour})
		if err != nil {
			t.Fatalf("before %s: %v", data.FormatTime(tc.end), err)
		}
		s := p.Series[0]
		if !slices.Equal(s.Time, tc.times) || !slices.Equal(s.Open, tc.open) || !slices.Equal(s.Close, tc.close) || !slices.Equal(s.Volume, tc.vol) {
			t.Errorf("before %s: times %v open %v close %v volume %v, want %v %v %v %v", data.FormatTime(tc.end),
				fmtTimes(s.Time), s.Open, s.Close, s.Volume, fmtTimes(tc.times), tc.open, tc.close, tc.vol)
		}
		noted := strings.Contains(strings.Join(s.Notes, "\n"), "the last 4h bar, 2025-01-01T04:00:00Z, was left out")
		if noted != tc.note {
			t.Errorf("before %s: notes %q, want the left-out bar noted: %v", data.FormatTime(tc.end), s.Notes, tc.note)
		}
	}
	// Before 02:00 only the cut bucket would remain: an error, not a bar.
	if _, err := ReadSource(ctx, src, Request{Symbols: []string{"BTC"}, End: utc(2025, 1, 1, 2, 0), Bar: 4 * data.Hour}); err == nil ||
		!strings.Contains(err.Error(), "no whole 4h bar before 2025-01-01T02:00:00Z") {
		t.Errorf("before 02:00: err = %v, want no whole bar", err)
	}
	// An equity's daily bar is its session: hourly bars 09:30–15:30 New
	// York (14:30–20:30 UTC in January) on 2 and 3 January 2024, close =
	// 100 + day + hour/100. An end at 18:00 UTC (13:00 New York) cuts the
	// 3 January session (its close would be 103.17, not 103.20): left
	// out; an end at 00:00 UTC on 4 January keeps both.
	body.Reset()
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for d := 2; d <= 3; d++ {
		for h := 14; h <= 20; h++ {
			px := 100 + float64(d) + float64(h)/100
			fmt.Fprintf(&body, "2024-01-%02dT%02d:30:00Z,NVDA,%v,%v,%v,%v,1\n", d, h, px, px, px, px)
		}
	}
	eq := Source{Table: writeFile(t, t.TempDir(), "e.csv", body.String())}
	for _, tc := range []struct {
		end   int64
		times []int64
		close []float64
	}{
		{utc(2024, 1, 3, 18, 0), []int64{data.Day(2024, 1, 2)}, []float64{102.2}},
		{utc(2024, 1, 4, 0, 0), []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3)}, []float64{102.2, 103.2}},
	} {
		p, err := ReadSource(ctx, eq, Request{Symbols: []string{"NVDA"}, Classes: []data.Class{data.Equity}, End: tc.end, Bar: data.Daily})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Series[0]; !slices.Equal(s.Time, tc.times) || !slices.Equal(s.Close, tc.close) {
			t.Errorf("before %s: times %v close %v, want %v %v", data.FormatTime(tc.end), fmtTimes(s.Time), s.Close, fmtTimes(tc.times), tc.close)
		}
	}
}

// ResampleUntil: bars that go on past the end (an experiment keeps them for
// its replays) lose the bucket the end cuts only when it holds a bar from
// the end on. BTC, hourly bars 00:00–23:00 on 1 and 2 January 2025, close
// = 100 + day×100 + hour (open = high = low = close, volume 1), into 4h
// bars before an end at 22:30 on 1 January:
//   - the 20:00 bucket holds 20:00, 21:00, 22:00 and 23:00: the last is
//     after the end (its close would be 123, a price from after it): left
//     out, with a note;
//   - 00:00–16:00 stay (16:00 closes at 19:00's 119), and so do the 2
//     January buckets, which the runs never see (00:00 closes at 303).
//
// NVDA, hourly bars 14:00–20:00 on 1 January (close 300 + hour): its 20:00
// bucket holds 20:00 alone, before the end: it stays (close 320).
func TestResampleUntilDropsBucketWithBarsPastEnd(t *testing.T) {
	ctx := context.Background()
	var btc, nvda [][6]float64
	var bt, nt []int64
	for d := 1; d <= 2; d++ {
		for h := 0; h < 24; h++ {
			px := float64(100 + d*100 + h)
			btc = append(btc, [6]float64{px, px, px, px, 1})
			bt = append(bt, utc(2025, 1, d, h, 0))
		}
	}
	for h := 14; h <= 20; h++ {
		px := float64(300 + h)
		nvda = append(nvda, [6]float64{px, px, px, px, 1})
		nt = append(nt, utc(2025, 1, 1, h, 0))
	}
	p := &data.Panel{Series: []data.Series{series("BTC", data.Crypto, btc, bt), series("NVDA", data.Equity, nvda, nt)}}
	end := utc(2025, 1, 1, 22, 30)
	out, err := ResampleUntil(ctx, p, 4*data.Hour, end)
	if err != nil {
		t.Fatal(err)
	}
	b, n := out.Series[0], out.Series[1]
	var wantT []int64
	for _, h := range []int{0, 4, 8, 12, 16} {
		wantT = append(wantT, utc(2025, 1, 1, h, 0))
	}
	for h := 0; h < 24; h += 4 {
		wantT = append(wantT, utc(2025, 1, 2, h, 0))
	}
	wantC := []float64{203, 207, 211, 215, 219, 303, 307, 311, 315, 319, 323}
	if !slices.Equal(b.Time, wantT) || !slices.Equal(b.Close, wantC) || len(b.Open) != len(wantT) || len(b.AdjClose) != len(wantT) || len(b.Volume) != len(wantT) || len(b.Rows) != len(wantT) {
		t.Errorf("BTC times %v closes %v, want %v %v", fmtTimes(b.Time), b.Close, fmtTimes(wantT), wantC)
	}
	// Every column loses the same bar: the 2 January 00:00 bucket opens
	// at 300 (00:00) with volume 4, its first source row the 25th bar's
	// (row 26 of a file with a header).
	if k := 5; b.Open[k] != 300 || b.Volume[k] != 4 || b.AdjClose[k] != 303 || b.Rows[k] != 26 {
		t.Errorf("BTC 2 January 00:00: open %g volume %g adj %g row %d, want 300 4 303 26", b.Open[k], b.Volume[k], b.AdjClose[k], b.Rows[k])
	}
	if want := "the last 4h bar before the end, 2025-01-01T20:00:00Z, was left out: it ends after the end 2025-01-01T22:30:00Z, and its high, low, close and volume would include bars from the end on"; !slices.Contains(b.Notes, want) {
		t.Errorf("BTC notes %q, want %q", b.Notes, want)
	}
	if wantN := []int64{utc(2025, 1, 1, 12, 0), utc(2025, 1, 1, 16, 0), utc(2025, 1, 1, 20, 0)}; !slices.Equal(n.Time, wantN) || !slices.Equal(n.Close, []float64{315, 319, 320}) {
		t.Errorf("NVDA times %v closes %v, want %v [315 319 320]", fmtTimes(n.Time), n.Close, fmtTimes(wantN))
	}
	for _, note := range n.Notes {
		if strings.Contains(note, "left out") {
			t.Errorf("NVDA: %q", note)
		}
	}
}

// An equity's bars stamped on the 00:00 UTC grid (bar = "1h" or "4h"
// resampled, or the synthetic market's hourly and 4-hour equities) open
// before their stamp's hour says: the 14:00Z hour (09:00 New York) holds
// 09:30–10:00, the 12:00Z 4-hour bar 09:30–11:00 (EST; 09:30–12:00
// EDT). Their daily bars are the same session as the 5-minute bars'
// (the 5-minute bars to days directly): open 100 (09:30's), high, low,
// close and volume of all 78 bars. They were left out, their stamps
// being before 09:30: the days opened at 10:00's (hourly) or 11:00's
// (4-hourly) open. An equity file of daily bars, then hourly ones,
// keeps its daily bars' dates (stamped 00:00 UTC, 19:00 New York the day
// before, they were left out too).
func TestResampleEquityGridBarsToDays(t *testing.T) {
	ctx := context.Background()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 5-minute bars 09:30 … 15:55 on 2024-03-08 (EST) and 2024-03-11
	// (EDT): bar k of a day opens at 100 + k, closes at 100 + k + 0.5,
	// high +1, low −1, volume k + 1.
	var times []int64
	var bars [][6]float64
	for _, d := range []int{8, 11} {
		for k := 0; k < 78; k++ {
			times = append(times, time.Date(2024, 3, d, 9, 30+5*k, 0, 0, ny).UnixNano())
			o := 100 + float64(k)
			bars = append(bars, [6]float64{o, o + 1, o - 1, o + 0.5, float64(k + 1)})
		}
	}
	fine := series("NVDA", data.Equity, bars, times)
	fine.Interval = data.Minutes5
	// By hand: each day opens at 100 (bar 0), high 177 + 1 = 178 (bar
	// 77), low 99 (bar 0), close 177.5, volume 1 + … + 78 = 3081.
	wantT := []int64{data.Day(2024, 3, 8), data.Day(2024, 3, 11)}
	check := func(t *testing.T, s data.Series) {
		t.Helper()
		if !slices.Equal(s.Time, wantT) || !slices.Equal(s.Open, []float64{100, 100}) || !slices.Equal(s.High, []float64{178, 178}) ||
			!slices.Equal(s.Low, []float64{99, 99}) || !slices.Equal(s.Close, []float64{177.5, 177.5}) || !slices.Equal(s.Volume, []float64{3081, 3081}) {
			t.Errorf("got %v o %v h %v l %v c %v v %v", fmtTimes(s.Time), s.Open, s.High, s.Low, s.Close, s.Volume)
		}
	}
	for _, mid := range []data.Interval{data.Minutes5, data.Hour, data.Hours4} {
		t.Run("via "+mid.String(), func(t *testing.T) {
			p, err := Resample(ctx, &data.Panel{Series: []data.Series{fine}}, mid)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Resample(ctx, p, data.Daily)
			if err != nil {
				t.Fatal(err)
			}
			check(t, out.Series[0])
		})
	}
	t.Run("daily then hourly", func(t *testing.T) {
		// 60 daily bars from 2024-01-01 (00:00 UTC), each 1, 2, 0.5,
		// 1.5, volume 10; then the hourly bars of the two sessions
		// above (14:00Z … 20:00Z, 13:00Z … 19:00Z).
		var ts []int64
		var bs [][6]float64
		for k := 0; k < 60; k++ {
			ts = append(ts, data.Day(2024, 1, 1)+int64(k)*data.NanosPerDay)
			bs = append(bs, [6]float64{1, 2, 0.5, 1.5, 10})
		}
		p, err := Resample(ctx, &data.Panel{Series: []data.Series{fine}}, data.Hour)
		if err != nil {
			t.Fatal(err)
		}
		h := p.Series[0]
		for k := range h.Time {
			ts = append(ts, h.Time[k])
			bs = append(bs, [6]float64{h.Open[k], h.High[k], h.Low[k], h.Close[k], h.Volume[k]})
		}
		s := series("NVDA", data.Equity, bs, ts)
		s.Interval = data.Hour
		if sg := s.Segments(); len(sg) != 2 || sg[0].Interval != data.Daily {
			t.Fatalf("segments %+v: the test's premise", sg)
		}
		out, err := Resample(ctx, &data.Panel{Series: []data.Series{s}}, data.Daily)
		if err != nil {
			t.Fatal(err)
		}
		r := out.Series[0]
		if r.Len() != 62 || r.Time[0] != data.Day(2024, 1, 1) || r.Time[59] != data.Day(2024, 2, 29) || r.Open[0] != 1 || r.Close[59] != 1.5 {
			t.Fatalf("%d bars from %v: want the 60 daily ones (2024-01-01 … 2024-02-29) and 2 sessions", r.Len(), fmtTimes(r.Time[:min(3, r.Len())]))
		}
		r.Time, r.Open, r.High, r.Low, r.Close, r.Volume = r.Time[60:], r.Open[60:], r.High[60:], r.Low[60:], r.Close[60:], r.Volume[60:]
		check(t, r)
	})
}
