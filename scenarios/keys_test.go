package scenarios

import (
	"strings"
	"testing"
)

// Keys an audit found accepted silently or refused unclearly: each now
// gets an error naming it. Before: a random start with until failed or
// ran depending on the seed; a funding rate of 0.1 (meant as 0.1 %) took
// 10 % of the notional at every settlement; lookback_days = 0 and
// min_obs = 0 became 365 and 30; volume_mult = nan read as "give at
// least one of slippage_mult, spread_mult, volume_mult".
func TestShockKeysRefused(t *testing.T) {
	const head = "name = \"x\"\n[[shock]]\n"
	for _, c := range []struct{ name, text, want string }{
		{"random with until", `type = "volatility"
symbols = ["BTC"]
random = true
until = 2025-01-20
k = 2.0`, "shock[0]: give days with random = true, not until"},
		{"funding rate beyond a file's bound", `type = "funding"
symbols = ["BTC"]
day = 0
days = 3
rate = 0.1001`, "shock[0].rate = 0.1001: beyond ±0.1 a settlement"},
		{"negative funding rate beyond it", `type = "funding"
symbols = ["BTC"]
day = 0
days = 3
rate = -0.2`, "shock[0].rate = -0.2: beyond ±0.1 a settlement"},
		{"lookback_days = 0", `type = "propagate"
drivers = { BTC = -0.1 }
symbols = ["ETH"]
day = 40
lookback_days = 0`, "lookback_days = 0: want at least 1 calendar day (leave it out for 365)"},
		{"min_obs = 0", `type = "propagate"
drivers = { BTC = -0.1 }
symbols = ["ETH"]
day = 40
min_obs = 0`, "min_obs = 0: want at least 1 return (leave it out for 30)"},
		{"volume_mult = nan", `type = "liquidity"
symbols = ["BTC"]
day = 0
days = 3
volume_mult = nan`, "volume_mult = NaN: want a finite multiplier >= 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.toml", head+c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	// At the bound and within it, rates are taken.
	for _, ok := range []string{
		"type = \"funding\"\nsymbols = [\"BTC\"]\nday = 0\ndays = 3\nrate = -0.1",
		"type = \"borrow\"\nsymbols = [\"BTC\"]\nday = 0\ndays = 3\nrate = 2.5", // an annual borrow rate of 250 %
		"type = \"volatility\"\nsymbols = [\"BTC\"]\nrandom = true\ndays = 5\nk = 2.0",
	} {
		if _, err := Parse("x.toml", head+ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// scenarios show and the manifest write every key that differs from
// leaving it out: gap = false (true is the default, shown as such), a
// volume_mult of 0 (volume gone), a rate set to 0; and no key the file
// format lacks (set_rate). Before, gap = false and volume_mult = 0 were
// left out, reading as the default gap and as no volume change, and a
// rate shock showed "set_rate=true".
func TestDescribeShowsWhatDiffers(t *testing.T) {
	s := mustParse(t, `name = "x"
[[shock]]
type = "jump"
symbols = ["BTC"]
day = 0
gap = false
move = -0.1
[[shock]]
type = "liquidity"
symbols = ["BTC"]
day = 0
days = 3
volume_mult = 0.0
[[shock]]
type = "funding"
symbols = ["BTC"]
day = 0
days = 3
rate = 0.0
[[shock]]
type = "borrow"
symbols = ["BTC"]
day = 0
days = 3
mult = 2.0`)
	for k, c := range []struct{ has, lacks string }{
		{"gap=false", ""},
		{"volume_mult=0", ""},
		{"rate=0", "set_rate"},
		{"mult=2", "set_rate"},
	} {
		d := Describe(s.Shocks[k])
		if !strings.Contains(d, c.has) || c.lacks != "" && strings.Contains(d, c.lacks) {
			t.Errorf("shock %d: %q: want %q in it and no %q", k, d, c.has, c.lacks)
		}
	}
	if d := Describe(s.Shocks[1]); strings.Contains(d, "volume_mult=NaN") {
		t.Errorf("%q", d)
	}
}

// A member of a scenario's own [groups] is matched against the panel's
// instruments as the data name them (upper case, no quote currency): a
// member spelt "btc" or "BTC-USD" matched none, and the shocks on the
// group left it out without a word (an experiment's [groups] were
// refused so already).
func TestScenarioGroupMemberSpelling(t *testing.T) {
	const shock = "[[shock]]\ntype = \"jump\"\ngroups = [\"mine\"]\nday = 0\nmove = -0.1\n"
	for _, c := range []struct{ name, groups, want string }{
		{"lower case", `mine = ["BTC", "eth"]`, `groups.mine[1] = "eth": the data name it "ETH" (upper case, without a quote currency): write "ETH"`},
		{"quote currency", `mine = ["RENDER-USD"]`, `groups.mine[0] = "RENDER-USD": the data name it "RENDER"`},
		{"padded", `mine = [" BTC"]`, `groups.mine[0] = " BTC": white space around the symbol`},
		{"empty", `mine = [""]`, `groups.mine[0] = "": an empty symbol`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.toml", "name = \"x\"\n"+shock+"[groups]\n"+c.groups+"\n")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := Parse("x.toml", "name = \"x\"\n"+shock+"[groups]\nmine = [\"BTC\", \"9984.T\", \"^NDX\"]\n"); err != nil {
		t.Errorf("members spelt as the data name them: %v", err)
	}
}
