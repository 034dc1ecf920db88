package engine

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// BarEnd, each close worked out by hand (January: New York on EST, its
// 16:00 close at 21:00Z):
//   - a token's hourly bar of 14:00Z closes at 15:00Z, its 4h bar of
//     08:00Z at 12:00Z, its daily bar of 8 January at 9 January 00:00Z;
//   - an equity's daily bar of 8 January closes at 21:00Z (New York),
//     9984.T's at 06:00Z (Tokyo's 15:00 JST before 2024-11-05);
//   - an equity's hourly bars of the regular session, 14:30Z to 20:30Z:
//     the 20:30Z bar, the session's last (no bar follows within its
//     hour), closes at the 21:00Z close, not 21:30Z; the 19:30Z bar at
//     20:30Z, as the next bar follows at its end.
func TestBarEnd(t *testing.T) {
	day := time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) int64 {
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).UnixNano()
	}
	series := func(sym string, cl data.Class, iv data.Interval, times ...int64) *data.Series {
		return &data.Series{Instrument: data.Instrument{Symbol: sym, Class: cl}, Interval: iv, Time: times}
	}
	var session []int64
	for d := 0; d < 3; d++ {
		for h := 14; h <= 20; h++ {
			session = append(session, at(24*d+h, 30))
		}
	}
	last := len(session) - 1
	for _, c := range []struct {
		name string
		s    *data.Series
		k    int
		want string
	}{
		{"token hourly", series("TAO", data.Crypto, data.Hour, at(13, 0), at(14, 0)), 1, "2024-01-08T15:00:00Z"},
		{"token 4h", series("TAO", data.Crypto, 4*data.Hour, at(4, 0), at(8, 0)), 1, "2024-01-08T12:00:00Z"},
		{"token daily", series("BTC", data.Crypto, data.Daily, at(-24, 0), at(0, 0)), 1, "2024-01-09T00:00:00Z"},
		{"New York daily", series("MSFT", data.Equity, data.Daily, at(-24, 0), at(0, 0)), 1, "2024-01-08T21:00:00Z"},
		{"Tokyo daily", series("9984.T", data.Equity, data.Daily, at(-24, 0), at(0, 0)), 1, "2024-01-08T06:00:00Z"},
		{"session's last hourly bar", series("MSFT", data.Equity, data.Hour, session...), last, "2024-01-10T21:00:00Z"},
		{"an hourly bar followed by the next", series("MSFT", data.Equity, data.Hour, session...), last - 1, "2024-01-10T20:30:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := time.Unix(0, BarEnd(c.s, c.k)).UTC().Format(time.RFC3339); got != c.want {
				t.Errorf("bar %d closes at %s, want %s", c.k, got, c.want)
			}
		})
	}
}

// BarEnd is the close the market gives each bar as it replays it
// (market.advance), on a mixed panel: a token's hourly bars, an
// equity's regular-session hourly bars, New York's and Tokyo's daily
// bars, and a token whose file turns from daily to hourly bars.
func TestBarEndIsTheMarketsClose(t *testing.T) {
	start := time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC).UnixNano()
	h := int64(time.Hour)
	var tok, eq, daily, mixed []int64
	for k := int64(0); k < 5*24; k++ {
		tok = append(tok, start+k*h)
	}
	for d := int64(0); d < 5; d++ {
		daily = append(daily, start+d*24*h)
		for k := int64(0); k < 7; k++ {
			eq = append(eq, start+d*24*h+14*h+30*int64(time.Minute)+k*h)
		}
	}
	for d := int64(-60); d < 0; d++ {
		mixed = append(mixed, start+d*24*h)
	}
	mixed = append(mixed, tok...)
	mk := func(sym string, cl data.Class, times []int64) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: cl}, Time: times}
		for range times {
			s.Open, s.High, s.Low, s.Close, s.Volume = append(s.Open, 1), append(s.High, 1), append(s.Low, 1), append(s.Close, 1), append(s.Volume, 1)
		}
		s.AdjClose = s.Close
		return s
	}
	p := &data.Panel{Series: []data.Series{
		mk("TAO", data.Crypto, tok), mk("MSFT", data.Equity, eq), mk("NVDA", data.Equity, daily),
		mk("9984.T", data.Equity, daily), mk("FET", data.Crypto, mixed),
	}}
	tl := NewTimeline(p)
	m := newMarket(p, tl)
	checked := 0
	for k := range tl.Times {
		m.advance(k)
		inst, row := tl.Active(k)
		for j, i := range inst {
			s := &p.Series[i]
			if got, want := BarEnd(s, int(row[j])), m.close[i]; got != want {
				t.Fatalf("%s's bar %d (%s): BarEnd %s, the market's close %s", s.Symbol, row[j], data.FormatTime(s.Time[row[j]]), data.FormatTime(got), data.FormatTime(want))
			}
			checked++
		}
	}
	if checked != len(tok)+len(eq)+2*len(daily)+len(mixed) {
		t.Fatalf("%d bars checked", checked)
	}
}

