package experiment

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
	"github.com/divergence-research/divergence/strategies"
)

// The files of a shard folder besides its runs' folders and shard.json.
const (
	// stateFile holds, gob-encoded (floats bit for bit), what the merge
	// needs of the shard's runs in memory: curves, fills, metrics,
	// statistics, PnL attribution, and the Monte Carlo bands of its paths.
	stateFile = "state.gob"
	// mcPathsFile holds one row per Monte Carlo run and path of the
	// shard: run (its index among the Monte Carlo runs), path, shocked,
	// terminal_return, max_drawdown, fan_terminal.
	mcPathsFile = "montecarlo_paths.parquet"
	// wfFile holds the walk-forward in-sample scores: key, score.
	wfFile = "walkforward_in_sample.parquet"
)

// shardState is a shard's stateFile.
type shardState struct {
	Runs       []shardRun
	MonteCarlo []shardMC // per Monte Carlo run, when the shard ran paths
}

// shardRun is one run as the merge needs it in memory. gob leaves out a
// struct's zero fields, −0 among them, so that floats inside structs
// travel as columns (slices keep every element, bit for bit) and the
// metrics as their JSON (metrics.json's own encoding: NaN, ±Inf and −0
// come back as they were).
type shardRun struct {
	Key         string
	Curve       engine.Curve
	Fills       fillColumns
	Stats       statColumns
	Metrics     []byte // results.RunMetrics as JSON
	Attribution attributionColumns
	Pending     []engine.PendingOrder // the orders left pending at the run's end (its note)
}

// fillColumns are engine.Fills by column.
type fillColumns struct {
	Time                                  []int64
	Instrument                            []int
	Symbol, Tag                           []string
	Qty, Price, Commission, Slippage, Fee []float64
	Kind                                  []engine.OrderKind
	Order                                 []engine.OrderID
}

func fillsToColumns(fs []engine.Fill) fillColumns {
	var c fillColumns
	for _, f := range fs {
		c.Time, c.Instrument, c.Symbol, c.Tag = append(c.Time, f.Time), append(c.Instrument, f.Instrument), append(c.Symbol, f.Symbol), append(c.Tag, f.Tag)
		c.Qty, c.Price, c.Commission = append(c.Qty, f.Qty), append(c.Price, f.Price), append(c.Commission, f.Commission)
		c.Slippage, c.Fee, c.Kind, c.Order = append(c.Slippage, f.Slippage), append(c.Fee, f.Fee), append(c.Kind, f.Kind), append(c.Order, f.Order)
	}
	return c
}

func (c *fillColumns) fills() []engine.Fill {
	if len(c.Time) == 0 {
		return nil
	}
	out := make([]engine.Fill, len(c.Time))
	for i := range out {
		out[i] = engine.Fill{Time: c.Time[i], Instrument: c.Instrument[i], Symbol: c.Symbol[i], Qty: c.Qty[i], Price: c.Price[i],
			Commission: c.Commission[i], Kind: c.Kind[i], Tag: c.Tag[i], Order: c.Order[i], Slippage: c.Slippage[i], Fee: c.Fee[i]}
	}
	return out
}

// statColumns are a run's strategy statistics by column, in name order:
// gob writes a map in Go's random iteration order, so a map here made
// two runs of one shard write different state.gob bytes (and shard.json
// a different checksum of it).
type statColumns struct {
	Name  []string
	Value []float64
}

func statsToColumns(m map[string]float64) statColumns {
	var c statColumns
	for _, k := range slices.Sorted(maps.Keys(m)) {
		c.Name, c.Value = append(c.Name, k), append(c.Value, m[k])
	}
	return c
}

// stats returns the statistics as a map, nil when there are none.
func (c *statColumns) stats() map[string]float64 {
	if len(c.Name) == 0 {
		return nil
	}
	m := make(map[string]float64, len(c.Name))
	for i, k := range c.Name {
		m[k] = c.Value[i]
	}
	return m
}

// attributionColumns are a run's InstrumentPnL rows by column.
type attributionColumns struct {
	Run, Instrument, Leg                               []string
	Realized, Unrealized, Commission, Carry, Fees, PnL []float64
}

func attributionToColumns(rows []InstrumentPnL) attributionColumns {
	var c attributionColumns
	for _, r := range rows {
		c.Run, c.Instrument, c.Leg = append(c.Run, r.Run), append(c.Instrument, r.Instrument), append(c.Leg, r.Leg)
		c.Realized, c.Unrealized, c.Commission = append(c.Realized, r.Realized), append(c.Unrealized, r.Unrealized), append(c.Commission, r.Commission)
		c.Carry, c.Fees, c.PnL = append(c.Carry, r.Carry), append(c.Fees, r.Fees), append(c.PnL, r.PnL)
	}
	return c
}

