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
