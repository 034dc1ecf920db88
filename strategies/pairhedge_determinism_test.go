package strategies

// Pair-hedge runs are deterministic with every cost and margin model on.

import (
	"reflect"
	"testing"

	"github.com/divergence-research/divergence/engine"
)

// determinism: the same run twice, all models on.
func TestPairHedgeDeterministicWithAllModels(t *testing.T) {
	p, long, short := hedgePanel(3)
	tl := engine.NewTimeline(p)
	cfg := engine.Config{Cash: 1e6, Seed: 7,
		Equity:   engine.Terms{Slippage: engine.Slippage{Bps: 3, RangeFrac: 0.05, ImpactK: 0.1, MaxParticipation: 0.01}, Borrow: engine.Borrow{Rate: 0.03}, Margin: engine.Margin{Initial: 0.5, Maintenance: 0.25}},
		Crypto:   engine.Terms{Slippage: engine.Slippage{SpreadBps: 10}, Funding: engine.Funding{Interval: engine.DefaultFundingInterval, Rate: 0.0001}, Margin: engine.Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}},
		CashRate: 0.04, BorrowRate: 0.07}
	var prev *engine.Result
	for r := 0; r < 2; r++ {
		st, err := Builtins().New("pair-hedge", Params{"long": long, "short": short, "hedge": "beta", "lookback": int64(20), "drift_band": 0.05, "gross": 2.0})
		if err != nil {
			t.Fatal(err)
		}
		res, err := engine.Run(p, tl, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && (!reflect.DeepEqual(prev.Fills, res.Fills) || !reflect.DeepEqual(prev.Curve, res.Curve)) {
			t.Errorf("two runs differ")
		}
		prev = res
		t.Logf("fills %d final equity %.2f", len(res.Fills), res.Curve.Equity[len(res.Curve.Equity)-1])
	}
}
