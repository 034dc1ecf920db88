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

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// The dividends keys need raw prices: adjusted prices already hold the
// dividends, which would count twice. The error names the key.
func TestDividendsNeedRawPrices(t *testing.T) {
	cases := []struct{ name, keys, want string }{
		{"dividends_from", `dividends_from = "adj_close"`, `dividends_from = "adj_close" needs prices = "raw"`},
		{"table", "[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 0.5", `dividends: a dividends table needs prices = "raw"`},
		{"bad source", "prices = \"raw\"\ndividends_from = \"close\"", `dividends_from = "close": want "adj_close"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runIn(t, t.TempDir(), "name = \"x\"\n"+c.keys+`
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// A [[dividends]] table pays its rows on raw prices: 100 A held into a
// 0.50 ex-date receive 50, in metrics.json's costs (−50), the runs
// table (runs.parquet) and the attribution's carry.
func TestDividendsTable(t *testing.T) {
	dir := t.TempDir()
	csv := "date,open,high,low,close,adj_close,volume\n" +
		"2024-01-01,100,100,100,100,100,1000000\n" +
		"2024-01-02,100,100,100,100,100,1000000\n" +
		"2024-01-03,99.5,99.5,99.5,99.5,99.5,1000000\n" +
		"2024-01-04,99.5,99.5,99.5,99.5,99.5,1000000\n"
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, "data", "A.csv"), csv)
	out, err := runIn(t, dir, `
name = "div table"
cash = 10000.0
prices = "raw"
[data]
dir = "data"
classes = { A = "equity" }
[[dividends]]
symbol = "A"
date = "2024-01-03"
amount = 0.5
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
`)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Runs[0]
	// 10,000 / 100 (the 01-02 open) = 100 A, held into 01-03: 100 ×
	// 0.50 = 50 received; equity 50 + 100 × 99.5 = 10,000.
	if d := r.Result.Costs.Dividend; d != -50 {
		t.Errorf("costs.dividends = %g, want -50", d)
	}
	if d := out.Records[0].Metrics.Costs.Dividend; d != -50 {
		t.Errorf("metrics.json costs.dividends = %g, want -50", d)
	}
	if eq := r.Metrics.FinalEquity; math.Abs(eq-10000) > 1e-9 {
		t.Errorf("final equity %.9f, want 10000", eq)
	}
	if len(r.Attribution) != 1 || r.Attribution[0].Carry != -50 || math.Abs(r.Attribution[0].PnL) > 1e-9 {
		t.Errorf("attribution %+v, want carry -50 and pnl 0", r.Attribution)
	}
	tab, err := results.ReadTableParquet(filepath.Join(out.Dir, results.RunsParquet), "costs_dividends")
	if err != nil {
		t.Fatal(err)
	}
	if v := tab.Columns[0].Floats; len(v) != 1 || v[0] != -50 {
		t.Errorf("runs.parquet costs_dividends %v, want [-50]", v)
	}
}

// On the real QQQ file (split-adjusted OHLC, dividend-adjusted
// adj_close: SOURCES.md), dividends_from reads 2023's ex-dates from the
// adj_close/close factor f. For 03-20: f = 299.5741882 / 305.3599853 =
// 0.98105 on 03-17 and 300.6372681 / 305.9700012 = 0.98257 on 03-20;
// 1 − 0.98105/0.98257 = 0.0015454, × the close before, 305.36, = 0.4719.
// The others, by a separate script on the CSV: 06-20 0.5041, 09-18
// 0.5361, 12-18 0.8080 (Invesco's quarterly distributions) and 12-27
// 0.2160 (a fifth step the file's adj_close holds: kept, it is in the
// data). MSFT.csv cannot be used for this: it is yfinance auto-adjusted,
// adj_close = close on every bar (its "raw" closes hold the dividends
// already), and the run says so in a note.
//
// Buy-and-hold from 2023-01-04's open, 266.6400146 (1,000,000 /
// 266.6400146 = 3,750.374831 QQQ), to 2023-12-29's close, 409.5199891:
//
//	raw, dividends in cash: 3,750.374831 × (409.5199891 + 2.5360707) = 1,545,364.68
//	(without them:          3,750.374831 × 409.5199891             = 1,535,853.46)
//
// Adjusted prices reinvest each dividend D at the close before its
// ex-date less D (adj[e]/adj[e−1] = close[e] / (close[e−1] − D)): the
// same shares grown by Π (1 + D / (close[e−1] − D)) end at 1,546,465.16,
// 1,100.5 (0.11 %) above the cash dividends: the reinvestment. The
// adjusted run lands within 1e-6 of that second computation (the
// vendor's rounding of adj_close, 1.7e-7 here).
func TestRealQQQDividendsFromAdjClose(t *testing.T) {
	d := sharedData(t)
	run := func(prices, extra string) *RunResult {
		out, err := runIn(t, t.TempDir(), fmt.Sprintf(`
name = "qqq"
cash = 1_000_000.0
start = "2023-01-01"
end = "2024-01-01"
prices = %q
%s
[data]
dir = %q
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["QQQ"]
`, prices, extra, filepath.Join(d, "prices")))
		if err != nil {
			t.Fatal(err)
		}
		return &out.Runs[0]
	}
	raw := run("raw", `dividends_from = "adj_close"`)
	const n = 1_000_000 / 266.6400146484375
	want := []struct {
		day string
		d   float64
	}{{"2023-03-20", 0.4719}, {"2023-06-20", 0.5041}, {"2023-09-18", 0.5361}, {"2023-12-18", 0.8080}, {"2023-12-27", 0.2160}}
	var got []engine.Entry
	for _, e := range raw.Result.Ledger {
		if e.Kind == engine.CostDividend {
			got = append(got, e)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d dividend entries %+v, want %d", len(got), got, len(want))
	}
	for k, w := range want {
		if day := data.FormatDay(got[k].Time); day != w.day || math.Abs(-got[k].Amount/n-w.d) > 1e-4 {
			t.Errorf("dividend %d: %s %.4f a share, want %s %.4f", k, day, -got[k].Amount/n, w.day, w.d)
		}
	}
	if eq := raw.Metrics.FinalEquity; math.Abs(eq-1_545_364.68) > 0.01 {
		t.Errorf("raw with dividends ends at %.2f, want 1,545,364.68", eq)
	}
	adj := run("adjusted", "")
	if eq := adj.Metrics.FinalEquity; math.Abs(eq/1_546_465.16-1) > 1e-6 {
		t.Errorf("adjusted ends at %.2f, want 1,546,465.16 (the dividends reinvested) within 1e-6", eq)
	}
	if gap := adj.Metrics.FinalEquity - raw.Metrics.FinalEquity; math.Abs(gap-1100.5) > 1 {
		t.Errorf("adjusted − raw with dividends = %.2f, want the reinvestment, 1,100.5", gap)
	}
}

// MSFT.csv's adj_close is its close (yfinance auto-adjusted): no
// dividend can be read, and the run notes it rather than pay none
// silently.
func TestDividendsFromAutoAdjustedFileNoted(t *testing.T) {
	d := sharedData(t)
	path := filepath.Join(t.TempDir(), "x.toml")
	writeText(t, path, fmt.Sprintf(`
name = "msft"
start = "2023-01-01"
end = "2024-01-01"
prices = "raw"
dividends_from = "adj_close"
[data]
dir = %q
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["MSFT"]
`, filepath.Join(d, "prices")))
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := notesWith(t, f, "MSFT"); len(got) != 1 || !strings.Contains(got[0], "auto-adjusted") {
		t.Errorf("notes %q, want one on MSFT's adj_close being its close", got)
	}
}

// Monte Carlo paths on raw prices pay the dividends of the source dates
// they draw. A's raw close falls 1 % on every fifth date (an ex-date of
// 1 % of the close before) and is flat otherwise, its adj_close flat: the
// total return is 0 on every bar. A path carries the raw returns, so a
// path drawing an ex-date falls by 1 %; held A is paid 1 % of the path's
// close before, and every path ends where it began: 10,000 (no costs).
// The dividends were paid on the history's dates alone, before every
// path: a path that drew k ex-dates ended at 10,000 × 0.99^k.
func TestMonteCarloPathsPayTheDrawnDividends(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	c := 100.0
	for k := range 80 {
		if k > 0 && k%5 == 0 {
			c *= 0.99
		}
		day := data.FormatDay(data.Day(2024, 1, 1) + int64(k)*data.NanosPerDay)
		fmt.Fprintf(&b, "%s,%.10g,%.10g,%.10g,%.10g,50,1000000\n", day, c, c, c, c)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, "data", "A.csv"), b.String())
	text := `name = "mc dividends"
cash = 10000.0
commission_bps = 0.0
prices = "raw"
dividends_from = "adj_close"
[data]
dir = "data"
classes = { A = "equity" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
[montecarlo]
paths = 4
days = 40
mean_block = 5
`
	path := filepath.Join(dir, "x.toml")
	writeText(t, path, text)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	final := make([]float64, 4)
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true, onPath: func(_, p int, eq []float64) {
		mu.Lock()
		defer mu.Unlock()
		final[p] = eq[len(eq)-1]
	}})
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
