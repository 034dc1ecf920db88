package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// report, db and compare only read a results folder (db and report
// replace one file of their own in it, by a rename): they share its lock
// with each other, and only a run (a writer) excludes them and is
// excluded by them. A compare holding the folder (lockResults, as
// cmdCompare takes it) lets another compare, a report and a db read it
// at once; a run into the folder meanwhile fails naming the compare as a
// reader (or waits for it, --wait), and goes once it lets go.
func TestReadersShareAFolder(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	reader, err := lockResults(context.Background(), "compare", dir, []string{dir}, &waitFlag{}, io.Discard)
	if err != nil || reader == nil {
		t.Fatalf("first reader: %v, %v", reader, err)
	}
	for _, args := range [][]string{
		{"compare", dir, "--out", filepath.Join(t.TempDir(), "c.csv")},
		{"report", dir, "--wait=0"},
		{"db", dir},
	} {
		t.Run(args[0], func(t *testing.T) {
			if _, _, err := cli(t, args...); err != nil {
				t.Errorf("%s beside a compare of the folder: %v", args[0], err)
			}
		})
	}
	// The holder is this process: pid, start time, "divergence compare DIR".
	who := fmt.Sprintf("pid %d, started ", os.Getpid())
	for _, tc := range []struct {
		name, wait, says string
	}{
		{"no wait", "--wait=0", " is being read by "},
		{"--wait 300ms", "--wait=300ms", " is still being read by "},
	} {
		t.Run("run "+tc.name, func(t *testing.T) {
			_, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db", tc.wait)
			if err == nil {
				t.Fatal("a run replaced the folder a compare was reading")
			}
			msg := err.Error()
			if !strings.Contains(msg, dir+tc.says+who) || !strings.Contains(msg, ", divergence compare "+dir) {
				t.Errorf("got %v\nwant it to say %q, naming %q and the compare", err, dir+tc.says, who)
			}
		})
	}
	// --wait: the run waits for the reader, saying so, and goes once it
	// lets go 300 ms on.
	go func() {
		time.Sleep(300 * time.Millisecond)
		reader.Release()
	}()
	var stdout, stderr lockedBuffer
	start := time.Now()
	if err := run(context.Background(), []string{"run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db", "--wait"}, &stdout, &stderr); err != nil {
		t.Fatalf("run --wait: %v", err)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("run --wait went on after %v, before the compare let go", took)
	}
	if want := dir + " is locked: waiting for " + fmt.Sprintf("pid %d (divergence compare %s) to finish", os.Getpid(), dir); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q\nwant %q", stderr.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Errorf("run --wait: %v", err)
	}
}
