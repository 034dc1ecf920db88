//go:build linux

package experiment

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFolder makes every file written under dir durable with one
// syncfs(2) of dir's filesystem: the files of a working folder are written
// without a sync each (results.WriteFileAtomic), and the folder is renamed
// into place only after this.
func syncFolder(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
