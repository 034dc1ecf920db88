package experiment

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// liveHolders keeps the lines of live processes and of lines naming no
// pid, and drops those whose process has exited, is a zombie, or started
// after the line was written (its pid reused).
func TestLiveHolders(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	// An exited child, reaped: its pid names no process.
	done := exec.Command(os.Args[0], "-test.run=^$")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	// A killed child, not reaped: a zombie, its locks let go of.
	zombie := exec.Command(os.Args[0], "-test.run=^TestHoldReadLockHelper$")
	if err := zombie.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zombie.Wait() })
	zombie.Process.Signal(syscall.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); ; {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", zombie.Process.Pid))
		if strings.Contains(string(b), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d not a zombie after 10s: %q", zombie.Process.Pid, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
	me := os.Getpid()
	now := time.Now().UTC()
	for _, tc := range []struct {
		name, line string
		kept       bool
	}{
		{"this process, started before its line", fmt.Sprintf("pid %d, started %s, divergence report x", me, now.Format(time.RFC3339)), true},
		{"this process, no start time", fmt.Sprintf("pid %d, a test", me), true},
		{"this process, its line 4s older (within startSlack)", fmt.Sprintf("pid %d, started %s, x", me, now.Add(-4*time.Second).Format(time.RFC3339)), true},
		// This process started an hour after the line was written: the
		// line is another process's, whose pid this one reuses.
		{"a pid reused", fmt.Sprintf("pid %d, started %s, divergence report x", me, now.Add(-time.Hour).Format(time.RFC3339)), false},
		{"an exited process", fmt.Sprintf("pid %d, started %s, divergence db x", done.Process.Pid, now.Format(time.RFC3339)), false},
		{"a zombie", fmt.Sprintf("pid %d, started %s, divergence db x", zombie.Process.Pid, now.Format(time.RFC3339)), false},
		{"no pid", "another command", true},
		{"a pid that is no number", "pid x, a test", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := liveHolders([]string{tc.line})
			if kept := slices.Equal(got, []string{tc.line}); kept != tc.kept {
				t.Errorf("liveHolders(%q) = %q, want it kept: %v", tc.line, got, tc.kept)
			}
		})
	}
}
