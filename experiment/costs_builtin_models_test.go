package experiment

import (
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
