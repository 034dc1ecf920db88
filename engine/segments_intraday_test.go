package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A file of 60 hourly bars, then five-minute ones (median 5m), beside a
// five-minute series: its hourly bars last an hour (data.Series.Segments),
// not the median's five minutes. A market order decided at the 01:00
// step, which has seen BB's 01:00 bar whole (its close is the 02:00
// price), fills at AA's 02:00 open, not at 01:05: replayed as a 5-minute
// bar, BB's hourly bar let an order fill 55 minutes before the close it
// had seen. AA's bars open at 100 + k (k the 5-minute step from 00:00).
func TestHourlyStretchInAFiveMinuteFile(t *testing.T) {
	d0 := data.Day(2025, 10, 1)
	m5 := int64(5 * 60e9)
	mk := func(sym string, times []int64) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Crypto, Source: "test"}}
		for _, ts := range times {
			px := 100 + float64((ts-d0)/m5)
			s.Time = append(s.Time, ts)
			s.Open, s.High, s.Low, s.Close, s.Volume = append(s.Open, px), append(s.High, px), append(s.Low, px), append(s.Close, px), append(s.Volume, 1e6)
		}
		s.AdjClose = s.Close
		s.SetInterval()
		return s
	}
	var aa, bb []int64
	const n = 60*12 + 200 // AA: every 5 minutes for 60 hours and 200 bars more
	for k := int64(0); k < n; k++ {
		aa = append(aa, d0+k*m5)
	}
	for h := int64(0); h < 60; h++ { // BB: hourly for 60 hours, then 5-minute bars
		bb = append(bb, d0+h*12*m5)
	}
	for k := int64(60 * 12); k < n; k++ {
		bb = append(bb, d0+k*m5)
	}
	p := panel(mk("AA", aa), mk("BB", bb))
	if iv := p.Series[1].BarInterval(); iv != data.Minutes5 {
		t.Fatalf("BB's interval %s, want the median 5m (the test's premise)", iv)
	}
	res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
		if s.Time == d0+12*m5 { // 01:00
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 1})
			return err
		}
		return nil
	})
	if len(res.Fills) != 1 || res.Fills[0].Time != d0+24*m5 || res.Fills[0].Price != 124 {
		t.Fatalf("fills %+v, want 1 at 02:00 at 124", res.Fills)
	}
}
