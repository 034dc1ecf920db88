package strategies

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// hourly is a series of hourly bars at times, each opening and closing
// at px(k) (k the bar's index).
func hourly(sym string, class data.Class, times []int64, px func(k int) float64) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}, Interval: data.Hour}
	for k, t := range times {
		p := px(k)
		s.Time = append(s.Time, t)
		s.Open, s.High, s.Low, s.Close, s.AdjClose = append(s.Open, p), append(s.High, p), append(s.Low, p), append(s.Close, p), append(s.AdjClose, p)
		s.Volume = append(s.Volume, 1e9)
	}
	return s
}

// A pair hedge of estimated ratio on hourly equities stamped at :30 (a
// New York session, 14:30Z to 20:30Z in January) beside an hourly token
// at :00 trades: the legs never have a bar at one instant, so no sync
// point was found, the ratio never filled its window and the book was
// never built (found by a probe: hedge = "vol" made no trade in six
// months of real bars). The sync points are the session's :30 steps
// (each leg current: EQ's bar of the step, TK's of 30 minutes before,
// at most one an hour); the first decision with 10 returns is day 2's
// 17:30Z, on the 11 sync points day 1 14:30..20:30, day 2 14:30..17:30:
// the ratio is σ(EQ)/σ(TK) of those returns, EQ's closes at its :30
// bars, TK's at the :00 bar before, computed here.
func TestPairHedgeIntradayTwoCalendars(t *testing.T) {
	d0 := data.Day(2025, 1, 6) // a Monday
	var eqT, tkT []int64
	for d := int64(0); d < 10; d++ {
		day := d0 + d*data.NanosPerDay
		if w := data.Weekday(day); w < 5 {
			for h := int64(0); h < 7; h++ {
				eqT = append(eqT, day+(14*60+30+60*h)*int64(60e9))
			}
		}
		for h := int64(0); h < 24; h++ {
			tkT = append(tkT, day+h*3600e9)
		}
	}
	pe := func(k int) float64 { return 100 * math.Exp(0.03*math.Sin(0.9*float64(k))) }
	pt := func(k int) float64 { return 10 * math.Exp(0.02*math.Cos(1.3*float64(k))) }
	panel := &data.Panel{Series: []data.Series{hourly("EQ", data.Equity, eqT, pe), hourly("TK", data.Crypto, tkT, pt)}}
	st, res := run(t, panel, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"TK"},
		"hedge": "vol", "lookback": int64(10), "rebalance_days": int64(30), "drift_band": 0.0}, 1e6)
	traded := map[string]bool{}
	for _, f := range res.Fills {
		traded[f.Symbol] = true
	}
	if !traded["EQ"] || !traded["TK"] {
		t.Fatalf("fills %v: the book was not built", traded)
	}
	// The 11 sync points: EQ bars 0..6 (day 1) and 7..10 (day 2); TK's
	// bar 30 minutes before each: hour 14+h of day 1 is TK bar 14+h,
	// of day 2 bar 24+14+h.
	var l, s []float64
	tk := []int{14, 15, 16, 17, 18, 19, 20, 38, 39, 40, 41}
	for m := 1; m <= 10; m++ {
		l = append(l, pe(m)/pe(m-1)-1)
		s = append(s, pt(tk[m])/pt(tk[m-1])-1)
	}
	want := stdev(l) / stdev(s)
	got := st.(Reporter).Report()["hedge_ratio_last"]
	if !near(got, want, 1e-9) {
		t.Errorf("hedge ratio %.12g, want σ(EQ)/σ(TK) = %.12g", got, want)
	}
}

// With the run starting on Thursday 2025-01-09, the bars before it seed
// the window (seedCurrent): the sync points of Monday to Wednesday are
// the sessions' :30 steps, the last 11 of them Tuesday 17:30Z to
// Wednesday 20:30Z; the first decision, at Thursday's 14:30Z sync point,
// records one more, so its 10 returns run over Tuesday 18:30Z (EQ bar 11,
// TK bar 24 + 18) to Thursday 14:30Z (EQ bar 21, TK bar 72 + 14).
func TestPairHedgeIntradayTwoCalendarsSeeded(t *testing.T) {
	d0 := data.Day(2025, 1, 6)
	var eqT, tkT []int64
	for d := int64(0); d < 10; d++ {
		day := d0 + d*data.NanosPerDay
		if data.Weekday(day) < 5 {
			for h := int64(0); h < 7; h++ {
				eqT = append(eqT, day+(14*60+30+60*h)*int64(60e9))
			}
		}
		for h := int64(0); h < 24; h++ {
			tkT = append(tkT, day+h*3600e9)
		}
	}
	pe := func(k int) float64 { return 100 * math.Exp(0.03*math.Sin(0.9*float64(k))) }
	pt := func(k int) float64 { return 10 * math.Exp(0.02*math.Cos(1.3*float64(k))) }
	panel := &data.Panel{Series: []data.Series{hourly("EQ", data.Equity, eqT, pe), hourly("TK", data.Crypto, tkT, pt)}}
	st, err := Builtins().New("pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"TK"},
		"hedge": "vol", "lookback": int64(10), "rebalance_days": int64(30), "drift_band": 0.0})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(panel, nil, st, engine.Config{Cash: 1e6, Start: d0 + 3*data.NanosPerDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) == 0 || res.Fills[0].Time >= d0+4*data.NanosPerDay {
		t.Fatalf("fills %v: want the book built on Thursday", res.Fills)
	}
	eq := []int{11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}
	tk := []int{42, 43, 44, 62, 63, 64, 65, 66, 67, 68, 86}
	var l, s []float64
	for m := 1; m < len(eq); m++ {
		l = append(l, pe(eq[m])/pe(eq[m-1])-1)
		s = append(s, pt(tk[m])/pt(tk[m-1])-1)
	}
	want := stdev(l) / stdev(s)
	if got := st.(Reporter).Report()["hedge_ratio_last"]; !near(got, want, 1e-9) {
		t.Errorf("hedge ratio %.12g, want σ(EQ)/σ(TK) = %.12g", got, want)
	}
}

// stdev is the sample standard deviation.
func stdev(v []float64) float64 {
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(v)-1))
}
