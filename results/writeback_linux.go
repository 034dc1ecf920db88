//go:build linux

package results

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's dirty pages to disk
// now, without waiting for them (sync_file_range with
// SYNC_FILE_RANGE_WRITE): a working folder's files are then mostly on
// disk by the time the experiment syncs the filesystem once before its
// rename, and that sync waits for little. Errors are ignored: this is a
// hint, the sync is what makes the files durable.
func startWriteback(f *os.File) {
	_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
