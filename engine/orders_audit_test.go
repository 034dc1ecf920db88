package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An audit of the order kinds on tiny markets, each fill's bar, price and
// quantity and the cash after it computed by hand in the comments.

// wantFill is one expected fill.
type wantFill struct {
	day  string
	kind OrderKind
	qty  float64
	px   float64
}

// checkFills compares res's fills with want, and its final cash with cash
// to the cent.
func checkFills(t *testing.T, res *Result, want []wantFill, cash float64) {
	t.Helper()
	if len(res.Fills) != len(want) {
		t.Fatalf("%d fills %+v, want %d %+v", len(res.Fills), res.Fills, len(want), want)
	}
	for j, w := range want {
		f := res.Fills[j]
		if data.FormatDay(f.Time) != w.day || f.Kind != w.kind || math.Abs(f.Qty-w.qty) > 1e-9 || math.Abs(f.Price-w.px) > 1e-9 {
			t.Errorf("fill %d: %s %s %g at %g, want %s %s %g at %g", j, data.FormatDay(f.Time), f.Kind, f.Qty, f.Price, w.day, w.kind, w.qty, w.px)
		}
	}
	if math.Abs(res.Portfolio.Cash-cash) > 0.005 {
		t.Errorf("cash %.6f, want %.2f", res.Portfolio.Cash, cash)
	}
}

// Gaps and exact touches. Every case buys 10 at the first close, 100
// (cash 1,000,000 − 1,000 = 999,000), and rests a sell behind it.
//
//   - sell limit 102, the next bar gaps open at 105: fills at the open,
//     105, not at 102: cash 999,000 + 1,050 = 1,000,050;
//   - sell stop 95, the next bar's low is 95 exactly: a stop triggers on
//     a touch under either LimitFill (the rule is a limit's): fills at 95,
//     cash 999,000 + 950 = 999,950;
//   - sell limit 105, the next bar's high is 105 exactly: Through does
//     not fill (cash 999,000), Touch fills at 105 (1,000,050);
//   - sell stop-limit, stop 95, limit 94, the next bar gaps open at 90:
//     it triggers at the open, below its limit, and rests as a sell limit
//     at 94; the down bar 90/91/88/89 and the up bar 89/93.5/88/93 never
//     trade above 94; the up bar 93/95/92/94 (path 93 → 92 → 95 → 94)
//     trades through 94 on its way to 95: fills at 94 on 2024-01-05,
//     cash 999,000 + 940 = 999,940;
//   - the same stop-limit with TIF Day: it could fill on 2024-01-03 (it
//     triggered there) and did not: it expires there, unfilled.
func TestOrderGapsAndTouches(t *testing.T) {
	buy := Order{Instrument: 0, Kind: MarketOnClose, Amount: 10}
	first := row{"2024-01-02", 100, 100, 100, 100, 1e6}
	gapDown := []row{first, {"2024-01-03", 90, 91, 88, 89, 1e6}, {"2024-01-04", 89, 93.5, 88, 93, 1e6}, {"2024-01-05", 93, 95, 92, 94, 1e6}}
	for _, tc := range []struct {
		name    string
		bars    []row
		rule    LimitRule
		o       Order
		want    []wantFill
		cash    float64
		expired bool
	}{
		{"sell limit gapped through", []row{first, {"2024-01-03", 105, 106, 104, 105, 1e6}}, Through,
			Order{Instrument: 0, Kind: Limit, Amount: -10, Price: 102},
			[]wantFill{{"2024-01-03", Limit, -10, 105}}, 1_000_050, false},
		{"sell stop touched, through", []row{first, {"2024-01-03", 100, 101, 95, 97, 1e6}}, Through,
			Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 95},
			[]wantFill{{"2024-01-03", Stop, -10, 95}}, 999_950, false},
		{"sell stop touched, touch", []row{first, {"2024-01-03", 100, 101, 95, 97, 1e6}}, Touch,
			Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 95},
			[]wantFill{{"2024-01-03", Stop, -10, 95}}, 999_950, false},
		{"sell limit touched, through", []row{first, {"2024-01-03", 101, 105, 100, 104, 1e6}}, Through,
			Order{Instrument: 0, Kind: Limit, Amount: -10, Price: 105},
			nil, 999_000, false},
		{"sell limit touched, touch", []row{first, {"2024-01-03", 101, 105, 100, 104, 1e6}}, Touch,
			Order{Instrument: 0, Kind: Limit, Amount: -10, Price: 105},
			[]wantFill{{"2024-01-03", Limit, -10, 105}}, 1_000_050, false},
		{"stop-limit gapped past its limit", gapDown, Through,
			Order{Instrument: 0, Kind: StopLimit, Amount: -10, StopPrice: 95, Price: 94},
			[]wantFill{{"2024-01-05", StopLimit, -10, 94}}, 999_940, false},
		{"stop-limit gapped past its limit, Day", gapDown, Through,
			Order{Instrument: 0, Kind: StopLimit, Amount: -10, StopPrice: 95, Price: 94, TIF: Day},
			nil, 999_000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := panel(series(t, "A", data.Equity, tc.bars))
			res := one(t, p, Config{LimitFill: tc.rule}, at(0, buy, tc.o))
			want := append([]wantFill{{"2024-01-02", MarketOnClose, 10, 100}}, tc.want...)
			checkFills(t, res, want, tc.cash)
			expired := len(res.Events) == 1 && res.Events[0].Kind == EventExpired && data.FormatDay(res.Events[0].Time) == "2024-01-03" && res.Events[0].Qty == -10
			if expired != tc.expired {
				t.Errorf("events %+v, want expired on 2024-01-03: %v", res.Events, tc.expired)
			}
		})
	}
}

