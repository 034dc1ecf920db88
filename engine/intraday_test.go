package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// flatAt builds a series of flat bars (open = high = low = close = px) at
// the given instants, with its interval detected as the readers do.
func flatAt(t *testing.T, sym string, class data.Class, px float64, times ...time.Time) data.Series {
	t.Helper()
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class, Source: "test"}}
	for _, tm := range times {
		s.Time = append(s.Time, tm.UnixNano())
		for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose} {
			*c = append(*c, px)
		}
		s.Volume = append(s.Volume, 1e6)
	}
	if err := s.Validate(sym); err != nil {
		t.Fatal(err)
	}
	s.SetInterval()
	return s
}

// hourly returns n instants an hour apart from t0.
func hourly(t0 time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for k := range out {
		out[k] = t0.Add(time.Duration(k) * time.Hour)
	}
	return out
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// Borrow and interest accrue on the time elapsed between steps (ACT/360),
// whatever the bar: an hour between hourly bars is 1/24 of a day, and
// Friday's last bar to Monday's first is 2 days 18 hours.
func TestIntradayBorrowAndInterestAccrueElapsedTime(t *testing.T) {
	fri := hourly(utc(2025, 1, 10, 14, 30), 7) // 14:30Z … 20:30Z
	mon := utc(2025, 1, 13, 14, 30)
	eq := flatAt(t, "EQ", data.Equity, 100, append(fri, mon)...)
	cfg := Config{Cash: 10000, CashRate: 0.036, Equity: Terms{Borrow: Borrow{Rate: 0.036}}}
	// Short 100 at step 0 (14:30Z); it fills at 15:30Z's open, 100.
	res := one(t, panel(eq), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: -100}))
	// Borrow: 100 × 100 × 0.036 / 360 = 1 a day on the short, held from
	// 15:30Z Friday to 14:30Z Monday = 2 days 23 hours = 71/24 days:
	// 2.958333….
	if got, want := res.Costs.Borrow, 71.0/24; math.Abs(got-want) > 1e-12 {
		t.Errorf("borrow %.12f, want %.12f", got, want)
	}
	var monday float64
	for _, e := range res.Ledger {
		if e.Kind == CostBorrow && e.Time == mon.UnixNano() {
			monday = e.Amount
		}
	}
	// The weekend step alone: 1 × 2.75 days.
	if math.Abs(monday-2.75) > 1e-12 {
		t.Errorf("borrow booked at Monday's bar %.12f, want 2.75", monday)
	}
	// Interest on cash net of the short's proceeds, 10,000 (plus the
	// interest itself, ~1e-5 relative): 10,000 × 0.036 / 360 = 1 a day,
	// Friday 14:30Z to Monday 14:30Z = 3 days, an income of 3.
	if got := res.Costs.Interest; math.Abs(got-(-3)) > 1e-4 {
		t.Errorf("interest %.9f, want -3", got)
	}
}

