package engine

import (
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// Market-on-close orders fill in the order of their bars' closes, each
// sized with the others at the prices known at its close. Cash 10,000.
// Monday 2024-01-08 the strategy buys 100 TOK at the next open and sets
// EQ to half the equity at the close. Tuesday TOK opens at 50 (cash
// 5,000) and closes at 100, at 24:00 UTC; EQ is 100 all along and closes
// at 21:00 UTC, when TOK is still at its open: the equity then is 5,000
// + 100 × 50 = 10,000, and half of it is 50 EQ. Sized with TOK's close,
// three hours later, it was 0.5 × (5,000 + 100 × 100) / 100 = 75.
func TestCloseFillsSizedAtTheirClose(t *testing.T) {
	eq := series(t, "EQ", data.Equity, []row{
		{"2024-01-08", 100, 100, 100, 100, 1e6}, {"2024-01-09", 100, 100, 100, 100, 1e6}, {"2024-01-10", 100, 100, 100, 100, 1e6},
	})
	tok := series(t, "TOK", data.Crypto, []row{
		{"2024-01-08", 50, 50, 50, 50, 1e6}, {"2024-01-09", 50, 100, 50, 100, 1e6}, {"2024-01-10", 100, 100, 100, 100, 1e6},
	})
	res := one(t, panel(eq, tok), Config{Cash: 10000}, func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		if _, err := ctx.Submit(Order{Instrument: 1, Kind: Market, Amount: 100}); err != nil {
			return err
		}
		_, err := ctx.TargetWeight(0, 0.5, MarketOnClose, "")
		return err
	})
	var got *Fill
	for i := range res.Fills {
		if res.Fills[i].Symbol == "EQ" {
			got = &res.Fills[i]
		}
	}
	if got == nil || math.Abs(got.Qty-50) > 1e-9 || got.Price != 100 || data.FormatDay(got.Time) != "2024-01-09" {
		t.Errorf("EQ fill %+v: want 50 at 100 on 2024-01-09", got)
	}
}

// A daily equity beside hourly tokens: a market-on-close order on the
// equity, decided at the 00:00 step that shows its whole bar (open 100,
// close 120), fills at that close, 120, at the end of its session, not at
// its open, which it used to: the tokens' hour closes first, and the
// equity's bar was still open then.
func TestDailyEquityCloseBesideHourlyTokens(t *testing.T) {
	eq := series(t, "EQ", data.Equity, []row{{"2024-01-08", 100, 120, 100, 120, 1e6}, {"2024-01-09", 120, 120, 120, 120, 1e6}})
	tok := flatAt(t, "TOK", data.Crypto, 10, hourly(utc(2024, 1, 8, 0, 0), 48)...)
	res := one(t, panel(eq, tok), Config{Cash: 10000}, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 10})
			return err
		}
		return nil
	})
	if len(res.Fills) != 1 || res.Fills[0].Price != 120 || data.FormatDay(res.Fills[0].Time) != "2024-01-08" {
		t.Errorf("fills %+v: want 10 EQ at its close, 120, on 2024-01-08", res.Fills)
	}
}

// Off the grid (EQ hourly at :30, CR at :00), a market-on-close order on
// CR submitted and cancelled at the 13:30Z step (which shows EQ's 14:30Z
// close) does not fill: the cancel reaches the market at 14:30Z, before
// CR's 14:00Z bar closes at 15:00Z. And a quantity order replaced while
// it partly fills keeps the amount the replace asked for, less what
// filled meanwhile: a buy of 30 CR, 10 a bar (participation 10 % of a
// volume of 100), submitted at 13:00Z, replaced at 13:30Z by an amount
// of 30 (all of it still to fill then); 10 fill on the 14:00Z bar before
// the replace takes effect at 14:30Z, so 20 are left: 30 in all over
// 14:00, 15:00 and 16:00, not 40.
func TestOffGridCloseCancelAndPartialReplace(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 10, 8, 13, 30), 6)...)
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 7)...)
	for k := range cr.Volume {
		cr.Volume[k] = 100
	}
	res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		if time.Unix(0, s.Time).UTC() != utc(2025, 10, 8, 13, 30) {
			return nil
		}
		id, err := ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Amount: 5})
		if err != nil {
			return err
		}
		if !ctx.Cancel(id) {
			t.Errorf("the market-on-close order was not pending")
		}
		return nil
	})
	if len(res.Fills) != 0 {
		t.Errorf("cancelled market-on-close: fills %+v, want none", res.Fills)
	}
	cfg := Config{Cash: 1e6, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	var id OrderID
	res = one(t, panel(eq, cr), cfg, func(ctx *Context, s *Slice) error {
		var err error
		switch time.Unix(0, s.Time).UTC() {
		case utc(2025, 10, 8, 13, 0):
			id, err = ctx.Submit(Order{Instrument: 1, Kind: Market, Amount: 30})
		case utc(2025, 10, 8, 13, 30):
			if !ctx.Replace(id, 30, 0, 0) {
				t.Errorf("the order was not pending")
			}
		}
		return err
	})
	total := 0.0
	for _, f := range res.Fills {
		total += f.Qty
	}
	if total != 30 || len(res.Fills) != 3 {
		t.Errorf("fills %+v: want 3 of 10, 30 in all", res.Fills)
	}
}

