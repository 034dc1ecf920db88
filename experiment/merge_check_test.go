package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

func TestCheckShards(t *testing.T) {
	inputs := []results.Input{{Symbol: "NVDA", SHA256: "synthetic", Rows: 100}}
	ref := shardRef{sha: "aaaa", path: "given.toml", version: "0.1.0", inputs: inputs, slug: "exp"}
	m := func(i, n int) *ShardManifest {
		return &ShardManifest{ExperimentSHA256: "aaaa", ProgramVersion: "0.1.0", Inputs: inputs, Shard: i, Shards: n}
	}
	t.Run("complete, any order", func(t *testing.T) {
		order, _, err := checkShards([]string{"c", "a", "b"}, []*ShardManifest{m(2, 3), m(0, 3), m(1, 3)}, ref)
		if err != nil {
			t.Fatal(err)
		}
		if order[0] != 1 || order[1] != 2 || order[2] != 0 {
			t.Errorf("order %v, want [1 2 0]", order)
		}
	})
	for _, tc := range []struct {
		name string
		dirs []string
		ms   []*ShardManifest
		want []string
	}{
		{"missing", []string{"s0", "s2"}, []*ShardManifest{m(0, 3), m(2, 3)}, []string{"missing of 3: 1 (exp-shard-1-of-3)"}},
		{"duplicated", []string{"s0", "s1", "copy/s1"}, []*ShardManifest{m(0, 2), m(1, 2), m(1, 2)}, []string{"shard 1 of 2 is given 2 times: s1, copy/s1"}},
		// One folder named twice: said so, not listed twice ("s1, s1").
		{"one folder twice", []string{"s0", "s1", "./s1"}, []*ShardManifest{m(0, 2), m(1, 2), m(1, 2)}, []string{"shard 1 of 2: its folder s1 is given 2 times"}},
		{"other version", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest { x := m(1, 2); x.ProgramVersion = "0.0.9"; return x }()},
			[]string{"s1 is not a shard of this experiment: it was written by divergence 0.0.9, this is 0.1.0", "missing of 2: 1"}},
		// Of this version but another build (Options.Build: the sha256 of
		// another executable).
		{"other build", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest { x := m(1, 2); x.ProgramBuild = "0123456789abcdef"; return x }()},
			[]string{"s1 is not a shard of this experiment: it was written by another build of divergence 0.1.0 (executable sha256 0123456789ab), this merge's is none recorded", "missing of 2: 1"}},
		// The merge's own file is named (it named the shard's recorded
		// path as the merge's).
		{"other experiment", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest {
			x := m(1, 2)
			x.Experiment, x.ExperimentSHA256 = "recorded.toml", "bbbb"
			return x
		}()},
			[]string{"s1 is not a shard of this experiment: it was run from another experiment file (recorded.toml, sha256 bbbb; the merge's given.toml is aaaa: give the shards' file with --experiment)"}},
		// The merge's file is the one the shard ran, edited since: there
		// is no other file to give (it said "another experiment file").
		{"edited since", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest {
			x := m(1, 2)
			x.Experiment, x.ExperimentSHA256 = "given.toml", "bbbb"
			return x
		}()},
			[]string{"s1 is not a shard of this experiment: it was run from another version of the experiment file given.toml (sha256 bbbb; the file is now aaaa)"}},
		{"other data", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest {
			x := m(1, 2)
			x.Inputs = []results.Input{{Symbol: "NVDA", SHA256: "cafe", Rows: 100}}
			return x
		}()}, []string{"s1 is not a shard of this experiment: its data differ: input 1 is NVDA cafe 100 rows"}},
		// Shards of two counts, neither set complete: the count most
		// shards give (3: s0 and s2, against t alone of 2), t named.
		{"other count", []string{"s0", "t", "s2"}, []*ShardManifest{m(0, 3), m(0, 2), m(2, 3)}, []string{"t is shard 0 of 2, the others are of 3: give the shards of one count", "missing of 3: 1"}},
		{"stress vs run", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest { x := m(1, 2); x.Stress = true; return x }()},
			[]string{"s1 is not a shard of this experiment: it was run by `divergence stress`"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := checkShards(tc.dirs, tc.ms, ref)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tc.want, "nothing was written") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestCheckShardsTwoCounts: the experiment sharded into 2, then into 3,
