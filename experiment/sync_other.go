//go:build !linux

package experiment

import (
	"io/fs"
	"os"
	"path/filepath"
)

// syncFolder makes every file written under dir durable before the folder
// is renamed into place: without syncfs(2), one fsync per file.
func syncFolder(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
