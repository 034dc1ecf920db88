package engine

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// A recall at 1970-01-01 (RecallAt 0 with RecallSet) is a recall: the
// short of 10 sold at the open of 1969-12-31 (101) is covered at the open
// of 1970-01-01 (103), and a short asked for on 1970-01-01 is refused. The
// zero Borrow (RecallAt 0 without RecallSet) recalls nothing: the short
// is held to the end.
func TestRecallAtTheEpoch(t *testing.T) {
	p := panel(series(t, "A", data.Equity, []row{
		{"1969-12-30", 100, 100, 100, 100, 1e6},
		{"1969-12-31", 101, 101, 101, 101, 1e6},
		{"1970-01-01", 103, 103, 103, 103, 1e6},
		{"1970-01-02", 104, 104, 104, 104, 1e6},
	}))
	if p.Series[0].Time[2] != 0 {
		t.Fatalf("1970-01-01 is %d ns, want 0", p.Series[0].Time[2])
	}
	short := func(ctx *Context, s *Slice) error {
		if s.Step == 0 || s.Step == 2 {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: Market, Amount: -10})
			return err
		}
		return nil
	}
	cfg := Config{Equity: Terms{Borrow: Borrow{RecallSet: true}}}
	res := one(t, p, cfg, short)
	// Fills: sold 10 at 101 (step 1's open), recalled 10 at 103 (step 2's
	// open); the short asked at step 2 (for step 3) refused whole.
	if len(res.Fills) != 2 || res.Fills[0].Qty != -10 || res.Fills[0].Price != 101 ||
		res.Fills[1].Kind != Recall || res.Fills[1].Qty != 10 || res.Fills[1].Price != 103 || res.Fills[1].Time != 0 {
		t.Fatalf("with the recall at 1970-01-01: fills %+v", res.Fills)
	}
	if res.Rejections != 1 || res.Portfolio.Qty[0] != 0 {
		t.Errorf("with the recall at 1970-01-01: %d rejections, position %g; want 1 and 0", res.Rejections, res.Portfolio.Qty[0])
	}
	res = one(t, p, Config{}, short)
	// No recall: both shorts fill (101, then 104), -20 held.
	if len(res.Fills) != 2 || res.Rejections != 0 || res.Portfolio.Qty[0] != -20 {
		t.Errorf("without a recall: fills %+v, %d rejections, position %g; want two shorts, none, -20", res.Fills, res.Rejections, res.Portfolio.Qty[0])
	}
}

// The step after 1970-01-01 (the previous step at 0 ns) accrues its
// borrow fee and applies its splits: 0 was taken for "no previous step".
// A short of 10 sold at 1970-01-01's open (100), rate 3.6%: 10 × 100 ×
// 0.036 / 360 = 0.10 a day, 1970-01-01 → 01-02 one day, 01-02 → 01-05
// three: 0.40 in all (0.30 when the first day was skipped). A long of 10
// bought at 1970-01-01's open, split 2-for-1 on 1970-01-02, is 20 (10
// when the split was skipped).
func TestStepAfterTheEpoch(t *testing.T) {
	bars := []row{
		{"1969-12-31", 100, 100, 100, 100, 1e6},
		{"1970-01-01", 100, 100, 100, 100, 1e6},
		{"1970-01-02", 100, 100, 100, 100, 1e6},
		{"1970-01-05", 100, 100, 100, 100, 1e6},
	}
	t.Run("borrow", func(t *testing.T) {
		p := panel(series(t, "A", data.Equity, bars))
		cfg := Config{Equity: Terms{Borrow: Borrow{Rate: 0.036}}}
		res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: -10}))
		if got := ledgerSum(res, CostBorrow); !near(got, 0.40, 1e-9) {
			t.Errorf("borrow booked %g, want 0.40", got)
		}
	})
	t.Run("interest", func(t *testing.T) {
		// No trade: 1,000,000 at 3.6% (0.01% a day, ACT/360), credited
		// to the cash step by step: 12-31 → 01-01 one day, 100.00;
		// 01-01 → 01-02 one day on 1,000,100, 100.01; 01-02 → 01-05
		// three on 1,000,200.01, 300.060003: 500.070003 received
		// (ledger −); 100 + 3 × 100.01 = 400.03 when the day after the
		// epoch was skipped.
		p := panel(series(t, "A", data.Equity, bars))
		res := one(t, p, Config{CashRate: 0.036}, func(*Context, *Slice) error { return nil })
		if got := ledgerSum(res, CostInterest); !near(got, -500.070003, 1e-12) {
			t.Errorf("interest booked %.9f, want -500.070003", got)
		}
	})
	t.Run("split", func(t *testing.T) {
		p := panel(series(t, "A", data.Equity, bars))
		cfg := Config{Splits: map[string][]Split{"A": {{Time: p.Series[0].Time[2], Ratio: 2}}}}
		res := one(t, p, cfg, at(0, Order{Instrument: 0, Kind: Market, Amount: 10}))
		if q := res.Portfolio.Qty[0]; q != 20 {
			t.Errorf("position %g, want 20", q)
		}
	})
}

// A cancel deferred to a close at 1970-01-01 00:00 (0 ns) is deferred, as
// at any other time: 0 was taken for "at once". A hourly at :00, B hourly
// at :30, both 24/7. A buy limit of 10 B at 85 placed at 1969-12-31
// 22:00Z; B's 23:30Z bar dips to 80. The cancel decided at A's 23:00Z
// step, which shows A's close at 00:00Z (0), reaches the market then: B's
// 23:30Z bar, opening before it, still fills the limit at 85 (as
// TestCancelAfterTheCloseItSaw off the epoch; at once, no fill). A replace to 75 decided
// there is in force from 0 too: the 23:30Z bar fills it at 85 as sent
// (at once, the limit of 75 was not reached: no fill).
func TestCancelDeferredToTheEpoch(t *testing.T) {
	t0 := utc(1969, 12, 31, 21, 0)
	a := flatAt(t, "A", data.Crypto, 100, hourly(t0, 5)...)
	b := flatAt(t, "B", data.Crypto, 100, hourly(t0.Add(30*time.Minute), 5)...)
	// B's bars: 21:30, 22:30, 23:30 (row 2), 00:30, 01:30.
	b.Low[2] = 80
	decide := utc(1969, 12, 31, 23, 0)
	if a.Time[2] != decide.UnixNano() || a.Time[3] != 0 {
		t.Fatalf("A's bars at %d, %d", a.Time[2], a.Time[3])
	}
	for _, replace := range []bool{false, true} {
		var id OrderID
		res := one(t, panel(a, b), Config{Cash: 1e6}, func(ctx *Context, s *Slice) error {
			now := time.Unix(0, s.Time).UTC()
			if now == utc(1969, 12, 31, 22, 0) {
				var err error
				id, err = ctx.Submit(Order{Instrument: 1, Kind: Limit, Amount: 10, Price: 85})
				return err
			}
			if now == decide {
				var ok bool
				if replace {
					ok = ctx.Replace(id, 0, 75, 0)
				} else {
					ok = ctx.Cancel(id)
				}
				if !ok {
					t.Errorf("replace %v: the order was not pending", replace)
				}
			}
			return nil
		})
		want := utc(1969, 12, 31, 23, 30).UnixNano()
		if len(res.Fills) != 1 || res.Fills[0].Price != 85 || res.Fills[0].Qty != 10 || res.Fills[0].Time != want {
			t.Errorf("replace %v: fills %+v, want 10 B at 85 at 1969-12-31T23:30Z", replace, res.Fills)
		}
	}
}
