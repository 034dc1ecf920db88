package experiment

import (
	"fmt"
	"slices"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in      string
		i, n    int
		wantErr bool
	}{
		{"0/1", 0, 1, false}, {"3/4", 3, 4, false}, {" 2 / 10 ", 2, 10, false},
		{"4/4", 0, 0, true}, {"-1/4", 0, 0, true}, {"1/0", 0, 0, true}, {"1", 0, 0, true}, {"a/b", 0, 0, true},
	} {
		s, err := ParseShard(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseShard(%q): %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (s.Index != tc.i || s.Count != tc.n) {
			t.Errorf("ParseShard(%q) = %d/%d, want %d/%d", tc.in, s.Index, s.Count, tc.i, tc.n)
		}
	}
}

// A hand-worked LPT case: costs 7, 5, 4, 3, 3, 2 on 2 shards.
// Sorted (cost desc, key asc): a7 b5 c4 d3 e3 f2.
// a→0 (0:7) b→1 (1:5) c→1 (1:9) d→0 (0:10) e→1 (1:12) f→0 (0:12).
// Then 10 paths of cost 1: loads 12, 12 → level 17, 5 paths each:
// shard 0 [0,5), shard 1 [5,10).
func TestPlanShardsLPT(t *testing.T) {
	units := []shardUnit{{key: "f", cost: 2}, {key: "e", cost: 3}, {key: "d", cost: 3}, {key: "c", cost: 4}, {key: "b", cost: 5}, {key: "a", cost: 7}}
	plans := planShards(2, units, 10, 1)
	if got, want := plans[0].Groups, []string{"f", "d", "a"}; !slices.Equal(got, want) {
		t.Errorf("shard 0 groups %v, want %v (experiment order)", got, want)
	}
	if got, want := plans[1].Groups, []string{"e", "c", "b"}; !slices.Equal(got, want) {
		t.Errorf("shard 1 groups %v, want %v", got, want)
	}
	if plans[0].Paths != [2]int{0, 5} || plans[1].Paths != [2]int{5, 10} {
		t.Errorf("paths %v %v, want [0 5] [5 10]", plans[0].Paths, plans[1].Paths)
	}
	if plans[0].Load != 17 || plans[1].Load != 17 {
		t.Errorf("loads %g %g, want 17 17", plans[0].Load, plans[1].Load)
	}
}

// A run group whose key begins as a walk-forward in-sample key does
// ("wf-is-…", the slug of a strategy named "WF IS momentum") is a run
// group: the plan tells them apart by what they are, not by their keys'
// spelling (it had put the group among the in-sample runs, where no
// shard ran it and the merge failed).
func TestPlanShardsGroupNamedLikeWalkForward(t *testing.T) {
	units := []shardUnit{{key: "wf-is-momentum", cost: 5}, {key: wfKey(0, "momentum"), cost: 3, wf: true}}
	plans := planShards(1, units, 0, 1)
	if got := plans[0].Groups; !slices.Equal(got, []string{"wf-is-momentum"}) {
		t.Errorf("groups %v, want [wf-is-momentum]", got)
	}
	if got := plans[0].WalkForward; !slices.Equal(got, []string{wfKey(0, "momentum")}) {
		t.Errorf("walk-forward %v, want [%s]", got, wfKey(0, "momentum"))
	}
}

// Paths go to the shards the runs left light: loads 10, 0, 4 with 8
// paths of cost 1 → level (8 + 0 + 4) / 2 = 6 over the two light shards
// (below 10): shard 1 gets 6, shard 2 gets 2, shard 0 none.
func TestPlanShardsWaterFill(t *testing.T) {
	got := fillPaths([]int64{10, 0, 4}, 8, 1)
	if !slices.Equal(got, []int{0, 6, 2}) {
		t.Errorf("fillPaths = %v, want [0 6 2]", got)
	}
	// Fractions: 3 shards of 0 and 10 paths → 3.33 each: 4, 3, 3.
	if got := fillPaths([]int64{0, 0, 0}, 10, 5); !slices.Equal(got, []int{4, 3, 3}) {
		t.Errorf("fillPaths = %v, want [4 3 3]", got)
	}
}

// Properties over many shapes: every unit in exactly one shard, the
// paths cut into contiguous ranges covering [0, P), every shard within
// the largest unit of the mean load (LPT's bound), and the same plan
// when computed again.
func TestPlanShardsProperties(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 7, 16, 100} {
		for _, paths := range []int{0, 1, 5, 300, 100_003} {
			var units []shardUnit
			maxCost := int64(0)
			for i := range 37 {
				c := int64(1 + (i*7919)%13)
				units = append(units, shardUnit{key: fmt.Sprintf("run-%02d", i), cost: c * 100})
				maxCost = max(maxCost, c*100)
			}
			units = append(units, shardUnit{key: wfKey(0, "run-01"), cost: 50, wf: true}, shardUnit{key: wfKey(1, "run-01"), cost: 80, wf: true})
			plans := planShards(n, units, paths, 3)
			again := planShards(n, units, paths, 3)
			seen := map[string]int{}
			next := 0
			total := 0.0
			for k, p := range plans {
				if !slices.Equal(p.Groups, again[k].Groups) || p.Paths != again[k].Paths {
					t.Fatalf("n=%d: plan not deterministic", n)
				}
				for _, g := range append(slices.Clone(p.Groups), p.WalkForward...) {
					seen[g]++
				}
				if p.Paths[0] != next || p.Paths[1] < p.Paths[0] {
					t.Fatalf("n=%d paths=%d: shard %d paths %v, want to start at %d", n, paths, k, p.Paths, next)
				}
				next = p.Paths[1]
				total += p.Load
			}
			if next != paths {
				t.Fatalf("n=%d: paths end at %d, want %d", n, next, paths)
			}
			for _, u := range units {
				if seen[u.key] != 1 {
					t.Fatalf("n=%d: %s in %d shards", n, u.key, seen[u.key])
				}
			}
			mean := total / float64(n)
			for k, p := range plans {
				if p.Load > mean+float64(maxCost)+3 {
					t.Errorf("n=%d paths=%d: shard %d load %g > mean %g + largest unit %d", n, paths, k, p.Load, mean, maxCost)
				}
			}
		}
	}
}

// A shard's estimate is its share: 1,001 runs on 4 shards → 251 each,
// so that --max-runs bounds one machine's work. Its memory is the
// program's 100 MiB (each shard is a process) and a quarter of the rest:
// 104,861,601 − 104,857,600 = 4,001 → ⌈4,001/4⌉ = 1,001 over 104,857,600.
func TestEstimateShare(t *testing.T) {
	e := Estimate{Runs: 1001, MonteCarlo: 800, Memory: 104_861_601, Disk: 9}
	s := e.share(&Shard{Index: 1, Count: 4})
	if s.Runs != 251 || s.MonteCarlo != 200 || s.Memory != 104_857_600+1001 || s.Disk != 3 {
		t.Errorf("share = %+v", s)
	}
	if got := e.share(nil); got != e {
		t.Errorf("no shard: %+v, want %+v", got, e)
	}
}
