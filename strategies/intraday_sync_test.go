package strategies

import (
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// hourBars makes flat bars (open = close = px) at the given instants.
func hourBars(sym string, class data.Class, px float64, times []time.Time) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
	for _, tm := range times {
		s.Time = append(s.Time, tm.UnixNano())
		s.Open = append(s.Open, px)
		s.Close = append(s.Close, px)
		s.High = append(s.High, px)
		s.Low = append(s.Low, px)
		s.Volume = append(s.Volume, 1)
	}
	s.AdjClose = s.Close
	s.SetInterval()
	return s
}

// everyHour returns the instants from t0 (included) to t1 (excluded), an
// hour apart.
func everyHour(t0, t1 time.Time) []time.Time {
	var out []time.Time
	for tm := t0; tm.Before(t1); tm = tm.Add(time.Hour) {
		out = append(out, tm)
	}
	return out
}

// sessions returns Yahoo-style hourly equity stamps (14:30Z … 20:30Z, New
// York winter time) on the given January 2025 dates.
func sessions(days ...int) []time.Time {
	var out []time.Time
	for _, d := range days {
		out = append(out, everyHour(time.Date(2025, 1, d, 14, 30, 0, 0, time.UTC), time.Date(2025, 1, d, 21, 0, 0, 0, time.UTC))...)
	}
	return out
}

func fillList(p *data.Panel, fills []engine.Fill) string {
	var out []string
	for _, f := range fills {
		out = append(out, p.Series[f.Instrument].Symbol+"@"+data.FormatTime(f.Time))
	}
	return strings.Join(out, " ")
}

// The intraday sync rule, strategy by strategy: a book on two calendars
// is not entered at a session's last bar (its token would fill an hour
// later, its equity the next morning), but the next morning; a book on
// one calendar is, since every leg fills at the next session's open.
func TestIntradaySyncSessionEnd(t *testing.T) {
	// Data from Friday 2025-01-10's last bar (20:30Z) to Monday 13th.
	eqT := sessions(10, 13)[6:]
	crT := everyHour(time.Date(2025, 1, 10, 20, 0, 0, 0, time.UTC), time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC))
	mixed := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, eqT), hourBars("CR", data.Crypto, 10, crT)}}
	oneCal := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, eqT), hourBars("EQ2", data.Equity, 50, eqT)}}
	cases := []struct {
		name   string
		p      *data.Panel
		typ    string
		params Params
		want   string
	}{
		// Monday 14:30Z is the first instant where both legs are current
		// and their next bars (CR 15:00Z, EQ 15:30Z) open within the hour.
		// The decision has seen EQ's 14:30Z bar, which closes at 15:30Z:
		// EQ fills at its 15:30Z open, CR at its first open from then,
		// 16:00Z (not 15:00Z, before that close).
		{"pair-hedge, two calendars", mixed, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"CR"}, "rebalance_days": 30},
			"EQ@2025-01-13T15:30:00Z CR@2025-01-13T16:00:00Z"},
		{"buy-and-hold, two calendars", mixed, "buy-and-hold", Params{"symbols": []string{"EQ", "CR"}},
			"EQ@2025-01-13T15:30:00Z CR@2025-01-13T16:00:00Z"},
		// One calendar: decided at Friday's last bar, both filled at
		// Monday's first open.
		{"pair-hedge, one calendar", oneCal, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"EQ2"}, "rebalance_days": 30},
			"EQ2@2025-01-13T14:30:00Z EQ@2025-01-13T14:30:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, res := run(t, tc.p, tc.typ, tc.params, 1e6)
			if got := fillList(tc.p, res.Fills); got != tc.want {
				t.Errorf("fills %s\nwant  %s", got, tc.want)
			}
		})
	}
}

// Market-on-close decisions need every leg to have a bar at the instant
// (they fill at its closes): with stamps at :00 and :30 that never
// happens, and nothing trades; on one grid they fill together.
func TestIntradaySyncMarketOnClose(t *testing.T) {
	crT := everyHour(time.Date(2025, 1, 13, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 14, 0, 0, 0, 0, time.UTC))
	off := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, sessions(13)), hourBars("CR", data.Crypto, 10, crT)}}
	onGrid := everyHour(time.Date(2025, 1, 13, 14, 0, 0, 0, time.UTC), time.Date(2025, 1, 13, 21, 0, 0, 0, time.UTC))
	on := &data.Panel{Series: []data.Series{hourBars("EQ", data.Equity, 100, onGrid), hourBars("CR", data.Crypto, 10, crT)}}
	params := Params{"long": []string{"EQ"}, "short": []string{"CR"}, "rebalance_days": 30, "execution": "close"}
	if _, res := run(t, off, "pair-hedge", params, 1e6); len(res.Fills) != 0 {
		t.Errorf("off-grid stamps filled %s", fillList(off, res.Fills))
	}
	_, res := run(t, on, "pair-hedge", params, 1e6)
	if got := fillList(on, res.Fills); got != "CR@2025-01-13T14:00:00Z EQ@2025-01-13T14:00:00Z" {
		t.Errorf("on-grid fills %s", got)
	}
}

// The "gone" rule on hourly bars: an instrument whose data stops holds
// the book's decisions for 7 calendar days (it might be a weekend or a
// halt), then no longer, and the rest of the book rebalances again.
func TestIntradayGoneAfterSevenDays(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	all := everyHour(t0, t0.Add(12*24*time.Hour))
	a := hourBars("A", data.Crypto, 10, all)
	// B drifts up 1% a bar so that the drift band keeps asking for rebalances.
	b := hourBars("B", data.Crypto, 10, all)
	for k := range b.Close {
		b.Open[k] = 10 * (1 + 0.01*float64(k))
		b.Close[k], b.High[k], b.Low[k] = b.Open[k], b.Open[k], b.Open[k]
	}
	c := hourBars("C", data.Crypto, 10, all[:24]) // stops after the first day
	p := &data.Panel{Series: []data.Series{a, b, c}}
	_, res := run(t, p, "pair-hedge", Params{"long": []string{"A"}, "short": []string{"B", "C"}, "rebalance_days": 0, "drift_band": 0.01}, 1e6)
	stop := t0.Add(24 * time.Hour).UnixNano() // C's last bar was 23:00Z on day 0
	gone := t0.Add(23*time.Hour + 7*24*time.Hour).UnixNano()
	var during, after int
	for _, f := range res.Fills {
		switch {
		case f.Time > stop && f.Time <= gone:
			during++
		case f.Time > gone:
			after++
		}
	}
	if during != 0 || after == 0 {
		t.Errorf("%d fills while C was stale (want 0), %d after it was gone (want > 0)", during, after)
	}
}
