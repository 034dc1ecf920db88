package scenarios

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseTwice: a scenario file that parses parses the same twice, and
// its description (scenarios show) is the same too and never panics.
// Seeds: the library and docs/scenarios.md's ```toml blocks.
func FuzzParseTwice(f *testing.F) {
	entries, _ := libraryFS.ReadDir("library")
	for _, e := range entries {
		b, _ := libraryFS.ReadFile("library/" + e.Name())
		f.Add(string(b))
	}
	if doc, err := os.ReadFile("../docs/scenarios.md"); err == nil {
		for _, block := range strings.Split(string(doc), "```toml\n")[1:] {
			if end := strings.Index(block, "```"); end > 0 {
				f.Add(block[:end])
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse("fuzz.toml", text)
		if err != nil {
			return
		}
		again, err := Parse("fuzz.toml", text)
		if err != nil || len(again.Shocks) != len(s.Shocks) {
			t.Fatalf("parsed twice: %+v\nthen %+v (%v)", s, again, err)
		}
		// A shock's unset multiplier is NaN (Liquidity.VolumeMult), which
		// DeepEqual finds unequal to itself: shocks compare as printed.
		for k, sh := range s.Shocks {
			if a, b := fmt.Sprintf("%+v", sh), fmt.Sprintf("%+v", again.Shocks[k]); a != b {
				t.Fatalf("shock %d parsed twice: %s, then %s", k, a, b)
			}
			if a, b := Describe(sh), Describe(again.Shocks[k]); a != b {
				t.Fatalf("shock %d described twice: %q, then %q", k, a, b)
			}
		}
		one, two := *s, *again
		one.Shocks, two.Shocks = nil, nil
		if !reflect.DeepEqual(one, two) {
			t.Fatalf("parsed twice: %+v\nthen %+v", one, two)
		}
	})
}
