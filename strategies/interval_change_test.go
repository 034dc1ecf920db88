package strategies

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// TestRebalanceAcrossIntervalChange: A's file holds four daily bars
// (2024-01-01 … 01-04), then hourly bars from 2024-01-05 00:00 to 01-08
// 23:00 (a daily history with hourly klines appended); B has hourly bars
// throughout. Weights A 0.5 / B 0.5, rebalance_days = 2, 1,000 of cash, no
// costs; every bar has open = close.
//
// Prices: A 100 on 01-01 and 01-02, 120 on 01-03 and 01-04, 132 from the
// first hourly bar; B 50 to 01-06 11:00, 55 from 01-06 12:00.
//
// Each of A's daily bars lasts a day: on the merged hourly timeline it is
// current all day, and a decision on it fills at A's next bar, the next
// day's 00:00, B waiting for the close A's bar showed (00:00 too). Before,
// A's bars were taken for hourly ones (its median step) from the start:
// current only in the hour after 00:00, they could never fill with B's
// within an hour, and nothing traded until A's hourly bars began.
//
//	01-01 00:00 decide (first slice): equity 1,000 → A 500/100 = 5, B 500/50 = 10,
//	            filled 01-02 00:00 at 100 and 50 (cash 0)
//	01-03 00:00 due (2 days): equity 5×120 + 10×50 = 1,100 → A 550/120 = 4.58333,
//	            B 550/50 = 11: A −5/12, B +1, filled 01-04 00:00 at 120 and 50
//	01-05 00:00 due, A's first hourly bar (132): equity 4.58333×132 + 11×50 = 605 + 550
//	            = 1,155 → A 577.5/132 = 4.375, B 577.5/50 = 11.55: A −0.208333, B +0.55,
//	            filled at the next hour, 01:00, at 132 and 50
//	01-07 00:00 due: equity 4.375×132 + 11.55×55 = 577.5 + 635.25 = 1,212.75 →
//	            A 606.375/132 = 4.59375, B 606.375/55 = 11.025: A +0.21875, B −0.525,
//	            filled at 01:00 at 132 and 55
func TestRebalanceAcrossIntervalChange(t *testing.T) {
	h := int64(data.Hour)
	a := data.Series{Instrument: data.Instrument{Symbol: "A", Class: data.Crypto}}
	b := data.Series{Instrument: data.Instrument{Symbol: "B", Class: data.Crypto}}
	add := func(s *data.Series, t int64, px float64) {
		s.Time = append(s.Time, t)
		for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close} {
			*c = append(*c, px)
		}
		s.Volume = append(s.Volume, 1)
	}
	for d, px := range []float64{100, 100, 120, 120} {
		add(&a, at(d), px)
	}
	for t := at(4); t < at(8); t += h {
		add(&a, t, 132)
	}
	for t := at(0); t < at(8); t += h {
		px := 50.0
		if t >= at(5)+12*h {
			px = 55
		}
		add(&b, t, px)
	}
	a.AdjClose, b.AdjClose = a.Close, b.Close
	p := &data.Panel{Series: []data.Series{a, b}}
	for i := range p.Series {
		p.Series[i].SetInterval()
	}
	if iv := p.Series[0].Interval; iv != data.Hour {
		t.Fatalf("A's interval %s, want 1h (its median step)", iv)
	}
	_, res := run(t, p, "weights", Params{"weights": map[string]any{"A": 0.5, "B": 0.5}, "rebalance_days": int64(2)}, 1000)
	type fill struct {
		t     int64
		sym   string
		qty   float64
		price float64
	}
	want := []fill{
		{at(1), "A", 5, 100}, {at(1), "B", 10, 50},
		{at(3), "A", -5.0 / 12, 120}, {at(3), "B", 1, 50},
		{at(4) + h, "A", 4.375 - 55.0/12, 132}, {at(4) + h, "B", 0.55, 50},
		{at(6) + h, "A", 0.21875, 132}, {at(6) + h, "B", -0.525, 55},
	}
	got := slices.Clone(res.Fills)
	slices.SortStableFunc(got, func(x, y engine.Fill) int {
		if x.Time != y.Time {
			return int(x.Time/h - y.Time/h)
		}
		return strings.Compare(x.Symbol, y.Symbol)
	})
	if len(got) != len(want) {
		for _, f := range got {
			t.Logf("got %s %s %g @ %g", data.FormatTime(f.Time), f.Symbol, f.Qty, f.Price)
		}
		t.Fatalf("%d fills, want %d", len(got), len(want))
	}
	for k, w := range want {
		f := got[k]
		if f.Time != w.t || f.Symbol != w.sym || f.Price != w.price || math.Abs(f.Qty-w.qty) > 1e-9*math.Abs(w.qty) {
			t.Errorf("fill %d: %s %s %.12g @ %g, want %s %s %.12g @ %g", k,
				data.FormatTime(f.Time), f.Symbol, f.Qty, f.Price, data.FormatTime(w.t), w.sym, w.qty, w.price)
		}
	}
}
