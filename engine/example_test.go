package engine_test

import (
	"fmt"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

type bracketed struct{}

// OnBar buys 10 at the first close with a stop-loss at 95 and a
// take-profit at 105 around the position, and prints the events it is
// shown.
func (bracketed) OnBar(ctx *engine.Context, s *engine.Slice) error {
	for _, e := range ctx.Events() {
		fmt.Printf("%s %s qty %g at %g", data.FormatDay(e.Time), e.Kind, e.Qty, e.Price)
		if e.Reason != engine.ReasonNone {
			fmt.Printf(" (%s)", e.Reason)
		}
		fmt.Println()
	}
	if s.Step == 0 {
		if _, err := ctx.Submit(engine.Order{Instrument: 0, Kind: engine.MarketOnClose, Amount: 10}); err != nil {
			return err
		}
		_, _, err := ctx.Bracket(0, 95, 105, "bracket")
		return err
	}
	return nil
}

// A bracket on a down bar: the path O→H→L→C reaches the take-profit
// (105, on the way to the high 106) before the stop (95, on the way to the
// low 94); the take-profit fills and cancels the stop. Costs: 1 bps
// commission and a 4 bps spread on taker fills (the limit is a maker fill:
// no spread).
func ExampleContext_Bracket() {
	s := data.Series{Instrument: data.Instrument{Symbol: "A", Class: data.Equity}}
	for _, b := range []struct {
		day        string
		o, h, l, c float64
	}{{"2024-01-02", 100, 101, 99, 100}, {"2024-01-03", 100, 106, 94, 97}, {"2024-01-04", 97, 98, 96, 97}} {
		t, _ := data.ParseDay(b.day)
		s.Time = append(s.Time, t)
		s.Open, s.High, s.Low, s.Close = append(s.Open, b.o), append(s.High, b.h), append(s.Low, b.l), append(s.Close, b.c)
		s.AdjClose, s.Volume = append(s.AdjClose, b.c), append(s.Volume, 1e6)
	}
	cfg := engine.Config{Cash: 10000, Equity: engine.Terms{
		Commission: engine.Commission{Bps: 1},
		Slippage:   engine.Slippage{SpreadBps: 4},
	}}
	res, err := engine.Run(&data.Panel{Series: []data.Series{s}}, nil, bracketed{}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Fills {
		fmt.Printf("fill %s %s %g at %g, commission %.3f\n", data.FormatDay(f.Time), f.Kind, f.Qty, f.Price, f.Commission)
	}
	fmt.Printf("spread %.2f commission %.3f total %.3f\n", res.Costs.Spread, res.Costs.Commission, res.Costs.Total())
	// Output:
	// 2024-01-02 fill qty 10 at 100.02
	// 2024-01-03 fill qty -10 at 105
	// 2024-01-03 cancelled qty 0 at 0 (one-cancels-other)
	// fill 2024-01-02 market-on-close 10 at 100.02, commission 0.100
	// fill 2024-01-03 limit -10 at 105, commission 0.105
	// spread 0.20 commission 0.205 total 0.405
}
