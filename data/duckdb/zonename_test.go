//go:build duckdb_arrow

package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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
