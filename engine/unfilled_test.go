package engine

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// pendingMarket is two stocks on five weekdays, 2024-01-01 (a Monday) to
// 01-05; BBB's data ends on 01-03, two days before the run's end.
func pendingMarket(t *testing.T) *data.Panel {
	return panel(
		series(t, "AAA", data.Equity, []row{
			{"2024-01-01", 100, 102, 98, 101, 1e6},
			{"2024-01-02", 101, 104, 99, 103, 1e6},
			{"2024-01-03", 103, 105, 100, 104, 1e6},
			{"2024-01-04", 104, 106, 101, 105, 1e6},
			{"2024-01-05", 105, 107, 102, 106, 1e6},
		}),
		series(t, "BBB", data.Equity, []row{
			{"2024-01-01", 50, 51, 49, 50, 1e6},
			{"2024-01-02", 50, 52, 49, 51, 1e6},
			{"2024-01-03", 51, 52, 50, 51, 1e6},
		}),
	)
}

func TestPendingAtTheEnd(t *testing.T) {
	p := pendingMarket(t)
	day := func(s string) int64 {
		d, err := data.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	must := func(_ OrderID, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	strat := script(func(ctx *Context, s *Slice) error {
		switch s.Step {
		case 0:
			must(ctx.Buy(0, 10))                                                      // 1: fills at 01-02's open
			must(ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 5, Price: 90})) // 2: below every low
			_, _, err := ctx.Bracket(1, 40, 60, "")                                   // 3, 4: legs of a flat position
			must(0, err)
		case 1:
			must(ctx.Submit(Order{Instrument: 0, Kind: Stop, Amount: -10, StopPrice: 80})) // 5: protects the 10 bought
		case 2:
			must(ctx.Buy(1, 3)) // 6: on BBB's last bar
		case 4:
			must(ctx.Buy(0, 2)) // 7: on the run's last bar
		}
		return nil
	})
	res, err := Run(p, nil, strat, Config{Cash: 1e5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 1 || res.Fills[0].Price != 101 {
		t.Fatalf("fills = %+v, want the market buy at 01-02's open 101 only", res.Fills)
	}
	nan := math.NaN()
	want := []PendingOrder{
		// The lows after 01-01 are 99, 100, 101, 102: the lowest, 99,
		// stays above the limit at 90.
		{Order: 2, Instrument: 0, Symbol: "AAA", Kind: Limit, Amount: 5, Side: 1, Level: 90, Reach: 99, Placed: day("2024-01-01"), Why: PendingNotReached, DataEnd: day("2024-01-05")},
		// A flat position: a closing target has nothing to do.
		{Order: 3, Instrument: 1, Symbol: "BBB", Kind: Stop, Sizing: TargetValue, Side: 0, Level: 40, Reach: nan, Placed: day("2024-01-01"), Why: PendingResting, DataEnd: day("2024-01-03")},
		{Order: 4, Instrument: 1, Symbol: "BBB", Kind: Limit, Sizing: TargetValue, Side: 0, Level: 60, Reach: nan, Placed: day("2024-01-01"), Why: PendingResting, DataEnd: day("2024-01-03")},
		// A sell stop under a long of 10: protective.
		{Order: 5, Instrument: 0, Symbol: "AAA", Kind: Stop, Amount: -10, Side: -1, Level: 80, Reach: nan, Placed: day("2024-01-02"), Why: PendingResting, DataEnd: day("2024-01-05")},
		{Order: 6, Instrument: 1, Symbol: "BBB", Kind: Market, Amount: 3, Side: 1, Level: nan, Reach: nan, Placed: day("2024-01-03"), Why: PendingDataEnded, DataEnd: day("2024-01-03")},
		{Order: 7, Instrument: 0, Symbol: "AAA", Kind: Market, Amount: 2, Side: 1, Level: nan, Reach: nan, Placed: day("2024-01-05"), Why: PendingNoBar, DataEnd: day("2024-01-05")},
	}
	if len(res.Pending) != len(want) {
		t.Fatalf("%d pending orders at the end, want %d: %+v", len(res.Pending), len(want), res.Pending)
	}
	same := func(a, b float64) bool { return a == b || a != a && b != b }
	for k, w := range want {
		g := res.Pending[k]
		t.Run(w.Symbol+"/"+w.Kind.String()+"/"+w.Why.String(), func(t *testing.T) {
			if g.Order != w.Order || g.Instrument != w.Instrument || g.Symbol != w.Symbol || g.Kind != w.Kind || g.Sizing != w.Sizing ||
				g.Amount != w.Amount || g.Side != w.Side || !same(g.Level, w.Level) || !same(g.Reach, w.Reach) ||
				g.Placed != w.Placed || g.Why != w.Why || g.DataEnd != w.DataEnd || g.Partly != w.Partly {
				t.Errorf("pending[%d] = %+v\nwant        %+v", k, g, w)
			}
		})
	}
}

// A run whose orders all filled leaves nothing pending: nil.
func TestNothingPendingIsNil(t *testing.T) {
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Buy(0, 1)
			return err
		}
		return nil
	})
	res, err := Run(pendingMarket(t), nil, strat, Config{Cash: 1e5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 1 || res.Pending != nil {
		t.Fatalf("fills %d, pending %+v: want 1 fill and nil", len(res.Fills), res.Pending)
	}
}

// A market order that the fill-volume cap holds back on every bar after
// it is left partly filled, held back.
func TestPendingHeldBack(t *testing.T) {
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step == 2 {
			_, err := ctx.Buy(0, 1e6)
			return err
		}
		return nil
	})
	// 10% of a bar's 1e6 volume: 1e5 on each of 01-04 and 01-05, so
	// 1e6 − 2e5 = 8e5 is left.
	cfg := Config{Cash: 1e9, Equity: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
	res, err := Run(pendingMarket(t), nil, strat, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pending) != 1 {
		t.Fatalf("pending %+v, want one", res.Pending)
	}
	g := res.Pending[0]
	if g.Why != PendingHeldBack || !g.Partly || !near(g.Amount, 8e5, 1e-12) || g.Side != 1 {
		t.Fatalf("pending %+v, want held back, partly filled, 8e5 left to buy", g)
	}
}

