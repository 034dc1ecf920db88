//go:build unix

package results

import (
	"os"
	"syscall"
)

// lockTemp takes a POSIX record lock over the whole of f, a temporary
// file WriteFileAtomic is writing, for as long as f is open: another
// process's RemoveLeftovers sees the file in use and leaves it alone
// (as DuckDB locks the databases resultsdb builds). A failure leaves the
// file unlocked: only a cleaner of another process could then take it.
func lockTemp(f *os.File) {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
}

// InUse reports whether another process holds a POSIX record lock on the
// file at path (lockTemp's, or DuckDB's on a database it has open): a
// lock this process can take means no other process holds it; it is
// released at once. POSIX locks do not conflict within a process (and
// closing any descriptor of the file drops this process's locks on it),
// so a writer of the file in this process is not seen: a cleaner must
// not run beside one.
func InUse(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return true // not ours to judge
	}
	defer f.Close() // closing releases the lock
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	return syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk) != nil
}
