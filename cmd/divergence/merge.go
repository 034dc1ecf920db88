package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/strategies"
)

// cmdMerge is `divergence merge OUT SHARD_DIR...`: the experiment folder
// OUT/<experiment> built from its shards' folders (experiment.Merge).
func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", "merge OUT SHARD_DIR... [--experiment FILE] [--workers N] [--sort METRIC] [--top N] [--quiet] [--no-report] [--no-db] [--charts report|all] [--csv auto|always|never] [--wait [D]]", stderr)
	exp := fs.String("experiment", "", "the experiment file (default: the path the shards recorded in shard.json, when they record one; its sha256 must be theirs: shards of other files or versions are left out, said in a note)")
	workers := fs.Int("workers", 0, "runs executed at once, and the cores the process uses (its Go runtime and DuckDB's threads); 0 = all cores")
	sortBy := fs.String("sort", "sharpe", "metric the printed table is sorted by and the equity chart picks its runs by, as for run (the shards' runs must be merged with run's --sort)")
	top := fs.Int("top", 20, "print the best N runs (0 = all), as run does")
	quiet := fs.Bool("quiet", false, "no progress bar")
	noReport := fs.Bool("no-report", false, "skip results.duckdb and report.html")
	noDB := fs.Bool("no-db", false, "skip results.duckdb, still write report.html; divergence db OUT/<experiment> makes it later")
	wait := addWait(fs, waitFlag{}, "wait for a run or merge writing OUT/<experiment>, and for shards still being written, instead of failing: as long as it takes, or up to a duration (--wait=30s)")
	csvSet := fs.String("csv", "", fmt.Sprintf("CSV copies of each run's equity, fills and legs beside their Parquet files, as for run: auto = for an experiment of up to %d runs, always, never (default: the experiment file's [output] csv, else auto)", experiment.CSVRunsMax))
	chartSet := fs.String("charts", "report", "per-run charts (runs/<key>/legs.png/.svg), as for run: report = only for the runs the equity chart and report show, all = for every run")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		fs.Usage()
		got := "no argument"
		if len(pos) == 1 {
			got = fmt.Sprintf("only OUT, %s", pos[0])
		}
		return fmt.Errorf("merge: want OUT and at least one shard folder (or a folder of shard folders), got %s", got)
	}
	if *workers < 0 {
		return fmt.Errorf("--workers = %d: want 0 (all cores) or more", *workers)
	}
	if *top < 0 {
		return fmt.Errorf("--top = %d: want 0 (all) or more", *top)
	}
	if err := results.ValidMetric(*sortBy); err != nil {
		return fmt.Errorf("--sort: %w", err)
	}
	if err := experiment.ValidCSV(*csvSet); err != nil {
		return fmt.Errorf("--csv %w", err)
	}
	if *chartSet != "report" && *chartSet != "all" {
		return fmt.Errorf("--charts %q: want report or all", *chartSet)
	}
	if err := dbOut(pos[0], *noReport || *noDB); err != nil {
		return err
	}
	defer limitCores(*workers)()
	// Shards all still on their first run (a merge started beside them)
	// are waited for with --wait.
	waiting := func(line string) { fmt.Fprintln(stderr, "divergence:", line) }
	dirs, err := experiment.WaitShardDirs(ctx, pos[1:], experiment.Options{Wait: wait.on(), WaitUpTo: wait.upTo(), Waiting: waiting, Holder: holder(append([]string{"merge"}, args...))})
	if err != nil {
		return err
	}
	path := *exp
	if path == "" {
		if path, err = experiment.ShardsExperiment(dirs); err != nil {
			return err
		}
	}
	f, err := experiment.Load(path)
	if err != nil {
		return fmt.Errorf("merge: the experiment file: %w (give it with --experiment)", err)
	}
	opt := experiment.Options{Strategies: strategies.Builtins(), DataDir: os.Getenv(envData), Out: pos[0], Workers: *workers,
		Version: version, SortBy: *sortBy, Wait: wait.on(), WaitUpTo: wait.upTo(), Waiting: waiting, Hold: true, Holder: holder(append([]string{"merge"}, args...)),
		Note: func(s string) { fmt.Fprintln(stderr, "note:", s) }, AllCharts: *chartSet == "all", CSV: *csvSet, FreeBars: true}
	if opt.Build, err = programBuild(); err != nil {
		return err
	}
	defer withOutputs(&opt, *noReport, *noDB)()
	var bar *progress
	if !*quiet && isTerminal(stderr) {
		bar = newProgress(stderr)
		opt.Progress = bar.update
	}
	o, err := experiment.Merge(ctx, f, dirs, opt)
	bar.finish()
	if err != nil {
		return wayOut(err)
	}
	defer o.Release()
	fmt.Fprintf(stdout, "%s — merged %d shards, %d runs: %s (%s beside manifest.json)\n", f.Name, o.Merged, len(o.Runs), o.Dir, experiment.MergeFile)
	// What a one-machine run of the experiment prints.
	printSummary(stdout, f.Name, o, *top, *sortBy)
	fmt.Fprintf(stdout, "results: %s (plot: %s)\n", o.Dir, filepath.Join(o.Dir, "equity.png"))
	printOutputs(stdout, o.Dir, *noReport, *noDB)
	return nil
}
