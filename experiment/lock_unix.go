//go:build unix

package experiment

import (
	"errors"
	"os"
	"syscall"
)

// locking: flock holds while the process lives.
const locking = true

// tryLock takes a flock on f without waiting, exclusive (a writer's) or
// shared (a reader's); false when another open file holds it in a mode
// that excludes this one. On f already locked it converts the lock (not
// atomically: see flock(2)).
func tryLock(f *os.File, shared bool) (bool, error) {
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

// unlock lets go of f's flock (one tryLock took to probe).
func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// textMutex serializes the readers' edits of the lock files' text in the
// folder out (each adds its line, and takes it out, as the lock it
// shares is held by others): an exclusive flock on out itself, held for
// the edit only. Its release is returned; where out cannot be locked (a
// network file system that emulates flock with record locks, which a
// folder cannot take), the edit goes without it, at worst naming a
// reader gone or leaving one out.
func textMutex(out string) func() {
	d, err := os.Open(out)
	if err != nil {
		return func() {}
	}
	for {
		err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		d.Close()
		return func() {}
	}
	return func() { d.Close() } // closing releases the flock
}
