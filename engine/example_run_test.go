package engine_test

import (
	"fmt"
	"math"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// bar is one day's open, high, low and close.
type bar struct {
	day        string
	o, h, l, c float64
}

// seriesOf builds a series from Go slices: the columns a Panel holds, one
// value per bar (volume unknown: NaN).
func seriesOf(sym string, class data.Class, bars []bar) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: class}}
	for _, b := range bars {
		t, err := data.ParseDay(b.day)
		if err != nil {
			panic(err)
		}
		s.Time = append(s.Time, t)
		s.Open, s.High, s.Low, s.Close = append(s.Open, b.o), append(s.High, b.h), append(s.Low, b.l), append(s.Close, b.c)
		s.AdjClose, s.Volume = append(s.AdjClose, b.c), append(s.Volume, math.NaN())
	}
	return s
}

// dipBuyer buys 100 NVDA at the first step and rests two limit buys of
// TOK below its close; once the first fills it cancels the second.
type dipBuyer struct {
	nvda, tok   int
	near, deep  engine.OrderID
	nearFilled  bool
	deepStopped bool
}

func (s *dipBuyer) Init(ctx *engine.Context) error {
	s.nvda, s.tok = ctx.Lookup("NVDA"), ctx.Lookup("TOK")
	if s.nvda < 0 || s.tok < 0 {
		return fmt.Errorf("want NVDA and TOK")
	}
	return nil
}

func (s *dipBuyer) OnBar(ctx *engine.Context, sl *engine.Slice) error {
	var active []string
	for _, i := range sl.Active {
		active = append(active, ctx.Symbol(int(i)))
	}
	fmt.Printf("%s %s %v\n", data.FormatDay(sl.Time), time.Unix(0, sl.Time).UTC().Weekday().String()[:3], active)
	for _, e := range ctx.Events() {
		fmt.Printf("  %s %s %g at %g\n", e.Kind, ctx.Symbol(e.Instrument), e.Qty, e.Price)
		if e.Kind == engine.EventFill && e.Order == s.near {
			s.nearFilled = true
		}
	}
	if sl.Step == 0 {
		if _, err := ctx.Buy(s.nvda, 100); err != nil {
			return err
		}
		var err error
		if s.near, err = ctx.Submit(engine.Order{Instrument: s.tok, Kind: engine.Limit, Amount: 10, Price: 91, Tag: "dip 9%"}); err != nil {
			return err
		}
		s.deep, err = ctx.Submit(engine.Order{Instrument: s.tok, Kind: engine.Limit, Amount: 10, Price: 85, Tag: "dip 15%"})
		return err
	}
	if s.nearFilled && !s.deepStopped {
		s.deepStopped = true
		fmt.Println("  cancel the 85 limit:", ctx.Cancel(s.deep))
	}
	return nil
}

// A panel built in memory from Go slices, an equity on its sessions and a
// token every day, replayed through a strategy of the program's own. The
// merged timeline has a step for the weekend, at which only the token has
// a bar.
//
// By hand: the market order decided at Friday's close fills at NVDA's next
// open, Monday's 52; the limit at 91 rests from Saturday (low 92: not
// reached) and fills on Sunday, whose low of 88 trades through it (the
// open, 95, is above it, so the fill is at the limit). Cash is then
// 10,000 − 100 × 52 − 10 × 91 = 3,890, and at Tuesday's closes equity is
// 3,890 + 100 × 54 + 10 × 98 = 10,270.
func ExampleRun() {
	p := &data.Panel{Series: []data.Series{
		seriesOf("NVDA", data.Equity, []bar{
			{"2024-01-05", 50, 51, 49, 50}, {"2024-01-08", 52, 53, 51, 52}, {"2024-01-09", 52, 55, 52, 54}}),
		seriesOf("TOK", data.Crypto, []bar{
			{"2024-01-05", 100, 101, 99, 100}, {"2024-01-06", 100, 100, 92, 95}, {"2024-01-07", 95, 96, 88, 90},
			{"2024-01-08", 90, 97, 89, 96}, {"2024-01-09", 96, 99, 95, 98}}),
	}}
	if err := p.Validate(); err != nil { // a hand-built panel is checked as a read one is
		fmt.Println(err)
		return
	}
	res, err := engine.Run(p, nil, &dipBuyer{}, engine.Config{Cash: 10000})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Fills {
		fmt.Printf("fill %s %s %+g at %g (%s)\n", data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Kind)
	}
	fmt.Printf("cash %g, equity %g over %d steps\n", res.Portfolio.Cash, res.Curve.Equity[res.Curve.Len()-1], res.Curve.Len())

	// The engine reads a panel as it is: a column shorter than its times
	// is refused before the first bar.
	p.Series[1].Close = p.Series[1].Close[:4]
	_, err = engine.Run(p, nil, &dipBuyer{}, engine.Config{Cash: 10000})
	fmt.Println(err)
	// Output:
	// 2024-01-05 Fri [NVDA TOK]
	// 2024-01-06 Sat [TOK]
	// 2024-01-07 Sun [TOK]
	//   fill TOK 10 at 91
	//   cancel the 85 limit: true
	// 2024-01-08 Mon [NVDA TOK]
	//   fill NVDA 100 at 52
	// 2024-01-09 Tue [NVDA TOK]
	// fill 2024-01-07 TOK +10 at 91 (limit)
	// fill 2024-01-08 NVDA +100 at 52 (market)
	// cash 3890, equity 10270 over 5 steps
	// engine: series TOK has 5 times but 4 close values (every column needs one value per time)
}
