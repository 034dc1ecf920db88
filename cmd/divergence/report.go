package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/report"
	"github.com/divergence-research/divergence/results/resultsdb"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report RESULTS_DIR [--out FILE] [--wait [D]]", stderr)
	out := fs.String("out", "", "write the report to `FILE` (default: RESULTS_DIR/report.html)")
	wait := addWait(fs, waitFlag{}, "when a run is writing the results folder, wait for it instead of failing: as long as it takes, or up to a duration (--wait=30s); other readers (report, db, compare) never make it wait")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("report: want one results folder, got %d arguments", len(pos))
	}
	path := *out
	if path == "" {
		path = filepath.Join(pos[0], report.ReportFile)
	}
	if !strings.EqualFold(filepath.Ext(path), ".html") {
		return fmt.Errorf("report: --out %s: want an .html file", path)
	}
	if err := outsideResults("report", path, pos, report.ReportFile); err != nil {
		return err
	}
	lock, err := lockResults(ctx, "report", pos[0], args, wait, stderr)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := report.WriteTo(ctx, pos[0], path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s\n", path)
	return nil
}

func cmdDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("db", "db RESULTS_DIR [--wait [D]]", stderr)
	wait := addWait(fs, waitFlag{}, "when a run is writing the results folder, wait for it instead of failing: as long as it takes, or up to a duration (--wait=30s); other readers (report, db, compare) never make it wait")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("db: want one results folder, got %d arguments", len(pos))
	}
	lock, err := lockResults(ctx, "db", pos[0], args, wait, stderr)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := resultsdb.Write(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "results database: %s\n", filepath.Join(pos[0], "results.duckdb"))
	return nil
}

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "compare RESULTS_DIR... [--runs KEY,KEY] [--top N] [--by METRIC] [--align common|none] [--out FILE[,FILE]] [--wait [D]]", stderr)
	runs := fs.String("runs", "", "comma-separated run `KEYS` to draw from each folder (default: every main run; a run under a scenario (KEY@SCENARIO) or a companion run (KEY~long-leg) is drawn only when named)")
	top := fs.Int("top", report.DefaultCompareTop, "draw at most `N` runs, the best by --by (0: every run)")
	by := fs.String("by", "sharpe", "the `METRIC` --top ranks by: total_return, cagr, annual_volatility (lowest first), sharpe, sortino, max_drawdown, calmar, final_equity")
	align := fs.String("align", "common", "`common`: cut every run to the dates all of them span and rebase to 1 at the latest common start; none: each run over its own period")
	out := fs.String("out", "", "the `FILES` to write, comma-separated: charts (.png, .svg) and the table of the runs drawn (.csv) (default: compare-A-vs-B.png, .svg and .csv, A and B the folders' names, beside the first folder, in its parent: a run replaces its results folder whole)")
	wait := addWait(fs, waitFlag{}, "when a run is writing a results folder, wait for it instead of failing: as long as it takes, or up to a duration (--wait=30s); each folder is read under its lock, shared with other readers (report, db, compare), as a run replaces it under it")
	dirs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		fs.Usage()
		return fmt.Errorf("compare: want at least one results folder")
	}
	if *top < 0 {
		return fmt.Errorf("compare: --top = %d: want 0 (every run) or more", *top)
	}
	opt := report.CompareOptions{Top: *top, By: *by}
	if *top == 0 {
		opt.Top = -1
	}
	if opt.Align, err = report.ParseAlign(*align); err != nil {
		return fmt.Errorf("compare: --align %q: want common or none", *align)
	}
	if err := results.ValidMetric(*by); err != nil {
		return fmt.Errorf("compare: --by: %w", err)
	}
	if *runs != "" {
		opt.Runs = strings.Split(*runs, ",")
		if slices.Contains(opt.Runs, "") {
			return fmt.Errorf("compare: --runs %q: an empty key (a comma too many)", *runs)
		}
	}
	if *out != "" {
		opt.Outs = strings.Split(*out, ",")
		if slices.Contains(opt.Outs, "") {
			return fmt.Errorf("compare: --out %q: an empty path (a comma too many)", *out)
		}
		abs := make([]string, len(opt.Outs))
		for i, o := range opt.Outs {
			if abs[i], err = filepath.Abs(o); err != nil {
				return fmt.Errorf("compare: --out %s: %w", o, err)
			}
			if j := slices.Index(abs[:i], abs[i]); j >= 0 {
				return fmt.Errorf("compare: --out %q: %s and %s are the same file", *out, opt.Outs[j], o)
			}
		}
		for _, o := range opt.Outs {
			if err := outsideResults("compare", o, dirs, "compare.png", "compare.svg", "compare.csv"); err != nil {
				return err
			}
			if err := notOthersTable(o); err != nil {
				return err
			}
		}
	}
	// Each folder is read under its lock, shared with the other readers
	// (report, db, other compares), let go once read. A run
	// replaces its folder under the lock by two renames, the old one
	// aside, the new one in: read then, it was missing, or read half old
	// and half new.
	opt.Hold = func(dir string) (func(), error) {
		l, err := lockResults(ctx, "compare", dir, args, wait, stderr)
		if err != nil {
			return nil, err
		}
		return l.Release, nil
	}
	cmp, err := report.CompareWith(ctx, dirs, opt)
	if err != nil {
		return compareError(err)
	}
	printComparison(stdout, cmp, opt.By)
	fmt.Fprintf(stdout, "compare: %s\n", strings.Join(cmp.Outs, ", "))
	return nil
}

