//go:build unix

package data

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within runs fn and fails the test if it has not returned after 10 s: a
// safety net only (a FIFO opened for reading would block forever); the
// assertions are on fn's error.
func within(t *testing.T, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("still blocked after 10 s")
		return nil
	}
}

func TestCheckFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "prices.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.csv")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	os.Symlink(b, a)
	os.Symlink(a, b)
	dangling := filepath.Join(dir, "gone.csv")
	os.Symlink(filepath.Join(dir, "nothing.csv"), dangling)
	sub := filepath.Join(dir, "folder.csv")
	os.Mkdir(sub, 0o755)

	for _, tc := range []struct {
		path string
		want []string
		is   error
	}{
		{fifo, []string{fifo, "named pipe (FIFO), not a regular file"}, nil},
		{zero, []string{zero, "a symlink to /dev/zero", "character device, not a regular file"}, nil},
		{loop, []string{loop, "symlink loop"}, syscall.ELOOP},
		{a, []string{a, "symlink loop"}, syscall.ELOOP},
		{dangling, []string{dangling, "nothing.csv", "symlink to a missing file"}, fs.ErrNotExist},
		{sub, []string{sub, "is a directory, not a file"}, nil},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			start := time.Now()
			err := within(t, func() error { _, err := CheckFile(tc.path); return err })
			if err == nil {
				t.Fatal("accepted")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v, want under a second", d)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("%v: not a *FileError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			// The same refusal from OpenFile and ReadFileLimit.
			if err2 := within(t, func() error { _, err := ReadFileLimit(tc.path, 1<<20); return err }); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("ReadFileLimit: %v, want %v", err2, err)
			}
		})
	}
	// A missing file is os.Lstat's error, named once: "…/missing.csv: no
	// such file or directory", not "lstat …/missing.csv: …".
	missing := filepath.Join(dir, "missing.csv")
	_, err := CheckFile(missing)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) || err.Error() != missing+": no such file or directory" {
		t.Errorf("missing file: %v, want a *fs.PathError for a missing file, read %q", err, missing+": no such file or directory")
	}
}

func TestCheckFileAcceptsFilesAndLinksToThem(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "x.csv")
	os.WriteFile(f, []byte("date,close\n2024-01-02,1\n"), 0o644)
	l := filepath.Join(dir, "link.csv")
	os.Symlink(f, l)
	for _, p := range []string{f, l} {
		fi, err := CheckFile(p)
		if err != nil || fi.Size() != 24 {
			t.Errorf("CheckFile(%s) = %v, %v; want a 24-byte file", p, fi, err)
		}
	}
	if _, err := CheckDir(dir); err != nil {
		t.Errorf("CheckDir: %v", err)
	}
	if _, err := CheckDir(f); err == nil || !strings.Contains(err.Error(), "regular file, not a directory") {
		t.Errorf("CheckDir(file) = %v", err)
	}
	b, err := ReadFileLimit(l, 24)
	if err != nil || len(b) != 24 {
		t.Errorf("ReadFileLimit at the limit: %d bytes, %v", len(b), err)
	}
	// One byte over the limit: refused with the size.
	if _, err := ReadFileLimit(f, 23); err == nil || !strings.Contains(err.Error(), "24 bytes") || !strings.Contains(err.Error(), "too large") {
		t.Errorf("ReadFileLimit over the limit: %v", err)
	}
	if os.Geteuid() != 0 {
		os.Chmod(f, 0)
		_, err := CheckFile(f)
		if err == nil || !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "regular file of 24 bytes") {
			t.Errorf("unreadable file: %v", err)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("date,", 1_000_000) // a 5 MB header line
	c := Clip(long)
	if len(c) > MaxQuote+40 || !strings.HasPrefix(c, "date,date,") || !strings.Contains(c, "5.0 MB in all") {
		t.Errorf("Clip: %d bytes: %.300q", len(c), c)
	}
	if Clip("short") != "short" {
		t.Error("short text changed")
	}
	// Cut at a character boundary: 199 ASCII bytes then 'é' (2 bytes).
	s := strings.Repeat("a", 199) + strings.Repeat("é", 10)
	if c := Clip(s); !strings.HasPrefix(c, strings.Repeat("a", 199)+"…") {
		t.Errorf("Clip cut inside a character: %q", c)
	}
}
