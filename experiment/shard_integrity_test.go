package experiment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// integrityExperiment has 30 Monte Carlo paths, cut into three shards of
// paths [0, 10), [10, 20), [20, 30) or thereabouts (the plan's).
const integrityExperiment = `name = "integrity mc"
seed = 5
cash = 1_000_000.0
start = "2021-01-01"
end = "2021-07-01"
[data]
synthetic = true
[[strategy]]
name = "btc"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[montecarlo]
paths = 30
days = 30
mean_block = 5
warmup_days = 0
`

// shardedIntegrity writes integrityExperiment into dir and runs its 3
// shards into dir/shards; it returns the file and the shard folders, in
// index order.
func shardedIntegrity(t *testing.T, dir string) (*File, []string) {
	t.Helper()
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(integrityExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	shards := filepath.Join(dir, "shards")
	var dirs []string
	for i := range 3 {
		if _, err := Run(context.Background(), f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 3, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		dirs = append(dirs, filepath.Join(shards, Shard{Index: i, Count: 3}.Name("integrity-mc")))
	}
	return f, dirs
}

// editShardJSON rewrites dir/shard.json through edit, on its JSON object.
func editShardJSON(t *testing.T, dir string, edit func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(dir, ShardFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256Of(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// mergeMustRefuse merges dirs into dir/merged and checks that it fails
// with an error holding every want, and that it left nothing behind: no
// merged folder, and dir/merged as it was (a refused merge once left
// dir/merged made, holding the merged folder's lock file).
func mergeMustRefuse(t *testing.T, f *File, dir string, dirs []string, want ...string) {
	t.Helper()
	out := filepath.Join(dir, "merged")
	before := dirNames(t, out)
	o, err := Merge(context.Background(), f, dirs, Options{Out: out, Workers: 1})
	if after := dirNames(t, out); !slices.Equal(before, after) {
		t.Errorf("a refused merge changed %s: %q before, %q after", out, before, after)
	}
	if err == nil {
		o.Release()
		t.Fatalf("merged without an error; want one with %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if _, err := os.Stat(filepath.Join(out, results.Slug(f.Name))); err == nil {
		t.Errorf("a merged folder was written")
	}
}

// TestMergeMonteCarloPathRanges: each shard's montecarlo_paths.parquet
// must hold exactly the paths its shard.json gives, once each. The file
// is replaced with its checksum updated in shard.json, so that the range
// check, not the checksum, must catch it: shard 2's file in shard 1's
// folder has the right number of rows (paths 0–9 were left at zero by
// a merge counting rows only), and a file with one path twice and one
// missing has the right count too.
func TestMergeMonteCarloPathRanges(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	m1, err := ReadShardManifest(dirs[1])
	if err != nil {
		t.Fatal(err)
	}
	m2, err := ReadShardManifest(dirs[2])
	if err != nil {
		t.Fatal(err)
	}
	if m1.Paths[1]-m1.Paths[0] != m2.Paths[1]-m2.Paths[0] || m1.Paths[1] <= m1.Paths[0] {
		t.Fatalf("shards 1 and 2 hold paths %v and %v: the test wants as many in each", m1.Paths, m2.Paths)
	}
	orig, err := os.ReadFile(filepath.Join(dirs[1], mcPathsFile))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(t *testing.T, b []byte) {
		t.Helper()
		p := filepath.Join(dirs[1], mcPathsFile)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sha := sha256Of(t, p)
		editShardJSON(t, dirs[1], func(m map[string]any) {
			if sums, ok := m["checksums_sha256"].(map[string]any); ok {
				sums[mcPathsFile] = sha
			}
		})
	}
	t.Run("another shard's range", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dirs[2], mcPathsFile))
		if err != nil {
			t.Fatal(err)
		}
		replace(t, b)
		mergeMustRefuse(t, f, dir, dirs, "shard 1/3", dirs[1], filepath.Join(dirs[1], mcPathsFile),
			"path "+strconv.Itoa(m2.Paths[0])+": not a path of shard 1/3", "paths ["+strconv.Itoa(m1.Paths[0])+", "+strconv.Itoa(m1.Paths[1])+")")
	})
	t.Run("a path twice", func(t *testing.T) {
		// Run 0's paths of shard 1, its first path twice and its last
		// missing: as many rows as the range.
		var run, path []int64
		var shocked []string
		var x []float64
		for p := m1.Paths[0]; p < m1.Paths[1]; p++ {
			q := p
			if p == m1.Paths[1]-1 {
				q = m1.Paths[0]
			}
			run, path, shocked, x = append(run, 0), append(path, int64(q)), append(shocked, "false"), append(x, 0.01)
		}
		tab := &results.Table{Columns: []results.Column{{Name: "run", Ints: run}, {Name: "path", Ints: path}, {Name: "shocked", Strings: shocked},
			{Name: "terminal_return", Floats: x}, {Name: "max_drawdown", Floats: x}, {Name: "fan_terminal", Floats: x}}}
		var b bytes.Buffer
		if err := results.WriteTableParquet(&b, tab); err != nil {
			t.Fatal(err)
		}
		replace(t, b.Bytes())
		mergeMustRefuse(t, f, dir, dirs, "shard 1/3", "run 0 path "+strconv.Itoa(m1.Paths[0])+": given twice")
	})
	t.Run("restored", func(t *testing.T) {
		replace(t, orig)
		o, err := Merge(context.Background(), f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 1})
		if err != nil {
			t.Fatalf("the shards as written: %v", err)
		}
		o.Release()
	})
}

// TestMergeChecksums: shard.json records the SHA-256 of the files the
// merge reads; a changed byte in state.gob (the runs' curves and fills:
// a flipped byte merged silently, runs/<key>/equity changed while
// metrics.json did not) or in montecarlo_paths.parquet is refused naming
// the shard and the file, and so is a shard.json of an older divergence,
// which records none.
func TestMergeChecksums(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	flip := func(t *testing.T, p string) func() {
		t.Helper()
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b := append([]byte(nil), orig...)
		b[len(b)/2] ^= 0x01
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return func() { os.WriteFile(p, orig, 0o644) }
	}
	for _, name := range []string{stateFile, mcPathsFile} {
		t.Run(name, func(t *testing.T) {
			restore := flip(t, filepath.Join(dirs[1], name))
			defer restore()
			want := sha256Of(t, filepath.Join(dirs[1], name))
			mergeMustRefuse(t, f, dir, dirs, "shard 1/3", dirs[1], name+" has sha256 "+want[:12])
		})
	}
	t.Run("no checksums", func(t *testing.T) {
		editShardJSON(t, dirs[2], func(m map[string]any) { delete(m, "checksums_sha256") })
		mergeMustRefuse(t, f, dir, dirs, "shard 2/3", dirs[2], "records no checksums", "older divergence")
	})
}

// keysExperiment is a sweep of 4 runs, cut into 2 shards.
const keysExperiment = `name = "keys sweep"
seed = 5
cash = 100_000.0
start = "2019-06-01"
end = "2019-12-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
[strategy.sweep]
fast = [5, 10]
slow = [30, 60]
`

// TestMergeStateKeys: the runs of a shard's state.gob must be the keys
// its shard.json lists, not only as many. The states are rewritten, each
// with its checksum updated in shard.json, so that neither the count nor
// the checksum tells: a run of shard 0 given the key of a run of shard 1
// and that run shard 0's key (every key is still held once, each under
// the other's figures: the merge went through), and a run given a key
// no run has (the merge failed only when it reached the run it lacked,
// naming no shard).
func TestMergeStateKeys(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(p, []byte(keysExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	shards := filepath.Join(dir, "shards")
	var dirs []string
	var keys [][]string
	for i := range 2 {
		if _, err := Run(context.Background(), f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		d := filepath.Join(shards, Shard{Index: i, Count: 2}.Name("keys-sweep"))
		m, err := ReadShardManifest(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Runs) == 0 {
			t.Fatalf("shard %d holds no run: the test wants runs in each", i)
		}
		dirs, keys = append(dirs, d), append(keys, m.Runs)
	}
	orig := make([][]byte, 2)
	for i, d := range dirs {
		if orig[i], err = os.ReadFile(filepath.Join(d, stateFile)); err != nil {
			t.Fatal(err)
		}
	}
	// putState writes b as shard i's state and records its checksum in
	// shard.json.
	putState := func(t *testing.T, i int, b []byte) {
		t.Helper()
		sp := filepath.Join(dirs[i], stateFile)
		if err := os.WriteFile(sp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sha := sha256Of(t, sp)
		editShardJSON(t, dirs[i], func(m map[string]any) {
			m["checksums_sha256"].(map[string]any)[stateFile] = sha
		})
	}
	// rekey rewrites shard i's state with its run of key from renamed to
	// to, and its checksum in shard.json.
	rekey := func(t *testing.T, i int, from, to string) {
		t.Helper()
		st, err := readShardState(dirs[i])
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for j := range st.Runs {
			if st.Runs[j].Key == from {
				st.Runs[j].Key = to
				n++
			}
		}
		if n != 1 {
			t.Fatalf("shard %d: %d runs of key %s", i, n, from)
		}
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(st); err != nil {
			t.Fatal(err)
		}
		putState(t, i, b.Bytes())
	}
	restore := func(t *testing.T) {
		t.Helper()
		for i := range dirs {
			putState(t, i, orig[i])
		}
	}
	a, b := keys[0][0], keys[1][0]
	t.Run("keys exchanged between shards", func(t *testing.T) {
		defer restore(t)
		rekey(t, 0, a, b)
		rekey(t, 1, b, a)
		mergeMustRefuse(t, f, t.TempDir(), dirs, dirs[0]+": state.gob", "holds run "+b+", which shard.json does not list", "lacks run "+a+", which shard.json lists")
	})
	t.Run("a key no run has", func(t *testing.T) {
		defer restore(t)
		rekey(t, 1, b, "nosuch")
		mergeMustRefuse(t, f, t.TempDir(), dirs, dirs[1]+": state.gob", "holds run nosuch, which shard.json does not list", "lacks run "+b)
	})
	t.Run("a key twice", func(t *testing.T) {
		if len(keys[0]) < 2 {
			t.Skip("shard 0 holds one run")
		}
		defer restore(t)
		rekey(t, 0, keys[0][1], a)
		mergeMustRefuse(t, f, t.TempDir(), dirs, dirs[0]+": state.gob holds run "+a+" twice")
	})
	t.Run("restored", func(t *testing.T) {
		o, err := Merge(context.Background(), f, dirs, Options{Out: filepath.Join(t.TempDir(), "merged"), Workers: 1})
		if err != nil {
			t.Fatalf("the shards as written: %v", err)
		}
		o.Release()
	})
}

// dirNames lists dir's entries by name (nil when dir does not exist).
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