// An equity whose last bar is the run's last NYSE session, in a run that
// goes on beside a token over the weekend (or a holiday weekend), had no
// bar after an order placed on that session: its market closed, its data
// did not end. An equity whose data stops with sessions still to come
// before the run's end is PendingDataEnded.
func TestPendingOverAClosedMarket(t *testing.T) {
	day := func(s string) int64 {
		d, err := data.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	token := func(last string) data.Series {
		var rows []row
		for d := day("2024-01-10"); d <= day(last); d += data.NanosPerDay {
			rows = append(rows, row{data.FormatDay(d), 10, 11, 9, 10, 1e6})
		}
		return series(t, "TTT", data.Crypto, rows)
	}
	// 2024-01-10 is a Wednesday; 01-12 a Friday; 01-15 Martin Luther
	// King Jr. Day (the NYSE closed); 01-16 a Tuesday.
	aaa := series(t, "AAA", data.Equity, []row{
		{"2024-01-10", 100, 102, 98, 101, 1e6},
		{"2024-01-11", 101, 104, 99, 103, 1e6},
		{"2024-01-12", 103, 105, 100, 104, 1e6},
	})
	for _, tc := range []struct {
		name, last string
		want       PendingWhy
	}{
		{"run ends on the Sunday", "2024-01-14", PendingNoBar},
		{"run ends on the holiday Monday", "2024-01-15", PendingNoBar},
		{"run ends on the Tuesday, a session", "2024-01-16", PendingDataEnded},
		{"run ends on the Saturday", "2024-01-13", PendingNoBar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			strat := script(func(ctx *Context, s *Slice) error {
				if ctx.Time() == day("2024-01-12") {
					_, err := ctx.Buy(0, 1)
					return err
				}
				return nil
			})
			res, err := Run(panel(aaa, token(tc.last)), nil, strat, Config{Cash: 1e5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pending) != 1 || res.Pending[0].Symbol != "AAA" || res.Pending[0].Why != tc.want {
				t.Fatalf("pending = %+v, want AAA's buy %v", res.Pending, tc.want)
			}
		})
	}
}

// A resting order against the position is protective (PendingResting)
// only when it at most closes it; one that would turn the position is an
// entry on the other side, told like one. AAA's 10 bought at 01-02's
// open; the sell stops at 80, placed on 01-02, saw the lows of 01-03 to
// 01-05, 100, 101, 102: the lowest, 100, stays above 80. The last close
// is 106, so a target value of −1060 is −10 shares, a delta of −20.
func TestPendingReversingIsNotProtective(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sizing Sizing
		amount float64
		want   PendingWhy
		reach  float64
	}{
		{"sells the 10 held", Quantity, -10, PendingResting, math.NaN()},
		{"sells 5 of the 10", Quantity, -5, PendingResting, math.NaN()},
		{"sells 20, short 10 after", Quantity, -20, PendingNotReached, 100},
		{"target value 0 closes", TargetValue, 0, PendingResting, math.NaN()},
		{"target value 530 is 5 shares, sells 5", TargetValue, 530, PendingResting, math.NaN()},
		{"target value -1060 is short 10", TargetValue, -1060, PendingNotReached, 100},
		{"target weight -0.5 is short", TargetWeight, -0.5, PendingNotReached, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			strat := script(func(ctx *Context, s *Slice) error {
				var err error
				switch s.Step {
				case 0:
					_, err = ctx.Buy(0, 10)
				case 1:
					_, err = ctx.Submit(Order{Instrument: 0, Kind: Stop, Sizing: tc.sizing, Amount: tc.amount, StopPrice: 80})
				}
				return err
			})
			res, err := Run(pendingMarket(t), nil, strat, Config{Cash: 1e5})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pending) != 1 {
				t.Fatalf("pending = %+v, want the stop only", res.Pending)
			}
			g := res.Pending[0]
			if g.Why != tc.want || g.Side != -1 || !(g.Reach == tc.reach || g.Reach != g.Reach && tc.reach != tc.reach) {
				t.Fatalf("pending = %+v, want a sell %v, reach %v", g, tc.want, tc.reach)
			}
		})
	}
}

