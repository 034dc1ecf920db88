package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Tiered charges each band of the notional at its own rate, plus a fixed
// fee per fill. The schedule here: 1.00 per fill, 10 bps on the first
// 10,000, 5 bps from 10,000 to 50,000, 2 bps above. By hand:
//
//	5,000:  1 + 5,000 × 0.0010                                   =  6
//	10,000: 1 + 10,000 × 0.0010                                  = 11
//	20,000: 1 + 10 + 10,000 × 0.0005                             = 16
//	80,000: 1 + 10 + 40,000 × 0.0005 + 30,000 × 0.0002 = 1+10+20+6 = 37
func TestTieredFee(t *testing.T) {
	m := Tiered{Fixed: 1, Tiers: []Tier{{0, 10}, {10000, 5}, {50000, 2}}}
	for _, c := range []struct {
		qty, price, want float64
	}{
		{0, 100, 0}, // no fill, no fee
		{50, 100, 6},
		{100, 100, 11},
		{-200, 100, 16}, // a sale pays on its notional's magnitude
		{800, 100, 37},
		{0.5, 20000, 11}, // fractional quantity, notional 10,000
	} {
		if got := m.Fee(Trade{Qty: c.qty, Price: c.price}); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%g at %g: fee %g, want %g", c.qty, c.price, got, c.want)
		}
	}
	flat := Tiered{Fixed: 2.5}
	if got := flat.Fee(Trade{Qty: 3, Price: 1e6}); got != 2.5 {
		t.Errorf("a ticket charge alone: fee %g, want 2.5", got)
	}
}

func TestTieredValidate(t *testing.T) {
	for _, c := range []struct {
		m    Tiered
		want string // "" = valid
	}{
		{Tiered{Fixed: 1, Tiers: []Tier{{0, 10}, {10000, 5}}}, ""},
		{Tiered{}, ""},
		{Tiered{Fixed: -1}, "fixed = -1"},
		{Tiered{Fixed: math.NaN()}, "fixed = NaN"},
		{Tiered{Tiers: []Tier{{5, 10}}}, "tiers[0].from = 5: the first tier starts at 0"},
		{Tiered{Tiers: []Tier{{0, 10}, {10000, 5}, {10000, 2}}}, "tiers[2].from = 10000: want a finite amount above tiers[1].from = 10000"},
		{Tiered{Tiers: []Tier{{0, 10}, {math.Inf(1), 5}}}, "tiers[1].from = +Inf"},
		{Tiered{Tiers: []Tier{{0, -3}}}, "tiers[0].bps = -3"},
	} {
		err := c.m.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c.m, err, c.want)
		}
	}
	// Config.Validate calls it, naming the terms.
	cfg := Config{Cash: 1, Equity: Terms{FeeModel: &Tiered{Fixed: -1}}}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "FeeModel: fixed = -1") {
		t.Errorf("Config.Validate: %v", err)
	}
}

// A run with the Tiered model from the registry (as the experiment file's
// decoder makes it): buy 150 at the 01-03 open, 100 (notional 15,000: fee
// 1 + 10 + 5,000 × 0.0005 = 13.50), sell 150 at the 01-04 open, 110
// (16,500: 1 + 10 + 6,500 × 0.0005 = 14.25). Cash 100,000 − 15,000 −
// 13.50 + 16,500 − 14.25 = 101,472.25.
func TestTieredInARun(t *testing.T) {
	m := Models().Fee["tiered"]().(*Tiered)
	m.Fixed, m.Tiers = 1, []Tier{{0, 10}, {10000, 5}}
	a := series(t, "A", data.Equity, []row{
		{"2024-01-02", 100, 100, 100, 100, 1e9},
		{"2024-01-03", 100, 100, 100, 100, 1e9},
		{"2024-01-04", 110, 110, 110, 110, 1e9},
	})
	res := one(t, panel(a), Config{Cash: 100000, Equity: Terms{FeeModel: m}}, func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			_, err = ctx.Buy(0, 150)
		case 1:
			_, err = ctx.Sell(0, 150)
		}
		return err
	})
	if len(res.Fills) != 2 || res.Fills[0].Commission != 13.5 || res.Fills[1].Commission != 14.25 {
		t.Fatalf("fills %+v, want commissions 13.50 and 14.25", res.Fills)
	}
	if c := res.Portfolio.Cash; math.Abs(c-101472.25) > 1e-9 {
		t.Errorf("cash %.6f, want 101,472.25", c)
	}
}

// An order the participation cap splits across bars pays what it would
// whole: Fixed once, and the bands on the order's notional, as
// Commission charges its minimum and cap per order. 250 bought at 100
// with a cap of 10 % of a volume of 1,000 fills 100, 100 and 50 on three
// bars. By hand, f(N) = 1 + 10 bps of N up to 10,000 + 5 bps above:
//
//	part 1: f(10,000)                       = 1 + 10          = 11
//	part 2: f(20,000) − f(10,000) = 16 − 11 = 10,000 × 0.0005 =  5
//	part 3: f(25,000) − f(20,000) = 18.5 − 16 = 5,000 × 0.0005 = 2.5
//
// 18.50 in all, f(25,000), where each part priced as an order of its own
// paid 11 + 11 + 6 = 28. The model is the registry's pointer and a
// value alike.
func TestTieredChargedPerOrderAcrossParts(t *testing.T) {
	a := series(t, "A", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1000},
		{"2024-01-02", 100, 100, 100, 100, 1000},
		{"2024-01-03", 100, 100, 100, 100, 1000},
		{"2024-01-04", 100, 100, 100, 100, 1000},
	})
	sched := Tiered{Fixed: 1, Tiers: []Tier{{0, 10}, {10000, 5}}}
	for _, c := range []struct {
		name string
		m    FeeModel
	}{{"pointer", &sched}, {"value", sched}} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Cash: 1e6, Equity: Terms{FeeModel: c.m, Slippage: Slippage{MaxParticipation: 0.1}}}
			res := one(t, panel(a), cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 250}))
			want := []struct{ qty, com float64 }{{100, 11}, {100, 5}, {50, 2.5}}
			if len(res.Fills) != len(want) {
				t.Fatalf("%d fills, want %d", len(res.Fills), len(want))
			}
			for k, w := range want {
				if f := res.Fills[k]; f.Qty != w.qty || math.Abs(f.Commission-w.com) > 1e-9 {
					t.Errorf("part %d: %g paying %g, want %g paying %g", k+1, f.Qty, f.Commission, w.qty, w.com)
				}
			}
			// Cash: 1,000,000 − 25,000 − 18.5.
			if got := res.Portfolio.Cash; math.Abs(got-974981.5) > 1e-6 {
				t.Errorf("cash %.6f, want 974981.5", got)
			}
		})
	}
}
