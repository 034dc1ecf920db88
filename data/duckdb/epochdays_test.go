//go:build duckdb_arrow

package duckdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// Daily bars stamped in Unix time at a zone's midnight east of UTC (OKX
// "1D", Binance klines with timeZone=8: days of UTC+8) open at 16:00 UTC
// the day before and close at 16:00 UTC on their day. Each is the bar of
// its local date, the UTC day it closes in; read as the UTC date of its
// open it was a day early, its close seen 16 hours before it happened.
// Midnights west of UTC (yfinance's New York 05:00/04:00 UTC) keep the
// date of their open, as do an equity's session closes (21:00 UTC). A row
// off the file's time of day cannot be dated: an error names it.
func TestEpochDailyStampsOffMidnight(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// zoneMidnights is the Unix ms of local midnight in zone name of
	// each day from 2024-03-25 to 2024-04-05 (across the change to
	// summer time in Europe on 2024-03-31 and none in New York), and
	// those days, computed by the time package.
	zoneMidnights := func(name string) ([]string, []int64) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone data: %v", err)
		}
		var ms []string
		var days []int64
		for d := 25; d <= 36; d++ {
			m := time.Date(2024, 3, d, 0, 0, 0, 0, loc)
			ms = append(ms, fmt.Sprint(m.UnixMilli()))
			y, mo, dd := m.Date()
			days = append(days, time.Date(y, mo, dd, 0, 0, 0, 0, time.UTC).UnixNano())
		}
		return ms, days
	}
	athens, athensDays := zoneMidnights("Europe/Athens")
	newYork, newYorkDays := zoneMidnights("America/New_York")
	for _, c := range []struct {
		name, file string
		body       string
		opt        ReadOptions
		want       []int64
		note       string // "" : no note of local dates
		err        string
	}{
		// 2024-01-02 00:00 UTC is 1704153600 s; 8 hours earlier,
		// 1704153600 − 28800 = 1704124800 s, is 2024-01-01 16:00 UTC,
		// 2024-01-02 00:00 at +08:00: the candle of 2024-01-02.
		{name: "OKX 1D in ms", file: "BTC-USDT.csv",
			body: barsCSV(hdr, "1704124800000", "1704211200000", "1704297600000"),
			want: []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4)},
			note: "+08:00"},
		{name: "Binance timeZone=8 in s", file: "ETHUSDT.csv",
			body: barsCSV(hdr, "1704124800", "1704211200", "1704297600"),
			want: []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4)},
			note: "+08:00"},
		// Athens midnights: 22:00 UTC (+02:00), 21:00 UTC from 2024-03-31
		// (+03:00).
		{name: "Athens midnights across summer time", file: "SOL.csv", body: barsCSV(hdr, athens...), opt: ReadOptions{Class: data.Crypto},
			want: athensDays, note: "+02:00"},
		{name: "New York midnights", file: "NVDA.csv", body: barsCSV(hdr, newYork...), opt: ReadOptions{Class: data.Equity},
			want: newYorkDays},
		// Session closes: 2024-01-05 (a Friday) 21:00 UTC is 1704412800 +
		// 75600 = 1704488400 s; 2024-01-08 (Monday) 21:00 UTC is
		// 1704488400 + 3·86400 = 1704747600 s.
		{name: "an equity's session closes", file: "AMD.csv", body: barsCSV(hdr, "1704402000000", "1704488400000", "1704747600000"),
			opt: ReadOptions{Class: data.Equity}, want: []int64{data.Day(2024, 1, 4), data.Day(2024, 1, 5), data.Day(2024, 1, 8)}},
		// Midnights UTC, and one row (line 4) at 01:00: 1704240000000 ms
		// (2024-01-03 00:00 UTC) + 3,600,000.
		{name: "a stray hour among midnights", file: "XRP.csv",
			body: barsCSV(hdr, "1704067200000", "1704153600000", "1704243600000", "1704326400000", "1704412800000"),
			err:  "XRP.csv:4: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.file, c.body)
			s, err := ReadFile(ctx, p, c.opt)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "01:00") {
					t.Fatalf("err = %v, want one naming %q and 01:00", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, c.want) {
				t.Errorf("times\n got %v\nwant %v", fmtTimes(s.Time), fmtTimes(c.want))
			}
			got := strings.Join(s.Notes, "\n")
			switch {
			case c.note == "" && strings.Contains(got, "local date"):
				t.Errorf("notes %q, want none of local dates", s.Notes)
			case c.note != "" && (!strings.Contains(got, c.note) || !strings.Contains(got, "local date")):
				t.Errorf("notes %q, want one of local dates naming %s", s.Notes, c.note)
			}
		})
	}
}