// Which best price a trailing stop's level uses: the best price on the
// intrabar path up to the point being checked, from the close it was
// submitted at through the earlier bars and the points of the current bar
// that the path passes before that point, never a point after it. A sell
// trailing stop 5 below the peak, submitted with a buy of 10 at the close
// 100 (peak 100, stop 95; cash 999,000):
//
//   - a falling market, down bars 98/99/96/97 then 97/97.5/94/95: the
//     first never rises above 100 (peak 100, stop 95; its low 96 is above
//     it); the second's path 97 → 97.5 → 94 reaches 95 on the way down:
//     fills at 95 on 2024-01-04 (peak from two bars before), cash
//     999,000 + 950 = 999,950;
//   - a down bar 99/102/96/97, path O → H → L → C: the high 102 comes
//     before the low (peak 102, stop 97), and the low 96 passes 97: fills
//     at 97, cash 999,970. A level from the earlier bars alone would have
//     filled at 95: the bar's high is used because the path passes it
//     first, as a take-profit at 102 would have filled there before a
//     stop-loss;
//   - an up bar 99/110/94/108, path O → L → H → C: the low 94 comes
//     first and passes the stop 95 set by the peak 100 of the earlier
//     close: fills at 95, cash 999,950; the high 110 after it is not used
//     (a peak of 110 would have put the stop at 105: look-ahead);
//   - a buy trailing stop 5 % above the trough under a short of 10 sold
//     at 100 (cash 1,001,000), the bar 99/100/97/98 (path 99 → 100 → 97
//     → 98: trough 99 at the open, stop 103.95, the high 100 below it,
//     trough 97 at the low, stop 101.85), then a bar gapping open at
//     104: fills at the open, 104, not at 101.85: cash 1,001,000 −
//     1,040 = 999,960.
func TestTrailingStopBestPriceOnThePath(t *testing.T) {
	first := row{"2024-01-02", 100, 100, 100, 100, 1e6}
	sell := Order{Instrument: 0, Kind: TrailingStop, Amount: -10, Trail: 5}
	for _, tc := range []struct {
		name  string
		bars  []row
		short bool
		want  wantFill
		cash  float64
	}{
		{"falling market", []row{first, {"2024-01-03", 98, 99, 96, 97, 1e6}, {"2024-01-04", 97, 97.5, 94, 95, 1e6}}, false,
			wantFill{"2024-01-04", TrailingStop, -10, 95}, 999_950},
		{"down bar: high before low", []row{first, {"2024-01-03", 99, 102, 96, 97, 1e6}}, false,
			wantFill{"2024-01-03", TrailingStop, -10, 97}, 999_970},
		{"up bar: low before high", []row{first, {"2024-01-03", 99, 110, 94, 108, 1e6}}, false,
			wantFill{"2024-01-03", TrailingStop, -10, 95}, 999_950},
		{"buy stop gapped through", []row{first, {"2024-01-03", 99, 100, 97, 98, 1e6}, {"2024-01-04", 104, 106, 103, 105, 1e6}}, true,
			wantFill{"2024-01-04", TrailingStop, 10, 104}, 999_960},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := panel(series(t, "A", data.Equity, tc.bars))
			entry, stop := Order{Instrument: 0, Kind: MarketOnClose, Amount: 10}, sell
			if tc.short {
				entry.Amount = -10
				stop = Order{Instrument: 0, Kind: TrailingStop, Amount: 10, TrailPct: 0.05}
			}
			res := one(t, p, Config{}, at(0, entry, stop))
			checkFills(t, res, []wantFill{{"2024-01-02", MarketOnClose, entry.Amount, 100}, tc.want}, tc.cash)
		})
	}
}

