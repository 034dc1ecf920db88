package strategies

import (
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/divergence-research/divergence/data"
)

// from re-dates s's daily bars to start at day (UTC ns), one a day.
func from(s data.Series, day int64) data.Series {
	s.Time = make([]int64, len(s.Open))
	for k := range s.Time {
		s.Time[k] = day + int64(k)*data.NanosPerDay
	}
	return s
}

// A schedule date of 1970-01-01 (0 ns) is a date: it was refused as
// "schedule[0].date: required". Bars from 1969-12-30, flat at 100, cash
// 1000: base {A = 0.5, B = 0.5} → 5 + 5 bought at 1969-12-31's open; from
// 1970-01-01 (bar 2) {A = 1} → B −5, A +5 at 1970-01-02's open.
func TestWeightsScheduleAtTheEpoch(t *testing.T) {
	start := data.Day(1969, time.December, 30)
	p := &data.Panel{Series: []data.Series{from(flat("A", 5, 100), start), from(flat("B", 5, 100), start)}}
	for _, date := range []any{"1970-01-01", time.Unix(0, 0).UTC()} {
		_, res := run(t, p, "weights", Params{
			"weights":  map[string]any{"A": 0.5, "B": 0.5},
			"schedule": []map[string]any{{"date": date, "weights": map[string]any{"A": 1.0}}},
		}, 1000)
		type fill struct {
			day      int64
			sym, tag string
			qty      float64
		}
		want := []fill{
			{start + data.NanosPerDay, "A", "rebalance", 5},
			{start + data.NanosPerDay, "B", "rebalance", 5},
			{data.NanosPerDay, "B", "schedule 1970-01-01", -5},
			{data.NanosPerDay, "A", "schedule 1970-01-01", 5},
		}
		if len(res.Fills) != len(want) {
			t.Fatalf("date %v: fills %+v, want %+v", date, res.Fills, want)
		}
		for j, w := range want {
			f := res.Fills[j]
			if f.Time != w.day || f.Symbol != w.sym || f.Tag != w.tag || !near(f.Qty, w.qty, 1e-12) || f.Price != 100 {
				t.Errorf("date %v: fill %d %+v, want %+v at 100", date, j, f, w)
			}
		}
	}
	// Left out, it is still required.
	if _, err := Builtins().New("weights", Params{"schedule": []map[string]any{{"weights": map[string]any{"A": 0.5}}}}); err == nil {
		t.Error("a schedule entry without a date: no error")
	}
}

// A rebalance at 1970-01-01 (0 ns) is a rebalance: the clock's last
// rebalance at 0 was taken for none, and the next bar rebalanced again.
// Bars from 1970-01-01, cash 1000, {A = 0.5, B = 0.5}: 5 + 5 bought at
// 1970-01-02's open (100); A closes 120 that day (equity 5 × 120 + 500 =
// 1100, A's weight 0.545): with no calendar or band, nothing more is
// traded (the second rebalance sold 5 − 550/120 of A on 1970-01-03).
func TestRebalanceAtTheEpoch(t *testing.T) {
	for _, typ := range []string{"buy-and-hold", "weights"} {
		t.Run(typ, func(t *testing.T) {
			a := from(bars("A", []float64{100, 100, 120, 120}, []float64{100, 120, 120, 120}), 0)
			b := from(flat("B", 4, 100), 0)
			params := Params{"weights": map[string]any{"A": 0.5, "B": 0.5}}
			if typ == "buy-and-hold" {
				params = Params{"symbols": []string{"A", "B"}, "weights": []float64{0.5, 0.5}}
			}
			_, res := run(t, &data.Panel{Series: []data.Series{a, b}}, typ, params, 1000)
			if len(res.Fills) != 2 || res.Fills[0].Time != data.NanosPerDay || res.Fills[1].Time != data.NanosPerDay {
				t.Errorf("fills %+v: want the two buys on 1970-01-02 alone", res.Fills)
			}
		})
	}
}

