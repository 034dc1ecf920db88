package strategies

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// docs/strategies.md stays true: every Go block appears word for word in
// example_test.go (which compiles and runs as an Example), and every TOML
// block's strategies build through the registry.
func TestStrategiesDoc(t *testing.T) {
	doc, err := os.ReadFile("../docs/strategies.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(go|toml)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	var nGo, nToml int
	for _, b := range blocks {
		switch b[1] {
		case "go":
			nGo++
			if !strings.Contains(string(src), b[2]) {
				t.Errorf("docs/strategies.md has a Go block not in example_test.go:\n%s", b[2])
			}
		case "toml":
			var f struct {
				Strategy []struct {
					Name   string
					Type   string
					Params Params
				}
			}
			if _, err := toml.Decode(b[2], &f); err != nil {
				t.Errorf("TOML block: %v\n%s", err, b[2])
				continue
			}
			for _, s := range f.Strategy {
				nToml++
				if _, err := Builtins().New(s.Type, s.Params); err != nil {
					t.Errorf("strategy %q in docs/strategies.md: %v", s.Name, err)
				}
			}
		}
	}
	if nGo < 8 || nToml < 4 {
		t.Errorf("found %d Go blocks and %d TOML strategies: the doc lost its examples?", nGo, nToml)
	}
}
