package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

const costsExperiment = `
name = "costs"
cash = 100_000.0
commission_bps = 2.0
start = "2019-03-01"
end = "2019-09-01"

[data]
synthetic = true

[costs]
cash_rate = 0.04
borrow_cash_rate = 0.07
limit_fill = "touch"

[costs.equity]
slippage_bps = 3.0
spread_bps = 4.0
borrow_rate = 0.05
initial_margin = 0.5
maintenance_margin = 0.25

[costs.crypto]
taker_bps = 10.0
funding_rate = 0.0001
initial_margin = 0.2
maintenance_margin = 0.05
liquidation_fee = 0.01

[costs.symbols.TAO]
borrow_rate = 0.25
funding_rate = 0.0003

[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "BTC"]
`

func TestCostTermsMapping(t *testing.T) {
	f, err := Parse("costs.toml", costsExperiment)
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]data.Class{"NVDA": data.Equity, "MSFT": data.Equity, "TAO": data.Crypto, "BTC": data.Crypto}
	cfg, err := f.engineBase(engine.Registry{}, func(s string) (data.Class, bool) { c, ok := classes[s]; return c, ok })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Equity.Slippage.Bps != 3 || cfg.Equity.Slippage.SpreadBps != 4 || cfg.Equity.Borrow.Rate != 0.05 || cfg.Equity.Margin.Initial != 0.5 {
		t.Errorf("equity terms %+v", cfg.Equity)
	}
	if cfg.Crypto.Commission.Taker != 10 || cfg.Crypto.Funding.Rate != 0.0001 || cfg.Crypto.Funding.Interval != engine.DefaultFundingInterval || cfg.Crypto.Margin.LiquidationFee != 0.01 {
		t.Errorf("crypto terms %+v", cfg.Crypto)
	}
	// TAO: the crypto terms with its two keys replaced.
	tao := cfg.Symbols["TAO"]
	if tao.Borrow.Rate != 0.25 || tao.Funding.Rate != 0.0003 || tao.Commission.Taker != 10 || tao.Margin.Initial != 0.2 {
		t.Errorf("TAO terms %+v", tao)
	}
	if cfg.CashRate != 0.04 || cfg.BorrowRate != 0.07 || cfg.LimitFill != engine.Touch || cfg.Commission != 2 {
		t.Errorf("config %+v", cfg)
	}
}

// The run's metrics.json carries the cost breakdown and the counts; with
// funding, borrow, slippage and interest on, each kind is booked.
func TestCostsInMetricsJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "costs.toml")
	os.WriteFile(path, []byte(costsExperiment), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: dir, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "hedge", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Metrics struct {
			Fills int                `json:"fills"`
			Costs map[string]float64 `json:"costs"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	c := rf.Metrics.Costs
	if rf.Metrics.Fills == 0 {
		t.Fatal("no fills recorded")
	}
	for _, k := range []string{"commission", "slippage", "spread", "funding", "interest"} {
		if !(c[k] != 0) {
			t.Errorf("cost %s = %g, want it booked", k, c[k])
		}
	}
	sum := 0.0
	for k, v := range c {
		if k != "total" {
			sum += v
		}
	}
	if math.Abs(sum-c["total"]) > 1e-9*math.Abs(sum) {
		t.Errorf("costs sum to %g, total says %g", sum, c["total"])
	}
	// The manifest lists the cost settings (the report's Setup shows them).
	man, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"key": "costs.equity.borrow_rate"`, `"value": "0.05"`, `"key": "costs.symbols.TAO.funding_rate"`, `"key": "costs.cash_rate"`} {
		if !strings.Contains(string(man), want) {
			t.Errorf("manifest lacks %s", want)
		}
	}
}

func TestCostErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ extra, want string }{
		{"[costs.equity]\nborrow_rate = -0.1\n", "costs.equity.borrow_rate = -0.1"},
		{"[costs.crypto]\ninitial_margin = 1.5\n", "costs.crypto.initial_margin = 1.5"},
		{"[costs.crypto]\ninitial_margin = 0.1\nmaintenance_margin = 0.2\n", "costs.crypto.maintenance_margin = 0.2 is above"},
		// One of the two inherited from the class's table.
		{"[costs.crypto]\ninitial_margin = 0.2\n[costs.symbols.BTC]\nmaintenance_margin = 0.3\n", "costs.symbols.BTC.maintenance_margin = 0.3: the maintenance margin (0.3) would be above the initial margin (0.2)"},
		{"[costs.crypto]\nmaintenance_margin = 0.3\n[costs.symbols.BTC]\ninitial_margin = 0.2\n", "costs.symbols.BTC.initial_margin = 0.2: the maintenance margin (0.3) would be above the initial margin (0.2)"},
		{"[costs.symbols.NOPE]\nborrow_rate = 0.1\n", "costs.symbols.NOPE"},
		{"[costs]\nlimit_fill = \"maybe\"\n", "costs.limit_fill"},
		{"[costs.equity]\nborow_rate = 0.1\n", "borow_rate"},
		{"[[splits]]\nsymbol = \"BTC\"\ndate = \"2019-05-01\"\nratio = 2.0\n", "splits: a splits table needs prices = \"raw\""},
		// NaN passed |rate| > 0.1, and the engine named its own field; a
		// funding every 3.6 s compounded into a return of 4.5e28 %.
		{"[costs.crypto]\nfunding_rate = nan\n", "costs.crypto.funding_rate = NaN"},
		{"[costs]\ncash_rate = nan\n", "costs.cash_rate = NaN"},
		{"[costs]\nborrow_cash_rate = 50.0\n", "costs.borrow_cash_rate = 50"},
		{"[costs.crypto]\nfunding_interval_hours = 0.001\n", "costs.crypto.funding_interval_hours = 0.001: want a minute"},
		// A volatility of one return is 0: impact_k = 0.1 charged nothing.
		{"[costs.crypto]\nimpact_k = 0.1\nimpact_window = 1\n", "costs.crypto.impact_window = 1: want 0 (the default, 20) or at least 2 returns"},
		{"[costs.equity]\nimpact_window = -3\n", "costs.equity.impact_window = -3: want 0"},
	} {
		text := "name = \"x\"\nstart = \"2019-03-01\"\nend = \"2019-04-01\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n" + tc.extra
		f, err := Parse("x.toml", text)
		if err == nil {
			_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.extra, err, tc.want)
		}
	}
}

