package experiment

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// Monte Carlo past the bands' exact limit (1,100 paths > 1,000), cut
// into 3 shards of about 367 paths (each exact on its own) and merged:
// the merged bands are the sketch of every path, the same bytes as one
// machine's (montecarlo_bands, the summary, the per-path table and the
// fan chart).
func TestShardedMonteCarloBeyondExact(t *testing.T) {
	if testing.Short() {
		t.Skip("1,100 paths, twice")
	}
	dir := t.TempDir()
	text := `name = "mc shards"
seed = 5
start = "2021-01-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "BTC"]
[montecarlo]
paths = 1100
days = 40
warmup_days = 0
shock = "ai-bubble-burst"
`
	path := filepath.Join(dir, "mc.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	one, err := Run(ctx, f, Options{Out: filepath.Join(dir, "one"), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	shards := filepath.Join(dir, "shards")
	for i := range 3 {
		if _, err := Run(ctx, f, Options{Out: shards, Workers: 2, Shard: &Shard{Index: i, Count: 3, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		m, err := ReadShardManifest(filepath.Join(shards, Shard{Index: i, Count: 3}.Name(results.Slug(f.Name))))
		if err != nil {
			t.Fatal(err)
		}
		if n := m.Paths[1] - m.Paths[0]; n < 300 || n > 1000 {
			t.Errorf("shard %d holds %d paths %v: want each shard exact on its own, the whole past the limit", i, n, m.Paths)
		}
	}
	dirs, err := ShardDirs([]string{shards})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Merge(ctx, f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if merged.MonteCarlo[0].bands.Exact() || merged.MonteCarlo[0].bands.Paths() != 1100 {
		t.Fatalf("merged bands: exact %v, %d paths; want the sketch of 1,100", merged.MonteCarlo[0].bands.Exact(), merged.MonteCarlo[0].bands.Paths())
	}
	for _, name := range []string{"montecarlo_bands.csv", "montecarlo_bands.parquet", "montecarlo_summary.csv", "montecarlo.csv", "montecarlo.parquet", "montecarlo.svg", "runs.csv", "manifest.json"} {
		a, err1 := os.ReadFile(filepath.Join(one.Dir, name))
		b, err2 := os.ReadFile(filepath.Join(merged.Dir, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs", name)
		}
	}
}

// A shard records its experiment file's path as given and made absolute;
// merge, when not given --experiment, reads the path as given when it is
// the same file from the merge's folder, else the absolute one when it is
// there: the path as typed (sw/sweep.toml) alone was read from the
// merge's folder, which found another file there, or none. A folder
// moved since still merges from the path as given.
func TestShardRecordsTheExperimentsAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sw"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "name = \"abs\"\nstart = \"2024-01-02\"\nend = \"2024-02-01\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "sw", "x.toml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	f, err := Load(filepath.Join("sw", "x.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f, Options{Out: "shards", Workers: 1, Shard: &Shard{Index: 0, Count: 1, Source: "test"}}); err != nil {
		t.Fatal(err)
	}
	m, err := ReadShardManifest(filepath.Join("shards", Shard{Index: 0, Count: 1}.Name("abs")))
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "sw", "x.toml")
	if m.Experiment != filepath.Join("sw", "x.toml") || m.ExperimentAbs != abs {
		t.Errorf("shard.json's experiment %q and %q, want sw/x.toml as given and %q", m.Experiment, m.ExperimentAbs, abs)
	}
	// From the folder the shard ran in, the path as typed: the merge
	// records it as the shard and a one-machine run do (manifest.json,
	// report.html).
	if got := m.ExperimentFile(); got != filepath.Join("sw", "x.toml") {
		t.Errorf("merge from the shard's folder reads %q, want sw/x.toml as typed", got)
	}
	// From another folder, the absolute path is read.
	t.Chdir(t.TempDir())
	if got := m.ExperimentFile(); got != abs {
		t.Errorf("merge from another folder reads %q, want %q", got, abs)
	}
	// Shards run in a folder since moved: the path as given, from the
	// folder the merge runs in (the review's case: a run in mA, merged
	// in its copy mB, failed for mA's file).
	moved := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	defer os.Rename(moved, dir)
	t.Chdir(moved)
	if got := m.ExperimentFile(); got != filepath.Join("sw", "x.toml") {
		t.Errorf("merge in the moved folder reads %q, want sw/x.toml", got)
	}
}

// TestShardSlugCollision: a shard of experiment "Integrity MC" does not
// replace the shard folder of "integrity mc" (same slug), as a
// one-machine run does not replace its results; the folder keeps the
// first experiment's shard. The first experiment, edited, replaces its
// own shard.
func TestShardSlugCollision(t *testing.T) {
	dir := t.TempDir()
	shards := filepath.Join(dir, "shards")
	ctx := context.Background()
	folder := filepath.Join(shards, Shard{Index: 0, Count: 2}.Name("integrity-mc"))
	run := func(file, text string) error {
		p := filepath.Join(dir, file)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Run(ctx, f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: 0, Count: 2, Source: "test"}})
		return err
	}
	if err := run("a.toml", integrityExperiment); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(folder, ShardFile))
	if err != nil {
		t.Fatal(err)
	}
	err = run("b.toml", strings.Replace(integrityExperiment, `name = "integrity mc"`, `name = "Integrity MC"`, 1))
	if err == nil {
		t.Fatal(`shard 0 of "Integrity MC" replaced the shard folder of "integrity mc" without an error`)
	}
	for _, w := range []string{folder, `experiment "integrity mc"`, `"Integrity MC" maps to the same folder name`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	after, err := os.ReadFile(filepath.Join(folder, ShardFile))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the shard folder of \"integrity mc\" changed (%v)", err)
	}
	if err := run("a.toml", strings.Replace(integrityExperiment, "seed = 5", "seed = 6", 1)); err != nil {
		t.Errorf("the experiment's own shard, after an edit: %v", err)
	}
	m, err := ReadShardManifest(folder)
	if err != nil || m.ExperimentName != "integrity mc" {
		t.Errorf("shard.json: %+v, %v; want experiment_name \"integrity mc\"", m, err)
	}
}

// TestShardFolderSameBytes: a shard run again (a retried pod, another
// worker count) writes its folder byte for byte as before, as a
// one-machine run does. The pair hedges' statistics (rebalances, hedge
// ratios: seven per run) went into state.gob as a map, which gob writes
// in Go's random iteration order: state.gob, and shard.json's checksum
// of it, differed from one run of the shard to the next.
func TestShardFolderSameBytes(t *testing.T) {
	dir := t.TempDir()
	text := `name = "same shard"
seed = 3
start = "2021-01-01"
end = "2021-09-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "FET"]
lookback = 30
[strategy.sweep]
hedge = ["dollar", "beta", "vol"]
gross = [0.5, 1.0]
`
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for i, workers := range []int{1, 2, 1} {
		out := filepath.Join(dir, fmt.Sprintf("shards%d", i))
		if _, err := Run(context.Background(), f, Options{Out: out, Workers: workers, Shard: &Shard{Index: 0, Count: 2, Source: "test"}}); err != nil {
			t.Fatal(err)
		}
		folders = append(folders, filepath.Join(out, Shard{Index: 0, Count: 2}.Name("same-shard")))
	}
	st, err := os.ReadFile(filepath.Join(folders[0], stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(st, []byte("hedge_ratio_mean")) {
		t.Fatalf("%s holds no strategy statistics: the test wants some", stateFile)
	}
	want := folderFiles(t, folders[0])
	for i, other := range folders[1:] {
		got := folderFiles(t, other)
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("run %d of shard 0/2: %s differs from the first run's", i+2, name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("run %d of shard 0/2 wrote %d files, the first %d", i+2, len(got), len(want))
		}
	}
}
