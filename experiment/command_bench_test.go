//go:build duckdb_arrow

package experiment

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/divergence-research/divergence/engine"
)

// commandBinary builds the program (cmd/divergence) once for the
// benchmarks that run it as a user does, in a process of its own. It is
// built from the checkout the test binary runs in (../cmd/divergence):
// to compare two commits, run each commit's test binary in its own
// checkout's experiment folder.
var commandBinary = sync.OnceValues(func() (string, error) {
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "divergence")
	if out, err := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, "../cmd/divergence").CombinedOutput(); err != nil {
		return "", &commandError{"go build", out, err}
	}
	return bin, nil
})

type commandError struct {
	what string
	out  []byte
	err  error
}

func (e *commandError) Error() string { return e.what + ": " + e.err.Error() + "\n" + string(e.out) }

// binDir is the folder of the program built for the benchmarks, made
// on first use and removed when the package's tests end (TestMain): each
// run of them left a 130 MB binary in the system's temporary folder.
var binDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "divergence-bench-") })

// childCompute, set in the environment of this test binary run as a
// child process, names an experiment file that the child loads and runs
// computeOnly (load + engine + metrics, nothing written), then exits:
// the compute baseline of BenchmarkCommandWhole in a fresh process, as
// the program runs. The program has no flag for it.
const childCompute = "DIVERGENCE_BENCH_COMPUTE"

func TestMain(m *testing.M) {
	if path := os.Getenv(childCompute); path != "" {
		if os.Getenv("DIVERGENCE_HUGEPAGES") == "on" {
			HugePages(os.Getenv("GODEBUG")) // as the program does first then (cmd/divergence's main)
		}
		f, err := Load(path)
		if err == nil {
			_, err = Run(context.Background(), f, Options{Out: os.Getenv(childCompute + "_OUT"), computeOnly: true})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if dir, err := binDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// processRun is what one run of the program cost.
type processRun struct {
	secs, sysSecs float64
	peakRSS       float64 // bytes
	faults        int64   // minor page faults
}

// runProcess runs cmd and measures it: its system time and page faults
// from its resource usage (getrusage of the child), its peak resident
// set from its VmHWM, read every 2 ms while it runs. The rusage's
// maxrss is not the child's own: a child started by vfork and exec from
// this process counts this process's peak too (Linux keeps the larger
// of the old and the new address space's marks across the exec), and
// this process has read 6M bars by the time make bench gets here.
func runProcess(cmd *exec.Cmd) (processRun, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return processRun{}, &commandError{"divergence", nil, err}
	}
	var peak float64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, vmHWM(status))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	p := processRun{secs: time.Since(t0).Seconds()}
	close(done)
	wg.Wait()
	if err != nil {
		return p, &commandError{"divergence", out.Bytes(), err}
	}
	p.peakRSS = peak
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.sysSecs = time.Duration(ru.Stime.Nano()).Seconds()
		p.faults = ru.Minflt
	}
	return p, nil
}

// process is a run of the program (or of compute, this test binary as
// a child) a benchmark makes.
type process struct {
	name string
	cmd  func() *exec.Cmd
}

// commandProcesses returns the program's run of the experiment at path
// with the extra flags, and the compute child's, with workers workers
// on as many cores (GOMAXPROCS, as `divergence run --workers N` sets;
// 0: all).
func commandProcesses(b *testing.B, path, out string, workers int, extra ...string) (cmd, compute func() *exec.Cmd) {
	bin, err := commandBinary()
	if err != nil {
		b.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	env := os.Environ()
	args := append([]string{"run", path, "--out", out, "--quiet"}, extra...)
	if workers > 0 {
		env = append(env, fmt.Sprintf("GOMAXPROCS=%d", workers))
		args = append(args, "--workers", fmt.Sprint(workers))
	}
	cmd = func() *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env = env
		return c
	}
	compute = func() *exec.Cmd {
		c := exec.Command(self, "-test.run", "^$")
		c.Env = append(env, childCompute+"="+path, childCompute+"_OUT="+out)
		return c
	}
	return cmd, compute
}

