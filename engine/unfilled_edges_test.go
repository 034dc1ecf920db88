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

// closedUntil read every equity's market as the NYSE's: a Tokyo equity
// (9984.T) whose data ends on Wednesday 2024-07-03, in a run going on
// beside a token to Thursday 07-04, the NYSE's Independence Day but a
// Tokyo session, was "no bar after its placement" (its market closed),
// where its data had ended. The NYSE's holidays are New York's; of
// another exchange only the weekends are known closed: the same equity
// with data to Friday 07-05 in a run to Sunday 07-07 is PendingNoBar, as
// a New York equity to its holiday is.
func TestPendingClosedMarketIsTheEquitysOwn(t *testing.T) {
	day := func(s string) int64 {
		d, err := data.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	daily := func(sym string, class data.Class, last string) data.Series {
		var rows []row
		for d := day("2024-07-01"); d <= day(last); d += data.NanosPerDay {
			if class == data.Equity && data.Weekday(d) >= 5 {
				continue
			}
			rows = append(rows, row{data.FormatDay(d), 100, 102, 98, 101, 1e6})
		}
		return series(t, sym, class, rows)
	}
	// 2024-07-01 is a Monday; the order is decided on the equity's last
	// bar, through.
	for _, tc := range []struct {
		name, sym, through, last string
		want                     PendingWhy
	}{
		{"Tokyo, to the NYSE's holiday", "9984.T", "2024-07-03", "2024-07-04", PendingDataEnded},
		{"Tokyo, to the Sunday after Thursday and Friday", "9984.T", "2024-07-03", "2024-07-07", PendingDataEnded},
		{"Tokyo, Friday to Sunday", "9984.T", "2024-07-05", "2024-07-07", PendingNoBar},
		{"New York, to its holiday", "AAA", "2024-07-03", "2024-07-04", PendingNoBar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			strat := script(func(ctx *Context, s *Slice) error {
				if ctx.Time() == day(tc.through) {
					_, err := ctx.Buy(0, 1)
					return err
				}
				return nil
			})
			res, err := Run(panel(daily(tc.sym, data.Equity, tc.through), daily("TTT", data.Crypto, tc.last)), nil, strat, Config{Cash: 1e5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pending) != 1 || res.Pending[0].Why != tc.want {
				t.Fatalf("pending = %+v, want the buy %v", res.Pending, tc.want)
			}
		})
	}
}
