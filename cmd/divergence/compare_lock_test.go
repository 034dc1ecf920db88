package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
)

// compare reads a folder under its lock, as report and db do: a run
// replaces its folder by two renames (the old one aside, then the new one
// in) under the lock, so a compare reading meanwhile found no folder, or
// read the manifest of one results and the runs of the other. While a run
// holds a folder, compare fails at once naming it (or waits, --wait) and
// writes nothing; once the run is done it reads the folder, and it lets
// go of each lock when it has read the folder: a run into it then goes.
func TestCompareWaitsForARun(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db"); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", other, "--no-report", "--no-db"); err != nil {
		t.Fatal(err)
	}
	dir, dir2 := filepath.Join(out, "small-synthetic"), filepath.Join(other, "small-synthetic")
	const holder = "pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x"
	written := func() bool {
		m, _ := filepath.Glob(filepath.Join(out, "compare-*"))
		return len(m) > 0
	}
	// The second folder held: the first is read (and let go), then the
	// second refused.
	l2, err := experiment.LockDir(context.Background(), other, "small-synthetic", holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = cli(t, "compare", dir, dir2)
	if want := "compare: " + dir2 + " is being written by " + holder + ": wait for it (--wait)"; err == nil || err.Error() != want {
		t.Errorf("second folder held: got %v\nwant %s", err, want)
	}
	l2.Release()
	l, err := experiment.LockDir(context.Background(), out, "small-synthetic", holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no wait", []string{"compare", dir}, "compare: " + dir + " is being written by " + holder + ": wait for it (--wait)"},
		{"--wait 300ms", []string{"compare", dir, "--wait", "300ms"}, "compare: " + dir + " is still being written by " + holder + " after a wait of 300ms: wait longer (--wait)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, tc.args, &stdout, &stderr)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v\nwant %s", err, tc.want)
			}
			if written() {
				t.Error("compare wrote its files from a folder a run was writing")
			}
		})
	}
	// Between the run's two renames the folder is missing: compare says
	// the run holds it (not "no such folder"), and waits for it.
	aside := filepath.Join(out, ".small-synthetic.old-1")
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	_, _, err = cli(t, "compare", dir)
	if want := "compare: " + dir + " is being written by " + holder + ": wait for it (--wait)"; err == nil || err.Error() != want {
		t.Errorf("folder moved aside: got %v\nwant %s", err, want)
	}
	// --wait: the run puts the folder in place and lets go 300 ms on,
	// and compare goes on then.
	go func() {
		time.Sleep(300 * time.Millisecond)
		os.Rename(aside, dir)
		l.Release()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	if err := run(ctx, []string{"compare", dir, "--wait"}, &stdout, &stderr); err != nil {
		t.Fatalf("compare --wait: %v", err)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("compare --wait went on after %v, before the run let go", took)
	}
	if !strings.Contains(stderr.String(), dir+" is locked: waiting for pid 4242 (divergence run small.toml --out x) to finish") {
		t.Errorf("stderr %q does not say it waits", stderr.String())
	}
	if !written() {
		t.Error("compare --wait wrote nothing")
	}
	// compare let go: a run into the folder goes at once.
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db", "--wait=0"); err != nil {
		t.Errorf("run after compare: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Error(err)
	}
}
