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
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	// The IANA time-zone database inside the program (about 450 KB):
	// New York's sessions decide an intraday market's equity bars and
	// the periods a year holds (experiment/periods.go), and a host
	// without /usr/share/zoneinfo (a slim container, an HPC node) gave
	// other numbers or refused the run (TestNoHostTimeZones). The host's
	// database, when there is one, is still read first.
	_ "time/tzdata"

	"github.com/divergence-research/divergence/data/strict"
	"github.com/divergence-research/divergence/experiment"
)

// version is the program version written into every manifest.
const version = "0.1.0"

const usage = `divergence — backtests and scenario stress tests for AI-equity / AI-token hedges

Usage:
  divergence run EXPERIMENT.toml [--out DIR] [--workers N]   run an experiment
  divergence stress EXPERIMENT.toml [--out DIR] [--workers N] every run × every scenario (+ baseline)
  divergence scenarios list | show NAME|FILE.toml            the built-in scenario library, or a scenario file
  divergence data import FILE... [--symbol S] [--class equity|crypto] [--catalog PATH]
  divergence data list [--catalog PATH] [--wait [D]]         instruments in the catalog
  divergence data synth [--seed N] [--out DIR] [--interval 1m…4h]  the synthetic market as CSV (intraday: Parquet)
  divergence run EXPERIMENT.toml --shard I/N [--out DIR]    one shard of N (or from JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID)
  divergence merge OUT SHARD_DIR...                          the shards merged into OUT/<experiment>, as one machine writes it
  divergence report RESULTS_DIR [--out FILE] [--wait [D]]    the HTML report of an experiment (run writes it too)
  divergence db RESULTS_DIR [--wait [D]]                     (re)build results.duckdb (run writes it too)
  divergence compare RESULTS_DIR... [--runs K,K] [--top N] [--by METRIC] [--align common|none] [--out F[,F]] [--wait [D]]
                                                             runs of several experiments on one chart
  divergence metrics RETURNS.csv [--benchmark COL] [--periods-per-year N] [--risk-free RATE|COL] [--format json|table]
                                                             metrics of any returns series (--help: every parameter)
  divergence strategies [NAME]                               the built-in strategies; NAME: its parameters, defaults and meaning
  divergence version

Run 'divergence COMMAND --help' for a command's flags.
`

