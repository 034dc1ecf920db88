package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unicode/utf8"
)

// Every reader of the project checks an input path before it opens it
// (CheckFile, CheckDir, OpenFile, ReadFileLimit): a named pipe would block
// the reader forever, a device such as /dev/zero would be read without
// end, and a symlink loop would be reported as a missing file. The checks
// follow symlinks (the target is named in the error) and open the file
// without blocking, so that a FIFO put in place of a file between the
// check and the open is still refused.

// FileError is an input path refused before it was read: not a regular
// file (or a directory where one is expected), a symlink loop, unreadable,
// or larger than the reader accepts. It names the path as given, the
// file a symlink leads to, the kind of file found and, for regular files,
// their size.
type FileError struct {
	Path   string // as given
	Target string // where a symlink leads ("" when Path is not a symlink)
	Kind   string // "regular file", "directory", "named pipe (FIFO)", "character device", …
	Size   int64  // bytes, for regular files; -1 when unknown
	Msg    string // what is wrong: "is not a regular file", "symlink loop", …
	Err    error  // the underlying error, if any (syscall.ELOOP, fs.ErrPermission)
}

func (e *FileError) Error() string {
	name := e.Path
	if e.Target != "" && e.Target != e.Path {
		name += " (a symlink to " + e.Target + ")"
	}
	msg := name + ": " + e.Msg
	if e.Msg == "" {
		msg = name // the error says it
	}
	if e.Kind == "regular file" && e.Size >= 0 {
		msg += " (a regular file of " + FormatSize(e.Size) + ")"
	}
	if e.Err != nil {
		err := e.Err
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == e.Path {
			// "x.csv: no such file or directory", not "x.csv: lstat
			// x.csv: no such file or directory".
			err = pe.Err
		}
		msg += ": " + err.Error()
	}
	return msg
}

// Unwrap gives the underlying error: errors.Is(err, syscall.ELOOP) holds
// for a symlink loop, errors.Is(err, fs.ErrPermission) for an unreadable
// file.
func (e *FileError) Unwrap() error { return e.Err }

// FormatSize formats a byte count for messages: "512 bytes", "1.5 kB",
// "5.0 MB", "6.2 GB" (powers of 1000).
func FormatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// fileKind names the kind of file of mode m.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "file of an unknown kind"
}

// statInput stats path, following symlinks, and says where a symlink
// leads. A missing path gives a *FileError around os.Lstat's
// *fs.PathError (errors.As finds it, errors.Is(err, fs.ErrNotExist)
// holds), which reads "x.csv: no such file or directory"; a loop gives a
// *FileError.
func statInput(path string) (fs.FileInfo, string, error) {
	li, err := os.Lstat(path)
	if err != nil {
		// The path and what is wrong, not the system call: "x.toml: no
		// such file or directory", not "lstat x.toml: …" (FileError.Error).
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, "", &FileError{Path: path, Size: -1, Err: pe}
		}
		return nil, "", err
	}
	if li.Mode()&fs.ModeSymlink == 0 {
		return li, "", nil
	}
	target, _ := os.Readlink(path)
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, target, &FileError{Path: path, Target: target, Size: -1, Msg: "is a symlink loop", Err: syscall.ELOOP}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, target, &FileError{Path: path, Target: target, Size: -1, Msg: "is a symlink to a missing file", Err: fs.ErrNotExist}
		}
		return nil, target, err
	}
	// Name the final file: a chain of links ends at one path.
	if final, err := filepath.EvalSymlinks(path); err == nil {
		target = final
	}
	return fi, target, nil
}

// SymlinkTarget is the file a symlink at path finally leads to, or "" when
// path is not a symlink (or cannot be resolved): readers name it in their
// errors, so that a symlink pointing somewhere unintended shows where.
func SymlinkTarget(path string) string {
	li, err := os.Lstat(path)
	if err != nil || li.Mode()&fs.ModeSymlink == 0 {
		return ""
	}
	t, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ""
	}
	return t
}

// CheckFile checks, before a reader opens path, that it is a regular file
// that can be read, following symlinks. FIFOs, sockets and devices
// (a symlink to /dev/zero) are refused by name and kind, a symlink loop is
// reported as one (errors.Is(err, syscall.ELOOP)), all as *FileError. A
// missing path gives a *FileError around os.Lstat's *fs.PathError. The
// file is opened without blocking and closed again to prove it readable.
func CheckFile(path string) (fs.FileInfo, error) {
	f, fi, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	f.Close()
	return fi, nil
}

// CheckDir checks that path is a directory (following symlinks) that can
// be listed.
func CheckDir(path string) (fs.FileInfo, error) {
	fi, target, err := statInput(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &FileError{Path: path, Target: target, Kind: fileKind(fi.Mode()), Size: fi.Size(), Msg: "is a " + fileKind(fi.Mode()) + ", not a directory"}
	}
	d, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Target: target, Kind: "directory", Size: -1, Msg: "directory cannot be read", Err: unwrapPath(err)}
	}
	d.Close()
	return fi, nil
}

// OpenFile opens path for reading after the checks of CheckFile, and
// checks the opened file again (a FIFO swapped in after the check is
// opened without blocking and refused). The caller closes the file.
func OpenFile(path string) (*os.File, fs.FileInfo, error) {
	fi, target, err := statInput(path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkRegular(path, target, fi); err != nil {
		return nil, nil, err
	}
	f, err := openNonblocking(path)
	if err != nil {
		return nil, nil, &FileError{Path: path, Target: target, Kind: "regular file", Size: fi.Size(), Msg: "cannot be read", Err: unwrapPath(err)}
	}
	ofi, err := f.Stat()
	if err == nil {
		err = checkRegular(path, target, ofi)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, ofi, nil
}

// checkRegular refuses anything but a regular file.
func checkRegular(path, target string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	kind := fileKind(fi.Mode())
	if fi.IsDir() {
		return &FileError{Path: path, Target: target, Kind: kind, Size: -1, Msg: "is a directory, not a file"}
	}
	return &FileError{Path: path, Target: target, Kind: kind, Size: -1, Msg: "is a " + kind + ", not a regular file; refused"}
}

// ReadFileLimit reads a whole file after the checks of OpenFile, refusing
// one larger than limit bytes (an experiment or scenario file is small; a
// large one is a mistake) with its size in the error.
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	f, fi, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &FileError{Path: path, Kind: "regular file", Size: fi.Size(), Msg: fmt.Sprintf("is too large (at most %s)", FormatSize(limit))}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if int64(len(b)) > limit {
		return nil, &FileError{Path: path, Kind: "regular file", Size: int64(len(b)), Msg: fmt.Sprintf("is too large (at most %s)", FormatSize(limit))}
	}
	return b, nil
}

// unwrapPath drops the *fs.PathError around err: the path is named once.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// MaxQuote is how many bytes of an input line or value an error message
// quotes (see Clip).
const MaxQuote = 200

// Clip shortens text taken from an input for an error message: at most
// MaxQuote bytes (cut at a character boundary), followed by how long the
// whole was. A 5 MB header line is quoted as its first 200 bytes.
func Clip(s string) string { return clipTo(s, MaxQuote) }

// clipTo keeps at most n bytes of s, cut at a character boundary.
func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%s in all)", s[:cut], FormatSize(int64(len(s))))
}
