package main

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// gcPercent reads the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// The report (or the database) lowers the collector's target to outputGC
// when it starts, once; the restore puts the earlier target back. A GOGC
// the user set is left alone, and --no-report lowers nothing.
func TestOutputsLowerTheGCTarget(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)

	var opt experiment.Options
	restore := withOutputs(&opt, false, false)
	if opt.Report == nil || opt.Database == nil {
		t.Fatal("withOutputs set no report or database")
	}
	// An empty folder: the writers fail, after lowering the target.
	dir := t.TempDir()
	_ = opt.Database(context.Background(), dir, nil, nil, nil)
	if got := gcPercent(); got != outputGC {
		t.Errorf("target %d while the outputs are made, want %d", got, outputGC)
	}
	_ = opt.Report(context.Background(), experiment.ReportInput{Dir: dir})
	if got := gcPercent(); got != outputGC {
		t.Errorf("target %d after the second writer started, want %d", got, outputGC)
	}
	restore()
	if got := gcPercent(); got != 137 {
		t.Errorf("target %d after the restore, want the earlier 137", got)
	}

	t.Setenv("GOGC", "137")
	opt = experiment.Options{}
	restore = withOutputs(&opt, false, false)
	_ = opt.Database(context.Background(), dir, nil, nil, nil)
	if got := gcPercent(); got != 137 {
		t.Errorf("GOGC set: target %d, want the user's 137", got)
	}
	restore()

	opt = experiment.Options{}
	withOutputs(&opt, true, false)()
	if opt.Report != nil || opt.Database != nil {
		t.Error("--no-report set a writer")
	}
}
