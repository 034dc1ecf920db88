package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMergeOfShardsAllOnTheirFirstRun: a merge started beside its shards
// (a Kubernetes Job of N pods and a merge Job, a Slurm array and a
// dependent step) finds their folder with no shard finished yet, each
// held by its process (<out>/.<name>.lock) with no folder. It said the
// folder was "neither a shard folder nor a folder of shard folders", and
// failed at once even with --wait. ShardDirs now names the shards being
// written and their holders; WaitShardDirs (merge --wait) waits for
// them and returns their folders, or, its wait bounded, says how long it
// waited.
func TestMergeOfShardsAllOnTheirFirstRun(t *testing.T) {
	parent := t.TempDir()
	names := []string{"exp-shard-0-of-2", "exp-shard-1-of-2"}
	holders := []string{"pid 4242, divergence run x.toml --shard 0/2", "pid 4343, divergence run x.toml --shard 1/2"}
	var locks []*Lock
	for i, n := range names {
		l, err := LockDir(context.Background(), parent, n, holders[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		locks = append(locks, l)
		if err := os.Mkdir(filepath.Join(parent, "."+n+".tmp-7"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A stale lock of an earlier set, free, is nobody's run.
	if l, err := LockDir(context.Background(), parent, "exp-shard-0-of-3", "", nil); err != nil {
		t.Fatal(err)
	} else {
		l.Release()
	}

	_, err := ShardDirs([]string{parent})
	var busy *ShardsBusyError
	if !errors.As(err, &busy) {
		t.Fatalf("got %v, want a ShardsBusyError", err)
	}
	for i, n := range names {
		if want := n + " (" + holders[i] + ")"; !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "of-3") || !strings.Contains(err.Error(), "--wait") {
		t.Errorf("%q: names the free lock, or not --wait", err)
	}

	t.Run("wait bounded", func(t *testing.T) {
		var said []string
		_, err := WaitShardDirs(context.Background(), []string{parent}, Options{Wait: true, WaitUpTo: 300 * time.Millisecond, Waiting: func(s string) { said = append(said, s) }})
		var locked *LockedError
		if !errors.As(err, &locked) || locked.Waited < 300*time.Millisecond {
			t.Errorf("got %v, want a LockedError after a wait of 300ms", err)
		}
		if len(said) != 1 || !strings.Contains(said[0], "waiting for pid 4242") {
			t.Errorf("said %q", said)
		}
	})

	t.Run("wait", func(t *testing.T) {
		// The shards finish 200 ms into the wait.
		go func() {
			time.Sleep(200 * time.Millisecond)
			for i, n := range names {
				os.Rename(filepath.Join(parent, "."+n+".tmp-7"), filepath.Join(parent, n))
				os.WriteFile(filepath.Join(parent, n, ShardFile), []byte("{}"), 0o644)
				locks[i].Release()
			}
		}()
		dirs, err := WaitShardDirs(context.Background(), []string{parent}, Options{Wait: true, Waiting: func(string) {}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{filepath.Join(parent, names[0]), filepath.Join(parent, names[1])}
		if strings.Join(dirs, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", dirs, want)
		}
	})
}
