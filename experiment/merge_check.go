package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/results"
)

// ShardDirs expands the folders given to merge: each is a shard folder
// (it holds shard.json) or a folder of shard folders (its subfolders that
// hold one, in name order; working folders .NAME.tmp-… are skipped).
func ShardDirs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if _, err := os.Stat(filepath.Join(a, ShardFile)); err == nil {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			d := filepath.Join(a, e.Name())
			if _, err := os.Stat(filepath.Join(d, ShardFile)); err == nil {
				out = append(out, d)
				n++
			}
		}
		if n == 0 {
			if busy := busyShards(a, entries); busy != nil {
				return nil, busy
			}
			return nil, fmt.Errorf("merge: %s is neither a shard folder (no %s) nor a folder of shard folders", a, ShardFile)
		}
	}
	return out, nil
}

// ShardsBusyError is a folder given to merge that holds no finished
// shard yet, only shards being written: each on its first run, a process
// holding its lock (<Dir>/.<name>.lock) with no folder yet (a merge
// started beside its shards).
type ShardsBusyError struct {
	Dir     string
	Shards  []string // the shard folders' names, <slug>-shard-I-of-N
	Holders []string // who writes each: its lock file's text
}

func (e *ShardsBusyError) Error() string {
	each := make([]string, len(e.Shards))
	for i := range e.Shards {
		each[i] = e.Shards[i] + " (" + e.Holders[i] + ")"
	}
	return fmt.Sprintf("merge: %s holds no finished shard yet; being written: %s: wait for them (--wait) and merge again", e.Dir, strings.Join(each, ", "))
}

// busyShards is the ShardsBusyError of dir, whose entries are entries,
// when a process holds the lock of a shard folder there; nil when none
// does.
func busyShards(dir string, entries []os.DirEntry) *ShardsBusyError {
	var e ShardsBusyError
	for _, en := range entries {
		name, ok := strings.CutSuffix(strings.TrimPrefix(en.Name(), "."), ".lock")
		if !ok || !strings.HasPrefix(en.Name(), ".") || !strings.Contains(name, "-shard-") || !en.Type().IsRegular() {
			continue
		}
		if h, held := lockHolder(dir, name); held {
			e.Shards, e.Holders = append(e.Shards, name), append(e.Holders, h)
		}
	}
	if len(e.Shards) == 0 {
		return nil
	}
	e.Dir = dir
	return &e
}

// WaitShardDirs is ShardDirs, which waits with opt.Wait (up to
// opt.WaitUpTo a shard, saying whom it waits for through opt.Waiting) for
// the shards being written in a folder that holds none finished yet
// (ShardsBusyError), then looks again. Without opt.Wait, or when the wait
// ends, it fails as ShardDirs does.
func WaitShardDirs(ctx context.Context, args []string, opt Options) ([]string, error) {
	for {
		dirs, err := ShardDirs(args)
		var busy *ShardsBusyError
		if !opt.Wait || !errors.As(err, &busy) {
			return dirs, err
		}
		for _, name := range busy.Shards {
			lock, err := ReadLockDirUpTo(ctx, busy.Dir, name, opt.Holder, opt.waiter(), opt.WaitUpTo)
			if err != nil {
				return nil, fmt.Errorf("merge: shard %s: %w", filepath.Join(busy.Dir, name), err)
			}
			lock.Release()
		}
	}
}

// ShardsExperiment is the experiment file a merge of the shard folders
// dirs reads when not given one: the file their shard.json files record
// (ShardManifest.ExperimentFile). Shards of several versions of one file
// record the same path: the file as it is now chooses among them (the
// merge leaves the others out, saying so). Shards recording different
// files are several experiments': an error names each, with its shard
// folders, and asks for --experiment.
func ShardsExperiment(dirs []string) (string, error) {
	var files, typed []string // by the file's absolute path; the path to read it at
	folders := map[string][]string{}
	for _, d := range dirs {
		m, err := ReadShardManifest(d)
		if err != nil {
			return "", fmt.Errorf("merge: %w", err)
		}
		p := m.ExperimentFile()
		key, err := filepath.Abs(p)
		if err != nil {
			key = p
		}
		if _, ok := folders[key]; !ok {
			files, typed = append(files, key), append(typed, p)
		}
		folders[key] = append(folders[key], d)
	}
	if len(files) == 1 {
		return typed[0], nil
	}
	var each []string
	for i, p := range files {
		each = append(each, fmt.Sprintf("%s (%d shard folder(s): %s)", typed[i], len(folders[p]), clipList(folders[p])))
	}
	return "", fmt.Errorf("merge: the shard folders hold the shards of %d experiment files; give the one to merge with --experiment FILE:\n  %s", len(files), strings.Join(each, "\n  "))
}

