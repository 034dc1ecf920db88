package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// An instrument outside the strategy's universe (Config.Universe) is
// hidden from it: Lookup does not find it, its price is NaN, it has no
// bar, history or place in a Slice, and an order for it is an error; a
// universe naming a symbol the panel lacks is refused.
func TestUniverseHidesTheOthers(t *testing.T) {
	days := []row{{"2024-01-08", 100, 101, 99, 100, 1e6}, {"2024-01-09", 110, 111, 109, 110, 1e6}}
	p := panel(series(t, "EQ", data.Equity, days), series(t, "TOK", data.Crypto, days))
	var saw []string
	var orderErr error
	one(t, p, Config{Cash: 1e4, Universe: []string{"EQ"}}, func(ctx *Context, s *Slice) error {
		tok := 1
		if ctx.Lookup("TOK") != -1 || ctx.Lookup("EQ") != 0 {
			t.Errorf("Lookup: TOK %d, EQ %d; want -1, 0", ctx.Lookup("TOK"), ctx.Lookup("EQ"))
		}
		if _, ok := ctx.Bar(tok); ok || !math.IsNaN(ctx.Price(tok)) || !ctx.Stale(tok) || ctx.History(tok, Close, 5) != nil || ctx.HistoryTime(tok, 5) != nil {
			t.Errorf("step %d: the hidden TOK shows a bar, price %g or history", s.Step, ctx.Price(tok))
		}
		if b, ok := ctx.Bar(0); !ok || b.Close != ctx.Price(0) {
			t.Errorf("step %d: EQ's bar %v %v", s.Step, b, ok)
		}
		for _, i := range s.Active {
			saw = append(saw, ctx.Symbol(int(i)))
		}
		if s.Step == 0 {
			_, orderErr = ctx.Submit(Order{Instrument: tok, Kind: Market, Amount: 1})
		}
		return nil
	})
	if strings.Join(saw, ",") != "EQ,EQ" {
		t.Errorf("slices showed %v, want EQ at each step alone", saw)
	}
	if orderErr == nil || !strings.Contains(orderErr.Error(), "TOK") {
		t.Errorf("an order for the hidden TOK: %v, want an error naming it", orderErr)
	}
	if _, err := Run(p, nil, script(func(*Context, *Slice) error { return nil }), Config{Cash: 1e4, Universe: []string{"EQ", "NOPE"}}); err == nil || !strings.Contains(err.Error(), "NOPE") {
		t.Errorf("a universe with a symbol the panel lacks: %v, want an error naming it", err)
	}
}

// A step at which only hidden instruments have a bar does not defer a
// change of the book: a target that replaces a pending one takes its
// place at once, as without the hidden instrument, and the run fills the
// same. Tokens X and Y at 100, cash 1,000, initial margin 0.5 (buying
// power 2,000); a hidden token H on 12-hour bars makes a step at 12:00.
// At the first step the strategy sends X 1.5 and Y 1.5 (TargetWeight,
// market), then X 1.5 again, which replaces the first. At the next open
// the batch wants 15 X and 15 Y (1.5 × 1,000 / 100 each): the first buy
// needs 0.5 × 1,500 = 750 ≤ 1,000, the second would need 1,500 > 1,000
// and is refused. The replacing X kept the first X's place, before Y, so
// X fills, Y is refused, as in the run without H. Before, the 12:00 step
// (before the next close seen, 00:00) deferred the replace: the new X
// went to the end of the book and Y filled instead (found by a
// randomized test comparing runs with and without a hidden instrument).
func TestHiddenStepsDeferNothing(t *testing.T) {
	days := []row{{"2024-01-01", 100, 100, 100, 100, 1e6}, {"2024-01-02", 100, 100, 100, 100, 1e6}, {"2024-01-03", 100, 100, 100, 100, 1e6}}
	h := data.Series{Instrument: data.Instrument{Symbol: "H", Class: data.Crypto, Source: "test"}}
	for k := 0; k < 5; k++ {
		h.Time = append(h.Time, data.Day(2024, 1, 1)+int64(k)*data.NanosPerDay/2)
		for _, c := range []*[]float64{&h.Open, &h.High, &h.Low, &h.Close, &h.AdjClose} {
			*c = append(*c, 50)
		}
		h.Volume = append(h.Volume, 1e6)
	}
	h.SetInterval()
	strat := func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		for _, i := range []int{0, 1, 0} {
			if _, err := ctx.TargetWeight(i, 1.5, Market, ""); err != nil {
				return err
			}
		}
		return nil
	}
	cfg := Config{Cash: 1000, Crypto: Terms{Margin: Margin{Initial: 0.5}}}
	for _, tc := range []struct {
		name string
		p    *data.Panel
		u    []string
	}{
		{"without H", panel(series(t, "X", data.Crypto, days), series(t, "Y", data.Crypto, days)), nil},
		{"H hidden", panel(series(t, "X", data.Crypto, days), series(t, "Y", data.Crypto, days), h), []string{"X", "Y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.Universe = tc.u
			res := one(t, tc.p, c, strat)
			if len(res.Fills) != 1 || res.Fills[0].Symbol != "X" || res.Fills[0].Qty != 15 || res.Rejections != 1 {
				t.Fatalf("fills %+v, %d rejections; want 15 X alone, Y refused", res.Fills, res.Rejections)
			}
		})
	}
}
