package strategies

// Regression tests from an adversarial review of the strategies: ended
// instruments neither churn a hedge nor switch a drift band off, and the
// last exit of a scaled entry sells out whatever the lot size.

import (
	"math"
	"reflect"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

func logF(t *testing.T, res *engine.Result) {
	for _, f := range res.Fills {
		t.Logf("  %s %s %+.4f @ %.4f %q", data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Tag)
	}
}

func path(n int, f func(k int) float64) []float64 {
	o := make([]float64, n)
	for k := range o {
		o[k] = f(k)
	}
	return o
}

// S1: weights + an instrument whose data ended: its target order never
// fills, Pending() stays > 0, the drift band is switched off for good.
func TestAdvWeightsGoneDisablesDrift(t *testing.T) {
	pa := path(20, func(k int) float64 {
		switch {
		case k < 10:
			return 100
		case k < 12:
			return 150
		}
		return 300
	})
	a := bars("A", pa, pa)
	b := flat("B", 3, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights",
		Params{"weights": map[string]any{"A": 0.5, "B": 0.5}, "drift_band": 0.05}, 10000)
	logF(t, res)
	rep := st.(Reporter).Report()
	t.Logf("report %v", rep)
	if rep["drift_rebalances"] != 2 {
		t.Errorf("drift_rebalances = %g, want 2 (day 10 and day 12)", rep["drift_rebalances"])
	}
}

// S2: pair-hedge + a long-leg instrument whose data ended: its weight can
// never be brought back to target, so the drift band fires at every sync
// point from then on.
func TestAdvPairHedgeGoneChurn(t *testing.T) {
	n := 40
	pa := path(n, func(k int) float64 {
		if k < 10 {
			return 100
		}
		return 300 * (1 + 0.005*float64(k%2))
	})
	pc := path(n, func(k int) float64 { return 100 * (1 + 0.005*float64(k%2)) })
	p := &data.Panel{Series: []data.Series{bars("A", pa, pa), flat("B", 3, 100), bars("C", pc, pc)}}
	strat, err := Builtins().New("pair-hedge", Params{"long": []string{"A", "B"}, "short": []string{"C"},
		"drift_band": 0.05, "rebalance_days": int64(0)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, strat, engine.Config{Cash: 10000, Commission: 10})
	if err != nil {
		t.Fatal(err)
	}
	rep := strat.(Reporter).Report()
	t.Logf("report %v, fills %d, commission %.2f", rep, len(res.Fills), res.Portfolio.Commission)
	if rep["drift_rebalances"] > 3 {
		t.Errorf("drift_rebalances = %g over %d days: the ended instrument's frozen drift re-triggers every day", rep["drift_rebalances"], n-10)
	}
}

// S5: determinism: the same run twice, all models on.
func TestAdvDeterminism(t *testing.T) {
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
	_ = math.Abs
}

// S6: scaled-entry with a lot size: the last exit is truncated and leaves
// a residual share, so the cycle never sells out.
func TestAdvScaledEntryLotResidual(t *testing.T) {
	px := []float64{100, 100, 111, 121, 131, 131, 131}
	x := bars("X", px, px)
	x.LotSize = 1
	st, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry",
		Params{"symbol": "X", "mode": "schedule", "tranches": int64(1)}, 10000)
	logF(t, res)
	t.Logf("report %v final qty %g", st.(Reporter).Report(), res.Portfolio.Qty[0])
	// The last exit sells the remainder (34), leaving the instrument flat
	// until the next cycle's first tranche.
	pos, flat := 0.0, false
	for _, f := range res.Fills {
		pos += f.Qty
		if f.Tag == "exit 3" {
			flat = pos == 0
		}
	}
	if !flat {
		t.Errorf("after exit 3 the position is not flat")
	}
}
