package scenarios

import (
	"fmt"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// On raw prices with a split (MonteCarloConfig.Splits) the bootstrap
// draws the holder's return across it, not the close's fall. Raw closes
// 100, 110, 50, 55, 55, 60.5 with a 2-for-1 split on day 2 (weekdays):
// the holder's prices are 100, 110, 100, 110, 110, 121, so the five
// returns are ×1.1, ×100/110, ×1.1, ×1, ×1.1, and every path's close is
// the last raw close 60.5 times a product of those: never below
// 60.5 × (100/110)^L over L dates. The split was read as a return of
// ×50/110, half the holder's, and a volume of 1,000 new shares a day stays 1,000
// (the volume before the split, of old shares, is 2,000 of today's).
func TestMonteCarloDrawsHoldersReturnAcrossSplit(t *testing.T) {
	days := weekdays(6)
	s := series("AA", data.Equity, days, []float64{100, 110, 50, 55, 55, 60.5})
	for k := range s.Volume {
		if k < 2 {
			s.Volume[k] = 500 // old shares: 1,000 of the new ones
		}
	}
	src := panelOf(s)
	splits := map[string][]engine.Split{"AA": {{Time: day(days[2]), Ratio: 2}}}
	for _, c := range []struct {
		name   string
		splits map[string][]engine.Split
		split  bool // the split is read as a price move
	}{{"without splits the fall is a move", nil, true}, {"with splits the holder's return", splits, false}} {
		t.Run(c.name, func(t *testing.T) {
			mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 64, Length: 10, MeanBlock: 2, Seed: 7, Splits: c.splits})
			if err != nil {
				t.Fatal(err)
			}
			// The holder's growth of each source date, by hand
			// (date index 1..5 of the union timeline).
			holder := map[int32]float64{1: 1.1, 2: 100.0 / 110, 3: 1.1, 4: 1, 5: 1.1}
			drawnSplit := false
			for i := range 64 {
				p, err := mc.Path(i)
				if err != nil {
					t.Fatal(err)
				}
				ps := &p.Panel.Series[0]
				want := 60.5
				for j, u := range p.Draws {
					g := holder[u]
					if c.split && u == 2 {
						g, drawnSplit = 50.0/110, true // the raw fall
					}
					want *= g
					near(t, "close", ps.Close[j], want, 1e-9*want)
					if !c.split {
						near(t, "volume", ps.Volume[j], 1000, 1e-9)
					}
				}
			}
			if c.split && !drawnSplit {
				t.Fatal("no path drew the split date: the test shows nothing")
			}
		})
	}
}

// A split dated after the source's last date is in none of its bars and
// on no path: the paths' splits are the history's (HistorySplits), while
// a shock's source, which may run past the history (an experiment's data
// read before its end), reads every split across its bars. AA's history
// is two weeks of weekdays, Monday 2025-01-06 (day 0) to Friday
// 2025-01-17 (day 11), raw closes 100; a 2-for-1 split is dated Saturday
// 2025-01-18 (day 12); the paths begin on Monday day 14. The shock
// replays a source of three weeks, whose raw close is 100 to day 11 and
// 50 from day 14 (the split's first bar): the holder's price is flat,
// so every path's close is 100 (the history's returns are 0, and so
// are the replay's, the fall at day 14 being the split's). The shock
// read the splits before the day after the history (day 12): the
// Saturday's was not among them, and the replay took the fall as a
// move of −50 %, while the engine, given the splits before the paths'
// first date (day 14), took the split as the path's.
func TestMonteCarloSplitAfterHistoryIsTheSources(t *testing.T) {
	hist := []int{0, 1, 2, 3, 4, 7, 8, 9, 10, 11}
	src := panelOf(series("AA", data.Equity, hist, flat(len(hist), 100)))
	long := append(append([]int{}, hist...), 14, 15, 16, 17, 18)
	closes := append(flat(len(hist), 100), flat(5, 50)...)
	shockSrc := panelOf(series("AA", data.Equity, long, closes))
	splits := map[string][]engine.Split{"AA": {{Time: day(12), Ratio: 2}}}
	shock := &Scenario{Name: "replay", Shocks: []Shock{&Transplant{Target: Target{Symbols: []string{"AA"}}, From: day(7), To: day(19)}}}
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 16, Length: 14, MeanBlock: 2, Seed: 3, Splits: splits,
		Shock: shock, ShockProb: 1, ShockSource: shockSrc})
	if err != nil {
		t.Fatal(err)
	}
	if got := mc.HistorySplits(); got != nil {
		t.Errorf("HistorySplits = %v, want none: the split is dated after the history's last date", got)
	}
	if got := data.FormatDay(mc.PathTime(0)); got != "2025-01-20" {
		t.Fatalf("first path date %s, want Monday 2025-01-20 (the test's premise)", got)
	}
	for i := range 16 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		ps := &p.Panel.Series[0]
		for j, c := range ps.Close {
			near(t, fmt.Sprintf("path %d close %d", i, j), c, 100, 1e-12)
		}
	}
}
