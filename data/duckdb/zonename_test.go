//go:build duckdb_arrow

package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/divergence-research/divergence/data"
)

// An Arrow column's time zone may spell UTC in any of the ways writers use
// (pyarrow keeps the zone the data had: "Etc/UTC" from zoneinfo, "GMT",
// "+00:00" from a fixed offset): each states instants in UTC, as "UTC"
// does, and daily bars at 16:00 so written are the midnights of +08:00
// (epochDays), a day after the UTC date of their open. A fixed offset
// (Arrow's "+08:00") states its instants and their local dates. Read as a
// zone of its own, "Etc/UTC" kept the UTC date of the open (a day early,
// the close seen 16 hours before it happened), and "Z", "UTC+0",
// "+00:00" and "+08:00" were refused as unknown zones.
func TestArrowZoneNames(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// wantTime is 2024-01-02 to 2024-01-05 at 00:00 UTC; 16:00 UTC the day
	// before each is its midnight at +08:00 (16 + 8 = 24).
	const hour = int64(3600e9)
	for k, c := range []struct {
		zone  string
		stamp func(day int64) int64 // the instant written for the bar of day
		note  string                // "": no note of local dates
		err   string
	}{
		{zone: "UTC", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "Etc/UTC", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "GMT", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "Etc/GMT", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "Etc/GMT-0", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "Z", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "UTC+0", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "+00:00", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "-00:00", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		{zone: "Etc/Universal", stamp: func(d int64) int64 { return d - 8*hour }, note: "+08:00"},
		// Local midnights with their offset give their own dates.
		{zone: "+08:00", stamp: func(d int64) int64 { return d - 8*hour }},
		{zone: "Asia/Shanghai", stamp: func(d int64) int64 { return d - 8*hour }},
		// 05:00 UTC is 00:00 at −05:00.
		{zone: "-05:00", stamp: func(d int64) int64 { return d + 5*hour }},
		{zone: "America/New_York", stamp: func(d int64) int64 { return d + 5*hour }},
		{zone: "Mars/Olympus", stamp: func(d int64) int64 { return d }, err: `time zone "Mars/Olympus"`},
		{zone: "UTC+8", stamp: func(d int64) int64 { return d }, err: `time zone "UTC+8"`},
	} {
		t.Run(c.zone, func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("BTC%d.arrow", k))
			typ := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: c.zone}
			writeIPC(t, p, false, ourNames, typ, func(b array.Builder, k int) {
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(c.stamp(wantTime[k]) / 1e6))
			})
			s, err := ReadFile(ctx, p, ReadOptions{Symbol: "BTC"})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), p) {
					t.Fatalf("err = %v, want one naming %s and %s", err, p, c.err)
				}
				return
			}
			checkDailyStamps(t, s, err, wantTime, c.note, "")
		})
	}
}

