package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every run's total return is its final equity over the initial cash,
// less 1, whatever its fill: a strategy filling at the first bar's close
// pays its entry costs before the curve's first point, and its metrics
// count them (they were left out: the close fill looked better than the
// next-open one by its costs). Two years of a drifting daily price, 50
// bps commission and 100 bps slippage, weights 2× at the close and at the
// next open.
func TestTotalReturnFromInitialCash(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	d0 := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	px := 100.0
	for k := 0; k < 730; k++ {
		d := d0.AddDate(0, 0, k)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		o := px
		px *= 1 + 0.001*math.Sin(float64(k)/9) + 0.0004
		fmt.Fprintf(&b, "%s,%.4f,%.4f,%.4f,%.4f,1000000\n", d.Format("2006-01-02"), o, max(o, px)*1.002, min(o, px)*0.998, px)
	}
	if err := os.WriteFile(filepath.Join(dir, "SPX.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, dir, `name = "entry costs"
cash = 100000.0
commission_bps = 50.0
[data]
dir = "."
classes = { SPX = "equity" }
[costs.equity]
slippage_bps = 100.0
[[strategy]]
name = "close"
type = "weights"
[strategy.params]
weights = { SPX = 2.0 }
max_gross = 2.0
fill = "close"
[[strategy]]
name = "open"
type = "weights"
[strategy.params]
weights = { SPX = 2.0 }
max_gross = 2.0
`)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range o.Runs {
		m := r.Metrics
		if want := m.FinalEquity/o.Cash - 1; math.Abs(m.TotalReturn-want) > 1e-12 {
			t.Errorf("%s: total return %.12f, final equity %.2f / cash %.0f − 1 = %.12f", r.Key, m.TotalReturn, m.FinalEquity, o.Cash, want)
		}
		if r.Result.Curve.Equity[0] >= o.Cash && r.Key == "close" {
			t.Errorf("close: first point %.2f not below the cash: the test's premise", r.Result.Curve.Equity[0])
		}
		// The curve's drawdown column (the engine's running peak, from
		// the cash) reaches the max_drawdown the metrics measure on the
		// returns from the cash: the first point's costs are a drawdown
		// from the cash in both (the column's peak was the first point).
		if dd := slices.Min(r.Result.Curve.Drawdown); math.Abs(dd-m.MaxDrawdown) > 1e-12 {
			t.Errorf("%s: the curve's deepest drawdown %.12f, max_drawdown %.12f", r.Key, dd, m.MaxDrawdown)
		}
		if r.Key == "close" {
			if dd0, want := r.Result.Curve.Drawdown[0], r.Result.Curve.Equity[0]/o.Cash-1; math.Abs(dd0-want) > 1e-15 {
				t.Errorf("close: drawdown at the first point %.15f, want first point / cash − 1 = %.15f", dd0, want)
			}
		}
	}
}

// A Monte Carlo of a strategy that fills at the first bar's close: each
// path's first point stands below the cash by its entry costs, and its
// fan grows from the cash, as the summary's terminal returns do: the
// first date's bands are that point over the cash (below 1, where the
// first point's base put them at exactly 1), and the chart's terminal
// values are the summary's.
func TestMonteCarloFromInitialCash(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	d0 := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	px := 100.0
	for k := 0; k < 400; k++ {
		o := px
		px *= 1 + 0.01*math.Sin(float64(k)/5) + 0.0004
		fmt.Fprintf(&b, "%s,%.4f,%.4f,%.4f,%.4f,1000000\n", d0.AddDate(0, 0, k).Format("2006-01-02"), o, max(o, px)*1.002, min(o, px)*0.998, px)
	}
	if err := os.WriteFile(filepath.Join(dir, "BTC.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, dir, `name = "entry costs mc"
cash = 100000.0
commission_bps = 50.0
[data]
dir = "."
classes = { BTC = "crypto" }
[[strategy]]
name = "close"
type = "weights"
[strategy.params]
weights = { BTC = 1.0 }
fill = "close"
[montecarlo]
paths = 20
days = 60
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.MonteCarlo) != 1 {
		t.Fatalf("%d Monte Carlo results", len(o.MonteCarlo))
	}
	mc := o.MonteCarlo[0]
	for q := range mc.Bands {
		// 50 bps of commission on the whole cash at the first close:
		// about 0.995 of it, the same on every path.
		if g := mc.Bands[q][0]; !(g < 0.9999 && g > 0.99) {
			t.Errorf("quantile %d on the first date: %.6f, want the first point over the cash, about 0.995", q, g)
		}
	}
	for p, term := range mc.Terminal {
		if want := mc.Dist.TerminalReturns[p]; math.Abs(term-want) > 1e-12 {
			t.Errorf("path %d: the chart's terminal return %.12f, the summary's %.12f", p, term, want)
		}
	}
}