func (c *attributionColumns) rows() []InstrumentPnL {
	if len(c.Run) == 0 {
		return nil
	}
	out := make([]InstrumentPnL, len(c.Run))
	for i := range out {
		out[i] = InstrumentPnL{Run: c.Run[i], Instrument: c.Instrument[i], Leg: c.Leg[i], Realized: c.Realized[i], Unrealized: c.Unrealized[i],
			Commission: c.Commission[i], Carry: c.Carry[i], Fees: c.Fees[i], PnL: c.PnL[i]}
	}
	return out
}

// shardMC is a Monte Carlo run's part of a shard: the path dates and the
// bands of the shard's paths (metrics.Bands.MarshalBinary).
type shardMC struct {
	Run   string
	Time  []int64
	Bands []byte
}

// shardUnits lists the experiment's units of shard work in experiment
// order — every run group (parameter set), then the walk-forward's
// in-sample runs (strategy × window × candidate) — with their estimated
// costs in timeline steps, and the Monte Carlo paths' cost each.
func (f *File) shardUnits(specs []RunSpec, reg strategies.Registry, m *Market, views int, stress bool, wf *wfPlan) ([]shardUnit, int, int64) {
	steps := int64(m.Timeline.Len())
	var units []shardUnit
	for _, s := range specs {
		c := steps * int64(views)
		if stress && reg[s.Type].LongLeg != nil {
			c *= 2 // the long-leg companion runs every view too
		}
		units = append(units, shardUnit{key: s.Key, cost: c})
	}
	if wf != nil {
		for _, j := range wf.jobs {
			units = append(units, shardUnit{key: wf.key(j), cost: int64(max(1, m.Timeline.StepAt(wf.wins[j.k].ISEnd))), wf: true})
		}
	}
	paths, pathCost := 0, int64(0)
	if mc := f.MonteCarlo; mc != nil {
		paths = mc.Paths
		pathCost = int64(mc.warmup()+mc.Days) * int64(len(specs))
	}
	return units, paths, pathCost
}

// groupOf is the run group (parameter-set key) of a run: its base key,
// or for a long-leg companion the hedge's.
func groupOf(r *RunResult) string {
	if r.LongLegOf != "" {
		return r.LongLegOf
	}
	return r.Base
}

// writeShardState writes the state file.
func writeShardState(dir string, st *shardState) error {
	return results.WriteFileAtomic(filepath.Join(dir, stateFile), func(w io.Writer) error {
		if err := gob.NewEncoder(w).Encode(st); err != nil {
			return fmt.Errorf("shard state: %w", err)
		}
		return nil
	})
}

// shardDataFiles are the files of a shard folder the merge reads, which
// shard.json records the SHA-256 of (ShardManifest.Checksums).
var shardDataFiles = [...]string{stateFile, mcPathsFile, wfFile}

// shardChecksums fingerprints the shardDataFiles present in dir.
func shardChecksums(dir string) (map[string]string, error) {
	sums := map[string]string{}
	for _, name := range shardDataFiles {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		sha, err := results.Fingerprint(p)
		if err != nil {
			return nil, err
		}
		sums[name] = sha
	}
	return sums, nil
}

// verifyShardFiles checks that the files the merge reads from shard
// folder dir are those the shard wrote: each has the SHA-256 its
// shard.json records, and those its shard.json says it holds (the state,
// the Monte Carlo paths when it ran some, the walk-forward scores when
// it ran in-sample runs) are recorded. A shard.json without checksums
// (an older divergence) is refused: its files cannot be checked.
func verifyShardFiles(dir string, m *ShardManifest) error {
	if m.Checksums == nil {
		return fmt.Errorf("shard %d/%d (%s): %s records no checksums of its files: it was written by an older divergence; run the shard again", m.Shard, m.Shards, dir, ShardFile)
	}
	need := []string{stateFile}
	if m.Paths[1] > m.Paths[0] {
		need = append(need, mcPathsFile)
	}
	if len(m.WalkForward) > 0 {
		need = append(need, wfFile)
	}
	for _, name := range need {
		if _, ok := m.Checksums[name]; !ok {
			return fmt.Errorf("shard %d/%d (%s): %s records no checksum of %s", m.Shard, m.Shards, dir, ShardFile, name)
		}
	}
	for _, name := range shardDataFiles {
		want, ok := m.Checksums[name]
		if !ok {
			continue
		}
		got, err := results.Fingerprint(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("shard %d/%d (%s): %w", m.Shard, m.Shards, dir, err)
		}
		if got != want {
			return fmt.Errorf("shard %d/%d (%s): %s has sha256 %s, %s records %s: the file changed since the shard wrote it; run the shard again",
				m.Shard, m.Shards, dir, name, short(got), ShardFile, short(want))
		}
	}
	return nil
}

