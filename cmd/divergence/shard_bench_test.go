package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// sweepExperiment writes an experiment of runs SMA-cross runs on the
// synthetic market's daily bars (2020 to its end, BTC every day: ~2,000
// steps a run): fast = 1…runs/25, slow = 50…74.
func sweepExperiment(b *testing.B, dir string, runs int) string {
	b.Helper()
	text := fmt.Sprintf(`name = "shard sweep"
seed = 1
start = "2020-01-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
[strategy.sweep]
fast = { from = 1, to = %d, step = 1 }
slow = { from = 50, to = 74, step = 1 }
`, runs/25)
	path := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkMerge: the merge of 2 shards of a sweep of 1,000 daily runs
// (the shards run once, untimed), without and with the report and
// database, in this process.
func BenchmarkMerge(b *testing.B) {
	dir := b.TempDir()
	exp := sweepExperiment(b, dir, 1000)
	shards := filepath.Join(dir, "shards")
	for i := range 2 {
		if _, stderr, err := cli(b, "run", exp, "--out", shards, "--quiet", "--shard", fmt.Sprintf("%d/2", i)); err != nil {
			b.Fatalf("shard %d: %v\n%s", i, err, stderr)
		}
	}
	for _, variant := range []string{"no-report", "report"} {
		b.Run(variant, func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				args := []string{"merge", filepath.Join(dir, "merged-"+variant), shards}
				if variant == "no-report" {
					args = append(args, "--no-report")
				}
				if _, stderr, err := cli(b, args...); err != nil {
					b.Fatalf("merge: %v\n%s", err, stderr)
				}
			}
			b.ReportMetric(1000, "runs")
		})
	}
}

// divergenceBin is the built program with args, in this environment
// without the schedulers' variables.
func divergenceBin(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv("GOMAXPROCS=")
	return cmd
}

// BenchmarkShardSpeedup: an experiment as one shard process on one core
// (GOMAXPROCS=1, --workers 1) against 2 shard processes of one core each
// at once, wall time; reports the speed-up (process start and data load
// included, as on a cluster). sweep: 200 daily SMA runs (each writes its
// files); montecarlo: 20,000 one-year paths of a buy-and-hold (CPU only).
func BenchmarkShardSpeedup(b *testing.B) {
	dir := b.TempDir()
	mc := filepath.Join(dir, "mc.toml")
	if err := os.WriteFile(mc, []byte(`name = "shard mc"
seed = 1
start = "2020-01-01"
[data]
synthetic = true
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "MSFT", "BTC"]
[montecarlo]
paths = 20000
days = 365
`), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, exp string }{{"sweep", sweepExperiment(b, dir, 200)}, {"montecarlo", mc}} {
		b.Run(tc.name, func(b *testing.B) { shardSpeedup(b, dir, tc.exp) })
	}
}

func shardSpeedup(b *testing.B, dir, exp string) {
	bin, err := shardBinary()
	if err != nil {
		b.Fatal(err)
	}
	shards := func(n int) time.Duration {
		out := filepath.Join(dir, fmt.Sprintf("out-%d", n))
		start := time.Now()
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := divergenceBin(bin, "run", exp, "--out", out, "--quiet", "--workers", "1", "--shard", fmt.Sprintf("%d/%d", i, n))
				cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
				if o, err := cmd.CombinedOutput(); err != nil {
					b.Errorf("shard %d/%d: %v\n%s", i, n, err, o)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	var t1, t2 time.Duration
	for n := 0; n < b.N; n++ {
		t1 += shards(1)
		t2 += shards(2)
	}
	b.ReportMetric(t1.Seconds()/float64(b.N), "s/1-process")
	b.ReportMetric(t2.Seconds()/float64(b.N), "s/2-processes")
	b.ReportMetric(t1.Seconds()/t2.Seconds(), "speedup")
}

// BenchmarkProgramBuild: what recording the program's build costs a shard
// and a merge (programBuild: the sha256 of the executable, here the test
// binary) beside the run of one shard of 3 of the demo with a sweep and a
// walk-forward (in this process, --workers 1).
func BenchmarkProgramBuild(b *testing.B) {
	b.Run("sha256-of-executable", func(b *testing.B) {
		exe, err := os.Executable()
		if err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(exe)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(fi.Size())
		for n := 0; n < b.N; n++ {
			if _, err := programBuild(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("shard-1-of-3", func(b *testing.B) {
		dir := b.TempDir()
		exp, _ := demoWithWalkForward(b, dir, "")
		for n := 0; n < b.N; n++ {
			if _, stderr, err := cli(b, "run", exp, "--out", filepath.Join(dir, "shards"), "--quiet", "--workers", "1", "--shard", "1/3"); err != nil {
				b.Fatalf("shard: %v\n%s", err, stderr)
			}
		}
	})
}