// Funding settles at its real instants on intraday bars: each event at the
// bar that holds it (the bar opening at it, or a :30 bar opening before
// it), and an event in a gap at the first bar after it, on the position
// held through the gap. Daily bars keep settling a day's events together.
func TestIntradayFundingAtItsInstants(t *testing.T) {
	// TAO: hourly on the hour, 05:00Z … 17:00Z, no 08:00Z bar.
	var tao []time.Time
	for _, tm := range hourly(utc(2025, 1, 6, 5, 0), 13) {
		if tm.Hour() != 8 {
			tao = append(tao, tm)
		}
	}
	// FET: hourly at :30, 05:30Z … 17:30Z.
	fet := hourly(utc(2025, 1, 6, 5, 30), 13)
	p := panel(flatAt(t, "TAO", data.Crypto, 100, tao...), flatAt(t, "FET", data.Crypto, 100, fet...))
	cfg := Config{Crypto: Terms{Funding: Funding{Rate: 0.001, Interval: DefaultFundingInterval}}}
	// Long 10 of each at the first step (05:00Z): TAO fills at 06:00Z,
	// FET at 05:30Z.
	res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 10}, Order{Instrument: 1, Kind: Market, Amount: 10}))
	// Each event pays 10 × 0.001 × 100 = 1.
	var got []string
	for _, e := range res.Ledger {
		if e.Kind == CostFunding {
			if e.Amount != 1 {
				t.Errorf("funding %g at %s, want 1", e.Amount, data.FormatTime(e.Time))
			}
			got = append(got, p.Series[e.Instrument].Symbol+"@"+data.FormatTime(e.Time))
		}
	}
	// TAO's 08:00Z event falls in its gap: settled at 09:00Z; its 16:00Z
	// event at the 16:00Z bar. FET's 08:00Z event at the 07:30Z bar
	// (which holds 07:30–08:30), its 16:00Z one at the 15:30Z bar.
	want := "FET@2025-01-06T07:30:00Z TAO@2025-01-06T09:00:00Z FET@2025-01-06T15:30:00Z TAO@2025-01-06T16:00:00Z"
	if strings.Join(got, " ") != want {
		t.Errorf("funding at\n %v\nwant\n %s", got, want)
	}

	// Daily bars: the three events of a day settle at that day's bar.
	d := flatAt(t, "BTC", data.Crypto, 100, utc(2025, 1, 6, 0, 0), utc(2025, 1, 7, 0, 0), utc(2025, 1, 8, 0, 0))
	res = one(t, panel(d), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 10}))
	got = got[:0]
	for _, e := range res.Ledger {
		if e.Kind == CostFunding {
			got = append(got, data.FormatTime(e.Time)+"="+strconv.FormatFloat(e.Amount, 'g', -1, 64))
		}
	}
	if strings.Join(got, " ") != "2025-01-07T00:00:00Z=3 2025-01-08T00:00:00Z=3" {
		t.Errorf("daily funding %v", got)
	}
}

