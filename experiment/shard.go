package experiment

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/divergence-research/divergence/results"
)

// Shards: one experiment cut into N parts that run anywhere and merge
// back into the bytes of a one-machine run.
//
// A shard executes:
//
//   - its run groups: a run group is one parameter set (a RunSpec key)
//     with every scenario view of it and, under scenarios, its long-leg
//     companion run — estimated to cost timeline steps × views × (1 + a
//     companion);
//   - its walk-forward in-sample runs (one per strategy × window ×
//     candidate, keyed wf-is-<window>-<candidate key>), each estimated at
//     the steps up to its window's end; the choice of the best candidate
//     and the out-of-sample runs are done by the merge (they need every
//     in-sample score);
//   - a contiguous range [from, to) of the Monte Carlo paths, each path
//     estimated at (warm-up + days) × the Monte Carlo runs.
//
// The assignment (planShards) is greedy longest-processing-time: the run
// groups and in-sample runs, sorted by estimated cost (highest first, then
// key), each go to the shard with the least load so far (ties: the lowest
// index); then the paths fill the shards up to a common level (water
// filling), in shard order. It depends only on the experiment file and its
// data, so every shard process computes the same plan, and the merge
// recomputes it to check what each shard holds.

// Shard is one part of N of an experiment (Options.Shard).
type Shard struct {
	// Index is the shard's number, 0 to Count − 1 (Kubernetes'
	// JOB_COMPLETION_INDEX numbering).
	Index int
	// Count is the number of shards, N ≥ 1.
	Count int
	// Source says how Index and Count were obtained, for shard.json:
	// "--shard 2/4", "kubernetes: JOB_COMPLETION_INDEX=2, DIVERGENCE_SHARDS=4",
	// "slurm: SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=1".
	Source string
}

// ParseShard reads "I/N" (0 ≤ I < N): shard I of N.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want I/N, shard I (0 to N−1) of N", s)
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want I/N with whole numbers, shard I (0 to N−1) of N", s)
	}
	sh := Shard{Index: i, Count: n}
	return sh, sh.Validate()
}

// Validate checks 0 ≤ Index < Count ≤ MaxShards.
func (s Shard) Validate() error {
	if s.Count < 1 || s.Count > MaxShards {
		return fmt.Errorf("shard %d/%d: want 1 to %d shards", s.Index, s.Count, MaxShards)
	}
	if s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: the index must be 0 to %d", s.Index, s.Count, s.Count-1)
	}
	return nil
}

// MaxShards bounds a shard count.
const MaxShards = 100_000

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Name is the shard's folder name beside the experiment's: <slug>-shard-I-of-N.
func (s Shard) Name(slug string) string {
	return fmt.Sprintf("%s-shard-%d-of-%d", slug, s.Index, s.Count)
}

// ShardFile is the name of a shard folder's manifest.
const ShardFile = "shard.json"

// ShardManifest is a shard folder's shard.json: what the shard was made
// from and what it holds. The merge checks that shards belong together
// by it.
type ShardManifest struct {
	// Experiment is the experiment file's path as given to the shard, and
	// ExperimentAbs the same made absolute: merge, when not given
	// --experiment, reads the file at ExperimentAbs when there is one
	// there (a merge from another folder), else at Experiment (shards run
	// in a folder since moved or copied, merged from its new place).
	Experiment    string `json:"experiment"`
	ExperimentAbs string `json:"experiment_abs,omitempty"`
	// ExperimentName is the experiment's name: a shard of another
	// experiment whose name has the same slug ("A/B" and "a b") is not
	// replaced by it (empty in a shard of an older divergence).
	ExperimentName string `json:"experiment_name,omitempty"`
	// ExperimentSHA256 is the experiment file's SHA-256.
	ExperimentSHA256 string `json:"experiment_sha256"`
	// ProgramVersion is the version of the program that ran the shard.
	ProgramVersion string `json:"program_version"`
	// ProgramBuild identifies the build of the program that ran the
	// shard (Options.Build: the SHA-256 of its executable): the merge
	// refuses a shard of another build, as of another version.
	ProgramBuild string `json:"program_build,omitempty"`
	// Stress is true for `divergence stress` (every library scenario when
	// the file names none).
	Stress bool `json:"stress"`
	// Inputs are the market data read, with their SHA-256 (results.Input).
	Inputs []results.Input `json:"inputs"`
	// Files are the other files the experiment reads (scenario and
	// funding files), with their SHA-256 (see File.auxFiles).
	Files []FileSHA `json:"files"`
	// Shard is this shard's index, 0 to Shards − 1.
	Shard  int `json:"shard"`
	Shards int `json:"shards"`
	// Source says how the shard index was obtained (Shard.Source).
	Source string `json:"source"`
	// Groups are the run groups (parameter-set keys) the shard ran; Runs
	// every run key it holds (groups × views, long-leg companions).
	Groups []string `json:"groups"`
	Runs   []string `json:"runs"`
	// WalkForward are the keys of the walk-forward in-sample runs it ran.
	WalkForward []string `json:"walkforward_in_sample"`
	// Paths is the range [from, to) of Monte Carlo paths it ran: [0, 0]
	// without Monte Carlo, an empty [k, k] when the plan gave it none
	// (the ranges of the shards in index order tile 0..paths).
	Paths [2]int `json:"montecarlo_paths"`
	// Checksums are the SHA-256 of the files the merge reads from the
	// shard folder, by name: state.gob, and montecarlo_paths.parquet and
	// walkforward_in_sample.parquet when the shard wrote them. The merge
	// refuses a shard whose files differ, or that records none (a shard
	// of an older divergence).
	Checksums map[string]string `json:"checksums_sha256,omitempty"`
}

