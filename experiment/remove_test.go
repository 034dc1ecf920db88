package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestRemoveTree: a results folder's tree (files at three depths, empty
// folders, a symlink out of it) is gone after removeTree, on one core and
// on several; what the symlink points to is left; a missing path is no
// error, as for os.RemoveAll.
func TestRemoveTree(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("procs=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			base := t.TempDir()
			outside := filepath.Join(base, "outside.txt")
			if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			root := filepath.Join(base, "results")
			for r := range 7 {
				dir := filepath.Join(root, "runs", fmt.Sprintf("run-%d", r))
				if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{"equity.csv", "fills.parquet", "metrics.json"} {
					if err := os.WriteFile(filepath.Join(dir, name), make([]byte, 1000*(r+1)), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := os.WriteFile(filepath.Join(root, "runs.csv"), []byte("run\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(root, "runs", "link.txt")); err != nil {
				t.Fatal(err)
			}
			if err := removeTree(root); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(root); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s still there (%v)", root, err)
			}
			if b, err := os.ReadFile(outside); err != nil || string(b) != "keep" {
				t.Errorf("the symlink's target: %q, %v", b, err)
			}
			if err := removeTree(root); err != nil {
				t.Errorf("a missing folder: %v", err)
			}
		})
	}
}