// The Context tells a strategy each instrument's interval and when its
// next bar opens (its calendar), never a later price.
func TestContextIntervalAndNextBarTime(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, utc(2025, 1, 10, 20, 30), utc(2025, 1, 13, 14, 30), utc(2025, 1, 13, 15, 30))
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 1, 10, 20, 0), 4)...)
	var lines []string
	_ = one(t, panel(eq, cr), Config{}, func(ctx *Context, s *Slice) error {
		next := func(i int) string {
			if n := ctx.NextBarTime(i); n != math.MaxInt64 {
				return data.FormatTime(n)
			}
			return "none"
		}
		lines = append(lines, data.FormatTime(s.Time)+" "+next(0)+" "+next(1))
		if ctx.Interval(0) != data.Hour || ctx.Interval(1) != data.Hour {
			t.Errorf("intervals %s %s", ctx.Interval(0), ctx.Interval(1))
		}
		return nil
	})
	want := []string{
		"2025-01-10T20:00:00Z 2025-01-10T20:30:00Z 2025-01-10T21:00:00Z",
		"2025-01-10T20:30:00Z 2025-01-13T14:30:00Z 2025-01-10T21:00:00Z",
		"2025-01-10T21:00:00Z 2025-01-13T14:30:00Z 2025-01-10T22:00:00Z",
		"2025-01-10T22:00:00Z 2025-01-13T14:30:00Z 2025-01-10T23:00:00Z",
		"2025-01-10T23:00:00Z 2025-01-13T14:30:00Z none",
		"2025-01-13T14:30:00Z 2025-01-13T15:30:00Z none",
		"2025-01-13T15:30:00Z none none",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// Bars stamped off each other's grid (an equity's hourly bars at :30, a
// token's at :00): a decision at the equity's 13:30Z step has seen that
// bar's close, which comes at 14:30Z, so an order fills at each
// instrument's first open at or after 14:30Z (the token's 14:00Z open
// is before it); and an order filled while another instrument's bar is
// still open (the equity's 15:30Z bar at the token's 16:00Z step) is
// sized with that bar's open, not its close (16:30Z). By hand:
//
//	EQ bars 13:30Z 100→150 (open→close), 14:30Z 150→200, 15:30Z 200→260, 16:30Z 260;
//	CR flat at 100, hourly 13:00Z … 18:00Z; no costs, cash 1,000,000.
//	13:30Z: buy 1,000 EQ and 10 CR at market (seen: EQ's close of 14:30Z):
//	  EQ at its 14:30Z open, 150; CR at its 15:00Z open, 100 (not 14:00Z);
//	14:30Z: CR to half the equity (seen: EQ's close of 15:30Z): it fills at
//	  CR's 16:00Z open (not 15:00Z), sized when it fills: cash 1,000,000 −
//	  150,000 − 1,000 = 849,000; EQ's 15:30Z bar is open until 16:30Z, so
//	  EQ counts at its open, 200 (its close, 260, is not known at 16:00Z):
//	  equity 849,000 + 1,000 × 200 + 10 × 100 = 1,050,000; CR target
//	  525,000 / 100 = 5,250, so it buys 5,240.
func TestNoFillBeforeASeenClose(t *testing.T) {
	var eq data.Series
	eq.Instrument = data.Instrument{Symbol: "EQ", Class: data.Equity, Source: "test"}
	for k, b := range [][2]float64{{100, 150}, {150, 200}, {200, 260}, {260, 260}} {
		eq.Time = append(eq.Time, utc(2025, 10, 8, 13+k, 30).UnixNano())
		eq.Open, eq.Close = append(eq.Open, b[0]), append(eq.Close, b[1])
		eq.High, eq.Low = append(eq.High, max(b[0], b[1])), append(eq.Low, min(b[0], b[1]))
		eq.Volume = append(eq.Volume, 1e6)
	}
	eq.AdjClose = eq.Close
	if err := eq.Validate("EQ"); err != nil {
		t.Fatal(err)
	}
	eq.SetInterval()
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 6)...)
	res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		var err error
		switch time.Unix(0, s.Time).UTC() {
		case utc(2025, 10, 8, 13, 30):
			if _, err = ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 1000}); err == nil {
				_, err = ctx.Submit(Order{Instrument: 1, Kind: Market, Amount: 10})
			}
		case utc(2025, 10, 8, 14, 30):
			_, err = ctx.TargetWeight(1, 0.5, Market, "")
		}
		return err
	})
	want := []struct {
		at         time.Time
		inst       int
		qty, price float64
	}{
		{utc(2025, 10, 8, 14, 30), 0, 1000, 150},
		{utc(2025, 10, 8, 15, 0), 1, 10, 100},
		{utc(2025, 10, 8, 16, 0), 1, 5240, 100},
	}
	if len(res.Fills) != len(want) {
		t.Fatalf("%d fills, want %d: %+v", len(res.Fills), len(want), res.Fills)
	}
	for k, w := range want {
		f := res.Fills[k]
		if f.Time != w.at.UnixNano() || f.Instrument != w.inst || math.Abs(f.Qty-w.qty) > 1e-9 || f.Price != w.price {
			t.Errorf("fill %d: %s inst %d %g @ %g, want %s inst %d %g @ %g", k, data.FormatTime(f.Time), f.Instrument, f.Qty, f.Price,
				data.FormatTime(w.at.UnixNano()), w.inst, w.qty, w.price)
		}
	}
}