// readShardState reads a shard folder's state file.
func readShardState(dir string) (*shardState, error) {
	fh, err := os.Open(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, fmt.Errorf("shard %s: %w", dir, err)
	}
	defer fh.Close()
	var st shardState
	if err := gob.NewDecoder(fh).Decode(&st); err != nil {
		return nil, fmt.Errorf("shard %s: %s: %w", dir, stateFile, err)
	}
	return &st, nil
}

// stateKeys checks that the runs of a shard's state (st, read from the
// shard folder dir) are those its shard.json lists (keys, checked against
// the plan): the merge takes each run's figures by the key the state
// gives it, so a state whose keys disagree would leave a run out, or
// give one run's figures to another (the checksum, recorded beside the
// keys, does not tell: it is of the file as it is). The error names a
// key the state holds twice, or the first key, in sorted order, that
// one holds and the other does not.
func stateKeys(dir string, st *shardState, keys []string) error {
	held := make([]string, len(st.Runs))
	for i := range st.Runs {
		held[i] = st.Runs[i].Key
	}
	slices.Sort(held)
	for i := 1; i < len(held); i++ {
		if held[i] == held[i-1] {
			return fmt.Errorf("merge: %s: %s holds run %s twice: the shard's files disagree; run the shard again; nothing was written", dir, stateFile, held[i])
		}
	}
	listed := slices.Sorted(slices.Values(keys))
	var extra, missing string // the first of each, in sorted order
	i, j := 0, 0
	for i < len(held) || j < len(listed) {
		switch {
		case j == len(listed) || i < len(held) && held[i] < listed[j]:
			if extra == "" {
				extra = fmt.Sprintf("holds run %s, which %s does not list", held[i], ShardFile)
			}
			i++
		case i == len(held) || listed[j] < held[i]:
			if missing == "" {
				missing = fmt.Sprintf("lacks run %s, which %s lists", listed[j], ShardFile)
			}
			j++
		default:
			i, j = i+1, j+1
		}
	}
	var why []string
	for _, w := range []string{extra, missing} {
		if w != "" {
			why = append(why, w)
		}
	}
	if len(why) == 0 {
		return nil
	}
	return fmt.Errorf("merge: %s: %s %s: the shard's files disagree; run the shard again; nothing was written", dir, stateFile, strings.Join(why, ", and "))
}

// mcPathsTable is a shard's mcPathsFile: its paths' figures per Monte
// Carlo run.
func mcPathsTable(mcs []MonteCarloResult, from, to int) *results.Table {
	var run, path []int64
	var shocked []bool
	var term, mdd, fan []float64
	for i := range mcs {
		r := &mcs[i]
		for p := from; p < to; p++ {
			run, path = append(run, int64(i)), append(path, int64(p))
			shocked = append(shocked, r.Shocked[p])
			term = append(term, r.Dist.TerminalReturns[p])
			mdd = append(mdd, r.Dist.MaxDrawdowns[p])
			fan = append(fan, r.Terminal[p])
		}
	}
	return &results.Table{Columns: []results.Column{{Name: "run", Ints: run}, {Name: "path", Ints: path}, {Name: "shocked", Bools: shocked},
		{Name: "terminal_return", Floats: term}, {Name: "max_drawdown", Floats: mdd}, {Name: "fan_terminal", Floats: fan}}}
}

// bandsOf encodes the bands of each Monte Carlo run of a shard.
func bandsOf(mcs []MonteCarloResult) ([]shardMC, error) {
	out := make([]shardMC, len(mcs))
	for i := range mcs {
		b, err := mcs[i].bands.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out[i] = shardMC{Run: mcs[i].Run, Time: mcs[i].Time, Bands: b}
	}
	return out, nil
}

// mergedBands merges the shards' bands of Monte Carlo run i, in shard
// (and so path) order.
func mergedBands(states []*shardState, i int) (*metrics.Bands, []int64, error) {
	var b *metrics.Bands
	var times []int64
	for _, st := range states {
		if len(st.MonteCarlo) == 0 {
			continue
		}
		var part metrics.Bands
		if err := part.UnmarshalBinary(st.MonteCarlo[i].Bands); err != nil {
			return nil, nil, err
		}
		if b == nil {
			b, times = &part, st.MonteCarlo[i].Time
			continue
		}
		if !slices.Equal(times, st.MonteCarlo[i].Time) {
			return nil, nil, fmt.Errorf("montecarlo run %s: the shards' paths have different dates", st.MonteCarlo[i].Run)
		}
		if err := b.Merge(&part); err != nil {
			return nil, nil, err
		}
	}
	return b, times, nil
}

