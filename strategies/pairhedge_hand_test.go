package strategies

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A short leg that runs up 10x, rebalanced every day. Dollar mode, gross
// 1, cash 1,000, no costs; L flat at 100, S opening at the previous close
// and closing 10, 20, 40, 70, 100, 100 (so each move happens inside a
// bar and the orders fill at the close they were decided on). Each
// rebalance sets each leg to half the equity at the fill's open:
//
//	bar S close  fill at this open (E = equity there)                cash      equity at the close
//	 0   10      -                                                    1,000     1,000
//	 1   20      E 1,000: L +500/100 = +5, S −500/10 = −50            1,000     1,000 + 500 − 50 × 20 = 500
//	 2   40      E 500: L to 2.5 (−2.5), S to −250/20 = −12.5 (+37.5) 1,000 + 250 − 750 = 500     500 + 250 − 12.5 × 40 = 250
//	 3   70      E 250: L to 1.25 (−1.25), S to −125/40 = −3.125
//	             (+9.375)                                             500 + 125 − 375 = 250       250 + 125 − 3.125 × 70 = 156.25
//	 4  100      E 156.25: L to 0.78125 (−0.46875), S to −78.125/70
//	             = −1.116071 (+2.008929)                              250 + 46.875 − 140.625 = 156.25   156.25 + 78.125 − 111.607143 = 122.767857
//	 5  100      E 122.767857: L to 0.613839 (−0.167411), S to
//	             −0.613839 (+0.502232)                                156.25 + 16.741071 − 50.223214 = 122.767857   122.767857
//
// The short leg's 10x cost 87.7 % of the equity, never all of it: each
// rebalance cut the short to half of what was left. The order decided on
// bar 5's close has no bar to fill on.
func TestPairHedgeShortLegUp10xByHand(t *testing.T) {
	l := flat("L", 6, 100)
	s := bars("S", []float64{10, 10, 20, 40, 70, 100}, []float64{10, 20, 40, 70, 100, 100})
	_, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge",
		Params{"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": int64(1)}, 1000)
	e4 := 156.25 + 78.125 - 78.125/70*100 // 122.767857…
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -50, 10, "rebalance short"},
		{1, "L", 5, 100, "rebalance long"},
		{2, "L", -2.5, 100, "rebalance long"},
		{2, "S", 37.5, 20, "rebalance short"},
		{3, "L", -1.25, 100, "rebalance long"},
		{3, "S", 9.375, 40, "rebalance short"},
		{4, "L", -0.46875, 100, "rebalance long"},
		{4, "S", 3.125 - 78.125/70, 70, "rebalance short"},
		{5, "L", e4/2/100 - 0.78125, 100, "rebalance long"},
		{5, "S", 78.125/70 - e4/2/100, 100, "rebalance short"},
	})
	checkCurve(t, res,
		[]float64{1000, 500, 250, 156.25, e4, e4},
		[]float64{1000, 1000, 500, 250, 156.25, e4})
}