// The margin check at one instrument's step values another whose bar is
// still open at its open, the last price known then, not at the close
// that bar will reach. Cross margin (maintenance 5%), cash 12,000; A
// hourly at :30, B at :00, both bought 250 at 100 (cash −38,000). A's
// 11:30Z bar falls to 95 (its close, at 12:30Z); B's 12:00Z bar dips to
// 62 and closes at 100. At B's 12:00Z step, A counts at 100 (its 11:30Z
// bar's open): equity −38,000 + 250 × 100 + 250 × 62 = 2,500 ≥
// 0.05 × 250 × 162 = 2,025: no call. At A's future close, 95, it
// would be 1,250 < 2,012.5: a margin call and a liquidation on a price
// not yet known.
func TestMarginCheckAtKnownPrices(t *testing.T) {
	bars := func(sym string, times []time.Time, ohlc [][4]float64) data.Series {
		s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Crypto, Source: "test"}}
		for k, tm := range times {
			b := ohlc[min(k, len(ohlc)-1)]
			s.Time = append(s.Time, tm.UnixNano())
			s.Open, s.High, s.Low, s.Close = append(s.Open, b[0]), append(s.High, b[1]), append(s.Low, b[2]), append(s.Close, b[3])
			s.Volume = append(s.Volume, 1e6)
		}
		s.AdjClose = s.Close
		if err := s.Validate(sym); err != nil {
			t.Fatal(err)
		}
		s.SetInterval()
		return s
	}
	flat := [4]float64{100, 100, 100, 100}
	a := bars("A", hourly(utc(2025, 1, 6, 9, 30), 4), [][4]float64{flat, flat, {100, 100, 95, 95}, {95, 95, 95, 95}})
	b := bars("B", hourly(utc(2025, 1, 6, 9, 0), 5), [][4]float64{flat, flat, flat, {100, 100, 62, 100}, flat})
	cfg := Config{Cash: 12000, Crypto: Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.05, LiquidationFee: 0.01}}}
	res := one(t, panel(a, b), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 250}, Order{Instrument: 1, Kind: Market, Amount: 250}))
	if len(res.Fills) != 2 || res.MarginCalls != 0 || res.Liquidations != 0 {
		t.Fatalf("fills %+v, margin calls %d, liquidations %d: want the two buys and no call", res.Fills, res.MarginCalls, res.Liquidations)
	}
	if !near(res.Portfolio.Cash, -38000, 1e-12) {
		t.Errorf("cash %g, want -38,000", res.Portfolio.Cash)
	}
}

// The rule reads the bars' length from the timeline, which measures it:
// a panel built without Series.Interval set fills as one with it set.
func TestNoFillBeforeASeenCloseIntervalUnset(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 10, 8, 13, 30), 4)...)
	cr := flatAt(t, "CR", data.Crypto, 100, hourly(utc(2025, 10, 8, 13, 0), 6)...)
	eq.Interval, cr.Interval = 0, 0
	res := one(t, panel(eq, cr), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
		if time.Unix(0, s.Time).UTC() == utc(2025, 10, 8, 13, 30) {
			_, err := ctx.Submit(Order{Instrument: 1, Kind: Market, Amount: 10})
			return err
		}
		return nil
	})
	if len(res.Fills) != 1 || res.Fills[0].Time != utc(2025, 10, 8, 15, 0).UnixNano() {
		t.Errorf("fills %+v: want CR's at 15:00Z, the first open after EQ's 14:30Z close", res.Fills)
	}
}

// On a daily grid, a weekly series or one of a single bar holds nothing
// back: bars of a day or longer count as a day. A daily buy decided on
// 2024-10-07 fills at 10-08's open beside a weekly series; a
// market-on-close order on a one-bar series fills at its close.
func TestDailyGridLongBars(t *testing.T) {
	var daily, weekly []row
	for d := 7; d <= 11; d++ {
		daily = append(daily, row{fmt.Sprintf("2024-10-%02d", d), 100, 100, 100, 100, 1e6})
	}
	for _, d := range []string{"2024-09-30", "2024-10-07", "2024-10-14"} {
		weekly = append(weekly, row{d, 50, 50, 50, 50, 1e6})
	}
	p := panel(series(t, "D", data.Equity, daily), series(t, "W", data.Equity, weekly))
	res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
		if data.FormatDay(s.Time) == "2024-10-07" {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 10})
			return err
		}
		return nil
	})
	if len(res.Fills) != 1 || data.FormatDay(res.Fills[0].Time) != "2024-10-08" {
		t.Errorf("fills %+v: want D's buy at 2024-10-08", res.Fills)
	}
	one1 := series(t, "S", data.Crypto, []row{{"2024-10-09", 50, 50, 50, 50, 1e6}})
	p = panel(series(t, "D", data.Crypto, daily), one1)
	res = one(t, p, Config{}, func(ctx *Context, s *Slice) error {
		if data.FormatDay(s.Time) == "2024-10-08" {
			_, err := ctx.Submit(Order{Instrument: 1, Kind: MarketOnClose, Amount: 10})
			return err
		}
		return nil
	})
	if len(res.Fills) != 1 || data.FormatDay(res.Fills[0].Time) != "2024-10-09" || res.Fills[0].Price != 50 {
		t.Errorf("fills %+v: want S's close on 2024-10-09 at 50", res.Fills)
	}
}