// waitForShards waits, with Options.Wait (up to WaitUpTo), for every
// shard of f being written in the folders dirs lie in: a lock
// .<slug>-shard-I-of-N.lock held by a shard process (a rerun of a given
// shard, or a first run with no folder yet). It takes each lock and
// releases it at once: the merge then reads the shards as they finished.
// It returns dirs with the folders of the shards it waited for that were
// not among them (a first run's, made while it waited). Without it a
// merge refuses a shard being written, asking to wait.
func waitForShards(ctx context.Context, f *File, dirs []string, opt Options) ([]string, error) {
	prefix := "." + results.Slug(f.Name) + "-shard-"
	seen := map[string]bool{}
	// The folders given, as they lead to (RealDir): a shard given through
	// a symlink has its lock beside the folder it leads to, not the link.
	given := make([]string, len(dirs))
	for i, d := range dirs {
		if given[i], _ = RealDir(d); given[i] == "" {
			given[i] = d
		}
	}
	for _, d := range given {
		parent := filepath.Dir(d)
		if seen[parent] {
			continue
		}
		seen[parent] = true
		locks, err := filepath.Glob(filepath.Join(parent, prefix+"*.lock"))
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		for _, l := range locks {
			name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(l), "."), ".lock")
			if _, held := lockHolder(parent, name); !held {
				continue
			}
			lock, err := ReadLockDirUpTo(ctx, parent, name, opt.Holder, opt.waiter(), opt.WaitUpTo)
			if err != nil {
				return nil, fmt.Errorf("merge: shard %s: %w", filepath.Join(parent, name), err)
			}
			lock.Release()
			d := filepath.Join(parent, name)
			if _, err := os.Stat(filepath.Join(d, ShardFile)); err == nil && !slices.Contains(dirs, d) && !slices.Contains(given, d) {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs, nil
}

// Merge builds an experiment's results folder, opt.Out/<slug>, from the
// folders of its shards (see [ShardDirs]), byte for byte the folder a
// one-machine [Run] writes, plus merge.json. It checks that the shards
// belong together — the experiment file f (its SHA-256), the program
// (opt.Version), the data and the shard count, each index once — and
// names any shard that does not: then nothing is written. Shards of
// another file, program or data beside a complete set of the current
// ones are left out, said through opt.Note. A shard folder replaced
// while the merge reads it (shardID) is an error too. opt.Stress is
// taken from the shards.
func Merge(ctx context.Context, f *File, dirs []string, opt Options) (*Outcome, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("merge: no shard folders given")
	}
	if opt.Wait {
		var err error
		if dirs, err = waitForShards(ctx, f, dirs, opt); err != nil {
			return nil, err
		}
	}
	ms := make([]*ShardManifest, len(dirs))
	ids := make([]shardID, len(dirs))
	for i, d := range dirs {
		m, id, err := readShard(d)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		ms[i], ids[i] = m, id
	}
	sha, err := results.Fingerprint(f.path)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	files, err := f.auxFiles()
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	// Stress or run: as the shards of this experiment file and program
	// were run (the first's; checkShards names any other).
	stress := ms[0].Stress
	if i := slices.IndexFunc(ms, func(m *ShardManifest) bool {
		return m.ExperimentSHA256 == sha && m.ProgramVersion == opt.Version && m.ProgramBuild == opt.Build
	}); i >= 0 {
		stress = ms[i].Stress
	}
	ref := shardRef{sha: sha, path: f.path, version: opt.Version, build: opt.Build, stress: stress, slug: results.Slug(f.Name), files: files, writing: lockHolder, unread: notShard}
	// What no data could mend fails now; the set is chosen once the data
	// are loaded (mergeSource.choose), which the shards of stale data
	// cannot then outvote.
	if _, _, err := checkShards(dirs, ms, ref); err != nil {
		return nil, err
	}
	src := &mergeSource{given: dirs, givenManifests: ms, ids: ids, ref: ref, beforeRead: opt.mergeRead}
	opt.Stress = ref.stress
	opt.merge = src
	o, err := Run(ctx, f, opt)
	if err != nil {
		return nil, err
	}
	o.Merged = len(src.dirs)
	return o, nil
}

// mergeSource is what a merge reads from its shards, in shard order.
type mergeSource struct {
	// The shard folders given, their manifests and identities, and what
	// they are checked against: choose picks the set to merge among them.
	given          []string
	givenManifests []*ShardManifest
	ids            []shardID
	ref            shardRef
	// beforeRead, when set, is called before the merge reads the file
	// name of the shard folder dir (Options.mergeRead).
	beforeRead func(dir, name string)

	dirs      []string         // the shards merged, in index order
	manifests []*ShardManifest // theirs
	at        []int            // their positions among the given
	runs      map[string]*shardRun
	mc        []MonteCarloResult
	wfScores  map[string]float64
}

