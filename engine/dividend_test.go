package engine

// Cash dividends with raw prices (Config.Dividends).

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// divMarket is five daily bars of A, raw prices, that go ex a 0.50
// dividend on 2024-01-03 (step 2): the price falls by it, 100 → 99.5.
func divMarket(t *testing.T) (*data.Panel, int64) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 99.5, 99.5, 99.5, 99.5, 1e9},
		{"2024-01-04", 99.5, 99.5, 99.5, 99.5, 1e9},
		{"2024-01-05", 99.5, 99.5, 99.5, 99.5, 1e9},
	})
	ex, _ := data.ParseDay("2024-01-03")
	return panel(a), ex
}

func TestDividendPaidOnThePositionHeldIntoTheExDate(t *testing.T) {
	p, ex := divMarket(t)
	cases := []struct {
		name string
		at   int       // the step whose OnBar submits the order
		kind OrderKind // Market: fills at the next open; MarketOnClose: at this close
		qty  float64   // > 0 buy, < 0 sell short
		// By hand: 10,000 cash; every fill at 100 but the one at the
		// ex-date's open (99.5); the dividend is 0.50 a share.
		cash  float64 // the final cash
		entry float64 // the ledger's dividend entry (0: none)
	}{
		// 100 bought at the 01-02 open (100): cash 10,000 − 10,000 = 0;
		// held into 01-03: + 100 × 0.50 = 50 received (entry −50).
		// Equity 50 + 100 × 99.5 = 10,000: the dividend makes up the
		// fall of the price by it.
		{"long", 0, Market, 100, 50, -50},
		// 100 sold short at the 01-02 open: cash 20,000; the short pays
		// 100 × 0.50 = 50 in lieu: 19,950 (entry +50). Equity 19,950 −
		// 9,950 = 10,000.
		{"short", 0, Market, -100, 19950, 50},
		// Bought at the 01-02 close (100), the day before the ex-date:
		// held into it, 50 received: cash 0 + 50.
		{"long at the close before", 1, MarketOnClose, 100, 50, -50},
		// Bought at the ex-date's own open (99.5, decided on 01-02's
		// close): not held going into the ex-date, nothing paid: cash
		// 10,000 − 9,950 = 50, and no entry.
		{"long at the ex-date open", 1, Market, 100, 50, 0},
		{"short at the ex-date open", 1, Market, -100, 19950, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Cash: 10000, Dividends: map[string][]Dividend{"A": {{Time: ex, Amount: 0.5}}}}
			res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
				if s.Step == c.at {
					_, err := ctx.Submit(Order{Instrument: 0, Kind: c.kind, Amount: c.qty})
					return err
				}
				return nil
			})
			if len(res.Fills) != 1 {
				t.Fatalf("%d fills, want 1", len(res.Fills))
			}
			if got := res.Portfolio.Cash; math.Abs(got-c.cash) > 1e-9 {
				t.Errorf("cash %.9f, want %g", got, c.cash)
			}
			if got := res.Costs.Dividend; got != c.entry {
				t.Errorf("Costs.Dividend = %g, want %g", got, c.entry)
			}
			var n int
			for _, e := range res.Ledger {
				if e.Kind != CostDividend {
					continue
				}
				n++
				if e.Amount != c.entry || e.Time != ex || e.Instrument != 0 || e.Kind.String() != "dividend" {
					t.Errorf("entry %+v (%s), want %g on 2024-01-03 for instrument 0, kind dividend", e, e.Kind, c.entry)
				}
			}
			if want := map[bool]int{true: 0, false: 1}[c.entry == 0]; n != want {
				t.Errorf("%d dividend entries, want %d", n, want)
			}
			// The cash dividend is the fall of the price: every case
			// ends where it began, 10,000.
			if eq := res.Curve.Equity[len(res.Curve.Equity)-1]; math.Abs(eq-10000) > 1e-9 {
				t.Errorf("final equity %.9f, want 10000", eq)
			}
			// Charges carry it, so that equity = initial + PnL −
			// commission − charges still holds.
			pf := res.Portfolio
			pnl := pf.Realized[0] + pf.Unrealized(res.FinalPrice)
			if eq := res.Curve.Equity[len(res.Curve.Equity)-1]; math.Abs(eq-(10000+pnl-pf.Commission-pf.Charges)) > 1e-9 {
				t.Errorf("equity %.9f != initial + pnl %g − commission %g − charges %g", eq, pnl, pf.Commission, pf.Charges)
			}
		})
	}
}

