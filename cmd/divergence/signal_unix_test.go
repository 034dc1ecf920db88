//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalQuits: the first signal cancels the work (the context
// says which signal), and the program does not quit then, so that what
// it was writing is removed; a second one quits at once, with the status
// a shell gives a process the signal killed (128 + its number: SIGUSR1
// is 10 on Linux, 30 on the BSDs and macOS), saying so; but not one
// within the window after the first, which is the first delivered twice
// (timeout sends its signal to the process, then to its process group:
// `timeout -s INT 1 divergence data synth …` quit at once, leaving its
// working files, where it should have stopped cleanly). Before, the
// second signal was swallowed as the first: a stop that hung (a DuckDB
// query deaf to its interrupt, a write to a hung disk) could not be cut
// short from the keyboard, and `divergence metrics` on a large file,
// which did not look at the context, ran to its end whatever was sent.
func TestSecondSignalQuits(t *testing.T) {
	const window = 300 * time.Millisecond
	exited := make(chan int, 3)
	var stderr bytes.Buffer
	ctx, stop := interruptible(context.Background(), &stderr, func(code int) { exited <- code }, window, syscall.SIGUSR1)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	first := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first signal did not cancel the context in 5 s")
	}
	if got, want := context.Cause(ctx).Error(), syscall.SIGUSR1.String()+" signal received"; got != want {
		t.Errorf("cause %q, want %q", got, want)
	}
	// The same signal again at once is the first delivered twice, as
	// timeout delivers it (to the process, then to its process group):
	// not a second one.
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		t.Fatalf("the signal delivered twice at once quit (status %d): the work had no time to remove what it was writing", code)
	case <-time.After(time.Until(first.Add(window + 100*time.Millisecond))):
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if want := 128 + int(syscall.SIGUSR1); code != want {
			t.Errorf("status %d, want 128 + %d = %d", code, int(syscall.SIGUSR1), want)
		}
		if !strings.Contains(stderr.String(), "again: quitting at once") {
			t.Errorf("it said %q", stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a second signal did not quit in 5 s")
	}
}