// TestDuplicateBenchmark: the same benchmark twice was refused by the
// reader, as two files giving one symbol; it names the key.
func TestDuplicateBenchmark(t *testing.T) {
	_, err := Parse("x.toml", "name = \"x\"\nbenchmarks = [\"QQQ\", \"qqq\"]\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n")
	if want := `benchmarks[1] = "qqq": benchmarks[0] is "QQQ" already`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// Two benchmarks whose symbols differ only in what a column name cannot
// hold ("AB.C" and "AB_C": both ab_c) wrote beta_ab_c, alpha_ab_c, … twice
// in runs.parquet; results.duckdb renamed the second beta_ab_c_1 and a
// reader by name saw the first only. The file is refused, naming the key.
func TestBenchmarkColumnsCollide(t *testing.T) {
	for _, tc := range []struct {
		name, benchmarks, want string
	}{
		{"dot and underscore", `["AB.C", "AB_C"]`, `benchmarks[1] = "AB_C": its runs-table columns (beta_ab_c, alpha_ab_c, …) are those of benchmarks[0] = "AB.C"`},
		{"caret and underscore, third", `["QQQ", "^NDX", "_NDX"]`, `benchmarks[2] = "_NDX": its runs-table columns (beta__ndx, alpha__ndx, …) are those of benchmarks[1] = "^NDX"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.toml", "name = \"x\"\nbenchmarks = "+tc.benchmarks+"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// The attribution rows of a run (instruments and interest) sum to its
// final equity minus its initial cash, with every cost model on: the
// per-instrument split loses nothing and counts nothing twice.
func TestAttributionSumsToPnL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "costs.toml")
	os.WriteFile(path, []byte(costsExperiment), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: dir, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := &o.Runs[0]
	rows := r.Attribution
	sum, carry := 0.0, 0.0
	legs := map[string]bool{}
	for _, row := range rows {
		sum += row.PnL
		carry += row.Carry
		legs[row.Leg] = true
	}
	want := r.Result.Curve.Equity[r.Result.Curve.Len()-1] - f.Cash
	if math.Abs(sum-want) > 1e-9*f.Cash {
		t.Errorf("attribution sums to %g, the run made %g", sum, want)
	}
	if carry == 0 || !legs["long leg"] || !legs["short leg"] || !legs["interest"] {
		t.Errorf("carry %g, legs %v", carry, legs)
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "attribution.png")); err != nil {
		t.Error(err)
	}
}

// data.lot_sizes makes whole-share orders: every NVDA fill is a whole
// number of shares, every BTC fill stays fractional.
func TestLotSizes(t *testing.T) {
	f, err := Parse("lots.toml", `name = "lots"
start = "2019-03-01"
end = "2019-06-01"
[data]
synthetic = true
lot_sizes = { NVDA = 1.0 }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
rebalance_days = 7
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	var nvda, btcFrac int
	for _, fl := range o.Runs[0].Result.Fills {
		switch fl.Symbol {
		case "NVDA":
			nvda++
			if fl.Qty != math.Trunc(fl.Qty) {
				t.Errorf("NVDA fill of %g shares", fl.Qty)
			}
		case "BTC":
			if fl.Qty != math.Trunc(fl.Qty) {
				btcFrac++
			}
		}
	}
	if nvda < 3 || btcFrac == 0 {
		t.Errorf("%d NVDA fills, %d fractional BTC fills", nvda, btcFrac)
	}
	f.Data.LotSizes = map[string]float64{"NOPE": 1}
	if _, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1}); err == nil || !strings.Contains(err.Error(), "data.lot_sizes.NOPE") {
		t.Errorf("error %v", err)
	}
}

// Inputs that would silently give wrong numbers are refused, naming the key.
func TestInputsThatWouldMislead(t *testing.T) {
	dir := t.TempDir()
	eth := filepath.Join(dir, "eth.csv")
	os.WriteFile(eth, []byte("funding_time_utc,symbol,funding_rate,mark_price\n2019-03-01T00:00:00Z,ETHUSDT,0.0001,100\n2019-03-01T08:00:00Z,ETHUSDT,0.0001,100\n"), 0o644)
	base := "name = \"x\"\nstart = \"2019-03-01\"\nend = \"2019-06-01\"\n%s\n[data]\nsynthetic = true\n%s\n[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\", \"NVDA\"]\n%s"
	for _, tc := range []struct{ top, data, tail, want string }{
		{"", "", "[costs.symbols.BTC]\nfunding_file = \"" + eth + "\"\n", `symbol "ETHUSDT" is read as ETH, not BTC (the experiment's instruments: BTC, NVDA)`},
		{"", "", "[costs.crypto]\nfunding_file = \"" + eth + "\"\n", "a funding file belongs to one instrument"},
		{"", "", "[costs.symbols.BTC]\nfunding_rate = 0.0001\nfunding_file = \"" + eth + "\"\n", "not both"},
		// An interval beside a file was ignored without a word: the file
		// settles at its own times.
		{"", "", "[costs.symbols.BTC]\nfunding_interval_hours = 4.0\nfunding_file = \"" + eth + "\"\n", "costs.symbols.BTC: set funding_interval_hours or funding_file, not both"},
		{"prices = \"raw\"", "", "[[splits]]\nsymbol = \"NVDA\"\ndate = \"2019-04-01\"\nratio = 4.0\n", "already split-adjusted"},
		// Two splits of one instrument on one date: the engine's error
		// named its own field (Splits[BTC][1]), not the file's key.
		{"prices = \"raw\"", "", "[[splits]]\nsymbol = \"BTC\"\ndate = \"2010-01-04\"\nratio = 2.0\n[[splits]]\nsymbol = \"NVDA\"\ndate = \"2010-01-04\"\nratio = 2.0\n[[splits]]\nsymbol = \"BTC\"\ndate = \"2010-01-04\"\nratio = 3.0\n", "splits[2]: BTC splits on 2010-01-04 in splits[0] already"},
		{"", "files = { NVDAX = \"x.csv\" }", "", "data.files"},
		{"", "classes = { MSFT = \"crypto\" }", "", "data.classes.MSFT"},
		{"scenarios = [\"ai-crypto-selloff\"]\nscenario_start = \"2010-01-01\"", "", "", "scenario_start = 2010-01-01 is before the data"},
		{"cash = 1e308", "", "", "cash = 1e+308"},
	} {
		text := fmt.Sprintf(base, tc.top, tc.data, tc.tail)
		f, err := Parse("x.toml", text)
		if err == nil {
			_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.top+tc.data+tc.tail, err, tc.want)
		}
	}
	if _, err := sweepValues("gross", []any{1.0, 1.0}); err == nil || !strings.Contains(err.Error(), "value 1 appears twice") {
		t.Errorf("duplicate sweep value: %v", err)
	}
}

