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
