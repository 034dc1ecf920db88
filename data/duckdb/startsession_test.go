package duckdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A read's start at the session open keeps the bar that holds the
// session's first minutes though it is stamped before the start: an
// equity's regular-hours hourly bars on the 00:00 UTC grid, 14:00Z …
// 20:00Z on 2 and 3 January 2024 (09:00 … 15:00 New York, the 09:00 bar
// holding 09:30–10:00), read from 09:30 New York (14:30Z) into 1d bars.
// The read kept bars stamped from 14:30Z, so the 2 January session began
// at 10:00: open 102.15, volume 6. Bar h of day d: price 100 + d + h/100,
// volume 1; by hand each session opens at 100 + d + 0.14 and closes at
// 100 + d + 0.20, volume 7 (14:00Z … 20:00Z). A start inside the session
// (14:31Z) still cuts 2 January.
func TestReadSourceStartAtSessionOpenGridBars(t *testing.T) {
	ctx := context.Background()
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	for d := 2; d <= 3; d++ {
		for h := 14; h <= 20; h++ {
			px := 100 + float64(d) + float64(h)/100
			fmt.Fprintf(&body, "2024-01-%02dT%02d:00:00Z,NVDA,%v,%v,%v,%v,1\n", d, h, px, px, px, px)
		}
	}
	src := Source{Table: writeFile(t, t.TempDir(), "t.csv", body.String())}
	for _, tc := range []struct {
		start       int64
		times       []int64
		open, close []float64
		vol         []float64
	}{
		{utc(2024, 1, 2, 14, 30), []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3)}, []float64{102.14, 103.14}, []float64{102.2, 103.2}, []float64{7, 7}},
		{utc(2024, 1, 2, 14, 0), []int64{data.Day(2024, 1, 2), data.Day(2024, 1, 3)}, []float64{102.14, 103.14}, []float64{102.2, 103.2}, []float64{7, 7}},
		{utc(2024, 1, 2, 14, 31), []int64{data.Day(2024, 1, 3)}, []float64{103.14}, []float64{103.2}, []float64{7}},
	} {
		p, err := ReadSource(ctx, src, Request{Symbols: []string{"NVDA"}, Classes: []data.Class{data.Equity}, Start: tc.start, Bar: data.Daily})
		if err != nil {
			t.Fatalf("from %s: %v", data.FormatTime(tc.start), err)
		}
		if s := p.Series[0]; !slices.Equal(s.Time, tc.times) || !slices.Equal(s.Open, tc.open) || !slices.Equal(s.Close, tc.close) || !slices.Equal(s.Volume, tc.vol) {
			t.Errorf("from %s: times %v open %v close %v volume %v, want %v %v %v %v", data.FormatTime(tc.start),
				fmtTimes(s.Time), s.Open, s.Close, s.Volume, fmtTimes(tc.times), tc.open, tc.close, tc.vol)
		}
	}
}
