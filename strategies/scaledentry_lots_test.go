package strategies

// Scaled entry with a lot size: the last exit of a cycle sells out.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Scaled-entry with a lot size: the last exit is not truncated to leave
// a residual share; it sells out and the cycle ends flat.
func TestScaledEntryLastExitSellsOutWithLots(t *testing.T) {
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
