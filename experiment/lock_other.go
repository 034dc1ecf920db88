//go:build !unix

package experiment

import (
	"os"
	"time"
)

// locking: no lock, so no cleaning of other runs' leftovers.
const locking = false

// tryLock has no lock to take on this system: every caller gets it (see
// lock.go).
func tryLock(f *os.File, shared bool) (bool, error) { return true, nil }

// unlock has no lock to let go of.
func unlock(f *os.File) {}

// textMutex has nothing to serialize: no lock is ever held by others.
func textMutex(out string) func() { return func() {} }

// processGone cannot tell on this system whether a holder line's process
// is gone: none is (see lock_unix.go).
func processGone(pid int, started time.Time) bool { return false }
