package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestMarginCallOncePerEpisode: an account that stays under its
// maintenance requirement over steps where no margined position it holds
// has a bar is in one margin call, not one a step. Both instruments are
// margined (Initial 0.2, Maintenance 0.1), cross. Decided on Thursday's
// bars, market-on-close orders buy 500 TOK (a token) and sell 100 EQ (an
// equity) short at Friday's closes of 100 (Thursday's had come by then):
// cash 20,000 − 50,000 + 10,000 = −20,000. Equity 20,000,
// requirement 0.1 × (50,000 + 10,000) = 6,000.
//
//	Sat  TOK gaps to 40 (open = low = close): equity at the low −20,000 +
//	     20,000 − 10,000 = −10,000 < 0.1 × (20,000 + 10,000) = 3,000: a
//	     margin call; TOK, which has a bar, is liquidated at its open, 40
//	     (the gap: its L is above the open); cash −20,000 + 20,000 = 0,
//	     equity −10,000 against EQ's 1,000: still under. EQ has no bar.
//	Sun  TOK flat, EQ no bar: the same call, still open (nothing new).
//	Mon  EQ's bar (flat at 100): its short is liquidated; no position,
//	     no requirement: the call is over.
//
// One margin call and two liquidations; before, a call was counted (and
// an event sent) at every step the account stayed under: three, on
// Saturday, Sunday and Monday.
func TestMarginCallOncePerEpisode(t *testing.T) {
	tok := series(t, "TOK", data.Crypto, []row{
		{"2024-08-01", 100, 100, 100, 100, 1e6}, // Thu
		{"2024-08-02", 100, 100, 100, 100, 1e6}, // Fri
		{"2024-08-03", 40, 40, 40, 40, 1e6},     // Sat
		{"2024-08-04", 40, 40, 40, 40, 1e6},     // Sun
		{"2024-08-05", 40, 40, 40, 40, 1e6},     // Mon
	})
	eq := series(t, "EQ", data.Equity, []row{
		{"2024-08-01", 100, 100, 100, 100, 1e6},
		{"2024-08-02", 100, 100, 100, 100, 1e6},
		{"2024-08-05", 100, 100, 100, 100, 1e6},
	})
	m := Terms{Margin: Margin{Initial: 0.2, Maintenance: 0.1}}
	cfg := Config{Cash: 20000, Equity: m, Crypto: m}
	res := one(t, panel(tok, eq), cfg, at(0,
		Order{Instrument: 0, Kind: MarketOnClose, Amount: 500},
		Order{Instrument: 1, Kind: MarketOnClose, Amount: -100}))
	var calls []string
	for _, e := range res.Events {
		if e.Kind == EventMarginCall {
			calls = append(calls, data.FormatDay(e.Time))
		}
	}
	var liqs []string
	for _, f := range res.Fills {
		if f.Kind == Liquidation {
			liqs = append(liqs, f.Symbol+" "+data.FormatDay(f.Time))
		}
	}
	if res.MarginCalls != 1 || len(calls) != 1 || calls[0] != "2024-08-03" {
		t.Errorf("%d margin calls (events on %v): want one, on Saturday 2024-08-03", res.MarginCalls, calls)
	}
	if res.Liquidations != 2 || len(liqs) != 2 || liqs[0] != "TOK 2024-08-03" || liqs[1] != "EQ 2024-08-05" {
		t.Errorf("%d liquidations %v: want TOK on Saturday and EQ on Monday", res.Liquidations, liqs)
	}
}
