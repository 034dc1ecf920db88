package engine

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A buy stop-limit (stop 110, limit 111) triggered at 01-03's open, 115,
// above its limit: it rests as a limit buy at 111 that no bar after
// reaches (01-03's path 115 → 114 → 118 → 116 stays above 111, 01-04's
// low is 113). Its Reach is the lowest low after the trigger, 113, above
// the level: the bars before it (01-02's low 99, under 110 while it was
// a stop) are not the limit's, and counting them gave Reach 99, under
// the limit a buy would have filled at, and a note that said "above the
// highest high after it (99)".
func TestPendingTriggeredStopLimitReach(t *testing.T) {
	p := panel(series(t, "AAA", data.Equity, []row{
		{"2024-01-01", 100, 102, 98, 101, 1e6},
		{"2024-01-02", 103, 105, 99, 104, 1e6},
		{"2024-01-03", 115, 118, 114, 116, 1e6},
		{"2024-01-04", 117, 120, 113, 118, 1e6},
	}))
	res := one(t, p, Config{Cash: 1e5}, at(0, Order{Instrument: 0, Kind: StopLimit, Amount: 5, StopPrice: 110, Price: 111}))
	if len(res.Fills) != 0 || len(res.Pending) != 1 {
		t.Fatalf("fills %+v, pending %+v: want none and the stop-limit", res.Fills, res.Pending)
	}
	g := res.Pending[0]
	// min(01-04's low 113) = 113; 01-03, the trigger bar, went under
	// 115 to 114 only after the trigger, above 111 too.
	if g.Why != PendingNotReached || g.Level != 111 || g.Reach != 113 || g.Side != 1 {
		t.Errorf("pending %+v: want not reached, level 111, reach 113 (the lowest low after the trigger)", g)
	}
}

// An order whose cancel is on its way at the run's end is not listed;
// when it is the only order left, Result.Pending is nil, as documented
// ("nil when none is"), not an empty list. EQ's hourly bar stamped 13:30
// closes at 14:30; a cancel decided then waits for that close
// (deferTo), after TT's 14:00 step, the run's last.
func TestPendingOnlyCancellingIsNil(t *testing.T) {
	eq := flatAt(t, "EQ", data.Equity, 100, hourly(utc(2025, 1, 10, 11, 30), 3)...) // 11:30, 12:30, 13:30
	tt := flatAt(t, "TT", data.Crypto, 50, utc(2025, 1, 10, 13, 0), utc(2025, 1, 10, 14, 0))
	var id OrderID
	strat := script(func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			var err error
			id, err = ctx.Submit(Order{Instrument: 1, Kind: Limit, Amount: 1, Price: 10})
			return err
		case 3: // 13:30: the next step, 14:00, comes before EQ's close at 14:30
			if !ctx.Cancel(id) {
				t.Error("cancel refused")
			}
		}
		return nil
	})
	res, err := Run(panel(eq, tt), nil, strat, Config{Cash: 1e5})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Curve.Time); n != 5 {
		t.Fatalf("%d steps, want 5 (11:30, 12:30, 13:00, 13:30, 14:00)", n)
	}
	if res.Pending != nil {
		t.Errorf("Pending = %#v, want nil: the one order left is being cancelled", res.Pending)
	}
}