// A resting order the fill-volume cap held back is left held back when
// the cap was what stopped it on the last bar it could fill on; when the
// bars after its last partial fill never reached its level again, it is
// left because of its level, Reach counting those bars only. The cap is
// 10% of a bar's 1e6 volume, 1e5 a bar; a buy limit of 1e6 placed on
// 01-01 fills from 01-02 on.
func TestPendingHeldThenNotReached(t *testing.T) {
	for _, tc := range []struct {
		name  string
		price float64
		want  PendingWhy
		left  float64
		reach float64
	}{
		// The lows of 01-02 to 01-05, 99, 100, 101, 102, all at or under
		// 103: 1e5 fills on each, 1e6 − 4e5 = 6e5 left, held back on
		// the last bar.
		{"reached to the end", 103, PendingHeldBack, 6e5, math.NaN()},
		// Only 01-02's low, 99, is under 99.5: 1e5 fills there, 9e5 is
		// left, and the lows after it, 100, 101, 102, stay above: the
		// lowest is 100 (99, from the placement on, is 01-02's, before
		// the fill).
		{"not reached after its fill", 99.5, PendingNotReached, 9e5, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			strat := script(func(ctx *Context, s *Slice) error {
				if s.Step == 0 {
					_, err := ctx.Submit(Order{Instrument: 0, Kind: Limit, Amount: 1e6, Price: tc.price})
					return err
				}
				return nil
			})
			cfg := Config{Cash: 1e9, Equity: Terms{Slippage: Slippage{MaxParticipation: 0.1}}}
			res, err := Run(pendingMarket(t), nil, strat, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pending) != 1 {
				t.Fatalf("pending = %+v, want the limit only", res.Pending)
			}
			g := res.Pending[0]
			if g.Why != tc.want || !g.Partly || !near(g.Amount, tc.left, 1e-12) || !(g.Reach == tc.reach || g.Reach != g.Reach && tc.reach != tc.reach) {
				t.Fatalf("pending = %+v, want %v, %v left, reach %v", g, tc.want, tc.left, tc.reach)
			}
		})
	}
}