// shardRef is what every shard of a merge must have been made from: the
// merge's own experiment file, program version and data.
type shardRef struct {
	sha, version string
	build        string // Options.Build ("" when not known)
	path         string // the merge's experiment file
	stress       bool
	inputs       []results.Input // nil: not yet known (the data not loaded): see checkShards
	files        []FileSHA       // scenario and funding files (File.auxFiles)
	slug         string          // for the names of missing shards' folders
	// writing says who is writing the shard folder <parent>/<name> (a
	// shard process holding its lock: lockHolder); nil: nobody.
	writing func(parent, name string) (string, bool)
	// unread says why a folder <parent>/<name> there is not read as a
	// shard ("" when there is none: notShard); nil: not asked.
	unread func(parent, name string) string
}

// checkShards checks that the shards belong together: made from the
// reference's experiment file, program and data, all of one count N, each
// index 0 … N−1 exactly once. N is the count most of the shards made
// from the reference's file, program and data give (ties: the smallest),
// so that stale shards of an earlier version of the file, or of another
// experiment, in the same folder do not outvote the current set; a count
// whose set is complete goes before one whose set is not (the experiment
// sharded again with another count into the same folder). It returns the
// shards' positions in index order and, when the set is complete, notes
// naming the shards left out (another experiment's file, program or
// data, or another count's); or an error naming every shard that is
// foreign, of another count or duplicated and every index that is
// missing.
//
// Without the data (ref.inputs nil, before they are loaded) the shards
// of stale data look current: a set of them may be chosen, or clash with
// the current set (two shards 0 of 2, or two complete counts). So then
// it fails only when no data could make a set whole — some index missing
// from every count's shards — and otherwise returns no order: the choice
// is made again once the data are known.
func checkShards(dirs []string, ms []*ShardManifest, ref shardRef) ([]int, []string, error) {
	if len(dirs) == 0 {
		return nil, nil, errors.New("merge: no shard folders given")
	}
	// Why each shard is not of the reference's experiment ("" when it is).
	foreign := make([]string, len(ms))
	for i, m := range ms {
		var why []string
		switch {
		case m.ExperimentSHA256 == ref.sha:
		case sameFile(m, ref.path):
			// The file the shard ran, edited since: the merge's file is
			// not "another" one.
			why = append(why, fmt.Sprintf("it was run from another version of the experiment file %s (sha256 %s; the file is now %s)",
				ref.path, short(m.ExperimentSHA256), short(ref.sha)))
		default:
			why = append(why, fmt.Sprintf("it was run from another experiment file (%s, sha256 %s; the merge's %s is %s: give the shards' file with --experiment)", m.Experiment, short(m.ExperimentSHA256), ref.path, short(ref.sha)))
		}
		if m.ProgramVersion != ref.version {
			why = append(why, fmt.Sprintf("it was written by divergence %s, this is %s", m.ProgramVersion, ref.version))
		} else if m.ProgramBuild != ref.build {
			why = append(why, fmt.Sprintf("it was written by another build of divergence %s (%s), this merge's is %s: merge with the program that ran the shards, or run them again with this one",
				m.ProgramVersion, buildName(m.ProgramBuild), buildName(ref.build)))
		}
		if m.Stress != ref.stress {
			why = append(why, fmt.Sprintf("it was run by `divergence %s`, this merge is for `%s`", cmdName(m.Stress), cmdName(ref.stress)))
		}
		if ref.inputs != nil {
			if d := inputsDiffer(m.Inputs, ref.inputs); d != "" {
				why = append(why, "its data differ: "+d)
			}
		}
		if d := filesDiffer(m.Files, ref.files); d != "" {
			why = append(why, "its files differ: "+d)
		}
		foreign[i] = strings.Join(why, "; ")
	}
	// N: the count most of the reference's shards give; only when there
	// is none, the count most shards give (the error then names them all).
	votes := map[int]int{}
	for i, m := range ms {
		if foreign[i] == "" {
			votes[m.Shards]++
		}
	}
	if len(votes) == 0 {
		for _, m := range ms {
			votes[m.Shards]++
		}
	}
	// A count whose set is complete (each index 0 … c−1 once among the
	// reference's shards) goes first: the same experiment sharded again
	// with another count into the same folder (2 shards, then 3) gives two
	// sets that merge alike; the other set is left out.
	seen := map[int]map[int]int{} // count → index → shards
	for i, m := range ms {
		if foreign[i] == "" {
			if seen[m.Shards] == nil {
				seen[m.Shards] = map[int]int{}
			}
			seen[m.Shards][m.Shard]++
		}
	}
	complete := func(c int) bool {
		if c < 1 || len(seen[c]) != c {
			return false
		}
		for _, k := range seen[c] {
			if k != 1 {
				return false
			}
		}
		return true
	}
	n := 0
	for c, v := range votes {
		if cc, cn := complete(c), complete(n); cc != cn {
			if cc {
				n = c
			}
			continue
		}
		if v > votes[n] || v == votes[n] && c < n {
			n = c
		}
	}
	var problems, others []string
	byIndex := make([][]int, n)
	for i, m := range ms {
		d := dirs[i]
		if foreign[i] != "" {
			others = append(others, fmt.Sprintf("%s is not a shard of this experiment: %s", d, foreign[i]))
			continue
		}
		if m.Shards != n {
			if complete(n) {
				others = append(others, fmt.Sprintf("%s is shard %d of %d of this experiment: the complete set of %d shards is merged", d, m.Shard, m.Shards, n))
			} else {
				problems = append(problems, fmt.Sprintf("%s is shard %d of %d, the others are of %d: give the shards of one count", d, m.Shard, m.Shards, n))
			}
			continue
		}
		byIndex[m.Shard] = append(byIndex[m.Shard], i)
	}
	// The folders the shards were given in: a shard still running (its
	// first time) has no folder there yet, only its lock.
	var parents []string
	for _, d := range dirs {
		if p := filepath.Dir(d); !slices.Contains(parents, p) {
			parents = append(parents, p)
		}
		// A shard given through a symlink: its siblings' locks are
		// beside the folder it leads to.
		if r, err := RealDir(d); err == nil && !slices.Contains(parents, filepath.Dir(r)) {
			parents = append(parents, filepath.Dir(r))
		}
	}
	writer := func(parent, name string) string {
		if ref.writing == nil {
			return ""
		}
		if h, ok := ref.writing(parent, name); ok {
			return h
		}
		return ""
	}
	var missing []string
	order := make([]int, 0, n)
	for k, at := range byIndex {
		name := Shard{Index: k, Count: n}.Name(ref.slug)
		switch {
		case len(at) == 0:
			why := ""
			for _, p := range parents {
				if h := writer(p, name); h != "" {
					why = fmt.Sprintf(": %s is being written by %s; wait for it to finish and merge again", filepath.Join(p, name), h)
					break
				}
				if ref.unread != nil {
					if u := ref.unread(p, name); u != "" {
						why = ": " + u
						break
					}
				}
			}
			missing = append(missing, fmt.Sprintf("%d (%s%s)", k, name, why))
		case len(at) > 1:
			names := make([]string, len(at))
			for j, i := range at {
				names[j] = dirs[i]
			}
			if !slices.ContainsFunc(names, func(d string) bool { return filepath.Clean(d) != filepath.Clean(names[0]) }) {
				// One folder named twice on the command line.
				problems = append(problems, fmt.Sprintf("shard %d of %d: its folder %s is given %d times", k, n, names[0], len(at)))
				break
			}
			problems = append(problems, fmt.Sprintf("shard %d of %d is given %d times: %s", k, n, len(at), strings.Join(names, ", ")))
		default:
			// A shard run again while the merge reads its folder would
			// replace it under the merge.
			// Its lock is beside the folder, which a shard given through
			// a symlink is not (RealDir).
			d, lk := dirs[at[0]], dirs[at[0]]
			if r, err := RealDir(d); err == nil {
				lk = r
			}
			if h := writer(filepath.Dir(lk), filepath.Base(lk)); h != "" {
				problems = append(problems, fmt.Sprintf("%s (shard %d of %d) is being written by %s, which replaces it whole; wait for it to finish and merge again", d, k, n, h))
				continue
			}
			order = append(order, at[0])
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("shard(s) missing of %d: %s", n, strings.Join(missing, ", ")))
	}
	if len(problems) > 0 || len(order) == 0 {
		if ref.inputs == nil {
			for c, at := range seen {
				if len(at) == c {
					return nil, nil, nil // count c has every index: the data choose
				}
			}
		}
		if len(others) > 0 {
			problems = append(problems, "the shards named not of this experiment, or of another count, are left out of a merge: give the folders of one complete set of the current experiment's shards (run the missing ones), or move the others away")
		}
		return nil, nil, fmt.Errorf("merge: the shards do not make one experiment; nothing was written:\n  %s", strings.Join(append(others, problems...), "\n  "))
	}
	notes := make([]string, len(others))
	for i, o := range others {
		notes[i] = "left out: " + o
	}
	return order, notes, nil
}

