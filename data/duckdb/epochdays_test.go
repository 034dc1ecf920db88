//go:build duckdb_arrow

package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
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
			checkDailyStamps(t, s, err, c.want, c.note, c.err)
		})
	}
}

// The same instants written otherwise than in Unix time: text with a UTC
// designator (Z, +00:00 as pandas writes a UTC column, " UTC") and
// Parquet timestamps zoned UTC write no local date either, and are dated
// as epochDays says. An offset written with the local time (+08:00) gives
// the bar's date itself, and a time without an offset is a wall-clock
// time: both keep their dates.
func TestUTCDailyStampsOffMidnight(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := memDB(t)
	// days writes each time with a suffix: "2024-01-01", "16:00:00", "Z" is
	// 2024-01-01T16:00:00Z.
	days := func(sep, clock, zone string, dates ...string) []string {
		out := make([]string, len(dates))
		for k, d := range dates {
			out[k] = d + sep + clock + zone
		}
		return out
	}
	jan := []string{"2024-01-01", "2024-01-02", "2024-01-03"}
	// 2024-01-01 16:00 UTC is 2024-01-02 00:00 at +08:00: the candle of
	// 2024-01-02, closing at 2024-01-02 16:00 UTC.
	janNext := []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3), data.Day(2024, 1, 4)}
	janSame := []int64{data.Day(2024, 1, 1), data.Day(2024, 1, 2), data.Day(2024, 1, 3)}
	parquet := func(name string, times ...string) string {
		p := filepath.Join(dir, name)
		var rows []string
		for k, ts := range times {
			rows = append(rows, fmt.Sprintf("(TIMESTAMPTZ '%s', %s)", ts, strings.ReplaceAll(ohlc4[k%len(ohlc4)], ",", ", ")))
		}
		q := fmt.Sprintf(`COPY (SELECT * FROM (VALUES %s) t(date, open, high, low, close, volume)) TO %s (FORMAT parquet)`,
			strings.Join(rows, ", "), sqlString(p))
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, file string
		body       string // CSV text, or "" for path
		path       func() string
		opt        ReadOptions
		want       []int64
		note       string // "" : no note of local dates
		err        string // the file and line an error names; it names 01:00 too
	}{
		{name: "Z at 16:00", file: "BTCZ.csv", body: barsCSV(hdr, days("T", "16:00:00", "Z", jan...)...), want: janNext, note: "+08:00"},
		{name: "pandas +00:00 at 16:00", file: "BTCP.csv", body: barsCSV(hdr, days(" ", "16:00:00", "+00:00", jan...)...), want: janNext, note: "+08:00"},
		{name: "' UTC' at 16:00", file: "BTCU.csv", body: barsCSV(hdr, days(" ", "16:00:00", " UTC", jan...)...), want: janNext, note: "+08:00"},
		// 22:00 UTC is the midnight of +02:00 (24 − 22 = 2 hours east).
		{name: "Z at 22:00", file: "SOLZ.csv", body: barsCSV(hdr, days("T", "22:00:00", "Z", jan...)...), opt: ReadOptions{Class: data.Crypto},
			want: janNext, note: "+02:00"},
		{name: "Z at 05:00, New York midnights", file: "NVDAZ.csv", body: barsCSV(hdr, days("T", "05:00:00", "Z", jan...)...), want: janSame},
		{name: "Z at 00:00", file: "ETHZ.csv", body: barsCSV(hdr, days("T", "00:00:00", "Z", jan...)...), want: janSame},
		// 2024-01-05 is a Friday, 2024-01-08 a Monday.
		{name: "an equity's session closes in Z", file: "AMDZ.csv",
			body: barsCSV(hdr, days("T", "21:00:00", "Z", "2024-01-04", "2024-01-05", "2024-01-08")...), opt: ReadOptions{Class: data.Equity},
			want: []int64{data.Day(2024, 1, 4), data.Day(2024, 1, 5), data.Day(2024, 1, 8)}},
		{name: "a stray hour among Z midnights", file: "XRPZ.csv",
			body: barsCSV(hdr, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T01:00:00Z", "2024-01-04T00:00:00Z", "2024-01-05T00:00:00Z"),
			err:  "XRPZ.csv:4: "},
		{name: "+08:00 written", file: "BTC8.csv", body: barsCSV(hdr, days("T", "00:00:00", "+08:00", "2024-01-02", "2024-01-03", "2024-01-04")...), want: janNext},
		{name: "naive 16:00", file: "BTCN.csv", body: barsCSV(hdr, days(" ", "16:00:00", "", jan...)...), want: janSame},
		{name: "Parquet zoned UTC at 16:00", path: func() string { return parquet("BTC.parquet", days(" ", "16:00:00", "+00", jan...)...) },
			want: janNext, note: "+08:00"},
		{name: "Parquet zoned UTC at 00:00", path: func() string { return parquet("ETH.parquet", days(" ", "00:00:00", "+00", jan...)...) },
			want: janSame},
		{name: "Parquet zoned, a stray hour", path: func() string {
			return parquet("XRP.parquet", "2024-01-01 00:00:00+00", "2024-01-02 00:00:00+00", "2024-01-03 01:00:00+00", "2024-01-04 00:00:00+00", "2024-01-05 00:00:00+00")
		}, err: "XRP.parquet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p string
			if c.path != nil {
				p = c.path()
			} else {
				p = writeFile(t, dir, c.file, c.body)
			}
			s, err := ReadFile(ctx, p, c.opt)
			checkDailyStamps(t, s, err, c.want, c.note, c.err)
		})
	}
}