// A trailing stop's level moves with the price: its Reach is how far the
// bars went toward the level it has at the end (Level) from the point on
// its path where that level was set (its extreme last moved), or from its
// placement when it never moved.
func TestPendingTrailingStopReach(t *testing.T) {
	p := panel(
		// Paths: an up bar (close >= open) is O→L→H→C, a down bar O→H→L→C.
		series(t, "AAA", data.Equity, []row{
			{"2024-01-01", 100, 101, 99, 100, 1e6},    // 100 99 101 100
			{"2024-01-02", 100, 110, 100, 108, 1e6},   // up:   100 100 110 108
			{"2024-01-03", 107, 107.5, 103, 104, 1e6}, // down: 107 107.5 103 104
			{"2024-01-04", 104, 107, 102, 106, 1e6},   // up:   104 102 107 106
			{"2024-01-05", 106, 107.9, 104, 105, 1e6}, // down: 106 107.9 104 105
		}),
		series(t, "BBB", data.Equity, []row{
			{"2024-01-01", 50, 51, 49, 50, 1e6},
			{"2024-01-02", 50, 50.5, 46, 47, 1e6},     // down: 50 50.5 46 47
			{"2024-01-03", 47, 48, 45, 47.5, 1e6},     // up:   47 45 48 47.5
			{"2024-01-04", 47.5, 47.6, 46, 46.5, 1e6}, // down: 47.5 47.6 46 46.5
			{"2024-01-05", 46.5, 47.8, 46.2, 47, 1e6}, // up:   46.5 46.2 47.8 47
		}),
	)
	strat := script(func(ctx *Context, s *Slice) error {
		var err error
		switch s.Step {
		case 0:
			// 1: a short entry trailing 10 under the peak. Peak 100 (the
			// close it is placed at), level 90; 01-02: 100, 100 (> 90),
			// 110 raises the peak (level 100), 108 > 100; 01-03 on: the
			// peak stays 110 (107.9 is the highest after), every point
			// above 100: not reached, Level 100. From the 110 on: 108,
			// then 107 107.5 103 104, 104 102 107 106, 106 107.9 104
			// 105: the lowest is 102 (01-04's low). Counted from its
			// placement it would be 100 (01-02's low), which came
			// before the level rose to 100.
			_, err = ctx.Submit(Order{Instrument: 0, Kind: TrailingStop, Amount: -1, Trail: 10})
			if err == nil {
				// 2: a long entry trailing 10% over the trough. Trough 50,
				// level 55; 01-02: 50, 50.5 (< 55), 46 lowers the trough
				// (level 50.6), 47 < 50.6; 01-03: 47, 45 lowers it to 45
				// (level 49.5), then 48, 47.5 < 49.5; 01-04: 47.5 47.6 46
				// 46.5; 01-05: 46.5 46.2 47.8 47, all < 49.5, none under
				// 45: Level 45 × 1.1 = 49.5. From the 45 on, the highest
				// is 48 (01-03's high).
				_, err = ctx.Submit(Order{Instrument: 1, Kind: TrailingStop, Amount: 1, TrailPct: 0.1})
			}
		case 1:
			// 3: a short entry trailing 10 under 108 (01-02's close),
			// level 98. No point after it is above 108 (the highest is
			// 107.9), so the level never moved: every bar after its
			// placement counts, 01-03 to 01-05, lowest 102 (01-04's low),
			// above 98.
			_, err = ctx.Submit(Order{Instrument: 0, Kind: TrailingStop, Amount: -1, Trail: 10})
		}
		return err
	})
	res, err := Run(p, nil, strat, Config{Cash: 1e5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 0 {
		t.Fatalf("fills %+v, want none", res.Fills)
	}
	for _, w := range []struct {
		name         string
		order        OrderID
		level, reach float64
	}{
		{"short entry, level moved", 1, 100, 102},
		{"long entry by a fraction, level moved", 2, 49.5, 48},
		{"short entry, level never moved", 3, 98, 102},
	} {
		t.Run(w.name, func(t *testing.T) {
			var g *PendingOrder
			for k := range res.Pending {
				if res.Pending[k].Order == w.order {
					g = &res.Pending[k]
				}
			}
			if g == nil {
				t.Fatalf("order %d not pending: %+v", w.order, res.Pending)
			}
			if g.Why != PendingNotReached || !near(g.Level, w.level, 1e-12) || g.Reach != w.reach {
				t.Errorf("pending %+v, want not reached, level %v, reach %v", *g, w.level, w.reach)
			}
		})
	}
}

// A trailing stop whose extreme never moved counts every point after its
// placement, a later point that only equals the extreme too: a sell
// trailing 10 under 100 (the close it is placed at), level 90. 01-02 is a
// down bar, 95 96 92 93; 01-03 an up bar, 93 93 100 99: its 100 equals
// the peak, which stays 100 (only a higher point moves it). The level
// stayed 90 from the placement on: Reach is the lowest point after it,
// 92 (01-02's low). It was counted from after the 100, 99.
func TestPendingTrailingStopReachExtremeOnlyEqualled(t *testing.T) {
	p := panel(series(t, "AAA", data.Equity, []row{
		{"2024-01-01", 100, 100, 100, 100, 1e6},
		{"2024-01-02", 95, 96, 92, 93, 1e6},
		{"2024-01-03", 93, 100, 93, 99, 1e6},
	}))
	res, err := Run(p, nil, script(func(ctx *Context, s *Slice) error {
		if s.Step == 0 {
			_, err := ctx.Submit(Order{Instrument: 0, Kind: TrailingStop, Amount: -1, Trail: 10})
			return err
		}
		return nil
	}), Config{Cash: 1e5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 0 || len(res.Pending) != 1 {
		t.Fatalf("fills %+v, pending %+v: want the stop pending", res.Fills, res.Pending)
	}
	if g := res.Pending[0]; g.Why != PendingNotReached || g.Level != 90 || g.Reach != 92 {
		t.Errorf("pending %+v, want not reached, level 90, reach 92", g)
	}
}

// Reach is in the units of Level across splits (raw prices,
// Config.Splits): a split divides a pending order's prices by its ratio,
// so the bars before it count divided by the ratios of the splits after
// them, up to the run's end; a bar dated at a split is already in its new
// units.
func TestPendingReachAcrossSplit(t *testing.T) {
	day := func(s string) int64 {
		d, err := data.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	p := panel(
		// Paths: an up bar (close >= open) is O→L→H→C.
		series(t, "AAA", data.Equity, []row{
			{"2024-01-01", 100, 102, 98, 101, 1e6},
			{"2024-01-02", 101, 112, 99, 106, 1e6},  // up: 101 99 112 106
			{"2024-01-03", 54, 55, 53.5, 54.5, 1e6}, // 2-for-1 split: up: 54 53.5 55 54.5
			{"2024-01-04", 54.5, 55.5, 54, 55, 1e6}, // up: 54.5 54 55.5 55
		}),
		series(t, "BBB", data.Equity, []row{
			{"2024-01-01", 300, 302, 298, 301, 1e6},
			{"2024-01-02", 301, 330, 299, 310, 1e6},
			{"2024-01-03", 155, 160, 150, 155, 1e6}, // 2-for-1 split
			{"2024-01-04", 52, 54, 51, 53, 1e6},     // 3-for-1 split
		}),
		series(t, "CCC", data.Equity, []row{
			{"2024-01-01", 290, 292, 288, 291, 1e6},
			{"2024-01-02", 291, 300.5, 289, 299, 1e6}, // up: 291 289 300.5 299
			{"2024-01-03", 99, 99.5, 98, 99.2, 1e6},   // 3-for-1 split: up: 99 98 99.5 99.2
			{"2024-01-04", 33, 33.2, 32.9, 33.1, 1e6}, // 3-for-1 split: up: 33 32.9 33.2 33.1
		}),
	)
	cfg := Config{Cash: 1e5, Splits: map[string][]Split{
		"AAA": {{Time: day("2024-01-03"), Ratio: 2}},
		"BBB": {{Time: day("2024-01-03"), Ratio: 2}, {Time: day("2024-01-04"), Ratio: 3}},
		"CCC": {{Time: day("2024-01-03"), Ratio: 3}, {Time: day("2024-01-04"), Ratio: 3}},
	}}
	strat := script(func(ctx *Context, s *Slice) error {
		if s.Step != 0 {
			return nil
		}
		for _, o := range []Order{
			// 1: a short entry, sell limit at 130, 65 after the split.
			// Highs after its placement in post-split units: 01-02
			// 112 / 2 = 56, 01-03 55, 01-04 55.5: Reach 56 (not 112).
			{Instrument: 0, Kind: Limit, Amount: -1, Price: 130},
			// 2: a long entry, buy limit at 90, 45 after the split.
			// Lows: 01-02 99 / 2 = 49.5, 01-03 53.5, 01-04 54: Reach
			// 49.5 (not 53.5, the lowest raw low).
			{Instrument: 0, Kind: Limit, Amount: 1, Price: 90},
			// 3: a short entry trailing 10% under the peak, 101 (the
			// close it is placed at), level 90.9. 01-02: 101, 99 (>
			// 90.9), 112 raises the peak (level 100.8), 106 > 100.8.
			// The split makes the peak 56, level 50.4; no later point
			// is above 56 (the highest is 55.5) nor under 50.4. From
			// the 112 on, in post-split units: 106 / 2 = 53, then 54
			// 53.5 55 54.5, 54.5 54 55.5 55: Reach 53 (01-02's close).
			// Its level is 56 × 0.9 = 50.4.
			{Instrument: 0, Kind: TrailingStop, Amount: -1, TrailPct: 0.1},
			// 4: a short entry, sell limit at 600: 300 after the first
			// split, 100 after the second. Highs: 01-02 330 / (2 × 3) =
			// 55, 01-03 160 / 3 = 53.33, 01-04 54: Reach 55.
			{Instrument: 1, Kind: Limit, Amount: -1, Price: 600},
			// 5: a long entry, buy limit at 240: 120, then 40. Lows:
			// 01-02 299 / 6 = 49.833, 01-03 150 / 3 = 50 (dated at the
			// first split: divided by the second's ratio only), 01-04
			// 51: Reach 299 / 6.
			{Instrument: 1, Kind: Limit, Amount: 1, Price: 240},
			// 6: a short entry trailing 10% under the peak, 291, level
			// 261.9. 01-02: 291, 289, 300.5 raises the peak (level
			// 270.45), 299. The splits make it 300.5 / 3 / 3 = 33.389
			// (level 30.05); no later point is above it nor under 30.05.
			// From the 300.5 on: 299 / 9 = 33.222; 01-03's points / 3:
			// 33, 32.667, 33.167, 33.067; 01-04's 33 32.9 33.2 33.1:
			// Reach 98 / 3 (01-03's low). The 300.5 of 01-02 is found as
			// the point that took the peak only when divided as the peak
			// was, by 3 then 3: 300.5 / 9 is an ulp under 300.5 / 3 / 3,
			// and missing it would count the whole bar, 289 / 9 = 32.11.
			{Instrument: 2, Kind: TrailingStop, Amount: -1, TrailPct: 0.1},
		} {
			if _, err := ctx.Submit(o); err != nil {
				return err
			}
		}
		return nil
	})
	res, err := Run(p, nil, strat, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fills) != 0 {
		t.Fatalf("fills %+v, want none", res.Fills)
	}
	for _, w := range []struct {
		name         string
		order        OrderID
		level, reach float64
	}{
		{"sell limit, one split", 1, 65, 56},
		{"buy limit, one split", 2, 45, 49.5},
		{"trailing sell, one split", 3, 50.4, 53},
		{"sell limit, two splits", 4, 100, 55},
		{"buy limit, two splits, a bar at a split", 5, 40, 299.0 / 6},
		{"trailing sell, two splits", 6, 300.5 / 3 / 3 * 0.9, 98.0 / 3},
	} {
		t.Run(w.name, func(t *testing.T) {
			var g *PendingOrder
			for k := range res.Pending {
				if res.Pending[k].Order == w.order {
					g = &res.Pending[k]
				}
			}
			if g == nil {
				t.Fatalf("order %d not pending: %+v", w.order, res.Pending)
			}
			if g.Why != PendingNotReached || !near(g.Level, w.level, 1e-12) || !near(g.Reach, w.reach, 1e-12) {
				t.Errorf("pending %+v, want not reached, level %v, reach %v", *g, w.level, w.reach)
			}
		})
	}
}