// A market-on-close order sized beside a longer bar still open: D daily
// (10-06, 10-07 at 100; 10-08 opens 100, closes 200, at 10-09 00:00), A
// and B hourly at 100, A without a bar at 10-07 23:00. Cash 10,000; 50 D
// bought at 10-07's open (5,000). At B's 23:00 step A is targeted to
// half the equity at the close: it fills at A's 00:00 bar's close (01:00),
// while D's 10-08 bar is open until the next day: D counts at its open,
// 100: equity 5,000 + 50 × 100 = 10,000, A 5,000 / 100 = 50 (at D's
// close, 200, it would be 75).
func TestCloseFillMarksOpenBars(t *testing.T) {
	d := series(t, "D", data.Crypto, []row{{"2024-10-06", 100, 100, 100, 100, 1e6}, {"2024-10-07", 100, 100, 100, 100, 1e6}, {"2024-10-08", 100, 200, 100, 200, 1e6}})
	var at []time.Time
	for _, tm := range hourly(utc(2024, 10, 6, 0, 0), 51) {
		if tm != utc(2024, 10, 7, 23, 0) {
			at = append(at, tm)
		}
	}
	a := flatAt(t, "A", data.Crypto, 100, at...)
	b := flatAt(t, "B", data.Crypto, 100, hourly(utc(2024, 10, 6, 0, 0), 51)...)
	res, err := Run(panel(d, a, b), nil, script(func(ctx *Context, s *Slice) error {
		var err error
		switch time.Unix(0, s.Time).UTC() {
		case utc(2024, 10, 6, 0, 0):
			_, err = ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 50})
		case utc(2024, 10, 7, 23, 0):
			_, err = ctx.TargetWeight(1, 0.5, MarketOnClose, "")
		}
		return err
	}), Config{Cash: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 2 || res.Fills[1].Instrument != 1 || res.Fills[1].Time != utc(2024, 10, 8, 0, 0).UnixNano() || math.Abs(res.Fills[1].Qty-50) > 1e-9 {
		t.Errorf("fills %+v: want D 50 at 10-07, then A 50 at the 10-08 00:00 close", res.Fills)
	}
}

