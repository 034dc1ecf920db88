package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeRefusesAnotherBuild: the version ("0.1.0") is the same for
// every build between two releases, so shards run by two programs of
// different code passed the merge's version check and their runs were
// merged side by side (a shard of a build whose Sharpe had been doubled
// gave a runs.csv with half its Sharpe ratios doubled). Each shard
// records its Options.Build; the merge refuses a shard of another build,
// naming it, and merges the shards of its own.
func TestMergeRefusesAnotherBuild(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(integrityExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const a, b = "aaaaaaaaaaaa1111", "bbbbbbbbbbbb2222" // two builds' executables' sha256
	shards := filepath.Join(dir, "shards")
	var dirs []string
	for i, build := range []string{a, b} {
		if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Version: "0.1.0", Build: build, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		d := filepath.Join(shards, Shard{Index: i, Count: 2}.Name("integrity-mc"))
		m, err := ReadShardManifest(d)
		if err != nil {
			t.Fatal(err)
		}
		if m.ProgramBuild != build {
			t.Errorf("shard %d records build %q, want %q", i, m.ProgramBuild, build)
		}
		dirs = append(dirs, d)
	}
	out := filepath.Join(dir, "merged")
	o, err := Merge(ctx, f, dirs, Options{Out: out, Workers: 1, Version: "0.1.0", Build: a})
	if err == nil {
		o.Release()
		t.Fatal("the shards of two builds were merged")
	}
	for _, w := range []string{dirs[1] + " is not a shard of this experiment: it was written by another build of divergence 0.1.0 (executable sha256 bbbbbbbbbbbb), this merge's is executable sha256 aaaaaaaaaaaa",
		"missing of 2: 1", "nothing was written"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "integrity-mc")); err == nil {
		t.Error("a merged folder was written")
	}
	// Shard 1 run again by build a: the two merge.
	if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Version: "0.1.0", Build: a, Shard: &Shard{Index: 1, Count: 2, Source: "test"}}); err != nil {
		t.Fatal(err)
	}
	o, err = Merge(ctx, f, dirs, Options{Out: out, Workers: 1, Version: "0.1.0", Build: a})
	if err != nil {
		t.Fatalf("the shards of one build: %v", err)
	}
	o.Release()
}
