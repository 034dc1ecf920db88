package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// perUnitImpact moves the price by 0.001 per unit traded: a fill of q
// units pays 0.001 × |q| on each.
type perUnitImpact struct{}

func (perUnitImpact) Slip(t Trade, _ MarketData) Slip { return Slip{Impact: 0.001 * math.Abs(t.Qty)} }

// A target batch estimates a capped order's slippage at the size that
// fills on a bar, not at the whole delta at once. Cash 10,000, X and Y
// at 10 (bars 5 to 20, so nothing is clamped), targets 0.5 each; Y moves
// 0.001 a unit and fills at most 10 % of its 1,000 volume a bar, 100.
// Deltas are sized at the marks, with the slippage they will pay among
// the batch's costs K: Y's price is 10 + 0.001 × 100 = 10.1 for every
// unit, so K = 0.1 y with y = 0.5 (10,000 − K) / 10, y = 5,000 / 10.05 =
// 497.5124, K = 49.75124, and X = 0.5 × (10,000 − K) / 10 = 497.5124.
// At the whole delta's size (500 units at 10.5) K was 0.5 y, y = 5,000 /
// 10.25 = 487.80, and X 487.80: short of its half by 243.90 of costs
// that no fill paid.
func TestTargetSlippageAtTheCappedSize(t *testing.T) {
	var xs, ys []row
	for d := 1; d <= 3; d++ {
		day := data.FormatDay(data.Day(2024, 1, d))
		xs = append(xs, row{day, 10, 20, 5, 10, 1e12})
		ys = append(ys, row{day, 10, 20, 5, 10, 1000})
	}
	p := panel(series(t, "X", data.Crypto, xs), series(t, "Y", data.Crypto, ys))
	cfg := Config{Cash: 10000, Symbols: map[string]Terms{"Y": {SlippageModel: perUnitImpact{}, Slippage: Slippage{MaxParticipation: 0.1}}}}
	res := one(t, p, cfg, at(0,
		Order{Instrument: 0, Kind: Market, Sizing: TargetWeight, Amount: 0.5},
		Order{Instrument: 1, Kind: Market, Sizing: TargetWeight, Amount: 0.5}))
	var qx, qy1 float64
	var py1 float64
	for _, f := range res.Fills {
		if f.Symbol == "X" {
			qx += f.Qty
		} else if f.Time == res.Fills[0].Time {
			qy1, py1 = qy1+f.Qty, f.Price
		}
	}
	y := 5000 / 10.05
	if want := 0.5 * (10000 - 0.1*y) / 10; math.Abs(qx-want) > 1e-9*want {
		t.Errorf("X holds %.6f units, want %.6f", qx, want)
	}
	if qy1 != 100 || math.Abs(py1-10.1) > 1e-12 {
		t.Errorf("Y filled %g at %g on the first bar, want 100 at 10.1", qy1, py1)
	}
}
