package experiment

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A built-in model named in a table is checked as its flat keys are: a
// negative or NaN rate, an impact window of 1, a cap above the bar's
// volume, or a cap given to the slippage model (which moves prices only
// and ignored it) is an error naming the table and the key. They were
// taken: bps = -5 paid the account 5 bps of every fill.
func TestBuiltinModelTablesAreValidated(t *testing.T) {
	for _, tc := range []struct{ name, extra, want string }{
		{"negative commission", "[costs.equity.fee]\nmodel = \"commission\"\nbps = -5.0\n", "costs.equity.fee: bps = -5: want a finite value >= 0"},
		{"NaN minimum", "[costs.equity.fee]\nmodel = \"commission\"\nminimum = nan\n", "costs.equity.fee: minimum = NaN"},
		{"negative per share", "[costs.symbols.NVDA.fee]\nmodel = \"commission\"\npershare = -0.01\n", "costs.symbols.NVDA.fee: pershare = -0.01"},
		{"infinite taker", "[costs.crypto.fee]\nmodel = \"commission\"\ntaker = inf\n", "costs.crypto.fee: taker = +Inf"},
		{"negative slippage", "[costs.equity.slippage]\nmodel = \"slippage\"\nbps = -5.0\n", "costs.equity.slippage: bps = -5: want a finite value >= 0"},
		{"NaN range", "[costs.equity.slippage]\nmodel = \"slippage\"\nrangefrac = nan\n", "costs.equity.slippage: rangefrac = NaN"},
		{"window of one return", "[costs.equity.slippage]\nmodel = \"slippage\"\nimpactk = 0.1\nimpactwindow = 1\n", "costs.equity.slippage: impactwindow = 1"},
		{"cap in the slippage model", "[costs.equity.slippage]\nmodel = \"slippage\"\nmaxparticipation = 0.1\n", "costs.equity.slippage: maxparticipation = 0.1: the slippage model moves prices only"},
		{"cap above the volume", "[costs.equity.volume]\nmodel = \"participation\"\nmax = 5.0\n", "costs.equity.volume: ParticipationCap.Max = 5: want a fraction in [0, 1]"},
		{"negative initial margin", "[costs.equity.margin]\nmodel = \"margin\"\ninitial = -1.0\n", "costs.equity.margin: initial = -1: want a fraction in [0, 1]"},
		// A rate of the whole notional or more, refused as the top-level
		// commission_bps refuses it (it was taken in a table).
		{"commission of the whole notional", "[costs.equity]\ncommission_bps = 10000.0\n", "costs.equity.commission_bps = 10000: want a rate under 10000 bps"},
		{"taker past the notional", "[costs.symbols.NVDA]\ntaker_bps = 25000.0\n", "costs.symbols.NVDA.taker_bps = 25000: want a rate under 10000 bps"},
		{"model's maker past the notional", "[costs.crypto.fee]\nmodel = \"commission\"\nmaker = 10000.0\n", "costs.crypto.fee: maker = 10000: want a rate under 10000 bps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("m.toml", costsModelsBase+tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want an error with %q", err, tc.want)
			}
		})
	}
	// The same models with sound values are taken.
	f, err := Parse("m.toml", costsModelsBase+"[costs.equity.fee]\nmodel = \"commission\"\nbps = 1.0\nminimum = 1.0\n[costs.equity.slippage]\nmodel = \"slippage\"\nbps = 2.0\nimpactk = 0.1\nimpactwindow = 2\n[costs.equity.volume]\nmodel = \"participation\"\nmax = 1.0\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity})); err != nil {
		t.Errorf("sound models refused: %v", err)
	}
}

