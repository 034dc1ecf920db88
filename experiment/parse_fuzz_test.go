package experiment

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/strategies"
)

// FuzzRunChecks: an experiment file goes through what Run checks before
// it loads data (Validate, the estimate with Run's default options, the
// limits, the output folder check, the runs' strategies built from the
// registry) without panicking; whatever parses parses the same twice
// (the File, and its runs' keys). Seeds: the test files, the examples
// and the ```toml blocks of docs/*.md and README.md.
func FuzzRunChecks(f *testing.F) {
	for _, glob := range []string{"testdata/*.toml", "../examples/*.toml"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	docs, _ := filepath.Glob("../docs/*.md")
	for _, p := range append(docs, "../README.md") {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, block := range strings.Split(string(b), "```toml\n")[1:] {
			if end := strings.Index(block, "```"); end > 0 && strings.Contains(block[:end], "name") {
				f.Add(block[:end])
			}
		}
	}
	reg := strategies.Builtins()
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("fuzz.toml", text)
		if err != nil {
			return
		}
		again, err := Parse("fuzz.toml", text)
		if err != nil || !reflect.DeepEqual(file, again) {
			t.Fatalf("parsed twice: %+v\nthen %+v (%v)", file, again, err)
		}
		if err := file.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate refuses: %v", err)
		}
		opt := Options{Workers: 2, Out: t.TempDir()}.withDefaults()
		est, err := file.Estimate(opt)
		if err != nil {
			return
		}
		if err := opt.Limits.check(file.Name, est.share(nil)); err != nil {
			return
		}
		_ = file.checkOutside(opt.Out, "fuzz")
		if est.Points > 1000 {
			return
		}
		specs, err := file.Runs(reg)
		specs2, err2 := again.Runs(reg)
		if (err == nil) != (err2 == nil) || len(specs) != len(specs2) {
			t.Fatalf("runs twice: %d (%v), then %d (%v)", len(specs), err, len(specs2), err2)
		}
		for k := range specs {
			if specs[k].Key != specs2[k].Key {
				t.Fatalf("run %d: key %q, then %q", k, specs[k].Key, specs2[k].Key)
			}
		}
	})
}
