package report

import (
	"math"
	"strings"
	"testing"
)

// TestRoundTrips matches fills first in, first out, by hand:
//
//	day 1 buy 10 @ 100 (commission 1)   lot A: 10 @ 100, 0.1/unit
//	day 2 buy  5 @ 110 (commission 1)   lot B:  5 @ 110, 0.2/unit
//	day 3 sell 12 @ 120 (commission 2.4, 0.2/unit)
//	      closes A: 10 × (120 − 100) − 10 × (0.1 + 0.2) = 200 − 3 = 197, return 197/1000
//	      closes 2 of B: 2 × (120 − 110) − 2 × (0.2 + 0.2) = 20 − 0.8 = 19.2, return 19.2/220
//	day 4 sell 8 @ 90 (commission 0): closes B's last 3: 3 × (90 − 110) − 3 × 0.2 = −60.6,
//	      and opens a short lot C of −5 @ 90
//	day 5 buy 5 @ 80: closes C: −5 × (80 − 90) − 0 = 50, return 50/450
//	TAO day 2 sell 4 @ 10: a short lot still open at the end.
func TestRoundTrips(t *testing.T) {
	day := func(d int) int64 { return int64(d) * 86400e9 }
	fills := []Fill{
		{day(1), "BTC", 10, 100, 1, "tranche 1"},
		{day(2), "BTC", 5, 110, 1, "tranche 2"},
		{day(2), "TAO", -4, 10, 0, "short"},
		{day(3), "BTC", -12, 120, 2.4, "exit 1"},
		{day(4), "BTC", -8, 90, 0, "flip"},
		{day(5), "BTC", 5, 80, 0, "cover"},
	}
	want := []RoundTrip{
		{Symbol: "BTC", EntryTime: day(1), ExitTime: day(3), EntryPrice: 100, ExitPrice: 120, Qty: 10, PnL: 197, Return: 0.197, Tranche: "tranche 1"},
		{Symbol: "BTC", EntryTime: day(2), ExitTime: day(3), EntryPrice: 110, ExitPrice: 120, Qty: 2, PnL: 19.2, Return: 19.2 / 220, Tranche: "tranche 2"},
		{Symbol: "BTC", EntryTime: day(2), ExitTime: day(4), EntryPrice: 110, ExitPrice: 90, Qty: 3, PnL: -60.6, Return: -60.6 / 330, Tranche: "tranche 2"},
		{Symbol: "BTC", EntryTime: day(4), ExitTime: day(5), EntryPrice: 90, ExitPrice: 80, Qty: -5, PnL: 50, Return: 50.0 / 450, Tranche: "flip"},
		{Symbol: "TAO", EntryTime: day(2), ExitTime: day(5), Open: true, EntryPrice: 10, ExitPrice: math.NaN(), Qty: -4, PnL: math.NaN(), Return: math.NaN(), Tranche: "short"},
	}
	got := RoundTrips(fills)
	if len(got) != len(want) {
		t.Fatalf("%d round trips, want %d: %+v", len(got), len(want), got)
	}
	near := func(a, b float64) bool { return a == b || math.Abs(a-b) < 1e-9 || (math.IsNaN(a) && math.IsNaN(b)) }
	for i, w := range want {
		g := got[i]
		if g.Symbol != w.Symbol || g.EntryTime != w.EntryTime || g.ExitTime != w.ExitTime || g.Open != w.Open || g.Tranche != w.Tranche ||
			!near(g.EntryPrice, w.EntryPrice) || !near(g.ExitPrice, w.ExitPrice) || !near(g.Qty, w.Qty) || !near(g.PnL, w.PnL) || !near(g.Return, w.Return) {
			t.Errorf("round trip %d: %+v\nwant %+v", i, g, w)
		}
	}
	// The closed round trips' PnL is the fills' cash flows less every
	// commission of the closed quantity: BTC is flat at the end, so it is
	// −Σ qty × price − Σ commission = −(1000 + 550 − 1440 − 720 + 400) − 4.4.
	sum := 0.0
	for _, r := range got[:4] {
		sum += r.PnL
	}
	if cash := -(1000.0 + 550 - 1440 - 720 + 400) - 4.4; math.Abs(sum-cash) > 1e-9 {
		t.Errorf("closed PnL %g, cash flows %g", sum, cash)
	}
	// The run ends on day 30: TAO's short, opened on day 2, has been held
	// 28 days (not the 3 days to the last fill, day 5).
	tab, note := tradesTable(got, day(30))
	if len(tab.Rows) != 5 || note == "" {
		t.Fatalf("table of %d rows, note %q", len(tab.Rows), note)
	}
	hold := len(tab.Header) - 2
	if tab.Header[hold] != "holding" {
		t.Fatalf("header %v", tab.Header)
	}
	tao := func(tab *htmlTable) []cell {
		for _, r := range tab.Rows {
			if r[0].Text == "TAO" {
				return r
			}
		}
		t.Fatal("no TAO row")
		return nil
	}
	if r := tao(tab); r[3].Text != "open" || r[hold].Text != "28.0 d (open)" {
		t.Errorf("open lot's row %v: want open, held 28.0 d (open)", r)
	}
	if got := tab.Rows[0][hold].Text; got != "2.0 d" {
		t.Errorf("first round trip held %q, want 2.0 d (day 1 to day 3)", got)
	}
	if tab, _ := tradesTable(got, 0); tao(tab)[hold].Text != "—" {
		t.Errorf("open lot without the run's end: holding %q, want —", tao(tab)[hold].Text)
	}
}

