package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
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
