package duckdb

import (
	"context"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An equity with pre- and post-market bars has daily bars of its New
// York session, 09:30–16:00: a bar that opens in the session and ends
// after 16:00 holds post-market trading, and its close would be the
// day's close, which the engine shows at 16:00 (look-ahead); a bar that
// opens before 09:30 and ends after it holds pre-market trading with the
// session's first minutes, and leaving it out made the day open late.
// Both are refused, naming the bar and its row, as a bar running past a
// token's UTC day is (TestResampleDailyStraddle). 2 January 2024 is in
// winter time: New York = UTC − 5.
func TestResampleExtendedHoursSessionStraddle(t *testing.T) {
	ctx := context.Background()
	d := data.Day(2024, 1, 2)
	// bars at the given UTC offsets from d (hours, may be fractional
	// via minutes), open = high = low = close = 10 + k, volume 1.
	build := func(sym string, mins []int64) data.Series {
		var ts []int64
		var bs [][6]float64
		for k, m := range mins {
			ts = append(ts, d+m*int64(data.Minute))
			px := 10 + float64(k)
			bs = append(bs, [6]float64{px, px, px, px, 1})
		}
		return series(sym, data.Equity, bs, ts)
	}
	hours := func(from, to, step float64) []int64 {
		var m []int64
		for x := from; x <= to; x += step {
			m = append(m, int64(x*60))
		}
		return m
	}
	for _, tc := range []struct {
		name string
		s    data.Series
		want string // the error; "" for none
		// with no error: the daily bar's open and close and volume.
		open, close, vol float64
	}{
		// 4h buckets on the UTC grid, 00:00Z … 20:00Z: 20:00Z is
		// 15:00–19:00 New York. Before the fix the day held the 16:00Z
		// (11:00–15:00) and 20:00Z bars: its close was bar 5's, 15, the
		// price at 19:00 New York.
		{"4h on the UTC grid", build("NVDA", hours(0, 20, 4)),
			"NVDA's 4h bar at 2024-01-02T12:00:00Z (07:00–11:00 New York) opens before the 09:30 America/New_York session open and ends after it", 0, 0, 0},
		// Hourly bars at :30 from 08:30 to 18:30 New York (13:30Z …
		// 23:30Z): 15:30–16:30 (20:30Z, row 2 + 7 = 9) runs past 16:00.
		// Before the fix the day's close was that bar's, 17 (bar 7).
		{"1h at :30 into post-market", build("AMD", hours(13.5, 23.5, 1)),
			"AMD's 1h bar at 2024-01-02T20:30:00Z (15:30–16:30 New York) runs past the 16:00 America/New_York session close into post-market trading", 0, 0, 0},
		{"1h at :30 into post-market: row", build("AMD", hours(13.5, 23.5, 1)), "(AMD.csv, row 9)", 0, 0, 0},
		// Hourly bars on the hour all day: 09:00–10:00 New York (14:00Z)
		// straddles the open (row 2 + 14 = 16).
		{"1h around the clock", build("ZZZ", hours(0, 23, 1)),
			"ZZZ's 1h bar at 2024-01-02T14:00:00Z (09:00–10:00 New York) opens before the 09:30 America/New_York session open and ends after it; the series has pre- or post-market bars, so its 1d bars are its 09:30–16:00 sessions, and its open, high and low would hold pre-market trading (left out, the day would open late); leave it at 1h, or give bars that begin at 09:30 and end by 16:00 New York; if it trades every day (a token), give --class crypto (in an experiment, [data] classes) (ZZZ.csv, row 16)", 0, 0, 0},
		// Yahoo's extended hours: pre-market hourly 04:00 … 09:00 (the
		// 09:00 bar ends at 09:30, where the next begins), the session
		// 09:30 … 15:30 (the 15:30 bar ends at 16:00, where the next
		// begins), post-market 16:00 … 19:00. Kept: the session is bars
		// 6 … 12 (14:30Z … 20:30Z): open 16, close 22, volume 7.
		{"Yahoo pre- and post-market", build("MSFT", append(append(hours(9, 14, 1), hours(14.5, 20.5, 1)...), hours(21, 24, 1)...)), "", 16, 22, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Resample(ctx, &data.Panel{Series: []data.Series{tc.s}}, data.Daily)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				s := out.Series[0]
				if s.Len() != 1 || s.Time[0] != d || s.Open[0] != tc.open || s.Close[0] != tc.close || s.Volume[0] != tc.vol {
					t.Errorf("got %v o %v c %v v %v, want one bar at %s o %v c %v v %v", fmtTimes(s.Time), s.Open, s.Close, s.Volume,
						data.FormatTime(d), tc.open, tc.close, tc.vol)
				}
				return
			}
			if err == nil {
				s := out.Series[0]
				t.Fatalf("no error: bars %v open %v close %v volume %v; want …%s", fmtTimes(s.Time), s.Open, s.Close, s.Volume, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant …%s", err, tc.want)
			}
		})
	}
}