// Without an end the runs stop on the last day every instrument trades,
// and a note says so.
func TestNoEndStopsWhereTheDataStops(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, days int) {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,adj_close,volume\n")
		for k := 0; k < days; k++ {
			fmt.Fprintf(&b, "%s,10,11,9,10,10,100\n", data.FormatDay(data.Day(2024, 1, 1)+int64(k)*data.NanosPerDay))
		}
		os.WriteFile(filepath.Join(dir, name+".csv"), []byte(b.String()), 0o644)
	}
	mk("LONGX", 100)
	mk("SHORTX", 40)
	os.WriteFile(filepath.Join(dir, "e.toml"), []byte("name = \"e\"\n[data]\ndir = \".\"\nclasses = { LONGX = \"crypto\", SHORTX = \"crypto\" }\n[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"LONGX\", \"SHORTX\"]\n"), 0o644)
	f, err := Load(filepath.Join(dir, "e.toml"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := o.Runs[0].Result.Curve
	if got := data.FormatDay(c.Time[c.Len()-1]); got != data.FormatDay(data.Day(2024, 1, 1)+39*data.NanosPerDay) {
		t.Errorf("the run ends %s", got)
	}
	if len(o.Notes) == 0 || !strings.Contains(o.Notes[0], "SHORTX") {
		t.Errorf("notes %v", o.Notes)
	}
}

// TestRatesOverAHundredPercentNoted: rates are decimals, and cash_rate =
// 5 meant for 5 % earns 500 % a year, in bounds ([-1, 10]) and without a
// word. Each annual rate over 100 % (cash, borrowed cash, each class's
// and symbol's borrow) is kept and noted with what to write instead; the
// rates of costsExperiment (4 %, 7 %, 5 %, 25 %) are not.
func TestRatesOverAHundredPercentNoted(t *testing.T) {
	text := strings.Replace(costsExperiment, "cash_rate = 0.04", "cash_rate = 5", 1)
	text = strings.Replace(text, "borrow_rate = 0.25", "borrow_rate = 1.5", 1)
	text = strings.Replace(text, "borrow_rate = 0.05", "borrow_rate = 1.1", 1)
	for _, c := range []struct {
		text string
		want []string
	}{
		{costsExperiment, nil},
		// The built-in models' tables: the interest model's rate, the
		// borrow model's rate (the keys as written).
		{strings.Replace(strings.Replace(costsExperiment, "cash_rate = 0.04\nborrow_cash_rate = 0.07\n", "", 1),
			"borrow_rate = 0.25\nfunding_rate = 0.0003\n", "funding_rate = 0.0003\n[costs.symbols.TAO.borrow]\nmodel = \"borrow\"\nRate = 2\n", 1) +
			"[costs.interest]\nmodel = \"cash_interest\"\nrate = 4\n", []string{
			"costs.interest.rate = 4 is 400 % a year: rates are decimals (0.05 = 5 %); write 0.04 for 4 %",
			"costs.symbols.TAO.borrow.Rate = 2 is 200 % a year: rates are decimals (0.05 = 5 %); write 0.02 for 2 %",
		}},
		{text, []string{
			"costs.cash_rate = 5 is 500 % a year: rates are decimals (0.05 = 5 %); write 0.05 for 5 %",
			// 100 × 1.1 is 110.00000000000001 in binary: printed as 110.
			"costs.equity.borrow_rate = 1.1 is 110 % a year: rates are decimals (0.05 = 5 %); write 0.011 for 1.1 %",
			"costs.symbols.TAO.borrow_rate = 1.5 is 150 % a year: rates are decimals (0.05 = 5 %); write 0.015 for 1.5 %",
		}},
	} {
		f, err := Parse("costs.toml", c.text)
		if err != nil {
			t.Fatal(err)
		}
		got := notesWith(t, f, "a year: rates are decimals")
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("notes %q, want %q", got, c.want)
		}
	}
}

