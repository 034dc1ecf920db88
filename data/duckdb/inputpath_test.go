//go:build unix

package duckdb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// inTime runs fn and fails if it has not returned after 10 s: a safety net
// against a reader blocked on a FIFO or reading /dev/zero without end; the
// assertions are on the error.
func inTime(t *testing.T, fn func() error) (error, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err, time.Since(start)
	case <-time.After(10 * time.Second):
		t.Fatal("still reading after 10 s")
		return nil, 0
	}
}

// Special files in place of price files are refused by name and kind, by
// every reader and the catalog, in well under a second.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	fifo := filepath.Join(dir, "NVDA.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	fifoPq := filepath.Join(dir, "AMD.parquet")
	syscall.Mkfifo(fifoPq, 0o644)
	fifoIPC := filepath.Join(dir, "MSFT.arrow")
	syscall.Mkfifo(fifoIPC, 0o644)
	zero := filepath.Join(dir, "TAO.csv")
	os.Symlink("/dev/zero", zero)
	zeroGz := filepath.Join(dir, "FET.csv.gz")
	os.Symlink("/dev/zero", zeroGz)
	loop := filepath.Join(dir, "BTC.csv")
	os.Symlink(loop, loop)
	for _, tc := range []struct {
		path string
		want string
	}{
		{fifo, "named pipe (FIFO), not a regular file"},
		{fifoPq, "named pipe (FIFO), not a regular file"},
		{fifoIPC, "named pipe (FIFO), not a regular file"},
		{zero, "a symlink to /dev/zero): is a character device"},
		{zeroGz, "a symlink to /dev/zero): is a character device"},
		{loop, "symlink loop"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			err, took := inTime(t, func() error { _, err := ReadFile(ctx, tc.path, ReadOptions{}); return err })
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile: %v, want it to name %s and say %q", err, tc.path, tc.want)
			}
			if took > time.Second {
				t.Errorf("ReadFile took %v, want under a second", took)
			}
			cat, cerr := OpenCatalog("")
			if cerr != nil {
				t.Fatal(cerr)
			}
			defer cat.Close()
			err, _ = inTime(t, func() error { _, err := cat.Import(ctx, []string{tc.path}, ImportOptions{}); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import: %v, want %q", err, tc.want)
			}
			if strings.HasSuffix(tc.path, ".csv") || strings.HasSuffix(tc.path, ".parquet") {
				err, _ = inTime(t, func() error {
					_, err := ReadSource(ctx, Source{Table: tc.path}, Request{Symbols: []string{"X"}})
					return err
				})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("ReadSource: %v, want %q", err, tc.want)
				}
			}
		})
	}
	if _, err := ReadFile(ctx, loop, ReadOptions{}); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("loop: errors.Is(err, ELOOP) = false for %v", err)
	}
	// A FIFO given as the catalog.
	catFifo := filepath.Join(dir, "catalog.duckdb")
	syscall.Mkfifo(catFifo, 0o644)
	err, _ := inTime(t, func() error {
		c, err := OpenCatalog(catFifo)
		if err == nil {
			c.Close()
		}
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "named pipe (FIFO)") {
		t.Errorf("OpenCatalog(FIFO): %v", err)
	}
}

// A 5 MB header line is quoted in at most ~200 characters.
func TestLongHeaderLineClipped(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	header := "date," + strings.Repeat("x", 5_000_000)
	for _, tc := range []struct{ name, body string }{
		{"one-column.csv", header + "\n2024-01-02,1\n"},
		{"many-columns.csv", strings.Repeat("col,", 1_250_000) + "x\n1,2\n"},
		{"long-value.csv", "date,open,high,low,close\n2024-01-02,1,1,1," + strings.Repeat("9x", 2_000_000) + "\n"},
		{"long-date.csv", "date,close\n" + strings.Repeat("2024-01-02", 500_000) + ",1\n"},
	} {
		p := writeFile(t, dir, tc.name, tc.body)
		_, err := ReadFile(ctx, p, ReadOptions{})
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if n := len(err.Error()); n > 600 {
			t.Errorf("%s: a %d-byte error: %.400s", tc.name, n, err)
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error does not name the file: %.300s", tc.name, err)
		}
		var re *data.RowError
		if !errors.As(err, &re) {
			t.Errorf("%s: %T, want a *data.RowError", tc.name, err)
		}
	}
}

// A .csv symlink to a file the user did not mean: the error says where
// it leads, and quotes at most 200 bytes of that file.
func TestSymlinkNamedInErrors(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte("secret:"+strings.Repeat("x", 1000)+"\nline two\n"), 0o644)
	link := filepath.Join(dir, "NVDA.csv")
	os.Symlink(other, link)
	_, err := ReadFile(context.Background(), link, ReadOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), link+" (a symlink to "+other+"): missing column") || len(err.Error()) > 600 {
		t.Errorf("%v", err)
	}
}
