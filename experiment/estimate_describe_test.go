package experiment

import (
	"errors"
	"strings"
	"testing"
)

// mcFileEstimate is the estimate, from the file alone, of an experiment
// of 1,000 Monte Carlo paths of 365 days.
func mcFileEstimate(t *testing.T) Estimate {
	t.Helper()
	f, err := Parse("mc.toml", minimal+"[montecarlo]\npaths = 1000\ndays = 365\n")
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Estimate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A refusal before the data are loaded (here for the run count) knows
// only Monte Carlo's share of the memory and disk: it must say so, not
// give that share as the experiment's estimate. The demo refused with
// --max-runs 10 said "about 3.4 MB of memory and 698.5 KB on disk", and
// with --max-memory 50M, once loaded, "about 154.2 MB".
//
// 1 point × 1,000 paths of 365 days, the paths kept exactly (1,000 ≤
// DefaultExactPaths), 10 bytes a value with append's slack: 1,000 × 365
// × 10 = 3,650,000 bytes of bands and 1,000 × 64 = 64,000 of figures,
// 3,714,000 bytes = 3.54 MiB ("3.5 MB").
func TestEstimateBeforeDataSaysItIsPartial(t *testing.T) {
	e := mcFileEstimate(t)
	if e.Memory != 3_714_000 {
		t.Fatalf("memory %d, want 3,714,000", e.Memory)
	}
	err := Limits{MaxRuns: 10}.check("mc", e)
	var ee *EstimateError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an estimate error", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "about 3.5 MB of memory") {
		t.Errorf("%q gives Monte Carlo's share as the estimate", msg)
	}
	if !strings.Contains(msg, "at least 3.5 MB of memory") || !strings.Contains(msg, "before the data are loaded") {
		t.Errorf("%q does not say the figures are Monte Carlo's share, before the data are loaded", msg)
	}
}

// The refusal's own figures say the same: a memory limit passed before
// the data are loaded is passed by at least Monte Carlo's share (the
// figure of TestEstimateBeforeDataSaysItIsPartial: 1,000 × 365 × 10 +
// 1,000 × 64 = 3,714,000 bytes = 3.54 MiB, "3.5 MB"), not by "an
// estimated" 3.5 MB; once the data are loaded the
// whole estimate is "an estimated" figure.
func TestRefusalBeforeDataSaysAtLeast(t *testing.T) {
	e := mcFileEstimate(t)
	msg := Limits{MaxRuns: -1, MaxMemory: 1 << 20}.check("mc", e).Error()
	if !strings.Contains(msg, `too large: at least 3.5 MB of memory (limit 1.0 MB)`) {
		t.Errorf("before the data: %q", msg)
	}
	e.Steps = 2520
	msg = Limits{MaxRuns: -1, MaxMemory: 1 << 20}.check("mc", e).Error()
	if !strings.Contains(msg, `too large: an estimated 3.5 MB of memory (limit 1.0 MB)`) {
		t.Errorf("with the data: %q", msg)
	}
}
