package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A shock on a Monte Carlo path reads the path's own cash dividends
// (those of the source dates it draws, which the engine pays there). A's
// raw close falls 1 % on every fifth date, an ex-date of 1 % of the
// close before, and is flat otherwise (adj_close flat): the holder's
// return is 1 on every bar, of the history and of every path. A
// volatility regime (k = 2 around the window's mean) and a replay of the
// history (the holder's returns, all 1) over the rest of the path
// change no holder's return: a path bar that draws an ex-date still
// falls by the dividend paid there, and a buy-and-hold without costs
// ends every path at its cash, 10,000. The shock read a drawn ex-date's
// fall as a move (the regime doubled it, 2 %, with the dividend paid at
// 1 %), and the replay laid a return of 1 on it with no fall while the
// engine paid the dividend.
func TestMonteCarloShockReadsPathDividends(t *testing.T) {
	for _, c := range []struct{ name, shock string }{
		{"volatility", "type = \"volatility\"\nsymbols = [\"A\"]\nday = 0\ndays = 60\nk = 2\n"},
		{"replay", "type = \"transplant\"\nsymbols = [\"A\"]\nday = 0\nfrom = 2024-01-05\nto = 2024-03-10\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("date,open,high,low,close,adj_close,volume\n")
			v := 100.0
			for k := range 80 {
				if k > 0 && k%5 == 0 {
					v *= 0.99
				}
				day := data.FormatDay(data.Day(2024, 1, 1) + int64(k)*data.NanosPerDay)
				fmt.Fprintf(&b, "%s,%.10g,%.10g,%.10g,%.10g,50,1000000\n", day, v, v, v, v)
			}
			if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeText(t, filepath.Join(dir, "data", "A.csv"), b.String())
			writeText(t, filepath.Join(dir, "shock.toml"), "name = \"shock\"\n[[shock]]\n"+c.shock)
			writeText(t, filepath.Join(dir, "x.toml"), `name = "mc dividends"
cash = 10000.0
commission_bps = 0.0
prices = "raw"
dividends_from = "adj_close"
[data]
dir = "data"
classes = { A = "equity" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
[montecarlo]
paths = 6
days = 40
mean_block = 5
shock = "shock.toml"
shock_probability = 1.0
`)
			f, err := Load(filepath.Join(dir, "x.toml"))
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			final := make([]float64, 6)
			o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true, onPath: func(_, p int, eq []float64) {
				mu.Lock()
				defer mu.Unlock()
				final[p] = eq[len(eq)-1]
			}})
			if err != nil {
				t.Fatal(err)
			}
			for p, e := range final {
				if math.Abs(e-10000) > 1e-6 {
					t.Errorf("path %d (shocked %v) ends at %.9f, want 10000", p, o.MonteCarlo[0].Shocked[p], e)
				}
			}
		})
	}
}