// Target orders at their edges, on a flat market at 100, cash 10,000:
//
//   - a weight of 2 under Reg T (Initial 0.5) with a commission of
//     10 bps: d = 2 × (10,000 − 0.1·d) / 100, so d = 200 / 1.002 =
//     199.6008 shares, commission 19.96008; cash 10,000 − 19,960.08 −
//     19.96 = −9,980.04; equity 9,980.04 = the requirement 0.5 ×
//     19,960.08: allowed;
//   - a weight of 2.5 the same way: d = 250 / 1.0025 = 249.3766, whose
//     requirement 12,468.83 is above the equity 9,975.06 left after its
//     commission: the whole order is rejected (ReasonBuyingPower), not
//     cut to what buying power allows;
//   - a weight of 3 without margin terms (Initial 0: no check) buys 300,
//     cash 10,000 − 30,000 = −20,000;
//   - a buy of 5 and a TargetValue of 1,000 at the same open: the
//     quantity order fills first, then the target is sized against the
//     position it left: 5 more, cash 10,000 − 1,000 = 9,000;
//   - a TargetValue of 1,000 beside a working buy limit of 5 at 101
//     (submitted with it): a target is sized against the position, not
//     the pending orders: it buys 10 at the open, the limit 5 more at the
//     open too (101 is above it: a gap), cash 10,000 − 1,500 = 8,500, 15
//     held;
//   - TargetValue 0 on a short of 7 (sold at 100 on 2024-01-03) buys 7 at
//     the next open, 2024-01-04; a TargetWeight 0 after it, flat, does
//     nothing: cash 10,000.
func TestTargetOrderEdges(t *testing.T) {
	var flat []row
	for d := 2; d <= 5; d++ {
		flat = append(flat, row{data.FormatDay(data.Day(2024, 1, d)), 100, 100, 100, 100, 1e6})
	}
	p := panel(series(t, "A", data.Equity, flat))
	regT := Config{Cash: 10000, Commission: 10, Equity: Terms{Margin: Margin{Initial: 0.5, Maintenance: 0.25}}}
	w := func(v float64) Order { return Order{Instrument: 0, Kind: Market, Sizing: TargetWeight, Amount: v} }
	value := Order{Instrument: 0, Kind: Market, Sizing: TargetValue, Amount: 1000}
	for _, tc := range []struct {
		name   string
		cfg    Config
		orders []Order
		want   []wantFill
		cash   float64
		reject float64
	}{
		{"weight 2 at Reg T", regT, []Order{w(2)}, []wantFill{{"2024-01-03", Market, 200 / 1.002, 100}}, -9980.04, 0},
		{"weight 2.5 at Reg T", regT, []Order{w(2.5)}, nil, 10000, 250 / 1.0025},
		{"weight 3 without margin", Config{Cash: 10000}, []Order{w(3)}, []wantFill{{"2024-01-03", Market, 300, 100}}, -20000, 0},
		{"quantity then target", Config{Cash: 10000}, []Order{{Instrument: 0, Kind: Market, Amount: 5}, value},
			[]wantFill{{"2024-01-03", Market, 5, 100}, {"2024-01-03", Market, 5, 100}}, 9000, 0},
		{"target beside a working limit", Config{Cash: 10000}, []Order{{Instrument: 0, Kind: Limit, Amount: 5, Price: 101}, value},
			[]wantFill{{"2024-01-03", Market, 10, 100}, {"2024-01-03", Limit, 5, 100}}, 8500, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := one(t, p, tc.cfg, at(0, tc.orders...))
			checkFills(t, res, tc.want, tc.cash)
			rejected := len(res.Events) == 1 && res.Events[0].Reason == ReasonBuyingPower && math.Abs(res.Events[0].Qty-tc.reject) < 1e-9
			if rejected != (tc.reject != 0) {
				t.Errorf("events %+v, want a rejection of %g", res.Events, tc.reject)
			}
		})
	}
	t.Run("target zero on a short", func(t *testing.T) {
		res := one(t, p, Config{Cash: 10000}, func(ctx *Context, s *Slice) error {
			var err error
			switch s.Step {
			case 0:
				_, err = ctx.Sell(0, 7)
			case 1:
				_, err = ctx.TargetValue(0, 0, Market, "")
			case 2:
				_, err = ctx.TargetWeight(0, 0, Market, "")
			}
			return err
		})
		checkFills(t, res, []wantFill{{"2024-01-03", Market, -7, 100}, {"2024-01-04", Market, 7, 100}}, 10000)
		if res.Portfolio.Qty[0] != 0 {
			t.Errorf("position %g, want 0", res.Portfolio.Qty[0])
		}
	})
}