// A dividend dated at or before the run's first step is in its prices
// already: nothing is paid, and one in a gap between two steps is paid at
// the next step; two on one date are both paid.
func TestDividendTiming(t *testing.T) {
	p, _ := divMarket(t)
	day := func(s string) int64 { ts, _ := data.ParseDay(s); return ts }
	cfg := Config{Cash: 10000, Dividends: map[string][]Dividend{"A": {
		{Time: day("2023-12-01"), Amount: 9}, // before the data: never paid
		{Time: day("2024-01-01"), Amount: 7}, // the first step: in its prices
		// Between the 01-03 and 01-04 bars (a date with no bar): paid at
		// 01-04's step. Two on it, regular and special.
		{Time: day("2024-01-03") + 6*3600e9, Amount: 0.25},
		{Time: day("2024-01-03") + 6*3600e9, Amount: 0.5},
	}}}
	res := one(t, p, cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Buy(0, 100)
			return err
		}
		return nil
	})
	// 100 held from the 01-02 open; 100 × (0.25 + 0.5) = 75 received at
	// the 01-04 step, as two entries.
	var got []Entry
	for _, e := range res.Ledger {
		if e.Kind == CostDividend {
			got = append(got, e)
		}
	}
	if len(got) != 2 || got[0].Amount != -25 || got[1].Amount != -50 || got[0].Time != day("2024-01-04") || got[1].Time != day("2024-01-04") {
		t.Errorf("dividend entries %+v, want −25 and −50 on 2024-01-04", got)
	}
	if c := res.Costs.Dividend; c != -75 {
		t.Errorf("Costs.Dividend = %g, want -75", c)
	}
}

