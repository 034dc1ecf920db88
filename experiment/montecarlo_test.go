package experiment

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// Monte Carlo paths carry warm-up history: an SMA(20/100) cross can trade
// in a path's first days (its averages come from the bars before it);
// without warm-up it cannot trade before its 100th bar.
func TestMonteCarloWarmup(t *testing.T) {
	text := `name = "mc"
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
fast = 20
slow = 100
[montecarlo]
paths = 40
days = 120
`
	positioned := func(warmup int) int {
		f, err := Parse("mc.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		f.MonteCarlo.WarmupDays = &warmup
		if err := f.MonteCarlo.validate(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		n := 0
		opt := Options{Out: t.TempDir(), Workers: 2, onPath: func(run, path int, c []float64) {
			mu.Lock()
			defer mu.Unlock()
			if len(c) != 120 {
				t.Errorf("path %d's curve has %d points, want 120", path, len(c))
			}
			if len(c) > 5 && c[5] != c[0] {
				n++
			}
		}}
		o, err := Run(context.Background(), f, opt)
		if err != nil {
			t.Fatal(err)
		}
		if mc := o.MonteCarlo[0]; len(mc.Time) != 120 || len(mc.Bands[2]) != 120 || len(mc.Terminal) != 40 {
			t.Fatalf("Monte Carlo result: %d dates, %d median values, %d terminal returns; want 120, 120, 40", len(mc.Time), len(mc.Bands[2]), len(mc.Terminal))
		}
		return n
	}
	if n := positioned(0); n != 0 {
		t.Errorf("without warm-up %d of 40 paths moved in their first days", n)
	}
	if n := positioned(365); n < 10 {
		t.Errorf("with warm-up only %d of 40 paths traded in their first days", n)
	}
}

// A mean block longer than the history the paths draw from (two years of
// daily synthetic BTC, about 730 dates) is refused, naming the count:
// each path would replay the history in order.
func TestMonteCarloMeanBlockLongerThanHistory(t *testing.T) {
	text := `name = "mc"
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 4
days = 30
mean_block = 100000
warmup_days = 0
`
	f, err := Parse("mc.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "montecarlo.mean_block = 100000: longer than the") || !strings.Contains(err.Error(), "dates of history the paths draw from") {
		t.Errorf("mean_block 100000: %v", err)
	}
}

// A path's terminal return and drawdown run from the initial cash when
// its first point is below it (a first-bar close fill's costs), by hand:
// cash 100, points 99, 110, 88: terminal 88/100 − 1 = −0.12; drawdown
// from the peak 110 to 88, −0.2 (the cost's −1% is less). With the cash
// at the first point (99): terminal 88/99 − 1.
func TestPathMeasuresFromInitialCash(t *testing.T) {
	eq := []float64{99, 110, 88}
	if term, dd := pathMeasures(100, eq); math.Abs(term+0.12) > 1e-12 || math.Abs(dd+0.2) > 1e-12 {
		t.Errorf("from 100: terminal %g, drawdown %g; want -0.12, -0.2", term, dd)
	}
	if term, _ := pathMeasures(99, eq); math.Abs(term-(88.0/99-1)) > 1e-12 {
		t.Errorf("from 99: terminal %g, want %g", term, 88.0/99-1)
	}
	// A first point below the cash sets the drawdown when it is the worst.
	if _, dd := pathMeasures(100, []float64{90, 95, 99}); math.Abs(dd+0.1) > 1e-12 {
		t.Errorf("drawdown %g, want -0.1 (90 against the cash 100)", dd)
	}
}

// A Monte Carlo shock whose scenario gives no probability
// (ai-crypto-selloff has none) and no montecarlo.shock_probability would
// shock no path: 0 of the paths, while the chart's caption says the
// shock was injected. It is refused, naming the key to set; with
// shock_probability = 1 every path (4 of 4: a uniform draw in [0, 1) is
// always below 1) is shocked.
func TestMonteCarloShockWithoutProbability(t *testing.T) {
	text := `name = "mc"
start = "2019-06-01"
end = "2021-06-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 4
days = 30
warmup_days = 0
shock = "ai-crypto-selloff"
`
	f, err := Parse("mc.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0 // runs done before the error: none, it is found first
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Progress: func(done, _ int) { ran = done }})
	if ran != 0 {
		t.Errorf("%d runs done before the error", ran)
	}
	if err == nil {
		n := 0
		for _, s := range o.MonteCarlo[0].Shocked {
			if s {
				n++
			}
		}
		t.Fatalf("shock without a probability: no error, %d of 4 paths shocked", n)
	}
	if !strings.Contains(err.Error(), `montecarlo.shock = "ai-crypto-selloff"`) || !strings.Contains(err.Error(), "shock_probability") {
		t.Errorf("shock without a probability: %v", err)
	}
	f, err = Parse("mc.toml", text+"shock_probability = 1.0\n")
	if err != nil {
		t.Fatal(err)
	}
	o, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range o.MonteCarlo[0].Shocked {
		if !s {
			t.Errorf("shock_probability = 1: path %d not shocked", p)
		}
	}
}

// The Monte Carlo's notes on its history: BTC trades from 2023-01-01 and
// TAO from 2023-09-01, so 243 of the 365 dates of 2023 (from = 2023-01-01
// to the data's end, 2023-12-31) come before TAO's first bar, a tenth or
// more: noted. With from = 2023-12-22, the history holds 10 dates, fewer
// than a path's 30 days: noted, and TAO, trading all along, is not.
func TestMonteCarloHistoryNotes(t *testing.T) {
	dir := t.TempDir()
	write := func(sym string, from int64) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,adj_close,volume\n")
		for d := from; d < data.Day(2024, 1, 1); d += data.NanosPerDay {
			p := 100 * math.Exp(0.02*math.Sin(float64(d/data.NanosPerDay)))
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000\n", data.FormatDay(d), p, p, p, p, p)
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("BTC", data.Day(2023, 1, 1))
	write("TAO", data.Day(2023, 9, 1))
	run := func(from string) []string {
		o, err := runIn(t, dir, `name = "mc notes"
cash = 1000.0
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC", "TAO"]
[montecarlo]
paths = 10
days = 30
mean_block = 2
warmup_days = 0
from = "`+from+`"
`)
		if err != nil {
			t.Fatal(err)
		}
		m, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, n := range o.Notes {
			if strings.HasPrefix(n, "montecarlo: ") {
				notes = append(notes, n)
				if !bytes.Contains(m, []byte(strings.ReplaceAll(n[:40], `"`, `\"`))) {
					t.Errorf("manifest.json does not record %q", n)
				}
			}
		}
		return notes
	}
	got := run("2023-01-01")
	if want := "montecarlo: TAO's bars start on 2023-09-01, after 243 of the 365 dates the paths draw from (from 2023-01-01)"; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("notes %q, want one starting %q", got, want)
	}
	got = run("2023-12-22")
	if want := "montecarlo: the history the paths draw from holds 10 dates (from 2023-12-22), fewer than a path's 30 days"; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("notes %q, want one starting %q", got, want)
	}
}

