package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// A sweep of 1,000,000 points is refused before any run and before any
// folder is made (it used to take 5.3 GB and 65 s to expand, then ~23
// hours and 900 GB of output).
func TestMillionPointSweepRefusedUpFront(t *testing.T) {
	text := strings.Replace(minimal, "type = \"buy-and-hold\"\n", "type = \"sma-cross\"\n", 1)
	text = strings.Replace(text, "symbols = [\"BTC\"]", "symbol = \"BTC\"", 1) +
		"[strategy.sweep]\nfast = { from = 1, to = 1000, step = 1 }\nslow = { from = 1001, to = 2000, step = 1 }\n"
	f, err := Parse("huge.toml", text)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/out"
	ran := false
	_, err = Run(context.Background(), f, Options{Out: out, Progress: func(int, int) { ran = true }})
	var ee *EstimateError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an estimate error", err)
	}
	if ee.Estimate.Runs != 1_000_000 || ee.Estimate.Points != 1_000_000 {
		t.Fatalf("estimate %+v", ee.Estimate)
	}
	for _, want := range []string{`experiment "x" is too large: an estimated 1,000,000 runs (limit 100,000)`, "1,000,000 parameter set(s) × 1 view(s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if ran {
		t.Error("a run started")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder was made (%v)", err)
	}
}

// Monte Carlo with 1,000,000 paths is refused for its runs; its memory no
// longer grows with the paths (they stream into per-day bands), so with
// the run count unbounded only a small memory limit refuses it; Force
// lets it by.
func TestMillionPathMonteCarloRefused(t *testing.T) {
	f, err := Parse("mc.toml", minimal+"[montecarlo]\npaths = 1_000_000\ndays = 365\n")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/out"
	_, err = Run(context.Background(), f, Options{Out: out})
	if err == nil || !strings.Contains(err.Error(), "an estimated 1,000,001 runs (limit 100,000)") || !strings.Contains(err.Error(), "1,000,000 Monte Carlo path runs") {
		t.Fatalf("got %v", err)
	}
	// More paths than the bands keep exactly: the larger of their exact
	// phase, 1,000 values a day of 10 bytes, 365 × 10,000 = 3,650,000
	// bytes, and a sketch per day, 365 × 4,096 = 1,495,040; and 64 bytes
	// of figures per path, 64,000,000: 67,650,000 bytes (64.5 MiB) in
	// all, whatever the path count beyond 1,000 but for the 64 bytes a
	// path.
	lim := Limits{MaxRuns: -1, MaxMemory: 32 << 20}
	_, err = Run(context.Background(), f, Options{Out: out, Limits: lim})
	var ee *EstimateError
	if !errors.As(err, &ee) || ee.Estimate.Memory != 67_650_000 || !strings.Contains(err.Error(), "at least 64.5 MB of memory (limit 32.0 MB)") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder was made (%v)", err)
	}
	lim.Force = true
	if err := lim.check("mc", ee.Estimate); err != nil {
		t.Errorf("Force: %v", err)
	}
}

