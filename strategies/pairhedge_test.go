package strategies

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// multiplied makes a series whose close-to-close returns are m × base's
// (opens = closes, so fills happen at the previous close).
func multiplied(sym string, base []float64, m float64) data.Series {
	px := make([]float64, len(base))
	px[0] = 50
	for k := 1; k < len(base); k++ {
		px[k] = px[k-1] * (1 + m*(base[k]/base[k-1]-1))
	}
	return bars(sym, px, px)
}

// A constructed path whose short leg's returns are exactly 2 × the long
// leg's: β = Cov(S, L)/Var(L) = 2, σS/σL = 2, Cov(L, S)/Var(S) = 1/2. Every
// mode then has h = 1/2: wL = G/(1 + 1/2) = 2/3, wS = (1/2)/(3/2) = 1/3.
// Both legs trade every day, so the sync points are every bar; with
// lookback 10 the window is full at bar 10 (returns of bars 1..10), the
// decision is taken on bar 10's close and fills at bar 11's open (= bar
// 10's close here): long value 2/3 × 9000 = 6000, short −1/3 × 9000 = −3000.
// With S = −2 × L (β = −2) no hedge exists: nothing is traded.
func TestPairHedgeRatioClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := make([]float64, 20)
	base[0] = 100
	for k := 1; k < len(base); k++ {
		base[k] = base[k-1] * (1 + 0.02*rng.NormFloat64())
	}
	l := bars("L", base, base)
	for _, hedge := range []string{"beta", "vol", "minvar"} {
		t.Run(hedge, func(t *testing.T) {
			p := &data.Panel{Series: []data.Series{l, multiplied("S", base, 2)}}
			st, res := run(t, p, "pair-hedge", Params{"long": []string{"L"}, "short": []string{"S"},
				"hedge": hedge, "lookback": 10, "rebalance_days": 100}, 9000)
			if h := st.(Reporter).Report()["hedge_ratio_last"]; !near(h, 0.5, 1e-9) {
				t.Errorf("hedge ratio %g, want 1/2", h)
			}
			if len(res.Fills) != 2 {
				t.Fatalf("%d fills, want 2", len(res.Fills))
			}
			for _, f := range res.Fills {
				want := 6000.0
				if f.Symbol == "S" {
					want = -3000
				}
				if f.Time != at(11) || !near(f.Qty*f.Price, want, 1e-9) {
					t.Errorf("%s: %s value %g, want %g on %s", f.Symbol, data.FormatDay(f.Time), f.Qty*f.Price, want, data.FormatDay(at(11)))
				}
			}
		})
	}
	for _, hedge := range []string{"beta", "minvar"} {
		p := &data.Panel{Series: []data.Series{l, multiplied("S", base, -2)}}
		_, res := run(t, p, "pair-hedge", Params{"long": []string{"L"}, "short": []string{"S"},
			"hedge": hedge, "lookback": 10}, 9000)
		if len(res.Fills) != 0 {
			t.Errorf("%s with β < 0: %d fills, want none", hedge, len(res.Fills))
		}
	}
}

// recorder wraps a PairHedge and copies its targets at each rebalance.
type recorder struct {
	*PairHedge
	times   []int64
	targets [][]float64
}

func (r *recorder) OnBar(ctx *engine.Context, s *engine.Slice) error {
	if err := r.PairHedge.OnBar(ctx, s); err != nil {
		return err
	}
	if r.clock.last == ctx.Time() {
		r.times = append(r.times, r.clock.last)
		r.targets = append(r.targets, append([]float64(nil), r.target...))
	}
	return nil
}

