package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/experiment"
)

const holdBTC = "name = \"big\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"sma\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"BTC\"\n"

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A 1,000,000-point sweep and a 1,000,000-path Monte Carlo are refused
// before any work, with the estimate and the way out, and nothing is
// written.
func TestRunRefusesRunawayExperiments(t *testing.T) {
	dir := t.TempDir()
	sweep := writeFile(t, dir, "sweep.toml", holdBTC+"[strategy.sweep]\nfast = { from = 1, to = 1000, step = 1 }\nslow = { from = 1001, to = 2000, step = 1 }\n")
	mc := writeFile(t, dir, "mc.toml", holdBTC+"[montecarlo]\npaths = 1_000_000\n")
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		file string
		args []string
		want string
	}{
		{sweep, nil, "an estimated 1,000,000 runs (limit 100,000)"},
		{mc, nil, "an estimated 1,000,001 runs (limit 100,000)"},
		// 365 days (the default) × 1,000 exact paths × 10 bytes +
		// 1,000,000 paths × 64 bytes = 67,650,000 bytes = 64.5 MiB
		{mc, []string{"--max-runs", "0", "--max-memory", "32M"}, "at least 64.5 MB of memory (limit 32.0 MB)"},
		// --max-disk given is a limit, not the free space
		{mc, []string{"--max-runs", "0", "--max-disk", "1K"}, "of results on disk (limit 1.0 KB)"},
	} {
		stdout, _, err := cli(t, append([]string{"run", tc.file, "--out", out}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--force") {
			t.Errorf("%s %v: got %v", filepath.Base(tc.file), tc.args, err)
		}
		if stdout != "" {
			t.Errorf("printed %q", stdout)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the output folder was made", filepath.Base(tc.file))
		}
	}
}

func TestRunFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "-1"}, "--workers = -1: want 0 (all cores) or more"},
		{[]string{"--top", "-2"}, "--top = -2: want 0 (all) or more"},
		{[]string{"--max-runs", "-5"}, "--max-runs = -5: want 0 (no limit) or more"},
		{[]string{"--max-memory", "lots"}, `--max-memory: "lots": want a size`},
		{[]string{"--max-disk", "-1G"}, `--max-disk: "-1G": want a size`},
	} {
		_, _, err := cli(t, append([]string{"run", "../../experiment/testdata/small.toml", "--out", t.TempDir()}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v", tc.args, err)
		}
	}
	// An --out that is a file, and a results folder that is a file, are
	// said to be files.
	file := writeFile(t, t.TempDir(), "outfile", "x")
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", file); err == nil || err.Error() != "run: output folder "+file+" is a file, not a folder" {
		t.Errorf("--out a file: got %v", err)
	}
	if _, _, err := cli(t, "db", file); err == nil || !strings.Contains(err.Error(), file+" is not a folder but a file") {
		t.Errorf("db on a file: got %v", err)
	}
	// compare's --top is refused below 0 as run's is (it drew every run).
	if _, _, err := cli(t, "compare", t.TempDir(), "--top", "-3"); err == nil || !strings.Contains(err.Error(), "--top = -3: want 0 (every run) or more") {
		t.Errorf("compare --top -3: got %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int64
	}{{"0", 0}, {"512", 512}, {"512M", 512 << 20}, {"8G", 8 << 30}, {"1.5g", 3 << 29}, {"2GiB", 2 << 30}, {"1T", 1 << 40}, {"10KB", 10 << 10}} {
		if got, err := parseSize(tc.s); err != nil || got != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.s, got, err, tc.want)
		}
	}
	for _, s := range []string{"", "G", "-1", "x1", "1e30", "NaN"} {
		if _, err := parseSize(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// The machine's memory is read once from /proc/meminfo: 75% of MemTotal.
func TestMachineMemory(t *testing.T) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Skip("no /proc/meminfo")
	}
	var kb int64
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "MemTotal:" {
			for _, c := range f[1] {
				kb = kb*10 + int64(c-'0')
			}
		}
	}
	if got := machineMemory(); got != kb*1024*3/4 {
		t.Errorf("machineMemory %d, want 3/4 of %d kB", got, kb)
	}
	if freeDisk(filepath.Join(t.TempDir(), "not", "yet")) <= 0 {
		t.Error("no free disk measured under a folder to be made")
	}
}