// choose picks, once the data are loaded (their inputs), the shards to
// merge among those given (checkShards), says which it leaves out
// through note, and checks their files' checksums.
func (s *mergeSource) choose(inputs []results.Input, note func(string)) error {
	ref := s.ref
	ref.inputs = inputs
	if ref.inputs == nil {
		ref.inputs = []results.Input{}
	}
	order, left, err := checkShards(s.given, s.givenManifests, ref)
	if err != nil {
		return err
	}
	for _, l := range left {
		note(l)
	}
	s.dirs, s.manifests, s.at = nil, nil, order
	for _, i := range order {
		s.dirs = append(s.dirs, s.given[i])
		s.manifests = append(s.manifests, s.givenManifests[i])
	}
	for k := range s.dirs {
		if err := verifyShardFiles(s.dirs[k], s.manifests[k]); err != nil {
			return s.failed(k, fmt.Errorf("merge: %w; nothing was written", err))
		}
	}
	return nil
}

// read says that the merge reads the file name of shard k.
func (s *mergeSource) read(k int, name string) {
	if s.beforeRead != nil {
		s.beforeRead(s.dirs[k], name)
	}
}

// failed is err, a failure to read or check shard k, unless shard k's
// folder is no longer the one the merge began to read: then that.
func (s *mergeSource) failed(k int, err error) error {
	if cerr := s.ids[s.at[k]].check(s.dirs[k], s.manifests[k]); cerr != nil {
		return cerr
	}
	return err
}

// shardID identifies one writing of a shard folder: the folder itself
// (running a shard again renames a new folder into its place, the old
// one moved aside and removed) and the bytes of its shard.json (which
// record the SHA-256 of the files the merge reads). The merge reads a
// shard's identity before its manifest and checks it once it has read
// every file: a shard run again in between (a retried Kubernetes index,
// a Slurm task resubmitted) would otherwise give it the manifest and the
// checked files of one run and the state of another.
type shardID struct {
	dir  os.FileInfo
	json []byte
}

// readShard reads the shard folder dir's manifest and identity.
func readShard(dir string) (*ShardManifest, shardID, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, shardID{}, fmt.Errorf("%s is not a shard folder: %w", dir, err)
	}
	m, b, err := readShardManifest(dir)
	if err != nil {
		return nil, shardID{}, err
	}
	return m, shardID{dir: fi, json: b}, nil
}

// check fails when the folder dir (of shard m) is no longer the one id
// was read from.
func (id shardID) check(dir string, m *ShardManifest) error {
	fi, err := os.Stat(dir)
	if err == nil && os.SameFile(fi, id.dir) {
		b, rerr := os.ReadFile(filepath.Join(dir, ShardFile))
		if rerr == nil && bytes.Equal(b, id.json) {
			return nil
		}
	}
	return fmt.Errorf("merge: %s (shard %d/%d) was replaced while the merge read it (the shard was run again, or its folder moved or copied over): its files may be of two runs; nothing was written: merge again once no shard is running", dir, m.Shard, m.Shards)
}

// MergeRecord is merge.json: which shards a merged folder was made of.
type MergeRecord struct {
	Shards []MergedShard `json:"shards"`
}