// scaled-entry's first tranche fill, and a sale's fill, at 1970-01-01
// (0 ns) are times: 0 was taken for "not filled yet", so a cycle whose
// first tranche filled then never armed its trailing stop, and the
// cooldown after a sale filled then did not run. The bars of
// TestScaledEntryExactStopAndStepReached, dated so that the fill in
// question falls on 1970-01-01.
func TestScaledEntryFillsAtTheEpoch(t *testing.T) {
	opens := []float64{100, 100, 100, 100, 66, 66, 66, 66}
	closes := []float64{100, 100, 100, 66, 66, 66, 66, 66}
	day := func(k int) int64 { return int64(k) * data.NanosPerDay }
	t.Run("first fill", func(t *testing.T) {
		// Bar 1 is 1970-01-01: the tranche of the whole cash fills there
		// at 100; bar 3 closes at 66 = 0.66 × the high, the stop; sold at
		// bar 4's open (660), bought again at bar 5's (660 / 66 = 10).
		x := from(bars("X", opens[:6], closes[:6]), day(-1))
		_, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
			"symbol": "X", "levels": []float64{0}, "take_profit": []float64{}, "trailing_stop": 0.34,
		}, 1000)
		want := []struct {
			t       int64
			qty, px float64
			tag     string
		}{{0, 10, 100, "tranche 1"}, {day(3), -10, 66, "trailing stop"}, {day(4), 10, 66, "tranche 1"}}
		if len(res.Fills) != len(want) {
			t.Fatalf("fills %+v, want %+v", res.Fills, want)
		}
		for j, w := range want {
			if f := res.Fills[j]; f.Time != w.t || !near(f.Qty, w.qty, 1e-12) || f.Price != w.px || f.Tag != w.tag {
				t.Errorf("fill %d %+v, want %+v", j, f, w)
			}
		}
	})
	t.Run("sale fill", func(t *testing.T) {
		// Bar 4 is 1970-01-01: the stop's sale fills there; with
		// cooldown_days = 2 the new cycle's tranche waits until bar 6
		// (2 days after the sale), filled at bar 7's open: 660 / 66 = 10.
		x := from(bars("X", opens, closes), day(-4))
		_, res := run(t, &data.Panel{Series: []data.Series{x}}, "scaled-entry", Params{
			"symbol": "X", "levels": []float64{0}, "take_profit": []float64{}, "trailing_stop": 0.34, "cooldown_days": 2,
		}, 1000)
		if n := len(res.Fills); n != 3 || res.Fills[1].Time != 0 || res.Fills[1].Tag != "trailing stop" || res.Fills[2].Time != day(3) || !near(res.Fills[2].Qty, 10, 1e-12) {
			t.Errorf("fills %+v: want the stop's sale on 1970-01-01 and the next tranche on 1970-01-04", res.Fills)
		}
	})
}

// pair-hedge's stop-loss at 1970-01-01 (0 ns) starts its cooldown: 0 was
// taken for "no stop yet", and the legs were entered again on the next
// bar. The bars of TestPairHedgeStopLoss with bar 3 (the stop) on
// 1970-01-01: closed at bar 4's open, cooldown 2 days, re-entered at bar
// 6's open (S −4.5 at 100, L 5.625 at 80).
func TestPairHedgeStopAtTheEpoch(t *testing.T) {
	start := -3 * data.NanosPerDay
	l := from(bars("L", []float64{100, 100, 95, 85, 80, 80, 80, 80}, []float64{100, 100, 90, 79, 80, 80, 80, 80}), start)
	s := from(flat("S", 8, 100), start)
	_, res := run(t, &data.Panel{Series: []data.Series{l, s}}, "pair-hedge", Params{
		"long": []string{"L"}, "short": []string{"S"}, "rebalance_days": 30, "stop_loss": 0.1, "cooldown_days": 2}, 1000)
	bar := func(k int64) int64 { return start + k*data.NanosPerDay }
	if f := res.Fills; len(f) != 6 || f[2].Time != bar(4) || f[2].Tag != "stop loss" ||
		f[4].Time != bar(6) || f[4].Symbol != "S" || !near(f[4].Qty, -4.5, 1e-12) || f[5].Time != bar(6) || !near(f[5].Qty, 5.625, 1e-12) {
		t.Errorf("fills %+v: want the stop's at 1970-01-02 and the re-entry at 1970-01-04", f)
	}
}

// The params of a file: an inline array of tables reads as []any, an
// array of tables as []map[string]any; date = 1970-01-01 in either is a
// date (it was "schedule[0].date: required").
func TestWeightsScheduleAtTheEpochFromTOML(t *testing.T) {
	for _, doc := range []string{
		"[params]\nschedule = [{ date = 1970-01-01, weights = { A = 0.5 } }]\n",
		"[params]\n[[params.schedule]]\ndate = \"1970-01-01\"\nweights = { A = 0.5 }\n",
	} {
		var f struct{ Params Params }
		if _, err := toml.Decode(doc, &f); err != nil {
			t.Fatal(err)
		}
		s, err := NewWeights(f.Params)
		if err != nil {
			t.Errorf("%q: %v", doc, err)
			continue
		}
		if e := s.(*Weights).p.Schedule[0]; e.Date != 0 || !e.DateSet {
			t.Errorf("%q: entry %+v, want 1970-01-01 (0, DateSet)", doc, e)
		}
	}
}
