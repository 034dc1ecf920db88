package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Maker or taker (docs/execution.md, "Maker or taker"). Every case sends
// one order of 10 at the close of 2024-01-02 (a flat bar at 100), under a
// maker fee of 2 bps, a taker fee of 5 bps and 10 bps of slippage, and
// checks the order's fill: its day, price, commission and slippage money.
//
//   - a buy limit at 100 reaches the market at the open 98, which already
//     passes it: it takes liquidity, as a market order capped at its
//     limit: 98 + 10 bps × 98 = 98.098 (in [97, 99], under 100); fee
//     10 × 98.098 × 5 bps = 0.49049; slippage 10 × 0.098 = 0.98;
//   - the same at a limit of 98.05: 98.098 is capped at 98.05; fee
//     10 × 98.05 × 5 bps = 0.49025; slippage 10 × 0.05 = 0.5;
//   - a sell limit at 100 (a short sale) meeting the open 103: 103 −
//     0.103 = 102.897; fee 10 × 102.897 × 5 bps = 0.514485; slippage 1.03;
//   - a buy limit at 95 on a down bar 99/100/94/98 (path 99 → 100 → 94):
//     the price comes down to it in the bar: maker at 95, fee 10 × 95 ×
//     2 bps = 0.19, no slippage;
//   - a buy limit at 95 not reached by 99/100/96/98 rests in the book; the
//     next bar gaps open at 93: the auction fills it at the open, as a
//     maker (it was in the book): 93, fee 10 × 93 × 2 bps = 0.186;
//   - a token, whose open is the previous close (100): a buy limit at
//     100.5 above it is marketable at that open: 100 + 0.1 = 100.1 (under
//     100.5 and the high 101); fee 10 × 100.1 × 5 bps = 0.5005; slippage
//     10 × 0.1 = 1;
//   - a buy limit at 98 and an open of 98: under Touch it is marketable:
//     taker, 98 + 0.098 capped at the limit 98: 98, fee 10 × 98 × 5 bps =
//     0.49, slippage 0; under Through the open does not pass it, the path
//     98 → 97 trades through it: maker at 98, fee 10 × 98 × 2 bps = 0.196;
//   - a buy limit at 90 rests through 99/100/96/98; replaced to 97 at that
//     close, it reaches the market anew at the open 96, which passes 97:
//     taker, 96 + 0.096 = 96.096 (in [95, 97]); fee 10 × 96.096 × 5 bps =
//     0.48048; slippage 0.96;
//   - a sell stop-limit (stop 95, limit 94) triggered by the open 90 of
//     90/91/88/89, under its limit, rests as a limit; the next bar opens
//     at 95, through it: a resting order, maker at the open 95, fee 10 ×
//     95 × 2 bps = 0.19;
//   - a sell stop at 95 and the open 90: fills at the open as a taker:
//     90 − 0.09 = 89.91 (above the low 88); fee 10 × 89.91 × 5 bps =
//     0.44955; slippage 0.9;
//   - a sell stop-limit (stop 95, limit 89.95) and the open 90: triggered
//     at the open within its limit: a taker at 90 − 0.09 = 89.91, capped at
//     the limit: 89.95; fee 10 × 89.95 × 5 bps = 0.44975; slippage 0.5.
func TestLimitMakerOrTaker(t *testing.T) {
	first := row{"2024-01-02", 100, 100, 100, 100, 1e6}
	terms := Terms{Commission: Commission{Maker: 2, Taker: 5}, Slippage: Slippage{Bps: 10}}
	buy := func(px float64) Order { return Order{Instrument: 0, Kind: Limit, Amount: 10, Price: px} }
	type want struct {
		day           string
		px, com, slip float64
	}
	for _, tc := range []struct {
		name    string
		class   data.Class
		bars    []row
		rule    LimitRule
		o       Order
		replace float64 // a new limit at the second step's close, 0 none
		want    want
	}{
		{"buy limit marketable on arrival", data.Equity, []row{first, {"2024-01-03", 98, 99, 97, 98.5, 1e6}}, Through,
			buy(100), 0, want{"2024-01-03", 98.098, 0.49049, 0.98}},
		{"marketable, capped at the limit", data.Equity, []row{first, {"2024-01-03", 98, 99, 97, 98.5, 1e6}}, Through,
			buy(98.05), 0, want{"2024-01-03", 98.05, 0.49025, 0.5}},
		{"sell limit marketable on arrival", data.Equity, []row{first, {"2024-01-03", 103, 104, 102, 103.5, 1e6}}, Through,
			Order{Instrument: 0, Kind: Limit, Amount: -10, Price: 100}, 0, want{"2024-01-03", 102.897, 0.514485, 1.03}},
		{"reached in the bar", data.Equity, []row{first, {"2024-01-03", 99, 100, 94, 98, 1e6}}, Through,
			buy(95), 0, want{"2024-01-03", 95, 0.19, 0}},
		{"resting, gapped at a later open", data.Equity, []row{first, {"2024-01-03", 99, 100, 96, 98, 1e6}, {"2024-01-04", 93, 94, 92, 93.5, 1e6}}, Through,
			buy(95), 0, want{"2024-01-04", 93, 0.186, 0}},
		{"token: the open is the last close", data.Crypto, []row{first, {"2024-01-03", 100, 101, 99, 100.5, 1e6}}, Through,
			buy(100.5), 0, want{"2024-01-03", 100.1, 0.5005, 1}},
		{"open at the limit, touch", data.Equity, []row{first, {"2024-01-03", 98, 99, 97, 98.5, 1e6}}, Touch,
			buy(98), 0, want{"2024-01-03", 98, 0.49, 0}},
		{"open at the limit, through", data.Equity, []row{first, {"2024-01-03", 98, 99, 97, 98.5, 1e6}}, Through,
			buy(98), 0, want{"2024-01-03", 98, 0.196, 0}},
		{"replaced limit reaches the market anew", data.Equity, []row{first, {"2024-01-03", 99, 100, 96, 98, 1e6}, {"2024-01-04", 96, 97, 95, 96.5, 1e6}}, Through,
			buy(90), 97, want{"2024-01-04", 96.096, 0.48048, 0.96}},
		{"triggered stop-limit resting, gapped", data.Equity, []row{first, {"2024-01-03", 90, 91, 88, 89, 1e6}, {"2024-01-04", 95, 96, 94.5, 95.5, 1e6}}, Through,
			Order{Instrument: 0, Kind: StopLimit, Amount: -10, StopPrice: 95, Price: 94}, 0, want{"2024-01-04", 95, 0.19, 0}},
		{"stop gapped through", data.Equity, []row{first, {"2024-01-03", 90, 91, 88, 89, 1e6}}, Through,
			Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 95}, 0, want{"2024-01-03", 89.91, 0.44955, 0.9}},
		{"stop-limit gapped through its stop, within its limit", data.Equity, []row{first, {"2024-01-03", 90, 91, 88, 89, 1e6}}, Through,
			Order{Instrument: 0, Kind: StopLimit, Amount: -10, StopPrice: 95, Price: 89.95}, 0, want{"2024-01-03", 89.95, 0.44975, 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := panel(series(t, "A", tc.class, tc.bars))
			var id OrderID
			res := one(t, p, Config{LimitFill: tc.rule, Equity: terms, Crypto: terms}, func(ctx *Context, s *Slice) error {
				var err error
				switch {
				case s.Step == 0:
					id, err = ctx.Submit(tc.o)
				case s.Step == 1 && tc.replace != 0:
					if !ctx.Replace(id, 0, tc.replace, 0) {
						t.Errorf("replace refused")
					}
				}
				return err
			})
			if len(res.Fills) != 1 {
				t.Fatalf("fills %+v, want one", res.Fills)
			}
			f := res.Fills[0]
			w := tc.want
			if d := data.FormatDay(f.Time); d != w.day || f.Kind != tc.o.Kind || math.Abs(f.Qty-tc.o.Amount) > 1e-12 ||
				math.Abs(f.Price-w.px) > 1e-9 || math.Abs(f.Commission-w.com) > 1e-9 || math.Abs(f.Slippage-w.slip) > 1e-9 {
				t.Errorf("fill %s %s %g at %.12g, commission %.12g, slippage %.12g; want %s %g at %g, commission %g, slippage %g",
					d, f.Kind, f.Qty, f.Price, f.Commission, f.Slippage, w.day, tc.o.Amount, w.px, w.com, w.slip)
			}
		})
	}
}