// ExperimentFile is the path merge reads the experiment file from when
// not given one: Experiment, the path as typed, when from the merge's
// folder it is the file at ExperimentAbs (so that the merge records the
// path as a one-machine run of it does, in manifest.json and
// report.html); else ExperimentAbs when a file is there (a merge from
// another folder); else Experiment (shards run in a folder since moved).
func (m *ShardManifest) ExperimentFile() string {
	if m.ExperimentAbs != "" {
		if ai, err := os.Stat(m.ExperimentAbs); err == nil {
			if ti, err := os.Stat(m.Experiment); err == nil && os.SameFile(ai, ti) {
				return m.Experiment
			}
			return m.ExperimentAbs
		}
	}
	return m.Experiment
}

// WriteShardManifest writes m as JSON (results.WriteJSON).
func WriteShardManifest(w io.Writer, m *ShardManifest) error {
	out := *m
	for _, l := range []*[]string{&out.Groups, &out.Runs, &out.WalkForward} {
		if *l == nil {
			*l = []string{}
		}
	}
	if out.Inputs == nil {
		out.Inputs = []results.Input{}
	}
	return results.WriteJSON(w, &out)
}

// ReadShardManifest reads dir/shard.json.
func ReadShardManifest(dir string) (*ShardManifest, error) {
	m, _, err := readShardManifest(dir)
	return m, err
}

// readShardManifest reads dir/shard.json, and returns its bytes too.
func readShardManifest(dir string) (*ShardManifest, []byte, error) {
	path := filepath.Join(dir, ShardFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a shard folder: %w", dir, err)
	}
	var m ShardManifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := (Shard{Index: m.Shard, Count: m.Shards}).Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, b, nil
}

// shardUnit is a piece of work the plan assigns: a run group or a
// walk-forward in-sample run.
type shardUnit struct {
	key  string
	cost int64
	wf   bool // a walk-forward in-sample run (key from wfKey), not a run group
}

// ShardPlan is what one shard executes.
type ShardPlan struct {
	Groups      []string // run group keys, in experiment order
	WalkForward []string // walk-forward in-sample keys, in experiment order
	Paths       [2]int   // Monte Carlo paths [from, to)
	Load        float64  // estimated cost, in steps
}

// planShards assigns units and paths to n shards (see the comment at the
// top of this file). units are in experiment order; each plan lists its
// keys in that order. pathCost is one path's estimated cost (> 0 when
// paths > 0).
func planShards(n int, units []shardUnit, paths int, pathCost int64) []ShardPlan {
	plans := make([]ShardPlan, n)
	order := make([]int, len(units))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(units[b].cost, units[a].cost); c != 0 {
			return c
		}
		return cmp.Compare(units[a].key, units[b].key)
	})
	load := make([]int64, n)
	owner := make([]int, len(units))
	for _, u := range order {
		best := 0
		for k := 1; k < n; k++ {
			if load[k] < load[best] {
				best = k
			}
		}
		owner[u] = best
		load[best] += units[u].cost
	}
	for i, u := range units {
		p := &plans[owner[i]]
		if u.wf {
			p.WalkForward = append(p.WalkForward, u.key)
		} else {
			p.Groups = append(p.Groups, u.key)
		}
	}
	counts := fillPaths(load, paths, pathCost)
	from := 0
	for k := range plans {
		plans[k].Paths = [2]int{from, from + counts[k]}
		from += counts[k]
		plans[k].Load = float64(load[k]) + float64(counts[k])*float64(pathCost)
	}
	return plans
}

// wfPrefix begins the keys of walk-forward in-sample runs.
const wfPrefix = "wf-is-"

// wfKey is the key of the walk-forward in-sample run of candidate key in
// window k (0-based), the same text its seed derives from.
func wfKey(k int, key string) string { return fmt.Sprintf("%s%d-%s", wfPrefix, k, key) }

