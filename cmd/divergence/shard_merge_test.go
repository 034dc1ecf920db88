package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/resultsdb"
)

// binDir is the folder of the program built for the shard tests, made
// on first use and removed when the package's tests end (TestMain): each
// run of them left a 130 MB binary in the system's temporary folder.
var binDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "divergence-bin-") })

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := binDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// shardBinary builds the program once for the shard tests.
var shardBinary = sync.OnceValues(func() (string, error) {
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "divergence")
	out, err := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// demoWithWalkForward writes the demo experiment (scenarios, Monte Carlo)
// with a sweep of its SMA strategy and a walk-forward over it into dir,
// and returns its path and slug.
func demoWithWalkForward(t testing.TB, dir, extra string) (string, string) {
	t.Helper()
	b, err := os.ReadFile("../../examples/synthetic-ai-hedge.toml")
	if err != nil {
		t.Fatal(err)
	}
	// The last strategy's fast window is swept, not fixed.
	demo := strings.Replace(string(b), "fast = 20\nslow = 100", "slow = 100", 1)
	if demo == string(b) {
		t.Fatal("the demo's BTC SMA no longer reads fast = 20, slow = 100")
	}
	text := demo + `
[strategy.sweep]          # the last strategy (BTC SMA): 3 candidates for the walk-forward
fast = [10, 20, 30]

[walkforward]
in_sample_days = 365
out_of_sample_days = 182
` + extra
	path := filepath.Join(dir, "demo.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, results.Slug(f.Name)
}

// divergence runs the binary with args and env (added to a clean
// environment without the schedulers' variables).
func divergence(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := shardBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cleanEnv(), env...)
	return cmd
}

// cleanEnv is this process's environment without the schedulers'
// variables (SLURM_*, JOB_COMPLETION_INDEX, DIVERGENCE_*) and those
// beginning with a prefix of drop.
func cleanEnv(drop ...string) []string {
	drop = append(drop, "SLURM_", "JOB_COMPLETION_INDEX=", "DIVERGENCE_")
	var out []string
	for _, kv := range os.Environ() {
		if !slices.ContainsFunc(drop, func(p string) bool { return strings.HasPrefix(kv, p) }) {
			out = append(out, kv)
		}
	}
	return out
}

// binarySHA256 is the sha256 of the program shardBinary built, read here
// on its own (crypto/sha256 over the file's bytes).
func binarySHA256(t *testing.T) string {
	t.Helper()
	bin, err := shardBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

func mustRun(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// shardEnv is the environment of shard i of 4 as the schedulers set it:
// shards 0 and 1 as pods of a Kubernetes Indexed Job, 2 and 3 as tasks of
// a Slurm array numbered from 1.
func shardEnv(i int) []string {
	if i < 2 {
		return []string{"JOB_COMPLETION_INDEX=" + string(rune('0'+i)), "DIVERGENCE_SHARDS=4"}
	}
	return []string{"SLURM_ARRAY_TASK_ID=" + string(rune('1'+i)), "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=1"}
}

// runShards runs the 4 shard processes at once into out.
func runShards(t *testing.T, exp, out string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]string, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := divergence(t, shardEnv(i), "run", exp, "--out", out, "--quiet", "--workers", "1")
			if b, err := cmd.CombinedOutput(); err != nil {
				errs[i] = err.Error() + "\n" + string(b)
			}
		}()
	}
	wg.Wait()
	for i, e := range errs {
		if e != "" {
			t.Fatalf("shard %d: %s", i, e)
		}
	}
}

