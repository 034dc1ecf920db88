package experiment

import (
	"context"
	"reflect"
	"testing"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// orderZoo places orders of every kind and sizing at random (from the
// run's own seeded ctx.Rand), and cancels and replaces some of the
// pending ones.
type orderZoo struct{ ids []engine.OrderID }

func (s *orderZoo) OnBar(ctx *engine.Context, sl *engine.Slice) error {
	r := ctx.Rand()
	for _, i32 := range sl.Active {
		i := int(i32)
		px := ctx.Price(i)
		if ctx.Stale(i) || !(px > 0) || r.Float64() < 0.5 {
			continue
		}
		o := engine.Order{Instrument: i, Kind: engine.OrderKind(1 + r.IntN(6)), Sizing: engine.Sizing(r.IntN(3))}
		switch o.Sizing {
		case engine.Quantity:
			o.Amount = (r.Float64() - 0.5) * 20000 / px
		case engine.TargetWeight:
			o.Amount = r.Float64() - 0.3
		case engine.TargetValue:
			o.Amount = (r.Float64() - 0.3) * 20000
		}
		o.Price = px * (0.97 + 0.06*r.Float64())
		o.StopPrice = px * (0.97 + 0.06*r.Float64())
		if o.Kind == engine.TrailingStop {
			o.Price, o.StopPrice, o.TrailPct = 0, 0, 0.01+0.04*r.Float64()
		}
		if r.IntN(4) == 0 {
			o.TIF = engine.Day
		}
		id, err := ctx.Submit(o)
		if err != nil {
			return err
		}
		s.ids = append(s.ids, id)
	}
	if len(s.ids) > 0 {
		id := s.ids[r.IntN(len(s.ids))]
		switch r.IntN(3) {
		case 0:
			ctx.Cancel(id)
		case 1:
			ctx.Replace(id, 0, 0, 0)
		}
	}
	return nil
}

// The same experiment of random orders of every kind under a
// participation cap, run twice on one worker and once on two, books the
// same fills, events and curves in every run.
func TestOrdersSameOnWorkers(t *testing.T) {
	reg := strategies.Builtins()
	reg["order-zoo"] = strategies.Factory{Name: "order-zoo", New: func(strategies.Params) (engine.Strategy, error) { return &orderZoo{}, nil }}
	f, err := Parse("zoo.toml", `
name = "zoo"
cash = 100000.0
commission_bps = 5.0
start = "2021-01-04"
end = "2021-04-01"
[data]
synthetic = true
symbols = ["BTC", "NVDA"]
[costs.equity]
max_participation = 0.0001
slippage_bps = 2.0
[costs.crypto]
max_participation = 0.0001
[[strategy]]
name = "zoo"
type = "order-zoo"
[strategy.sweep]
n = [1, 2, 3, 4]
`)
	if err != nil {
		t.Fatal(err)
	}
	var outs []*Outcome
	for _, workers := range []int{1, 1, 2} {
		o, err := Run(context.Background(), f, Options{Strategies: reg, Out: t.TempDir(), Workers: workers, Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o)
	}
	kinds, partial := map[engine.OrderKind]bool{}, false
	for j, r := range outs[0].Runs {
		for _, e := range r.Result.Events {
			partial = partial || e.Kind == engine.EventExpired
		}
		for _, fl := range r.Result.Fills {
			kinds[fl.Kind] = true
		}
		for k, o := range outs[1:] {
			b := o.Runs[j].Result
			if o.Runs[j].Key != r.Key || !reflect.DeepEqual(b.Fills, r.Result.Fills) || !reflect.DeepEqual(b.Events, r.Result.Events) || !reflect.DeepEqual(b.Curve, r.Result.Curve) {
				t.Errorf("run %s differs in outcome %d", r.Key, k+1)
			}
		}
	}
	split := 0 // orders filled in parts (the cap)
	for _, r := range outs[0].Runs {
		n := map[engine.OrderID]int{}
		for _, fl := range r.Result.Fills {
			n[fl.Order]++
		}
		for _, c := range n {
			if c > 1 {
				split++
			}
		}
	}
	if len(kinds) < 6 || !partial || split == 0 {
		t.Errorf("the runs filled kinds %v, expired %v, split %d orders: want all six kinds, an expiry and orders filled in parts", kinds, partial, split)
	}
}
