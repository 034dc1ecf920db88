package experiment

// Benchmarks of the whole process: experiment.Run with every output, as
// `divergence run` calls it, against the load and engine alone (an
// unexported option that writes nothing), with the phase split from
// Options.Phase. Ratios are measured within one benchmark run, the
// variants interleaved in each iteration, so that they hold on a shared,
// noisy machine:
//
//	go test -tags duckdb_arrow -run '^$' -bench 'RunWhole|SweepCommand|MonteCarloMemory' -benchtime 1x ./experiment/

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// programGC sets the garbage collector as cmd/divergence runs its runs
// (Go's default GOGC 100, no memory limit) unless -gogc or -gomemlimit
// say otherwise (to measure the settings), and returns the restore
// function. The program lowers the target to 50 for its report and
// database (outputGC in cmd/divergence); the benchmarks in one process
// keep it throughout, and BenchmarkCommand* measure the program itself.
func programGC() func() {
	gc := debug.SetGCPercent(*benchGOGC)
	limit := int64(math.MaxInt64)
	if *benchMemLimit > 0 {
		limit = int64(*benchMemLimit) << 20
	}
	lim := debug.SetMemoryLimit(limit)
	return func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(lim) }
}

// writeBars writes n daily bars of a seeded random price, one a calendar
// day from 1700-01-01 (125,000 bars end in 2042), as date,open,high,low,
// close,volume.
func writeBars(path string, n int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 7))
	w.WriteString("date,open,high,low,close,volume\n")
	day := data.Day(1700, 1, 1)
	c, x := 100.0, 0.0
	var buf []byte
	for i := 0; i < n; i++ {
		// The log price mean-reverts (to 100, sd about 0.3) so that 342
		// years of bars stay at plausible prices.
		o := c
		x += -0.0005*x + 0.01*rng.NormFloat64()
		c = 100 * math.Exp(x)
		hi, lo := max(o, c)*(1+0.004*rng.Float64()), min(o, c)*(1-0.004*rng.Float64())
		buf = append(buf[:0], data.FormatDay(day+int64(i)*data.NanosPerDay)...)
		for _, v := range []float64{o, hi, lo, c} {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, v, 'f', 4, 64)
		}
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, 1000+rng.Int64N(1_000_000), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// wholeExperiment writes the experiment into dir: 8 instruments ×
// bars daily bars as CSV files, and one SMA 20/50 cross per instrument.
func wholeExperiment(tb testing.TB, dir string, bars int) string {
	tb.Helper()
	dataDir := filepath.Join(dir, "data")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	var toml strings.Builder
	fmt.Fprintf(&toml, "name = \"whole\"\nseed = 1\ncash = 1_000_000.0\ncommission_bps = 5.0\n[data]\ndir = %q\n", dataDir)
	for k := 0; k < 8; k++ {
		sym := fmt.Sprintf("SYM%c", 'A'+k)
		if err := writeBars(filepath.Join(dataDir, sym+".csv"), bars, uint64(k+1)); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&toml, "[[strategy]]\nname = \"sma %s\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = %q\nfast = 20\nslow = 50\n", sym, sym)
	}
	path := filepath.Join(dir, "whole.toml")
	if err := os.WriteFile(path, []byte(toml.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// phases records the wall time of each phase of one Run (Options.Phase).
type phases struct {
	names []string
	at    []time.Time
}

func (p *phases) start(name string) { p.names = append(p.names, name); p.at = append(p.at, time.Now()) }

// add adds each phase's seconds to sum.
func (p *phases) add(sum map[string]float64) {
	for i := 0; i+1 < len(p.at); i++ {
		sum[p.names[i]] += p.at[i+1].Sub(p.at[i]).Seconds()
	}
}

// variant is one way of running an experiment in a benchmark.
type variant struct {
	name string
	opt  Options
}

// runVariants runs f once per variant per iteration, interleaved, and
// returns for each variant its fastest run's seconds and phase split
// (the minimum: the least disturbed by the other work of a shared
// machine) and its peak RSS (max over iterations).
func runVariants(b *testing.B, f *File, vs []variant) (secs []float64, split []map[string]float64, rss []float64) {
	secs, rss = make([]float64, len(vs)), make([]float64, len(vs))
	split = make([]map[string]float64, len(vs))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, v := range vs {
			var ph phases
			opt := v.opt
			opt.Phase = ph.start
			// As `divergence run --workers N` does (limitCores), N
			// workers run on N cores: GOMAXPROCS, and DuckDB through it.
			procs := runtime.GOMAXPROCS(0)
			if v.opt.Workers > 0 && v.opt.Workers < procs {
				runtime.GOMAXPROCS(v.opt.Workers)
			}
			resetPeakRSS()
			t0 := time.Now()
			_, err := Run(context.Background(), f, opt)
			runtime.GOMAXPROCS(procs)
			if err != nil {
				b.Fatalf("%s: %v", v.name, err)
			}
			if d := time.Since(t0).Seconds(); n == 0 || d < secs[i] {
				secs[i] = d
				split[i] = map[string]float64{}
				ph.add(split[i])
			}
			rss[i] = max(rss[i], peakRSS())
		}
	}
	return secs, split, rss
}

// BenchmarkRunWhole: the experiment, SMA 20/50 on 8 instruments ×
// 125,000 daily bars (1M bars) read from CSV files, through experiment.Run
// as `divergence run` calls it, in three variants each iteration:
//
//   - whole: every output, report.html and results.duckdb included;
//   - no-report: every output but those two (--no-report);
//   - compute: load + engine + metrics, nothing written.
//
// Reported, from each variant's fastest iteration: ms/<variant>, the
// ratios x-whole and x-no-report (over compute; goals ≤ 3 and ≤ 1.5),
// the phase split of the whole variant (ms/load; ms/runs = the engine,
// each run's files, the tables, the charts, report.html and
// results.duckdb, all on the worker pool) and of compute (ms/c-load,
// ms/c-engine), and the peak RSS of each variant (VmHWM, reset before
// each run: MB-rss-whole, …).
func BenchmarkRunWhole(b *testing.B) {
	path := wholeExperiment(b, b.TempDir(), 125_000)
	f, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	defer programGC()()
	out := b.TempDir()
	secs, split, rss := runVariants(b, f, []variant{
		{"whole", Options{Out: out, Report: reportHTML, Database: resultsDB, FreeBars: true}},
		{"no-report", Options{Out: out, FreeBars: true}},
		{"compute", Options{Out: out, computeOnly: true}},
	})
	b.ReportMetric(1000*secs[0], "ms/whole")
	b.ReportMetric(1000*secs[1], "ms/no-report")
	b.ReportMetric(1000*secs[2], "ms/compute")
	b.ReportMetric(secs[0]/secs[2], "x-whole")
	b.ReportMetric(secs[1]/secs[2], "x-no-report")
	for _, ph := range []string{"load", "runs"} {
		b.ReportMetric(1000*split[0][ph], "ms/"+ph)
	}
	b.ReportMetric(1000*split[2]["load"], "ms/c-load")
	b.ReportMetric(1000*split[2]["runs"], "ms/c-engine")
	b.ReportMetric(rss[0]/1e6, "MB-rss-whole")
	b.ReportMetric(rss[1]/1e6, "MB-rss-no-report")
	b.ReportMetric(rss[2]/1e6, "MB-rss-compute")
}

// writePanelCSV writes each series of p as <symbol>.csv in dir and
// returns the [data.classes] lines of its crypto instruments.
func writePanelCSV(tb testing.TB, p *data.Panel, dir string) string {
	tb.Helper()
	var classes strings.Builder
	for i := range p.Series {
		s := &p.Series[i]
		var buf []byte
		buf = append(buf, "date,open,high,low,close,volume\n"...)
		for k := range s.Time {
			buf = append(buf, data.FormatDay(s.Time[k])...)
			for _, v := range []float64{s.Open[k], s.High[k], s.Low[k], s.Close[k], s.Volume[k]} {
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			buf = append(buf, '\n')
		}
		if err := os.WriteFile(filepath.Join(dir, s.Symbol+".csv"), buf, 0o644); err != nil {
			tb.Fatal(err)
		}
		if s.Class == data.Crypto {
			fmt.Fprintf(&classes, "%s = \"crypto\"\n", s.Symbol)
		}
	}
	return classes.String()
}

// sweepExperiment writes BenchmarkSweep200's panel as CSV files into dir
// and the 200-run sweep of pair-hedge over it (10 gross levels × 20
// rebalance periods), and returns the experiment file's path.
func sweepExperiment(tb testing.TB, dir string) string {
	p, long, short := widePanel(tb)
	classes := writePanelCSV(tb, p, dir)
	q := func(ss []string) string { return `["` + strings.Join(ss, `", "`) + `"]` }
	text := fmt.Sprintf(`name = "sweep200"
seed = 1
cash = 1_000_000.0
commission_bps = 5.0
[data]
dir = %q
[data.classes]
%s
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = %s
short = %s
[strategy.sweep]
gross = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0]
rebalance_days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
`, dir, classes, q(long), q(short))
	path := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkSweepCommand: the 200-run sweep of BenchmarkSweep200 (pair
// hedge, 10 gross levels × 20 rebalance periods on 20 instruments × 10
// years, from CSV files) through experiment.Run with every output, report
// and database included (the command's path), against compute only (load
// + engine + metrics), each with 1 and 2 workers, interleaved each
// iteration. A variant of N workers runs at GOMAXPROCS N, as `divergence
// run --workers N` does (DuckDB's threads follow it): 1 worker is one
// core. With 200 runs (over output.csv's CSVRunsMax) the runs' tables are
// Parquet only, as the command writes them. Reported, from each variant's
// fastest iteration: s/cmd-w1, s/cmd-w2, s/compute-w1, s/compute-w2,
// x-cmd-w2 (command over compute on 2 workers; goal ≤ 3), x-cmd-w1 (the
// same on 1 worker), speedup-cmd and speedup-compute (1 worker over 2;
// goal ≥ 1.8), and x-db-w2: the database's build alone (results.duckdb,
// beside the report) in the 2-worker command, its fastest, over
// compute-w2: a floor under x-cmd-w2 that no other output can lower.
func BenchmarkSweepCommand(b *testing.B) {
	f, err := Load(sweepExperiment(b, b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	defer programGC()()
	out := b.TempDir()
	db := math.Inf(1) // the 2-worker command's fastest database build, seconds
	timedDB := func(ctx context.Context, dir string, runs []results.RunRecord, equity []*engine.Curve, fillText map[string][]string) error {
		t0 := time.Now()
		err := resultsDB(ctx, dir, runs, equity, fillText)
		db = min(db, time.Since(t0).Seconds())
		return err
	}
	secs, _, _ := runVariants(b, f, []variant{
		{"cmd-w1", Options{Out: out, Workers: 1, Report: reportHTML, Database: resultsDB, FreeBars: true}},
		{"cmd-w2", Options{Out: out, Workers: 2, Report: reportHTML, Database: timedDB, FreeBars: true}},
		{"compute-w1", Options{Out: out, Workers: 1, computeOnly: true}},
		{"compute-w2", Options{Out: out, Workers: 2, computeOnly: true}},
	})
	b.ReportMetric(secs[0], "s/cmd-w1")
	b.ReportMetric(secs[1], "s/cmd-w2")
	b.ReportMetric(secs[2], "s/compute-w1")
	b.ReportMetric(secs[3], "s/compute-w2")
	b.ReportMetric(secs[1]/secs[3], "x-cmd-w2")
	b.ReportMetric(secs[0]/secs[2], "x-cmd-w1")
	b.ReportMetric(secs[0]/secs[1], "speedup-cmd")
	b.ReportMetric(secs[2]/secs[3], "speedup-compute")
	b.ReportMetric(db/secs[3], "x-db-w2")
}

// BenchmarkMonteCarloMemory: 10,000 bootstrapped paths of 20 instruments
// × 2,520 days replayed through the pair hedge on 2 workers (the Monte
// Carlo of an experiment, f.monteCarlo). Reported: MB-peak-rss, the
// process's peak resident set during the Monte Carlo (VmHWM after a reset
// through /proc/self/clear_refs; goal ≤ 1,000), MB-peak-go, the peak of
// the memory the Go runtime held (runtime/metrics
// /memory/classes/total:bytes less heap/released, the address space it
// has returned to the system; sampled every 5 ms), and paths/s.
func BenchmarkMonteCarloMemory(b *testing.B) {
	p, long, short := widePanel(b)
	params := strategies.Params{"long": long, "short": short, "gross": 1.0, "rebalance_days": int64(7)}
	defer programGC()()
	const paths = 10_000
	f := &File{Cash: 1e6, CommissionBps: 5, Seed: 1, MonteCarlo: &MonteCarloSpec{Paths: paths, Days: 2520, MeanBlock: 10}}
	m := &Market{Panel: p, Timeline: engine.NewTimeline(p), PeriodsPerYear: 365, Base: engine.Config{Cash: 1e6, Commission: 5}}
	specs := []RunSpec{{Key: "hedge", Strategy: "hedge", Type: "pair-hedge", Params: params}}
	var peakGo, peakRSS_ float64
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		resetPeakRSS()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				metrics.Read(s)
				peakGo = max(peakGo, float64(s[0].Value.Uint64()-s[1].Value.Uint64()))
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		mc, err := f.monteCarlo(context.Background(), specs, m, Options{Workers: 2, Strategies: strategies.Builtins()})
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		peakRSS_ = max(peakRSS_, peakRSS())
		if len(mc[0].Terminal) != paths {
			b.Fatalf("%d terminal returns, want %d", len(mc[0].Terminal), paths)
		}
	}
	b.ReportMetric(peakRSS_/1e6, "MB-peak-rss")
	b.ReportMetric(peakGo/1e6, "MB-peak-go")
	b.ReportMetric(float64(paths*b.N)/b.Elapsed().Seconds(), "paths/s")
}

var (
	benchGOGC     = flag.Int("gogc", 100, "the GC percent the whole-run benchmarks run at (default: cmd/divergence's, Go's default 100)")
	benchMemLimit = flag.Int("gomemlimit", 0, "the soft memory limit in MiB the whole-run benchmarks run at (0: none, as cmd/divergence)")
	wholeDir      = flag.String("wholedir", "", "write the 8 × 125,000-bar experiment of BenchmarkRunWhole (whole.toml and data/) into this folder, to measure the program on it")
	sweepDir      = flag.String("sweepdir", "", "write the 200-run sweep of BenchmarkSweepCommand (sweep.toml and its CSV files) into this folder")
)

// TestWriteBenchExperiments writes BenchmarkRunWhole's experiment into
// -wholedir and BenchmarkSweepCommand's into -sweepdir, for `divergence
// run` to be measured on them; skipped without either.
func TestWriteBenchExperiments(t *testing.T) {
	if *wholeDir == "" && *sweepDir == "" {
		t.Skip("no -wholedir or -sweepdir")
	}
	var paths []string
	if *wholeDir != "" {
		paths = append(paths, wholeExperiment(t, *wholeDir, 125_000))
	}
	if *sweepDir != "" {
		if err := os.MkdirAll(*sweepDir, 0o755); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, sweepExperiment(t, *sweepDir))
	}
	for _, p := range paths {
		if _, err := Load(p); err != nil {
			t.Fatal(err)
		}
	}
}
