package experiment

import (
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
		order, err := checkShards([]string{"c", "a", "b"}, []*ShardManifest{m(2, 3), m(0, 3), m(1, 3)}, ref)
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
		{"other version", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest { x := m(1, 2); x.ProgramVersion = "0.0.9"; return x }()},
			[]string{"s1 is not a shard of this experiment: it was written by divergence 0.0.9, this is 0.1.0", "missing of 2: 1"}},
		// The merge's own file is named (it named the shard's recorded
		// path as the merge's).
		{"other experiment", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest {
			x := m(1, 2)
			x.Experiment, x.ExperimentSHA256 = "recorded.toml", "bbbb"
			return x
		}()},
			[]string{"s1 is not a shard of this experiment: it was run from another experiment file (recorded.toml, sha256 bbbb; the merge's given.toml is aaaa: give the shards' file with --experiment)"}},
		{"other data", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest {
			x := m(1, 2)
			x.Inputs = []results.Input{{Symbol: "NVDA", SHA256: "cafe", Rows: 100}}
			return x
		}()}, []string{"s1 is not a shard of this experiment: its data differ: input 1 is NVDA cafe 100 rows"}},
		{"other count", []string{"s0", "s1", "t"}, []*ShardManifest{m(0, 2), m(1, 2), m(0, 3)}, []string{"t is not a shard of this experiment: it is shard 0 of 3, the others are of 2"}},
		{"stress vs run", []string{"s0", "s1"}, []*ShardManifest{m(0, 2), func() *ShardManifest { x := m(1, 2); x.Stress = true; return x }()},
			[]string{"s1 is not a shard of this experiment: it was run by `divergence stress`"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkShards(tc.dirs, tc.ms, ref)
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