// Every rebalance's targets against estimates recomputed by a second
// method on a mixed calendar (two equities on weekdays, two tokens every
// day): the sync points are the equities' dates, found here by searching
// each token's times; the returns over the last lookback sync intervals
// go to gonum's stat.Covariance / stat.Variance / stat.StdDev.
func TestPairHedgeMatchesGonum(t *testing.T) {
	p := &data.Panel{Series: []data.Series{
		walk("E1", data.Equity, 400, 1), walk("E2", data.Equity, 400, 2),
		walk("T1", data.Crypto, 560, 3), walk("T2", data.Crypto, 560, 4),
	}}
	const lookback, gross, maxRatio = 30, 1.2, 4.0
	// closeAt finds series s's close at time t (it must have a bar then).
	closeAt := func(s *data.Series, t int64) float64 {
		for k, ts := range s.Time {
			if ts == t {
				return s.Close[k]
			}
		}
		panic("no bar")
	}
	for _, hedge := range []string{"beta", "vol", "minvar"} {
		t.Run(hedge, func(t *testing.T) {
			inner, err := NewPairHedge(Params{"long": []string{"E1", "T1"}, "short": []string{"E2", "T2"},
				"hedge": hedge, "lookback": lookback, "gross": gross, "rebalance_days": 10})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{PairHedge: inner.(*PairHedge)}
			if _, err := engine.Run(p, nil, rec, engine.Config{Cash: 1e6}); err != nil {
				t.Fatal(err)
			}
			if len(rec.times) < 20 {
				t.Fatalf("%d rebalances, want many", len(rec.times))
			}
			checked := 0
			for n, when := range rec.times {
				// Sync points up to and including the decision: the
				// equities' dates (both equities share one calendar).
				var sync []int64
				for _, ts := range p.Series[0].Time {
					if ts <= when {
						sync = append(sync, ts)
					}
				}
				sync = sync[len(sync)-lookback-1:]
				L := make([]float64, lookback)
				S := make([]float64, lookback)
				for k := 1; k <= lookback; k++ {
					r := func(i int) float64 {
						return closeAt(&p.Series[i], sync[k])/closeAt(&p.Series[i], sync[k-1]) - 1
					}
					L[k-1] = (r(0) + r(2)) / 2
					S[k-1] = (r(1) + r(3)) / 2
				}
				var h float64
				switch hedge {
				case "beta":
					h = 1 / (stat.Covariance(S, L, nil) / stat.Variance(L, nil))
				case "vol":
					h = stat.StdDev(L, nil) / stat.StdDev(S, nil)
				case "minvar":
					h = stat.Covariance(L, S, nil) / stat.Variance(S, nil)
				}
				if !(h > 0) {
					// No hedge: the strategy went flat.
					for _, w := range rec.targets[n] {
						if w != 0 {
							t.Errorf("%s: h = %g but targets %v", data.FormatDay(when), h, rec.targets[n])
						}
					}
					continue
				}
				h = math.Min(math.Max(h, 1/maxRatio), maxRatio)
				wl, ws := gross/(1+h)/2, -gross*h/(1+h)/2
				want := []float64{wl, wl, ws, ws} // long E1, T1; short E2, T2
				for j := range want {
					if !near(rec.targets[n][j], want[j], 1e-10) {
						t.Errorf("%s: target[%d] = %.15g, gonum %.15g (h %g)", data.FormatDay(when), j, rec.targets[n][j], want[j], h)
					}
				}
				checked++
			}
			if checked < 20 {
				t.Errorf("only %d rebalances with a hedge", checked)
			}
		})
	}
}

// noLookAhead runs a strategy twice, the second time with one instrument's
// bars from `bar` on changed (OHLC × 1.5), and demands identical fills
// before that bar and some difference after it.
func noLookAhead(t *testing.T, base *data.Panel, inst, bar int, mk func() engine.Strategy) {
	t.Helper()
	r1, err := engine.Run(base, nil, mk(), engine.Config{Cash: 1e6, Commission: 5})
	if err != nil {
		t.Fatal(err)
	}
	p2 := &data.Panel{Series: append([]data.Series(nil), base.Series...)}
	s := p2.Series[inst]
	for _, col := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close} {
		// Every bar from `bar` on moves up 50%: a future that differs from
		// that bar onward.
		c := append([]float64(nil), (*col)...)
		for k := bar; k < len(c); k++ {
			c[k] *= 1.5
		}
		*col = c
	}
	p2.Series[inst] = s
	r2, err := engine.Run(p2, nil, mk(), engine.Config{Cash: 1e6, Commission: 5})
	if err != nil {
		t.Fatal(err)
	}
	cut := s.Time[bar]
	before := func(fs []engine.Fill) []engine.Fill {
		n := 0
		for n < len(fs) && fs[n].Time < cut {
			n++
		}
		return fs[:n]
	}
	b1, b2 := before(r1.Fills), before(r2.Fills)
	if len(b1) < 3 {
		t.Fatalf("only %d fills before the change: the test would prove nothing", len(b1))
	}
	if len(b1) != len(b2) {
		t.Fatalf("%d fills before %s, %d after changing that bar", len(b1), data.FormatDay(cut), len(b2))
	}
	for j := range b1 {
		if b1[j] != b2[j] {
			t.Fatalf("fill %d before the changed bar differs: %+v vs %+v", j, b1[j], b2[j])
		}
	}
	same := len(r1.Fills) == len(r2.Fills)
	for j := len(b1); same && j < len(r1.Fills); j++ {
		same = r1.Fills[j] == r2.Fills[j]
	}
	if same {
		t.Fatalf("changing bar %s changed no fill at all: the test would prove nothing", data.FormatDay(cut))
	}
}