// A class table that sets min_commission alone under a top-level
// commission_bps replaces that rate with the minimum: a fill pays
// max(1, 0) = 1, not max(1, 7 bps of its notional), and the run says so
// (it said so for maker_bps or taker_bps alone, and took a minimum for a
// base fee). The NVDA buy of 0.8 × 100,000 paid 1 where 7 bps is 56.
func TestMinimumAloneReplacesTopLevelNoted(t *testing.T) {
	const text = `
name = "fees"
cash = 100_000.0
commission_bps = 7.0
start = "2019-03-01"
end = "2019-04-01"
[data]
synthetic = true
[costs.equity]
min_commission = 1.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
weights = [0.8]
`
	f, err := Parse("fees.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	want := "costs.equity sets min_commission = 1 and no commission_bps: its fills pay that alone, not the top-level commission_bps = 7 as well (a class's or symbol's own fee replaces the top-level rate); set costs.equity.commission_bps = 7 to charge both"
	if n := f.feeNotes(); len(n) != 1 || n[0] != want {
		t.Errorf("notes %q, want %q", n, want)
	}
	out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	fills := out.Runs[0].Result.Fills
	if len(fills) != 1 || fills[0].Commission != 1 || fills[0].Qty*fills[0].Price < 79000 {
		t.Errorf("fills %+v: want one buy of about 80,000 paying 1", fills)
	}
	// With a rate of its own beside the minimum, nothing to say.
	f, err = Parse("fees.toml", strings.Replace(text, "min_commission = 1.0\n", "min_commission = 1.0\nper_share = 0.01\n", 1))
	if err != nil {
		t.Fatal(err)
	}
	if n := f.feeNotes(); len(n) != 0 {
		t.Errorf("min_commission beside per_share: notes %q, want none", n)
	}
}

// Every fee and slippage model at once on a traded run: the costs agree
// wherever they are written. The fills' commissions sum to metrics.json's
// costs.commission, runs.csv's commission_paid and the attribution's
// commission column; the fills' slippage (money, already in their
// prices) to slippage + spread + impact; the kinds to total, and
// total_costs in runs.csv; the attribution's rows to the final equity
// less the initial cash.
func TestCostKindsAgreeAcrossOutputs(t *testing.T) {
	f, err := Parse("m.toml", costsModelsBase+`
[costs.equity]
commission_bps = 3.0
per_share = 0.01
min_commission = 2.0
taker_bps = 1.0
slippage_bps = 2.0
spread_bps = 4.0
range_fraction = 0.05
impact_k = 0.2
max_participation = 0.001
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	r := &o.Runs[0]
	res := r.Result
	var com, slip float64
	for _, fl := range res.Fills {
		com += fl.Commission
		slip += fl.Slippage
	}
	if len(res.Fills) < 4 || res.Costs.Impact <= 0 || res.Costs.Spread <= 0 {
		t.Fatalf("%d fills, costs %+v: the test needs trades paying every kind", len(res.Fills), res.Costs)
	}
	var m struct {
		Metrics struct {
			Commission float64 `json:"commission_paid"`
			Costs      map[string]float64
		}
	}
	raw, err := os.ReadFile(filepath.Join(o.Dir, "runs", r.Key, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	c := m.Metrics.Costs
	rows, err := readCSV(filepath.Join(o.Dir, "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) float64 {
		k := slices.Index(rows[0], name)
		if k < 0 {
			t.Fatalf("runs.csv has no %s", name)
		}
		return num(t, rows[1][k])
	}
	var attrCom, attrPnL float64
	for _, a := range Attribution(r, nil) {
		if a.Instrument != "interest" {
			attrCom += a.Commission
		}
		attrPnL += a.PnL
	}
	final := res.Curve.Equity[len(res.Curve.Equity)-1]
	for _, g := range []struct {
		what      string
		got, want float64
	}{
		{"metrics.json costs.commission", c["commission"], com},
		{"metrics.json commission_paid", m.Metrics.Commission, com},
		{"runs.csv commission_paid", col("commission_paid"), com},
		{"attribution commission", attrCom, com},
		{"slippage + spread + impact", c["slippage"] + c["spread"] + c["impact"], slip},
		{"costs.total", c["total"], c["commission"] + c["slippage"] + c["spread"] + c["impact"] + c["borrow"] + c["funding"] + c["interest"] + c["liquidation_fees"]},
		{"runs.csv total_costs", col("total_costs"), com + slip},
		{"attribution PnL", attrPnL, final - f.Cash},
	} {
		if math.Abs(g.got-g.want) > 1e-9*math.Max(1, math.Abs(g.want)) {
			t.Errorf("%s = %.10f, want %.10f", g.what, g.got, g.want)
		}
	}
}

// An impact_window with no impact_k to apply it to is refused: set alone
// in a class table it did nothing, and in a symbol's table under its
// class's slippage model it replaced that model (a flat key does) with
// one that charged nothing: NVDA paid no slippage at all, the class's
// 5 bps and impact dropped without a word.
func TestImpactWindowWithoutImpactRefused(t *testing.T) {
	classes := classesOf(map[string]data.Class{"NVDA": data.Equity})
	for _, tc := range []struct{ name, extra, want string }{
		{"alone in a class", "[costs.equity]\nimpact_window = 30\n",
			"costs.equity.impact_window = 30: no impact_k to apply it to"},
		{"a symbol's under a class model", "[costs.equity.slippage]\nmodel = \"slippage\"\nbps = 5.0\nimpactk = 0.1\n[costs.symbols.NVDA]\nimpact_window = 30\n",
			"costs.symbols.NVDA.impact_window = 30: no impact_k to apply it to"},
		{"a symbol's under a class impact_k", "[costs.equity]\nimpact_k = 0.1\n[costs.symbols.NVDA]\nimpact_window = 30\n", ""},
		{"beside its impact_k", "[costs.equity]\nimpact_k = 0.1\nimpact_window = 30\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("m.toml", costsModelsBase+tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := f.engineBase(engine.Registry{}, classes)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want == "" && cfg.Symbols["NVDA"].Slippage.ImpactWindow != 30 && cfg.Equity.Slippage.ImpactWindow != 30:
				t.Errorf("window not taken: %+v", cfg)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%v, want an error with %q", err, tc.want)
			}
		})
	}
}
