package experiment

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// staleExperiment reads its bars from a table of files, which the tests
// rewrite between two shardings of the same experiment file.
const staleExperiment = `name = "stale"
seed = 1
start = "2024-01-01"
[data]
table = "bars/*.csv"
[data.classes]
BTC = "crypto"
ETH = "crypto"
[[strategy]]
name = "btc"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[[strategy]]
name = "eth"
type = "buy-and-hold"
[strategy.params]
symbols = ["ETH"]
[[strategy]]
name = "both"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC", "ETH"]
`

// TestMergeLeavesOutShardsOfStaleData: the experiment sharded 3 ways,
// its data then corrected (BTC's bars from June halved, the same file
// and dates) and the experiment sharded 2 ways into the same folder, as
// a Slurm array or an Indexed Job run again leaves them. The merge of
// the folder, or of the two fresh shards beside a stale one, chose the
// count before it knew the data: the stale 3 outvoted the current 2 and
// were then refused for their data ("nothing was written", after notes
// saying the 3 were merged). Now the data choose: the current set is
// merged, equal file for file to a one-machine run of the current data,
// each stale shard named in a note; so is a stale set of the same count
// in another folder (it clashed: "shard 0 of 2 is given 2 times").
// Without a complete current set, the error names the stale shards, the
// missing one and what to do.
func TestMergeLeavesOutShardsOfStaleData(t *testing.T) {
	dir := t.TempDir()
	bars := func(scale float64) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, "bars"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writeTableBars(filepath.Join(dir, "bars", "btc.csv"), "BTC", scale); err != nil {
			t.Fatal(err)
		}
		if err := writeTableBars(filepath.Join(dir, "bars", "eth.csv"), "ETH", 1); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(staleExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	shards, other := filepath.Join(dir, "shards"), filepath.Join(dir, "other")
	shard := func(out string, i, n int) string {
		t.Helper()
		if _, err := Run(ctx, f, Options{Out: out, Workers: 1, Shard: &Shard{Index: i, Count: n, Source: "test"}}); err != nil {
			t.Fatalf("shard %d/%d: %v", i, n, err)
		}
		return filepath.Join(out, Shard{Index: i, Count: n}.Name("stale"))
	}
	bars(1)
	stale3 := []string{shard(shards, 0, 3), shard(shards, 1, 3), shard(shards, 2, 3)}
	stale2 := []string{shard(other, 0, 2), shard(other, 1, 2)}
	bars(0.5)
	fresh := []string{shard(shards, 0, 2), shard(shards, 1, 2)}
	one, err := Run(ctx, f, Options{Out: filepath.Join(dir, "one"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	one.Release()

	for _, c := range []struct {
		name  string
		given []string
		stale []string
	}{
		{"the fresh set", fresh, nil},
		{"the folder", []string{shards}, stale3},
		{"the fresh set and a stale shard", append(slices.Clone(fresh), stale3[2]), stale3[2:]},
		{"two folders, a stale set of the same count", []string{shards, other}, append(slices.Clone(stale3), stale2...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dirs, err := ShardDirs(c.given)
			if err != nil {
				t.Fatal(err)
			}
			var notes []string
			out := filepath.Join(dir, "merged-"+strings.ReplaceAll(c.name, " ", "-"))
			o, err := Merge(ctx, f, dirs, Options{Out: out, Workers: 1, Note: func(s string) { notes = append(notes, s) }})
			if err != nil {
				t.Fatalf("the current set was refused: %v", err)
			}
			o.Release()
			if o.Merged != 2 {
				t.Errorf("%d shards merged, want the 2 fresh ones", o.Merged)
			}
			var left []string
			for _, n := range notes {
				if strings.HasPrefix(n, "left out: ") {
					left = append(left, n)
				}
			}
			if len(left) != len(c.stale) {
				t.Errorf("notes %q: want %d left out", notes, len(c.stale))
			}
			for _, s := range c.stale {
				want := "left out: " + s + " is not a shard of this experiment: its data differ"
				if !slices.ContainsFunc(left, func(n string) bool { return strings.HasPrefix(n, want) }) {
					t.Errorf("notes %q lack %q", left, want)
				}
			}
			sameResultFiles(t, filepath.Join(dir, "one", "stale"), filepath.Join(out, "stale"))
		})
	}
	t.Run("the fresh set incomplete", func(t *testing.T) {
		dirs := append([]string{fresh[0]}, stale3...)
		out := filepath.Join(dir, "merged-incomplete")
		_, err := Merge(ctx, f, dirs, Options{Out: out, Workers: 1})
		if err == nil {
			t.Fatal("merged without the fresh shard 1 of 2")
		}
		for _, w := range []string{stale3[0] + " is not a shard of this experiment: its data differ", stale3[2] + " is not a shard of this experiment: its data differ",
			"missing of 2: 1 (stale-shard-1-of-2)", "give the folders of one complete set", "nothing was written"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "stale")); err == nil {
			t.Error("a merged folder was written")
		}
	})
}

// sameResultFiles checks that the merged folder holds the one-machine
// folder's files, byte for byte, and merge.json besides.
func sameResultFiles(t *testing.T, one, merged string) {
	t.Helper()
	list := func(root string) []string {
		var out []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				out = append(out, rel)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := list(one), list(merged)
	b = slices.DeleteFunc(b, func(s string) bool { return s == MergeFile })
	if !slices.Equal(a, b) || len(a) < 10 {
		t.Fatalf("files differ:\none machine: %v\nmerged:      %v", a, b)
	}
	for _, name := range a {
		x, err1 := os.ReadFile(filepath.Join(one, name))
		y, err2 := os.ReadFile(filepath.Join(merged, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs from the one-machine run's", name)
		}
	}
}

// TestMergeRefusesAQueryOfChangedFiles: a query of files has no file to
// fingerprint, and its inputs were compared by rows and dates only. Its
// files corrected after the shards ran (BTC's prices from June halved,
// the same dates), the merge took the shards' runs beside the new bars
// (the legs, the attribution) and exited 0: neither the old data's
// results nor the new's. Now the bars are fingerprinted: the merge
// refuses the shards, and the shards run again on the new bars merge to
// the one-machine run's files.
func TestMergeRefusesAQueryOfChangedFiles(t *testing.T) {
	dir := t.TempDir()
	bars := filepath.Join(dir, "bars")
	if err := os.MkdirAll(bars, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(scale float64) {
		t.Helper()
		if err := writeTableBars(filepath.Join(bars, "btc.csv"), "BTC", scale); err != nil {
			t.Fatal(err)
		}
		if err := writeTableBars(filepath.Join(bars, "eth.csv"), "ETH", 1); err != nil {
			t.Fatal(err)
		}
	}
	text := strings.Replace(staleExperiment, `table = "bars/*.csv"`, `query = "SELECT * FROM read_csv('`+filepath.Join(bars, "*.csv")+`')"`, 1)
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	shards := filepath.Join(dir, "shards")
	runShards := func() []string {
		t.Helper()
		var dirs []string
		for i := range 2 {
			if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
				t.Fatalf("shard %d: %v", i, err)
			}
			dirs = append(dirs, filepath.Join(shards, Shard{Index: i, Count: 2}.Name("stale")))
		}
		return dirs
	}
	write(1)
	dirs := runShards()
	write(0.5)
	out := filepath.Join(dir, "merged")
	o, err := Merge(ctx, f, dirs, Options{Out: out, Workers: 1})
	if err == nil {
		o.Release()
		t.Fatal("merged the shards of the old bars beside the new")
	}
	for _, w := range []string{dirs[0] + " is not a shard of this experiment: its data differ: input 1 is BTC", dirs[1] + " is not a shard of this experiment", "nothing was written"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "stale")); err == nil {
		t.Error("a merged folder was written")
	}
	// Run again on the new bars: the merge is the one-machine run's.
	dirs = runShards()
	o, err = Merge(ctx, f, dirs, Options{Out: out, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	o.Release()
	one, err := Run(ctx, f, Options{Out: filepath.Join(dir, "one"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	one.Release()
	sameResultFiles(t, one.Dir, o.Dir)
}
