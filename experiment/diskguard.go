package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// diskGuard stops an experiment whose runs write more than its estimate
// counted for them, as soon as what they wrote shows that the results
// cannot fit the disk limit (Limits.MaxDisk: the free space under --out,
// or a limit set). The estimate, made before any run, counts a run's
// fills at a few KB, which is what a strategy that trades now and then
// writes; a basket rebalanced every day writes hundreds of KB a run (the
// 200-run sweep of BenchmarkSweepCommand: 313 KB of fills.parquet a run,
// and as much again in results.duckdb; estimated 66.5 MB, written 209
// MB). Without the guard such an experiment ran until the disk was full,
// failing at a write (nothing kept, but the disk full meanwhile for
// every other program on it).
//
// The guard's figure is the estimate with each run measured so far
// counted at what it wrote instead of the estimate's RunDisk, and, when
// results.duckdb is written, its copy of their fills counted at their
// fills.parquet's size (the database's fills table took 60.0 MB for the
// sweep's 62.6 MB of files). The runs not yet written stay at RunDisk,
// about what they write at the least (their equity curves); the rest of
// the folder stays at the model's figures. The guard stops the
// experiment once that figure passes the limit (the
// sweep above, a folder of 209.7 MB, ended at a figure between 190 and
// 200 MB: under a limit of 190 MB it stopped after 190 or 191 runs, or
// only after the last, as the runs two workers finish first come; not
// under one of 200 MB).
type diskGuard struct {
	name     string // the experiment's
	limit    int64
	free     bool // the limit is the free space under --out
	est      Estimate
	runs     int  // the runs whose folders this experiment writes
	database bool // results.duckdb stores the runs' fills again
	mu       sync.Mutex
	done     int   // runs measured
	excess   int64 // what they wrote past RunDisk each, database copy included
}

// newDiskGuard returns the guard of an experiment of runs runs estimated
// at est, under lim; nil (no guard) with Force or without a disk limit.
func newDiskGuard(name string, lim Limits, est Estimate, runs int, database bool) *diskGuard {
	if lim.Force || lim.MaxDisk <= 0 || runs == 0 {
		return nil
	}
	return &diskGuard{name: name, limit: lim.MaxDisk, free: lim.DiskFree, est: est, runs: runs, database: database}
}

// add measures the folder of a run just written, dir, and returns a
// *DiskError once the runs measured show that the results cannot fit.
func (g *diskGuard) add(dir string) error {
	if g == nil {
		return nil
	}
	total, fills, err := runFolderBytes(dir)
	if err != nil {
		return nil // a folder that cannot be read is the writes' to report
	}
	extra := total - g.est.RunDisk
	if g.database {
		extra += fills
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done++
	g.excess += extra
	projected := g.est.Disk + g.excess
	if projected <= g.limit {
		return nil
	}
	return &DiskError{Name: g.name, Done: g.done, Runs: g.runs, Projected: projected, Estimate: g.est.Disk, Limit: g.limit, Free: g.free}
}

// runFolderBytes is the size of the files in a run's folder, and of its
// fills file (fills.parquet) among them. Its legs chart (legs.png and
// legs.svg, which a worker draws with Options.AllCharts) is left out:
// the estimate counts the charts apart from RunDisk (diskChartBytes a
// charted run), and counted here again it passed the folder's size
// (TestDiskGuardCountsLegsChartsOnce).
func runFolderBytes(dir string) (total, fills int64, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || e.Name() == "legs.png" || e.Name() == "legs.svg" {
			continue
		}
		total += info.Size()
		if e.Name() == "fills.parquet" {
			fills = info.Size()
		}
	}
	return total, fills, nil
}

// DiskError is an experiment stopped by its runs' size: the runs written
// so far bring its results' estimate past the disk limit.
type DiskError struct {
	Name       string // the experiment
	Done, Runs int    // runs written when it stopped, of all
	Projected  int64  // bytes of the results, estimated with the runs written measured
	Estimate   int64  // bytes the estimate said before the runs
	Limit      int64  // the limit: the free space under --out when Free
	Free       bool
}

func (e *DiskError) Error() string {
	room := "the limit of " + Bytes(e.Limit) + " (--max-disk)"
	if e.Free {
		room = "the " + Bytes(e.Limit) + " free under --out"
	}
	return fmt.Sprintf("experiment %q stopped after %d of %d runs: with their files measured, the results are estimated at %s on disk (%s before the runs, which counted a run's fills at a few KB), more than %s; nothing was kept. "+
		"Free space, write elsewhere (--out), write less (--csv never, --no-db, fewer runs or fewer trades), or raise --max-disk",
		e.Name, e.Done, e.Runs, Bytes(e.Projected), Bytes(e.Estimate), room)
}

// runDir is the folder of run key in the results folder dir.
func runDir(dir, key string) string { return filepath.Join(dir, "runs", key) }
