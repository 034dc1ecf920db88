package strategies

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// day0 is the first bar's date of the hand-made paths: Monday 2024-01-01.
var day0 = data.Day(2024, 1, 1)

// bars makes a daily series (every calendar day from day0) from opens and
// closes; high and low bracket them.
func bars(sym string, opens, closes []float64) data.Series {
	if len(opens) != len(closes) {
		panic("bars: opens and closes differ in length")
	}
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: data.Crypto}}
	for k := range opens {
		s.Time = append(s.Time, day0+int64(k)*data.NanosPerDay)
		s.Open = append(s.Open, opens[k])
		s.Close = append(s.Close, closes[k])
		s.High = append(s.High, math.Max(opens[k], closes[k]))
		s.Low = append(s.Low, math.Min(opens[k], closes[k]))
		s.Volume = append(s.Volume, 1)
	}
	s.AdjClose = s.Close
	return s
}

// flat makes n bars with open = close = px.
func flat(sym string, n int, px float64) data.Series {
	o := make([]float64, n)
	for k := range o {
		o[k] = px
	}
	return bars(sym, o, o)
}

// at is day0 + k days.
func at(k int) int64 { return day0 + int64(k)*data.NanosPerDay }

// wantFill is an expected fill.
type wantFill struct {
	day   int // bar index from day0
	sym   string
	qty   float64
	price float64
	tag   string
}

// checkFills compares fills one by one, quantities to 1e-9 relative.
func checkFills(t *testing.T, got []engine.Fill, want []wantFill) {
	t.Helper()
	if len(got) != len(want) {
		for _, f := range got {
			t.Logf("got %s %s %g @ %g %q", data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Tag)
		}
		t.Fatalf("%d fills, want %d", len(got), len(want))
	}
	for j, w := range want {
		f := got[j]
		if f.Time != at(w.day) || f.Symbol != w.sym || f.Tag != w.tag || f.Price != w.price ||
			math.Abs(f.Qty-w.qty) > 1e-9*math.Abs(w.qty) {
			t.Errorf("fill %d: %s %s %.12g @ %g %q, want %s %s %.12g @ %g %q", j,
				data.FormatDay(f.Time), f.Symbol, f.Qty, f.Price, f.Tag,
				data.FormatDay(at(w.day)), w.sym, w.qty, w.price, w.tag)
		}
	}
}

// run builds a strategy from the registry and runs it on the panel.
func run(t *testing.T, p *data.Panel, typ string, params Params, cash float64) (engine.Strategy, *engine.Result) {
	t.Helper()
	st, err := Builtins().New(typ, params)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(p, nil, st, engine.Config{Cash: cash})
	if err != nil {
		t.Fatal(err)
	}
	return st, res
}

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}
