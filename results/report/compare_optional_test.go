package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// A comparison reads each folder's runs alone (LoadRuns): an optional
// file it does not draw, damaged (stress.csv, prices.parquet and
// attribution.parquet, the copy read before attribution.csv, written over
// with text that is no table of theirs),
// stops the report, which reads it (Load names the file), but not the
// comparison, whose table is the same bytes as before the damage.
func TestCompareReadsNoOptionalFile(t *testing.T) {
	text := `name = "opt"
cash = 100_000.0
start = "2024-01-01"
end = "2024-06-30"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`
	dir := runText(t, text, experiment.Options{Workers: 1}).Dir
	out := t.TempDir()
	table := func(name string) []byte {
		t.Helper()
		path := filepath.Join(out, name+".csv")
		if _, err := CompareWith(context.Background(), []string{dir}, CompareOptions{Outs: []string{path}}); err != nil {
			t.Fatalf("compare: %v", err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := table("before")
	for _, name := range []string{StressFile, PricesFile, strings.TrimSuffix(AttributionFile, ".csv") + ".parquet"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			old, err := os.ReadFile(path)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			defer func() {
				if old == nil {
					os.Remove(path)
				} else if err := os.WriteFile(path, old, 0o644); err != nil {
					t.Fatal(err)
				}
			}()
			if err := os.WriteFile(path, []byte("not,a\n\"table"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("Load = %v, want an error naming %s", err, name)
			}
			if got := table("after"); !bytes.Equal(got, before) {
				t.Errorf("the comparison's table changed:\n%s\nwant\n%s", got, before)
			}
		})
	}
}
