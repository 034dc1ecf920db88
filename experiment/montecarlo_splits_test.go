package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// writeSplitFile writes AAA.csv into dir: weekdays from 2024-01-02 to
// 2024-03-29, raw closes (open, high and low alike) of 100 before a
// 2-for-1 split on 2024-02-01 and 50 from it: the holder's price is flat.
func writeSplitFile(t *testing.T, dir string) {
	t.Helper()
	writeSplitAt(t, dir, "AAA", time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), nil)
}

// The Monte Carlo on raw prices with a [[splits]] split: a buy-and-hold
// of AAA, whose holder's price is flat, ends every path where it
// started, less the same costs (it buys the same shares at the same
// price on every path): every path's terminal return is the same small
// cost (at most 1 %, no loss beyond) and no drawdown passes it.
//
// "within": the split is inside the history the paths draw from; drawn
// as a price move (a fall of 50 %), it cost a path half its value.
// "after end": the history ends (end) before the split, which lies on
// the paths' dates; the engine doubled the position there while the
// path's price, bootstrapped, did not halve: a path doubled its value.
func TestMonteCarloSplitIsTheHoldersReturn(t *testing.T) {
	for _, c := range []struct{ name, end string }{{"within", ""}, {"after end", "end = \"2024-01-20\"\n"}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSplitFile(t, dir)
			o, err := runIn(t, dir, `name = "mcsplit"
cash = 1_000_000.0
prices = "raw"
start = "2024-01-02"
`+c.end+`[data]
dir = "."
classes = { AAA = "equity" }
[[splits]]
symbol = "AAA"
date = "2024-02-01"
ratio = 2.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
[montecarlo]
paths = 40
days = 60
mean_block = 3
warmup_days = 0
`)
			if err != nil {
				t.Fatal(err)
			}
			if len(o.MonteCarlo) != 1 {
				t.Fatalf("%d Monte Carlo runs, want 1", len(o.MonteCarlo))
			}
			d := o.MonteCarlo[0].Dist
			first := d.TerminalReturns[0]
			if !(first > -0.01 && first <= 0) {
				t.Errorf("path 0: terminal return %g, want the costs alone, in (−1 %%, 0]", first)
			}
			for k, r := range d.TerminalReturns {
				if math.Abs(r-first) > 1e-9 {
					t.Errorf("path %d: terminal return %g, path 0 %g: a flat holder's price gives the same on every path", k, r, first)
				}
				if dd := d.MaxDrawdowns[k]; dd < -0.01 {
					t.Errorf("path %d: max drawdown %g, want the costs alone (above −1 %%)", k, dd)
				}
			}
		})
	}
}

// A cash dividend on a split's ex-date, per share after the split (as
// the engine pays it, engine.Dividend): raw closes 100 before a 2-for-1
// split on 2024-02-01 and 49 from it, with a dividend of 1 that day. The
// holder of one old share has 2 × 49 + 2 × 1 = 100: no gain, no loss,
// and a buy-and-hold without costs ends the history at its cash. On a
// path the bar drawn from the split's date carries the holder's return
// 2 × 49 / 100 = 0.98 and must pay the yield 2 × 1 / 100 = 2 % of the
// path's close before it, so every path ends at its cash too. The yield
// was read as 1 / 100 (the amount per new share over an old share's
// close): 1 % short each time a path drew the date.
func TestMonteCarloDividendOnSplitDate(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for d := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		c := 100.0
		if !d.Before(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
			c = 49
		}
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), c, c, c, c, c)
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	final := make([]float64, 30)
	o, err := runInWith(t, dir, `name = "mcsplitdiv"
cash = 10000.0
commission_bps = 0.0
prices = "raw"
start = "2024-01-02"
[data]
dir = "."
classes = { AAA = "equity" }
[[splits]]
symbol = "AAA"
date = "2024-02-01"
ratio = 2.0
[[dividends]]
symbol = "AAA"
date = "2024-02-01"
amount = 1.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
[montecarlo]
paths = 30
days = 60
mean_block = 3
warmup_days = 0
`, func(_, p int, eq []float64) {
		mu.Lock()
		defer mu.Unlock()
		final[p] = eq[len(eq)-1]
	})
	if err != nil {
		t.Fatal(err)
	}
	eq := o.Runs[0].Result.Curve.Equity
	if e := eq[len(eq)-1]; math.Abs(e-10000) > 1e-6 {
		t.Fatalf("historical run ends at %.9f, want 10000", e)
	}
	for p, e := range final {
		if math.Abs(e-10000) > 1e-6 {
			t.Errorf("path %d ends at %.9f, want 10000", p, e)
		}
	}
}

// runInWith is runIn with an onPath hook.
func runInWith(t *testing.T, dir, text string, onPath func(run, path int, eq []float64)) (*Outcome, error) {
	t.Helper()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	return Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, Keep: true, Version: "test", onPath: onPath})
}