// The garbage collector runs at Go's default target (GOGC 100) unless
// GOGC says otherwise, by measurement (issue 11), but for report.html
// and results.duckdb, made at 50 once every run is measured (outputGC,
// measured there). BenchmarkRunWhole (the 8 × 125,000-bar SMA experiment with every
// output) run with its -gogc and -gomemlimit flags, two rounds of the
// five settings in turn, best of three iterations each, 2-core machine,
// load average about 2:
//
//	GOGC, GOMEMLIMIT       whole run (ms)   peak RSS (MB)
//	100 (the default)      1,285, 1,319     447, 477
//	50                     1,327, 1,351     394, 399
//	200                    1,288, 1,290     564, 582
//	100, 200 MiB           1,312, 1,316     378, 405
//	100, 160 MiB           1,357, 1,361     357, 364
//	100, 128 MiB (once)    2,128            332 (the collector runs
//	                                        without end: the heap it
//	                                        must keep is above the limit)
//
// A higher target buys nothing; a lower one or a memory limit near this
// run's needs saves 15–25 % of the peak for 1–5 % of the time. But 50
// slows the runs of a sweep, which allocate more (BenchmarkSweepCommand,
// two rounds: compute on 2 workers 0.39–0.42 s against 0.34–0.35 s, its
// 2-worker speedup 1.42–1.43× against 1.54–1.64×); a fixed limit would
// be wrong for larger experiments, whose heap it would throttle (the last
// line); and the peak is not Go's alone: the results database is DuckDB's
// memory. The Monte Carlo of 10,000 paths × 20
// instruments × 2,520 days peaks at 251 MB at 100
// (BenchmarkMonteCarloMemory).
//
// Measured again as a user runs the program, a fresh process each time
// (which pays a page fault for each page it first touches, about 10 µs
// on the benchmark machine, a VM), GOGC 100 against 50, interleaved
// rounds at load 1.5–1.8 (2026-12-05):
//
//	                                   100                      50
//	8 × 125,000 bars, whole            1.89–1.95 s, 394–416 MB  1.81–1.88 s, 330–349 MB
//	200-run sweep                      3.41–4.77 s, 423–459 MB  3.51–5.37 s, 392–430 MB
//	6.23M one-minute bars              5.11–6.00 s, 918–951 MB  5.56–5.78 s, 783–835 MB
//	Monte Carlo (benchmark, 1 run)     24.4 s, 243 MB           25.9 s, 177 MB
//
// 50 saves 10–30 % of the peak at no cost to one large run, but slows
// the sweep, whose runs allocate most, by 5–15 % in most rounds: the
// runs keep the default, the report and the database that `run`,
// `stress` and `merge` make after them are made at 50 (outputGC, where
// the figures are), and GOGC=50 is the setting for a tight memory
// budget. `divergence db` and `report` keep the default: they hold no
// runs' results in memory.
func main() {
	// Huge pages for the heap, on request (DIVERGENCE_HUGEPAGES=on): a
	// fresh process's first touch of each 4 KiB page is a page fault, and
	// a run's columns are hundreds of MB touched once (experiment.HugePages
	// has the figures). Not by default: on a VM whose free memory goes
	// back to its host, a huge page's first touch can cost more than the
	// 512 small pages it replaces (hugePagesFor). Not for the commands
	// that touch little (version, metrics, strategies…): the reservation
	// costs about 25 ms (ten runs of `divergence db` on a missing folder
	// took 0.57–0.58 s with it, 0.31–0.33 s without).
	if ask, err := hugePagesFor(os.Getenv(hugePagesEnv), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "divergence:", err)
		os.Exit(1)
	} else if ask {
		if _, _, err := experiment.HugePages(os.Getenv("GODEBUG")); err != nil {
			fmt.Fprintf(os.Stderr, "divergence: note: no huge pages for this run (unset %s to stop asking): %v\n", hugePagesEnv, err)
		}
	}
	// An interrupt, and the TERM that Kubernetes, Slurm's scancel and
	// timeout send (and a closed terminal's HUP), cancel the work: what
	// was being written is removed, nothing finished is touched. A second
	// one quits at once (interruptible).
	ctx, stop := interruptible(context.Background(), os.Stderr, os.Exit, sameSignal, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "divergence:", failure(ctx, err))
		os.Exit(1)
	}
}

