//go:build unix

package main

import (
	"errors"
	"path/filepath"
	"syscall"
)

// freeDisk is the space available to this user on the file system that
// holds out (or its nearest existing parent), 0 (no limit) when unknown.
func freeDisk(out string) int64 {
	dir, err := filepath.Abs(out)
	if err != nil {
		return 0
	}
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(dir, &st)
		if err == nil {
			return int64(st.Bavail) * int64(st.Bsize)
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, syscall.ENOENT) || parent == dir {
			return 0
		}
		dir = parent
	}
}
