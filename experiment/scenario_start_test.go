package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// scenarioExperiment writes AAA's 120 daily bars from 2025-01-01 and an
// experiment holding it under an inline jump of −30% at day 0, with extra
// TOML lines, and runs it.
func scenarioExperiment(t *testing.T, extra string) *Outcome {
	return scenarioAt(t, extra, "day = 0")
}

// scenarioAt is scenarioExperiment with the jump placed by timing.
func scenarioAt(t *testing.T, extra, timing string) *Outcome {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for k := 0; k < 120; k++ {
		c := 100 + float64(k%9) - float64(k%4)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", data.FormatDay(data.Day(2025, 1, 1)+int64(k)*data.NanosPerDay), c, c+1, c-1, c)
	}
	os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644)
	path := filepath.Join(dir, "x.toml")
	os.WriteFile(path, []byte(`name = "x"
cash = 100_000.0
`+extra+`
[data]
dir = "."
[data.classes]
AAA = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
[[scenario]]
name = "crash"
[[scenario.shock]]
type = "jump"
symbols = ["AAA"]
`+timing+`
move = -0.3
`), 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Release)
	return o
}

// TestScenarioStartBeforeTheData: with start before the data and no
// scenario_start, day 0 was 30 days after start, before every bar: the
// jump scaled the whole history alike and no run changed (pnl vs baseline
// 0 for a 30% crash). Day 0 is now 30 days after the first bar, where the
// holding loses 30% of its value: the crash run ends below the baseline by
// 0.3 × the baseline's position at the end (quantity × last close).
func TestScenarioStartBeforeTheData(t *testing.T) {
	o := scenarioExperiment(t, `start = "2024-11-01"`)
	var base, crash *RunResult
	for i := range o.Runs {
		switch o.Runs[i].Key {
		case "hold":
			base = &o.Runs[i]
		case "hold@crash":
			crash = &o.Runs[i]
		}
	}
	if base == nil || crash == nil {
		t.Fatalf("runs %v", o.Runs)
	}
	// The baseline's position at the end, quantity × last close, is its
	// gross exposure then.
	eb, ec := base.Result.Curve.Equity, crash.Result.Curve.Equity
	held := base.Result.Curve.Gross[len(eb)-1]
	want := -0.3 * held
	if got := ec[len(ec)-1] - eb[len(eb)-1]; held <= 0 || math.Abs(got-want) > 1e-6 {
		t.Errorf("crash − baseline = %.6f, want −0.3 × %g = %.6f", got, held, want)
	}
}

// TestScenarioRunsBenchmarkShocked: a run holding AAA, benchmarked on
// AAA, under a scenario that shocks AAA: its beta and correlation against
// the benchmark are 1 (the same moves, less the cash left over), where
// the unshocked benchmark gave a beta and correlation of the crash
// against a quiet day.
func TestScenarioRunsBenchmarkShocked(t *testing.T) {
	o := scenarioExperiment(t, "benchmarks = [\"AAA\"]")
	for _, r := range o.Runs {
		raw, ok := r.Metrics.Benchmarks["AAA"]
		if !ok {
			t.Fatalf("%s: no benchmark AAA", r.Key)
		}
		var m struct{ Beta, Correlation float64 }
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.Correlation-1) > 1e-3 || math.Abs(m.Beta-1) > 0.01 {
			t.Errorf("%s: beta %g, correlation %g against AAA; want 1 and 1", r.Key, m.Beta, m.Correlation)
		}
	}
}

// TestShockDatedBeforeTheRunsStart: a jump dated before start moves only
// the history the strategies warm up on; its runs equal the baseline's,
// and a note says why, as it does for an early scenario_start.
func TestShockDatedBeforeTheRunsStart(t *testing.T) {
	o := scenarioAt(t, `start = "2025-02-01"`, "date = 2025-01-10")
	want := "scenario crash: shock[0] (jump) is dated 2025-01-10, before the runs start (2025-02-01)"
	for _, n := range o.Notes {
		if strings.Contains(n, want) {
			return
		}
	}
	t.Errorf("notes %q, want %q", o.Notes, want)
}

// flatRunError runs an experiment of head's keys (the %q in it is the
// data folder) holding AAA, 60 flat daily bars from 2025-01-01, and
// returns the error of its parse or run.
func flatRunError(t *testing.T, head string) error {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for k := 0; k < 60; k++ {
		fmt.Fprintf(&b, "%s,100,101,99,100,1000\n", data.FormatDay(data.Day(2025, 1, 1)+int64(k)*data.NanosPerDay))
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(head, dir) + "[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\"]\n"
	f, err := Parse(filepath.Join(dir, "x.toml"), text)
	if err == nil {
		_, err = Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1})
	}
	return err
}

// TestScenarioStartAfterTheData: a scenario_start after the data was
// reported as shock[0].day, a key the user never wrote; it names itself.
func TestScenarioStartAfterTheData(t *testing.T) {
	err := flatRunError(t, "name = \"x\"\nscenario_start = \"2026-01-01\"\nscenarios = [\"ai-crypto-selloff\"]\n[data]\ndir = %q\n[data.classes]\nAAA = \"crypto\"\n")
	if want := "scenario_start = 2026-01-01 is after the data (last bar 2025-03-01)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestSplitRatioNamed: a split's ratio of 0 on raw prices was reported by
// the price check ("not by about 1/0"); it names the key.
func TestSplitRatioNamed(t *testing.T) {
	err := flatRunError(t, "name = \"x\"\nprices = \"raw\"\n[data]\ndir = %q\n[[splits]]\nsymbol = \"AAA\"\ndate = \"2025-02-01\"\nratio = 0.0\n")
	if want := "splits[0].ratio = 0: want > 0"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestScenarioStartWithoutScenarios: scenario_start in an experiment with
// no scenario is noted by divergence run (it places the library's only
// under divergence stress), and not by divergence stress, which uses it.
func TestScenarioStartWithoutScenarios(t *testing.T) {
	f, err := Parse("x.toml", `name = "x"
start = "2019-03-01"
end = "2019-09-01"
scenario_start = "2019-04-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`)
	if err != nil {
		t.Fatal(err)
	}
	want := "scenario_start = 2019-04-01: the experiment has no scenario for it to place (scenarios, [[scenario]]); divergence stress places the library's from it"
	if got := notesWith(t, f, "scenario_start"); strings.Join(got, "\n") != want {
		t.Errorf("run: notes %q, want %q", got, want)
	}
	out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true, Stress: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range out.Notes {
		if strings.Contains(n, "no scenario for it to place") {
			t.Errorf("stress: %q", n)
		}
	}
}