// interruptible is parent cancelled by the first of sigs the process
// receives, its cause naming the signal ("interrupt signal received", as
// signal.NotifyContext says): the work stops and removes what it was
// writing. A second one quits at once through exit, saying so on stderr,
// with the status a shell gives a process the signal killed (128 + its
// number: 130 for an interrupt, 143 for TERM), without waiting for the
// work to stop: a stop that hangs (a write to a disk that does not
// answer, a DuckDB query deaf to its interrupt) is cut short, and what it
// leaves under .tmp- names is removed by the next run, as a kill's is.
// A signal within window of the first is the first delivered twice, not
// a second: timeout sends its signal to the process, then to its process
// group, the process in it.
// stop lets the signals go.
func interruptible(parent context.Context, stderr io.Writer, exit func(int), window time.Duration, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		var first time.Time
		select {
		case s := <-ch:
			first = time.Now()
			cancel(signalError(s.String() + " signal received"))
		case <-done:
			return
		}
		for {
			select {
			case s := <-ch:
				if time.Since(first) < window {
					continue // the first, delivered twice
				}
				fmt.Fprintf(stderr, "divergence: %v signal received again: quitting at once (the next run into the same folder removes the working files this one leaves)\n", s)
				exit(128 + signalNumber(s))
				return
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}

// sameSignal is the window after a signal within which another is the
// same one delivered twice (interruptible).
const sameSignal = 500 * time.Millisecond

// signalError is the cause of a context a signal cancelled; like
// signal.NotifyContext's, it is a context.Canceled.
type signalError string

func (e signalError) Error() string        { return string(e) }
func (e signalError) Is(target error) bool { return target == context.Canceled }

// signalNumber is s's number (1 when it has none: an os.Signal that is
// not a syscall.Signal).
func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return 1
}

// hugePagesEnv, set to "on", asks for huge pages for the heap; unset or
// "off", the heap keeps 4 KiB pages.
const hugePagesEnv = "DIVERGENCE_HUGEPAGES"

// hugePagesFor decides whether main asks for huge pages
// (experiment.HugePages, which declines under some GODEBUG settings),
// from hugePagesEnv's value env and the command line: for the commands
// that read or write a run's data (run, stress, merge, report, db,
// compare, data) when env is "on"; never when it is "" or "off". Any
// other value is an error, whatever the command.
//
// Off by default, by measurement on the benchmark machine (a 2-core VM
// whose freed memory goes back to its host: a page's first touch is a
// fault on the host too). BenchmarkCommandHugePages, fresh processes
// interleaved, over three days: huge pages made the year of one-minute
// bars (6.23M) 1.37× faster on 2026-12-06 (5.34 → 3.75 s), 1.04× on
// 2026-12-07 at 13:50, and 2.1× and 2.4× slower at 16:30 the same day
// (3.09 → 6.46 s, 3.24 → 7.73 s; system time 1.0 → 4.3 and 5.6 s), the
// daily 1M-bar run 1.10×, 1.04×, then 0.97× and 0.99×. Run by hand at
// 16:40 (three pairs): 8.09 and 4.89 s against 2.98 and 3.03 s, 319
// huge pages faulted in, each about 10–18 ms of system time, with no
// compaction stall (/proc/vmstat): 2 MiB blocks the guest had given back
// to its host, each touched whole at its first fault, where the small
// pages came from memory the host still backed. What huge pages save
// depends on the host's state, what they can cost is a run 2.4× as long:
// a user asks for them where they are measured to help.
func hugePagesFor(env string, args []string) (bool, error) {
	switch env {
	case "on":
	case "", "off":
		return false, nil
	default:
		return false, fmt.Errorf("%s=%q: it takes on or off (off, the default, keeps the heap in 4 KiB pages)", hugePagesEnv, env)
	}
	return len(args) > 0 && slices.Contains([]string{"run", "stress", "merge", "report", "db", "compare", "data"}, args[0]), nil
}

// failure is what the program says of err, the error a command returned
// in ctx: after a signal, that it stopped and why, in place of the error
// the stop left (context canceled, DuckDB's "INTERRUPT Error").
func failure(ctx context.Context, err error) string {
	if ctx.Err() == nil {
		return withoutNativeTrace(err.Error())
	}
	return fmt.Sprintf("stopped (%v): nothing half-written was kept", context.Cause(ctx))
}

// nativeTrace begins the C++ stack trace DuckDB appends to the message of
// a fatal or internal error (a checkpoint that found the disk full:
// "FATAL Error: Failed to create checkpoint because of error: Could not
// write file \"…\": No space left on device\n\nStack Trace:\n\n/…/divergence(duckdb::…) [0x2c0cdc6]…").
const nativeTrace = "\n\nStack Trace:"

// withoutNativeTrace drops from msg the stack traces DuckDB appends to its
// fatal and internal errors: frames of the C++ library and addresses, a
// screenful that buries the line saying what went wrong, and nothing a
// researcher can act on. A trace ends at a blank line or at the end of
// the message; what follows a blank line is kept.
func withoutNativeTrace(msg string) string {
	for {
		i := strings.Index(msg, nativeTrace)
		if i < 0 {
			return msg
		}
		rest := strings.TrimLeft(msg[i+len(nativeTrace):], "\n")
		if j := strings.Index(rest, "\n\n"); j >= 0 {
			msg = msg[:i] + rest[j:]
		} else {
			msg = msg[:i]
		}
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	if isHelp(args[0]) && len(args) > 1 && !isHelp(args[1]) {
		// divergence help run: run's help (help data import: import's).
		return run(ctx, append(slices.Clone(args[1:]), "--help"), stdout, stderr)
	}
	errOut := stderr // an unknown command's (or data subcommand's) usage: an error's, whatever was asked
	if slices.Contains(commands, args[0]) && !isHelp(args[0]) {
		return named(args, command(ctx, args, stdout, stderr, errOut))
	}
	return command(ctx, args, stdout, stderr, errOut)
}

// named returns the error of the command args[0] (with its subcommand:
// data synth, scenarios show) as naming it first ("run: --workers = -3:
// …"), as the flag package's errors of it do, unless it names the
// command already (run: …, data import: …, data: unknown …).
func named(args []string, err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	if s := err.Error(); strings.HasPrefix(s, args[0]+":") || strings.HasPrefix(s, args[0]+" ") {
		return err
	}
	cmd := args[0]
	if (cmd == "data" || cmd == "scenarios") && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		cmd += " " + args[1]
	}
	return fmt.Errorf("%s: %w", cmd, err)
}

// command runs the command args[0] (see run); errOut is where an unknown
// command's usage goes.
func command(ctx context.Context, args []string, stdout, stderr, errOut io.Writer) error {
	if helpAsked(args[1:]) {
		// A help asked for is the output, not an error: it goes to
		// stdout (divergence run --help | less), as the top level's does.
		stderr = stdout
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "data":
		return cmdData(ctx, args[1:], stdout, stderr, errOut)
	case "strategies":
		return cmdStrategies(args[1:], stdout, stderr)
	case "stress":
		return cmdStress(ctx, args[1:], stdout, stderr)
	case "scenarios":
		return cmdScenarios(args[1:], stdout, stderr)
	case "merge":
		return cmdMerge(ctx, args[1:], stdout, stderr)
	case "report":
		return cmdReport(ctx, args[1:], stdout, stderr)
	case "db":
		return cmdDB(ctx, args[1:], stdout, stderr)
	case "compare":
		return cmdCompare(ctx, args[1:], stdout, stderr)
	case "metrics":
		return cmdMetrics(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fs := newFlags("version", "version", stderr)
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return fmt.Errorf("version: takes no argument, got %q", pos[0])
		}
		fmt.Fprintln(stdout, "divergence", version)
		return nil
	case "help", "-h", "--help", "-help": // help help too
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(errOut, usage)
	if m := closest(args[0], commands); m != "" {
		return fmt.Errorf("unknown command %q: did you mean %s?", args[0], m)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// commands are the program's commands, for the one a misspelling meant.
var commands = []string{"run", "stress", "merge", "scenarios", "report", "db", "compare", "data", "metrics", "strategies", "version", "help"}

// isHelp reports whether a word asks for help.
func isHelp(a string) bool { return a == "help" || a == "-h" || a == "--help" || a == "-help" }

// helpAsked reports whether a command's arguments ask for its help: -h,
// -help or --help first or last (run --help, run x.toml -h), not as the
// value of a flag between (--column -h).
func helpAsked(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range []string{args[0], args[len(args)-1]} {
		if a != "help" && isHelp(a) {
			return true
		}
	}
	return false
}

// parse parses flags that may stand before, between or after the
// positional arguments, and returns the positionals. -h or --help prints
// the command's help (flag.ErrHelp). A mistake is returned as one line
// naming the flag the way the README writes it (--out), and the flag the
// command has that was likely meant, without the flag package's own line
// and the screenful of usage it printed (before the same error, which
// main printed again). A flag given twice with two values is refused:
// every flag holds one value (lists are comma-separated), and the first
// was silently dropped (--benchmark SPY --benchmark QQQ measured QQQ
// alone). An empty argument, or an empty value of one of pathFlags, is
// refused too.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	written := args // as given, for missingValue's messages
	args = joinOptional(fs, args)
	usage, output := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	given := map[string][]string{}
	values := map[string]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		values[f.Name] = f.Value
		r := recorded{Value: f.Value, name: f.Name, given: given}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			f.Value = recordedBool{r}
		} else {
			f.Value = r
		}
	})
	restore := func() {
		fs.VisitAll(func(f *flag.Flag) { f.Value = values[f.Name] })
		fs.Usage = usage
		fs.SetOutput(output)
	}
	if err := missingValue(fs, written); err != nil {
		restore()
		return nil, clipWords(err)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			restore()
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			return nil, clipWords(flagError(fs, err))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	restore()
	var names []string
	for n := range given {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		v := given[n]
		if slices.ContainsFunc(v, func(s string) bool { return s != v[0] }) {
			return nil, clipWords(fmt.Errorf("%s: --%s given %d times (%s): give it once", fs.Name(), n, len(v), strings.Join(v, ", ")))
		}
		if v[0] == "" && slices.Contains(pathFlags, n) {
			return nil, fmt.Errorf("%s: --%s is empty: give it a value, or leave it out for its default", fs.Name(), n)
		}
	}
	for k, p := range pos {
		if p == "" {
			return nil, fmt.Errorf("%s: argument %d is empty", fs.Name(), k+1)
		}
	}
	return pos, nil
}

// pathFlags are the flags naming a file, a folder or a query, which parse
// refuses empty, as it refuses an empty argument: "" is what a shell
// variable left unset gives (--out "$DIR", merge "$OUT" shards), and it
// was taken for the default (run and merge wrote into ./out, replacing
// the results there), for no source (data import --duckdb "" --table T
// read T as a file), or failed naming nothing ("mkdir : no such file or
// directory").
var pathFlags = []string{"catalog", "duckdb", "experiment", "out", "query", "table"}

// missingValue refuses a flag of fs given no value in args: the word
// after it is a flag (run x.toml --out --quiet, --workers --out), or a
// help word (-h, -help, --help) that ends args (run x.toml --out -h).
// The flag package took the word for the value: the run went ahead into
// a folder named --quiet or -h, and --workers --out said only that
// "--out" is no number. A flag is a word naming, after its dash or two,
// a flag of fs or of any command (knownFlags: report --out --no-db is no
// report named --no-db), with or without its =value; a negative number
// (--threshold -0.5) is none, nor is a word given with = (--out=--quiet),
// the way to give a value that looks like a flag. A help word between
// the arguments is a value (--column -h), as the flag package reads it.
func missingValue(fs *flag.FlagSet, args []string) error {
	for i := 0; i < len(args)-1; i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' || strings.Contains(a, "=") {
			continue
		}
		f := fs.Lookup(strings.TrimPrefix(a[1:], "-"))
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		v := args[i+1]
		if i+1 == len(args)-1 && v != "help" && isHelp(v) {
			return fmt.Errorf("%s: --%s needs a value", fs.Name(), f.Name)
		}
		if name, ok := flagName(v); ok && (fs.Lookup(name) != nil || slices.Contains(knownFlags, name)) {
			return fmt.Errorf("%s: --%s needs a value (%s is a flag)", fs.Name(), f.Name, v)
		}
		i++ // the flag's value
	}
	return nil
}

