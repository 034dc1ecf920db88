package strategies

// Instruments whose data end mid-run: orders for them are cancelled, so an
// ended instrument neither churns a hedge nor switches a drift band off.

import (
	"math"
	"slices"
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

// Weights with an instrument whose data ended (B, after day 2): its
// target order, which can never fill, does not switch the drift band off;
// A's jumps trigger it on days 10 and 12.
func TestWeightsDriftBandOutlivesEndedInstrument(t *testing.T) {
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

// A drift rebalance on B's very last bar (B is not yet gone when it is
// submitted, and its order never fills) does not switch the drift band
// off: it fires again on day 20.
func TestWeightsDriftOrderOnLastBarOfInstrument(t *testing.T) {
	pa := path(30, func(k int) float64 {
		switch {
		case k < 10:
			return 100
		case k < 20:
			return 150
		}
		return 300
	})
	a := bars("A", pa, pa)
	b := flat("B", 11, 100) // last bar day 10: the day A's jump triggers the drift
	st, res := run(t, &data.Panel{Series: []data.Series{a, b}}, "weights",
		Params{"weights": map[string]any{"A": 0.5, "B": 0.5}, "drift_band": 0.05}, 10000)
	logF(t, res)
	rep := st.(Reporter).Report()
	t.Logf("report %v", rep)
	if rep["drift_rebalances"] != 2 {
		t.Errorf("drift_rebalances = %g, want 2 (day 10 and day 20)", rep["drift_rebalances"])
	}
}

// Pair-hedge with a long-leg instrument whose data ended: its weight can
// never be brought back to target, and its frozen drift does not make the
// band fire at every sync point from then on.
func TestPairHedgeEndedLongLegDoesNotChurn(t *testing.T) {
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

// After a stop-loss flatten, the zero target for an ended instrument
// (which can never fill) does not switch the drift band off: when A
// doubles after the re-entry, a drift rebalance fires.
func TestPairHedgeDriftAfterStopWithEndedLeg(t *testing.T) {
	n := 40
	pa := path(n, func(k int) float64 {
		switch {
		case k < 12:
			return 100
		case k < 25:
			return 70
		}
		return 140
	})
	pc := path(n, func(k int) float64 { return 100 })
	p := &data.Panel{Series: []data.Series{bars("A", pa, pa), flat("B", 3, 100), bars("C", pc, pc)}}
	strat, err := Builtins().New("pair-hedge", Params{"long": []string{"A", "B"}, "short": []string{"C"},
		"drift_band": 0.05, "rebalance_days": int64(0), "stop_loss": 0.05, "cooldown_days": int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, strat, engine.Config{Cash: 10000})
	if err != nil {
		t.Fatal(err)
	}
	logF(t, res)
	rep := strat.(Reporter).Report()
	t.Logf("report %v", rep)
	if rep["drift_rebalances"] < 1 {
		t.Errorf("A doubled after re-entry but no drift rebalance fired")
	}
}

// A pair hedge's hedge ratio goes on from the legs' other instruments
// once one's data end: long L against short S1 and S2, S2 ending on day
// 40, vol mode (h = σ(long leg) / σ(short leg) over the last 20 recorded
// sync-point returns). The ratio froze at its value of day 40, as every
// sync point waited for S2. The returns recorded, built here from the
// paths: days 1–40, the short leg's the mean of S1's and S2's; none
// from day 41 to 48, while S2 is waited for (stale up to a week) and
// then found gone (day 48's return would span the wait); from day 49,
// S1's alone. The last rebalance (the day before its fills, next-open)
// is checked against them, in a run of 62 days (its window mixes both)
// and of 120 (S1 alone).
func TestPairHedgeRatioOutlivesEndedInstrument(t *testing.T) {
	const end = 40
	for _, n := range []int{62, 120} {
		pl := path(n, func(k int) float64 { return 100 * math.Exp(0.01*math.Sin(float64(k)*0.9)+0.0002*float64(k)) })
		p1 := path(n, func(k int) float64 { return 50 * math.Exp(0.02*math.Cos(float64(k)*1.3)) })
		p2 := path(end+1, func(k int) float64 { return 20 * math.Exp(0.08*math.Sin(float64(k)*0.5)) })
		panel := &data.Panel{Series: []data.Series{bars("L", pl, pl), bars("S1", p1, p1), bars("S2", p2, p2)}}
		st, res := run(t, panel, "pair-hedge", Params{"long": []string{"L"}, "short": []string{"S1", "S2"},
			"hedge": "vol", "lookback": int64(20), "rebalance_days": int64(10)}, 1e6)
		last := int64(0)
		for _, f := range res.Fills {
			if f.Symbol == "S1" {
				last = max(last, f.Time)
			}
		}
		d := int((last-day0)/data.NanosPerDay) - 1 // the decision's day
		if d <= end+8 {
			t.Fatalf("%d days: last rebalance decided on day %d, want one after S2 is gone (day %d)", n, d, end+8)
		}
		var rl, rs []float64 // the returns recorded up to day d
		for k := 1; k <= d; k++ {
			r := func(v []float64) float64 { return v[k]/v[k-1] - 1 }
			switch {
			case k <= end:
				rl, rs = append(rl, r(pl)), append(rs, (r(p1)+r(p2))/2)
			case k > end+8:
				rl, rs = append(rl, r(pl)), append(rs, r(p1))
			}
		}
		want := sampleSD(rl[len(rl)-20:]) / sampleSD(rs[len(rs)-20:])
		got := st.(Reporter).Report()["hedge_ratio_last"]
		if !near(got, want, 1e-9) || want <= 0.25 {
			t.Errorf("%d days: hedge ratio at day %d: %.12g, want %.12g (within the ratio's bounds, above 0.25)", n, d, got, want)
		}
	}
}

// A one-instrument leg whose data have a hole of more than a week (a
// Tokyo stock over Golden Week; a halt) comes back into the estimate
// after it: the ratio at the last rebalance is σ(L)/σ(S) of the last 20
// returns both recorded, all after the hole. Before, the instrument's
// previous close stayed 0 from the hole on (no sync point could be
// recorded without it, so none marked it again): the ratio froze at its
// value before the hole for the rest of the run.
func TestPairHedgeRatioAfterAHole(t *testing.T) {
	const n, holeFrom, holeTo = 100, 30, 40 // S has no bars on days 30–39
	pl := path(n, func(k int) float64 { return 100 * math.Exp(0.01*math.Sin(float64(k)*0.9)+0.0002*float64(k)) })
	ps := path(n, func(k int) float64 {
		return 50 * math.Exp(0.02*math.Cos(float64(k)*1.3)+0.03*math.Sin(float64(k)*0.21))
	})
	s := bars("S", ps, ps)
	cut := func(v []float64) []float64 { return append(slices.Clone(v[:holeFrom]), v[holeTo:]...) }
	times := append(slices.Clone(s.Time[:holeFrom]), s.Time[holeTo:]...)
	s.Time, s.Open, s.High, s.Low, s.Close, s.Volume = times, cut(s.Open), cut(s.High), cut(s.Low), cut(s.Close), cut(s.Volume)
	s.AdjClose = s.Close
	panel := &data.Panel{Series: []data.Series{bars("L", pl, pl), s}}
	st, res := run(t, panel, "pair-hedge", Params{"long": []string{"L"}, "short": []string{"S"},
		"hedge": "vol", "lookback": int64(20), "rebalance_days": int64(10)}, 1e6)
	last := int64(0)
	for _, f := range res.Fills {
		if f.Symbol == "S" {
			last = max(last, f.Time)
		}
	}
	d := int((last-day0)/data.NanosPerDay) - 1 // the decision's day
	if d < holeTo+21 {
		t.Fatalf("last rebalance decided on day %d, want one 20 returns after the hole (day %d)", d, holeTo+21)
	}
	var rl, rs []float64 // the last 20 returns up to day d, all after the hole
	for k := d - 19; k <= d; k++ {
		rl, rs = append(rl, pl[k]/pl[k-1]-1), append(rs, ps[k]/ps[k-1]-1)
	}
	want := sampleSD(rl) / sampleSD(rs)
	if got := st.(Reporter).Report()["hedge_ratio_last"]; !near(got, want, 1e-9) {
		t.Errorf("hedge ratio at day %d: %.12g, want %.12g", d, got, want)
	}
}

// sampleSD is the sample standard deviation (n − 1) of v, by two passes.
func sampleSD(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(v)-1))
}