// Rolling estimates use past data only: changing a bar leaves every fill
// before it unchanged, in every hedge mode.
func TestPairHedgeNoLookAhead(t *testing.T) {
	p, long, short := hedgePanel(2)
	long, short = long[:3], short[:3]
	for _, hedge := range []string{"dollar", "beta", "vol", "minvar"} {
		t.Run(hedge, func(t *testing.T) {
			noLookAhead(t, p, 11, 300, func() engine.Strategy {
				s, err := NewPairHedge(Params{"long": long, "short": short, "hedge": hedge,
					"lookback": 20, "rebalance_days": 5, "drift_band": 0.05, "stop_loss": 0.2, "cooldown_days": 3})
				if err != nil {
					t.Fatal(err)
				}
				return s
			})
		})
	}
}

// The drift band triggers on the first close past it, not before. Dollar
// mode, gross 1, cash 1000, L and S at 100: the first rebalance buys 5 L
// and shorts 5 S (cash stays 1000). With S flat and L at x × 100, equity =
// 1000 + 5×100x − 500 = 500 + 500x, weight of L = 500x/(500+500x) = x/(1+x)
// and of S = −1/(1+x): both drift by (x − 1)/(2(1 + x)), which passes 0.1
// when x > 1.5. L closes 140 (drift 0.0833), 150 (drift exactly 0.1: not
// past), 151 (0.1016 > 0.1) → rebalance on bar 4's close, filled at bar 5's
// open (151 and 100): equity 500 + 5×151 = 1255, each leg 627.5:
// L 627.5/151 − 5, S −627.5/100 + 5.
func TestPairHedgeDriftBand(t *testing.T) {
	l := bars("L", []float64{100, 100, 130, 145, 151, 151, 151}, []float64{100, 100, 140, 150, 151, 151, 151})
	s := flat("S", 7, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 0, "drift_band": 0.1}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 2, "drift_rebalances": 1,
		"gross_cap_rebalances": 0, "stop_losses": 0, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -5, 100, "rebalance short"}, // sells fill before buys
		{1, "L", 5, 100, "rebalance long"},
		{5, "L", 627.5/151 - 5, 151, "drift long"},
		{5, "S", -627.5/100 + 5, 100, "drift short"},
	})
}

// Stop-loss and cooldown. Same legs: equity = 500 + 500x with L at 100x.
// Peak since entry 1000; L closes 90 (equity 950), then 79 (895 ≤ 0.9 ×
// 1000 = 900) → both legs closed at bar 4's open (80 and 100). Cooldown 2
// days from bar 3: re-entry decided on bar 5 (80 × 5 = 400 + cash), filled
// at bar 6's open. Cash after the stop: 1000 + 5×100 (short sale) − 5×100
// (long) + 5×80 − 5×100 = 900 = equity; re-entry: each leg 450:
// L 450/80 = 5.625, S −450/100 = −4.5.
func TestPairHedgeStopLoss(t *testing.T) {
	l := bars("L", []float64{100, 100, 95, 85, 80, 80, 80, 80}, []float64{100, 100, 90, 79, 80, 80, 80, 80})
	s := flat("S", 8, 100)
	st, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 30, "stop_loss": 0.1, "cooldown_days": 2}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 2, "drift_rebalances": 0,
		"gross_cap_rebalances": 0, "stop_losses": 1, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -5, 100, "rebalance short"}, // sells fill before buys
		{1, "L", 5, 100, "rebalance long"},
		{4, "L", -5, 80, "stop loss"},
		{4, "S", 5, 100, "stop loss"},
		{6, "S", -4.5, 100, "rebalance short"},
		{6, "L", 5.625, 80, "rebalance long"},
	})
}

// The gross cap: gross 1, max_gross 1.2. L flat at 100, S at y × 100:
// cash 1000, +5 L, −5 S, so equity = 1000 + 500 − 500y = 1500 − 500y and
// gross = 500 + 500y. gross > 1.2 × equity ⇔ 500 + 500y > 1800 −
// 600y ⇔ y > 13/11 = 1.1818. S closes 118 (gross 1090 vs 1.2 × 910 =
// 1092: inside) then 119 (1095 > 1.2 × 905 = 1086) → rebalance filled at
// bar 4's open (100, 119): equity 905, each leg 452.5.
func TestPairHedgeGrossCap(t *testing.T) {
	l := flat("L", 6, 100)
	s := bars("S", []float64{100, 100, 110, 118, 119, 119}, []float64{100, 100, 118, 119, 119, 119})
	st, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 30, "max_gross": 1.2}, 1000)
	checkReport(t, st.(Reporter).Report(), map[string]float64{"rebalances": 2, "drift_rebalances": 0,
		"gross_cap_rebalances": 1, "stop_losses": 0, "no_hedge": 0, "hedge_ratio_mean": 1, "hedge_ratio_last": 1})
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -5, 100, "rebalance short"}, // sells fill before buys
		{1, "L", 5, 100, "rebalance long"},
		{4, "L", 452.5/100 - 5, 100, "gross cap long"},
		{4, "S", -452.5/119 + 5, 119, "gross cap short"},
	})
}
