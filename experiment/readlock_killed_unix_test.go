//go:build unix

package experiment

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHoldReadLockHelper is not a test: run by TestKilledReaderNotNamed in
// a child process, it takes the reader's lock of the folder x in the
// folder named by DIVERGENCE_TEST_HOLD_READ_LOCK, naming itself as
// cmd/divergence does (pid, start time, command), writes its line on
// stdout, and holds the lock until killed.
func TestHoldReadLockHelper(t *testing.T) {
	out := os.Getenv("DIVERGENCE_TEST_HOLD_READ_LOCK")
	if out == "" {
		t.Skip("helper process only")
	}
	line := fmt.Sprintf("pid %d, started %s, divergence report x", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if _, err := ReadLockDirUpTo(context.Background(), out, "x", line, nil, 0); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(line + "\n")
	select {} // until killed
}

// killedReader starts a child process that reads out/x (holds its lock
// shared, its line in the lock file), kills it with SIGKILL once it has
// the lock and reaps it: its line stays in the lock file, naming a
// process that is gone. It returns that line.
func killedReader(t *testing.T, out string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldReadLockHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DIVERGENCE_TEST_HOLD_READ_LOCK="+out)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	line = strings.TrimSpace(line)
	if err != nil || !strings.HasPrefix(line, fmt.Sprintf("pid %d, started ", cmd.Process.Pid)) {
		t.Fatalf("helper: %q, %v", line, err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, lockName("x"))); !strings.Contains(string(b), line) {
		t.Fatalf("the killed reader's line %q is not in the lock file %q", line, b)
	}
	return line
}

// A reader killed with kill -9 cannot take its line out of the lock file:
// a run refused or waiting beside the readers named it, and readers
// coming in or going kept it, until the last reader left. Lines naming a
// process that is gone are dropped wherever readers are named or their
// text rewritten.
func TestKilledReaderNotNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	me := func(what string) string {
		return fmt.Sprintf("pid %d, started %s, divergence %s x", os.Getpid(), time.Now().UTC().Format(time.RFC3339), what)
	}
	text := func(t *testing.T, out string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, lockName("x")))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Run("a run refused names the live reader only", func(t *testing.T) {
		out := t.TempDir()
		live := me("compare")
		r, err := ReadLockDirUpTo(ctx, out, "x", live, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		killedReader(t, out)
		_, err = LockDir(ctx, out, "x", "pid 1, a run", nil)
		var le *LockedError
		if !errors.As(err, &le) || !le.Read || le.Holder != live {
			t.Fatalf("run beside a live reader and a killed one: %v, want refused naming %q only", err, live)
		}
	})
	t.Run("a run waiting names the live reader only", func(t *testing.T) {
		out := t.TempDir()
		live := me("compare")
		r, err := ReadLockDirUpTo(ctx, out, "x", live, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		killedReader(t, out)
		var said []string
		_, err = LockDirUpTo(ctx, out, "x", "pid 1, a run", func(s string) { said = append(said, s) }, 50*time.Millisecond)
		want := fmt.Sprintf("%s is locked: waiting for pid %d (divergence compare x) to finish (up to 50ms)", filepath.Join(out, "x"), os.Getpid())
		if err == nil || len(said) != 1 || said[0] != want {
			t.Fatalf("run waiting beside a live reader and a killed one: said %q (%v), want %q", said, err, want)
		}
	})
	t.Run("a reader coming in drops the killed one's line", func(t *testing.T) {
		out := t.TempDir()
		killedReader(t, out) // the only reader: the lock is free, its line stays
		live := me("report")
		r, err := ReadLockDirUpTo(ctx, out, "x", live, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		if got := text(t, out); got != live+"\n" {
			t.Errorf("lock file %q, want %q", got, live+"\n")
		}
	})
	t.Run("a reader going drops the killed one's line", func(t *testing.T) {
		out := t.TempDir()
		a, b := me("report"), me("db")
		ra, err := ReadLockDirUpTo(ctx, out, "x", a, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := ReadLockDirUpTo(ctx, out, "x", b, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer rb.Release()
		killedReader(t, out)
		ra.Release() // rb still reads: not the last reader out
		if got := text(t, out); got != b+"\n" {
			t.Errorf("lock file %q, want %q", got, b+"\n")
		}
	})
}
