package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A stop-limit that has triggered and rests as a limit is re-armed when a
// Replace moves its stop: the modified order is a new decision, and the
// new stop has not been reached since. Buy 10, stop 106, limit 104,
// submitted on day 1 (close 102). Day 2 (103/110/101/108, up: O→L→H→C)
// reaches 106 on the way from 101 to 110: triggered, but 106 > 104, so
// it rests as a limit at 104, which the rest of the path (110, 108) does
// not reach. On day 2 the strategy raises the stop to 120. Day 3
// (107/109/98/99) never reaches 120: no fill (the kept trigger filled it
// at 104, a stop-limit at 120 filled 16 below its stop). Day 4
// (110/121/109/115, up: O→L→H→C) reaches 120 on the way from 109 to 121,
// above the limit: it rests at 104 again and does not fill. Replacing the
// limit alone (to 108) keeps it triggered, a live limit: day 3 opens at
// 107, below 108, and fills there (a maker fill at the open, a gap).
func TestReplaceStopRearmsStopLimit(t *testing.T) {
	p := panel(series(t, "TOK", data.Crypto, []row{
		{"2024-03-01", 100, 105, 95, 102, 1e6},
		{"2024-03-02", 103, 110, 101, 108, 1e6},
		{"2024-03-03", 107, 109, 98, 99, 1e6},
		{"2024-03-04", 110, 121, 109, 115, 1e6},
	}))
	for _, tc := range []struct {
		name        string
		price, stop float64
		fills       int
		at          float64
	}{
		{"stop moved", 0, 120, 0, 0},
		{"limit moved", 108, 0, 1, 107},
	} {
		var id OrderID
		res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
			var err error
			switch s.Step {
			case 0:
				id, err = ctx.Submit(Order{Instrument: 0, Kind: StopLimit, Amount: 10, StopPrice: 106, Price: 104})
			case 1:
				if !ctx.Replace(id, 0, tc.price, tc.stop) {
					t.Errorf("%s: replace refused", tc.name)
				}
			}
			return err
		})
		if len(res.Fills) != tc.fills {
			t.Fatalf("%s: fills %+v, want %d", tc.name, res.Fills, tc.fills)
		}
		if tc.fills == 1 {
			if f := res.Fills[0]; f.Price != tc.at || data.FormatDay(f.Time) != "2024-03-03" {
				t.Errorf("%s: fill %+v, want 10 at %g on 2024-03-03", tc.name, f, tc.at)
			}
		}
	}
}

// Replace refuses a price or stop the order's kind does not have, and
// leaves the order as it was: a sell Stop at 90 "moved" with
// Replace(id, 0, 100, 0) set the unused limit price, reported true, and
// filled at 90 on day 4 (open 95, low 90) where a stop at 100 fills on
// day 3 (down bar 107/109/98/99: at 100). Replace(id, 0, 0, 100) moves it.
func TestReplaceRefusesAFieldTheKindHasNot(t *testing.T) {
	p := panel(series(t, "TOK", data.Crypto, []row{
		{"2024-03-01", 100, 105, 95, 102, 1e6},
		{"2024-03-02", 103, 110, 101, 108, 1e6},
		{"2024-03-03", 107, 109, 98, 99, 1e6},
		{"2024-03-04", 95, 97, 90, 96, 1e6},
	}))
	for _, tc := range []struct {
		name        string
		o           Order
		price, stop float64
		ok          bool
	}{
		{"stop with a price", Order{Kind: Stop, Amount: -10, StopPrice: 90}, 100, 0, false},
		{"stop with a stop", Order{Kind: Stop, Amount: -10, StopPrice: 90}, 0, 100, true},
		{"limit with a stop", Order{Kind: Limit, Amount: 10, Price: 90}, 0, 100, false},
		{"market with a price", Order{Kind: Market, Amount: 10}, 100, 0, false},
		{"trailing with a stop", Order{Kind: TrailingStop, Amount: -10, TrailPct: 0.05}, 0, 100, false},
		{"stop-limit with both", Order{Kind: StopLimit, Amount: -10, StopPrice: 90, Price: 89}, 99, 100, true},
	} {
		var id OrderID
		var ok bool
		one(t, p, Config{}, func(ctx *Context, s *Slice) error {
			var err error
			switch s.Step {
			case 0:
				o := tc.o
				o.Instrument = 0
				if o.Kind == Market {
					return nil
				}
				id, err = ctx.Submit(o)
			case 1:
				if tc.o.Kind == Market {
					// a market order still pending at OnBar: submitted now
					o := tc.o
					id, err = ctx.Submit(o)
				}
				ok = ctx.Replace(id, 0, tc.price, tc.stop)
			}
			return err
		})
		if ok != tc.ok {
			t.Errorf("%s: Replace said %v, want %v", tc.name, ok, tc.ok)
		}
	}
	// The stop moved with its stop fills on day 3 at 100.
	var id OrderID
	res := one(t, p, Config{}, func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			id, err = ctx.Submit(Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 90})
		case 1:
			ctx.Replace(id, 0, 0, 100)
		}
		return err
	})
	if len(res.Fills) != 1 || res.Fills[0].Price != 100 || data.FormatDay(res.Fills[0].Time) != "2024-03-03" {
		t.Errorf("fills %+v, want -10 at 100 on 2024-03-03", res.Fills)
	}
}