// A resting order is pre-empted only by its own instrument's move to
// its liquidation price, not by another position's fall, which the
// maintenance check after the resting orders takes. Cash 10,000, crypto
// Initial 0.2, Maintenance 0.05, fee 1 %: long 200 X and 280 Y at 100
// (cash −38,000). X's next bar rises (100, 120, 100, 120) and reaches a
// sell limit of 110, the take-profit; Y's falls (100, 100, 70, 90). With
// Y at its open, X's liquidation price solves −38,000 + 280 × 100 + 200 L
// = 0.05 × (28,000 + 200 L): L = 11,400 / 190 = 60, which X never
// reaches: the take-profit fills, 200 at 110 (cash −16,000). The check
// at the bar's worst prices then finds −16,000 + 280 × 70 = 3,600 against
// 0.05 × 280 × 70 = 980: no margin call. Equity at the close: −16,000 +
// 280 × 90 = 9,200.
func TestLiquidationFirstOnlyForItsOwnMove(t *testing.T) {
	x := series(t, "X", data.Crypto, []row{{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 120, 100, 120, 1e9}})
	y := series(t, "Y", data.Crypto, []row{{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 100, 70, 90, 1e9}})
	cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}}}
	res := one(t, panel(x, y), cfg, func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		for _, o := range []Order{
			{Instrument: 0, Kind: MarketOnClose, Amount: 200},
			{Instrument: 1, Kind: MarketOnClose, Amount: 280},
			{Instrument: 0, Kind: Limit, Amount: -200, Price: 110},
		} {
			if _, err := ctx.Submit(o); err != nil {
				return err
			}
		}
		return nil
	})
	if res.Liquidations != 0 || res.MarginCalls != 0 {
		t.Errorf("%d liquidations, %d margin calls, want none", res.Liquidations, res.MarginCalls)
	}
	last := res.Fills[len(res.Fills)-1]
	if last.Symbol != "X" || last.Qty != -200 || last.Price != 110 {
		t.Errorf("last fill %+v: want X −200 at 110", last)
	}
	if eq := res.Curve.Equity[len(res.Curve.Equity)-1]; math.Abs(eq-9200) > 1e-9 || math.Abs(res.Portfolio.Cash+16000) > 1e-9 {
		t.Errorf("equity %.2f, cash %.2f: want 9,200 and −16,000", eq, res.Portfolio.Cash)
	}
}

// A new target order replaces a pending one of the same kind; off the
// grid the old one stays live until the close the decision saw, like a
// cancelled one. CR (hourly at :00, flat at 100) is targeted to half the
// equity of 1,000,000 at the 13:00Z step: 5,000 CR at the 14:00Z open.
// At the 13:30Z step, which shows EQ's 14:30Z close, a target of 0
// replaces it: it reaches the market at 14:30Z, after CR's 14:00Z open,
// so the 5,000 are bought there and sold at the 15:00Z open. On one grid
// (CR alone, both targets at the 13:00Z step) nothing trades.
func TestTargetReplacedAfterTheCloseItSaw(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 10, 8, 13, 30), 4)...)
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 5)...)
	for _, c := range []struct {
		name   string
		p      *data.Panel
		second time.Time
		want   []float64 // fill quantities
	}{
		{"off the grid", panel(eq, cr), utc(2025, 10, 8, 13, 30), []float64{5000, -5000}},
		{"on one grid", panel(cr), utc(2025, 10, 8, 13, 0), nil},
	} {
		i := len(c.p.Series) - 1
		res := one(t, c.p, Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
			now := time.Unix(0, s.Time).UTC()
			if now == utc(2025, 10, 8, 13, 0) {
				if _, err := ctx.TargetWeight(i, 0.5, Market, ""); err != nil {
					return err
				}
			}
			if now == c.second {
				_, err := ctx.TargetWeight(i, 0, Market, "")
				return err
			}
			return nil
		})
		var got []float64
		for _, f := range res.Fills {
			got = append(got, f.Qty)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: fills %+v, want %v", c.name, res.Fills, c.want)
			continue
		}
		for k := range got {
			if math.Abs(got[k]-c.want[k]) > 1e-9 {
				t.Errorf("%s: fill %d of %g, want %g", c.name, k, got[k], c.want[k])
			}
		}
		if len(res.Fills) == 2 && (res.Fills[0].Time != utc(2025, 10, 8, 14, 0).UnixNano() || res.Fills[1].Time != utc(2025, 10, 8, 15, 0).UnixNano()) {
			t.Errorf("%s: fills at %s and %s, want 14:00Z and 15:00Z", c.name, data.FormatTime(res.Fills[0].Time), data.FormatTime(res.Fills[1].Time))
		}
	}
}