// The NYSE closes at 13:00 New York on its early closes (29 November
// 2024, the day after Thanksgiving, in winter time: UTC − 5), and the
// engine shows an equity's daily bar at its close. Yahoo-style extended
// hours: pre-market 04:00 … 09:00 (09:00Z … 14:00Z, bars 0 … 5), the
// session 09:30 … 12:30 (14:30Z … 17:30Z, bars 6 … 9, the 12:30 bar
// ending at 13:00 where the next begins), post-market 13:00 … 19:00
// (18:00Z … 00:00Z, bars 10 … 16). The day held the post-market bars
// opening before 16:00 (13:00, 14:00, 15:00): its close was bar 12's, 22,
// a 15:00 price shown at 13:00. By hand: open 16 (bar 6), close 19 (bar
// 9), volume 4.
func TestResampleExtendedHoursEarlyClose(t *testing.T) {
	d := data.Day(2024, 11, 29)
	var ts []int64
	var bs [][6]float64
	for k, m := range append(append([]int64{9, 10, 11, 12, 13, 14}, 14*60+30, 15*60+30, 16*60+30, 17*60+30), 18, 19, 20, 21, 22, 23, 24) {
		if m < 60 {
			m *= 60
		}
		ts = append(ts, d+m*int64(data.Minute))
		px := 10 + float64(k)
		bs = append(bs, [6]float64{px, px, px, px, 1})
	}
	s := series("MSFT", data.Equity, bs, ts)
	out, err := Resample(context.Background(), &data.Panel{Series: []data.Series{s}}, data.Daily)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Series[0]
	if r.Len() != 1 || r.Time[0] != d || r.Open[0] != 16 || r.Close[0] != 19 || r.Volume[0] != 4 {
		t.Errorf("got %v o %v c %v v %v, want one bar at %s o 16 c 19 v 4", fmtTimes(r.Time), r.Open, r.Close, r.Volume, data.FormatTime(d))
	}
	// A bar running past 13:00 on that day is refused as one running
	// past 16:00 is on another: hourly bars at :30, 08:30 … 18:30.
	var ts2 []int64
	var bs2 [][6]float64
	for k := 0; k < 11; k++ {
		ts2 = append(ts2, d+int64(13*60+30+60*k)*int64(data.Minute))
		bs2 = append(bs2, [6]float64{1, 1, 1, 1, 1})
	}
	_, err = Resample(context.Background(), &data.Panel{Series: []data.Series{series("AMD", data.Equity, bs2, ts2)}}, data.Daily)
	if err == nil || !strings.Contains(err.Error(), "AMD's 1h bar at 2024-11-29T17:30:00Z (12:30–13:30 New York) runs past the 13:00 America/New_York session close") {
		t.Errorf("err = %v, want the 12:30 bar refused", err)
	}
}