// Gross 3 over two longs and a short, a 10 bps commission, a rebalance
// every 2 days, and a long whose price falls to a thousandth of a cent.
// Dollar mode: A and B 0.75 of equity each, S −1.5. The weights are sized
// at the fill's open against the equity E there less the commission K
// the batch pays, K = 0.001 × Σ|Δq × p|, a fixed point solved here by
// hand:
//
//   - bar 1's open (all at 100, flat book): every order opens, so K =
//     0.001 × 3 × (E − K) and E − K = 1,000 / 1.003 = 997.008973; A and
//     B buy 0.75 × 997.008973 / 100 = 7.477567 each, S sells 14.955135;
//     cash 1,000 − K = 997.008973 (the longs' cost and the short's
//     proceeds cancel).
//   - B closes 1 on bar 1 and 0.001 on bar 2: equity at bar 1's close
//     997.008973 + 747.756730 + 7.477567 − 1,495.513460 = 256.729811,
//     at bar 2's 249.259721. Bar 1 is not a rebalance (1 day since bar 0).
//   - bar 2's close decides (2 days), filled at bar 3's open at the same
//     prices, E = 249.259721. With X = E − K the targets are 0.75X in A
//     and B and −1.5X in S; A and S shrink, B grows, so K = 0.001 × (a −
//     0.75X + 0.75X − b + c − 1.5X) with a = 747.756730 (A's value), b =
//     0.007478 (B's) and c = 1,495.513460 (S's), and X = (E − 0.001 (a −
//     b + c)) / (1 − 0.0015) = 247.387539. B buys 0.75X / 0.001 −
//     7.477567 = 185,533.177 units at 0.001.
//   - cash and equity after bar 3's fills: X (the book is worth 0.75X +
//     0.75X − 1.5X = 0), 247.387539.
func TestPairHedgeGross3CommissionNearZeroLegByHand(t *testing.T) {
	a := flat("A", 5, 100)
	b := bars("B", []float64{100, 100, 1, 0.001, 0.001}, []float64{100, 1, 0.001, 0.001, 0.001})
	s := flat("S", 5, 100)
	st, err := Builtins().New("pair-hedge", Params{"long": []string{"A", "B"}, "short": []string{"S"}, "gross": 3.0, "rebalance_days": int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(&data.Panel{Series: []data.Series{a, b, s}}, nil, st, engine.Config{Cash: 1000, Commission: 10})
	if err != nil {
		t.Fatal(err)
	}
	x1 := 1000 / 1.003
	q := 0.75 * x1 / 100 // A and B
	cash1 := x1
	e1 := cash1 + q*100 + q*1 - 2*q*100
	e2 := cash1 + q*100 + q*0.001 - 2*q*100
	av, bv, sv := q*100, q*0.001, 2*q*100
	x3 := (e2 - 0.001*(av-bv+sv)) / (1 - 0.0015)
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -2 * q, 100, "rebalance short"},
		{1, "A", q, 100, "rebalance long"},
		{1, "B", q, 100, "rebalance long"},
		{3, "A", 0.75*x3/100 - q, 100, "rebalance long"},
		{3, "S", 2*q - 1.5*x3/100, 100, "rebalance short"},
		{3, "B", 0.75*x3/0.001 - q, 0.001, "rebalance long"},
	})
	checkCurve(t, res,
		[]float64{1000, e1, e2, x3, x3},
		[]float64{1000, cash1, cash1, x3, x3})
	if got := res.Costs.Commission; math.Abs(got-(1000-x1+e2-x3)) > 1e-9 {
		t.Errorf("commission %.9f, want %.9f", got, 1000-x1+e2-x3)
	}
}

// The stop-loss fires at exactly its level. Dollar mode, gross 1, cash
// 1,000, L and S at 100: +5 L, −5 S at bar 1's open, cash 1,000, so the
// equity is 500 + 5 × L's close with S flat; the peak since entry is
// 1,000. stop_loss 0.34: the stop is at 0.66 × 1,000 = 660, which L = 32
// reaches exactly (500 + 160). In floats 1 − 0.34 is 0.6599999999999999
// and × 1,000 gives 659.9999999999999 < 660: the stop did not fire.
// Decided on bar 2's close, both legs are closed at bar 3's open (and not
// entered again within cooldown_days 30).
func TestPairHedgeStopLossAtExactlyItsLevel(t *testing.T) {
	l := bars("L", []float64{100, 100, 100, 32, 32}, []float64{100, 100, 32, 32, 32})
	s := flat("S", 5, 100)
	_, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge",
		Params{"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": int64(30), "stop_loss": 0.34, "cooldown_days": int64(30)}, 1000)
	checkFills(t, res.Fills, []wantFill{
		{1, "S", -5, 100, "rebalance short"},
		{1, "L", 5, 100, "rebalance long"},
		{3, "L", -5, 32, "stop loss"},
		{3, "S", 5, 100, "stop loss"},
	})
}