// TestTradesMeanHoldingLong: the mean holding time of many long round
// trips, whose holding times sum past time.Duration's 292 years. By hand:
// 2,000 round trips each held 200 days sum to 400,000 days (1,095 years);
// their mean is 200.0 d. Summed as a Duration the total wrapped modulo
// 2^64 ns (213,503.98 days) to 400,000 − 2 × 213,504 = −27,008 days, a
// mean of −13.5 d (written −324.1 h).
func TestTradesMeanHoldingLong(t *testing.T) {
	day := int64(86400e9)
	rts := make([]RoundTrip, 2000)
	for i := range rts {
		rts[i] = RoundTrip{Symbol: "BTC", EntryTime: int64(i) * day, ExitTime: int64(i+200) * day, EntryPrice: 1, ExitPrice: 1, Qty: 1}
	}
	_, summary := tradesTable(rts, 0)
	if !strings.Contains(summary, "mean holding time 200.0 d") {
		t.Errorf("summary %q, want mean holding time 200.0 d", summary)
	}
}

// A lot still open after fills before 1970 ends at the last fill's time,
// as documented: the latest fill was sought from 0, so the open lot of
// fills on 1969-12-30 and 12-31 said it was held to 1970-01-01 (0).
func TestRoundTripsOpenBefore1970(t *testing.T) {
	const day = int64(86_400e9)
	rts := RoundTrips([]Fill{
		{Time: -2 * day, Symbol: "A", Qty: 10, Price: 100},
		{Time: -day, Symbol: "A", Qty: -4, Price: 110},
	})
	// 4 of the 10 closed on 1969-12-31; 6 open since 1969-12-30.
	if len(rts) != 2 || rts[1].Open != true || rts[1].Qty != 6 || rts[1].EntryTime != -2*day || rts[1].ExitTime != -day {
		t.Errorf("round trips %+v: want the open lot of 6 from 1969-12-30, its ExitTime the last fill's, 1969-12-31", rts)
	}
}

// TestTradesCaptionSaysWhatTheTableHolds: past maxTrades (100) round
// trips, the note says which the table shows. 3 closed round trips (PnL
// 1, 2, 3) and 150 open lots: the table holds the 3 closed and the first
// 97 open lots (100 − 3), not "the 100 with the largest PnL" (an open
// lot has none). 120 closed and 10 open: the 100 closed with the largest
// |PnL|, no open lot.
func TestTradesCaptionSaysWhatTheTableHolds(t *testing.T) {
	const day = int64(86_400e9)
	build := func(closed, open int) []RoundTrip {
		var rts []RoundTrip
		for i := range closed {
			rts = append(rts, RoundTrip{Symbol: "A", EntryTime: int64(i) * day, ExitTime: int64(i+1) * day, EntryPrice: 1, ExitPrice: 2, Qty: 1, PnL: float64(i + 1), Return: 1})
		}
		for i := range open {
			rts = append(rts, RoundTrip{Symbol: "B", EntryTime: int64(i) * day, ExitTime: int64(open) * day, Open: true, EntryPrice: 1, ExitPrice: math.NaN(), Qty: 1, PnL: math.NaN(), Return: math.NaN()})
		}
		return rts
	}
	for _, c := range []struct {
		name               string
		closed, open       int
		wantNote           string
		wantClosed, wantOp int
	}{
		{"open lots fill it", 3, 150, "the table shows every closed round trip and 97 of the 150 lots still open", 3, 97},
		{"only open lots", 0, 150, "the table shows 100 of the 150 lots still open", 0, 100},
		{"closed ones fill it", 120, 10, "the table shows the 100 closed round trips with the largest PnL either way", 100, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, note := tradesTable(build(c.closed, c.open), 0)
			if !strings.Contains(note, c.wantNote) {
				t.Errorf("note %q, want it to say %q", note, c.wantNote)
			}
			closed, open := 0, 0
			for _, r := range tab.Rows {
				if r[3].Text == "open" {
					open++
				} else {
					closed++
				}
			}
			if closed != c.wantClosed || open != c.wantOp {
				t.Errorf("table of %d closed and %d open, want %d and %d", closed, open, c.wantClosed, c.wantOp)
			}
		})
	}
}
