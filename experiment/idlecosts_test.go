package experiment

import (
	"strings"
	"testing"
)

// A funding or borrow shock that changes nothing under the experiment's
// terms is said to: funding on instruments none of which is a perpetual
// (no funding terms), a funding multiplier on perpetuals of rate 0, a
// borrow multiplier on borrow rates of 0. With the terms that give them
// something to act on, nothing is said (and the shocked runs' costs
// differ from the baseline's: the shocks do act; with the notes they are
// the baseline's).
func TestIdleCostShockNotes(t *testing.T) {
	const perps = "funding is paid on perpetuals, and none of the instruments it targets is one"
	const zeroFunding = "its funding shock changes nothing: the funding rates it acts on are 0 and stay 0"
	const zeroBorrow = "its borrow shock changes nothing: the borrow rates it acts on are 0 and stay 0"
	const perp0 = "[costs.crypto]\nfunding_interval_hours = 8.0\n"
	for _, tc := range []struct {
		name, costs  string
		fund, borrow string // the shocks' rate or multiplier
		want, not    []string
	}{
		{"no terms", "", "mult = 5.0", "mult = 3.0", []string{perps, zeroBorrow}, []string{zeroFunding}},
		{"perpetuals of rate 0", perp0, "mult = 5.0", "mult = 3.0", []string{zeroFunding, zeroBorrow}, []string{perps}},
		{"rates", "[costs.crypto]\nfunding_rate = 0.0001\n[costs.equity]\nborrow_rate = 0.02\n", "mult = 5.0", "mult = 3.0", nil, []string{perps, zeroFunding, zeroBorrow}},
		// Rates of 0 set to 0: nothing changes either.
		{"rates of 0 set to 0", perp0, "rate = 0.0", "rate = 0.0", []string{zeroFunding, zeroBorrow}, []string{perps}},
		// Rates of 0 set to a rate: both shocks act.
		{"rates of 0 set", perp0, "rate = 0.0005", "rate = 0.3", nil, []string{perps, zeroFunding, zeroBorrow}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := `name = "idle"
seed = 3
start = "2023-01-01"
end = "2024-06-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "BTC"]
[[scenario]]
name = "costs"
[[scenario.shock]]
type = "funding"
symbols = ["TAO", "BTC"]
day = 0
days = 120
` + tc.fund + `
[[scenario.shock]]
type = "borrow"
symbols = ["NVDA", "MSFT", "TAO", "BTC"]
day = 0
days = 120
` + tc.borrow + `
` + tc.costs
			o, err := runIn(t, t.TempDir(), text)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(o.Notes, "\n")
			for _, w := range tc.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes lack …%s…:\n%s", w, notes)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(notes, w) {
					t.Errorf("notes say …%s…:\n%s", w, notes)
				}
			}
			// What the notes say, the costs show: the shocked run pays the
			// baseline's funding and borrow when the notes say the shocks
			// change nothing, and other amounts when nothing is said.
			var base, shocked [2]float64
			for _, r := range o.Runs {
				c := [2]float64{r.Metrics.Costs.Funding, r.Metrics.Costs.Borrow}
				switch r.Key {
				case "hedge":
					base = c
				case "hedge@costs":
					shocked = c
				}
			}
			if idle := tc.want != nil; idle != (base == shocked) {
				t.Errorf("funding and borrow %v in the baseline, %v under the scenario; notes:\n%s", base, shocked, notes)
			}
		})
	}
}

// A liquidity shock whose spread and slippage multipliers meet spreads
// and slippage of 0 changes nothing and is said to (the costs show it:
// the shocked run pays the baseline's spread and slippage, 0); with a
// spread of 10 bps and slippage of 2 in [costs.crypto], nothing is said
// and the shocked run pays more.
func TestIdleLiquidityShockNote(t *testing.T) {
	const idle = "its liquidity shock's spread and slippage multipliers change nothing"
	for _, tc := range []struct {
		name, costs string
		idle        bool
	}{
		{"no spread or slippage", "", true},
		{"spread and slippage", "[costs.crypto]\nspread_bps = 10.0\nslippage_bps = 2.0\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := runIn(t, t.TempDir(), `name = "idle liquidity"
seed = 3
start = "2023-01-01"
end = "2024-06-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "BTC"]
rebalance_days = 7
[[scenario]]
name = "thin"
[[scenario.shock]]
type = "liquidity"
symbols = ["TAO", "BTC"]
day = 0
days = 120
spread_mult = 4.0
slippage_mult = 4.0
`+tc.costs)
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(o.Notes, "\n")
			if strings.Contains(notes, idle) != tc.idle {
				t.Errorf("note %q said: %v, want %v:\n%s", idle, !tc.idle, tc.idle, notes)
			}
			var base, shocked [2]float64
			for _, r := range o.Runs {
				c := [2]float64{r.Metrics.Costs.Spread, r.Metrics.Costs.Slippage}
				switch r.Key {
				case "hedge":
					base = c
				case "hedge@thin":
					shocked = c
				}
			}
			if tc.idle != (base == shocked) || !tc.idle && !(shocked[0] > base[0]) {
				t.Errorf("spread and slippage %v in the baseline, %v under the scenario", base, shocked)
			}
		})
	}
}
