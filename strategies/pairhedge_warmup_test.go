package strategies

import (
	"slices"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// With a start date, the beta, vol and minvar modes fill their windows
// from the warm-up history, so their first hedge ratio equals the one a
// run that saw every bar from the beginning holds at the same moment.
func TestPairHedgeWarmupSeedsWindows(t *testing.T) {
	p := &data.Panel{Series: []data.Series{
		walk("EQA", data.Equity, 400, 1), walk("EQB", data.Equity, 400, 2),
		walk("TKA", data.Crypto, 560, 3), walk("TKB", data.Crypto, 560, 4),
	}}
	start := p.Series[0].Time[300]
	cut := p.Window(0, start+10*data.NanosPerDay)
	for _, mode := range []string{"beta", "vol", "minvar"} {
		params := Params{"long": []string{"EQA", "EQB"}, "short": []string{"TKA", "TKB"}, "hedge": mode, "lookback": int64(60), "rebalance_days": int64(1), "max_ratio": 100.0}
		ratio := func(cfg engine.Config) float64 {
			st, err := NewPairHedge(params)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Cash = 1e6
			if _, err := engine.Run(cut, nil, st, cfg); err != nil {
				t.Fatal(err)
			}
			return st.(Reporter).Report()["hedge_ratio_last"]
		}
		full := ratio(engine.Config{})
		warm := ratio(engine.Config{Start: start})
		if full == 0 || warm != full {
			t.Errorf("%s: hedge ratio after warm-up %g, from the beginning %g", mode, warm, full)
		}
	}
}

// On mixed calendars the legs trade together: with execution = "open" no
// rebalance of the crypto leg fills on a weekend or on an exchange
// holiday (its equity leg would wait for the next session). With "close"
// the tokens fill at the decision's close and the equities at the next
// day's (their close of the decision's day came before the tokens' the
// decision saw), never across a weekend or a holiday. The holidays are
// weekdays the equities have no bar (Wednesday 2000-07-05, Monday
// 2000-09-04, Thursday 2000-11-23, Monday 2000-12-25): a rebalance
// decided the session before one split across it (tokens on the
// holiday, equities a day later), as real-ai-hedge's did over Christmas
// 2024 and New Year 2025; rebalance_days 1 decides at every sync point,
// the session before each holiday included.
func TestPairHedgeLegsTradeTogether(t *testing.T) {
	holidays := []int64{data.Day(2000, 7, 5), data.Day(2000, 9, 4), data.Day(2000, 11, 23), data.Day(2000, 12, 25)}
	for _, tc := range []struct {
		name string
		days int64
		off  []int64
	}{{"weekends", 2, nil}, {"holidays", 1, holidays}} {
		p := &data.Panel{Series: []data.Series{
			without(walk("EQA", data.Equity, 500, 1), tc.off), without(walk("EQB", data.Equity, 500, 2), tc.off),
			walk("TKA", data.Crypto, 700, 3), walk("TKB", data.Crypto, 700, 4),
		}}
		for _, exec := range []string{"open", "close"} {
			t.Run(tc.name+"/"+exec, func(t *testing.T) { legsTogether(t, p, exec, tc.days, tc.off) })
		}
	}
}

// without is s less its bars at the times off.
func without(s data.Series, off []int64) data.Series {
	out := data.Series{Instrument: s.Instrument, Interval: s.Interval}
	for k, ts := range s.Time {
		if slices.Contains(off, ts) {
			continue
		}
		out.Time = append(out.Time, ts)
		out.Open, out.High, out.Low, out.Close = append(out.Open, s.Open[k]), append(out.High, s.High[k]), append(out.Low, s.Low[k]), append(out.Close, s.Close[k])
		out.Volume = append(out.Volume, s.Volume[k])
	}
	out.AdjClose = out.Close
	return out
}

// legsTogether runs TestPairHedgeLegsTradeTogether's hedge on p and
// checks its fills: no token fill on a weekend or on one of the
// holidays, and the legs of each rebalance on the same day (execution
// "open") or the equities the day after the tokens (execution "close").
func legsTogether(t *testing.T, p *data.Panel, exec string, days int64, holidays []int64) {
	st, err := NewPairHedge(Params{"long": []string{"EQA", "EQB"}, "short": []string{"TKA", "TKB"}, "rebalance_days": days, "execution": exec})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[int64][2]int{}
	for _, f := range res.Fills {
		wd := (f.Time/data.NanosPerDay + 4) % 7 // 0 = Sunday
		c := byDay[f.Time]
		if f.Symbol[0] == 'E' {
			c[0]++
		} else {
			c[1]++
			if wd == 0 || wd == 6 || slices.Contains(holidays, f.Time) {
				t.Fatalf("%s: %s filled on a weekend or a holiday (%s)", exec, f.Symbol, data.FormatDay(f.Time))
			}
		}
		byDay[f.Time] = c
		if exec == "close" && f.Kind != engine.MarketOnClose {
			t.Fatalf("close execution filled a %s order", f.Kind)
		}
	}
	if len(byDay) < 10 {
		t.Fatalf("%s: only %d fill days", exec, len(byDay))
	}
	for day, c := range byDay {
		next, prev := byDay[day+data.NanosPerDay], byDay[day-data.NanosPerDay]
		switch {
		case exec == "open" && (c[0] == 0 || c[1] == 0):
			t.Errorf("%s: on %s only one leg traded (%d equity, %d crypto fills)", exec, data.FormatDay(day), c[0], c[1])
		case exec == "close" && c[1] > 0 && (next[0] == 0 || days > 1 && (c[0] > 0 || next[1] > 0)):
			// (Rebalancing every day, the next day's tokens and this
			// day's equities are the next and the previous rebalance's.)
			t.Errorf("%s: tokens filled on %s beside %d equity fills, then %d equity and %d crypto fills the next day; want the equities' the next day only", exec, data.FormatDay(day), c[0], next[0], next[1])
		case exec == "close" && c[0] > 0 && prev[1] == 0:
			t.Errorf("%s: equities filled on %s without the tokens' the day before", exec, data.FormatDay(day))
		}
	}
}

// No entry is decided the session before an exchange holiday: the token
// leg would fill on the holiday and the equity leg a session later (and
// a stop-loss on the holiday, the token up 60%, had to cancel the
// equity's pending entry). The equity trades Wednesday 01-03, Friday
// 01-05 (Thursday 01-04 is a holiday), Monday 01-08 and Tuesday 01-09;
// the token every day, 50 to Thursday's open, 80 from its close. On
// Wednesday the equity's next bar is Friday, the token's Thursday; on
// Friday Monday and Saturday: no decision. On Monday both next bars are
// Tuesday: entry, filled at Tuesday's opens, 0.5 × 1e6 each: EQ 5,000 at
// 100, TK −6,250 at 80.
func TestPairHedgeEntryWaitsOutAHoliday(t *testing.T) {
	day := func(d string) int64 { ts, _ := data.ParseDay(d); return ts }
	eq := data.Series{Instrument: data.Instrument{Symbol: "EQ", Class: data.Equity}}
	tok := data.Series{Instrument: data.Instrument{Symbol: "TK", Class: data.Crypto}}
	add := func(s *data.Series, d string, o, c float64) {
		s.Time = append(s.Time, day(d))
		s.Open, s.Close, s.AdjClose = append(s.Open, o), append(s.Close, c), append(s.AdjClose, c)
		s.High, s.Low = append(s.High, max(o, c)), append(s.Low, min(o, c))
		s.Volume = append(s.Volume, 1e6)
	}
	for _, d := range []string{"2024-01-03", "2024-01-05", "2024-01-08", "2024-01-09"} {
		add(&eq, d, 100, 100)
	}
	for _, d := range []string{"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"} {
		o, c := 50.0, 50.0
		switch {
		case d == "2024-01-04":
			c = 80 // the token the hedge is short jumps 60% during Thursday
		case d > "2024-01-04":
			o, c = 80, 80
		}
		add(&tok, d, o, c)
	}
	p := &data.Panel{Series: []data.Series{eq, tok}}
	_, res := run(t, p, "pair-hedge", Params{"long": []string{"EQ"}, "short": []string{"TK"}, "stop_loss": 0.05, "cooldown_days": int64(30), "rebalance_days": int64(30)}, 1e6)
	checkFills(t, res.Fills, []wantFill{
		{8, "TK", -6250, 80, "rebalance short"}, // sales first
		{8, "EQ", 5000, 100, "rebalance long"},
	})
}

// When one instrument's data ends, the others keep rebalancing.
func TestSyncPointsOutliveAnEndedInstrument(t *testing.T) {
	a, b := walk("TKA", data.Crypto, 400, 1), walk("TKB", data.Crypto, 200, 2)
	p := &data.Panel{Series: []data.Series{a, b}}
	st, err := NewWeights(Params{"weights": map[string]any{"TKA": 0.5, "TKB": 0.5}, "rebalance_days": int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	end := b.Time[b.Len()-1]
	later := 0
	for _, f := range res.Fills {
		if f.Symbol == "TKA" && f.Time > end+14*data.NanosPerDay {
			later++
		}
	}
	if later < 5 {
		t.Errorf("%d rebalances of TKA after TKB's data ended", later)
	}
}

// Legs that never trade at the same time: once the long leg's data has
// ended, the hedge never trades the short leg alone.
func TestPairHedgeNeverTradesOneLegAlone(t *testing.T) {
	a := walk("OLD", data.Crypto, 100, 1) // ends on day 100
	b := walk("NEW", data.Crypto, 400, 2)
	b.Time = b.Time[:0]
	for k := 0; k < 400; k++ { // starts on day 200
		b.Time = append(b.Time, a.Time[0]+int64(200+k)*data.NanosPerDay)
	}
	st, err := NewPairHedge(Params{"long": []string{"OLD"}, "short": []string{"NEW"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(&data.Panel{Series: []data.Series{a, b}}, nil, st, engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 0 {
		t.Errorf("%d fills, the first %s %+g: the legs never trade together", len(res.Fills), res.Fills[0].Symbol, res.Fills[0].Qty)
	}
}
