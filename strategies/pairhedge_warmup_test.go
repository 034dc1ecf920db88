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
	cut := p.Window(0, start+10*nsPerDay)
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
// wait for Monday); with "close" both legs fill at the same closes.
func TestPairHedgeLegsTradeTogether(t *testing.T) {
	p := &data.Panel{Series: []data.Series{
		walk("EQA", data.Equity, 500, 1), walk("EQB", data.Equity, 500, 2),
		walk("TKA", data.Crypto, 700, 3), walk("TKB", data.Crypto, 700, 4),
	}}
	for _, exec := range []string{"open", "close"} {
		st, err := NewPairHedge(Params{"long": []string{"EQA", "EQB"}, "short": []string{"TKA", "TKB"}, "rebalance_days": int64(3), "execution": exec})
		if err != nil {
			t.Fatal(err)
		}
		res, err := engine.Run(p, nil, st, engine.Config{Cash: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		byDay := map[int64][2]int{}
		for _, f := range res.Fills {
			wd := (f.Time/nsPerDay + 4) % 7 // 0 = Sunday
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
			if c[0] == 0 || c[1] == 0 {
				t.Errorf("%s: on %s only one leg traded (%d equity, %d crypto fills)", exec, data.FormatDay(day), c[0], c[1])
			}
		}
	}
}
