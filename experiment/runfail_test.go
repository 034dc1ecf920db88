package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/strategies"
)

// failAt fails its run at bar `at`, and buys nothing.
type failAt struct{ at, bar int64 }

func (s *failAt) OnBar(_ *engine.Context, _ *engine.Slice) error {
	s.bar++
	if s.bar == s.at {
		return fmt.Errorf("bar %d: it fails here", s.bar)
	}
	return nil
}

// A run that fails while it runs fails the experiment with its key and
// error, and leaves no results folder, with or without the report and the
// database, with fewer runs than the equity chart draws or more, on one
// worker or two.
func TestRunFailsMidway(t *testing.T) {
	reg := strategies.Builtins()
	reg["fail-at"] = strategies.Factory{Name: "fail-at", New: func(p strategies.Params) (engine.Strategy, error) {
		at, _ := p["at"].(int64)
		return &failAt{at: at}, nil
	}}
	for _, runs := range []int{4, maxLines + 3} {
		values := make([]string, runs)
		for i := range values {
			values[i] = fmt.Sprint(100_000 + i) // past the last bar: never fails
		}
		values[2] = "30" // the run fail-at--at=30 fails at its 30th bar
		for _, report := range []bool{false, true} {
			for _, workers := range []int{1, 2} {
				t.Run(fmt.Sprintf("runs=%d/report=%v/workers=%d", runs, report, workers), func(t *testing.T) {
					f, err := Parse("fail.toml", `
name = "fail"
cash = 10000.0
start = "2021-01-04"
end = "2021-07-01"
[data]
synthetic = true
symbols = ["BTC"]
[[strategy]]
name = "fail-at"
type = "fail-at"
[strategy.sweep]
at = [`+strings.Join(values, ", ")+`]
`)
					if err != nil {
						t.Fatal(err)
					}
					out := t.TempDir()
					opt := Options{Strategies: reg, Out: out, Workers: workers}
					if report {
						opt.Report, opt.Database = reportHTML, resultsDB
					}
					_, err = Run(context.Background(), f, opt)
					if err == nil || !strings.Contains(err.Error(), "fails here") || !strings.Contains(err.Error(), "at=30") {
						t.Fatalf("Run: %v, want the failing run's key and error", err)
					}
					noOutput(t, out) // only the folder's lock file stays (see lock.go)
					if _, err := os.Stat(filepath.Join(out, "fail")); !os.IsNotExist(err) {
						t.Errorf("results folder: %v", err)
					}
				})
			}
		}
	}
}

// An experiment whose strategies name no instrument, with no
// data.symbols, is refused with a message that says so.
func TestNoInstrument(t *testing.T) {
	reg := strategies.Builtins()
	reg["idle"] = strategies.Factory{Name: "idle", New: func(strategies.Params) (engine.Strategy, error) { return &failAt{}, nil }}
	f, err := Parse("idle.toml", `
name = "idle"
cash = 10000.0
[data]
synthetic = true
[[strategy]]
name = "idle"
type = "idle"
`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Strategies: reg, Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "names no instrument") || !strings.Contains(err.Error(), "data.symbols") {
		t.Fatalf("Run: %v", err)
	}
}
