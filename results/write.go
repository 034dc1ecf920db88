// Package results writes what runs produce: equity curves and fills as CSV
// and Parquet, JSON documents, and the manifest that ties an experiment's
// outputs to its inputs.
//
// Every writer is deterministic: the same input gives the same bytes, so
// that two runs of an experiment can be compared with cmp(1) and a shard
// run elsewhere can be checked against a local one. Files are written with
// [WriteFileAtomic], so a failed write never leaves a half-written file.
//
// Conventions shared by the writers:
//   - Time is UTC. In CSV, a time column is written as a date (2006-01-02)
//     when every time in it is UTC midnight, else as RFC 3339 with
//     nanoseconds (see [FormatTime]). In Parquet it is timestamp[ns, UTC].
//   - Floats in CSV are formatted with strconv 'g' and the shortest
//     precision that round-trips (-1), so reading them back with
//     strconv.ParseFloat gives the same bits; NaN is "NaN", infinities
//     "+Inf" and "-Inf".
package results

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// InWorkingFolder reports whether path lies in an experiment's working
// folder: a folder whose name starts with "." and holds ".tmp-" (the
// folder a run writes before renaming it into place).
func InWorkingFolder(path string) bool {
	for d := filepath.Dir(filepath.Clean(path)); ; {
		if b := filepath.Base(d); strings.HasPrefix(b, ".") && strings.Contains(b, ".tmp-") {
			return true
		}
		up := filepath.Dir(d)
		if up == d {
			return false
		}
		d = up
	}
}

// WriteFileAtomic writes a file through write, all or nothing: it writes to a
// temporary file in the same directory as path, syncs it to disk, and renames
// it over path. Inside an experiment's working folder (a folder named
// ".<name>.tmp-…", see [InWorkingFolder]) the per-file syncs (of the file
// and of its directory) are skipped: the
// experiment makes the whole folder durable with one filesystem sync before
// it renames the folder into place, so a crash still leaves either the old
// results or the new ones (a sweep writes thousands of files; one fsync
// each cost seconds). If write returns an error (or panics), or any step fails, the
// temporary file is removed and an existing file at path is left untouched.
//
// The new file has mode 0644, or the mode of the file it replaces.
// write must not retain the writer; it is buffered and flushed after write
// returns.
//
// While it writes, the temporary file (.<base>.tmp-…) is locked (on
// Unix): [RemoveLeftovers] of another process skips it.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := os.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("results: %s exists and is not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		// Name the folder, not the temporary file's name.
		folder := filepath.Clean(dir)
		if fi, serr := os.Stat(folder); errors.Is(serr, fs.ErrNotExist) {
			return fmt.Errorf("results: cannot write %s: folder %s does not exist", path, folder)
		} else if serr == nil && !fi.IsDir() {
			return fmt.Errorf("results: cannot write %s: %s is not a folder", path, folder)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("results: cannot write %s in folder %s: %w", path, folder, err)
	}
	tmp := f.Name()
	lockTemp(f) // RemoveLeftovers in another process leaves it alone
	committed := false
	defer func() {
		// Runs on error and on panic: never leave the temporary file behind.
		if !committed {
			f.Close()
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return fmt.Errorf("results: writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("results: writing %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("results: writing %s: %w", path, err)
	}
	working := InWorkingFolder(path)
	if !working {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("results: writing %s: sync: %w", path, err)
		}
	} else {
		startWriteback(f)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("results: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("results: writing %s: %w", path, err)
	}
	committed = true
	if !working {
		syncDir(dir)
	}
	return nil
}

// syncDir makes a rename durable by syncing the directory that holds it. It
// is best effort: some systems (Windows, some network file systems) cannot
// sync a directory, and the file itself is already complete and synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// WriteJSON writes v as JSON indented by two spaces, with a trailing newline.
// Map keys come out sorted (encoding/json's rule), so the output is
// deterministic; HTML characters are not escaped.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("results: json: %w", err)
	}
	return nil
}

// Fingerprint returns the SHA-256 of a file's bytes as lower-case hex, for
// manifests.
func Fingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("results: fingerprint: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("results: fingerprint %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RemoveLeftovers removes the temporary files WriteFileAtomic left beside
// path (.<base>.tmp-…) when a process writing it was killed, skipping
// those a live process is writing (locked: see lockTemp) and those
// changed in the last leftoverAge (a write between creating its file
// and locking it). It returns the
// files removed. It must not run beside a WriteFileAtomic of path in this
// process (POSIX locks do not tell a process's own files apart), nor on
// systems without POSIX record locks, where it removes nothing.
func RemoveLeftovers(path string) []string {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmps, _ := filepath.Glob(filepath.Join(GlobEscape(dir), "."+GlobEscape(base)+".tmp-*"))
	var removed []string
	for _, t := range tmps {
		if fi, err := os.Lstat(t); err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < leftoverAge || InUse(t) {
			continue
		}
		if os.Remove(t) == nil {
			removed = append(removed, t)
		}
	}
	return removed
}

// leftoverAge is how long a temporary file has been left alone before
// RemoveLeftovers takes it for a killed write's.
const leftoverAge = 10 * time.Second

// GlobEscape escapes the characters filepath.Match treats as patterns.
func GlobEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