// in one folder (same file, program and data): the complete set is
// merged and the other count's shards are left out with a note; it was
// an error ("not a shard of this experiment: it is shard 0 of 2, the
// others are of 3") though either set merges to the same folder. A
// complete set wins over a larger incomplete one.
func TestCheckShardsTwoCounts(t *testing.T) {
	inputs := []results.Input{{Symbol: "NVDA", SHA256: "synthetic", Rows: 100}}
	ref := shardRef{sha: "aaaa", path: "e.toml", version: "0.1.0", inputs: inputs, slug: "exp"}
	m := func(i, n int) *ShardManifest {
		return &ShardManifest{ExperimentSHA256: "aaaa", ProgramVersion: "0.1.0", Inputs: inputs, Shard: i, Shards: n}
	}
	for _, tc := range []struct {
		name  string
		dirs  []string
		ms    []*ShardManifest
		order []int
		notes []string
	}{
		// 3 of 3 and 2 of 2: both complete, the one of more shards.
		{"both complete", []string{"a0", "a1", "b0", "b1", "b2"}, []*ShardManifest{m(0, 2), m(1, 2), m(0, 3), m(1, 3), m(2, 3)}, []int{2, 3, 4},
			[]string{"left out: a0 is shard 0 of 2 of this experiment: the complete set of 3 shards is merged", "left out: a1 is shard 1 of 2 of this experiment: the complete set of 3 shards is merged"}},
		// 2 of 2 complete, 2 of 3 (a tie of votes, 3 incomplete): the 2.
		{"the complete one", []string{"b0", "a0", "b2", "a1"}, []*ShardManifest{m(0, 3), m(0, 2), m(2, 3), m(1, 2)}, []int{1, 3},
			[]string{"left out: b0 is shard 0 of 3 of this experiment: the complete set of 2 shards is merged", "left out: b2 is shard 2 of 3 of this experiment: the complete set of 2 shards is merged"}},
		// 3 of 4 (most votes, incomplete) beside a complete 2 of 2.
		{"complete over more", []string{"c0", "c1", "c3", "a0", "a1"}, []*ShardManifest{m(0, 4), m(1, 4), m(3, 4), m(0, 2), m(1, 2)}, []int{3, 4},
			[]string{"left out: c0 is shard 0 of 4", "left out: c1 is shard 1 of 4", "left out: c3 is shard 3 of 4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			order, notes, err := checkShards(tc.dirs, tc.ms, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(order, tc.order) {
				t.Errorf("order %v, want %v", order, tc.order)
			}
			if len(notes) != len(tc.notes) {
				t.Fatalf("notes %q, want %d", notes, len(tc.notes))
			}
			for i, w := range tc.notes {
				if !strings.HasPrefix(notes[i], w) {
					t.Errorf("note %q, want it to begin %q", notes[i], w)
				}
			}
		})
	}
}