// notShard says why the folder <parent>/<name>, named as a shard, is not
// read as one: it has no shard.json (a shard's folder appears whole,
// shard.json in it: so a copy cut short, or a folder made by hand); or,
// without the folder, that a shard process moved the previous folder
// aside (.<name>.old-…) and stopped before its own took its place, or
// left its working folder there. "" when there is none of these.
func notShard(parent, name string) string {
	d := filepath.Join(parent, name)
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
		// No folder, but the previous one moved aside by a shard process
		// that stopped between its two renames (its lock free:
		// checkShards asks writing first): the next run of the shard puts
		// it back (cleanLeftovers) before it writes its own.
		if old, _ := filepath.Glob(filepath.Join(parent, "."+name+".old-*")); len(old) > 0 {
			return fmt.Sprintf("a run of it stopped between moving its folder aside and putting the new one in place: %s is the previous shard folder; the next run of the shard restores it (or rename it to %s)", old[0], d)
		}
		// Else the working folder of a shard process that stopped.
		if tmp, _ := filepath.Glob(filepath.Join(parent, "."+name+".tmp-*")); len(tmp) > 0 {
			return fmt.Sprintf("its run stopped before it finished (killed or failed: %s is its working folder); run the shard again", tmp[0])
		}
		return ""
	}
	if _, err := os.Stat(filepath.Join(d, ShardFile)); err == nil {
		return ""
	}
	return fmt.Sprintf("%s has no %s: a copy cut short, or not a shard's folder; copy it again or run the shard again", d, ShardFile)
}