// checkDailyStamps checks a read of daily stamps: an error naming wantErr
// and 01:00 (the stray row) when wantErr is set, else the bars' times and
// a note of local dates naming note, or none when note is empty.
func checkDailyStamps(t *testing.T, s data.Series, err error, want []int64, note, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), "01:00") {
			t.Fatalf("err = %v, want one naming %q and 01:00", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Time, want) {
		t.Errorf("times\n got %v\nwant %v", fmtTimes(s.Time), fmtTimes(want))
	}
	got := strings.Join(s.Notes, "\n")
	switch {
	case note == "" && strings.Contains(got, "local date"):
		t.Errorf("notes %q, want none of local dates", s.Notes)
	case note != "" && (!strings.Contains(got, note) || !strings.Contains(got, "local date")):
		t.Errorf("notes %q, want one of local dates naming %s", s.Notes, note)
	}
}

// Midnights where the day line runs: a time of day from 10:00 to 12:00
// UTC is the midnight of a zone west of UTC (−10:00 to −12:00) or of one
// east of it (+14:00 to +12:00). Auckland's midnights are 11:00 UTC in
// its summer (+13:00) and 12:00 in its winter (+12:00), each the day
// before its local date: read as western ones, every bar was a day early,
// its close seen 11 or 12 hours before it happened. A pair of times an
// hour apart (daylight saving) tells the zone by its standard time, the
// later one: Chatham's 10:15/11:15 (+13:45/+12:45) is east, the Aleutians'
// 09:00/10:00 (−09:00/−10:00) west. One time alone at 12:00 (+12:00;
// −12:00 is no one's) or 11:00 (+13:00, Tonga, Samoa and New Zealand's
// summer; −11:00 only American Samoa and Niue) is east; at 10:00 it is
// Hawaii's −10:00, and a note says that Kiribati's +14:00 would date each
// bar a day later.
func TestEpochDailyStampsFarPacific(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// midnights is the Unix ms of local midnight in zone name of each day
	// from 2024-03-25 to 2024-04-20 (New Zealand and Chatham leave summer
	// time on 2024-04-07), with weekends when weekends is set, and those
	// local dates at 00:00 UTC (the bar stamps wanted), by the time package;
	// utcDates are the UTC dates of the same instants.
	midnights := func(name string, weekends bool) (ms []string, days, utcDates []int64) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("no time zone data: %v", err)
		}
		for d := 25; d <= 51; d++ {
			m := time.Date(2024, 3, d, 0, 0, 0, 0, loc)
			if wd := m.Weekday(); !weekends && (wd == time.Saturday || wd == time.Sunday) {
				continue
			}
			ms = append(ms, fmt.Sprint(m.UnixMilli()))
			y, mo, dd := m.Date()
			days = append(days, time.Date(y, mo, dd, 0, 0, 0, 0, time.UTC).UnixNano())
			u := m.UTC()
			utcDates = append(utcDates, time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC).UnixNano())
		}
		return ms, days, utcDates
	}
	auckland, aucklandDays, _ := midnights("Pacific/Auckland", true)
	nzx, nzxDays, _ := midnights("Pacific/Auckland", false)
	chatham, chathamDays, _ := midnights("Pacific/Chatham", true)
	tonga, tongaDays, _ := midnights("Pacific/Tongatapu", true)
	adak, adakDays, _ := midnights("America/Adak", true)
	honolulu, honoluluDays, _ := midnights("Pacific/Honolulu", true)
	kiritimati, _, kiritimatiUTC := midnights("Pacific/Kiritimati", true)
	// Auckland's winter alone: the stamps from 2024-04-07 on, 12:00 UTC.
	winter, winterDays := auckland[13:], aucklandDays[13:]
	for _, c := range []struct {
		name, file string
		ms         []string
		class      data.Class
		want       []int64
		note       string // "": no note of local dates
		other      string // a note naming this, when set
	}{
		{name: "Auckland across summer time", file: "BTC.csv", ms: auckland, want: aucklandDays, note: "+13:00, +12:00"},
		{name: "Auckland winter, 12:00 alone", file: "ETH.csv", ms: winter, want: winterDays, note: "+12:00"},
		{name: "an NZX equity's Auckland midnights", file: "AIR.csv", ms: nzx, class: data.Equity, want: nzxDays, note: "+13:00, +12:00"},
		{name: "Chatham across summer time", file: "SOL.csv", ms: chatham, want: chathamDays, note: "+13:45, +12:45"},
		{name: "Tonga, 11:00 alone", file: "XRP.csv", ms: tonga, want: tongaDays, note: "+13:00", other: "-11:00"},
		{name: "the Aleutians across summer time", file: "NEAR.csv", ms: adak, want: adakDays},
		{name: "Hawaii, 10:00 alone", file: "TAO.csv", ms: honolulu, want: honoluluDays, other: "+14:00"},
		{name: "Kiribati's +14:00 is read as Hawaii's -10:00", file: "FET.csv", ms: kiritimati, want: kiritimatiUTC, other: "+14:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.file, barsCSV(hdr, c.ms...))
			class := c.class
			if class == 0 {
				class = data.Crypto
			}
			s, err := ReadFile(ctx, p, ReadOptions{Class: class})
			checkDailyStamps(t, s, err, c.want, c.note, "")
			if c.other != "" && !strings.Contains(strings.Join(s.Notes, "\n"), c.other) {
				t.Errorf("notes %q, want one naming %s", s.Notes, c.other)
			}
		})
	}
}
