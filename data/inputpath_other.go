//go:build !unix

package data

import (
	"os"
	"path/filepath"
)

// openNonblocking opens path read-only (no FIFOs to fear outside Unix).
func openNonblocking(path string) (*os.File, error) { return os.Open(path) }

func evalSymlinks(path string) (string, error) { return filepath.EvalSymlinks(path) }
