package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Finished checks that dir is a finished experiment's results folder, the
// kind `db`, `report` and `compare` read: a folder (not a special file)
// holding a manifest.json (written once the runs are), and not one of a
// run's working folders (.NAME.tmp-…, still being written or left by a
// run that died; .NAME.old-…, earlier results being replaced). The error
// says which.
func Finished(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: no such folder: give an experiment's results folder (out/<experiment>, with its manifest.json)", dir)
	}
	if err != nil {
		return fmt.Errorf("%s is not an experiment folder (no manifest.json): %w", dir, err)
	}
	if !info.IsDir() {
		kind := "a file"
		if !info.Mode().IsRegular() {
			kind = "of mode " + info.Mode().Type().String()
		}
		return fmt.Errorf("%s is not a folder but %s: give a results folder (out/<experiment>)", dir, kind)
	}
	base := filepath.Base(filepath.Clean(dir))
	if abs, err := filepath.Abs(dir); err == nil {
		base = filepath.Base(abs)
	}
	if strings.HasPrefix(base, ".") {
		for _, k := range []string{".tmp-", ".old-", ".trash-"} {
			if strings.Contains(base, k) {
				return fmt.Errorf("%s is a run's working folder, not a finished experiment: it is still being written or was left by a run that stopped (the next run into its parent folder removes it)", dir)
			}
		}
	}
	m, err := os.Stat(filepath.Join(dir, "manifest.json"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		// A shard's folder (experiment.ShardFile) holds runs/ and no
		// manifest: its results are the merge's.
		if _, err := os.Stat(filepath.Join(dir, "shard.json")); err == nil {
			return fmt.Errorf("%s is a shard's folder (shard.json), not an experiment's results: divergence merge OUT %s builds them from the experiment's shards, in OUT/<experiment>", dir, filepath.Dir(filepath.Clean(dir)))
		}
		return fmt.Errorf("%s is not an experiment folder: no manifest.json (an experiment's results have one once its runs are written)", dir)
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case !m.Mode().IsRegular():
		return fmt.Errorf("%s: manifest.json is not a regular file (%s)", dir, m.Mode().Type())
	}
	return nil
}
