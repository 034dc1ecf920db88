package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/divergence-research/divergence/strategies"
	"github.com/divergence-research/divergence/strategies/experiment"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "run EXPERIMENT.toml [--out DIR] [--workers N]", stderr)
	out := fs.String("out", "out", "folder to write the experiment's results folder into")
	workers := fs.Int("workers", 0, "runs executed at once (0 = all cores)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("run: want one experiment file, got %d arguments", len(pos))
	}
	f, err := experiment.Load(pos[0])
	if err != nil {
		return err
	}
	o, err := experiment.Execute(ctx, f, experiment.Options{Out: *out, Workers: *workers, Version: version})
	if err != nil {
		return err
	}
	label := "real data"
	if o.Panel.Synthetic {
		label = "SYNTHETIC data"
	}
	fmt.Fprintf(stdout, "%s — %s, %d runs, %d instruments, periods/year %g\n", f.Name, label, len(o.Runs), len(o.Panel.Series), o.PeriodsPerYear)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\ttotal return\tCAGR\tvol\tSharpe\tmax DD\tfills\tcommission\t")
	for _, r := range o.Runs {
		m := r.Metrics
		fmt.Fprintf(tw, "%s\t%.2f%%\t%.2f%%\t%.2f%%\t%.2f\t%.2f%%\t%d\t%.2f\t\n", r.Key, 100*m.TotalReturn, 100*m.CAGR,
			100*m.AnnualVolatility, m.Sharpe, 100*m.MaxDrawdown, m.Fills, m.Commission)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "results: %s (plot: %s)\n", o.Dir, filepath.Join(o.Dir, "equity.png"))
	return nil
}

func cmdStrategies(stdout io.Writer) error {
	reg := strategies.Builtins()
	for _, n := range reg.Names() {
		fmt.Fprintf(stdout, "%-14s %s\n", n, reg[n].Doc)
	}
	return nil
}