// A second run into a folder another run is writing fails at once, naming
// the holder, before printing any result; --wait is covered by the
// experiment package's tests.
func TestRunIntoLockedFolder(t *testing.T) {
	out := t.TempDir()
	l, err := experiment.LockDir(context.Background(), out, "small-synthetic", "pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	stdout, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "small-synthetic is being written by pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x: wait for it (--wait) or choose another --out") {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(stdout, "results:") {
		t.Errorf("printed %q", stdout)
	}
}

// --wait with a duration waits up to it for a folder another process
// holds, then fails naming the holder and the wait: run, report and db,
// written --wait=D and --wait D; --wait=0 does not wait.
func TestWaitUpTo(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	const holder = "pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x"
	l, err := experiment.LockDir(context.Background(), out, "small-synthetic", holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"run --wait=300ms", []string{"run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--wait=300ms"},
			"run: " + dir + " is still being written by " + holder + " after a wait of 300ms: wait longer (--wait) or choose another --out"},
		{"run --wait 300ms", []string{"run", "../../experiment/testdata/small.toml", "--wait", "300ms", "--out", out, "--no-report"},
			"run: " + dir + " is still being written by " + holder + " after a wait of 300ms: wait longer (--wait) or choose another --out"},
		{"report --wait 300ms", []string{"report", dir, "--wait", "300ms"}, "report: " + dir + " is still being written by " + holder + " after a wait of 300ms: wait longer (--wait)"},
		{"db --wait=300ms", []string{"db", "--wait=300ms", dir}, "db: " + dir + " is still being written by " + holder + " after a wait of 300ms: wait longer (--wait)"},
		{"db --wait=0", []string{"db", "--wait=0", dir}, "db: " + dir + " is being written by " + holder + ": wait for it (--wait)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A wait without its bound would end here, not at the
			// suite's timeout.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			start := time.Now()
			err := run(ctx, tc.args, &stdout, &stderr)
			took := time.Since(start)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v\nwant %s", err, tc.want)
			}
			waits := strings.Contains(tc.want, "after a wait")
			said := strings.Contains(stderr.String(), "is locked: waiting for pid 4242 (divergence run small.toml --out x) to finish (up to 300ms)")
			if said != waits {
				t.Errorf("stderr %q: said it waits up to 300ms %v, want %v", stderr.String(), said, waits)
			}
			if waits && took < 300*time.Millisecond {
				t.Errorf("failed after %v, before its 300 ms wait", took)
			}
		})
	}
}

// report and db on a folder a run is writing fail at once naming the
// holder (they failed with low-level messages, a file renamed away or a
// footer half read, as the run replaced the folder); once it is done they
// run, and while one of them works a run into the folder waits or fails
// naming it.
func TestReportAndDBWaitForARun(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	l, err := experiment.LockDir(context.Background(), out, "small-synthetic", "pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"db", "report"} {
		_, _, err := cli(t, cmd, dir)
		if want := cmd + ": " + dir + " is being written by pid 4242, started 2025-06-01T10:00:00Z, divergence run small.toml --out x: wait for it (--wait)"; err == nil || err.Error() != want {
			t.Errorf("%s: got %v\nwant %s", cmd, err, want)
		}
	}
	for _, f := range []string{"results.duckdb", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s written while the folder was locked (%v)", f, err)
		}
	}
	l.Release()
	for _, cmd := range []string{"db", "report"} {
		if _, _, err := cli(t, cmd, dir); err != nil {
			t.Errorf("%s after the run: %v", cmd, err)
		}
	}
	// The lock is released once they are done: a run into the folder goes.
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Errorf("run after db and report: %v", err)
	}
}

// The holder text names this process and its command, bounded.
func TestHolder(t *testing.T) {
	h := holder([]string{"run", "x.toml", "--out", strings.Repeat("y", 5000)})
	if !strings.HasPrefix(h, "pid ") || !strings.Contains(h, ", started ") || !strings.Contains(h, "divergence run x.toml --out") || len(h) > 6000 {
		t.Errorf("%.200s", h)
	}
}

