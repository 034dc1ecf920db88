package experiment

import (
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The borrow and funding models named in a table are checked as the fee,
// slippage and margin ones are (TestBuiltinModelTablesAreValidated): a
// rate out of its range or not finite, a key the model would ignore, and
// steps out of order are errors naming the table and the key. They were
// taken: rate = -1 paid a short 100 % a year, unavailable = true let
// every short through, and a funding interval of 8 (ns, not hours)
// settled 1e13 times a day.
func TestFinancingModelTablesAreValidated(t *testing.T) {
	const b, fu = "[costs.crypto.borrow]\nmodel = \"borrow\"\n", "[costs.crypto.funding]\nmodel = \"funding\"\n"
	const h8 = "interval = 28800000000000\n" // 8 × 3600 × 1e9 ns
	for _, tc := range []struct{ name, extra, want string }{
		{"negative borrow", b + "rate = -1.0\n", "costs.crypto.borrow: rate = -1: want a finite value >= 0"},
		{"NaN borrow", b + "rate = nan\n", "costs.crypto.borrow: rate = NaN: want a finite value >= 0"},
		{"infinite borrow", "[costs.symbols.NVDA.borrow]\nmodel = \"borrow\"\nrate = inf\n", "costs.symbols.NVDA.borrow: rate = +Inf"},
		{"unavailable in the model", b + "rate = 0.05\nunavailable = true\n", "costs.crypto.borrow: unavailable = true: the borrow model charges the fee only; set borrow_unavailable"},
		{"recall in the model", b + "recallat = 1614556800000000000\n", "costs.crypto.borrow: recallat = 1614556800000000000: the borrow model charges the fee only; set borrow_recall"},
		{"borrow times without rates", b + "times = [1, 2]\n", "costs.crypto.borrow: 2 times but 0 rates"},
		{"borrow times out of order", b + "times = [2, 1]\nrates = [0.01, 0.02]\n", "costs.crypto.borrow: times[1] = 1 is not after times[0] = 2"},
		{"negative borrow step", b + "times = [1]\nrates = [-0.01]\n", "costs.crypto.borrow: rates[0] = -0.01: want an annual rate in [0, 10]"},
		{"borrow year", b + "times = [1]\nrates = [0.01]\nyeardays = 100\n", "costs.crypto.borrow: yeardays = 100: want 0 (ACT/360), or 360 to 366"},
		{"year without steps", b + "rate = 0.05\nyeardays = 365\n", "costs.crypto.borrow: yeardays = 365: the year of the times' rates; there are no times"},
		{"funding rate in percent", fu + "rate = 5.0\n" + h8, "costs.crypto.funding: rate = 5: a rate per settlement (0.0001 = 0.01% per 8 hours); want |rate| <= 0.1"},
		{"NaN funding", fu + "rate = nan\n" + h8, "costs.crypto.funding: rate = NaN"},
		{"interval in hours", fu + "rate = 0.0001\ninterval = 8\n", "costs.crypto.funding: interval = 8: nanoseconds between settlements"},
		{"negative interval", fu + "interval = -28800000000000\n", "costs.crypto.funding: interval = -28800000000000"},
		{"rate with no settlement", fu + "rate = 0.001\n", "costs.crypto.funding: rate = 0.001 with no interval or times: no settlement would pay it"},
		{"funding times without rates", fu + "times = [1, 2]\nrates = [0.0001]\n", "costs.crypto.funding: 2 times but 1 rates"},
		{"funding times out of order", fu + "times = [2, 2]\nrates = [0.0001, 0.0001]\n", "costs.crypto.funding: times[1] = 2 is not after times[0] = 2"},
		{"funding step in percent", fu + "times = [1]\nrates = [1.0]\n", "costs.crypto.funding: rates[0] = 1: a rate per settlement"},
		{"times beside an interval", fu + "times = [1]\nrates = [0.0001]\n" + h8, "costs.crypto.funding: set times and rates, or rate and interval, not both"},
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
	// Sound tables are taken, their values as given.
	for _, tc := range []struct{ name, extra string }{
		{"borrow rate", b + "rate = 0.05\n"},
		{"borrow steps", b + "rate = 0.05\ntimes = [1, 2]\nrates = [0.01, 0.0]\nyeardays = 365\n"},
		{"funding every 8 hours", fu + "rate = -0.0001\n" + h8},
		{"funding at times", fu + "times = [1, 2]\nrates = [0.0001, -0.1]\n"},
		{"a perpetual paying nothing", fu},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("m.toml", costsModelsBase+tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity})); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

// An unknown key in a model's table lists the keys the model takes, and
// only those: the borrow model's list named unavailable and recallat,
// and the slippage model's maxparticipation, keys it refuses when set
// ("set borrow_unavailable in the terms' table", "a volume model") —
// and a misspelling of one was "did you mean" it. The lists below are
// the models' fields (engine.Borrow, engine.Slippage, engine.Funding)
// less those their Validate refuses.
func TestModelTableListsOnlyKeysItTakes(t *testing.T) {
	for _, tc := range []struct{ name, extra, want string }{
		{"borrow", "[costs.crypto.borrow]\nmodel = \"borrow\"\nbogus = 1\n",
			`unknown key costs.crypto.borrow.bogus (known for borrow model "borrow": rate, rates, times, yeardays)`},
		{"borrow misspelt", "[costs.crypto.borrow]\nmodel = \"borrow\"\nunavailabel = true\n",
			`unknown key costs.crypto.borrow.unavailabel (known for borrow model "borrow": rate, rates, times, yeardays)`},
		{"slippage", "[costs.crypto.slippage]\nmodel = \"slippage\"\nbogus = 1\n",
			`unknown key costs.crypto.slippage.bogus (known for slippage model "slippage": bps, impactk, impactwindow, rangefrac, spreadbps)`},
		{"funding", "[costs.crypto.funding]\nmodel = \"funding\"\nbogus = 1\n",
			`unknown key costs.crypto.funding.bogus (known for funding model "funding": interval, rate, rates, times)`},
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
}

// A key of the terms' table written in a model's table (borrow_unavailable
// under [costs.crypto.borrow]) was "unknown key" with the model's keys and
// no word of where it goes; the error now says it is a key of the terms'
// table. A key the model replaces (borrow_rate beside a borrow model) gets
// no such hint: in the terms' table it is refused beside the model, and
// the model's own (rate) is in the list.
func TestModelTableNamesTheTermsKey(t *testing.T) {
	for _, tc := range []struct{ name, extra, want, not string }{
		{"borrow_unavailable", "[costs.crypto.borrow]\nmodel = \"borrow\"\nrate = 0.1\nborrow_unavailable = true\n",
			`unknown key costs.crypto.borrow.borrow_unavailable (known for borrow model "borrow": rate, rates, times, yeardays); borrow_unavailable is a key of the terms' table costs.crypto, beside borrow, not of the borrow model's`, ""},
		{"borrow_recall", "[costs.symbols.NVDA.borrow]\nmodel = \"borrow\"\nborrow_recall = \"2019-06-03\"\n",
			`borrow_recall is a key of the terms' table costs.symbols.NVDA, beside borrow, not of the borrow model's`, ""},
		{"max_participation under slippage", "[costs.equity.slippage]\nmodel = \"slippage\"\nmax_participation = 0.1\n",
			`max_participation is a key of the terms' table costs.equity, beside slippage, not of the slippage model's`, ""},
		{"borrow_rate replaced", "[costs.crypto.borrow]\nmodel = \"borrow\"\nborrow_rate = 0.1\n",
			`unknown key costs.crypto.borrow.borrow_rate (`, "terms' table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("m.toml", costsModelsBase+tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"NVDA": data.Equity}))
			if err == nil || !strings.Contains(err.Error(), tc.want) || tc.not != "" && strings.Contains(err.Error(), tc.not) {
				t.Errorf("%v, want an error with %q (and not %q)", err, tc.want, tc.not)
			}
		})
	}
}
