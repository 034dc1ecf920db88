//go:build unix

package resultsdb

import (
	"os"
	"syscall"
)

// inUse reports whether a process holds the database file at path open:
// DuckDB locks a database file (a POSIX record lock over the whole file)
// for as long as a process has it open for writing. A lock this process
// can take means no other process holds it; it is released at once.
// POSIX locks do not conflict within a process, so a build of the same
// database running in this process is not seen: one process builds a
// database one build at a time (the experiment builds its own in a
// fresh folder).
func inUse(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return true // not ours to judge
	}
	defer f.Close() // closing releases the lock
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	return syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk) != nil
}
