//go:build unix

package data_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/scenarios"
)

// The other readers of input files (scenario files, returns tables,
// funding rates) refuse a FIFO, a /dev/zero symlink and a symlink loop
// through data's checks instead of blocking or reading without end.
// (experiment.Load is tested in its own package.)
func TestOtherReadersRefuseSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	readers := map[string]func(string) error{
		"scenarios.Load":      func(p string) error { _, err := scenarios.Load(p); return err },
		"results.ReadReturns": func(p string) error { _, err := results.ReadReturns(p); return err },
		"data.ReadFunding":    func(p string) error { _, err := data.ReadFunding(p); return err },
	}
	for name, read := range readers {
		for path, want := range map[string]string{fifo: "named pipe (FIFO)", zero: "character device", loop: "symlink loop"} {
			done := make(chan error, 1)
			go func() { done <- read(path) }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
					t.Errorf("%s(%s): %v, want %q", name, filepath.Base(path), err, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s(%s): still reading after 10 s", name, filepath.Base(path))
			}
		}
	}
}