// db, report and compare refuse a run's working folder (.tmp-) and a
// folder without a manifest, with a message that says which.
func TestFinishedFoldersOnly(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", dir, "--no-report"); err != nil {
		t.Fatal(err)
	}
	// A killed run's leftover, complete enough to have its manifest.
	tmp := filepath.Join(dir, ".small-synthetic.tmp-123")
	if err := os.Rename(filepath.Join(dir, "small-synthetic"), tmp); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	for _, args := range [][]string{{"db", tmp}, {"report", tmp}, {"compare", tmp, "--out", filepath.Join(dir, "c.png")}} {
		if _, _, err := cli(t, args...); err == nil || !strings.Contains(err.Error(), "is a run's working folder, not a finished experiment") {
			t.Errorf("%s: got %v", args[0], err)
		}
		args[1] = empty
		if _, _, err := cli(t, args...); err == nil || !strings.Contains(err.Error(), "empty is not an experiment folder: no manifest.json") {
			t.Errorf("%s: got %v", args[0], err)
		}
	}
	// No lock file is left beside a folder that is not an experiment's.
	for _, name := range []string{".empty.lock", "..small-synthetic.tmp-123.lock"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s left behind", name)
		}
	}
	for _, name := range []string{"results.duckdb", "report.html"} {
		if _, err := os.Stat(filepath.Join(tmp, name)); err == nil {
			t.Errorf("%s written into the working folder", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "c.png")); err == nil {
		t.Error("compare wrote its chart")
	}
}

// A report of results whose lock cannot be made (a read-only parent
// folder; here the lock's name is taken by a folder, which fails the
// same way for root too) still works, read without the lock.
func TestReportWithoutALock(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(out, ".small-synthetic.lock")
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(lock, 0o755); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "r.html")
	if _, _, err := cli(t, "report", filepath.Join(out, "small-synthetic"), "--out", dest); err != nil {
		t.Errorf("report without a lock: %v", err)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Size() == 0 {
		t.Errorf("no report written (%v)", err)
	}
}

// lockedBuffer is a bytes.Buffer safe for a command writing it while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// run, report and db with --wait on a locked folder say once, on stderr,
// whom they wait for, then go once the lock is released.
func TestWaitSaysForWhom(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	for _, args := range [][]string{{"run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--wait"}, {"report", dir, "--wait"}, {"db", dir, "--wait"}} {
		t.Run(args[0], func(t *testing.T) {
			l, err := experiment.LockDir(context.Background(), out, "small-synthetic", "pid 4242, started 2025-06-01T10:00:00Z, divergence db "+dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr lockedBuffer
			done := make(chan error, 1)
			go func() { done <- run(context.Background(), args, &stdout, &stderr) }()
			want := "divergence: " + dir + " is locked: waiting for pid 4242 (divergence db " + dir + ") to finish\n"
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(stderr.String(), want) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			l.Release()
			if err := <-done; err != nil {
				t.Fatalf("after the lock was released: %v", err)
			}
			if got := stderr.String(); strings.Count(got, want) != 1 || strings.Count(got, "waiting for") != 1 {
				t.Errorf("stderr %q, want the line %q once", got, want)
			}
		})
	}
}

// A report killed mid-write leaves .report.html.tmp-… in the results
// folder; the next report of the folder removes it (no other command
// did), and writes its own report.
func TestReportRemovesKilledReportsLeftovers(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	dead := filepath.Join(dir, ".report.html.tmp-2718281828")
	if err := os.WriteFile(dead, []byte("<html>half"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute) // killed a minute ago
	if err := os.Chtimes(dead, old, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "report", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("%s left by a killed report is still there (%v)", dead, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Error(err)
	}
}

// The way out of a refusal is the one for what passed its limit: a run
// refused for its memory or disk was told to make its grid smaller
// (sweep values, scenarios, Monte Carlo paths), no way out for one
// intraday run of many instruments, and to pass --force when the disk
// limit was the free space, which then fails at a full disk.
func TestWayOutSaysWhatLowersIt(t *testing.T) {
	for _, tc := range []struct {
		name      string
		over      []string
		free      bool
		want, not []string
	}{
		{"runs", []string{"runs"}, false, []string{"fewer sweep values, scenarios or Monte Carlo paths", "--max-runs", "--force"}, []string{"--csv never", "--workers 1"}},
		{"memory", []string{"memory"}, false, []string{"fewer instruments or a shorter span", "--workers 1", "--no-report", "--max-memory", "--force"}, []string{"--csv never"}},
		{"disk limit", []string{"disk"}, false, []string{"--csv never", "--no-db", "--out", "raise --max-disk", "--force"}, []string{"--workers 1"}},
		{"free space", []string{"disk"}, true, []string{"--csv never", "--no-db", "--out", "free space", "fails at a write"}, []string{"raise --max-disk", "or pass --force"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wayOut(&experiment.EstimateError{Name: "x", Over: tc.over, Limits: experiment.Limits{MaxDisk: 1 << 20, MaxMemory: 1 << 20, DiskFree: tc.free}})
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("%q says %q", err, w)
				}
			}
		})
	}
}
