//go:build unix

package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An experiment file that is a FIFO or a /dev/zero symlink, and a price
// file that is a symlink loop or a FIFO, are refused by name and kind
// (the loop no longer reads as "no price file").
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "exp.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.toml")
	os.Symlink("/dev/zero", zero)
	for path, want := range map[string]string{fifo: "named pipe (FIFO)", zero: "character device"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Load(%s): %v, want %q", filepath.Base(path), err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load(%s): still reading after 10 s", filepath.Base(path))
		}
	}

	prices := filepath.Join(dir, "prices")
	os.Mkdir(prices, 0o755)
	os.Symlink(filepath.Join(prices, "NVDA.csv"), filepath.Join(prices, "NVDA.csv"))
	syscall.Mkfifo(filepath.Join(prices, "MSFT.csv"), 0o644)
	for sym, want := range map[string]string{"NVDA": "symlink loop", "MSFT": "named pipe (FIFO)"} {
		text := `name = "x"
start = "2024-01-01"
[data]
dir = "prices"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["` + sym + `"]
`
		f, err := Parse(filepath.Join(dir, "exp2.toml"), text)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out")}); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), sym+".csv") {
				t.Errorf("%s: %v, want %q naming the file", sym, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", sym)
		}
	}
}