// compareError is an error of report.CompareWith as the compare command
// says it, "compare: …" as its siblings' errors begin with their names,
// in place of the package's "report: compare: …" (and "report: …" for a
// folder it could not read); errors.Is and errors.As still see err.
func compareError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "report: ")
	return commandError{msg: "compare: " + strings.TrimPrefix(msg, "compare: "), err: err}
}

// commandError is an error of a package said as a command's: msg, with
// err under it.
type commandError struct {
	msg string
	err error
}

func (e commandError) Error() string { return e.msg }
func (e commandError) Unwrap() error { return e.err }

// printComparison prints the runs a comparison drew, best first by by,
// with their metrics over the dates drawn (the table of its CSV).
func printComparison(w io.Writer, c *report.Comparison, by string) {
	fmt.Fprintf(w, "%s drawn, by %s, over %s:\n", plural(len(c.Rows), "run"), by, c.Over)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tfrom\tto\ttotal return\tCAGR\tvol\tSharpe\tSortino\tmax DD\tCalmar\t")
	stamp := report.CompareStamp(c.Rows)
	for _, r := range c.Rows {
		m := r.Metrics
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Name, stamp(r.Start), stamp(r.End),
			pct(m.TotalReturn), pct(m.CAGR), pct(m.AnnualVolatility), num(m.Sharpe), num(m.Sortino), pct(m.MaxDrawdown), num(m.Calmar))
	}
	tw.Flush()
	for _, m := range c.Missing {
		fmt.Fprintf(w, "note: %s\n", m)
	}
	for _, r := range c.Rows {
		switch {
		case r.Metrics.Ruined():
			fmt.Fprintf(w, "note: %s: equity fell to 0 or below in these dates (ruin): its metrics mean nothing; it ranks last\n", r.Name)
		case r.Ruined():
			fmt.Fprintf(w, "note: %s: equity fell to 0 or below before these dates (ruin): its metrics here mean nothing; it ranks last\n", r.Name)
		}
	}
}

// outsideResults refuses an output path inside one of the results
// folders dirs, but for the names in mine (the command's own files
// there): report --out DIR/manifest.json wrote the page over the
// manifest, and the folder could no longer be read.
// Paths are compared as written and as they lead to (experiment.RealDir):
// a folder or an --out given through a symlink is the folder it leads to.
func outsideResults(cmd, path string, dirs []string, mine ...string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		ad, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		rel, inside := within(ad, abs)
		if !inside {
			rd, err1 := experiment.RealDir(ad)
			ra, err2 := experiment.RealDir(abs)
			if err1 != nil || err2 != nil {
				continue
			}
			if rel, inside = within(rd, ra); !inside {
				continue
			}
		}
		if !slices.Contains(mine, rel) {
			return fmt.Errorf("%s: --out %s is inside the results folder %s: it would write over its files; give a path outside it (or leave --out out)", cmd, path, d)
		}
	}
	return nil
}