// sameFile reports whether the shard of m ran the experiment file at
// path (as typed, or made absolute), whatever its content then.
func sameFile(m *ShardManifest, path string) bool {
	if m.Experiment == path {
		return true
	}
	abs, err := filepath.Abs(path)
	return err == nil && m.ExperimentAbs == abs
}

// inputsDiffer says how two lists of data inputs differ ("" when they
// match by symbol, SHA-256, rows and first and last bars: a query's
// data have no SHA-256).
func inputsDiffer(a, b []results.Input) string {
	key := func(in results.Input) string {
		return fmt.Sprintf("%s %s %d rows %s to %s", in.Symbol, short(in.SHA256), in.Rows, in.First, in.Last)
	}
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		ka[i] = key(a[i])
	}
	for i := range b {
		kb[i] = key(b[i])
	}
	if slices.Equal(ka, kb) {
		return ""
	}
	for i := range min(len(ka), len(kb)) {
		if ka[i] != kb[i] {
			return fmt.Sprintf("input %d is %s, the merge's is %s", i+1, ka[i], kb[i])
		}
	}
	return fmt.Sprintf("%d inputs, the merge's data has %d", len(ka), len(kb))
}

// buildName shows a program build (Options.Build) in a message.
func buildName(b string) string {
	if b == "" {
		return "none recorded"
	}
	return "executable sha256 " + short(b)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func cmdName(stress bool) string {
	if stress {
		return "stress"
	}
	return "run"
}