// runProcesses runs each process once per iteration, interleaved, and
// reports for each its fastest iteration: ms/<name>, and from the same
// iteration its peak resident set (MB-rss-<name>), minor page faults
// (faults/<name>) and system time (ms-sys/<name>), from the child's
// resource usage. It returns the fastest iteration of each.
func runProcesses(b *testing.B, ps []process) []processRun {
	best := make([]processRun, len(ps))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, p := range ps {
			r, err := runProcess(p.cmd())
			if err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			if n == 0 || r.secs < best[i].secs {
				best[i] = r
			}
		}
	}
	for i, p := range ps {
		b.ReportMetric(1000*best[i].secs, "ms/"+p.name)
		b.ReportMetric(best[i].peakRSS/1e6, "MB-rss-"+p.name)
		b.ReportMetric(float64(best[i].faults), "faults/"+p.name)
		b.ReportMetric(1000*best[i].sysSecs, "ms-sys/"+p.name)
	}
	return best
}

// BenchmarkCommandWhole: BenchmarkRunWhole's experiment (SMA 20/50 on 8
// instruments × 125,000 daily bars from CSV) run by the program itself,
// `divergence run` in a fresh process, as a user runs it, with every
// output (whole) and with --no-report, interleaved each iteration with
// compute alone (load + engine + metrics, nothing written) in a fresh
// process too (this test binary as a child, see childCompute). A fresh
// process touches every page of its memory for the first time, and a
// first touch costs a page fault, about 10 µs a page on the benchmark
// machine (a VM): runs in one warm process (BenchmarkRunWhole's) reuse
// their pages and do not pay it. Reported (runProcesses): each
// variant's figures, the ratios x-cmd-whole and x-cmd-no-report (over
// compute), and x-rss-whole and x-rss-no-report: the program's peak
// resident set over the columnar market data and the results it keeps
// (dataBytes; goal ≤ 3), with MB-data, that sum.
func BenchmarkCommandWhole(b *testing.B) {
	dir := b.TempDir()
	path := wholeExperiment(b, dir, 125_000)
	out := filepath.Join(dir, "out")
	whole, compute := commandProcesses(b, path, out, 0)
	noReport, _ := commandProcesses(b, path, out, 0, "--no-report")
	best := runProcesses(b, []process{{"cmd-whole", whole}, {"cmd-no-report", noReport}, {"compute", compute}})
	b.ReportMetric(best[0].secs/best[2].secs, "x-cmd-whole")
	b.ReportMetric(best[1].secs/best[2].secs, "x-cmd-no-report")
	b.StopTimer()
	f, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: out, computeOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	data := dataBytes(o)
	b.ReportMetric(data/1e6, "MB-data")
	b.ReportMetric(best[0].peakRSS/data, "x-rss-whole")
	b.ReportMetric(best[1].peakRSS/data, "x-rss-no-report")
}

// dataBytes is the size of an experiment's columnar market data (each
// series' columns: times, open, high, low, close, volume, adjusted
// close, source rows) and of the results its runs keep (each curve's
// six columns, and the fills still held: none unless Options.Keep, a
// run's being dropped once written), counted from the lengths of the
// slices that hold them: the memory the run cannot do without. For
// BenchmarkCommandWhole's 8 × 125,000 bars: 1M bars × 7 columns × 8 B
// = 56 MB (no source rows kept) and 1M curve points × 6 × 8 B = 48 MB.
func dataBytes(o *Outcome) float64 {
	var n int
	for i := range o.Panel.Series {
		s := &o.Panel.Series[i]
		n += 8 * (len(s.Time) + len(s.Open) + len(s.High) + len(s.Low) + len(s.Close) + len(s.Volume) + len(s.AdjClose) + len(s.Rows))
	}
	for i := range o.Runs {
		r := o.Runs[i].Result
		c := &r.Curve
		n += 8 * (len(c.Time) + len(c.Equity) + len(c.Cash) + len(c.Gross) + len(c.Net) + len(c.Drawdown))
		n += len(r.Fills) * int(unsafe.Sizeof(engine.Fill{}))
	}
	return float64(n)
}