// within is path relative to dir, and whether path is dir or under it.
func within(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// compareHeader begins the first line of the table compare writes: its
// first three columns (report.CompareTable), "run,folder,key,".
func compareHeader() string {
	c := report.CompareTable(nil).Columns
	return c[0].Name + "," + c[1].Name + "," + c[2].Name + ","
}

// notOthersTable refuses a compare --out table (.csv) that exists and is
// not one compare wrote (its first line does not begin compareHeader()):
// a price or returns file named by mistake was replaced by the table. An
// empty file (made for the table, by mktemp) is written.
func notOthersTable(path string) error {
	if !strings.EqualFold(filepath.Ext(path), ".csv") {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil // missing: written new; unreadable: the write says why
	}
	defer f.Close()
	head := make([]byte, 200)
	n, _ := io.ReadFull(f, head)
	if fi, err := f.Stat(); n == 0 && err == nil && fi.Mode().IsRegular() {
		return nil // empty (mktemp --suffix .csv): nothing to keep
	}
	line, _, _ := strings.Cut(string(head[:n]), "\n")
	if strings.HasPrefix(line, compareHeader()) {
		return nil
	}
	if len(line) > 60 {
		line = line[:60] + "…"
	}
	return fmt.Errorf("compare: --out %s exists and is not a table compare wrote (its first line is %q): not replacing it; give a new path, or remove the file first", path, line)
}

// lockResults takes, shared (experiment.ReadLockDirUpTo), the lock a run
// holds while it writes the results folder dir (<out>/.<slug>.lock), so
// that report, db and compare neither read a folder a run is replacing (they failed
// with low-level messages: a file renamed away, a Parquet footer half
// read, no such folder; compare could read the old manifest and the new
// runs) nor have it replaced under them: a run writing it is named, or
// waited for with --wait. They share it with each other: each only reads
// what a run wrote, and db and report replace one file of their own
// (results.duckdb, report.html) by a rename from a temporary file, so
// another reader sees it whole, old or new, and two of them at once
// write the same file; a run into the folder waits for (or refuses
// naming) every reader. A path that is not a folder is left to the
// command's own checks, and so is a folder that is not a finished
// experiment's (results.Finished: no manifest.json, a run's working
// folder), which left a lock file beside it (.notres.lock) for an error,
// unless its lock file is there already (a run made it: the folder is
// missing while the run is between its two renames); a folder whose
// lock cannot be made (a read-only parent) is read without it. A folder
// given through a symlink is locked beside the folder it leads to
// (experiment.RealDir), where the run writing it locks it.
func lockResults(ctx context.Context, cmd, dir string, args []string, wait *waitFlag, stderr io.Writer) (*experiment.Lock, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil
	}
	// A folder given through a symlink (ln -s out/sweep latest) is locked
	// where the run writing it locks it, beside the folder the link leads
	// to (out/.sweep.lock), and named in messages as given, then as the
	// folder it leads to.
	name := dir
	if real, err := experiment.RealDir(abs); err == nil {
		if parent, err := experiment.RealDir(filepath.Dir(abs)); err == nil && filepath.Join(parent, filepath.Base(abs)) != real {
			name = dir + " (" + real + ")"
		}
		abs = real
	}
	if results.Finished(dir) != nil {
		// Not (now) a results folder: no lock is made for it, unless a
		// run has one (its lock file is there): the folder may be
		// missing because that run is between its two renames, the old
		// results moved aside and the new not yet in.
		if _, err := os.Lstat(experiment.LockFile(abs)); err != nil {
			return nil, nil
		}
	}
	var waiting func(string)
	if wait.on() {
		waiting = func(line string) { fmt.Fprintln(stderr, "divergence:", line) }
	}
	l, err := experiment.ReadLockDirUpTo(ctx, filepath.Dir(abs), filepath.Base(abs), holder(append([]string{cmd}, args...)), waiting, wait.upTo())
	var locked *experiment.LockedError
	if errors.As(err, &locked) {
		return nil, fmt.Errorf("%s: %s", cmd, locked.Says(name))
	}
	if err != nil && ctx.Err() == nil {
		// A folder whose parent this user cannot write (a report of
		// read-only results to --out elsewhere): read it unlocked.
		return nil, nil
	}
	return l, err
}