// Orders without a next bar, cancels and replaces under a participation
// cap. An equity with weekday bars beside a token with a bar every day:
// Friday 2024-01-05 closes at 105, Monday 2024-01-08 opens and closes at
// 108 (each equity bar is flat at 100 + its day of the month).
//
//   - decided on Saturday's token step: a market buy of 1, a Day market
//     buy of 4 and a market-on-close buy of 2 wait for the equity's next
//     bar: 1 and 4 at Monday's open, 108, and 2 at its close, 108; cash
//     1,000,000 − 7 × 108 = 999,244;
//   - the equity's data ends on Friday: a market and a market-on-close
//     order decided then (the token's Friday close, at 24:00, is later
//     than the equity's, so the latter waits for a later equity close)
//     never fill and are still pending at the end, no event said;
//   - at the last bar of the data a market buy of 1 never fills, a
//     market-on-close buy of 2 fills at that close, 109: cash 1,000,000 −
//     218 = 999,782.
func TestOrdersWithoutANextBar(t *testing.T) {
	var tok, eq []row
	for d := 4; d <= 9; d++ {
		day := data.FormatDay(data.Day(2024, 1, d))
		tok = append(tok, row{day, 10, 10, 10, 10, 1e6})
		if d != 6 && d != 7 {
			px := float64(100 + d)
			eq = append(eq, row{day, px, px, px, px, 1e6})
		}
	}
	t.Run("weekend", func(t *testing.T) {
		p := panel(series(t, "EQ", data.Equity, eq), series(t, "TOK", data.Crypto, tok))
		res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
			if data.FormatDay(s.Time) != "2024-01-06" {
				return nil
			}
			for _, o := range []Order{{Instrument: 0, Kind: Market, Amount: 1}, {Instrument: 0, Kind: Market, Amount: 4, TIF: Day}, {Instrument: 0, Kind: MarketOnClose, Amount: 2}} {
				if _, err := ctx.Submit(o); err != nil {
					return err
				}
			}
			return nil
		})
		checkFills(t, res, []wantFill{{"2024-01-08", Market, 1, 108}, {"2024-01-08", Market, 4, 108}, {"2024-01-08", MarketOnClose, 2, 108}}, 999_244)
		if len(res.Events) != 0 {
			t.Errorf("events %+v, want none (the Day order filled)", res.Events)
		}
	})
	t.Run("data ended", func(t *testing.T) {
		p := panel(series(t, "EQ", data.Equity, eq[:2]), series(t, "TOK", data.Crypto, tok))
		pending := -1
		res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
			switch data.FormatDay(s.Time) {
			case "2024-01-05":
				if _, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 1}); err != nil {
					return err
				}
				_, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 1})
				return err
			case "2024-01-09":
				pending = ctx.Pending()
			}
			return nil
		})
		checkFills(t, res, nil, 1e6)
		if pending != 2 || len(res.Events) != 0 {
			t.Errorf("pending %d at the end, events %+v; want 2 and none", pending, res.Events)
		}
	})
	t.Run("last bar", func(t *testing.T) {
		p := panel(series(t, "EQ", data.Equity, eq))
		res := one(t, p, Config{}, at(3, Order{Instrument: 0, Kind: Market, Amount: 1}, Order{Instrument: 0, Kind: MarketOnClose, Amount: 2}))
		checkFills(t, res, []wantFill{{"2024-01-09", MarketOnClose, 2, 109}}, 999_782)
	})
}