// flagName returns the name a word written as a flag gives, -name or
// --name with or without =value after it; false for a word that is not
// written so (a value, --, ---x). A negative number (-0.5) gives a name
// no flag has.
func flagName(a string) (string, bool) {
	name, ok := strings.CutPrefix(a, "-")
	if !ok {
		return "", false
	}
	name = strings.TrimPrefix(name, "-")
	name, _, _ = strings.Cut(name, "=")
	if name == "" || name[0] == '-' {
		return "", false
	}
	return name, true
}

// knownFlags are the flags of every command (TestKnownFlags holds them
// to the commands' help), for missingValue to tell one given where a
// value belongs, whichever command it belongs to.
var knownFlags = []string{
	"align", "any-value", "bar", "benchmark", "by", "catalog", "charts", "class", "column", "columns",
	"confidence", "csv", "date-format", "days", "ddof", "down-market", "duckdb", "end", "es-rule",
	"experiment", "force", "format", "from", "gaussian-ddof", "instruments", "interval", "layout", "mar",
	"max-disk", "max-memory", "max-runs", "missing", "no-db", "no-report", "on-bad-row", "out",
	"periods-per-year", "query", "quiet", "rate-convention", "risk-free", "rolling", "runs", "seed",
	"series", "shard", "shards", "sort", "start", "starting-value", "sterling-excess", "symbol",
	"symbols", "table", "tail", "threshold", "timezone", "timings", "to", "top", "var-method", "wait",
	"weights", "workers", "zero-risk",
}

