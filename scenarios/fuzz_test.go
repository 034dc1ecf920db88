package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// FuzzParse: the decoder never panics, its errors stay short, and
// whatever it accepts applies (or fails with an error) without panicking
// and keeps bars consistent. Seeds: the library, the cases below and
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	entries, _ := libraryFS.ReadDir("library")
	for _, e := range entries {
		b, _ := libraryFS.ReadFile("library/" + e.Name())
		f.Add(string(b))
	}
	f.Add("name = \"x\"\n[[shock]]\ntype = \"volatility\"\nsymbols = [\"BTC\"]\nday = 1\ndays = 3\nk = 2\n")
	f.Add("name = \"x\"\n[[shock]]\ntype = \"wick\"\ngroups = [\"majors\"]\ndate = 2025-01-08\nmove = -0.5\nclose = 0.2\n")
	p := panelOf(series("BTC", data.Crypto, seq(20), flat(20, 100)), series("NVDA", data.Equity, weekdays(14), flat(14, 50)))
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse("fuzz.toml", text)
		if err != nil {
			if n := len(err.Error()); n > 4096 {
				t.Fatalf("an error of %d bytes from %d bytes of input: %.300s", n, len(text), err)
			}
			return
		}
		out, _, err := s.Apply(p, nil, ApplyOptions{Source: p})
		if err != nil {
			return
		}
		checkOHLC(t, out, "fuzz")
	})
}
