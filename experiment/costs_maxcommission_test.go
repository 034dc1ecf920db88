package experiment

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// max_commission_bps caps a class's commission per order (IBKR's fixed US
// pricing: per_share = 0.005, min_commission = 1, max_commission_bps =
// 100), end to end: a buy-and-hold of half the account in a stock at
// 0.10. Per share it would pay 0.005 × qty = 5 % of the notional; the cap
// is 1 % of it. The weight is sized net of the commission K:
// notional = 0.5 × (100,000 − K), K = 0.01 × notional, so
// K = 500 / 1.005 = 497.5124378109453 and the notional 49,751.24378.
func TestMaxCommissionFromTheFile(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, dir, "penny.csv", 20, func(int) float64 { return 0.10 })
	text := fmt.Sprintf(`name = "cap"
cash = 100_000.0
[data]
dir = %q
files = { PENNY = "penny.csv" }
[costs.equity]
per_share = 0.005
min_commission = 1.0
max_commission_bps = 100.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["PENNY"]
weights = [0.5]
`, dir)
	f, err := Parse("cap.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	fills := out.Runs[0].Result.Fills
	if len(fills) != 1 {
		t.Fatalf("fills %+v: want the one buy", fills)
	}
	fl := fills[0]
	const k = 500 / 1.005
	if math.Abs(fl.Commission-k) > 1e-6 || math.Abs(fl.Qty*fl.Price-(50000-k/2)) > 1e-6 {
		t.Errorf("the buy: %g units at %g paying %.10g; want 49,751.24 paying %.10g (1 %%), not 5 %%", fl.Qty, fl.Price, fl.Commission, k)
	}
	if got := f.commissionText(); got != "equity 0.005 a unit at least 1 at most 100 bps, crypto 0 bps" {
		t.Errorf("commission text %q", got)
	}
}

// The key is checked as the other fee keys, counts as one of them beside
// a fee model (in the commission model's table, where it is maxbps, it is
// refused as min_commission is there), and is offered for a misspelling.
func TestMaxCommissionKeyChecked(t *testing.T) {
	for _, tc := range []struct{ name, extra, want string }{
		{"negative", "[costs.equity]\nmax_commission_bps = -1.0\n", "costs.equity.max_commission_bps = -1: want a finite value >= 0"},
		{"NaN", "[costs.symbols.NVDA]\nmax_commission_bps = nan\n", "costs.symbols.NVDA.max_commission_bps = NaN: want a finite value >= 0"},
		{"beside a fee model", "[costs.equity]\nmax_commission_bps = 100.0\n[costs.equity.fee]\nmodel = \"tiered\"\nfixed = 1.0\n",
			"costs.equity: max_commission_bps and fee.model both set"},
		{"in the commission model's table", "[costs.equity.fee]\nmodel = \"commission\"\nmax_commission_bps = 100.0\n",
			`unknown key costs.equity.fee.max_commission_bps (known for fee model "commission": bps, maker, maxbps, minimum, pershare, taker)`},
		{"model's maxbps negative", "[costs.equity.fee]\nmodel = \"commission\"\nmaxbps = -2.0\n", "costs.equity.fee: maxbps = -2: want a finite value >= 0"},
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
	// A misspelt key is refused at parsing, offering the key.
	_, err := Parse("m.toml", costsModelsBase+"[costs.equity]\nmax_comission_bps = 100.0\n")
	if err == nil || !strings.Contains(err.Error(), "max_commission_bps") {
		t.Errorf("misspelt: %v, want the known key max_commission_bps offered", err)
	}
	// Set, it reaches the engine's terms, a symbol's table included; 0 is
	// no cap (a symbol's lifting its class's).
	f, err := Parse("m.toml", costsModelsBase+"[costs.equity]\nper_share = 0.005\nmax_commission_bps = 100.0\n[costs.symbols.NVDA]\nmax_commission_bps = 0.0\n")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Equity.Commission.MaxBps != 100 || cfg.Symbols["NVDA"].Commission.MaxBps != 0 || cfg.Symbols["NVDA"].Commission.PerShare != 0.005 {
		t.Errorf("equity %+v, NVDA %+v: want the class capped at 100 bps, NVDA's per share without a cap", cfg.Equity.Commission, cfg.Symbols["NVDA"].Commission)
	}
}

// A cap set alone under a top-level commission_bps replaces that rate as
// any fee key does: its fills pay the cap of nothing, 0. Noted, as a
// minimum alone is.
func TestMaxCommissionAloneNoted(t *testing.T) {
	f, err := Parse("m.toml", strings.Replace(costsModelsBase, "cash = 100_000.0\n", "cash = 100_000.0\ncommission_bps = 7.0\n", 1)+"[costs.equity]\nmax_commission_bps = 100.0\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "costs.equity sets max_commission_bps = 100 and no commission_bps: its fills pay that alone, not the top-level commission_bps = 7 as well (a class's or symbol's own fee replaces the top-level rate); set costs.equity.commission_bps = 7 to charge both"
	if n := f.feeNotes(); len(n) != 1 || n[0] != want {
		t.Errorf("notes %q, want %q", n, want)
	}
}
