package experiment

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// costsModelsBase is an experiment on the synthetic market to which the
// tests add [costs] tables.
const costsModelsBase = `name = "models"
cash = 100_000.0
start = "2019-03-01"
end = "2020-03-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "NVDA"
fast = 3
slow = 10
`

func classesOf(p map[string]data.Class) func(string) (data.Class, bool) {
	return func(s string) (data.Class, bool) { c, ok := p[s]; return c, ok }
}

// A model named in the experiment file is built from the registry and its
// keys decoded into it; [costs.symbols] tables start from their class's
// model and may name another.
func TestCostModelsFromTheFile(t *testing.T) {
	f, err := Parse("m.toml", costsModelsBase+`
[costs.equity]
slippage_bps = 2.0
[costs.equity.fee]
model = "tiered"
fixed = 1.0
tiers = [{from = 0, bps = 10}, {from = 10000, bps = 5}]
[costs.symbols.MSFT.fee]
model = "commission"
bps = 3.0
pershare = 0.01
`)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity, "MSFT": data.Equity}))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := cfg.Equity.FeeModel.(*engine.Tiered)
	if !ok || m.Fixed != 1 || len(m.Tiers) != 2 || m.Tiers[1] != (engine.Tier{From: 10000, Bps: 5}) {
		t.Fatalf("equity fee model %#v", cfg.Equity.FeeModel)
	}
	if cfg.Equity.Slippage.Bps != 2 {
		t.Errorf("the flat keys beside a model: slippage %+v", cfg.Equity.Slippage)
	}
	c, ok := cfg.Symbols["MSFT"].FeeModel.(*engine.Commission)
	if !ok || c.Bps != 3 || c.PerShare != 0.01 || cfg.Symbols["MSFT"].Slippage.Bps != 2 {
		t.Errorf("MSFT terms %+v", cfg.Symbols["MSFT"])
	}
}

// The run's commissions are the tiered schedule's, computed here from
// each fill's notional by hand's formula: 1 + 10 bps of the first 10,000
// + 5 bps of the rest.
func TestCostModelInARun(t *testing.T) {
	f, err := Parse("m.toml", costsModelsBase+`
[costs.equity.fee]
model = "tiered"
fixed = 1.0
tiers = [{from = 0, bps = 10}, {from = 10000, bps = 5}]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	fills := o.Runs[0].Result.Fills
	if len(fills) < 2 {
		t.Fatalf("%d fills: the test needs trades", len(fills))
	}
	total := 0.0
	for _, fl := range fills {
		n := math.Abs(fl.Qty * fl.Price)
		want := 1 + 0.001*math.Min(n, 10000) + 0.0005*math.Max(n-10000, 0)
		if math.Abs(fl.Commission-want) > 1e-9*want {
			t.Errorf("fill of %.2f: commission %.6f, want %.6f", n, fl.Commission, want)
		}
		total += want
	}
	if got := o.Runs[0].Result.Costs.Commission; math.Abs(got-total) > 1e-9*total {
		t.Errorf("commission booked %.6f, want %.6f", got, total)
	}
}

// Mistakes in a model's table are errors that name the key.
func TestCostModelErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ extra, want string }{
		{"[costs.equity.fee]\nfixed = 1.0\n", `costs.equity.fee.model: required (a fee model: commission, tiered)`},
		{"[costs.equity.fee]\nmodel = \"flat\"\n", `costs.equity.fee.model = "flat": unknown fee model (known: commission, tiered)`},
		{"[costs.equity.fee]\nmodel = 3\n", `costs.equity.fee.model = 3: want a string`},
		{"[costs.equity.fee]\nmodel = \"tiered\"\nfixd = 1.0\n", `unknown key costs.equity.fee.fixd (did you mean fixed? known for fee model "tiered": fixed, tiers)`},
		{"[costs.equity.fee]\nmodel = \"tiered\"\ntiers = [{from = 0, bps = \"ten\"}]\n", `costs.equity.fee.tiers[0].bps = "ten": want a number`},
		{"[costs.equity.fee]\nmodel = \"tiered\"\ntiers = [{from = 5, bps = 10}]\n", `costs.equity.fee: tiers[0].from = 5: the first tier starts at 0`},
		{"[costs.equity]\ncommission_bps = 1.0\n[costs.equity.fee]\nmodel = \"tiered\"\n", `costs.equity: commission_bps and fee.model both set`},
		{"[costs.crypto]\nmax_participation = 0.1\n[costs.crypto.volume]\nmodel = \"participation\"\n", `costs.crypto: max_participation and volume.model both set`},
		{"[costs]\ncash_rate = 0.01\n[costs.interest]\nmodel = \"cash_interest\"\n", `cash_rate or borrow_cash_rate and interest.model both set`},
		{"[costs.equity]\nfee = 3\n", `costs.equity.fee = 3: want a table`},
	} {
		f, err := Parse("x.toml", costsModelsBase+tc.extra)
		if err == nil {
			_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.extra, err, tc.want)
		}
	}
}

// flatFee is a model of one's own: a fixed fee per fill.
type flatFee struct{ Amount float64 }

func (m *flatFee) Fee(engine.Trade) float64 { return m.Amount }

// A program's own model, added to Options.Models, is named in the file
// like a built-in, and every built-in stays.
func TestOptionsModels(t *testing.T) {
	f, err := Parse("m.toml", costsModelsBase+`
[costs.equity.fee]
model = "flat"
amount = 2.5
[costs.interest]
model = "cash_interest"
rate = 0.04
`)
	if err != nil {
		t.Fatal(err)
	}
	models := engine.Models()
	models.Fee["flat"] = func() engine.FeeModel { return &flatFee{} }
	if _, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1}); err == nil || !strings.Contains(err.Error(), `unknown fee model (known: commission, tiered)`) {
		t.Fatalf("with the built-ins: %v", err)
	}
	o, err := Run(context.Background(), f, Options{Models: models, Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	res := o.Runs[0].Result
	if len(res.Fills) == 0 {
		t.Fatal("no fills")
	}
	for _, fl := range res.Fills {
		if fl.Commission != 2.5 {
			t.Errorf("fill commission %g, want the flat 2.5", fl.Commission)
		}
	}
	if res.Costs.Interest >= 0 {
		t.Errorf("interest %g: want income on the cash at 4%%", res.Costs.Interest)
	}
	cfg, err := f.engineBase(models, classesOf(map[string]data.Class{"NVDA": data.Equity}))
	if err != nil {
		t.Fatal(err)
	}
	if ci, ok := cfg.InterestModel.(*engine.CashInterest); !ok || ci.Rate != 0.04 || ci.BorrowRate != 0 {
		t.Errorf("interest model %#v, want cash_interest at 0.04", cfg.InterestModel)
	}
}