// recorded is a flag's value that notes each value given to it, for
// parse to refuse a flag given twice; recordedBool keeps a boolean flag
// one that takes no value.
type recorded struct {
	flag.Value
	name  string
	given map[string][]string
}

func (r recorded) Set(s string) error {
	r.given[r.name] = append(r.given[r.name], s)
	return r.Value.Set(s)
}

type recordedBool struct{ recorded }

func (recordedBool) IsBoolFlag() bool { return true }

// clipWords clips each word (between spaces) of err's message longer
// than strict.MaxQuoted: a flag's error quotes the word given (an
// unknown flag, a value twice or bad), and a 5 KB word made a 5 KB
// message, twice over for a bad number (the flag package quotes the
// value and strconv's error again).
func clipWords(err error) error {
	words := strings.Split(err.Error(), " ")
	long := false
	for k, w := range words {
		if len(w) > strict.MaxQuoted {
			words[k], long = strict.Clip(w, strict.MaxQuoted), true
		}
	}
	if !long {
		return err
	}
	return errors.New(strings.Join(words, " "))
}

// flagError rewrites an error of the flag package for fs: the command
// first, flags written --name as the README and the help's synopsis
// write them, an unknown flag with the command's flag it likely meant
// (or, for a flag another command has, the flags this one takes).
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var flags []string
		fs.VisitAll(func(f *flag.Flag) { flags = append(flags, "--"+f.Name) })
		hint := fmt.Sprintf("divergence %s --help lists its flags", fs.Name())
		if len(flags) == 0 {
			hint = "it takes no flags"
		}
		if m := closest(name, flags); m != "" {
			hint = fmt.Sprintf("did you mean %s? %s", m, hint)
		} else if len(flags) > 0 && len(flags) <= 12 {
			hint = fmt.Sprintf("its flags: %s", strings.Join(flags, ", "))
		}
		return fmt.Errorf("%s: unknown flag --%s (%s)", fs.Name(), name, hint)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("%s: --%s needs a value", fs.Name(), strings.TrimLeft(name, "-"))
	}
	// invalid value "x" for flag -workers: …, invalid boolean value "x" for -quiet: …
	if before, after, ok := strings.Cut(msg, " for flag -"); ok {
		msg = before + " for --" + after
	} else if before, after, ok := strings.Cut(msg, " for -"); ok {
		msg = before + " for --" + after
	}
	if strings.HasPrefix(msg, "invalid boolean value ") && strings.Contains(msg, " for --wait: ") {
		msg = "invalid value " + strings.TrimPrefix(msg, "invalid boolean value ") // it takes a duration too
	}
	return fmt.Errorf("%s: %s", fs.Name(), wantedValue(fs, msg))
}

