package duckdb

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// naiveBar is one bar of naiveResample's output.
type naiveBar struct {
	t                 int64
	o, h, l, c, ac, v float64
	row               int
}

// naiveResample is a plain Go loop over the documented rule (Resample's
// doc comment), written apart from the SQL: a bar of length bar below a
// day, or any non-equity's day, is the bucket floor(t/bar)·bar UTC; an
// equity's day is the bars that open in 09:30–16:00 New York time, and
// on a series without pre- or post-market bars (every bar overlaps its
// session) also the bar that opens before 09:30 and ends after it,
// stamped 00:00 UTC of the New York date (the series here have no daily
// stretch). Open first,
// high max, low min, close and adj_close last, volume the running sum
// in time order (NaN when any is NaN), row the first bar's.
func naiveResample(t *testing.T, s *data.Series, bar data.Interval) []naiveBar {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// session is hh:mm New York time on ts's New York date.
	session := func(ts int64, hh, mm int) int64 {
		y, m, d := time.Unix(0, ts).In(ny).Date()
		return time.Date(y, m, d, hh, mm, 0, 0, ny).UnixNano()
	}
	iv := int64(s.BarInterval())
	extended := false
	for _, ts := range s.Time {
		extended = extended || ts >= session(ts, 16, 0) || ts+iv <= session(ts, 9, 30)
	}
	var out []naiveBar
	for k, ts := range s.Time {
		var key int64
		if bar == data.Daily && s.Class == data.Equity {
			w := time.Unix(0, ts).In(ny)
			if ts >= session(ts, 16, 0) || ts < session(ts, 9, 30) && (extended || ts+iv <= session(ts, 9, 30)) {
				continue
			}
			key = time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC).UnixNano()
		} else {
			b := int64(bar)
			key = ts / b * b
			if key > ts {
				key -= b
			}
		}
		if n := len(out); n > 0 && out[n-1].t == key {
			g := &out[n-1]
			g.h = math.Max(g.h, s.High[k])
			g.l = math.Min(g.l, s.Low[k])
			g.c, g.ac = s.Close[k], s.AdjClose[k]
			g.v += s.Volume[k]
			continue
		}
		out = append(out, naiveBar{t: key, o: s.Open[k], h: s.High[k], l: s.Low[k], c: s.Close[k], ac: s.AdjClose[k], v: s.Volume[k], row: s.Rows[k]})
	}
	return out
}

// randomBars fills s with bars at times ts: a random walk whose volumes
// have fractional parts, so that the order of a sum shows in its bits.
func randomBars(r *rand.Rand, sym string, class data.Class, ts []int64) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: sym + ".csv"}}
	px := 100.0
	for k, t := range ts {
		o := px
		c := o * (1 + 0.004*(r.Float64()-0.5))
		h := math.Max(o, c) * (1 + 0.002*r.Float64())
		l := math.Min(o, c) * (1 - 0.002*r.Float64())
		px = c
		s.Time = append(s.Time, t)
		s.Open = append(s.Open, o)
		s.High = append(s.High, h)
		s.Low = append(s.Low, l)
		s.Close = append(s.Close, c)
		s.AdjClose = append(s.AdjClose, c*0.97)
		s.Volume = append(s.Volume, 1e3*r.Float64()+1/3.0*float64(k%7))
		s.Rows = append(s.Rows, k+2)
	}
	return s
}