// An equity's bars stamped on the 00:00 UTC grid (bar = "4h" or "1h"
// resampled from finer bars, or the synthetic market's) are bars of the
// regular session too, though stamped before 09:30: the 12:00Z 4h bar
// holds 09:30–11:00 EST. The session's last one closes at the New York
// close, as Yahoo's 15:30 bar does (by hand: 16:00 EST is 21:00Z, 16:00
// EDT 20:00Z, 13:00 EST on 29 November 2024, the day after
// Thanksgiving, 18:00Z):
//   - January (EST): the 20:00Z 4h bar holds 15:00–16:00 and closes at
//     21:00Z, not 24:00Z; the 16:00Z bar, followed at 20:00Z, at 20:00Z;
//   - March 11 (EDT): the 16:00Z bar, the last, closes at 20:00Z, its
//     own end;
//   - 29 November: the 16:00Z bar holds 11:00–13:00 and closes at
//     18:00Z;
//   - hourly bars 14:00Z … 20:00Z (January): the 20:00Z bar closes at
//     21:00Z, its own end.
//
// The market gives every bar the same close (market.advance). Before,
// the bars failed the regular-hours test (a 12:00Z stamp is 07:00 New
// York), and the January bar closed at 24:00Z: a decision at 20:00Z on a
// token's close of 24:00Z filled the equity at the close of 21:00Z, three
// hours old.
func TestBarEndOnTheUTCGrid(t *testing.T) {
	h := int64(time.Hour)
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixNano() }
	grid := func(first, step, n int64, days ...int64) []int64 {
		var ts []int64
		for _, d := range days {
			for k := int64(0); k < n; k++ {
				ts = append(ts, d+first*h+k*step*h)
			}
		}
		return ts
	}
	jan := grid(12, 4, 3, day(2024, 1, 8), day(2024, 1, 9))
	mar := grid(12, 4, 2, day(2024, 3, 11), day(2024, 3, 12))
	nov := grid(12, 4, 2, day(2024, 11, 26), day(2024, 11, 29))
	hourly := grid(14, 1, 7, day(2024, 1, 8), day(2024, 1, 9))
	mk := func(iv data.Interval, times []int64) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: "NVDA", Class: data.Equity}, Interval: iv, Time: times}
		for range times {
			s.Open, s.High, s.Low, s.Close, s.Volume = append(s.Open, 1), append(s.High, 1), append(s.Low, 1), append(s.Close, 1), append(s.Volume, 1)
		}
		s.AdjClose = s.Close
		return s
	}
	for _, c := range []struct {
		name string
		s    data.Series
		k    int
		want string
	}{
		{"January's last 4h bar", mk(data.Hours4, jan), 5, "2024-01-09T21:00:00Z"},
		{"January's 16:00Z 4h bar", mk(data.Hours4, jan), 4, "2024-01-09T20:00:00Z"},
		{"March's last 4h bar", mk(data.Hours4, mar), 3, "2024-03-12T20:00:00Z"},
		{"an early close's last 4h bar", mk(data.Hours4, nov), 3, "2024-11-29T18:00:00Z"},
		{"January's last hourly bar", mk(data.Hour, hourly), 13, "2024-01-09T21:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := time.Unix(0, BarEnd(&c.s, c.k)).UTC().Format(time.RFC3339); got != c.want {
				t.Errorf("bar %d (%s) closes at %s, want %s", c.k, data.FormatTime(c.s.Time[c.k]), got, c.want)
			}
			p := &data.Panel{Series: []data.Series{c.s}}
			tl := NewTimeline(p)
			m := newMarket(p, tl)
			m.advance(c.k)
			if got := time.Unix(0, m.close[0]).UTC().Format(time.RFC3339); got != c.want {
				t.Errorf("the market closes bar %d at %s, want %s", c.k, got, c.want)
			}
		})
	}
}