// wantedValue replaces the flag package's "parse error" and "value out of
// range" at the end of msg, its error for a value of --name, with what
// the flag's type takes ("want a whole number").
func wantedValue(fs *flag.FlagSet, msg string) string {
	head, why, ok := strings.Cut(msg, " for --")
	if !ok {
		return msg
	}
	name, why, ok := strings.Cut(why, ": ")
	if !ok || (why != "parse error" && why != "value out of range") {
		return msg
	}
	f := fs.Lookup(name)
	if f == nil {
		return msg
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return msg
	}
	var want string
	switch g.Get().(type) {
	case int, int64:
		want = "want a whole number"
	case uint, uint64:
		want = "want a whole number, 0 or more"
	case float64:
		want = "want a number"
	case bool:
		want = "want true or false (or the flag alone)"
	default:
		return msg
	}
	if why == "value out of range" {
		want = "out of range (" + want + ")"
	}
	return head + " for --" + name + ": " + want
}

// closest returns the word of words (flags written --name, or commands)
// that word likely misspells: within an edit distance of a third of its
// length (at least 1, at most 3), or that it begins (a flag cut short,
// --max-mem), the nearest first; "" when none is.
func closest(word string, words []string) string {
	bare := func(w string) string { return strings.TrimLeft(w, "-") }
	word = bare(word)
	if word == "" {
		return ""
	}
	best, bestD := "", 0
	limit := min(max(len(word)/3, 1), 3)
	for _, w := range words {
		d := strict.EditDistance(strings.ToLower(word), strings.ToLower(bare(w)))
		if d > limit && !(len(word) >= 3 && strings.HasPrefix(bare(w), word)) {
			continue
		}
		if best == "" || d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// newFlags returns the flag set of a command: --help prints its synopsis,
// what it does (commandHelp) and every flag, or says it has none.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: divergence %s\n\n", synopsis)
		if h := commandHelp[name]; h != "" {
			fmt.Fprintf(stderr, "%s\n\n", h)
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n == 0 {
			fmt.Fprintln(stderr, "Flags: none (-h, --help prints this).")
			return
		}
		fmt.Fprintln(stderr, "Flags:")
		printFlags(fs)
	}
	return fs
}

// printFlags writes fs's flags as the flag package's PrintDefaults does,
// each named the way README and the usage line write it (--workers): the
// flag package writes one dash (-workers). Both are accepted.
func printFlags(fs *flag.FlagSet) {
	out := fs.Output()
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(out)
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if strings.HasPrefix(line, "  -") {
			line = "  --" + line[len("  -"):]
		}
		io.WriteString(out, line)
	}
}

