package experiment

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// leaver leaves orders pending at the end of a tiny market (pendingData):
// at 01-02 it buys 10 AAA (filled at 01-03's open, 7) and, loud, rests a
// limit buy of 5 AAA at 5; at 01-03 it protects the 10 with a sell stop
// at 5; loud, at 01-04 (BBB's last bar) it buys 3 BBB unless skipBBB,
// and at 01-08 (the last bar) it buys 1 and then 2 AAA at market.
type leaver struct {
	loud, skipBBB bool
}

func (s *leaver) OnBar(ctx *engine.Context, sl *engine.Slice) error {
	a, b := ctx.Lookup("AAA"), ctx.Lookup("BBB")
	var err error
	switch day := data.FormatDay(sl.Time); {
	case day == "2024-01-02":
		if _, err = ctx.Buy(a, 10); err == nil && s.loud {
			_, err = ctx.Submit(engine.Order{Instrument: a, Kind: engine.Limit, Amount: 5, Price: 5})
		}
	case day == "2024-01-03":
		_, err = ctx.Submit(engine.Order{Instrument: a, Kind: engine.Stop, Amount: -10, StopPrice: 5})
	case day == "2024-01-04" && s.loud && !s.skipBBB:
		_, err = ctx.Buy(b, 3)
	case day == "2024-01-08" && s.loud:
		if _, err = ctx.Buy(a, 1); err == nil {
			_, err = ctx.Buy(a, 2)
		}
	}
	return err
}

// pendingData is AAA on five weekdays and BBB on the first three:
//
//	date        AAA open high low close   BBB open high low close
//	2024-01-02       9   10   9   10           50   51  49   50
//	2024-01-03       7    8   7    8           50   52  49   51
//	2024-01-04      11   12  11   12           51   52  50   51
//	2024-01-05      12   13  12   13
//	2024-01-08      13   14  13   14
func pendingData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, csv := range map[string]string{
		"AAA.csv": "date,open,high,low,close,adj_close,volume\n" +
			"2024-01-02,9,10,9,10,10,100\n2024-01-03,7,8,7,8,8,100\n2024-01-04,11,12,11,12,12,100\n" +
			"2024-01-05,12,13,12,13,13,100\n2024-01-08,13,14,13,14,14,100\n",
		"BBB.csv": "date,open,high,low,close,adj_close,volume\n" +
			"2024-01-02,50,51,49,50,50,100\n2024-01-03,50,52,49,51,51,100\n2024-01-04,51,52,50,51,51,100\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func leaverRegistry() strategies.Registry {
	reg := strategies.Builtins()
	reg["leaver"] = strategies.Factory{Name: "leaver", New: func(p strategies.Params) (engine.Strategy, error) {
		loud, _ := p["loud"].(bool)
		tag := fmt.Sprint(p["tag"])
		return &leaver{loud: loud, skipBBB: tag == "3"}, nil
	}}
	return reg
}

func runLeaver(t *testing.T, dir, params string, workers int) (*Outcome, []byte) {
	t.Helper()
	text := "name = \"pend\"\ncash = 100000.0\nend = \"2024-01-09\"\n[data]\ndir = \".\"\nsymbols = [\"AAA\", \"BBB\"]\n" +
		"[[strategy]]\nname = \"pend\"\ntype = \"leaver\"\n" + params
	f, err := Parse(filepath.Join(dir, "e.toml"), text)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Strategies: leaverRegistry(), DataDir: dir, Out: t.TempDir(), Workers: workers, Keep: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	man, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return o, man
}

// pendingIn returns the notes about orders pending at the end.
func pendingIn(notes []string) []string {
	var got []string
	for _, n := range notes {
		if strings.Contains(n, "pending") {
			got = append(got, n)
		}
	}
	return got
}

