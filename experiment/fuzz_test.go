package experiment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/divergence-research/divergence/strategies"
)

// FuzzParse: the experiment decoder never panics, its errors stay short
// (a bounded list of unknown keys, clipped values), and whatever it
// accepts can be estimated and expanded into runs without panicking. The
// seed corpus is testdata/fuzz/FuzzParse (the test and example files and
// hostile cases); `make fuzz` runs it longer.
func FuzzParse(f *testing.F) {
	for _, glob := range []string{"testdata/*.toml", "../examples/*.toml"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	f.Add(minimal + "[[scenario]]\nname = \"s\"\n[[scenario.shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 1\nmove = -0.2\n")
	f.Add(minimal + "[strategy.sweep]\nsymbols = [[\"BTC\"], [\"ETH\"]]\n")
	reg := strategies.Builtins()
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("fuzz.toml", text)
		if err != nil {
			if n := len(err.Error()); n > 4096 {
				t.Fatalf("an error of %d bytes from %d bytes of input: %.300s", n, len(text), err)
			}
			return
		}
		for _, stress := range []bool{false, true} {
			e, err := file.Estimate(Options{Stress: stress, Workers: 2})
			if err != nil {
				t.Fatalf("accepted, then Estimate: %v", err)
			}
			if e.Runs < e.Points || e.Views < 1 {
				t.Fatalf("estimate %+v", e)
			}
		}
		if e, _ := file.Estimate(Options{Workers: 2}); e.Points <= 10_000 {
			specs, err := file.Runs(reg)
			if err == nil && len(specs) != e.Points {
				t.Fatalf("%d runs, estimated %d", len(specs), e.Points)
			}
		}
		file.settings()
	})
}