// BenchmarkCommandSweep: BenchmarkSweepCommand's 200-run sweep (pair
// hedge on 20 instruments × 10 years, 1.9M fills) run by the program in
// a fresh process, every output written, on 2 workers and on 1 (one
// core: --workers 1 and GOMAXPROCS 1), against compute alone in a fresh
// process on as many, interleaved each iteration. Reported
// (runProcesses): each variant's figures, x-cmd-w2 (the command over
// compute on 2 workers; goal ≤ 3), speedup-cmd and speedup-compute (1
// worker over 2; goal ≥ 1.8 for the command).
func BenchmarkCommandSweep(b *testing.B) {
	dir := b.TempDir()
	path := sweepExperiment(b, dir)
	out := filepath.Join(dir, "out")
	cmd2, compute2 := commandProcesses(b, path, out, 2)
	cmd1, compute1 := commandProcesses(b, path, out, 1)
	best := runProcesses(b, []process{{"cmd-w2", cmd2}, {"cmd-w1", cmd1}, {"compute-w2", compute2}, {"compute-w1", compute1}})
	b.ReportMetric(best[0].secs/best[2].secs, "x-cmd-w2")
	b.ReportMetric(best[1].secs/best[0].secs, "speedup-cmd")
	b.ReportMetric(best[3].secs/best[2].secs, "speedup-compute")
}

// BenchmarkCommandHugePages: the program with HugePages
// (DIVERGENCE_HUGEPAGES=on) and without (its default), fresh processes interleaved each
// iteration, on BenchmarkCommandWhole's experiment (8 × 125,000 daily
// bars from CSV, every output) and on BenchmarkIntradayEndToEnd's (20
// instruments × a year of one-minute bars, 6.23M, from one Parquet
// table, every output). The variable is taken out of the environment
// the benchmark runs in. Reported (runProcesses): each variant's
// figures, and x-whole and x-intraday, the time with 4 KiB pages over
// the time with huge pages. Where HugePages asks nothing (THP not in
// madvise mode…), both variants are the same program, and the
// benchmark says so.
func BenchmarkCommandHugePages(b *testing.B) {
	if n, why := hugePagesHere(os.Getenv("GODEBUG"), false); n == 0 {
		b.Logf("HugePages asks nothing here (%s): both variants run the same", why)
	}
	dir := b.TempDir()
	whole := wholeExperiment(b, filepath.Join(dir, "whole"), 125_000)
	idir := filepath.Join(dir, "intraday")
	if err := os.MkdirAll(idir, 0o755); err != nil {
		b.Fatal(err)
	}
	intraday, _ := intradayExperiment(b, idir)
	with := func(cmd func() *exec.Cmd, value string) func() *exec.Cmd {
		return func() *exec.Cmd {
			c := cmd()
			// A copy: the processes of one variant share their Env.
			c.Env = slices.DeleteFunc(slices.Clone(c.Env), func(kv string) bool { return strings.HasPrefix(kv, "DIVERGENCE_HUGEPAGES=") })
			if value != "" {
				c.Env = append(c.Env, "DIVERGENCE_HUGEPAGES="+value)
			}
			return c
		}
	}
	w, _ := commandProcesses(b, whole, filepath.Join(dir, "out-whole"), 0)
	i, _ := commandProcesses(b, intraday, filepath.Join(dir, "out-intraday"), 0)
	best := runProcesses(b, []process{{"whole-huge", with(w, "on")}, {"whole-4k", with(w, "")}, {"intraday-huge", with(i, "on")}, {"intraday-4k", with(i, "")}})
	b.ReportMetric(best[1].secs/best[0].secs, "x-whole")
	b.ReportMetric(best[3].secs/best[2].secs, "x-intraday")
}
