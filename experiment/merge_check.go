package experiment

import (
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
			return nil, fmt.Errorf("merge: %s is neither a shard folder (no %s) nor a folder of shard folders", a, ShardFile)
		}
	}
	return out, nil
}

// shardRef is what every shard of a merge must have been made from: the
// merge's own experiment file, program version and data.
type shardRef struct {
	sha, version string
	path         string // the merge's experiment file
	stress       bool
	inputs       []results.Input // nil: compared later, once the data is loaded
	files        []FileSHA       // scenario and funding files (File.auxFiles)
	slug         string          // for the names of missing shards' folders
}

// checkShards checks that the shards belong together: made from the
// reference's experiment file, program and data, all of one count N, each
// index 0 … N−1 exactly once. It returns the shards' positions in index
// order, or an error naming every shard that is foreign or duplicated and
// every index that is missing.
func checkShards(dirs []string, ms []*ShardManifest, ref shardRef) ([]int, error) {
	if len(dirs) == 0 {
		return nil, errors.New("merge: no shard folders given")
	}
	// N: the count most shards give (ties: the smallest); a shard of
	// another count is foreign.
	votes := map[int]int{}
	for _, m := range ms {
		votes[m.Shards]++
	}
	n := 0
	for c, v := range votes {
		if v > votes[n] || v == votes[n] && c < n {
			n = c
		}
	}
	var problems []string
	byIndex := make([][]int, n)
	for i, m := range ms {
		d := dirs[i]
		var why []string
		if m.ExperimentSHA256 != ref.sha {
			why = append(why, fmt.Sprintf("it was run from another experiment file (%s, sha256 %s; the merge's %s is %s: give the shards' file with --experiment)", m.Experiment, short(m.ExperimentSHA256), ref.path, short(ref.sha)))
		}
		if m.ProgramVersion != ref.version {
			why = append(why, fmt.Sprintf("it was written by divergence %s, this is %s", m.ProgramVersion, ref.version))
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
		if m.Shards != n {
			why = append(why, fmt.Sprintf("it is shard %d of %d, the others are of %d", m.Shard, m.Shards, n))
		}
		if len(why) > 0 {
			problems = append(problems, fmt.Sprintf("%s is not a shard of this experiment: %s", d, strings.Join(why, "; ")))
			continue
		}
		byIndex[m.Shard] = append(byIndex[m.Shard], i)
	}
	var missing []string
	order := make([]int, 0, n)
	for k, at := range byIndex {
		switch {
		case len(at) == 0:
			missing = append(missing, fmt.Sprintf("%d (%s)", k, Shard{Index: k, Count: n}.Name(ref.slug)))
		case len(at) > 1:
			names := make([]string, len(at))
			for j, i := range at {
				names[j] = dirs[i]
			}
			problems = append(problems, fmt.Sprintf("shard %d of %d is given %d times: %s", k, n, len(at), strings.Join(names, ", ")))
		default:
			order = append(order, at[0])
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("shard(s) missing of %d: %s", n, strings.Join(missing, ", ")))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("merge: the shards do not make one experiment; nothing was written:\n  %s", strings.Join(problems, "\n  "))
	}
	return order, nil
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