// writeSplitAt writes sym.csv into dir: the weekdays from 2024-01-02 to
// 2024-03-29 on which keep is true (every weekday when keep is nil), raw
// closes (open, high and low alike) of 100 before a 2-for-1 split dated
// split and 50 from it: the holder's price is flat at 100.
func writeSplitAt(t *testing.T, dir, sym string, split time.Time, keep func(time.Time) bool) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for d := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || keep != nil && !keep(d) {
			continue
		}
		c := 100.0
		if !d.Before(split) {
			c = 50
		}
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), c, c, c, c, c)
	}
	if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A [montecarlo] shock that replays the data past end (the scenario's
// source, read before the cut at end) across a split dated after the
// history: AAA's raw close is 100 to the history's last date, Friday
// 2024-01-19, and 50 from the split's first bar, so the holder's price
// is flat at 100 throughout, in the source as on every path (each path
// continues from the last close, 100, on the history's shares, and the
// history's returns are all 0). A buy-and-hold of AAA ends every path
// at its cash less the costs of its one buy, the replay or not: a
// terminal return in (−1 %, 0] (and the replay, of a flat holder's
// price, changes no path: none is counted shocked). The replay read the source's fall at
// the split as a move of −50 %: the shock read the splits before the
// day after the history (cut at Saturday 2024-01-20), the engine those
// before the paths' first date (Monday 2024-01-22), and the source's
// splits after the history, which its bars cross, were cut from both.
//
// "the Saturday after the history": the split is dated on the weekend
// between the history's last Friday and the paths' first Monday (the
// engine's cut kept it, the shock's did not); "a weekday of the paths":
// Wednesday 2024-01-24, after both cuts.
func TestMonteCarloShockReplaysAcrossSplitAfterHistory(t *testing.T) {
	for _, c := range []struct {
		name  string
		split time.Time
	}{
		{"the Saturday after the history", time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)},
		{"a weekday of the paths", time.Date(2024, 1, 24, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSplitAt(t, dir, "AAA", c.split, nil)
			scen := "name = \"replay\"\n[groups]\ng = [\"AAA\"]\n[[shock]]\ntype = \"transplant\"\ngroups = [\"g\"]\nfrom = 2024-01-15\nto = 2024-02-03\nday = 0\n"
			if err := os.WriteFile(filepath.Join(dir, "replay.toml"), []byte(scen), 0o644); err != nil {
				t.Fatal(err)
			}
			o, err := runIn(t, dir, `name = "mcsplitshock"
cash = 1_000_000.0
prices = "raw"
start = "2024-01-02"
end = "2024-01-20" # exclusive: the history ends on Friday 2024-01-19
[data]
dir = "."
classes = { AAA = "equity" }
[[splits]]
symbol = "AAA"
date = "`+c.split.Format("2006-01-02")+`"
ratio = 2.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
[montecarlo]
paths = 20
days = 30
mean_block = 2
warmup_days = 0
shock = "replay.toml"
shock_probability = 1.0
`)
			if err != nil {
				t.Fatal(err)
			}
			mc := o.MonteCarlo[0]
			for k, r := range mc.Dist.TerminalReturns {
				if !(r > -0.01 && r <= 0) {
					t.Errorf("path %d: terminal return %g, want the costs alone, in (−1 %%, 0]", k, r)
				}
			}
		})
	}
}

// The engine on a path applies the splits in the history's prices
// alone, those the shock reads on the path too: a split dated after the
// history's last date is on no path's prices (each continues from the
// last close on the history's shares). AAA trades on every
// weekday but Tuesdays (BBB on every weekday), raw closes 100 to
// Friday 2024-01-19, the history's last date, and 50 from a 2-for-1
// split dated Saturday 2024-01-20: its holder's price and every path's
// AAA close are 100. The paths begin on Monday 2024-01-22 after ten days
// of warm-up; on a path whose first date has no AAA bar (it draws a
// Tuesday) the strategy's first look at AAA is its last
// warm-up close, 100. The engine was given the splits before the
// paths' first date, the Saturday's among them: it applied it there and
// halved that mark to 50, while AAA's next bar on the path traded near
// 100 (a target sized on it bought twice the shares).
func TestMonteCarloPathHasNoSplitAfterHistory(t *testing.T) {
	dir := t.TempDir()
	split := time.Date(2024, 1, 20, 0, 0, 0, 0, time.UTC)
	writeSplitAt(t, dir, "AAA", split, func(d time.Time) bool {
		return d.Weekday() != time.Tuesday
	})
	writeSplitAt(t, dir, "BBB", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), nil) // no split: 100 throughout
	var mu sync.Mutex
	type look struct {
		price float64
		stale bool
	}
	var seen []look
	reg := strategies.Builtins()
	reg["probe"] = strategies.Factory{Name: "probe", New: func(strategies.Params) (engine.Strategy, error) {
		done := false
		return strategyFunc(func(ctx *engine.Context, s *engine.Slice) error {
			if done || s.Time < split.UnixNano() {
				return nil // the historical run's bars: not a path's
			}
			done = true
			i := ctx.Lookup("AAA")
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, look{ctx.Price(i), ctx.Stale(i)})
			return nil
		}), nil
	}}
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "mcsplitpath"
prices = "raw"
start = "2024-01-02"
end = "2024-01-20" # exclusive: the history ends on Friday 2024-01-19
[data]
dir = "."
symbols = ["AAA", "BBB"]
classes = { AAA = "equity", BBB = "equity" }
[[splits]]
symbol = "AAA"
date = "2024-01-20"
ratio = 2.0
[[strategy]]
name = "probe"
type = "probe"
[montecarlo]
paths = 20
days = 10
mean_block = 2
warmup_days = 10
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f, Options{Strategies: reg, Out: filepath.Join(dir, "out"), Workers: 1}); err != nil {
		t.Fatal(err)
	}
	stale := 0
	for _, l := range seen {
		if l.stale {
			stale++
		}
		if l.price != 100 {
			t.Errorf("first look at AAA (stale %v): price %g, want 100 (the last close, on the history's shares)", l.stale, l.price)
		}
	}
	if stale == 0 {
		t.Fatal("no path began without an AAA bar: the test shows nothing")
	}
}

// strategyFunc adapts a function to engine.Strategy.
type strategyFunc func(ctx *engine.Context, s *engine.Slice) error

func (f strategyFunc) OnBar(ctx *engine.Context, s *engine.Slice) error { return f(ctx, s) }
