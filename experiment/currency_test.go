package experiment

import (
	"strings"
	"testing"
)

// A book of instruments quoted in different currencies, as their symbols
// tell (9984.T in yen, BTC-EUR in euros, NVDA in dollars), is said to add
// them up unconverted; one of dollar instruments alone says nothing. (All
// classed crypto here: the files have a bar every day.)
func TestCurrencyNote(t *testing.T) {
	dir := t.TempDir()
	for _, sym := range []string{"NVDA", "9984.T", "BTC-EUR"} {
		dailyCSV(t, dir, sym, "2024-01-01", 40, func(k int) float64 { return 100 + float64(k) })
	}
	for _, c := range []struct {
		symbols, classes, want string
	}{
		{`["NVDA", "9984.T", "BTC-EUR"]`, "NVDA = \"crypto\"\n\"9984.T\" = \"crypto\"\nBTC-EUR = \"crypto\"\n",
			"prices in more than one currency (BTC-EUR in EUR; 9984.T in JPY; NVDA in USD, as their symbols tell): the engine converts none"},
		{`["NVDA"]`, "NVDA = \"crypto\"\n", ""},
	} {
		o, err := runIn(t, dir, `name = "fx"
[data]
dir = "prices"
[data.classes]
`+c.classes+`[[strategy]]
name = "w"
type = "buy-and-hold"
[strategy.params]
symbols = `+c.symbols+`
`)
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(o.Notes, "\n")
		if c.want == "" && strings.Contains(notes, "currency") || c.want != "" && !strings.Contains(notes, c.want) {
			t.Errorf("%s: notes\n%s\nwant %q", c.symbols, notes, c.want)
		}
	}
}
