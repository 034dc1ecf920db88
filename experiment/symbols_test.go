package experiment

import (
	"path/filepath"
	"strings"
	"testing"
)

// An empty symbol, or one padded with white space, in data.symbols, in
// benchmarks or in a strategy's basket is refused naming the key or the
// run, before any data is looked for: it used to reach the file search
// and fail as `data.dir: no price file for symbol "" in d (tried [.csv
// .csv.gz -USD.csv …])`, naming no key. Nothing is written.
func TestSymbolEmptyOrPadded(t *testing.T) {
	exp := func(top, data, short string) string {
		return `name = "symbols"
start = "2020-01-01"
end = "2020-03-01"
` + top + `
[data]
synthetic = true
` + data + `
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = [` + short + `]
`
	}
	cases := []struct {
		name, text string
		want       []string
	}{
		{"data.symbols empty", exp("", `symbols = ["QQQ", ""]`, `"TAO"`), []string{`data.symbols[1] = "": an empty symbol`}},
		{"data.symbols blank", exp("", `symbols = ["  "]`, `"TAO"`), []string{`data.symbols[0] = "  ": an empty symbol`}},
		{"data.symbols padded", exp("", `symbols = ["QQQ "]`, `"TAO"`), []string{`data.symbols[0] = "QQQ ": white space around the symbol (want "QQQ")`}},
		{"benchmarks empty", exp(`benchmarks = [""]`, "", `"TAO"`), []string{`benchmarks[0] = "": an empty symbol`}},
		{"benchmarks padded", exp(`benchmarks = [" QQQ"]`, "", `"TAO"`), []string{`benchmarks[0] = " QQQ": white space around the symbol (want "QQQ")`}},
		// Refused by pair-hedge itself, naming the key.
		{"basket empty", exp("", "", `""`), []string{`strategy[0] (hedge), run hedge: pair-hedge: short[0]: empty symbol`}},
		{"basket padded", exp("", "", `" TAO"`), []string{`run hedge: symbol " TAO" in strategy "hedge"'s params: white space around the symbol (want "TAO")`}},
		// The readers name instruments canonically: "tao" found the file
		// and then no instrument of that name; "TAO", "tao" read one file
		// twice ("… both give symbol").
		{"basket lower case", exp("", "", `"tao"`), []string{`run hedge: symbol "tao" in strategy "hedge"'s params: the data name it "TAO" (upper case, without a quote currency): write "TAO"`}},
		{"basket twice in two cases", exp("", "", `"TAO", "tao"`), []string{`symbol "tao" in strategy "hedge"'s params: the data name it "TAO"`}},
		{"basket with its quote currency", exp("", "", `"TAO-USD"`), []string{`symbol "TAO-USD" in strategy "hedge"'s params: the data name it "TAO"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := runIn(t, dir, tc.text)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "no price file") {
				t.Errorf("error %q reached the file search", err)
			}
			noOutput(t, filepath.Join(dir, "out"))
		})
	}
}

// data.symbols are read as the readers name instruments: "nvda" beside a
// strategy's "NVDA" is one instrument, read once (it was read twice and
// refused: "… both give symbol").
func TestDataSymbolsCanonical(t *testing.T) {
	dir := t.TempDir()
	o, err := runIn(t, dir, `name = "symbols"
start = "2020-01-01"
end = "2020-03-01"
[data]
synthetic = true
symbols = ["nvda", "tao-usd"]
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(o.Panel.Symbols(), ","); got != "NVDA,TAO" {
		t.Errorf("instruments %s, want NVDA,TAO", got)
	}
}