// files lists the regular files under dir, relative.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// sameFolders checks that the merged folder holds the one-machine
// folder's files, byte for byte, and merge.json besides.
func sameFolders(t *testing.T, one, merged string) {
	t.Helper()
	a, b := files(t, one), files(t, merged)
	b = slices.DeleteFunc(b, func(s string) bool { return s == experiment.MergeFile })
	if !slices.Equal(a, b) {
		t.Fatalf("file sets differ:\none machine: %v\nmerged:      %v", a, b)
	}
	for _, name := range a {
		x, err1 := os.ReadFile(filepath.Join(one, name))
		y, err2 := os.ReadFile(filepath.Join(merged, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if filepath.Base(name) == resultsdb.File {
			// DuckDB lays out a database's blocks differently each time it
			// builds it (two one-machine runs differ too): compared by its
			// tables' content.
			da, err1 := resultsdb.Dump(context.Background(), filepath.Join(one, name))
			db, err2 := resultsdb.Dump(context.Background(), filepath.Join(merged, name))
			if err1 != nil || err2 != nil || da != db || len(da) < 1000 {
				t.Errorf("%s: the tables differ (%v, %v)", name, err1, err2)
			}
			continue
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs (%d bytes one machine, %d merged)", name, len(x), len(y))
		}
	}
	if len(a) < 50 {
		t.Errorf("only %d files compared", len(a))
	}
}

// The demo with scenarios, Monte Carlo and a walk-forward, run as one
// process and as 4 shard processes (2 with Kubernetes' variables, 2 with
// Slurm's), merged: every file of the merged folder equals the
// one-machine folder's, byte for byte (merge.json aside). Then the
// merge's refusals: a missing shard, a duplicated one, one of another
// experiment file, one of another program version — each named, nothing
// written — and a shard killed mid-write, re-run, merged again.
func TestShardsMergeByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and runs the demo 6 times")
	}
	dir := t.TempDir()
	exp, slug := demoWithWalkForward(t, dir, "")
	one, shards, merged := filepath.Join(dir, "one"), filepath.Join(dir, "shards"), filepath.Join(dir, "merged")
	onePrinted := mustRun(t, divergence(t, nil, "run", exp, "--out", one, "--quiet"))
	runShards(t, exp, shards)
	for i, want := range []string{"kubernetes: JOB_COMPLETION_INDEX=0, DIVERGENCE_SHARDS=4", "kubernetes: JOB_COMPLETION_INDEX=1, DIVERGENCE_SHARDS=4",
		"slurm: SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=1", "slurm: SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_COUNT=4, SLURM_ARRAY_TASK_MIN=1"} {
		m, err := experiment.ReadShardManifest(filepath.Join(shards, experiment.Shard{Index: i, Count: 4}.Name(slug)))
		if err != nil {
			t.Fatal(err)
		}
		if m.Source != want || m.Shard != i || m.Shards != 4 || len(m.Runs) == 0 {
			t.Errorf("shard %d: source %q, %d/%d, %d runs", i, m.Source, m.Shard, m.Shards, len(m.Runs))
		}
		// The build it records is the program's file's sha256 (the merge
		// refuses the shards of another build).
		if want := binarySHA256(t); m.ProgramBuild != want {
			t.Errorf("shard %d records program_build %q, want the binary's sha256 %s", i, m.ProgramBuild, want)
		}
	}
	printed := mustRun(t, divergence(t, nil, "merge", merged, shards))
	sameFolders(t, filepath.Join(one, slug), filepath.Join(merged, slug))
	// It prints what the one-machine run printed (a merge once printed
	// its results' paths alone): runs table, walk-forward, stress table,
	// notes.
	samePrinted(t, onePrinted, one, printed, merged, "walk-forward, out of sample", "stress test: PnL vs the unshocked baseline", "best 20 of")
	// Every entry these folders hold is one the program knows for its
	// own: a folder replaced by a later run keeps none of them (a stale
	// stress_heatmap.png beside new results), and keeps what is not.
	folders := []string{filepath.Join(one, slug), filepath.Join(merged, slug)}
	for i := range 4 {
		folders = append(folders, filepath.Join(shards, experiment.Shard{Index: i, Count: 4}.Name(slug)))
	}
	for _, f := range folders {
		ents, err := os.ReadDir(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if !experiment.ProgramEntry(e.Name()) {
				t.Errorf("%s: %s is the program's, and experiment.ProgramEntry does not know it: a run replacing the folder would keep it as the user's", f, e.Name())
			}
		}
	}
	// It says where the report and the database are, as run does.
	if want := "report: " + filepath.Join(merged, slug, "report.html") + "  database: " + filepath.Join(merged, slug, "results.duckdb"); !strings.Contains(printed, want) {
		t.Errorf("merge printed:\n%s\nwant a line %s", printed, want)
	}
	// --no-db: the report without the database.
	noDB := filepath.Join(dir, "merged-no-db")
	if printed := mustRun(t, divergence(t, nil, "merge", noDB, shards, "--no-db")); !strings.Contains(printed, "(no database: divergence db "+filepath.Join(noDB, slug)+" makes it)") {
		t.Errorf("merge --no-db printed:\n%s", printed)
	}
	if _, err := os.Stat(filepath.Join(noDB, slug, "report.html")); err != nil {
		t.Errorf("merge --no-db: %v", err)
	}
	if _, err := os.Stat(filepath.Join(noDB, slug, "results.duckdb")); !os.IsNotExist(err) {
		t.Errorf("merge --no-db wrote results.duckdb (stat: %v)", err)
	}

	// The output flags go to the merge, which writes what a one-machine
	// run with them writes (a shard took --csv and --charts and ignored
	// them; the merge had neither); a shard refuses them.
	oneFlags, mergedFlags := filepath.Join(dir, "one-flags"), filepath.Join(dir, "merged-flags")
	oneFlagsPrinted := mustRun(t, divergence(t, nil, "run", exp, "--out", oneFlags, "--quiet", "--csv", "never", "--charts", "all", "--sort", "cagr", "--top", "3"))
	mergedFlagsPrinted := mustRun(t, divergence(t, nil, "merge", mergedFlags, shards, "--csv", "never", "--charts", "all", "--sort", "cagr", "--top", "3", "--quiet"))
	sameFolders(t, filepath.Join(oneFlags, slug), filepath.Join(mergedFlags, slug))
	samePrinted(t, oneFlagsPrinted, oneFlags, mergedFlagsPrinted, mergedFlags, "best 3 of", "by cagr")
	if csvs, _ := filepath.Glob(filepath.Join(mergedFlags, slug, "runs", "*", "equity.csv")); len(csvs) != 0 {
		t.Errorf("merge --csv never wrote %d equity.csv files", len(csvs))
	}
	if csvs, _ := filepath.Glob(filepath.Join(one, slug, "runs", "*", "equity.csv")); len(csvs) == 0 {
		t.Error("the one-machine run wrote no equity.csv by default: --csv never changes nothing, the test checks nothing")
	}
	for _, flags := range [][]string{{"--csv", "never"}, {"--charts", "all"}, {"--sort", "cagr"}} {
		b, err := divergence(t, nil, append([]string{"run", exp, "--out", filepath.Join(dir, "shard-flags"), "--quiet", "--shard", "0/4"}, flags...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(b), "give "+flags[0]+" to divergence merge") {
			t.Errorf("run --shard %s: %v\n%s", strings.Join(flags, " "), err, b)
		}
	}

	shard := func(i int) string { return filepath.Join(shards, experiment.Shard{Index: i, Count: 4}.Name(slug)) }
	refused := func(name string, want []string, args ...string) {
		t.Helper()
		out := filepath.Join(dir, "refused-"+name)
		cmd := divergence(t, nil, append([]string{"merge", out}, args...)...)
		b, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("%s: merge succeeded:\n%s", name, b)
		}
		for _, w := range append(want, "nothing was written") {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: the error lacks %q:\n%s", name, w, b)
			}
		}
		// Nothing at all: a refused merge once left OUT made, holding
		// .<slug>.lock.
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: %s was made (%q)", name, out, dirNames(t, out))
		}
	}
	refused("missing", []string{"missing of 4: 2 (" + slug + "-shard-2-of-4)"}, shard(0), shard(1), shard(3))
	refused("duplicated", []string{"shard 1 of 4: its folder " + shard(1) + " is given 2 times"}, shard(0), shard(1), shard(1), shard(2), shard(3))

	// A shard of the experiment with another seed: another file.
	otherDir := filepath.Join(dir, "other")
	os.MkdirAll(otherDir, 0o755)
	otherExp, _ := demoWithWalkForward(t, otherDir, "")
	b, _ := os.ReadFile(otherExp)
	os.WriteFile(otherExp, bytes.Replace(b, []byte("seed = 42"), []byte("seed = 43"), 1), 0o644)
	mustRun(t, divergence(t, nil, "run", otherExp, "--out", filepath.Join(otherDir, "shards"), "--quiet", "--shard", "3/4"))
	foreign := filepath.Join(otherDir, "shards", experiment.Shard{Index: 3, Count: 4}.Name(slug))
	refused("other experiment", []string{foreign + " is not a shard of this experiment: it was run from another experiment file"},
		"--experiment", exp, shard(0), shard(1), shard(2), foreign)

	// A shard of another program version (its shard.json says so).
	oldDir := filepath.Join(dir, "old", "s2")
	os.MkdirAll(oldDir, 0o755)
	mustRun(t, exec.Command("cp", "-a", shard(2)+"/.", oldDir))
	mb, _ := os.ReadFile(filepath.Join(oldDir, experiment.ShardFile))
	os.WriteFile(filepath.Join(oldDir, experiment.ShardFile), bytes.Replace(mb, []byte(`"program_version": "`+version+`"`), []byte(`"program_version": "0.0.1"`), 1), 0o644)
	refused("other version", []string{oldDir + " is not a shard of this experiment: it was written by divergence 0.0.1, this is " + version},
		shard(0), shard(1), oldDir, shard(3))

	// Two shards made from other data (their first input one row longer):
	// the merge names both, not only the first.
	firstRows := regexp.MustCompile(`"rows": (\d+)`)
	var otherData []string
	for _, i := range []int{1, 3} {
		d := filepath.Join(dir, "otherdata", strconv.Itoa(i))
		os.MkdirAll(d, 0o755)
		mustRun(t, exec.Command("cp", "-a", shard(i)+"/.", d))
		sb, _ := os.ReadFile(filepath.Join(d, experiment.ShardFile))
		done := false
		sb = firstRows.ReplaceAllFunc(sb, func(m []byte) []byte {
			if done {
				return m
			}
			done = true
			n, _ := strconv.Atoi(string(firstRows.FindSubmatch(m)[1]))
			return []byte(`"rows": ` + strconv.Itoa(n+1))
		})
		os.WriteFile(filepath.Join(d, experiment.ShardFile), sb, 0o644)
		otherData = append(otherData, d)
	}
	refused("other data", []string{otherData[0] + " is not a shard of this experiment: its data differ", otherData[1] + " is not a shard of this experiment: its data differ"},
		shard(0), otherData[0], shard(2), otherData[1])

	// Shard 1 killed while it writes: its folder keeps the last complete
	// shard (never a half-written one); run again, it is replaced and the
	// merge equals the one-machine run again.
	before, _ := os.ReadFile(filepath.Join(shard(1), experiment.ShardFile))
	working := filepath.Join(shards, "."+slug+"-shard-1-of-4.tmp-*")
	caught := false // killed while its working folder was being written
	for try := 0; try < 3 && !caught; try++ {
		cmd := divergence(t, shardEnv(1), "run", exp, "--out", shards, "--quiet", "--workers", "1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			if tmp, _ := filepath.Glob(filepath.Join(working, "runs", "*")); len(tmp) > 0 {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("shard 1's working folder never had a run in 60 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if after, err := os.ReadFile(filepath.Join(shard(1), experiment.ShardFile)); err != nil || !bytes.Equal(after, before) {
			t.Fatalf("after the kill shard 1's folder changed or went: %v", err)
		}
		left, _ := filepath.Glob(working)
		caught = len(left) > 0
	}
	if !caught {
		t.Fatal("three kills all came after the shard had finished writing: the kill mid-write was not tested")
	}
	os.RemoveAll(shard(1)) // as if the first attempt had never finished
	refused("killed", []string{"missing of 4: 1"}, shards)
	mustRun(t, divergence(t, shardEnv(1), "run", exp, "--out", shards, "--quiet"))
	if left, _ := filepath.Glob(filepath.Join(shards, ".*tmp-*")); len(left) > 0 {
		t.Errorf("working folders left after the re-run: %v", left)
	}
	merged2 := filepath.Join(dir, "merged2")
	mustRun(t, divergence(t, nil, "merge", merged2, shards))
	sameFolders(t, filepath.Join(one, slug), filepath.Join(merged2, slug))
}

