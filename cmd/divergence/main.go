// Command divergence runs backtests and scenario stress tests of hedges
// between AI equities and AI crypto tokens. It only parses flags and calls
// the packages; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
)

// version is the program version written into every manifest.
const version = "0.1.0"

const usage = `divergence — backtests and scenario stress tests for AI-equity / AI-token hedges

Usage:
  divergence run EXPERIMENT.toml [--out DIR] [--workers N]   run an experiment
  divergence stress EXPERIMENT.toml [--out DIR] [--workers N] every run × every scenario (+ baseline)
  divergence scenarios list | show NAME                      the built-in scenario library
  divergence data import FILE... [--symbol S] [--class equity|crypto] [--catalog PATH]
  divergence data list [--catalog PATH]                      instruments in the catalog
  divergence data synth [--seed N] [--out DIR]               write the synthetic market as CSV
  divergence report RESULTS_DIR                              the HTML report of an experiment (run writes it too)
  divergence db RESULTS_DIR                                  (re)build results.duckdb (run writes it too)
  divergence compare RESULTS_DIR... [--runs K,K] [--out F]   chosen runs of several experiments on one chart
  divergence metrics RETURNS.csv [--benchmark COL] [--periods-per-year N] [--risk-free RATE|COL] [--format json|table]
                                                             metrics of any returns series (--help: every parameter)
  divergence strategies                                      the built-in strategies
  divergence version

Run 'divergence COMMAND --help' for a command's flags.
`

// gcPercent is the garbage collector's target the program runs with
// unless GOGC says otherwise: runs allocate their fills and curves at a
// high rate, and at Go's default (100) the collector's work, not the runs,
// limits how well an experiment scales across cores (a 200-run sweep goes
// 1.4–1.8× faster on 2 workers at 100, 2× at 400). The heap may grow to
// about five times the live results, which an experiment keeps small by
// writing each run as it finishes.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "divergence:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "data":
		return cmdData(ctx, args[1:], stdout, stderr)
	case "strategies":
		return cmdStrategies(stdout)
	case "stress":
		return cmdStress(ctx, args[1:], stdout, stderr)
	case "scenarios":
		return cmdScenarios(args[1:], stdout, stderr)
	case "report":
		return cmdReport(ctx, args[1:], stdout, stderr)
	case "db":
		return cmdDB(ctx, args[1:], stdout, stderr)
	case "compare":
		return cmdCompare(ctx, args[1:], stdout, stderr)
	case "metrics":
		return cmdMetrics(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "divergence", version)
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// parse parses flags that may stand before, between or after the
// positional arguments, and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: divergence %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func defaultCatalog() string {
	if c := os.Getenv("DIVERGENCE_CATALOG"); c != "" {
		return c
	}
	return "divergence.duckdb"
}
