package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A transplant's window may start at 1970-01-01, Unix time 0: from = 0
// was taken for a from left out (".from: required"). The source has
// closes 50 (1969-12-31), 40 (1970-01-01), 44 (1970-01-02); the window
// [1970-01-01, 1970-01-03) gives the returns 40/50 = 0.8 and 44/40 = 1.1,
// spliced from day 2 of a flat 100: 100, 100, 80, 88, 88, 88. A from or a
// to left out is still refused.
func TestTransplantFromTheEpoch(t *testing.T) {
	src := panelOf(series("BTC", data.Crypto, seq(3), []float64{50, 40, 44}))
	for k := range src.Series[0].Time {
		src.Series[0].Time[k] = int64(k-1) * data.NanosPerDay
	}
	dst := panelOf(series("BTC", data.Crypto, seq(6), flat(6, 100)))
	s := mustParse(t, `name = "epoch"
[[shock]]
type = "transplant"
symbols = ["BTC"]
from = 1970-01-01
to = 1970-01-03
day = 2`)
	out, _ := mustApply(t, s, dst, ApplyOptions{Source: src})
	for k, w := range []float64{100, 100, 80, 88, 88, 88} {
		near(t, "close", out.Series[0].Close[k], w, 1e-12)
	}
	for _, tc := range []struct{ name, keys, want string }{
		{"from left out", "to = 1970-01-03", "shock[0].from: required"},
		{"to left out", "from = 1970-01-01", "shock[0].to: required"},
		{"to at from", "from = 1970-01-01\nto = 1970-01-01", "shock[0].to = 1970-01-01: not after from = 1970-01-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("test.toml", "name = \"epoch\"\n[[shock]]\ntype = \"transplant\"\nsymbols = [\"BTC\"]\nday = 2\n"+tc.keys)
			wantErr(t, err, tc.want)
		})
	}
}