// TestTerminatedRunLeavesNothing: a run sent SIGTERM (what Kubernetes,
// Slurm's scancel and timeout send) while it writes leaves no working
// folder behind, as an interrupt does; it ignored TERM and left a
// 110 MB .tmp folder until the next run into the same place.
func TestTerminatedRunLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and runs the demo")
	}
	out := t.TempDir()
	for try := 0; try < 3; try++ {
		cmd := divergence(t, nil, "run", filepath.Join("..", "..", "examples", "synthetic-ai-hedge.toml"), "--out", out, "--quiet", "--workers", "1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			if tmp, _ := filepath.Glob(filepath.Join(out, ".*tmp-*", "runs", "*")); len(tmp) > 0 {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("the run's working folder never had a run in 60 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if err == nil {
			continue // it had finished: try again
		}
		if left, _ := filepath.Glob(filepath.Join(out, ".*tmp-*")); len(left) > 0 {
			t.Fatalf("working folders left after SIGTERM: %v", left)
		}
		// It says why it stopped, not what the stop left ("context
		// canceled", DuckDB's "INTERRUPT Error").
		last := strings.TrimSpace(stderr.String())
		last = last[strings.LastIndex(last, "\n")+1:]
		if !strings.HasPrefix(last, "divergence: stopped (terminated signal received)") || strings.Contains(stderr.String(), "canceled") {
			t.Errorf("after SIGTERM it said:\n%s", stderr.String())
		}
		return
	}
	t.Fatal("three runs all finished before the signal: the test checked nothing")
}

// dirNames lists dir's entries by name.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// samePrinted checks that a merge into the folder merged printed what a
// one-machine run into one printed, but for the line naming the merge
// and the folders' paths, and that both hold each of want.
func samePrinted(t *testing.T, onePrinted, one, mergePrinted, merged string, want ...string) {
	t.Helper()
	lines := strings.Split(mergePrinted, "\n")
	if len(lines) == 0 || !strings.Contains(lines[0], " — merged 4 shards") {
		t.Fatalf("merge printed:\n%s\nwant a first line naming the merge", mergePrinted)
	}
	got := strings.Join(lines[1:], "\n")
	if exp := strings.ReplaceAll(onePrinted, one, merged); got != exp {
		t.Errorf("merge printed (after its first line):\n%s\nthe one-machine run (its folder renamed):\n%s", got, exp)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("merge printed:\n%s\nwant %q", got, w)
		}
	}
}
