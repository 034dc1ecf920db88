//go:build !linux

package experiment

import (
	"io/fs"
	"os"
	"path/filepath"
)

// syncFolder makes every file written under dir, and the folders' entries
// naming them, durable before the folder is renamed into place: without
// syncfs(2), one fsync per file and per folder. A folder's sync is best
// effort (Windows and some file systems cannot sync a directory).
func syncFolder(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if d.IsDir() {
			f.Sync()
			return nil
		}
		return f.Sync()
	})
}
