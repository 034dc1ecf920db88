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
