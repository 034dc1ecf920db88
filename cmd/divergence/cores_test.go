package main

import (
	"runtime"
	"testing"
)

// --workers N below the processors bounds GOMAXPROCS to N for the
// command, and the earlier value comes back after; 0 or more than the
// processors leave it.
func TestLimitCores(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	restore := limitCores(1)
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("--workers 1: GOMAXPROCS %d, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != 4 {
		t.Errorf("restored: GOMAXPROCS %d, want 4", got)
	}
	for _, w := range []int{0, 4, 9} {
		r := limitCores(w)
		if got := runtime.GOMAXPROCS(0); got != 4 {
			t.Errorf("--workers %d: GOMAXPROCS %d, want 4", w, got)
		}
		r()
	}
	r := limitCores(2)
	if got := runtime.GOMAXPROCS(0); got != 2 {
		t.Errorf("--workers 2: GOMAXPROCS %d, want 2", got)
	}
	r()
}