// TestCheckShardsLeavesOutOtherExperiments: the shard count is chosen
// among the shards of the merge's file, program and data only: a
// complete set of the current file's shards (2 of 2) beside more shards
// of an older version of it (3 of 3) or of another program is merged,
// the others named in notes; without a complete current set the error
// names every shard.
func TestCheckShardsLeavesOutOtherExperiments(t *testing.T) {
	inputs := []results.Input{{Symbol: "NVDA", SHA256: "synthetic", Rows: 100}}
	ref := shardRef{sha: "new", path: "e.toml", version: "0.1.0", inputs: inputs, slug: "exp"}
	m := func(i, n int, sha, version string) *ShardManifest {
		return &ShardManifest{Experiment: "e.toml", ExperimentSHA256: sha, ProgramVersion: version, Inputs: inputs, Shard: i, Shards: n}
	}
	dirs := []string{"exp-shard-0-of-2", "exp-shard-0-of-3", "exp-shard-1-of-2", "exp-shard-1-of-3", "exp-shard-2-of-3", "old-version"}
	ms := []*ShardManifest{m(0, 2, "new", "0.1.0"), m(0, 3, "old", "0.1.0"), m(1, 2, "new", "0.1.0"), m(1, 3, "old", "0.1.0"), m(2, 3, "old", "0.1.0"), m(1, 2, "new", "0.0.9")}
	order, notes, err := checkShards(dirs, ms, ref)
	if err != nil {
		t.Fatalf("the complete current set was refused: %v", err)
	}
	if !slices.Equal(order, []int{0, 2}) {
		t.Errorf("order %v, want [0 2] (exp-shard-0-of-2, exp-shard-1-of-2)", order)
	}
	want := []string{
		"left out: exp-shard-0-of-3 is not a shard of this experiment: it was run from another version of the experiment file e.toml (sha256 old; the file is now new)",
		"left out: exp-shard-1-of-3 is not a shard of this experiment: it was run from another version of the experiment file e.toml",
		"left out: exp-shard-2-of-3 is not a shard of this experiment: it was run from another version of the experiment file e.toml",
		"left out: old-version is not a shard of this experiment: it was written by divergence 0.0.9, this is 0.1.0",
	}
	if len(notes) != len(want) {
		t.Fatalf("notes %q, want %d", notes, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(notes[i], w) {
			t.Errorf("note %d %q, want it to begin %q", i, notes[i], w)
		}
	}
	// The current set incomplete: an error naming the missing shard and
	// the stale ones.
	_, _, err = checkShards(dirs[:2], ms[:2], ref)
	if err == nil {
		t.Fatal("an incomplete current set was merged")
	}
	for _, w := range []string{"missing of 2: 1 (exp-shard-1-of-2)", "exp-shard-0-of-3 is not a shard of this experiment"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestShardsExperiment: merge without --experiment reads the file the
// shards record; shards of two versions of one file are one experiment
// (the file now chooses), shards of two files are refused, naming each
// with its folders and asking for --experiment.
func TestShardsExperiment(t *testing.T) {
	dir := t.TempDir()
	write := func(folder, exp, sha string) string {
		t.Helper()
		d := filepath.Join(dir, folder)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, exp)
		if err := os.WriteFile(p, []byte("name = \"x\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		m := &ShardManifest{Experiment: exp, ExperimentAbs: p, ExperimentSHA256: sha, ProgramVersion: "0.1.0", Shard: 0, Shards: 1}
		var b bytes.Buffer
		if err := WriteShardManifest(&b, m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, ShardFile), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	a1, a2 := write("a-shard-0-of-1", "a.toml", "new"), write("a-shard-0-of-2", "a.toml", "old")
	b1 := write("b-shard-0-of-1", "b.toml", "bbbb")
	got, err := ShardsExperiment([]string{a1, a2})
	if err != nil || got != filepath.Join(dir, "a.toml") {
		t.Errorf("two versions of a.toml: %q, %v; want %s", got, err, filepath.Join(dir, "a.toml"))
	}
	_, err = ShardsExperiment([]string{a1, a2, b1})
	if err == nil {
		t.Fatal("the shards of a.toml and b.toml: no error")
	}
	for _, w := range []string{"2 experiment files", "--experiment", filepath.Join(dir, "a.toml") + " (2 shard folder(s): [" + a1 + " " + a2 + "])",
		filepath.Join(dir, "b.toml") + " (1 shard folder(s): [" + b1 + "])"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestShardsExperimentSameNames: two sets of shards of one name, run
// into two folders from two experiment files of that name, are told
// apart by their folders as given, not by the shard folders' names, which
// are the same in both sets.
func TestShardsExperimentSameNames(t *testing.T) {
	dir := t.TempDir()
	write := func(set, exp string) string {
		t.Helper()
		d := filepath.Join(dir, set, "x-shard-0-of-1")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, exp)
		if err := os.WriteFile(p, []byte("name = \"x\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		m := &ShardManifest{Experiment: exp, ExperimentAbs: p, ExperimentSHA256: exp, ProgramVersion: "0.1.0", Shard: 0, Shards: 1}
		var b bytes.Buffer
		if err := WriteShardManifest(&b, m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, ShardFile), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	one, two := write("one", "x.toml"), write("two", "x2.toml")
	_, err := ShardsExperiment([]string{one, two})
	if err == nil {
		t.Fatal("the shards of x.toml and x2.toml: no error")
	}
	for _, w := range []string{filepath.Join(dir, "x.toml") + " (1 shard folder(s): [" + one + "])",
		filepath.Join(dir, "x2.toml") + " (1 shard folder(s): [" + two + "])"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestFilesDiffer: how a shard's fingerprinted files differ from the
// merge's, by key.
func TestFilesDiffer(t *testing.T) {
	sc := FileSHA{Key: "scenarios[0]", Path: "s.toml", SHA256: "aaaa"}
	fu := FileSHA{Key: "costs.symbols.BTC.funding_file", Path: "f.csv", SHA256: "bbbb"}
	edited := sc
	edited.SHA256 = "cccc"
	for _, c := range []struct {
		shard, merge []FileSHA
		want         string
	}{
		{[]FileSHA{sc, fu}, []FileSHA{sc, fu}, ""},
		{nil, nil, ""},
		{[]FileSHA{sc, fu}, []FileSHA{edited, fu}, "its scenarios[0] (s.toml) had sha256 aaaa, the file now has cccc"},
		{[]FileSHA{sc}, []FileSHA{sc, fu}, "it did not read costs.symbols.BTC.funding_file (f.csv)"},
		{[]FileSHA{sc, fu}, []FileSHA{sc}, "it read costs.symbols.BTC.funding_file (f.csv), which the experiment no longer names"},
		{nil, []FileSHA{sc}, "written by an older divergence"},
	} {
		if got := filesDiffer(c.shard, c.merge); c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("filesDiffer(%v, %v) = %q, want %q", c.shard, c.merge, got, c.want)
		}
	}
}

// TestMergeAfterReshard: an experiment sharded 3 ways, then edited and
// sharded 2 ways into the same folder, merges from that folder: the
// current 2 shards, the 3 stale ones named in notes (they outvoted the
// current count, and the complete current set was refused as foreign).
func TestMergeAfterReshard(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.toml")
	shards := filepath.Join(dir, "shards")
	ctx := context.Background()
	for _, c := range []struct {
		seed string
		n    int
	}{{"seed = 5", 3}, {"seed = 6", 2}} {
		if err := os.WriteFile(p, []byte(strings.Replace(integrityExperiment, "seed = 5", c.seed, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.n {
			if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: c.n, Source: "test"}}); err != nil {
				t.Fatalf("shard %d/%d: %v", i, c.n, err)
			}
		}
	}
	dirs, err := ShardDirs([]string{shards})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 5 {
		t.Fatalf("%d shard folders, want 5", len(dirs))
	}
	path, err := ShardsExperiment(dirs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	o, err := Merge(ctx, f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 1, Note: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatalf("the current experiment's complete set was refused: %v", err)
	}
	defer o.Release()
	if o.Merged != 2 {
		t.Errorf("%d shards merged, want 2", o.Merged)
	}
	var left []string
	for _, n := range notes {
		if strings.HasPrefix(n, "left out: ") {
			left = append(left, n)
		}
	}
	if len(left) != 3 {
		t.Fatalf("notes %q: want 3 saying a shard of 3 was left out", notes)
	}
	for i, n := range left {
		if w := filepath.Join(shards, Shard{Index: i, Count: 3}.Name("integrity-mc")) + " is not a shard of this experiment: it was run from another version of the experiment file " + f.Path(); !strings.HasPrefix(n, "left out: "+w) {
			t.Errorf("note %q, want it to begin %q", n, "left out: "+w)
		}
	}
}

// TestCheckShardsBeforeTheData: before the data are loaded (ref.inputs
// nil) the shards of stale data look current, so a clash that they may
// cause (two shards 0 of 2, one of each data) is not yet an error and no
// set is chosen; an index missing from every count is one, as no data
// can mend it.
func TestCheckShardsBeforeTheData(t *testing.T) {
	ref := shardRef{sha: "aaaa", path: "e.toml", version: "0.1.0", slug: "exp"}
	m := func(i, n int) *ShardManifest {
		return &ShardManifest{ExperimentSHA256: "aaaa", ProgramVersion: "0.1.0", Shard: i, Shards: n}
	}
	order, notes, err := checkShards([]string{"a0", "a1", "b0", "b1"}, []*ShardManifest{m(0, 2), m(1, 2), m(0, 2), m(1, 2)}, ref)
	if err != nil || order != nil || notes != nil {
		t.Errorf("two sets of 2: order %v, notes %q, error %v; want none of them until the data choose", order, notes, err)
	}
	_, _, err = checkShards([]string{"a0", "b0", "b2"}, []*ShardManifest{m(0, 2), m(0, 3), m(2, 3)}, ref)
	if err == nil || !strings.Contains(err.Error(), "missing of") {
		t.Errorf("no count complete: %v; want the missing shard named", err)
	}
}
