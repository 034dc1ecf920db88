package strategies

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// FuzzNew: strategy params, as an experiment file's [strategy.params]
// table, never panic the registry's constructors; an error is short and
// the same built twice. Seeds: the params of every strategy of the
// examples and of docs/strategies.md's TOML blocks. The first argument
// picks the type (by its index in Names, wrapped).
func FuzzNew(f *testing.F) {
	reg := Builtins()
	names := reg.Names()
	var texts []string
	paths, _ := filepath.Glob("../examples/*.toml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			texts = append(texts, string(b))
		}
	}
	if doc, err := os.ReadFile("../docs/strategies.md"); err == nil {
		for _, m := range regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
			texts = append(texts, m[1])
		}
	}
	for _, text := range texts {
		var file struct {
			Strategy []struct {
				Type   string
				Params map[string]any
			}
		}
		if _, err := toml.Decode(text, &file); err != nil {
			continue
		}
		for _, s := range file.Strategy {
			var buf bytes.Buffer
			if err := toml.NewEncoder(&buf).Encode(s.Params); err != nil {
				continue
			}
			for k, n := range names {
				if n == s.Type {
					f.Add(uint8(k), buf.String())
				}
			}
		}
	}
	f.Add(uint8(0), "symbols = [\"BTC\"]\nweights = [1e308]\n")
	f.Add(uint8(1), "long = [\"NVDA\"]\nshort = [\"QQQ\"]\nhedge = \"beta\"\nlookback_days = -1\n")
	f.Fuzz(func(t *testing.T, pick uint8, text string) {
		var p Params
		if _, err := toml.Decode(text, &p); err != nil {
			return
		}
		typ := names[int(pick)%len(names)]
		s, err := reg.New(typ, p)
		_, again := reg.New(typ, p)
		if (err == nil) != (again == nil) || (err != nil && err.Error() != again.Error()) {
			t.Fatalf("built twice: %v, then %v", err, again)
		}
		if err != nil {
			if n := len(err.Error()); n > 4096 {
				t.Fatalf("an error of %d bytes: %.300s", n, err)
			}
			if !strings.HasPrefix(err.Error(), typ+": ") {
				t.Fatalf("error names no type: %v", err)
			}
			return
		}
		if s == nil {
			t.Fatal("no strategy and no error")
		}
	})
}
