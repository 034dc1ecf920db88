package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// osThreads is the process's OS threads (Linux; skips elsewhere).
func osThreads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Skip("no Threads line in /proc/self/status")
	return 0
}

// TestReadFilesClosesItsDatabase: ReadFiles opens one in-memory DuckDB
// database and closes it. A version opened a second one (its own thread
// count) over the first, which was never closed: its memory and its
// thread pool leaked on every call, about 7 OS threads a call at 8 cores.
func TestReadFilesClosesItsDatabase(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	p := filepath.Join(t.TempDir(), "AAA.csv")
	if err := os.WriteFile(p, []byte("date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,0.5,1.5,10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func() {
		if _, err := ReadFiles(context.Background(), []string{p}, nil); err != nil {
			t.Fatal(err)
		}
	}
	read()
	time.Sleep(100 * time.Millisecond)
	before := osThreads(t)
	for range 10 {
		read()
	}
	time.Sleep(300 * time.Millisecond)
	// A leak of even one pool thread a call adds 10; the Go runtime may
	// start a few of its own.
	if after := osThreads(t); after-before > 5 {
		t.Errorf("10 ReadFiles calls left %d more OS threads (%d, then %d): a database left open", after-before, before, after)
	}
}