// The estimate's run counts match the runs an experiment makes: stress.toml
// has 2 strategies (one a pair hedge, with its long-leg companion) × (the
// baseline + 3 scenarios) = 3 × 4 = 12 runs, and Monte Carlo 2 runs × 40
// paths = 80; Monte Carlo keeps, per run, the 40 paths' values of its
// 120 days exactly (10 bytes each with append's slack: 40 × 120 × 10 =
// 48,000 bytes) and 64 bytes a path (2,560): 2 × 50,560 = 101,120 bytes. On disk, per run, 40 rows of 96
// bytes (montecarlo.csv and .parquet; no database) and 120 days of bands
// of 192: 2 × (3,840 + 23,040) = 53,760; the fan chart, 64 KiB and 48 KiB
// a run, 65,536 + 98,304: 217,600 bytes.
func TestEstimateCountsTheRuns(t *testing.T) {
	f, err := Load("testdata/stress.toml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Estimate(Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := Estimate{Points: 2, Views: 4, Companions: 1, Runs: 92, MonteCarlo: 80, Memory: 101_120, Disk: 217_600}
	if e != want {
		t.Fatalf("estimate %+v\nwant     %+v", e, want)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	paths := 0
	for _, mc := range o.MonteCarlo {
		paths += len(mc.Terminal)
	}
	if len(o.Runs)+paths != e.Runs || paths != e.MonteCarlo {
		t.Errorf("%d runs + %d paths, estimated %d runs", len(o.Runs), paths, e.Runs)
	}
	// With the data: one bar per instrument and day; the model's memory
	// and disk grow from there.
	var bars int64
	for i := range o.Panel.Series {
		bars += int64(o.Panel.Series[i].Len())
	}
	d := o.Estimate
	if d.Bars != bars || d.Steps != int64(o.Views[0].Timeline.Len()) || d.Memory <= e.Memory || d.Disk <= e.Disk {
		t.Errorf("with data %+v (bars %d)", d, bars)
	}
	// Stress with no scenarios named runs every library scenario.
	f.Scenarios = nil
	e, err = f.Estimate(Options{Stress: true, Workers: 2})
	if err != nil || e.Views != 13 {
		t.Errorf("stress views %d (%v), want 1 + the 12 library scenarios", e.Views, err)
	}
}

// A limit passed once the data's size is known refuses before any run
// or folder of results.
func TestEstimateWithDataRefusesBeforeRuns(t *testing.T) {
	f, err := Load("testdata/sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	ran := false
	_, err = Run(context.Background(), f, Options{Out: out, Limits: Limits{MaxMemory: 256 << 10}, Progress: func(int, int) { ran = true }})
	if err == nil || !strings.Contains(err.Error(), "of memory (limit 256.0 KB)") || !strings.Contains(err.Error(), "steps (") {
		t.Fatalf("got %v", err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if e.Name() != "."+results.Slug(f.Name)+".lock" {
			t.Errorf("%s written", e.Name())
		}
	}
	if ran {
		t.Error("a run started")
	}
}

func TestBytesAndCount(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		b, c string
	}{{0, "0 B", "0"}, {1023, "1023 B", "1,023"}, {1536, "1.5 KB", "1,536"}, {5_904_000_000, "5.5 GB", "5,904,000,000"}, {-1234, "-1234 B", "-1,234"}} {
		if got := Bytes(tc.n); got != tc.b {
			t.Errorf("Bytes(%d) = %q, want %q", tc.n, got, tc.b)
		}
		if got := count(tc.n); got != tc.c {
			t.Errorf("count(%d) = %q, want %q", tc.n, got, tc.c)
		}
	}
}

// The memory estimate counts the runs held at once by the workers, at
// most one a run: --workers 100000 on an experiment of 2 runs was refused
// for 69.7 GB "too large: make the grid smaller". From 2019-01-01 to
// 2025-01-01 the synthetic market (crypto every day) has 6 × 365 + 2 =
// 2,192 steps: a worker holds 2,192 × 64 bytes = 140,288.
func TestEstimateWorkersAtMostTheRuns(t *testing.T) {
	f, err := Parse("w.toml", `name = "w"
start = "2019-01-01"
end = "2025-01-01"
[data]
synthetic = true
[[strategy]]
name = "a"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
[[strategy]]
name = "b"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`)
	if err != nil {
		t.Fatal(err)
	}
	est := func(workers int, limit int64) (Estimate, error) {
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: workers, computeOnly: true, Limits: Limits{MaxMemory: limit}})
		if err != nil {
			return Estimate{}, err
		}
		return o.Estimate, nil
	}
	two, err := est(2, 0)
	if err != nil {
		t.Fatal(err)
	}
	many, err := est(100_000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if many.Memory != two.Memory || many.Workers != 2 {
		t.Errorf("--workers 100000: %d bytes with %d workers, want --workers 2's %d bytes with 2", many.Memory, many.Workers, two.Memory)
	}
	// A worker holds a run's 2,192 steps × 64 B = 140,288 and its fills,
	// the basket bought once: one order, 512 B (strategies.FillRate).
	const run = 2192*64 + 512
	if two.Steps != 2192 || two.Working != 2*run {
		t.Errorf("%d steps, the workers' runs %d bytes; want 2,192 steps and 2 × (2,192 × 64 + 512) = %d", two.Steps, two.Working, 2*run)
	}
	one, err := est(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if one.Memory != two.Memory-run {
		t.Errorf("1 worker: %d bytes, want 2 workers' less one run's 140,800: %d", one.Memory, two.Memory-run)
	}
}

// The estimate is of the whole process and of the files the options
// write. It counted the runs' live bytes only (no process, no heap
// headroom, no results.duckdb) and every run's CSV copies and legs charts:
// a 2,000-run daily sweep peaked at 870 MiB against 251 MiB estimated,
// and wrote 378 MiB against 1.6 GiB (CSV copies are not written past
// CSVRunsMax runs, the legs charts only for the runs shown).
//
// Here 60 runs of an SMA cross on BTC from 2019-01-01 to 2025-01-01:
// 6 × 365 + 2 = 2,192 steps, one bar each (2,192 bars), 2 workers.
func TestEstimateCountsProcessAndOutputs(t *testing.T) {
	twoCores(t) // DuckDB's threads (duckdbThreads)
	f, err := Parse("s.toml", `name = "s"
start = "2019-01-01"
end = "2025-01-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
slow = 100
[strategy.sweep]
fast = { from = 1, to = 60, step = 1 }
`)
	if err != nil {
		t.Fatal(err)
	}
	report := func(context.Context, ReportInput) error { return nil }
	database := func(context.Context, string, []results.RunRecord, []*engine.Curve, map[string][]string) error {
		return nil
	}
	for _, tc := range []struct {
		name         string
		opt          Options
		memory, disk int64
	}{
		// The runs: held, the panel, 2,192 × 56 = 122,752, and 60 runs
		// of 6 curve columns of 2,192 × 8 = 17,536 bytes, an eighth more
		// for the allocator's size class, 19,728, + 8,192 = 126,560
		// each, 7,593,600: 7,716,352, twice for the heap's headroom,
		// 15,432,704; the workers, 2 × 2,192 × 64 = 280,576; the
		// process, 100 MiB = 104,857,600: 120,570,880.
		// The outputs, after the runs (the bars kept: no FreeBars): 1.5 ×
		// 7,716,352 = 11,574,528; the database, 24 MiB = 25,165,824 and
		// 60 × (2,192 × 32 + 2 threads × 131,072) = 19,937,280; beside it
		// on the 2 workers the report, 6 MiB = 6,291,456 and its 10 runs
		// shown, 10 × 2,192 × 64 = 1,402,880, and 10 MiB = 10,485,760 for
		// the two at once; the process: 179,715,328, the larger.
		// Disk: 60 runs past CSVRunsMax, so Parquet only, 48 bytes a
		// step, and 32 in results.duckdb: 60 × (2,192 × 80 + 16,384) =
		// 11,504,640; no legs charts (an SMA cross has no legs); the
		// equity chart's 10 lines (the shown), 10 × 2,192 × 24 =
		// 526,080; the experiment's files, 262,144, and the report's and
		// database's, 2,097,152; prices.*, 2,192 closes of 40 bytes,
		// 87,680: 14,477,696.
		{"report and database", Options{Report: report, Database: database}, 179_715_328, 14_477_696},
		// No database: the runs alone, 120,570,880.
		// CSV copies (always): 60 × (2,192 × (48 + 144) + 16,384) =
		// 26,234,880, + 526,080 + 262,144 + 87,680 = 27,110,784.
		{"no report, csv always", Options{CSV: "always"}, 120_570_880, 27_110_784},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Out, opt.Workers = t.TempDir(), 2
			opt.Limits = Limits{MaxMemory: 1}
			_, err := Run(context.Background(), f, opt)
			var ee *EstimateError
			if !errors.As(err, &ee) {
				t.Fatalf("got %v, want an estimate error", err)
			}
			e := ee.Estimate
			if e.Steps != 2192 || e.Bars != 2192 || e.Runs != 60 {
				t.Fatalf("%d steps, %d bars, %d runs; want 2,192, 2,192, 60", e.Steps, e.Bars, e.Runs)
			}
			if e.Memory != tc.memory || e.Disk != tc.disk {
				t.Errorf("memory %d, disk %d; want %d, %d", e.Memory, e.Disk, tc.memory, tc.disk)
			}
		})
	}
}

// The disk estimate counts what Monte Carlo and the walk-forward write:
// it counted Monte Carlo's path rows alone (not montecarlo_bands.*, a
// row a day and run, nor montecarlo.png/.svg, a panel a run) and nothing
// of the walk-forward (walkforward/<strategy>/equity.*, a row a step of
// the stitched out-of-sample curve, windows.*, walkforward.png/.svg).
// Each experiment is run and its folder measured: a limit at 0.9× the
// bytes written refuses it, one at 1.2× lets it through.
func TestEstimateDiskMonteCarloAndWalkForward(t *testing.T) {
	sma := func(name, extra string) string {
		return `name = "` + name + `"
start = "2019-01-01"
end = "2025-01-01"
[data]
synthetic = true
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "BTC"
slow = 100
[strategy.sweep]
` + extra
	}
	for _, tc := range []struct{ name, text string }{
		// 10 runs × 200 paths of 365 days: the bands (10 × 365 rows) and
		// the chart's 10 panels outweigh the 2,000 path rows.
		{"montecarlo", sma("mc", "fast = { from = 10, to = 55, step = 5 }\n[montecarlo]\npaths = 200\ndays = 365\nmean_block = 10\n")},
		// 2 runs; the stitched curve of ~1,800 out-of-sample days.
		{"walkforward", sma("wf", "fast = [10, 20]\n[walkforward]\nin_sample_days = 365\nout_of_sample_days = 91\nmode = \"rolling\"\nmetric = \"sharpe\"\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.name+".toml", tc.text)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, CSV: "never"})
			if err != nil {
				t.Fatal(err)
			}
			written := folderBytes(t, o.Dir)
			est := o.Estimate
			t.Logf("estimated %d bytes, written %d (%.2f×)", est.Disk, written, float64(est.Disk)/float64(written))
			if err := (Limits{MaxDisk: written * 9 / 10}).check(f.Name, est); err == nil {
				t.Errorf("a limit at 0.9× the %d bytes written let an estimate of %d through", written, est.Disk)
			}
			if err := (Limits{MaxDisk: written * 12 / 10}).check(f.Name, est); err != nil {
				t.Errorf("a limit at 1.2× the %d bytes written: %v", written, err)
			}
		})
	}
}

// A stress test over the scenario library counts on disk only the
// scenarios it keeps (on the synthetic market the replays are skipped:
// no real history to transplant) and only the steps its runs write (from
// start: 2019–2020 are warm-up). It counted every library scenario and
// the whole timeline: real-ai-hedge was estimated at 2.8× its folder.
// The folder is measured: a limit at 0.9× its bytes refuses the
// estimate, one at 1.2× lets it through.
func TestEstimateDiskStressLibrary(t *testing.T) {
	f, err := Parse("lib.toml", `name = "lib"
start = "2021-01-01"
end = "2022-01-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "FET"]
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, Stress: true})
	if err != nil {
		t.Fatal(err)
	}
	written := folderBytes(t, o.Dir)
	est := o.Estimate
	t.Logf("%d views kept, %d steps written of %d; estimated %d bytes, written %d (%.2f×)", len(o.Views), est.RunSteps, est.Steps, est.Disk, written, float64(est.Disk)/float64(written))
	if est.Views != len(o.Views) || est.Runs != len(o.Runs) {
		t.Errorf("estimated %d views and %d runs, made %d and %d", est.Views, est.Runs, len(o.Views), len(o.Runs))
	}
	if err := (Limits{MaxDisk: written * 9 / 10}).check(f.Name, est); err == nil {
		t.Errorf("a limit at 0.9× the %d bytes written let an estimate of %d through", written, est.Disk)
	}
	if err := (Limits{MaxDisk: written * 12 / 10}).check(f.Name, est); err != nil {
		t.Errorf("a limit at 1.2× the %d bytes written: %v", written, err)
	}
}

// series is an instrument of n bars for the estimate, which reads their
// count alone.
func series(sym string, n int) data.Series {
	return data.Series{Instrument: data.Instrument{Symbol: sym}, Time: make([]int64, n)}
}

// Reading a one-table dataset is a phase of its own, before the runs:
// DuckDB holds a query's rows (a batch of about duckdb.BatchRows of a
// Parquet table, a query's whole result) beside the bars decoded. A
// 1.0M-bar one-minute Parquet table peaked there at 325–332 MiB, which
// the estimate (the runs' phase, 262 MiB) did not count. The replays'
// source series (RNDR for RENDER) are held beside the panel too.
//
// Two instruments of 600,000 bars on one 600,000-step timeline, one
// buy-and-hold run, one worker, no outputs. The runs' phase: the process,
// 100 MiB = 104,857,600; twice the bars, 1,200,000 × 56 = 67,200,000,
// and the curve, 6 columns of 600,000 × 8 = 4,800,000 bytes, in
// whole 8 KiB pages 586 × 8,192 = 4,800,512, + 8,192 = 28,811,264:
// 192,022,528; the worker, 600,000 × 64 = 38,400,000: 335,280,128.
func TestEstimateLoadPhase(t *testing.T) {
	const steps = 600_000
	panel := &data.Panel{Series: []data.Series{series("A", steps), series("B", steps)}}
	tl := &engine.Timeline{Times: make([]int64, steps)}
	for _, tc := range []struct {
		name, data string
		memory     int64
	}{
		// One batch of 1,048,576 rows × 192 = 201,326,592, beside the
		// 67,200,000 bytes of bars, and the process: 373,384,192.
		{"parquet table", "table = \"bars.parquet\"", 373_384_192},
		// An Arrow IPC table and a query are read at once: 1,200,000 ×
		// 192 = 230,400,000, + 67,200,000 + 104,857,600 = 402,457,600.
		{"arrow table", "table = \"bars.arrow\"", 402_457_600},
		{"query", "query = \"SELECT * FROM 'bars.parquet'\"", 402_457_600},
		// A folder of files: the runs' phase, 335,280,128.
		{"files", "dir = \"prices\"", 335_280_128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("l.toml", "name = \"l\"\n[data]\n"+tc.data+"\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"A\"]\n")
			if err != nil {
				t.Fatal(err)
			}
			opt := Options{Workers: 1}.withDefaults()
			e, err := f.Estimate(opt)
			if err != nil {
				t.Fatal(err)
			}
			e = f.withData(e, &Market{Panel: panel, Timeline: tl}, opt, nil)
			if e.Memory != tc.memory {
				t.Errorf("memory %d, want %d", e.Memory, tc.memory)
			}
		})
	}
	t.Run("replay source", func(t *testing.T) {
		// A 2,000-bar panel and a replay source of 3,000 more bars: the
		// process, 104,857,600; twice (2,000 + 3,000) × 56 = 280,000
		// and the curve, 6 columns of 2,000 × 8 = 16,000 bytes and an
		// eighth, 18,000, + 8,192 = 116,192: 792,384; the worker, 2,000
		// × 64 = 128,000: 105,777,984.
		f, err := Parse("r.toml", "name = \"r\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"A\"]\n")
		if err != nil {
			t.Fatal(err)
		}
		p := &data.Panel{Series: []data.Series{series("A", 2_000)}}
		src := &data.Panel{Series: []data.Series{p.Series[0], series("RNDR", 3_000)}}
		opt := Options{Workers: 1}.withDefaults()
		e, err := f.Estimate(opt)
		if err != nil {
			t.Fatal(err)
		}
		e = f.withData(e, &Market{Panel: p, ReplaySource: src, Timeline: &engine.Timeline{Times: make([]int64, 2_000)}}, opt, nil)
		if e.Memory != 105_777_984 {
			t.Errorf("memory %d, want 105,777,984", e.Memory)
		}
	})
}

// The outputs' phase counts report.html beside results.duckdb: on two
// workers both are made at the same time and their memory adds, on one
// the larger counts, and with --no-db the report alone. It counted the
// database alone: the 5-minute pair hedges, one-minute BTC (20 runs) and
// the hourly 50-run sweep peaked at 0.81–0.91 of it, and --no-db
// counted no report.
func TestEstimateReportPhase(t *testing.T) {
	twoCores(t) // DuckDB's threads (duckdbThreads)
	report := func(context.Context, ReportInput) error { return nil }
	database := func(context.Context, string, []results.RunRecord, []*engine.Curve, map[string][]string) error {
		return nil
	}
	est := func(t *testing.T, text string, panel *data.Panel, steps int, opt Options) int64 {
		t.Helper()
		f, err := Parse("o.toml", text)
		if err != nil {
			t.Fatal(err)
		}
		opt.FreeBars = true
		opt = opt.withDefaults()
		e, err := f.Estimate(opt)
		if err != nil {
			t.Fatal(err)
		}
		return f.withData(e, &Market{Panel: panel, Timeline: &engine.Timeline{Times: make([]int64, steps)}}, opt, nil).Memory
	}
	// Three pair hedges (all shown) on 2 instruments of 100,000 bars
	// (200,000 bars, 100,000 steps). The curves: 3 × (6 columns of
	// 100,000 × 8 = 800,000 bytes, in whole 8 KiB pages 98 × 8,192 =
	// 802,816, + 8,192) = 14,475,264, 1.5 × = 21,712,896 once the bars
	// are dropped, with the process's 104,857,600: 126,570,496. The
	// database: 24 MiB
	// = 25,165,824 + 3 × (100,000 × 32 + 131,072 a thread): 35,159,040
	// on one thread, 35,552,256 on two. The
	// report: 6 MiB = 6,291,456 + 3 × 100,000 × 64 = 19,200,000 for the
	// runs shown, and their legs, 3 × 200,000 × 40 = 24,000,000:
	// 49,491,456. (The runs' phase: 104,857,600 + 2 × (200,000 × 56 +
	// 14,475,264) = 51,350,528 + 100,000 × 64 a worker: 162,608,128 on
	// one, 169,008,128 on two.)
	hedges := "name = \"o\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"h\"\ntype = \"pair-hedge\"\n[strategy.params]\nlong = [\"A\"]\nshort = [\"B\"]\n[strategy.sweep]\ngross = [0.5, 1.0, 1.5]\n"
	pair := &data.Panel{Series: []data.Series{series("A", 100_000), series("B", 100_000)}}
	for _, tc := range []struct {
		name   string
		opt    Options
		memory int64
	}{
		// Both at once: 126,570,496 + 35,552,256 + 49,491,456 + 10 MiB
		// = 10,485,760 for the two together: 222,099,968.
		{"two workers", Options{Workers: 2, Report: report, Database: database}, 222_099_968},
		// One after the other: the report, the larger: 176,061,952.
		{"one worker", Options{Workers: 1, Report: report, Database: database}, 176_061_952},
		// The report alone: 176,061,952.
		{"no database", Options{Workers: 2, Report: report}, 176_061_952},
		// The database alone: 162,122,752, below the runs' 169,008,128.
		{"no report", Options{Workers: 2, Database: database}, 169_008_128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := est(t, hedges, pair, 100_000, tc.opt); got != tc.memory {
				t.Errorf("memory %d, want %d", got, tc.memory)
			}
		})
	}
	t.Run("capped", func(t *testing.T) {
		// Ten SMA crosses of 200,000 steps, --no-db, two workers: the
		// report's runs shown would be 10 × 200,000 × 64 = 128,000,000 +
		// 6 MiB, capped at 100 MiB = 104,857,600. The curves: 10 × (6
		// columns of 200,000 × 8 = 1,600,000 bytes, in whole 8 KiB pages
		// 196 × 8,192 = 1,605,632, + 8,192) = 96,419,840, 1.5 × =
		// 144,629,760, and the process: 354,344,960, above the runs'
		// phase, 104,857,600 + 2 × (200,000 × 56 + 96,419,840) + 2 ×
		// 200,000 × 64 = 345,697,280.
		sma := "name = \"o\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"s\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"A\"\nslow = 100\n[strategy.sweep]\nfast = { from = 1, to = 10, step = 1 }\n"
		one := &data.Panel{Series: []data.Series{series("A", 200_000)}}
		if got := est(t, sma, one, 200_000, Options{Workers: 2, Report: report}); got != 354_344_960 {
			t.Errorf("memory %d, want 354,344,960", got)
		}
	})
}

// DuckDB builds results.duckdb on as many threads as the process has
// cores (GOMAXPROCS, which --workers N lowers to N), and its memory per
// run grows with them: 1,000 daily SMA crosses of 2,557 steps peaked at
// 638–641 MiB on two workers (Go heap at most 214 MB) against 430–449 MiB
// on one (208 MB), estimated 532 and 514; the database's share per run,
// past its 24 MiB and 32 bytes a step, was ~220–236 KiB on two threads
// (500, 1,000 and 2,000 runs; 1,000 runs of 732 steps), under 128 KiB on
// one. The estimate counted 128 KiB a run whatever the threads (0.78–0.88
// of the peak on two workers).
func TestEstimateDatabaseThreads(t *testing.T) {
	twoCores(t)
	database := func(context.Context, string, []results.RunRecord, []*engine.Curve, map[string][]string) error {
		return nil
	}
	// 1,000 SMA crosses on one instrument of 1,000 bars (1,000 steps),
	// the bars dropped before the outputs, results.duckdb alone (no
	// report: Options.Report nil). The curves: 1,000 × (6 columns of
	// 1,000 × 8 = 8,000 bytes and an eighth, 9,000, to 16 bytes 9,008,
	// + 8,192) = 62,240,000; 1.5 × = 93,360,000, with the process's
	// 104,857,600: 198,217,600. The database: 24 MiB = 25,165,824 +
	// 1,000 × 1,000 × 32 = 32,000,000 + its threads × 1,000 × 131,072.
	// (The runs' phase, 104,857,600 + 2 × (1,000 × 56 + 62,240,000) +
	// workers × 1,000 × 64, is below: 229,577,600 on two, 229,961,600 on
	// eight.)
	sma := "name = \"o\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"s\"\ntype = \"sma-cross\"\n[strategy.params]\nsymbol = \"A\"\n[strategy.sweep]\nfast = { from = 1, to = 50, step = 1 }\nslow = { from = 100, to = 119, step = 1 }\n"
	one := &data.Panel{Series: []data.Series{series("A", 1_000)}}
	f, err := Parse("o.toml", sma)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		workers int
		memory  int64
	}{
		// One thread: 198,217,600 + 25,165,824 + 32,000,000 +
		// 131,072,000 = 386,455,424.
		{"one worker", 1, 386_455_424},
		// Two threads: 131,072,000 more, 517,527,424.
		{"two workers", 2, 517_527_424},
		// Eight workers on two cores: DuckDB still has two threads.
		{"more workers than cores", 8, 517_527_424},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{Workers: tc.workers, Database: database, FreeBars: true}.withDefaults()
			e, err := f.Estimate(opt)
			if err != nil {
				t.Fatal(err)
			}
			if e.Points != 1000 {
				t.Fatalf("%d points, want 1,000", e.Points)
			}
			got := f.withData(e, &Market{Panel: one, Timeline: &engine.Timeline{Times: make([]int64, 1_000)}}, opt, nil).Memory
			if got != tc.memory {
				t.Errorf("memory %d, want %d", got, tc.memory)
			}
		})
	}
}

// twoCores gives the test a process of two cores (GOMAXPROCS), which
// DuckDB's threads in the estimate follow, whatever the machine.
func twoCores(t *testing.T) {
	t.Helper()
	prev := runtime.GOMAXPROCS(2)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

// Monte Carlo's bands keep the first metrics.DefaultExactPaths paths'
// values of each day exactly before they turn to a sketch, all of a
// run's days at once, every run's together (the paths are added in
// order): 1,000 values a day in a slice append grew to 1,280, 10,240
// bytes, over twice the sketch's 4 KiB counted for more than 1,000
// paths. 4 SMA crosses × 5,000 paths × 1,000 days peaked at 168–200 MiB
// (its Go heap at 88 MB as the bands turned, 37–40 MB live after),
// estimated 135–168 (0.81–0.84).
func TestEstimateMonteCarloBandsExactPhase(t *testing.T) {
	for _, tc := range []struct {
		name        string
		paths, days int
		memory      int64
	}{
		// 2 runs × (1,000 paths × 1,000 days × 10 bytes = 10,000,000
		// + 5,000 × 64 = 320,000) = 20,640,000.
		{"past the exact paths", 5_000, 1_000, 20_640_000},
		// 2 × (500 × 1,000 × 10 = 5,000,000 + 500 × 64 = 32,000) =
		// 10,064,000.
		{"within them", 500, 1_000, 10_064_000},
		// The sketch's 4 KiB a day is below the exact phase's 10,000
		// bytes a day at 1,000 paths, which counts: 2 × (10,000 × 365 =
		// 3,650,000 + 20,000 × 64 = 1,280,000) = 9,860,000.
		{"a year", 20_000, 365, 9_860_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf("%s[strategy.sweep]\nfast = [5, 10]\n[montecarlo]\npaths = %d\ndays = %d\n",
				strings.Replace(strings.Replace(minimal, "type = \"buy-and-hold\"\n", "type = \"sma-cross\"\n", 1), "symbols = [\"BTC\"]", "symbol = \"BTC\"\nslow = 100", 1),
				tc.paths, tc.days)
			f, err := Parse("mc.toml", text)
			if err != nil {
				t.Fatal(err)
			}
			e, err := f.Estimate(Options{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if e.Points != 2 || e.Memory != tc.memory {
				t.Errorf("%d points, memory %d; want 2 and %d", e.Points, e.Memory, tc.memory)
			}
		})
	}
}

// A walk-forward's windows share the panel's bars: each window cuts it
// twice (wfSetup: at the in-sample end and at the out-of-sample end,
// data.Panel.Before, sub-slices), and each cut has a timeline of its own
// (engine.NewTimeline: 8 bytes a bar, its instrument and row; 12 a step,
// its time and offset) over the bars from the first to the cut. It
// counted every cut as a copy of the whole panel (56 bytes a bar): a
// one-minute walk-forward on BTC (525,600 bars, 48 windows of 30 + 7
// days, 2 candidates, --no-report) was estimated at 5.6 GB and peaked at
// 1,285 MiB.
//
// Here 100 daily bars of one instrument, windows of 30 + 10 days from the
// first: out-of-sample starts 30, 40, …, 90 (7 windows), each cut at
// 30 + 10k bars in sample and 40 + 10k out (the last at the data's end,
// 100): 7 × 30 + 10 × 21 = 420 and 7 × 40 + 210 = 490, 910 bars and as
// many steps, 910 × (8 + 12) = 18,200 bytes. One buy-and-hold run on one
// worker, no outputs: the process, 104,857,600; twice (the cuts, 18,200;
// the panel, 100 × 56 = 5,600; the curve, 6 columns of 100 × 8 = 800
// bytes and an eighth, 900, to 16 bytes 912, + 8,192 = 13,664) =
// 74,928; the worker, 100 × 64 = 6,400: 104,938,928.
func TestEstimateWalkForwardCutsShareTheBars(t *testing.T) {
	const n = 100
	s := series("A", n)
	day0 := int64(19723) * data.NanosPerDay // 2024-01-01
	for i := range s.Time {
		s.Time[i] = day0 + int64(i)*data.NanosPerDay
	}
	panel := &data.Panel{Series: []data.Series{s}}
	tl := &engine.Timeline{Times: s.Time}
	f, err := Parse("wf.toml", "name = \"wf\"\n[data]\ndir = \"prices\"\n[walkforward]\nin_sample_days = 30\nout_of_sample_days = 10\nmode = \"rolling\"\nmetric = \"sharpe\"\n"+
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"A\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Workers: 1}.withDefaults()
	e, err := f.Estimate(opt)
	if err != nil {
		t.Fatal(err)
	}
	e = f.withData(e, &Market{Panel: panel, Timeline: tl}, opt, nil)
	if e.WalkForward != 14 { // 7 windows × (1 candidate + its strategy's out-of-sample run)
		t.Errorf("%d walk-forward runs, want 14", e.WalkForward)
	}
	if e.Memory != 104_938_928 {
		t.Errorf("memory %d, want 104,938,928", e.Memory)
	}
}
