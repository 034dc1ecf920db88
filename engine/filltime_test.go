package engine

import (
	"math"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// FillTime says when a market order submitted now fills, instrument by
// instrument: checked against the fills themselves (a buy of each
// instrument at every step, each order's fill time against the FillTime
// read when it was sent), and at three steps by hand. EQ trades hourly at
// :30, 14:30Z to 20:30Z on two days, CR hourly at :00 throughout:
//   - CR's 20:00Z step on the 13th has seen CR's 21:00Z close: EQ's next
//     bar opens at 20:30Z, before it, so EQ fills at the 14th's 14:30Z,
//     CR at 21:00Z;
//   - EQ's 14:30Z step on the 14th has seen EQ's 15:30Z close: EQ 15:30Z,
//     CR 16:00Z;
//   - after EQ's last bar (20:30Z on the 14th) no EQ bar is left:
//     math.MaxInt64.
func TestFillTime(t *testing.T) {
	var eqT []time.Time
	for _, d := range []int{13, 14} {
		eqT = append(eqT, hourly(utc(2025, 1, d, 14, 30), 7)...)
	}
	eq := flatAt(t, "EQ", data.Equity, 100, eqT...)
	cr := flatAt(t, "CR", data.Crypto, 10, hourly(utc(2025, 1, 13, 0, 0), 48)...)
	expect := map[OrderID]int64{} // each order's fill time, read when sent
	byHand := map[int64][2]int64{
		utc(2025, 1, 13, 20, 0).UnixNano():  {utc(2025, 1, 14, 14, 30).UnixNano(), utc(2025, 1, 13, 21, 0).UnixNano()},
		utc(2025, 1, 14, 14, 30).UnixNano(): {utc(2025, 1, 14, 15, 30).UnixNano(), utc(2025, 1, 14, 16, 0).UnixNano()},
		utc(2025, 1, 14, 21, 0).UnixNano():  {math.MaxInt64, utc(2025, 1, 14, 22, 0).UnixNano()},
	}
	checked := 0
	res := one(t, panel(eq, cr), Config{Cash: 1e9}, func(ctx *Context, s *Slice) error {
		if h, ok := byHand[ctx.Time()]; ok {
			checked++
			for i := range 2 {
				if got := ctx.FillTime(i); got != h[i] {
					t.Errorf("at %s: FillTime(%s) = %s, want %s", data.FormatTime(ctx.Time()), ctx.Symbol(i), data.FormatTime(got), data.FormatTime(h[i]))
				}
			}
		}
		for i := range 2 {
			if ctx.Bars(i) == 0 {
				continue
			}
			id, err := ctx.Buy(i, 1)
			if err != nil {
				return err
			}
			expect[id] = ctx.FillTime(i)
		}
		return nil
	})
	if checked != len(byHand) {
		t.Fatalf("%d of the %d steps checked by hand were reached", checked, len(byHand))
	}
	filled := 0
	for _, f := range res.Fills {
		want, ok := expect[f.Order]
		if !ok {
			t.Fatalf("fill of an unknown order %+v", f)
		}
		if f.Time != want {
			t.Errorf("order %d on %s filled at %s, FillTime said %s", f.Order, f.Symbol, data.FormatTime(f.Time), data.FormatTime(want))
		}
		filled++
	}
	// Every order whose FillTime named a bar filled there; the others
	// (past the data's end) did not fill.
	pending := 0
	for _, w := range expect {
		if w == math.MaxInt64 {
			pending++
		}
	}
	if filled+pending != len(expect) || filled < 60 {
		t.Errorf("%d filled + %d past the end of %d orders", filled, pending, len(expect))
	}
}