// fillPaths splits paths among shards of the given loads so that their
// loads end as level as they can: shard k gets about max(0, L − load_k) /
// pathCost paths, L chosen so that they add up to paths; the rounding
// remainder goes to the shards with the largest fractions (ties: lowest
// index).
func fillPaths(load []int64, paths int, pathCost int64) []int {
	n := len(load)
	counts := make([]int, n)
	if paths == 0 {
		return counts
	}
	if pathCost <= 0 {
		pathCost = 1
	}
	c := float64(pathCost)
	// Work in paths: a shard's load is load_k / c paths.
	l := make([]float64, n)
	for k := range load {
		l[k] = float64(load[k]) / c
	}
	sorted := slices.Clone(l)
	slices.Sort(sorted)
	// Raise the level over the j lowest shards until paths are used up.
	level := 0.0
	sum := 0.0
	for j := 1; j <= n; j++ {
		sum += sorted[j-1]
		lv := (float64(paths) + sum) / float64(j)
		if j == n || lv <= sorted[j] {
			level = lv
			break
		}
	}
	ideal := make([]float64, n)
	total := 0
	for k := range l {
		ideal[k] = math.Max(0, level-l[k])
		counts[k] = int(math.Floor(ideal[k]))
		total += counts[k]
	}
	// Hand out the remainder (or take back an excess from rounding).
	idx := make([]int, n)
	for k := range idx {
		idx[k] = k
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		fa, fb := ideal[a]-math.Floor(ideal[a]), ideal[b]-math.Floor(ideal[b])
		return cmp.Compare(fb, fa)
	})
	for i := 0; total < paths; i = (i + 1) % n {
		counts[idx[i]]++
		total++
	}
	for k := n - 1; total > paths; k = (k + n - 1) % n {
		if counts[k] > 0 {
			counts[k]--
			total--
		}
	}
	return counts
}

// share is a shard's part of an estimate: runs, memory and disk divided
// by the shard count, rounded up (the plan balances the shards' costs;
// the limits then bound what one shard's machine does). nil: e itself.
func (e Estimate) share(s *Shard) Estimate {
	if s == nil || s.Count <= 1 {
		return e
	}
	n := s.Count
	div := func(x int) int { return (x + n - 1) / n }
	div64 := func(x int64) int64 { return (x + int64(n) - 1) / int64(n) }
	e.Runs, e.MonteCarlo, e.WalkForward = div(e.Runs), div(e.MonteCarlo), div(e.WalkForward)
	// Each shard is a process of its own: the program's memory
	// (processBytes) is every shard's, not a share of it.
	fixed := min(e.Memory, processBytes)
	e.Memory, e.Disk = fixed+div64(e.Memory-fixed), div64(e.Disk)
	return e
}

// FileSHA is a file an experiment reads besides its price data: the key
// that names it, its path as written there and its SHA-256.
type FileSHA struct {
	Key    string `json:"key"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// auxFiles fingerprints the files the experiment reads besides its price
// data and itself, in the order of their keys: scenario files
// (scenarios[i], montecarlo.shock), funding and borrow rate files
// (costs.symbols.SYM.funding_file, .borrow_rate_file) and the cash rate
// file (costs.cash_rate_file). The shards of an experiment and its
// merge must read the same ones: a shard run under a scenario file since
// edited would merge its old shocks beside the new.
func (f *File) auxFiles() ([]FileSHA, error) {
	var out []FileSHA
	add := func(key, p string) error {
		sha, err := results.Fingerprint(f.resolve(p))
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		out = append(out, FileSHA{Key: key, Path: p, SHA256: sha})
		return nil
	}
	for i, name := range f.Scenarios {
		if scenarioFile(name) {
			if err := add(fmt.Sprintf("scenarios[%d]", i), name); err != nil {
				return nil, err
			}
		}
	}
	if mc := f.MonteCarlo; mc != nil && scenarioFile(mc.Shock) {
		if err := add("montecarlo.shock", mc.Shock); err != nil {
			return nil, err
		}
	}
	syms := make([]string, 0, len(f.Costs.Symbols))
	for sym := range f.Costs.Symbols {
		syms = append(syms, sym)
	}
	slices.Sort(syms)
	for _, sym := range syms {
		if p := f.Costs.Symbols[sym].FundingFile; p != nil {
			if err := add("costs.symbols."+sym+".funding_file", *p); err != nil {
				return nil, err
			}
		}
		if p := f.Costs.Symbols[sym].BorrowRateFile; p != nil {
			if err := add("costs.symbols."+sym+".borrow_rate_file", *p); err != nil {
				return nil, err
			}
		}
	}
	if p := f.Costs.CashRateFile; p != "" {
		if err := add("costs.cash_rate_file", p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// filesDiffer says how a shard's files differ from the merge's ("" when
// they match by key and SHA-256).
func filesDiffer(shard, merge []FileSHA) string {
	if shard == nil && len(merge) > 0 {
		return fmt.Sprintf("it records no fingerprint of the files the experiment reads (%s …): it was written by an older divergence; run it again", merge[0].Key)
	}
	for _, m := range merge {
		i := slices.IndexFunc(shard, func(s FileSHA) bool { return s.Key == m.Key })
		switch {
		case i < 0:
			return fmt.Sprintf("it did not read %s (%s)", m.Key, m.Path)
		case shard[i].SHA256 != m.SHA256:
			return fmt.Sprintf("its %s (%s) had sha256 %s, the file now has %s", m.Key, m.Path, short(shard[i].SHA256), short(m.SHA256))
		}
	}
	for _, s := range shard {
		if !slices.ContainsFunc(merge, func(m FileSHA) bool { return m.Key == s.Key }) {
			return fmt.Sprintf("it read %s (%s), which the experiment no longer names", s.Key, s.Path)
		}
	}
	return ""
}
