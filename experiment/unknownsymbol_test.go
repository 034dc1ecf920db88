package experiment

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data/duckdb"
)

// A symbol a strategy asks for that the data do not hold is refused
// naming the strategy and the parameter that asked for it, whatever the
// source; on the synthetic market with the symbol likely meant. The error
// named the symbol alone ("data: unknown symbol "RENDR" (have [...])"),
// and in an experiment of several strategies and sweeps the user had to
// search the file for it.
func TestUnknownSymbolNamesTheStrategy(t *testing.T) {
	dir := t.TempDir()
	for _, s := range []string{"AAA", "BBB", "RENDER"} {
		dailyCSV(t, dir, s, "2024-01-01", 30, func(k int) float64 { return 100 + float64(k%3) })
	}
	cat, err := duckdb.OpenCatalog(filepath.Join(dir, "cat.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Import(context.Background(), []string{filepath.Join(dir, "prices", "AAA.csv"), filepath.Join(dir, "prices", "RENDER.csv")}, duckdb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	hedge := `
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]

[[strategy]]
name = "the hedge"
type = "pair-hedge"
[strategy.params]
long = ["AAA"]
short = ["BBB", "RENDR"]
`
	weights := `
[[strategy]]
name = "basket"
type = "weights"
[strategy.params]
weights = { AAA = 0.5, RENDR = 0.5 }
`
	for _, c := range []struct {
		name, data, strategies string
		want                   []string
	}{
		{"synthetic", "synthetic = true\n", strings.ReplaceAll(strings.ReplaceAll(hedge, "AAA", "MSFT"), "BBB", "TAO"),
			[]string{`strategy "the hedge" asks for "RENDR" (short[1]), which the data do not hold; did you mean "RENDER"?`, `unknown symbol "RENDR"`}},
		{"folder", `dir = "prices"` + "\n", hedge,
			[]string{`strategy "the hedge" asks for "RENDR" (short[1]), which the data do not hold: `, `no price file for symbol "RENDR"`, `did you mean "RENDER"`}},
		{"catalog", `catalog = "cat.duckdb"` + "\n", weights,
			[]string{`strategy "basket" asks for "RENDR" (weights.RENDR), which the data do not hold; did you mean "RENDER"?`, `has no instrument "RENDR"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runIn(t, dir, "name = \"x\"\n[data]\n"+c.data+c.strategies)
			if err == nil {
				t.Fatal("ran with a symbol the data do not hold")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}
