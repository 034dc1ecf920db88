package engine

// A ruined account: an account with negative equity opens
// nothing.

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A bankrupt account (equity < 0) cannot open a short by selling more
// than its long: the sale past flat is refused (ReasonNoEquity), as
// every order that adds exposure is, even when |q1| < |q0|.
func TestBankruptAccountCannotFlipShort(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 40, 40, 40, 40, 1e9},
		{"2024-01-04", 40, 40, 40, 40, 1e9},
	})
	res := one(t, panel(a), Config{Cash: 10000}, func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			ctx.Buy(0, 200) // 2x, cash -10,000
		case 2:
			ctx.Sell(0, 399) // equity -2,000: flip to short 199
		}
		return nil
	})
	logFills(t, res)
	t.Logf("equity %v", res.Curve.Equity)
	if res.Portfolio.Qty[0] < 0 {
		t.Errorf("a bankrupt account opened a short of %g (ReasonNoEquity not applied)", res.Portfolio.Qty[0])
	}
}
