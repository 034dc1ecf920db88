package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// diskHeavy is a sweep of pair hedges rebalanced every day on twelve
// synthetic instruments: each run writes thousands of fills, where the
// estimate counts a run's fills at a few KB.
const diskHeavy = `name = "heavy"
start = "2020-01-01"
end = "2023-01-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA", "META", "AMD", "ORCL", "QQQ"]
short = ["TAO", "RENDER", "FET", "NEAR", "BTC", "ETH"]
rebalance_days = 1
[strategy.sweep]
gross = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]
`

// TestDiskGuardStopsWhatCannotFit: an experiment whose runs write more
// than the estimate counted stops once they show that the results pass
// the disk limit, with nothing kept; under a limit that the folder fits,
// the same experiment runs to its end. The folder's size is measured by
// a run without a limit (its files read back), not by the guard.
func TestDiskGuardStopsWhatCannotFit(t *testing.T) {
	f, err := Parse("heavy.toml", diskHeavy)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Workers: 2, CSV: "never", Report: reportHTML, Database: resultsDB}
	free := opt
	free.Out = t.TempDir()
	o, err := Run(context.Background(), f, free)
	if err != nil {
		t.Fatal(err)
	}
	written := folderBytes(t, o.Dir)
	est := o.Estimate
	t.Logf("estimated %d bytes (%d a run's folder), written %d", est.Disk, est.RunDisk, written)
	// The premise: the estimate undercounts this experiment by far.
	if est.Disk*3/2 > written {
		t.Fatalf("estimated %d bytes for the %d written: not the undercount this test needs", est.Disk, written)
	}

	t.Run("over the limit", func(t *testing.T) {
		// Admitted up front (the estimate is under the limit), the
		// folder would not fit: a quarter of the way from the estimate
		// to the folder's size, which the guard's figure passes after
		// about two runs of the eight (each adds about an eighth of
		// the way, at the least), whatever order they finish in.
		lim := opt
		lim.Out = t.TempDir()
		lim.Limits = Limits{MaxDisk: est.Disk + (written-est.Disk)/4}
		_, err := Run(context.Background(), f, lim)
		var de *DiskError
		if !errors.As(err, &de) {
			t.Fatalf("run under a %d-byte limit with %d bytes to write: %v, want a DiskError", lim.Limits.MaxDisk, written, err)
		}
		if de.Done >= de.Runs || de.Runs != 8 || de.Projected <= lim.Limits.MaxDisk || de.Estimate != est.Disk {
			t.Errorf("stopped after %d of %d runs at %d bytes (limit %d, estimate %d): want before the last of 8, past the limit, the estimate %d",
				de.Done, de.Runs, de.Projected, lim.Limits.MaxDisk, de.Estimate, est.Disk)
		}
		// Nothing was kept: no results folder, no working folder.
		if entries, _ := os.ReadDir(lim.Out); len(entries) > 1 || len(entries) == 1 && entries[0].Name() != ".heavy.lock" {
			t.Errorf("left in --out after the stop: %v", entries)
		}
	})
	t.Run("fits", func(t *testing.T) {
		lim := opt
		lim.Out = t.TempDir()
		lim.Limits = Limits{MaxDisk: written * 21 / 20}
		if _, err := Run(context.Background(), f, lim); err != nil {
			t.Errorf("a limit 5%% over the %d bytes the folder takes: %v", written, err)
		}
	})
	t.Run("force", func(t *testing.T) {
		lim := opt
		lim.Out = t.TempDir()
		lim.Limits = Limits{MaxDisk: (est.Disk + written) / 2, Force: true}
		if _, err := Run(context.Background(), f, lim); err != nil {
			t.Errorf("--force: %v", err)
		}
	})
}

// TestDiskGuardCountsLegsChartsOnce: with AllCharts, each pair-hedge
// run's worker writes its legs.png and legs.svg into its folder, which
// the estimate counts apart (charted × diskChartBytes, not in RunDisk).
// The guard measured them in the run's folder too, so its figure passed
// the size of the folder the experiment writes (10.75 MB against 10.69
// MB: the eight runs' charts, 8 × 260 KB, counted twice) and stopped an
// experiment under a limit its folder fits. The folder's size is
// measured by a run without a limit (its files read back).
func TestDiskGuardCountsLegsChartsOnce(t *testing.T) {
	f, err := Parse("heavy.toml", diskHeavy)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Workers: 2, CSV: "never", Report: reportHTML, Database: resultsDB, AllCharts: true}
	free := opt
	free.Out = t.TempDir()
	o, err := Run(context.Background(), f, free)
	if err != nil {
		t.Fatal(err)
	}
	written := folderBytes(t, o.Dir)
	// The premise: every run's folder holds its legs chart.
	for _, r := range o.Runs {
		for _, name := range []string{"legs.png", "legs.svg"} {
			if _, err := os.Stat(filepath.Join(runDir(o.Dir, r.Key), name)); err != nil {
				t.Fatalf("run %s: %v", r.Key, err)
			}
		}
	}
	lim := opt
	lim.Out = t.TempDir()
	lim.Limits = Limits{MaxDisk: written}
	if _, err := Run(context.Background(), f, lim); err != nil {
		t.Errorf("a limit of the %d bytes the folder takes: %v", written, err)
	}
}

// TestDiskGuardShard: a shard's runs are measured against its share of
// the estimate, as a one-machine run's against the whole: a limit its
// share passes up front but its folder does not fit stops it with
// nothing kept; one 5 % over the folder lets it finish. The folder is
// measured by the same shard run without a limit.
func TestDiskGuardShard(t *testing.T) {
	// A shard fingerprints its experiment file: one on disk.
	path := filepath.Join(t.TempDir(), "heavy.toml")
	if err := os.WriteFile(path, []byte(diskHeavy), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	shard := func(out string, lim Limits) (*Outcome, error) {
		return Run(context.Background(), f, Options{Out: out, Workers: 2, CSV: "never", Limits: lim, Shard: &Shard{Index: 0, Count: 2, Source: "test"}})
	}
	o, err := shard(t.TempDir(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	written, share := folderBytes(t, o.Dir), o.Estimate.Disk
	t.Logf("shard 0 of 2: its share estimated at %d bytes, written %d", share, written)
	if share == 0 || share*3/2 > written {
		t.Fatalf("share estimated at %d bytes for the %d written: not the undercount this test needs", share, written)
	}
	out := t.TempDir()
	_, err = shard(out, Limits{MaxDisk: share + (written-share)/4})
	var de *DiskError
	if !errors.As(err, &de) || de.Done >= de.Runs {
		t.Fatalf("shard under a limit its folder of %d bytes does not fit: %v, want a DiskError before its last run", written, err)
	}
	if entries, _ := os.ReadDir(out); len(entries) > 1 {
		t.Errorf("left in --out after the stop: %v", entries)
	}
	if _, err := shard(t.TempDir(), Limits{MaxDisk: written * 21 / 20}); err != nil {
		t.Errorf("a limit 5%% over the %d bytes the shard's folder takes: %v", written, err)
	}
}