// MergedShard is one shard of a merge.
type MergedShard struct {
	Dir    string `json:"dir"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	Source string `json:"source"`
	Runs   int    `json:"runs"`
	Paths  [2]int `json:"montecarlo_paths"`
}

// MergeFile is the name of the merge record beside manifest.json.
const MergeFile = "merge.json"

func (s *mergeSource) writeRecord(dir string) error {
	rec := MergeRecord{}
	for i, m := range s.manifests {
		rec.Shards = append(rec.Shards, MergedShard{Dir: s.dirs[i], Shard: m.Shard, Shards: m.Shards, Source: m.Source, Runs: len(m.Runs), Paths: m.Paths})
	}
	return results.WriteFileAtomic(filepath.Join(dir, MergeFile), func(w io.Writer) error { return results.WriteJSON(w, rec) })
}

// load checks the shards against the loaded data and the plan, and reads
// what the merge needs from them: every run's state, the Monte Carlo
// paths' figures (one table through DuckDB, in run and path order) and
// bands (merged in path order), the walk-forward's in-sample scores.
// runs are the experiment's runs; mcRuns its Monte Carlo runs.
func (s *mergeSource) load(ctx context.Context, f *File, m *Market, plans []ShardPlan, runs []RunResult, mcRuns []RunSpec, wf *wfPlan) error {
	if len(plans) != len(s.manifests) {
		return fmt.Errorf("merge: %d shards, the plan has %d", len(s.manifests), len(plans))
	}
	// Each shard holds what the plan gives it.
	shardOf := map[string][]int{} // a run group's shards in the plan
	for k := range plans {
		for _, g := range plans[k].Groups {
			shardOf[g] = append(shardOf[g], k)
		}
	}
	want := make([][]string, len(plans))
	for _, r := range runs {
		for _, k := range shardOf[groupOf(&r)] {
			want[k] = append(want[k], r.Key)
		}
	}
	for k, man := range s.manifests {
		p := plans[k]
		if !slices.Equal(man.Groups, p.Groups) || !slices.Equal(man.Runs, want[k]) || !slices.Equal(man.WalkForward, p.WalkForward) || man.Paths != p.Paths {
			return fmt.Errorf("merge: %s holds runs %v and paths %v, the plan of shard %d/%d gives runs %v and paths %v; nothing was written",
				s.dirs[k], clipList(man.Runs), man.Paths, k, len(plans), clipList(want[k]), p.Paths)
		}
	}
	s.runs = map[string]*shardRun{}
	states := make([]*shardState, len(s.dirs))
	for k, d := range s.dirs {
		s.read(k, stateFile)
		st, err := readShardState(d)
		if err != nil {
			return s.failed(k, fmt.Errorf("merge: %w", err))
		}
		states[k] = st
		if len(st.Runs) != len(want[k]) {
			return fmt.Errorf("merge: %s: %s holds %d runs, shard.json %d", d, stateFile, len(st.Runs), len(want[k]))
		}
		if err := stateKeys(d, st, want[k]); err != nil {
			return err
		}
		for j := range st.Runs {
			s.runs[st.Runs[j].Key] = &st.Runs[j]
		}
	}
	if spec := f.MonteCarlo; spec != nil && len(mcRuns) > 0 {
		n := spec.Paths
		s.mc = make([]MonteCarloResult, len(mcRuns))
		for i, r := range mcRuns {
			s.mc[i] = MonteCarloResult{Run: r.Key, Strategy: r.Strategy, Terminal: make([]float64, n), Shocked: make([]bool, n)}
			s.mc[i].Dist.Paths = n
			s.mc[i].Dist.TerminalReturns, s.mc[i].Dist.MaxDrawdowns = make([]float64, n), make([]float64, n)
		}
		// Each shard's file is read on its own: it must hold its own
		// range of paths (shard.json's, the plan's), each run's path
		// once. A file of another shard's range would leave this range's
		// paths at zero under a correct total.
		seen := make([][]bool, len(mcRuns))
		for i := range seen {
			seen[i] = make([]bool, n)
		}
		for k, d := range s.dirs {
			from, to := plans[k].Paths[0], plans[k].Paths[1]
			if to <= from {
				continue
			}
			s.read(k, mcPathsFile)
			file := filepath.Join(d, mcPathsFile)
			rows := 0
			err := duckdb.Concat(ctx, []string{file}, "run, path, shocked, terminal_return, max_drawdown, fan_terminal", "run, path", func(scan func(...any) error) error {
				var run, path int64
				var shocked bool // a BOOLEAN column (text true or false in older files: read the same)
				var term, mdd, fan float64
				if err := scan(&run, &path, &shocked, &term, &mdd, &fan); err != nil {
					return err
				}
				if run < 0 || int(run) >= len(s.mc) {
					return fmt.Errorf("run %d path %d: no such Monte Carlo run (the experiment has %d)", run, path, len(s.mc))
				}
				if path < int64(from) || path >= int64(to) {
					return fmt.Errorf("run %d path %d: not a path of shard %d/%d, whose shard.json gives paths [%d, %d)", run, path, k, len(plans), from, to)
				}
				if seen[run][path] {
					return fmt.Errorf("run %d path %d: given twice", run, path)
				}
				seen[run][path] = true
				r := &s.mc[run]
				r.Shocked[path], r.Terminal[path] = shocked, fan
				r.Dist.TerminalReturns[path], r.Dist.MaxDrawdowns[path] = term, mdd
				rows++
				return nil
			})
			if err != nil {
				return s.failed(k, fmt.Errorf("merge: montecarlo: shard %d/%d (%s): %w; nothing was written", k, len(plans), d, err))
			}
			if want := (to - from) * len(mcRuns); rows != want {
				return fmt.Errorf("merge: montecarlo: shard %d/%d (%s): %s holds %d path rows, want paths [%d, %d) × %d runs = %d; nothing was written",
					k, len(plans), d, mcPathsFile, rows, from, to, len(mcRuns), want)
			}
		}
		for i := range seen {
			if p := slices.Index(seen[i], false); p >= 0 {
				return fmt.Errorf("merge: montecarlo: no shard holds path %d of run %s; nothing was written", p, mcRuns[i].Key)
			}
		}
		for i := range s.mc {
			b, times, err := mergedBands(states, i)
			if err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			s.mc[i].bands, s.mc[i].Time = b, times
			s.mc[i].finish()
		}
	}
	if wf != nil {
		s.wfScores = map[string]float64{}
		for k, d := range s.dirs {
			if len(plans[k].WalkForward) == 0 {
				continue
			}
			mine := map[string]bool{}
			for _, key := range plans[k].WalkForward {
				mine[key] = true
			}
			s.read(k, wfFile)
			err := duckdb.Concat(ctx, []string{filepath.Join(d, wfFile)}, "key, score", "key", func(scan func(...any) error) error {
				var key string
				var score sql.NullFloat64
				if err := scan(&key, &score); err != nil {
					return err
				}
				if !mine[key] {
					return fmt.Errorf("%s: not an in-sample run of shard %d/%d", key, k, len(plans))
				}
				if _, dup := s.wfScores[key]; dup {
					return fmt.Errorf("%s: given twice", key)
				}
				s.wfScores[key] = math.NaN()
				if score.Valid {
					s.wfScores[key] = score.Float64
				}
				return nil
			})
			if err != nil {
				return s.failed(k, fmt.Errorf("merge: walk-forward: shard %d/%d (%s): %w; nothing was written", k, len(plans), d, err))
			}
		}
		for _, j := range wf.jobs {
			if _, ok := s.wfScores[wf.key(j)]; !ok {
				return fmt.Errorf("merge: walk-forward: no shard holds the in-sample score of %s", wf.key(j))
			}
		}
	}
	// Every file is read: each shard's folder must still be the one
	// whose manifest was checked.
	for k := range s.dirs {
		if err := s.ids[s.at[k]].check(s.dirs[k], s.manifests[k]); err != nil {
			return err
		}
	}
	return nil
}

// shardPlans is the plan of n shards, which a shard and the merge must
// compute alike, with the walk-forward's layout (nil without one).
func (f *File) shardPlans(specs []RunSpec, opt Options, m *Market, views int, stress bool, n int) ([]ShardPlan, *wfPlan, error) {
	var wf *wfPlan
	if f.WalkForward != nil {
		var err error
		if wf, err = f.wfSetup(specs, m); err != nil {
			return nil, nil, err
		}
	}
	units, paths, pathCost := f.shardUnits(specs, opt.Strategies, m, views, stress, wf)
	return planShards(n, units, paths, pathCost), wf, nil
}

// mergeLoad recomputes the shard plan of a merge and loads the shards
// (mergeSource.load); it returns the walk-forward's layout (nil without
// one).
func (f *File) mergeLoad(ctx context.Context, opt Options, specs []RunSpec, m *Market, views []View, runs []RunResult, stress bool) (*wfPlan, error) {
	if err := opt.merge.choose(m.Inputs, opt.note); err != nil {
		return nil, err
	}
	plans, wf, err := f.shardPlans(specs, opt, m, len(views), stress, len(opt.merge.manifests))
	if err != nil {
		return nil, err
	}
	if err := opt.merge.load(ctx, f, m, plans, runs, monteCarloRuns(specs), wf); err != nil {
		return nil, err
	}
	return wf, nil
}

// wfScoresOf returns the in-sample scores by job index.
func (s *mergeSource) wfScoresOf(wf *wfPlan) []float64 {
	out := make([]float64, len(wf.jobs))
	for i, j := range wf.jobs {
		out[i] = s.wfScores[wf.key(j)]
	}
	return out
}

// clipList shortens a list of keys for an error message.
func clipList(keys []string) string {
	if len(keys) <= 4 {
		return fmt.Sprint(keys)
	}
	return fmt.Sprintf("%v … (%d)", keys[:4], len(keys))
}

// runShard runs shard opt.Shard of the experiment (Run with Options.Shard):
// the runs of its run groups, its walk-forward in-sample runs and its
// Monte Carlo paths, into the folder opt.Out/<slug>-shard-I-of-N, written
// to a temporary folder and renamed into place under that folder's lock:
// running shard I again replaces its folder whole. runs are every run of
// the experiment; the Outcome holds the shard's.
func (f *File) runShard(ctx context.Context, opt Options, est Estimate, specs []RunSpec, m *Market, views []View, runs []RunResult, stress bool, notes []string) (*Outcome, error) {
	sh := *opt.Shard
	plans, wf, err := f.shardPlans(specs, opt, m, len(views), stress, sh.Count)
	if err != nil {
		return nil, err
	}
	plan := plans[sh.Index]
	name := sh.Name(results.Slug(f.Name))
	lock, err := LockDirUpTo(ctx, opt.Out, name, opt.Holder, opt.waiter(), opt.WaitUpTo)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if err := cleanLeftovers(opt.Out, name, opt.note); err != nil {
		return nil, err
	}
	final := filepath.Join(opt.Out, name)
	if info, err := os.Lstat(final); err == nil {
		prev, err := ReadShardManifest(final)
		if err != nil || !info.IsDir() {
			return nil, fmt.Errorf("%s exists and is not a shard folder: not replacing it; move it or choose another --out", final)
		}
		// As a one-machine run (checkReplace): the shard of another
		// experiment whose name has the same slug is not replaced.
		if prev.ExperimentName != "" && prev.ExperimentName != f.Name {
			return nil, fmt.Errorf("%s holds shard %d/%d of experiment %q (%s, sha256 %s); %q maps to the same folder name: rename one experiment or choose another --out",
				final, prev.Shard, prev.Shards, prev.ExperimentName, prev.Experiment, short(prev.ExperimentSHA256), f.Name)
		}
	}
	tmp, err := os.MkdirTemp(opt.Out, "."+name+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	groups := map[string]bool{}
	for _, g := range plan.Groups {
		groups[g] = true
	}
	var mine []RunResult
	for i := range runs {
		if groups[groupOf(&runs[i])] {
			mine = append(mine, runs[i])
		}
	}
	out := &Outcome{Dir: tmp, Panel: m.Panel, Runs: mine, PeriodsPerYear: m.PeriodsPerYear, Calendar: m.Calendar,
		Views: views, Notes: notes, Cash: f.Cash, Estimate: est.share(opt.Shard), Records: make([]results.RunRecord, len(mine)), legs: newLegsMemo(false)}
	st := &shardState{Runs: make([]shardRun, len(mine))}
	chartless := opt
	chartless.AllCharts = false // the merge draws the charts of the runs the whole experiment shows
	// The shard's runs measured as they are written, against its share
	// of the estimate (diskGuard; the merge builds results.duckdb).
	guard := newDiskGuard(f.Name, opt.Limits, out.Estimate, len(mine), false)
	err = parallel(ctx, len(mine), opt.Workers, opt.Progress, func(i int) error {
		r := &mine[i]
		if err := f.execute(opt, m, views, out, i); err != nil {
			return err
		}
		if err := writeRunFiles(out, r, &out.Records[i], views[r.View].Panel, chartless); err != nil {
			return err
		}
		if err := guard.add(runDir(out.Dir, r.Key)); err != nil {
			return err
		}
		mj, err := json.Marshal(r.Metrics)
		if err != nil {
			return fmt.Errorf("run %s: %w", r.Key, err)
		}
		st.Runs[i] = shardRun{Key: r.Key, Curve: r.Result.Curve, Fills: fillsToColumns(r.Result.Fills), Stats: statsToColumns(r.Stats), Metrics: mj, Attribution: attributionToColumns(r.Attribution), Pending: r.Result.Pending}
		if !opt.Keep {
			m.recycle(r.Result) // the fills were copied above
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.MonteCarlo != nil && plan.Paths[1] > plan.Paths[0] {
		o := opt
		o.paths = &plan.Paths
		mc, err := f.monteCarlo(ctx, specs, m, o)
		if err != nil {
			return nil, err
		}
		if st.MonteCarlo, err = bandsOf(mc); err != nil {
			return nil, err
		}
		if err := results.WriteOutputs(tmp, results.Output{Name: mcPathsFile, Write: func(w io.Writer) error {
			return results.WriteTableParquet(w, mcPathsTable(mc, plan.Paths[0], plan.Paths[1]))
		}}); err != nil {
			return nil, err
		}
	}
	if wf != nil && len(plan.WalkForward) > 0 {
		keep := map[string]bool{}
		for _, k := range plan.WalkForward {
			keep[k] = true
		}
		scores, err := f.wfInSample(ctx, wf, m, opt, func(k string) bool { return keep[k] })
		if err != nil {
			return nil, err
		}
		var keys []string
		var vals []float64
		for i, j := range wf.jobs {
			if k := wf.key(j); keep[k] {
				keys, vals = append(keys, k), append(vals, scores[i])
			}
		}
		tab := &results.Table{Columns: []results.Column{{Name: "key", Strings: keys}, {Name: "score", Floats: vals}}}
		if err := results.WriteOutputs(tmp, results.Output{Name: wfFile, Write: func(w io.Writer) error { return results.WriteTableParquet(w, tab) }}); err != nil {
			return nil, err
		}
	}
	if err := writeShardState(tmp, st); err != nil {
		return nil, err
	}
	sums, err := shardChecksums(tmp)
	if err != nil {
		return nil, err
	}
	sha, err := results.Fingerprint(f.path)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(mine))
	for i := range mine {
		keys[i] = mine[i].Key
	}
	files, err := f.auxFiles()
	if err != nil {
		return nil, err
	}
	// The experiment's path made absolute too: merge reads the file from
	// it when not given one, from wherever it runs (a path as typed,
	// sw/sweep.toml, was read from the merge's folder: another file, or
	// none).
	abs, _ := filepath.Abs(f.path)
	man := &ShardManifest{Experiment: f.path, ExperimentAbs: abs, ExperimentName: f.Name, ExperimentSHA256: sha, ProgramVersion: opt.Version, ProgramBuild: opt.Build, Stress: opt.Stress, Inputs: m.Inputs, Files: files,
		Shard: sh.Index, Shards: sh.Count, Source: sh.Source, Groups: plan.Groups, Runs: keys, WalkForward: plan.WalkForward, Paths: plan.Paths, Checksums: sums}
	if err := results.WriteFileAtomic(filepath.Join(tmp, ShardFile), func(w io.Writer) error { return WriteShardManifest(w, man) }); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, final, opt.note); err != nil {
		return nil, err
	}
	out.Dir = final
	return out, nil
}
