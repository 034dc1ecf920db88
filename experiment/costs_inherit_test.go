package experiment

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A table whose fee keys are all 0 charges no fee: a zero
// engine.Commission reads "not set" in the engine, and fell back to the
// top-level commission_bps, which the docs say a table's fee keys
// replace. Top-level 7 bps; BTC's fills pay 0, NVDA's 7 bps of their
// notional (by hand from each fill).
func TestZeroFeeKeysChargeNothing(t *testing.T) {
	const base = `
name = "fees"
cash = 100_000.0
commission_bps = 7.0
start = "2019-03-01"
end = "2019-04-01"
[data]
synthetic = true
%s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
weights = [0.4, 0.4]
`
	for _, costs := range []string{
		"[costs.crypto]\ncommission_bps = 0.0",
		"[costs.crypto]\nmaker_bps = 0.0\ntaker_bps = 0.0",
		"[costs.crypto]\ncommission_bps = 5.0\n[costs.symbols.BTC]\ncommission_bps = 0.0",
	} {
		f, err := Parse("fees.toml", fmt.Sprintf(base, costs))
		if err != nil {
			t.Fatal(err)
		}
		out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true, Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, fl := range out.Runs[0].Result.Fills {
			want := 0.0
			if fl.Symbol == "NVDA" {
				want = math.Abs(fl.Qty*fl.Price) * 7 / 1e4
			}
			if math.Abs(fl.Commission-want) > 1e-9*max(want, 1) {
				t.Errorf("%q: %s fill of %g at %g paid %.6f, want %.6f", costs, fl.Symbol, fl.Qty, fl.Price, fl.Commission, want)
			}
			seen[fl.Symbol] = true
		}
		if !seen["NVDA"] || !seen["BTC"] {
			t.Fatalf("%q: fills of %v, want NVDA and BTC", costs, seen)
		}
	}
}

// A symbol's table starts from its class's terms and replaces the keys
// it gives: a funding_rate keeps the class's funding interval (it was
// reset to 8 hours), and flat keys replace the models of their kinds
// the class set (the model won, and the keys were ignored); margin keys
// beside a class's margin model are refused (the model's other terms
// are not keys to keep).
func TestSymbolKeysOverTheClass(t *testing.T) {
	classes := classesOf(map[string]data.Class{"NVDA": data.Equity, "MSFT": data.Equity, "BTC": data.Crypto})
	f, err := Parse("m.toml", costsModelsBase+`
[costs.crypto]
funding_rate = 0.0001
funding_interval_hours = 4.0
[costs.equity.slippage]
model = "slippage"
bps = 1.0
[costs.equity.borrow]
model = "borrow"
rate = 0.01
[costs.equity.fee]
model = "tiered"
fixed = 1.0
tiers = [{from = 0, bps = 10}]
[costs.symbols.BTC]
funding_rate = 0.0002
[costs.symbols.MSFT]
spread_bps = 100.0
borrow_rate = 0.5
commission_bps = 1.0
`)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.engineBase(engine.Registry{}, classes)
	if err != nil {
		t.Fatal(err)
	}
	if btc := cfg.Symbols["BTC"].Funding; btc.Rate != 0.0002 || btc.Interval != int64(4*time.Hour) {
		t.Errorf("BTC funding %+v: want rate 0.0002 every 4 hours (its class's interval)", btc)
	}
	ms := cfg.Symbols["MSFT"]
	if ms.SlippageModel != nil || ms.Slippage.SpreadBps != 100 {
		t.Errorf("MSFT slippage: model %#v, spread %g bps; want its own 100 bps spread, no model", ms.SlippageModel, float64(ms.Slippage.SpreadBps))
	}
	if ms.BorrowModel != nil || ms.Borrow.Rate != 0.5 {
		t.Errorf("MSFT borrow: model %#v, rate %g; want its own 0.5, no model", ms.BorrowModel, ms.Borrow.Rate)
	}
	if ms.FeeModel != nil || ms.Commission.Bps != 1 {
		t.Errorf("MSFT fee: model %#v, %g bps; want its own 1 bps, no model", ms.FeeModel, float64(ms.Commission.Bps))
	}
	if _, ok := cfg.Symbols["NVDA"]; ok || cfg.Equity.SlippageModel == nil || cfg.Equity.BorrowModel == nil || cfg.Equity.FeeModel == nil {
		t.Errorf("the class keeps its models: %+v", cfg.Equity)
	}

	f, err = Parse("m.toml", costsModelsBase+`
[costs.equity.margin]
model = "margin"
initial = 0.5
maintenance = 0.25
[costs.symbols.MSFT]
initial_margin = 0.3
`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.engineBase(engine.Registry{}, classes)
	if want := "costs.symbols.MSFT: initial_margin, maintenance_margin or liquidation_fee beside the margin model it takes from its class"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("margin keys under a class's model: %v, want %q", err, want)
	}
}
