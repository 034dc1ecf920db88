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
)

// writeSplitFile writes AAA.csv into dir: weekdays from 2024-01-02 to
// 2024-03-29, raw closes (open, high and low alike) of 100 before a
// 2-for-1 split on 2024-02-01 and 50 from it: the holder's price is flat.
func writeSplitFile(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for d := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 30, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		c := 100.0
		if !d.Before(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
			c = 50
		}
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), c, c, c, c, c)
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
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
