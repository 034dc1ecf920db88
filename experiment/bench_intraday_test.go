package experiment

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
	"github.com/divergence-research/divergence/data/synth"
)

// peakRSS returns the process's peak resident set (VmHWM) in bytes, 0
// when /proc is not there.
func peakRSS() float64 { return vmHWM("/proc/self/status") }

// vmHWM returns the peak resident set (VmHWM) a /proc/<pid>/status file
// gives, in bytes; 0 when there is none.
func vmHWM(status string) float64 {
	f, err := os.Open(status)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// resetPeakRSS starts VmHWM again from the current RSS (Linux: "5" to
// /proc/self/clear_refs), after the garbage of the setup is returned.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o200)
}

// intradayExperiment writes into dir the market and the experiment of
// BenchmarkIntradayEndToEnd (bars.parquet, bench.toml) and returns the
// experiment's path and its number of bars.
func intradayExperiment(b *testing.B, dir string) (string, int) {
	p, err := synth.GenerateIntraday(synth.DefaultIntradayConfig(1, data.Minute, 365, 20))
	if err != nil {
		b.Fatal(err)
	}
	bars := 0
	var long, short []string
	for i := range p.Series {
		s := &p.Series[i]
		bars += s.Len()
		if s.Class == data.Equity {
			long = append(long, s.Symbol)
		} else {
			short = append(short, s.Symbol)
		}
	}
	if _, err := duckdb.WriteParquetTable(context.Background(), dir, p); err != nil {
		b.Fatal(err)
	}
	p = nil
	text := `name = "intraday bench"
start = "2025-01-01"
[data]
table = "bars.parquet"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["` + strings.Join(long, `", "`) + `"]
short = ["` + strings.Join(short, `", "`) + `"]
gross = 1.0
rebalance_days = 0
drift_band = 0.005
`
	path := filepath.Join(dir, "bench.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, bars
}

// BenchmarkIntradayEndToEnd: 20 instruments × 365 days of 1-minute bars
// (10 tokens 24/7 and 10 equities in their New York sessions, 6.23M
// bars) in one Parquet table, made by the synthetic generator in the
// benchmark's temporary folder; an experiment reading it through
// [data] table (symbols pushed into the query), a pair hedge long the
// equities and short the tokens, checked at every minute's sync point and
// rebalanced when a weight drifts half a point (about hourly on this
// market), every output written as `divergence run` writes them (per-bar
// equity and fills in CSV and Parquet, metrics.json, runs table, charts,
// manifest, report.html and results.duckdb). Run is timed as a whole; the split (load = read, validate and merge the timeline;
// engine = the replay; outputs = the rest of Run) is measured once after,
// and the peak RSS from the reset after setup.
func BenchmarkIntradayEndToEnd(b *testing.B) {
	dir := b.TempDir()
	path, bars := intradayExperiment(b, dir)
	f, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	defer programGC()()
	ctx := context.Background()
	resetPeakRSS()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if _, err := Run(ctx, f, Options{Out: filepath.Join(dir, "out"), Version: "bench", Report: reportHTML, Database: resultsDB, FreeBars: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	total := b.Elapsed().Seconds() / float64(b.N)
	peak := peakRSS()

	// The split, measured once: load, then the engine on the loaded market.
	opt := Options{Out: filepath.Join(dir, "out")}.withDefaults()
	specs, err := f.Runs(opt.Strategies)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	m, err := f.prepare(ctx, specs, opt)
	if err != nil {
		b.Fatal(err)
	}
	load := time.Since(t0).Seconds()
	t0 = time.Now()
	cfg := m.Base
	cfg.Start = m.Start
	if _, _, err := runOne(opt.Strategies, cfg, m.Panel, m.Timeline, specs[0].Type, specs[0].Params); err != nil {
		b.Fatal(err)
	}
	eng := time.Since(t0).Seconds()
	b.ReportMetric(float64(bars), "bars")
	b.ReportMetric(total, "s/run")
	b.ReportMetric(load, "load_s")
	b.ReportMetric(eng, "engine_s")
	b.ReportMetric(max(total-load-eng, 0), "outputs_s")
	b.ReportMetric(peak/(1<<20), "peak_RSS_MB")
}