func TestDividendsValidated(t *testing.T) {
	p, ex := divMarket(t)
	cases := []struct {
		name string
		divs map[string][]Dividend
		want string
	}{
		{"zero", map[string][]Dividend{"A": {{ex, 0}}}, "Dividends[A][0]: amount 0"},
		{"negative", map[string][]Dividend{"A": {{ex, -1}}}, "Dividends[A][0]: amount -1"},
		{"NaN", map[string][]Dividend{"A": {{ex, math.NaN()}}}, "Dividends[A][0]: amount NaN"},
		{"Inf", map[string][]Dividend{"A": {{ex, math.Inf(1)}}}, "Dividends[A][0]: amount +Inf"},
		{"unsorted", map[string][]Dividend{"A": {{ex, 1}, {ex - 1, 1}}}, "Dividends[A][1]: before the dividend before it"},
		{"unknown symbol", map[string][]Dividend{"B": {{ex, 1}}}, `Dividends: unknown symbol "B"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(p, nil, script(func(*Context, *Slice) error { return nil }), Config{Cash: 1, Dividends: c.divs})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// A step at 1970-01-01 (Unix time 0) is a step like any other: a
// position held from it into the next step's ex-date is paid. 100 bought
// at the 1969-12-31 close (100), held through the 1970-01-01 step into
// the 1970-01-02 ex-date of 0.50: 100 × 0.50 = 50 received (the previous
// step's time, 0, was taken for "no previous step" and nothing paid).
func TestDividendAfterAStepAtTheEpoch(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"1969-12-31", 100, 100, 100, 100, 1e9},
		{"1970-01-01", 100, 100, 100, 100, 1e9},
		{"1970-01-02", 99.5, 99.5, 99.5, 99.5, 1e9},
		{"1970-01-03", 99.5, 99.5, 99.5, 99.5, 1e9},
	})
	ex, _ := data.ParseDay("1970-01-02")
	cfg := Config{Cash: 10000, Dividends: map[string][]Dividend{"A": {{Time: ex, Amount: 0.5}}}}
	res := one(t, panel(a), cfg, at(0, Order{Instrument: 0, Kind: MarketOnClose, Amount: 100}))
	if got := res.Costs.Dividend; got != -50 {
		t.Errorf("Costs.Dividend = %g, want -50", got)
	}
	// Cash 10,000 − 10,000 + 50.
	if got := res.Portfolio.Cash; math.Abs(got-50) > 1e-9 {
		t.Errorf("cash %.9f, want 50", got)
	}
}

// exMarket is EQ hourly, raw prices: 100 on 2025-10-08 (18:30Z, 19:30Z)
// and after from 10-09 (13:30Z, 14:30Z), beside CR hourly around the
// clock at 50 from 10-08 18:00Z to 10-09 15:00Z.
func exMarket(t *testing.T, after float64) *data.Panel {
	var eq data.Series
	eq.Instrument = data.Instrument{Symbol: "EQ", Class: data.Equity, Source: "test"}
	for _, b := range []struct {
		at time.Time
		px float64
	}{
		{utc(2025, 10, 8, 18, 30), 100}, {utc(2025, 10, 8, 19, 30), 100},
		{utc(2025, 10, 9, 13, 30), after}, {utc(2025, 10, 9, 14, 30), after},
	} {
		eq.Time = append(eq.Time, b.at.UnixNano())
		for _, c := range []*[]float64{&eq.Open, &eq.High, &eq.Low, &eq.Close, &eq.AdjClose} {
			*c = append(*c, b.px)
		}
		eq.Volume = append(eq.Volume, 1e6)
	}
	if err := eq.Validate("EQ"); err != nil {
		t.Fatal(err)
	}
	eq.SetInterval()
	return panel(eq, flatAt(t, "CR", data.Crypto, 50, hourly(utc(2025, 10, 8, 18, 0), 22)...))
}

// On mixed calendars a dividend is paid at its instrument's own first bar
// on or after the ex-date, where the price first falls by it, not at
// another instrument's step before it. EQ hourly (raw, 100 on 10-08 and
// 99 = 100 − 1.00 from its 10-09 13:30Z bar) beside CR hourly around the
// clock; EQ goes ex a 1.00 dividend on 2025-10-09 (00:00Z). 100 EQ bought
// at the 10-08 19:30Z open (100): cash 1,000,000 − 10,000 = 990,000.
// From 10-09 00:00Z to 13:00Z (CR's steps) EQ is still marked at 100:
// equity 990,000 + 100 × 100 = 1,000,000; paying the 100 there made it
// 1,000,100 for those hours. At EQ's 13:30Z bar: cash 990,000 + 100 ×
// 1.00 = 990,100, equity 990,100 + 100 × 99 = 1,000,000.
func TestDividendAtItsInstrumentsOwnBar(t *testing.T) {
	cfg := Config{Cash: 1e6, Dividends: map[string][]Dividend{"EQ": {{Time: utc(2025, 10, 9, 0, 0).UnixNano(), Amount: 1}}}}
	res := one(t, exMarket(t, 99), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 100}))
	if len(res.Fills) != 1 || res.Fills[0].Time != utc(2025, 10, 8, 19, 30).UnixNano() || res.Fills[0].Price != 100 {
		t.Fatalf("fills %+v, want 100 EQ at 100 at 10-08 19:30Z", res.Fills)
	}
	paid := utc(2025, 10, 9, 13, 30).UnixNano()
	for k, tm := range res.Curve.Time {
		wantCash := 990000.0
		if tm >= paid {
			wantCash = 990100
		}
		if tm >= res.Fills[0].Time && (math.Abs(res.Curve.Equity[k]-1e6) > 1e-6 || math.Abs(res.Curve.Cash[k]-wantCash) > 1e-6) {
			t.Errorf("at %s: equity %.2f, cash %.2f; want 1,000,000.00 and %.2f", data.FormatTime(tm), res.Curve.Equity[k], res.Curve.Cash[k], wantCash)
		}
	}
	var n int
	for _, e := range res.Ledger {
		if e.Kind == CostDividend {
			n++
			if e.Time != paid || e.Amount != -100 || e.Instrument != 0 {
				t.Errorf("dividend entry %+v, want −100 for EQ at 10-09 13:30Z", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d dividend entries, want 1", n)
	}
}

// A split dated 2025-10-09 00:00Z applies at CR's 00:00Z step, before
// EQ's first bar after it, and moves no value there: 100 EQ bought at
// 100 (cash 990,000) become 200 marked at 100 / 2 = 50, equity 990,000
// + 200 × 50 = 1,000,000 throughout, and at EQ's 10-09 bars (50, the
// split price) too. A dividend waits for the bar; a split need not.
func TestSplitBeforeItsInstrumentsOwnBar(t *testing.T) {
	cfg := Config{Cash: 1e6, Splits: map[string][]Split{"EQ": {{Time: utc(2025, 10, 9, 0, 0).UnixNano(), Ratio: 2}}}}
	var at0 []float64
	res := one(t, exMarket(t, 50), cfg, func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: 100})
			return err
		}
		if s.Time == utc(2025, 10, 9, 0, 0).UnixNano() {
			at0 = []float64{ctx.Position(0), ctx.Price(0)}
		}
		return nil
	})
	if len(res.Fills) != 1 || res.Fills[0].Price != 100 {
		t.Fatalf("fills %+v, want 100 EQ at 100", res.Fills)
	}
	if len(at0) != 2 || at0[0] != 200 || at0[1] != 50 {
		t.Errorf("at 10-09 00:00Z: position and price %v, want 200 and 50", at0)
	}
	for k, tm := range res.Curve.Time {
		if tm >= res.Fills[0].Time && math.Abs(res.Curve.Equity[k]-1e6) > 1e-6 {
			t.Errorf("at %s: equity %.2f, want 1,000,000.00", data.FormatTime(tm), res.Curve.Equity[k])
		}
	}
}

// A dividend is per share on its own date: a split dated after it that
// applies before it is paid (its ex-date had no bar of the instrument,
// so it waits for the next one, the split's) leaves it per old share.
// A bought 100 at the 01-02 open (100): cash 0. No bar on 01-03; A
// opens 01-04 at 49.5 after a 2-for-1 split, ex a dividend of 1.00 per
// old share (0.50 per new): 100 × 1.00 = 200 × 0.50 = 100 received,
// cash 100, equity 100 + 200 × 49.5 = 10,000 (paid on the 200 shares
// at 1.00, it was 200, and the equity 10,100). Each case dates the
// split and the dividend, with the amount per share on the dividend's
// date.
func TestDividendBeforeASplitThatAppliesFirst(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e9},
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-04", 49.5, 49.5, 49.5, 49.5, 1e9},
		{"2024-01-05", 49.5, 49.5, 49.5, 49.5, 1e9},
	})
	day := func(s string) int64 { ts, _ := data.ParseDay(s); return ts }
	for _, tc := range []struct {
		name       string
		split, div string
		amount     float64
	}{
		{"dividend on a day without a bar, split after it", "2024-01-04", "2024-01-03", 1},
		{"both on the bar: per share after the split", "2024-01-04", "2024-01-04", 0.5},
		{"split on a day without a bar, dividend after it", "2024-01-03", "2024-01-04", 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Cash: 10000,
				Splits:    map[string][]Split{"A": {{Time: day(tc.split), Ratio: 2}}},
				Dividends: map[string][]Dividend{"A": {{Time: day(tc.div), Amount: tc.amount}}}}
			res := one(t, panel(a), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 100}))
			if got := res.Costs.Dividend; math.Abs(got+100) > 1e-9 {
				t.Errorf("Costs.Dividend = %g, want -100", got)
			}
			if got := res.Portfolio.Cash; math.Abs(got-100) > 1e-9 {
				t.Errorf("cash %.9f, want 100", got)
			}
			if eq := res.Curve.Equity[len(res.Curve.Equity)-1]; math.Abs(eq-10000) > 1e-9 {
				t.Errorf("final equity %.9f, want 10000", eq)
			}
		})
	}
}
