package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A dividend is paid out of the price: one of the close before its
// ex-date or more (an amount in cents, a row under the wrong symbol)
// would take the share below nothing. It is an error naming the row,
// the close it is compared with and its date. The bar before the
// 2024-01-03 ex-date closes at 100 on 01-02; a split dated the ex-date
// applies first (engine.Dividend: the amount is per share after it), so
// under a 2-for-1 the close it is compared with is 100 / 2 = 50. The
// ex-date here is a Saturday in one case: its first bar is Monday's, the
// close before it Friday's.
func TestDividendNotBelowTheCloseRefused(t *testing.T) {
	csv := "date,open,high,low,close,adj_close,volume\n" +
		"2024-01-01,100,100,100,100,100,1000000\n" +
		"2024-01-02,100,100,100,100,100,1000000\n" +
		"2024-01-03,49.5,49.5,49.5,49.5,49.5,1000000\n" +
		"2024-01-04,49.5,49.5,49.5,49.5,49.5,1000000\n" +
		"2024-01-05,80,80,80,80,80,1000000\n" +
		"2024-01-08,80,80,80,80,80,1000000\n"
	cases := []struct {
		name, rows, want string // want "": runs
	}{
		{"below", "[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 0.5\n", ""},
		{"above", "[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 0.5\n[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 150\n",
			"dividends[1].amount = 150: not below A's close of 100 on 2024-01-02, the bar before its ex-date 2024-01-03"},
		{"equal", "[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 100\n", "dividends[0].amount = 100: not below A's close of 100"},
		// 60 is below 100 but not below 100 / 2 after the split.
		{"after a split of its day", "[[splits]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\nratio = 2.0\n[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-03\"\namount = 60\n",
			"dividends[0].amount = 60: not below A's close of 50 (100 on 2024-01-02, split 2-for-1 since)"},
		{"on a Saturday", "[[dividends]]\nsymbol = \"A\"\ndate = \"2024-01-06\"\namount = 80\n",
			"dividends[0].amount = 80: not below A's close of 80 on 2024-01-05, the bar before its ex-date 2024-01-06"},
		// Before the data: already in the prices, never paid, not checked.
		{"before the data", "[[dividends]]\nsymbol = \"A\"\ndate = \"2023-06-01\"\namount = 500\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeText(t, filepath.Join(dir, "data", "A.csv"), csv)
			_, err := runIn(t, dir, `
name = "div check"
cash = 10000.0
prices = "raw"
`+c.rows+`
[data]
dir = "data"
classes = { A = "equity" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["A"]
`)
			switch {
			case c.want == "" && err != nil:
				t.Fatal(err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}