// An equity's daily bar closes at 21:00 UTC (New York's 16:00 in
// winter), a token's at the next 00:00 UTC. A market-on-close order on
// the equity decided at a step that shows the token's daily bar, whose
// close comes three hours after the equity's, fills at the equity's
// next close: at the close of the same day it would trade on a price the
// token made after that close. Alone, or beside another equity, it fills
// at the close it was decided on; the token's order fills at its own
// close, after the equity's. EQ closes 100, 110, 120 on Monday to
// Wednesday 2024-01-08 to 01-10; TOK 50, 55, 60.
func TestEquityDailyCloseBeforeToken(t *testing.T) {
	days := []string{"2024-01-08", "2024-01-09", "2024-01-10"}
	rows := func(c ...float64) []row {
		var r []row
		for k, d := range days {
			r = append(r, row{d, c[k], c[k], c[k], c[k], 1e6})
		}
		return r
	}
	eq := series(t, "EQ", data.Equity, rows(100, 110, 120))
	tok := series(t, "TOK", data.Crypto, rows(50, 55, 60))
	eq2 := series(t, "EQ2", data.Equity, rows(10, 11, 12))
	// A Tokyo stock's daily bar closes at 06:00 UTC (15:00 JST), fifteen
	// hours before New York's: an order on it decided on a New York close
	// fills at its next close, not at the one of the same date, whose
	// price came before what the decision saw (it did, when every
	// equity's bar closed at 21:00 UTC). Alone, or beside a token (whose
	// day closes after it), the same.
	jp := series(t, "9984.T", data.Equity, rows(7000, 7100, 7200))
	for _, c := range []struct {
		name  string
		p     *data.Panel
		order []int     // instruments given a market-on-close buy of 1 on Monday
		want  []float64 // their fill prices, in fill order
		day   []string  // and days
		// universe is the strategy's (Config.Universe); nil: every one.
		universe []string
	}{
		{"equity alone", panel(eq), []int{0}, []float64{100}, []string{"2024-01-08"}, nil},
		{"two equities", panel(eq, eq2), []int{0, 1}, []float64{100, 10}, []string{"2024-01-08", "2024-01-08"}, nil},
		{"equity beside a token", panel(eq, tok), []int{0}, []float64{110}, []string{"2024-01-09"}, nil},
		{"token beside an equity", panel(eq, tok), []int{1}, []float64{50}, []string{"2024-01-08"}, nil},
		// The token outside the strategy's universe: its close was not
		// seen, and the equity fills at the close it was decided on.
		{"equity beside a token it does not see", panel(eq, tok), []int{0}, []float64{100}, []string{"2024-01-08"}, []string{"EQ"}},
		{"Tokyo beside New York", panel(eq, jp), []int{1}, []float64{7100}, []string{"2024-01-09"}, nil},
		{"New York beside Tokyo", panel(eq, jp), []int{0}, []float64{100}, []string{"2024-01-08"}, nil},
		{"Tokyo alone", panel(jp), []int{0}, []float64{7000}, []string{"2024-01-08"}, nil},
		{"Tokyo beside a token", panel(jp, tok), []int{0}, []float64{7100}, []string{"2024-01-09"}, nil},
	} {
		res := one(t, c.p, Config{Cash: 1e4, Universe: c.universe}, func(ctx *Context, s *Slice) error {
			if s.Step == 0 {
				for _, i := range c.order {
					if _, err := ctx.Submit(Order{Instrument: i, Kind: MarketOnClose, Amount: 1}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if len(res.Fills) != len(c.want) {
			t.Errorf("%s: fills %+v, want %d", c.name, res.Fills, len(c.want))
			continue
		}
		for k, f := range res.Fills {
			if f.Price != c.want[k] || data.FormatDay(f.Time) != c.day[k] {
				t.Errorf("%s: fill %d at %g on %s, want %g on %s", c.name, k, f.Price, data.FormatDay(f.Time), c.want[k], c.day[k])
			}
		}
	}
	// The hour: at 21:00 UTC of its day, and a day when stamped past it.
	if got := sessionClose(data.Day(2024, 1, 8), 0, data.NewYork); got != data.Day(2024, 1, 8)+21*3600e9 {
		t.Errorf("sessionClose(2024-01-08) = %s", data.FormatTime(got))
	}
	late := data.Day(2024, 1, 8) + 22*3600e9
	if got := sessionClose(late, late+data.NanosPerDay, data.NewYork); got != late+data.NanosPerDay {
		t.Errorf("sessionClose(2024-01-08T22:00Z) = %s, want a day later", data.FormatTime(got))
	}
}

// A cancel, or a replace, decided at a step that shows a close later than
// the next step takes effect at that close: until then the order stays
// live, as sent. EQ hourly at :30 (its 13:30Z bar closes at 14:30Z), CR
// hourly at :00. A limit buy of 10 CR at 85 rests from the 13:00Z step;
// CR's 14:00Z bar dips to 80 (open 100, low 80, close 100), and its
// 15:00Z bar to 70. At the 13:30Z step the strategy has seen EQ's close
// of 14:30Z and cancels (or lowers the limit to 75): it could not have
// done so before 14:30Z, half-way through CR's 14:00Z bar, which opens
// at 100 and reaches 85 on its way to the low (open, low, high, close
// path): the order, still as sent, fills there, 10 at 85. On one grid
// (CR alone, the decision at the 13:00Z step seeing the 14:00Z close) the
// cancel is at once: no fill, and the replaced limit of 75 fills on the
// 15:00Z bar at 75.
func TestCancelAfterTheCloseItSaw(t *testing.T) {
	bars := func(sym string, class data.Class, t0 time.Time, n int, ohlc map[int][4]float64) data.Series {
		s := flatAt(t, sym, class, 100, hourly(t0, n)...)
		for k, b := range ohlc {
			s.Open[k], s.High[k], s.Low[k], s.Close[k] = b[0], b[1], b[2], b[3]
		}
		return s
	}
	cr := bars("CR", data.Crypto, utc(2025, 10, 8, 13, 0), 5, map[int][4]float64{1: {100, 100, 80, 100}, 2: {100, 100, 70, 100}})
	eq := bars("EQ", data.Equity, utc(2025, 10, 8, 13, 30), 4, nil)
	// CR2: the 14:00Z bar stays at 100, the 15:00Z one dips to 70: the
	// replace, in force from 14:30Z, fills at 75, not at 85.
	cr2 := bars("CR", data.Crypto, utc(2025, 10, 8, 13, 0), 5, map[int][4]float64{2: {100, 100, 70, 100}})
	for _, c := range []struct {
		name    string
		p       *data.Panel
		decide  time.Time
		replace bool
		price   float64 // the fill's price, 0 for none
		at      time.Time
		all     bool // CancelAll instead of Cancel
	}{
		{"cancel off the grid", panel(eq, cr), utc(2025, 10, 8, 13, 30), false, 85, utc(2025, 10, 8, 14, 0), false},
		{"cancel all off the grid", panel(eq, cr), utc(2025, 10, 8, 13, 30), false, 85, utc(2025, 10, 8, 14, 0), true},
		{"cancel all on one grid", panel(cr), utc(2025, 10, 8, 13, 0), false, 0, time.Time{}, true},
		{"replace off the grid", panel(eq, cr), utc(2025, 10, 8, 13, 30), true, 85, utc(2025, 10, 8, 14, 0), false},
		{"replace off the grid, in force later", panel(eq, cr2), utc(2025, 10, 8, 13, 30), true, 75, utc(2025, 10, 8, 15, 0), false},
		{"cancel on one grid", panel(cr), utc(2025, 10, 8, 13, 0), false, 0, time.Time{}, false},
		{"replace on one grid", panel(cr), utc(2025, 10, 8, 13, 0), true, 75, utc(2025, 10, 8, 15, 0), false},
	} {
		crIdx := len(c.p.Series) - 1
		var id OrderID
		var pending []int
		res := one(t, c.p, Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
			now := time.Unix(0, s.Time).UTC()
			if now == utc(2025, 10, 8, 13, 0) {
				var err error
				if id, err = ctx.Submit(Order{Instrument: crIdx, Kind: Limit, Amount: 10, Price: 85}); err != nil {
					return err
				}
			}
			if now == c.decide {
				ok := false
				switch {
				case c.replace:
					ok = ctx.Replace(id, 0, 75, 0)
				case c.all:
					ok = ctx.CancelAll(crIdx) == 1
				default:
					ok = ctx.Cancel(id)
				}
				if !ok {
					t.Errorf("%s: the order was not pending", c.name)
				}
				if !c.replace && (ctx.Cancel(id) || ctx.CancelAll(crIdx) != 0 || ctx.Pending() != 0) {
					t.Errorf("%s: cancelled twice, or still pending", c.name)
				}
			}
			pending = append(pending, ctx.Pending())
			return nil
		})
		switch {
		case c.price == 0 && len(res.Fills) != 0:
			t.Errorf("%s: fills %+v, want none", c.name, res.Fills)
		case c.price != 0 && (len(res.Fills) != 1 || res.Fills[0].Price != c.price || res.Fills[0].Qty != 10 || res.Fills[0].Time != c.at.UnixNano()):
			t.Errorf("%s: fills %+v, want 10 at %g at %s", c.name, res.Fills, c.price, c.at.Format(time.RFC3339))
		}
		if !c.replace && pending[len(pending)-1] != 0 {
			t.Errorf("%s: %d orders pending at the end", c.name, pending[len(pending)-1])
		}
	}
}
