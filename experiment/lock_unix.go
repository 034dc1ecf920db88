//go:build unix

package experiment

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// startSlack is how much later than the start time its holder line gives
// a process may seem to have started and still be the one that wrote it:
// the line's time is cut to the second, and so is the boot time a
// process's start is counted from (procStart), which moves with the
// clock when it is set.
const startSlack = 5 * time.Second

// processGone reports whether the process a holder line names (pid,
// started: its start time, zero when the line has none) is gone: no
// process has that pid (kill(pid, 0) fails with ESRCH), it is a zombie
// (it has exited, its locks let go of), or, where /proc tells when it
// started (Linux), it started after the line was written (startSlack
// allowed): the pid was reused. Whatever cannot be told, it is not gone.
func processGone(pid int, started time.Time) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	} else if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	start, zombie, ok := procStart(pid)
	if !ok {
		return false
	}
	return zombie || !started.IsZero() && start.After(started.Add(startSlack))
}

// userHZ is the unit of the times in /proc/<pid>/stat (clock ticks a
// second: USER_HZ, 100 on Linux whatever the kernel's HZ).
const userHZ = 100

// procStart reads when process pid started, and whether it is a zombie,
// from /proc/<pid>/stat (its 22nd field, clock ticks since boot) and
// /proc/stat (btime, boot in seconds since the epoch); false without
// them.
func procStart(pid int) (time.Time, bool, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return time.Time{}, false, false
	}
	// "pid (comm) state ppid …": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return time.Time{}, false, false
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 {
		return time.Time{}, false, false
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64) // field 22; fields[0] is field 3
	if err != nil {
		return time.Time{}, false, false
	}
	st, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false, false
	}
	for _, line := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			boot, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				break
			}
			start := time.Unix(boot, 0).Add(time.Duration(ticks) * (time.Second / userHZ))
			return start, fields[0] == "Z", true
		}
	}
	return time.Time{}, false, false
}
