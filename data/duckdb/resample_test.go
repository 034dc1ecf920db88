package duckdb

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

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
	if s.Interval != data.Hour || len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "resampled from 1m to 1h") {
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
		{daily, data.Hour, "SPY has 1d bars, coarser than the 1h bars asked for: resampling only aggregates"},
		// Yahoo-style hourly bars at :30 straddle 4h buckets.
		{series("NVDA", data.Equity, [][6]float64{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, []int64{d + 14*h + h/2, d + 15*h + h/2}), data.Hours4,
			"NVDA's 1h bar at 2024-01-02T15:30:00Z straddles two 4h buckets"},
		{series("X", data.Crypto, [][6]float64{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, []int64{d, d + 7*int64(data.Minute)}), data.Minutes15,
			"X has 7m bars, which do not divide into 15m bars"},
		{daily, 2 * data.Hour, "bar 2h: want one of"},
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