// TestClassFeeReplacesTopLevelCommission: a class table that sets a fee
// of its own replaces the top-level commission_bps for its fills, and a
// taker rate set alone is charged alone, with a note saying so; the
// class's own commission_bps is added to its taker rate. A buy-and-hold
// of NVDA (equity, no fee of its own) and BTC (crypto) under
// commission_bps = 7: each fill's commission against |qty × price| × the
// rate, NVDA 7 bps throughout; BTC 5 bps under taker_bps = 5, 7 + 5 = 12
// bps with costs.crypto.commission_bps = 7 as well.
func TestClassFeeReplacesTopLevelCommission(t *testing.T) {
	const base = `
name = "fees"
cash = 100_000.0
commission_bps = 7.0
start = "2019-03-01"
end = "2019-04-01"
[data]
synthetic = true
[costs.crypto]
taker_bps = 5.0
%s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
weights = [0.4, 0.4]
`
	const note = "costs.crypto sets taker_bps = 5 and no commission_bps: its fills pay that alone, not the top-level commission_bps = 7 as well (a class's or symbol's own fee replaces the top-level rate); set costs.crypto.commission_bps = 7 to charge both"
	for _, c := range []struct {
		extra    string
		btc      float64 // bps
		wantNote bool
	}{
		{"", 5, true},
		{"commission_bps = 7.0", 12, false},
	} {
		f, err := Parse("fees.toml", fmt.Sprintf(base, c.extra))
		if err != nil {
			t.Fatal(err)
		}
		out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true, Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		fills := out.Runs[0].Result.Fills
		seen := map[string]bool{}
		for _, fl := range fills {
			bps := map[string]float64{"NVDA": 7, "BTC": c.btc}[fl.Symbol]
			want := math.Abs(fl.Qty*fl.Price) * bps / 1e4
			if math.Abs(fl.Commission-want) > 1e-9*want {
				t.Errorf("%q: %s fill of %g at %g paid %.6f, want %g bps = %.6f", c.extra, fl.Symbol, fl.Qty, fl.Price, fl.Commission, bps, want)
			}
			seen[fl.Symbol] = true
		}
		if !seen["NVDA"] || !seen["BTC"] {
			t.Fatalf("%q: fills of %v, want NVDA and BTC", c.extra, seen)
		}
		if got := slices.Contains(out.Notes, note); got != c.wantNote {
			t.Errorf("%q: note given %v, want %v; notes %q", c.extra, got, c.wantNote, out.Notes)
		}
	}
	// What the charts and the report say a fill pays.
	for _, c := range []struct{ text, want string }{
		{fmt.Sprintf(base, ""), "equity 7 bps, crypto taker 5 bps"},
		{fmt.Sprintf(base, "commission_bps = 7.0"), "equity 7 bps, crypto 7 bps taker 5 bps"},
		{strings.Replace(fmt.Sprintf(base, ""), "[costs.crypto]\ntaker_bps = 5.0\n", "", 1), "7 bps"},
		// A symbol's own taker rate, no class base: charged alone, noted.
		{strings.Replace(fmt.Sprintf(base, ""), "[costs.crypto]\ntaker_bps = 5.0\n", "[costs.symbols.BTC]\ntaker_bps = 5.0\n", 1), "equity 7 bps, crypto 7 bps, and symbols' own"},
	} {
		f, err := Parse("fees.toml", c.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.commissionText(); got != c.want {
			t.Errorf("commission %q, want %q", got, c.want)
		}
		if strings.Contains(c.text, "costs.symbols.BTC") {
			want := "costs.symbols.BTC sets taker_bps = 5 and no commission_bps: its fills pay that alone, not the top-level commission_bps = 7 as well (a class's or symbol's own fee replaces the top-level rate); set costs.symbols.BTC.commission_bps = 7 to charge both"
			if n := f.feeNotes(); len(n) != 1 || n[0] != want {
				t.Errorf("a symbol's taker rate: notes %q, want %q", n, want)
			}
		}
	}
	// No top-level rate: nothing to note.
	f, err := Parse("fees.toml", strings.Replace(fmt.Sprintf(base, ""), "commission_bps = 7.0\n", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.feeNotes(); len(n) != 0 {
		t.Errorf("top-level rate 0: notes %q, want none", n)
	}
}

// A borrow_recall outside the run's steps (2019-03-01 to the last step
// before 2019-09-01, on costsExperiment's synthetic market) is noted: after
// the last step it never comes; before the first, no short can be opened.
// One inside the run is not noted.
func TestRecallOutsideTheRunNoted(t *testing.T) {
	for _, c := range []struct {
		name, extra string
		want        []string
	}{
		{"inside", "[costs.symbols.NVDA]\nborrow_recall = \"2019-06-03\"\n", nil},
		{"after", "[costs.symbols.NVDA]\nborrow_recall = \"2099-01-01\"\n",
			[]string{"costs.symbols.NVDA.borrow_recall = 2099-01-01 is after the run's last step (2019-08-31): no short is recalled"}},
		{"before", "[costs.symbols.NVDA]\nborrow_recall = \"2018-01-01\"\n",
			[]string{"costs.symbols.NVDA.borrow_recall = 2018-01-01 is before the run's first step (2019-03-01): no short can be opened (a recall refuses new shorts from then on)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("costs.toml", costsExperiment+c.extra)
			if err != nil {
				t.Fatal(err)
			}
			got := notesWith(t, f, "borrow_recall")
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("notes %q, want %q", got, c.want)
			}
		})
	}
}
