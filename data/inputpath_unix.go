//go:build unix

package data

import (
	"os"
	"syscall"
)

// openNonblocking opens path read-only without blocking: opening a FIFO
// for reading would otherwise wait for a writer.
func openNonblocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