// Cancels and replaces under a participation cap of 10 % of bars of
// 1,000 (100 a bar), on a flat market at 100, cash 1,000,000:
//
//   - a buy of 250 fills 100 on 2024-01-03; replaced then to 50, the
//     amount left to fill as of the decision, it fills 50 on 2024-01-04
//     (150 in all, not 50 nor 100 + 250): cash 1,000,000 − 15,000 =
//     985,000; cancelling it afterwards, filled, reports false;
//   - a buy of 250 cancelled after its first 100 fills nothing more:
//     cash 990,000;
//   - a TargetValue of 25,000 fills 100; replaced to 15,000 (a target is
//     a new total, not what is left) it fills 50 more: cash 985,000;
//   - a Day buy of 250 fills 100 on its first bar and its 150 left
//     expire there (EventExpired, Qty 150): cash 990,000.
func TestCancelReplaceUnderTheCap(t *testing.T) {
	var flat []row
	for d := 2; d <= 6; d++ {
		flat = append(flat, row{data.FormatDay(data.Day(2024, 1, d)), 100, 100, 100, 100, 1000})
	}
	p := panel(series(t, "A", data.Equity, flat))
	cfg := Config{Equity: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	for _, tc := range []struct {
		name  string
		o     Order
		step1 func(ctx *Context, id OrderID) bool // what the strategy does after the first fill; want true
		step2 func(ctx *Context, id OrderID) bool
		want  []wantFill
		cash  float64
	}{
		{"replace a partly filled order", Order{Instrument: 0, Kind: Market, Amount: 250},
			func(ctx *Context, id OrderID) bool { return ctx.Replace(id, 50, 0, 0) },
			func(ctx *Context, id OrderID) bool { return !ctx.Cancel(id) },
			[]wantFill{{"2024-01-03", Market, 100, 100}, {"2024-01-04", Market, 50, 100}}, 985_000},
		{"cancel a partly filled order", Order{Instrument: 0, Kind: Market, Amount: 250},
			func(ctx *Context, id OrderID) bool { return ctx.Cancel(id) },
			func(ctx *Context, id OrderID) bool { return !ctx.Cancel(id) },
			[]wantFill{{"2024-01-03", Market, 100, 100}}, 990_000},
		{"replace a partly filled target", Order{Instrument: 0, Kind: Market, Sizing: TargetValue, Amount: 25000},
			func(ctx *Context, id OrderID) bool { return ctx.Replace(id, 15000, 0, 0) },
			func(ctx *Context, id OrderID) bool { return ctx.Pending() == 0 },
			[]wantFill{{"2024-01-03", Market, 100, 100}, {"2024-01-04", Market, 50, 100}}, 985_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var id OrderID
			res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
				var err error
				switch s.Step {
				case 0:
					id, err = ctx.Submit(tc.o)
				case 1:
					if !tc.step1(ctx, id) {
						t.Errorf("step 1: the cancel or replace failed")
					}
				case 2:
					if !tc.step2(ctx, id) {
						t.Errorf("step 2: the check failed")
					}
				}
				return err
			})
			checkFills(t, res, tc.want, tc.cash)
		})
	}
	t.Run("Day order under the cap", func(t *testing.T) {
		res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 250, TIF: Day}))
		checkFills(t, res, []wantFill{{"2024-01-03", Market, 100, 100}}, 990_000)
		if len(res.Events) != 1 || res.Events[0].Kind != EventExpired || res.Events[0].Qty != 150 || data.FormatDay(res.Events[0].Time) != "2024-01-03" {
			t.Errorf("events %+v, want 150 expired on 2024-01-03", res.Events)
		}
	})
}

// A target-sized trailing stop (TargetValue 0, closing) has no side while
// the position is flat: its extreme holds still while it is inert and
// follows the path from the first bar that opens with a position. It is
// submitted flat at the close 100; the next bar rises to 130 and closes
// at 120, where the strategy buys 10 (cash 1,000,000 − 1,200 = 998,800).
// The up bar 120/121/119/120 (path 120 → 119 → 121 → 120): the open
// 120 is the new peak (stop 115), the low 119 stays above it, the high
// 121 is the peak (stop 116). Had the flat bar's high counted (peak 130,
// stop 125), this bar would have sold at its open. The down bar
// 120/121/115/116 reaches 116 on the way to its low: fills at 116, cash
// 998,800 + 1,160 = 999,960.
func TestTargetTrailingStopStillWhileFlat(t *testing.T) {
	p := panel(series(t, "A", data.Equity, []row{{"2024-01-02", 100, 100, 100, 100, 1e6}, {"2024-01-03", 100, 130, 100, 120, 1e6},
		{"2024-01-04", 120, 121, 119, 120, 1e6}, {"2024-01-05", 120, 121, 115, 116, 1e6}}))
	res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			_, err = ctx.Submit(Order{Instrument: 0, Kind: TrailingStop, Sizing: TargetValue, Trail: 5})
		case 1:
			_, err = ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 10})
		}
		return err
	})
	checkFills(t, res, []wantFill{{"2024-01-03", MarketOnClose, 10, 120}, {"2024-01-05", TrailingStop, -10, 116}}, 999_960)
}