// An instrument whose bars end early in the history the paths draw from
// is noted as one whose bars start late is: AGIX's bars end on
// 2023-04-30, so the 245 dates of May to December 2023
// (31+30+31+31+30+31+30+31 = 245) of the 365 the paths draw from come
// after its last bar, a tenth or more. A path date drawn from them holds
// no AGIX bar: a position in it keeps its price, and a basket that waits
// for every instrument does not rebalance. BTC trades all year: no note.
func TestMonteCarloHistoryEndNote(t *testing.T) {
	dir := t.TempDir()
	write := func(sym string, to int64) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,adj_close,volume\n")
		for d := data.Day(2023, 1, 1); d < to; d += data.NanosPerDay {
			p := 100 * math.Exp(0.02*math.Sin(float64(d/data.NanosPerDay)))
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000\n", data.FormatDay(d), p, p, p, p, p)
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("BTC", data.Day(2024, 1, 1))
	write("AGIX", data.Day(2023, 5, 1))
	o, err := runIn(t, dir, `name = "mc end notes"
cash = 1000.0
end = "2024-01-01"
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC", "AGIX"]
rebalance_days = 7
[montecarlo]
paths = 10
days = 30
mean_block = 2
warmup_days = 0
from = "2023-01-01"
`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range o.Notes {
		if strings.HasPrefix(n, "montecarlo: ") {
			got = append(got, n)
		}
	}
	if want := "montecarlo: AGIX's bars end on 2023-04-30, before 245 of the 365 dates the paths draw from (to 2023-12-31)"; len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("notes %q, want one starting %q", got, want)
	}
}