// commandHelp says what each command does, for its --help.
var commandHelp = map[string]string{
	"run": "Runs the experiment file's runs (strategies × parameter grid × scenarios, Monte Carlo, walk-forward) and writes\n" +
		"its results folder OUT/<experiment>/: runs.csv/.parquet, runs/<key>/ (metrics.json, equity, fills), the charts,\n" +
		"results.duckdb and report.html. With a walk-forward, its out-of-sample result is printed first.",
	"stress": "Like run, and replays every run under each scenario of the experiment (every library scenario when it\n" +
		"names none), beside the unshocked baseline; prints the stress table.",
	"report": "Writes the HTML report of an experiment's results folder (report.html in it, unless --out says otherwise):\n" +
		"one self-contained file with interactive charts, the sortable runs table and every section the folder has.",
	"db": "(Re)builds RESULTS_DIR/results.duckdb from the folder's files: tables runs, equity, fills, scenarios, …\n" +
		"(undefined values are NULL). Query it with the duckdb CLI or DuckDB's Python client (docs/python.md).",
	"compare": "Draws runs of one or more results folders on one equity and drawdown chart. Runs of different periods\n" +
		"are cut to their common dates and rebased to 1 there (--align none draws each over its own period); with\n" +
		"more runs than --top, the best by --by are drawn (--by measured over the dates all of them share; over\n" +
		"each run's own period with --align none). Prints the runs drawn, best first by --by, with their metrics\n" +
		"over the dates drawn, and writes compare-A-vs-B.png, .svg and .csv (that table; A, B: the folders'\n" +
		"names) beside the first folder (in its parent: a run replaces its folder whole) unless --out names\n" +
		"the files.",
	"strategies": "Lists the built-in strategy types; with a NAME, that strategy's parameters: key, type, default and\n" +
		"meaning (from the strategy's parameter struct).",
	"merge": "Builds OUT/<experiment> from the folders of an experiment's shards (run --shard I/N, or a Kubernetes\n" +
		"Indexed Job / Slurm array): the same files a one-machine run writes, plus merge.json. SHARD_DIR is a shard\n" +
		"folder or a folder holding them. The shards must come from the same experiment file, program (version and\n" +
		"build: the sha256 of the divergence executable, which this merge must share) and data, each index 0…N−1\n" +
		"once: otherwise an error names the shard and nothing is written.",
	"version":   "Prints the program version.",
	"data list": "Lists the instruments in the catalog.",
	"data import": "Imports price files into the catalog, one instrument per file (its symbol from the file name\n" +
		"unless --symbol gives it), or the instruments of one table (--table, --duckdb, --query).\n" +
		"Files: CSV (.csv, .tsv, .gz), Parquet, Arrow IPC; the public exports read as they are: Yahoo and\n" +
		"yfinance (its three-line header too), Binance klines (header-less data.binance.vision files too),\n" +
		"investing.com (--date-format MM/DD/YYYY when no day is past the 12th), Nasdaq.com, CoinGecko,\n" +
		"close-only series (README \"Data in\").",
	"data synth": "Writes the seeded synthetic market (the demo's data) as CSV files, one per instrument, or with\n" +
		"--interval an intraday market as Parquet.",
}

func defaultCatalog() string {
	if c := os.Getenv("DIVERGENCE_CATALOG"); c != "" {
		return c
	}
	return "divergence.duckdb"
}
