package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/divergence-research/divergence/experiment"
)

// memoryShare is the share of the machine's memory (MemTotal) an
// experiment may be estimated to use by default: the rest is the
// system's and other programs'.
const memoryShare = 0.75

// limitFlags are the flags of `run` and `stress` that bound an
// experiment's estimate (experiment.Limits) and its results folder's lock.
type limitFlags struct {
	maxRuns   *int
	maxMemory *string
	maxDisk   *string
	force     *bool
	wait      *waitFlag
}

func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	return &limitFlags{
		maxRuns:   fs.Int("max-runs", experiment.DefaultMaxRuns, "refuse an experiment estimated to make more runs (sweep points × scenarios + Monte Carlo paths × runs + walk-forward); 0 = no limit"),
		maxMemory: fs.String("max-memory", "auto", "refuse an experiment estimated to need more memory: a size (8G, 512M) or 0 for no limit; auto = 75% of this machine's memory (/proc/meminfo)"),
		maxDisk:   fs.String("max-disk", "auto", "refuse an experiment whose results are estimated larger: a size or 0 for no limit; auto = the free space under --out"),
		force:     fs.Bool("force", false, "run whatever the estimate says"),
		wait:      addWait(fs, waitFlag{}, "when another run is writing the same results folder, or a report, db or compare reading it (or an import the data.catalog), wait for them instead of failing: as long as it takes, or up to a duration (--wait=30s); without it, a catalog is waited for up to 10s; --wait=0, neither is"),
	}
}

// limits turns the flags into experiment.Limits; out is --out.
func (l *limitFlags) limits(out string) (experiment.Limits, error) {
	lim := experiment.Limits{MaxRuns: *l.maxRuns, Force: *l.force}
	switch {
	case *l.maxRuns < 0:
		return lim, fmt.Errorf("--max-runs = %d: want 0 (no limit) or more", *l.maxRuns)
	case *l.maxRuns == 0:
		lim.MaxRuns = -1
	}
	var err error
	if *l.maxMemory == "auto" {
		lim.MaxMemory = machineMemory()
	} else if lim.MaxMemory, err = parseSize(*l.maxMemory); err != nil {
		return lim, fmt.Errorf("--max-memory: %w", err)
	}
	if *l.maxDisk == "auto" {
		lim.MaxDisk, lim.DiskFree = freeDisk(out), true
	} else if lim.MaxDisk, err = parseSize(*l.maxDisk); err != nil {
		return lim, fmt.Errorf("--max-disk: %w", err)
	}
	return lim, nil
}

// parseSize reads a size in bytes: a number with an optional K, M, G or T
// (powers of 1024, an optional B or iB after it). 0 means no limit.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = float64(int64(1) << (10 * (i + 1)))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || !(v >= 0) || v*mult > 1<<62 {
		return 0, fmt.Errorf("%q: want a size such as 512M, 8G or 0 (no limit)", s)
	}
	return int64(v * mult), nil
}

// machineMemory is memoryShare of MemTotal from /proc/meminfo, or 0 (no
// limit) where there is none.
func machineMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// MemTotal:       16316412 kB
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil || kb <= 0 {
				return 0
			}
			return int64(float64(kb<<10) * memoryShare)
		}
	}
	return 0
}

// holder describes this process for a results folder's lock file.
func holder(args []string) string {
	cmd := "divergence"
	for _, a := range args {
		if len(cmd) > 300 {
			cmd += " …"
			break
		}
		cmd += " " + a
	}
	return fmt.Sprintf("pid %d, started %s, %s", os.Getpid(), time.Now().UTC().Format(time.RFC3339), cmd)
}

// wayOut says how to get past an estimate the experiment was refused for:
// what lowers each figure that passed its limit, then the limit and
// --force. A disk limit that is the free space is not raised: past it,
// --force fails at a full disk.
func wayOut(err error) error {
	var ee *experiment.EstimateError
	if !errors.As(err, &ee) {
		return err
	}
	var ways, flags []string
	free := false
	for _, o := range ee.Over {
		switch o {
		case "runs":
			ways = append(ways, "fewer runs (fewer sweep values, scenarios or Monte Carlo paths)")
			flags = append(flags, "--max-runs")
		case "memory":
			ways = append(ways, "less memory (fewer instruments or a shorter span of bars, fewer runs, fewer of them at once with --workers 1, no report and database with --no-report)")
			flags = append(flags, "--max-memory")
		case "disk":
			ways = append(ways, "less on disk (no CSV copies with --csv never, no database with --no-db or report with --no-report, fewer runs or steps), or elsewhere (--out DIR)")
			if ee.Limits.DiskFree {
				free = true
			} else {
				flags = append(flags, "--max-disk")
			}
		}
	}
	msg := "to run it: " + strings.Join(ways, "; ")
	switch {
	case len(flags) > 0 && free:
		msg += "; or free space, raise " + strings.Join(flags, " / ") + " and pass --force (past the free space it fails at a write, keeping nothing)"
	case free:
		msg += "; or free space (--force runs it anyway: past the free space it fails at a write, keeping nothing)"
	default:
		msg += "; or raise " + strings.Join(flags, " / ") + ", or pass --force"
	}
	return fmt.Errorf("%w\n%s", err, msg)
}