// A replace of a market-on-close order reaches the market before the
// close it was meant for: the replaced order fills there, also as a Day
// order (which expired unfilled). EQ hourly at :30 from 13:30Z, opening
// at 100 and closing at 101, 102, …; CR hourly at :00, flat. At the 13:00Z
// step (whose latest close is CR's, at 14:00Z) the strategy sends a
// market-on-close buy of 10 EQ, then replaces it by 20: the replace
// reaches the market at 14:00Z, before EQ's 13:30Z bar closes at 14:30Z,
// where 20 fill at 101.
func TestReplacedCloseOrderFillsAtItsClose(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 10, 8, 13, 30), 4)...)
	for k := range eq.Close {
		eq.Close[k], eq.High[k], eq.AdjClose[k] = 101+float64(k), 101+float64(k), 101+float64(k)
	}
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 5)...)
	for _, tif := range []TimeInForce{GTC, Day} {
		res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
			if s.Step != 0 {
				return nil
			}
			id, err := ctx.Submit(Order{Instrument: 0, Kind: MarketOnClose, Amount: 10, TIF: tif})
			if err != nil {
				return err
			}
			if !ctx.Replace(id, 20, 0, 0) {
				t.Errorf("tif %d: not pending", tif)
			}
			return nil
		})
		if len(res.Fills) != 1 || res.Fills[0].Qty != 20 || res.Fills[0].Price != 101 {
			t.Errorf("tif %d: fills %+v, want 20 EQ at 101", tif, res.Fills)
		}
	}
}

// A second replace decided on the fills the strategy has seen counts
// them once: a buy of 30 CR, 10 a bar, replaced at 13:30Z by 30 (in force
// at 14:30Z); at 14:00Z, having seen 10 fill, the strategy replaces it by
// 25, in force at 15:00Z: 25 more fill (10, 10, 5), 35 in all. A single
// replace by 25 at 14:00Z gives as much.
func TestSecondReplaceCountsFillsOnce(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 10, 8, 13, 30), 8)...)
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 9)...)
	for k := range cr.Volume {
		cr.Volume[k] = 100
	}
	cfg := Config{Cash: 1e6, Crypto: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	for _, first := range []bool{true, false} {
		var id OrderID
		res := one(t, panel(eq, cr), cfg, func(ctx *Context, s *Slice) error {
			var err error
			switch time.Unix(0, s.Time).UTC() {
			case utc(2025, 10, 8, 13, 0):
				id, err = ctx.Submit(Order{Instrument: 1, Kind: Market, Amount: 30})
			case utc(2025, 10, 8, 13, 30):
				if first && !ctx.Replace(id, 30, 0, 0) {
					t.Errorf("not pending at 13:30")
				}
			case utc(2025, 10, 8, 14, 0):
				if !ctx.Replace(id, 25, 0, 0) {
					t.Errorf("not pending at 14:00")
				}
			}
			return err
		})
		total := 0.0
		for _, f := range res.Fills {
			total += f.Qty
		}
		if total != 35 {
			t.Errorf("first replace %v: fills %+v, %g in all, want 35", first, res.Fills, total)
		}
	}
}

// At a maintenance of 1 (X's equity less its requirement does not move
// with its price), another position's fall does not pre-empt X's order
// either: cash 10,000 buys 50 X and 200 Y at 100 (cash −15,000); X rises
// (100, 120, 100, 120) to a sell limit of 50 at 110; Y falls (100, 100,
// 70, 90). At X's open, with Y at its open, the account holds −15,000 +
// 20,000 + 5,000 = 10,000 against 5,000 × 1 + 20,000 × 0.05 = 6,000: it
// is not short, so the limit fills (cash −9,500) and the check at the
// worst prices finds −9,500 + 200 × 70 = 4,500 against 700: no call.
func TestLiquidationFirstAtFullMaintenance(t *testing.T) {
	x := series(t, "X", data.Crypto, []row{{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 120, 100, 120, 1e9}})
	y := series(t, "Y", data.Crypto, []row{{"2024-01-01", 100, 100, 100, 100, 1e9}, {"2024-01-02", 100, 100, 70, 90, 1e9}})
	cfg := Config{Cash: 10000, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}},
		Symbols: map[string]Terms{"X": {Margin: Margin{Initial: 1, Maintenance: 1}}}}
	res := one(t, panel(x, y), cfg, func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		for _, o := range []Order{
			{Instrument: 0, Kind: MarketOnClose, Amount: 50},
			{Instrument: 1, Kind: MarketOnClose, Amount: 200},
			{Instrument: 0, Kind: Limit, Amount: -50, Price: 110},
		} {
			if _, err := ctx.Submit(o); err != nil {
				return err
			}
		}
		return nil
	})
	if res.Liquidations != 0 || res.MarginCalls != 0 || math.Abs(res.Portfolio.Cash+9500) > 1e-9 {
		t.Errorf("%d liquidations, %d margin calls, cash %.2f: want none, none, −9,500", res.Liquidations, res.MarginCalls, res.Portfolio.Cash)
	}
}