// The loud run ends with 5 orders pending: the market buys of 1 and 2
// AAA decided on the last bar, 01-08; the buy of 3 BBB decided on BBB's
// last bar, 01-04, two bars before the run's end; the limit buy at 5,
// under AAA's lows after 01-02 (7, 11, 12, 13: the lowest 7); and the
// stop under the long of 10, which protects it and is only counted.
// The quiet run leaves the stop alone pending: no note.
func TestPendingNote(t *testing.T) {
	dir := pendingData(t)
	o, _ := runLeaver(t, dir, "[strategy.params]\nloud = true\n", 1)
	want := "run pend: 4 orders still pending at the end (never filled): " +
		"2 market orders with no bar after their placement, the last on 2024-01-08 (AAA); " +
		"1 market order on BBB, whose data ends on 2024-01-04, before the run's end; " +
		"1 limit buy on AAA at 5, below the lowest low after it (7); " +
		"besides, 1 order resting by design (protective stops or take-profits on open positions, bracket legs with nothing to do)"
	if got := pendingIn(o.Notes); len(got) != 1 || got[0] != want {
		t.Errorf("notes on pending orders:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if n := len(o.Runs[0].Result.Fills); n != 1 {
		t.Errorf("%d fills, want the buy of 10 alone", n)
	}
	o, _ = runLeaver(t, dir, "[strategy.params]\nloud = false\n", 1)
	if got := pendingIn(o.Notes); len(got) != 0 || len(o.Runs[0].Result.Pending) != 1 {
		t.Errorf("quiet run: notes %q and %d orders pending: want none and the stop", got, len(o.Runs[0].Result.Pending))
	}
}

// A sweep's runs are one note: those with the same pending orders in one
// group (tag = 1, 2), the run without the buy of BBB (tag = 3) in
// another; the manifest holds it, the same bytes on 1 and 2 workers.
func TestPendingNoteSweep(t *testing.T) {
	dir := pendingData(t)
	params := "[strategy.params]\nloud = true\n[strategy.sweep]\ntag = [1, 2, 3]\n"
	o, man1 := runLeaver(t, dir, params, 1)
	_, man2 := runLeaver(t, dir, params, 2)
	common := "2 market orders with no bar after their placement, the last on 2024-01-08 (AAA); "
	tail := "1 limit buy on AAA at 5, below the lowest low after it (7); " +
		"besides, 1 order resting by design (protective stops or take-profits on open positions, bracket legs with nothing to do)"
	want := "sweep pend: 3 of its 3 runs end with orders still pending that never filled; " +
		"runs pend--tag=1, pend--tag=2: 4 orders still pending at the end (never filled): " + common +
		"1 market order on BBB, whose data ends on 2024-01-04, before the run's end; " + tail +
		"; run pend--tag=3: 3 orders still pending at the end (never filled): " + common + tail
	if got := pendingIn(o.Notes); len(got) != 1 || got[0] != want {
		t.Errorf("notes on pending orders:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	if !bytes.Contains(man1, []byte("runs pend--tag=1, pend--tag=2: 4 orders still pending")) {
		t.Errorf("manifest.json lacks the note:\n%s", man1)
	}
	if !bytes.Equal(man1, man2) {
		t.Errorf("manifest.json differs on 1 and 2 workers:\n%s\n%s", man1, man2)
	}
}

// Sharded, the sweep's runs carry their pending orders to the merge,
// whose note is the unsharded run's.
func TestPendingNoteMerged(t *testing.T) {
	dir := pendingData(t)
	params := "[strategy.params]\nloud = true\n[strategy.sweep]\ntag = [1, 2, 3]\n"
	o, _ := runLeaver(t, dir, params, 1)
	want := pendingIn(o.Notes)
	text := "name = \"pend\"\ncash = 100000.0\nend = \"2024-01-09\"\n[data]\ndir = \".\"\nsymbols = [\"AAA\", \"BBB\"]\n" +
		"[[strategy]]\nname = \"pend\"\ntype = \"leaver\"\n" + params
	path := filepath.Join(dir, "e.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	shards := t.TempDir()
	var dirs []string
	for i := range 2 {
		if _, err := Run(context.Background(), f, Options{Strategies: leaverRegistry(), DataDir: dir, Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		dirs = append(dirs, filepath.Join(shards, Shard{Index: i, Count: 2}.Name("pend")))
	}
	m, err := Merge(context.Background(), f, dirs, Options{Strategies: leaverRegistry(), DataDir: dir, Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := pendingIn(m.Notes); len(want) != 1 || strings.Join(got, "\n") != want[0] {
		t.Errorf("merged notes on pending orders:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// pendingSummary's phrases, on orders made by hand.
func TestPendingSummary(t *testing.T) {
	day := func(s string) int64 {
		d, err := data.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	limitBuy := func(sym string, level float64) engine.PendingOrder {
		return engine.PendingOrder{Symbol: sym, Kind: engine.Limit, Side: 1, Level: level, Reach: level + 1, Why: engine.PendingNotReached}
	}
	for _, tc := range []struct {
		name string
		ps   []engine.PendingOrder
		want string
	}{
		{"resting alone", []engine.PendingOrder{{Symbol: "A", Kind: engine.TrailingStop, Side: -1, Why: engine.PendingResting}}, ""},
		{"none", nil, ""},
		{"buy stop under the high", []engine.PendingOrder{{Symbol: "A", Kind: engine.Stop, Side: 1, Level: 120, Reach: 110.5, Why: engine.PendingNotReached}},
			"1 order still pending at the end (never filled): 1 stop buy on A at 120, above the highest high after it (110.5)"},
		// Level 100 = a peak of 110 less a trail of 10; Reach 102, the
		// lowest point after the peak (TestPendingTrailingStopReach).
		{"trailing stop short entry", []engine.PendingOrder{{Symbol: "A", Kind: engine.TrailingStop, Side: -1, Level: 100, Reach: 102, Why: engine.PendingNotReached}},
			"1 order still pending at the end (never filled): 1 trailing-stop sell on A at 100, below the lowest price since it last moved (102)"},
		{"limit touched", []engine.PendingOrder{{Symbol: "A", Kind: engine.Limit, Side: -1, Level: 99, Reach: 99, Why: engine.PendingNotReached}},
			"1 order still pending at the end (never filled): 1 limit sell on A at 99, touched but never traded through"},
		{"held back, partly", []engine.PendingOrder{
			{Symbol: "B", Kind: engine.Market, Side: 1, Why: engine.PendingHeldBack, Partly: true, Placed: day("2024-01-03")},
			{Symbol: "A", Kind: engine.Market, Side: 1, Why: engine.PendingNoBar, Placed: day("2024-01-05")},
			{Symbol: "C", Kind: engine.Market, Side: 1, Why: engine.PendingNoBar, Placed: day("2024-01-04")},
		}, "3 orders still pending at the end (never filled, or only in part): 2 market orders with no bar after their placement, the last on 2024-01-05 (A, C); " +
			"1 market order held back by the fill-volume cap (B)"},
		{"one on the last bar", []engine.PendingOrder{{Symbol: "A", Kind: engine.MarketOnClose, Side: -1, Why: engine.PendingNoBar, Placed: day("2024-01-05")}},
			"1 order still pending at the end (never filled): 1 market-on-close order with no bar after its placement, on 2024-01-05 (A)"},
		// Placed before 1970: said on its day, not on 1970-01-01 (the
		// latest placement was sought from 0).
		{"placed before 1970", []engine.PendingOrder{
			{Symbol: "A", Kind: engine.Market, Side: 1, Why: engine.PendingNoBar, Placed: day("1969-12-31")},
			{Symbol: "C", Kind: engine.Market, Side: 1, Why: engine.PendingNoBar, Placed: day("1969-12-30")},
		}, "2 orders still pending at the end (never filled): 2 market orders with no bar after their placement, the last on 1969-12-31 (A, C)"},
		{"five levels", []engine.PendingOrder{limitBuy("A", 1), limitBuy("B", 2), limitBuy("C", 3), limitBuy("D", 4), limitBuy("E", 5)},
			"5 orders still pending at the end (never filled): 1 limit buy on A at 1, below the lowest low after it (2); 1 limit buy on B at 2, below the lowest low after it (3); " +
				"1 limit buy on C at 3, below the lowest low after it (4); and 2 more whose level was never reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pendingSummary(tc.ps); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
