package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Readers share a folder's lock, each naming itself in the lock file; a
// writer is refused naming every reader, a reader is refused naming the
// writer; lockHolder (merge's "being written") counts writers only.
func TestReadersShareWritersExclude(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	// The readers name a live process (this one), started before their
	// lines were written: a line naming a process gone is dropped
	// (liveHolders).
	started := time.Now().UTC().Format(time.RFC3339)
	a := fmt.Sprintf("pid %d, started %s, divergence compare x", os.Getpid(), started)
	b := fmt.Sprintf("pid %d, started %s, divergence report x", os.Getpid(), started)
	const w = "pid 13, started 2025-06-01T10:00:02Z, divergence run e.toml"
	text := func() string {
		t.Helper()
		got, err := os.ReadFile(filepath.Join(out, ".x.lock"))
		if err != nil {
			t.Fatal(err)
		}
		return string(got)
	}
	ra, err := ReadLockDirUpTo(ctx, out, "x", a, nil, 0)
	if err != nil {
		t.Fatalf("first reader: %v", err)
	}
	rb, err := ReadLockDirUpTo(ctx, out, "x", b, nil, 0)
	if err != nil {
		t.Fatalf("second reader beside the first: %v", err)
	}
	if got := text(); got != a+"\n"+b+"\n" {
		t.Errorf("lock file %q, want both readers' lines", got)
	}
	if h, held := lockHolder(out, "x"); held {
		t.Errorf("lockHolder says a writer (%s) while only readers hold it", h)
	}
	_, err = LockDir(ctx, out, "x", w, nil)
	var le *LockedError
	if !errors.As(err, &le) || !le.Read || le.Holder != a+"; "+b {
		t.Fatalf("writer beside two readers: %v (%+v), want a LockedError naming both readers", err, le)
	}
	if want := "d is being read by " + a + "; " + b + ": wait for it (--wait)"; le.Says("d") != want {
		t.Errorf("says %q\nwant %q", le.Says("d"), want)
	}
	if want := fmt.Sprintf("d is locked: waiting for pid %d (divergence compare x) and pid %d (divergence report x) to finish", os.Getpid(), os.Getpid()); waitingLine("d", text()) != want {
		t.Errorf("waiting line %q\nwant %q", waitingLine("d", text()), want)
	}
	// The first reader lets go: the second alone is named.
	ra.Release()
	if got := text(); got != b+"\n" {
		t.Errorf("after the first reader let go: lock file %q, want %q", got, b+"\n")
	}
	// A reader killed meanwhile left its line: the last reader out clears it.
	if f, err := os.OpenFile(filepath.Join(out, ".x.lock"), os.O_WRONLY|os.O_APPEND, 0); err == nil {
		f.WriteString("pid 99, a reader killed\n")
		f.Close()
	}
	rb.Release()
	if got := text(); got != "" {
		t.Errorf("after every reader let go: lock file %q, want it empty", got)
	}
	// A writer now goes; a reader is refused naming it.
	wl, err := LockDir(ctx, out, "x", w, nil)
	if err != nil {
		t.Fatalf("writer after the readers: %v", err)
	}
	_, err = ReadLockDirUpTo(ctx, out, "x", a, nil, 0)
	if !errors.As(err, &le) || le.Read || le.Holder != w {
		t.Fatalf("reader beside a writer: %v (%+v), want a LockedError naming the writer", err, le)
	}
	if !strings.Contains(err.Error(), "is being written by "+w) {
		t.Errorf("reader beside a writer: %v", err)
	}
	if h, held := lockHolder(out, "x"); !held || h != w {
		t.Errorf("lockHolder = %q, %v while a writer holds it", h, held)
	}
	wl.Release()
	if got := text(); got != "" {
		t.Errorf("after the writer let go: lock file %q", got)
	}
}

// Readers taking and letting go of one folder's lock at once never refuse
// each other: the last reader out holds the lock exclusively for a moment
// (to clear the text), which a reader coming in must not take for a run.
func TestReadersComingAndGoing(t *testing.T) {
	out := t.TempDir()
	const n, rounds = 4, 300
	errs := make(chan error, n)
	for g := range n {
		go func() {
			for k := range rounds {
				l, err := ReadLockDirUpTo(context.Background(), out, "x", fmt.Sprintf("pid %d, reader %d", 100+g, k), nil, 0)
				if err != nil {
					errs <- err
					return
				}
				l.Release()
			}
			errs <- nil
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("a reader was refused beside readers only: %v", err)
		}
	}
}