// timezone is the zone of stamps written without an offset: Unix times
// and stamps with their offset are instants, which it leaves alone (a
// folder set to New York does not date Binance's 00:00 UTC klines a day
// early), and a note says so, naming the zone; stamps it applies to, and
// dates, get no such note.
func TestTimezoneNotAppliedNote(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// 1704153600000 ms is 2024-01-02 00:00 UTC; a day is 86,400,000 ms.
	jan := []int64{wantTime[0], wantTime[1], wantTime[2]}
	for _, c := range []struct {
		name, file, body string
		want             []int64
		note             string // "": no note of the zone
	}{
		{name: "Binance klines in ms", file: "BTCUSDT-1d.csv", body: barsCSV(hdr, "1704153600000", "1704240000000", "1704326400000"),
			want: jan, note: "are Unix times"},
		{name: "Z", file: "ETHZ.csv", body: barsCSV(hdr, "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z"),
			want: jan, note: "with their offset"},
		{name: "+01:00", file: "SOL1.csv", body: barsCSV(hdr, "2024-01-02 00:00:00+01:00", "2024-01-03 00:00:00+01:00", "2024-01-04 00:00:00+01:00"),
			want: jan, note: "with their offset"},
		// New York midnights written without an offset: the zone applies.
		{name: "naive", file: "NVDA.csv", body: barsCSV(hdr, "2024-01-02 00:00:00", "2024-01-03 00:00:00", "2024-01-04 00:00:00"), want: jan},
		{name: "dates", file: "AMD.csv", body: barsCSV(hdr, "2024-01-02", "2024-01-03", "2024-01-04"), want: jan},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.file, c.body)
			s, err := ReadFile(ctx, p, ReadOptions{Timezone: "America/New_York"})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, c.want) {
				t.Errorf("times %v, want %v", fmtTimes(s.Time), fmtTimes(c.want))
			}
			got := strings.Join(s.Notes, "\n")
			if has := strings.Contains(got, "timezone America/New_York not applied"); has != (c.note != "") || !strings.Contains(got, c.note) {
				t.Errorf("notes %q, want one of the zone not applied: %v (naming %q)", s.Notes, c.note != "", c.note)
			}
		})
	}
}

// Daily bars written without a zone keep the date written, at any time
// of day: a naive 16:00 may be a local close. A token's have no close,
// and at one time past 12:00 they are most likely UTC times of the
// midnights of a zone east of UTC (Binance timeZone=8 or OKX 1D open
// times read by pandas without utc=True: 16:00 is +08:00's 00:00), each
// the bar of the next day: a note says so, with what to write instead. An
// equity's, a zone given, or midnights get none.
func TestNaiveDailyPastNoonNote(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := memDB(t)
	// 2024-01-01 to 2024-01-03 as written, at 00:00 UTC.
	jan := []int64{wantTime[0] - 24*3600e9, wantTime[0], wantTime[1]}
	at := func(clock string) []string {
		return []string{"2024-01-01 " + clock, "2024-01-02 " + clock, "2024-01-03 " + clock}
	}
	naiveParquet := func() string {
		p := filepath.Join(dir, "SOL.parquet")
		var rows []string
		for k, ts := range at("16:00:00") {
			rows = append(rows, fmt.Sprintf("(TIMESTAMP '%s', %s)", ts, ohlc4[k]))
		}
		if _, err := db.Exec(fmt.Sprintf("COPY (SELECT * FROM (VALUES %s) t(date, open, high, low, close, volume)) TO %s (FORMAT parquet)",
			strings.Join(rows, ", "), sqlString(p))); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		path func() string
		opt  ReadOptions
		note bool
	}{
		{name: "a token's at 16:00", path: func() string { return writeFile(t, dir, "BTC.csv", barsCSV(hdr, at("16:00:00")...)) }, note: true},
		{name: "a token's naive Parquet at 16:00", path: naiveParquet, note: true},
		{name: "an equity's at 16:00", path: func() string { return writeFile(t, dir, "NVDA.csv", barsCSV(hdr, at("16:00:00")...)) }, opt: ReadOptions{Class: data.Equity}},
		{name: "a token's at 00:00", path: func() string { return writeFile(t, dir, "ETH.csv", barsCSV(hdr, at("00:00:00")...)) }},
		{name: "a token's at 16:00 in a zone given", path: func() string { return writeFile(t, dir, "XRP.csv", barsCSV(hdr, at("16:00:00")...)) },
			opt: ReadOptions{Timezone: "Asia/Shanghai"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := ReadFile(ctx, c.path(), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Time, jan) {
				t.Errorf("times %v, want %v", fmtTimes(s.Time), fmtTimes(jan))
			}
			got := strings.Join(s.Notes, "\n")
			if has := strings.Contains(got, "without a zone") && strings.Contains(got, "+08:00") && strings.Contains(got, "utc=True"); has != c.note {
				t.Errorf("notes %q, want a note of the zone not written: %v", s.Notes, c.note)
			}
		})
	}
}
