package engine_test

import (
	"fmt"
	"math"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// Tiered is a commission charged by tiers of a fill's notional: Rate on
// the first Threshold of it, Above on the rest. One type and one method
// make it a model the broker can use.
type Tiered struct {
	Threshold   float64            // money
	Rate, Above engine.BasisPoints // on the notional below and above Threshold
}

// Fee implements engine.FeeModel: money, ≥ 0, a pure function of the
// trade (no allocation, no state).
func (m Tiered) Fee(t engine.Trade) float64 {
	n := math.Abs(t.Qty * t.Price)
	low := math.Min(n, m.Threshold)
	return low*m.Rate.Fraction() + (n-low)*m.Above.Fraction()
}

// buyThenTrim buys 200 at the next open on the first day and sells 50 at
// the second day's close.
type buyThenTrim struct{}

func (buyThenTrim) OnBar(ctx *engine.Context, s *engine.Slice) error {
	var err error
	switch s.Step {
	case 0:
		_, err = ctx.Buy(0, 200)
	case 1:
		_, err = ctx.Submit(engine.Order{Instrument: 0, Kind: engine.MarketOnClose, Amount: -50})
	}
	return err
}

// A fee model of one's own, plugged into the equity terms: 10 bps on the
// first 10,000 of each fill's notional, 5 bps above. By hand:
//
//	buy 200 at the 2024-01-03 open, 100: notional 20,000,
//	    fee 10,000 × 0.0010 + 10,000 × 0.0005 = 10 + 5 = 15
//	sell 50 at the 2024-01-03 close, 110: notional 5,500, fee 5,500 × 0.0010 = 5.50
//	cash 100,000 − 20,000 − 15 + 5,500 − 5.50 = 85,479.50
//	equity at the 2024-01-04 close, 105: 85,479.50 + 150 × 105 = 101,229.50
func ExampleFeeModel() {
	s := data.Series{Instrument: data.Instrument{Symbol: "A", Class: data.Equity}}
	for _, b := range []struct {
		day        string
		o, h, l, c float64
	}{{"2024-01-02", 99, 101, 98, 100}, {"2024-01-03", 100, 111, 99, 110}, {"2024-01-04", 110, 111, 104, 105}} {
		t, _ := data.ParseDay(b.day)
		s.Time = append(s.Time, t)
		s.Open, s.High, s.Low, s.Close = append(s.Open, b.o), append(s.High, b.h), append(s.Low, b.l), append(s.Close, b.c)
		s.AdjClose, s.Volume = append(s.AdjClose, b.c), append(s.Volume, 1e6)
	}
	cfg := engine.Config{Cash: 100000, Equity: engine.Terms{
		FeeModel: Tiered{Threshold: 10000, Rate: 10, Above: 5},
	}}
	res, err := engine.Run(&data.Panel{Series: []data.Series{s}}, nil, buyThenTrim{}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Fills {
		fmt.Printf("%s %s %g at %g, commission %.2f\n", data.FormatDay(f.Time), f.Kind, f.Qty, f.Price, f.Commission)
	}
	fmt.Printf("cash %.2f, equity %.2f, commission %.2f\n", res.Portfolio.Cash, res.Curve.Equity[len(res.Curve.Equity)-1], res.Costs.Commission)
	// Output:
	// 2024-01-03 market 200 at 100, commission 15.00
	// 2024-01-03 market-on-close -50 at 110, commission 5.50
	// cash 85479.50, equity 101229.50, commission 20.50
}
