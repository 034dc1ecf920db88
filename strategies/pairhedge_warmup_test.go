package strategies

import (
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
// rebalance of the crypto leg fills on a weekend (its equity leg would
// wait for Monday). With "close" the tokens fill at the decision's close
// and the equities at the next day's (their close of the decision's day
// came before the tokens' the decision saw), never across a weekend.
func TestPairHedgeLegsTradeTogether(t *testing.T) {
	p := &data.Panel{Series: []data.Series{
		walk("EQA", data.Equity, 500, 1), walk("EQB", data.Equity, 500, 2),
		walk("TKA", data.Crypto, 700, 3), walk("TKB", data.Crypto, 700, 4),
	}}
	for _, exec := range []string{"open", "close"} {
		st, err := NewPairHedge(Params{"long": []string{"EQA", "EQB"}, "short": []string{"TKA", "TKB"}, "rebalance_days": int64(2), "execution": exec})
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
				if wd == 0 || wd == 6 {
					t.Fatalf("%s: %s filled on a weekend (%s)", exec, f.Symbol, data.FormatDay(f.Time))
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
			case exec == "close" && c[1] > 0 && (c[0] > 0 || next[0] == 0 || next[1] > 0):
				t.Errorf("%s: tokens filled on %s beside %d equity fills, then %d equity and %d crypto fills the next day; want the equities' the next day only", exec, data.FormatDay(day), c[0], next[0], next[1])
			case exec == "close" && c[0] > 0 && prev[1] == 0:
				t.Errorf("%s: equities filled on %s without the tokens' the day before", exec, data.FormatDay(day))
			}
		}
	}
}

// A stop-loss while an entry order is still pending cancels it: the equity
// leg's entry, waiting for the session after a holiday, must not fill
// after the hedge has been stopped out.
func TestPairHedgeStopCancelsPendingEntry(t *testing.T) {
	day := func(d string) int64 { ts, _ := data.ParseDay(d); return ts }
	// Equity: Mon 2024-01-01 … Wed 01-03, no bar Thu 01-04 (holiday), Fri 01-05 on.
	eq := data.Series{Instrument: data.Instrument{Symbol: "EQ", Class: data.Equity}}
	tok := data.Series{Instrument: data.Instrument{Symbol: "TK", Class: data.Crypto}}
	add := func(s *data.Series, d string, o, c float64) {
		s.Time = append(s.Time, day(d))
		s.Open, s.Close, s.AdjClose = append(s.Open, o), append(s.Close, c), append(s.AdjClose, c)
		s.High, s.Low = append(s.High, max(o, c)), append(s.Low, min(o, c))
		s.Volume = append(s.Volume, 1e6)
	}
	// The equity starts trading on Wednesday 01-03, so the hedge is decided
	// at Wednesday's close: the token leg fills Thursday's open, the equity
	// leg waits for Friday (Thursday is a holiday).
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
	st, err := NewPairHedge(Params{"long": []string{"EQ"}, "short": []string{"TK"}, "stop_loss": 0.05, "cooldown_days": int64(30), "rebalance_days": int64(30)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	for _, f := range res.Fills {
		if f.Tag == "stop loss" {
			stopped = true
		}
		if f.Symbol == "EQ" && f.Qty > 0 {
			t.Errorf("the equity entry filled on %s after the stop-loss", data.FormatDay(f.Time))
		}
	}
	if !stopped {
		t.Fatal("no stop-loss: the test proves nothing")
	}
	if q := res.Portfolio.Qty[0]; q != 0 {
		t.Errorf("equity position %g after the stop, want flat", q)
	}
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
