package experiment

import "testing"

// An environment shock counts an instrument shocked only where it acts
// under the experiment's terms: a funding shock on an instrument that
// pays no funding (spot, no funding_rate) or a spread multiplier on a
// spread of 0 changes nothing, as the run's notes say ("changes
// nothing"), and a row of such an instrument is the run without the
// scenario: 0 shocked, not a full measure. AAA is a perpetual
// (funding_rate 0.0001 a settlement), BBB spot with no spread, CCC spot
// with spread_bps = 20; each run holds one of them from the start,
// 2023-01-02, the shocks' date (the scenarios' day 0 would be later).
//
//	funding ×3 on AAA and BBB: hold-a 1 of 1 (it pays three times the
//	  funding: PnL below the baseline), hold-b 0 of 1 (spot: no funding,
//	  PnL the baseline's exactly), hold-c 0 of 1 (not targeted)
//	spread ×4 on BBB and CCC: hold-b 0 of 1 (its spread is 0: PnL the
//	  baseline's), hold-c 1 of 1 (its entry pays 4 × 10 bps, not 10:
//	  PnL below), hold-a 0 of 1 (not targeted)
//
// Before, every targeted instrument counted (ShocksInstrument: a window
// is set), so hold-b read 1 of 1 under both, a full measure of a
// scenario that cannot touch it.
func TestStressIdleEnvironmentShocksNotCounted(t *testing.T) {
	dir := t.TempDir()
	for _, sym := range []string{"AAA", "BBB", "CCC"} {
		dailyCSV(t, dir, sym, "2023-01-01", 60, func(k int) float64 { return 100 + float64(k%5) })
	}
	hold := func(name, sym string) string {
		return "[[strategy]]\nname = \"" + name + "\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"" + sym + "\"]\n"
	}
	text := `name = "idle"
start = "2023-01-02"
commission_bps = 0.0
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto", CCC = "crypto" }
[costs.symbols.AAA]
funding_rate = 0.0001
[costs.symbols.CCC]
spread_bps = 20.0
[[scenario]]
name = "funding"
[[scenario.shock]]
type = "funding"
symbols = ["AAA", "BBB"]
date = 2023-01-02
days = 50
mult = 3.0
[[scenario]]
name = "spread"
[[scenario.shock]]
type = "liquidity"
symbols = ["BBB", "CCC"]
date = 2023-01-02
days = 50
spread_mult = 4.0
` + hold("hold-a", "AAA") + hold("hold-b", "BBB") + hold("hold-c", "CCC")
	o, err := runIn(t, dir, text)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		traded, shocked int
		moved           bool // PnL vs baseline not 0
	}
	wants := map[string]want{
		"hold-a funding": {1, 1, true}, "hold-b funding": {1, 0, false}, "hold-c funding": {1, 0, false},
		"hold-a spread": {1, 0, false}, "hold-b spread": {1, 0, false}, "hold-c spread": {1, 1, true},
	}
	seen := 0
	for _, r := range o.Stress.Rows {
		if r.Scenario == "baseline" {
			continue
		}
		k := r.Run + " " + r.Scenario
		w, ok := wants[k]
		if !ok {
			t.Errorf("unexpected row %s", k)
			continue
		}
		seen++
		if r.InstrumentsTraded != w.traded || r.InstrumentsShocked != w.shocked {
			t.Errorf("%s: %d shocked of %d traded, want %d of %d", k, r.InstrumentsShocked, r.InstrumentsTraded, w.shocked, w.traded)
		}
		// The counts agree with what the run saw: a row shocked is one
		// whose PnL moved, here where every shock is a cost.
		if moved := r.PnLVsBaseline != 0; moved != w.moved {
			t.Errorf("%s: PnL vs baseline %g, want moved %v", k, r.PnLVsBaseline, w.moved)
		}
	}
	if seen != len(wants) {
		t.Errorf("%d rows checked, want %d", seen, len(wants))
	}
}
