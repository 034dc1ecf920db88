package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeDetectsAShardReplacedWhileRead: shard 1 run again, from an
// edited copy of the experiment (another cash), finishing while the merge
// reads its folder (Options.mergeRead: at the read of its state, or of
// its Monte Carlo paths). The merge had checked shard 1's manifest and
// its files' checksums before; it then read the new run's state and
// paths beside them and wrote the results of two experiments without a
// word. Now it finds the folder replaced, names it and writes nothing.
func TestMergeDetectsAShardReplacedWhileRead(t *testing.T) {
	for _, at := range []string{stateFile, mcPathsFile} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			f, dirs := shardedIntegrity(t, dir)
			edited := filepath.Join(dir, "x-edited.toml")
			if err := os.WriteFile(edited, []byte(strings.Replace(integrityExperiment, "cash = 1_000_000.0", "cash = 2_000_000.0", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			g, err := Load(edited)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			rerun := 0
			read := func(d, name string) {
				if d != dirs[1] || name != at || rerun > 0 {
					return
				}
				rerun++
				if _, err := Run(ctx, g, Options{Out: filepath.Dir(d), Workers: 1, Shard: &Shard{Index: 1, Count: 3, Source: "test, again"}}); err != nil {
					t.Fatalf("shard 1 run again: %v", err)
				}
			}
			out := filepath.Join(dir, "merged")
			o, err := Merge(ctx, f, dirs, Options{Out: out, Workers: 1, mergeRead: read})
			if rerun != 1 {
				t.Fatalf("the merge read %s of %s %d times before it ended", at, dirs[1], rerun)
			}
			if err == nil {
				o.Release()
				t.Fatal("merged the files of two runs of shard 1 without an error")
			}
			for _, w := range []string{dirs[1] + " (shard 1/3) was replaced while the merge read it", "nothing was written", "merge again"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, err := os.Stat(filepath.Join(out, "integrity-mc")); err == nil {
				t.Error("a merged folder was written")
			}
		})
	}
}
