package experiment

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// removeTree removes the folder at path and everything in it, as
// os.RemoveAll does, with its files unlinked on as many goroutines as the
// program has cores: a replaced results folder (a sweep's: a thousand
// files and folders) is removed while the command waits, and on ext4 a
// file's unlink costs the kernel about as much as writing it did, most of
// it in freeing the file's pages and blocks, which files do not share.
// What the parallel pass leaves (a file it could not remove, a folder
// not empty) goes to os.RemoveAll, whose error is returned.
func removeTree(path string) error {
	var files, dirs []string
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		} else {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return os.RemoveAll(path)
	}
	workers := min(runtime.GOMAXPROCS(0), len(files))
	if workers > 1 {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(files); i += workers {
					os.Remove(files[i])
				}
			}()
		}
		wg.Wait()
	}
	// Folders deepest first: WalkDir gives each before its contents.
	for i := len(dirs) - 1; i > 0; i-- {
		os.Remove(dirs[i])
	}
	return os.RemoveAll(path)
}