// TestResampleAgainstNaiveLoop compares Resample, bar by bar and bit for
// bit, with naiveResample on random series: a 24/7 token's minute bars
// that begin and end inside buckets (02:07 … 21:53) with a few bars
// missing (some the first or last of their bucket), and an equity's
// 5-minute bars from 08:00 to 17:55 New York time (pre- and post-market)
// across both 2024 DST changes, and an equity's hourly bars on the UTC
// grid (09:00 … 15:00 New York, regular hours alone).
func TestResampleAgainstNaiveLoop(t *testing.T) {
	ctx := context.Background()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	var tok []int64
	for ts := utc(2024, 3, 1, 2, 7); ts <= utc(2024, 5, 12, 21, 53); ts += int64(data.Minute) {
		m := time.Unix(0, ts).UTC()
		// Missing: every 00:00 and 04:00 minute (the first of their 4h,
		// 1h and 1d buckets), every 23:59 (the last of a day) and 3%
		// of the others at random.
		if (m.Minute() == 0 && m.Hour()%4 == 0) || (m.Hour() == 23 && m.Minute() == 59) || r.Float64() < 0.03 {
			continue
		}
		tok = append(tok, ts)
	}
	var eq []int64
	for _, day := range [][3]int{{2024, 3, 8}, {2024, 3, 11}, {2024, 3, 12}, {2024, 11, 1}, {2024, 11, 4}, {2024, 11, 5}} {
		for mins := 8 * 60; mins < 18*60; mins += 5 {
			eq = append(eq, time.Date(day[0], time.Month(day[1]), day[2], mins/60, mins%60, 0, 0, ny).UnixNano())
		}
	}
	// Hourly equity bars on the 00:00 UTC grid, regular hours alone (as
	// bar = "1h" makes them): 09:00 … 15:00 New York, the first holding
	// 09:30–10:00.
	var grid []int64
	for _, day := range [][3]int{{2024, 3, 8}, {2024, 3, 11}, {2024, 11, 1}, {2024, 11, 4}} {
		for h := 9; h < 16; h++ {
			grid = append(grid, time.Date(day[0], time.Month(day[1]), day[2], h, 0, 0, 0, ny).UnixNano())
		}
	}
	token := randomBars(r, "TAO", data.Crypto, tok)
	token.Interval = data.Minute
	equity := randomBars(r, "NVDA", data.Equity, eq)
	equity.Interval = data.Minutes5
	hourly := randomBars(r, "MSFT", data.Equity, grid)
	hourly.Interval = data.Hour
	for _, c := range []struct {
		s    data.Series
		bars []data.Interval
	}{
		{token, []data.Interval{data.Minutes5, data.Minutes15, data.Hour, data.Hours4, data.Daily}},
		{equity, []data.Interval{data.Minutes15, data.Hour, data.Hours4, data.Daily}},
		{hourly, []data.Interval{data.Hours4, data.Daily}},
	} {
		for _, bar := range c.bars {
			t.Run(fmt.Sprintf("%s_%s", c.s.Symbol, bar), func(t *testing.T) {
				out, err := Resample(ctx, &data.Panel{Series: []data.Series{c.s}}, bar)
				if err != nil {
					t.Fatal(err)
				}
				got, want := out.Series[0], naiveResample(t, &c.s, bar)
				if got.Len() != len(want) {
					t.Fatalf("%d bars, want %d", got.Len(), len(want))
				}
				bad := 0
				for k, w := range want {
					g := naiveBar{got.Time[k], got.Open[k], got.High[k], got.Low[k], got.Close[k], got.AdjClose[k], got.Volume[k], got.Rows[k]}
					if g != w && bad < 5 {
						bad++
						t.Errorf("bar %d: got %s %+v\nwant %s %+v", k, data.FormatTime(g.t), g, data.FormatTime(w.t), w)
					}
				}
			})
		}
	}
}

// TestResampleRealAgainstNaiveLoop does the same on the real intraday
// files, read as an experiment reads them: Binance 5-minute TAO (24/7)
// and Yahoo 5-minute NVDA (New York sessions, across the DST change of
// 8 March 2026) to every coarser bar, and Yahoo hourly NVDA (stamped at
// :30, across both DST changes) to days.
func TestResampleRealAgainstNaiveLoop(t *testing.T) {
	dir := intradayDir(t)
	ctx := context.Background()
	for _, c := range []struct {
		file string
		bars []data.Interval
	}{
		{"binance_usdm_perp_5m_won9892000/TAO-USD.csv", []data.Interval{data.Minutes15, data.Hour, data.Hours4, data.Daily}},
		{"yfinance_5m_zhangjing02/NVDA.csv", []data.Interval{data.Minutes15, data.Hour, data.Hours4, data.Daily}},
		{"yfinance_1h_otaboyevsardorbek1/NVDA.csv", []data.Interval{data.Daily}},
	} {
		sym := strings.TrimSuffix(filepath.Base(c.file), ".csv")
		s, err := ReadFile(ctx, filepath.Join(dir, c.file), ReadOptions{Symbol: sym})
		if err != nil {
			t.Fatal(err)
		}
		for _, bar := range c.bars {
			t.Run(fmt.Sprintf("%s_%s", c.file, bar), func(t *testing.T) {
				out, err := Resample(ctx, &data.Panel{Series: []data.Series{s}}, bar)
				if err != nil {
					t.Fatal(err)
				}
				got, want := out.Series[0], naiveResample(t, &s, bar)
				if got.Len() != len(want) {
					t.Fatalf("%d bars, want %d", got.Len(), len(want))
				}
				bad := 0
				for k, w := range want {
					g := naiveBar{got.Time[k], got.Open[k], got.High[k], got.Low[k], got.Close[k], got.AdjClose[k], got.Volume[k], got.Rows[k]}
					if g != w && bad < 5 {
						bad++
						t.Errorf("bar %d: got %s %+v\nwant %s %+v", k, data.FormatTime(g.t), g, data.FormatTime(w.t), w)
					}
				}
			})
		}
	}
}
