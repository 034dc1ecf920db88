package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A target batch under a binding initial margin does not depend on the
// order its targets were submitted in: on each side (sells, then buys),
// the fills that reduce a position go before those that add exposure, so
// the margin a reduction frees is there when an addition is checked.
// Flat prices of 100, cash 10,000, initial margin 0.5:
//   - sells: A held long 200 (20,000, 2× the equity). Targets A → 0.9
//     and B → −0.9: after both, 0.5 × (9,000 + 9,000) = 9,000 ≤ 10,000.
//     B's short checked before A's sale would need 0.5 × (20,000 +
//     9,000) = 14,500 > 10,000 and be rejected.
//   - buys: B held short 200 (cash 30,000, equity 10,000). Targets
//     B → −0.9 (a buy of 110 covering) and A → 0.9 (a buy of 90): after
//     both 9,000 again; A's buy checked first would need 0.5 × (9,000 +
//     20,000) = 14,500. The buys cost 20,000 of the 30,000 cash: nothing
//     is scaled down for cash.
//   - a rotation of shorts: B held short 200 (cash 30,000), targets
//     B → 0 (a buy of 200 covering) and C → −0.9 (a sell of 90): the
//     cover fills before the new short, which needs 0.5 × 9,000 =
//     4,500 ≤ 10,000; checked first, it would need 0.5 × (20,000 +
//     9,000) = 14,500.
func TestTargetBatchOrderIndependent(t *testing.T) {
	flat := func(sym string) data.Series {
		return series(t, sym, data.Crypto, []row{
			{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 100, 100, 100, 1e9},
			{"2024-01-03", 100, 100, 100, 100, 1e9}, {"2024-01-04", 100, 100, 100, 100, 1e9},
		})
	}
	for _, c := range []struct {
		name  string
		first Order      // bought or sold at step 0
		w     [3]float64 // the targets of A, B and C
		want  [3]float64 // the positions after them
	}{
		{"sells", Order{Instrument: 0, Kind: Market, Amount: 200}, [3]float64{0.9, -0.9, 0}, [3]float64{90, -90, 0}},
		{"buys", Order{Instrument: 1, Kind: Market, Amount: -200}, [3]float64{0.9, -0.9, 0}, [3]float64{90, -90, 0}},
		{"short rotation", Order{Instrument: 1, Kind: Market, Amount: -200}, [3]float64{0, 0, -0.9}, [3]float64{0, 0, -90}},
	} {
		for _, order := range [][3]int{{0, 1, 2}, {2, 1, 0}} {
			p := panel(flat("A"), flat("B"), flat("C"))
			cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.5, Maintenance: 0.25}}}
			res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
				switch s.Step {
				case 0:
					_, err := ctx.Submit(c.first)
					return err
				case 1:
					for _, i := range order {
						if _, err := ctx.Submit(Order{Instrument: i, Kind: Market, Sizing: TargetWeight, Amount: c.w[i]}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			q := res.Portfolio.Qty
			if res.Rejections != 0 || !near(q[0], c.want[0], 1e-9) || !near(q[1], c.want[1], 1e-9) || !near(q[2], c.want[2], 1e-9) {
				t.Errorf("%s, submitted in order %v: rejections %d, positions %v; want 0, %v", c.name, order, res.Rejections, q, c.want)
			}
		}
	}
}
