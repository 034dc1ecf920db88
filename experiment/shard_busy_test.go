package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMergeNamesAShardBeingWritten: a shard process holds its folder's
// lock while it writes (<out>/.<slug>-shard-I-of-N.lock). A merge given
// that folder while the shard runs again read it as the shard replaced it
// whole (the files it had checked swapped for others under it); a shard
// running for the first time has no folder yet and was only "missing".
// Both now name the holder and ask to wait; nothing is written. The lock
// here is held as a shard process holds it (LockDir, another open file).
func TestMergeNamesAShardBeingWritten(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	parent, name := filepath.Dir(dirs[1]), filepath.Base(dirs[1])
	const holder = "pid 4242, started 2026-01-02T03:04:05Z, divergence run x.toml --shard 1/3"
	lock, err := LockDir(context.Background(), parent, name, holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Run again while the merge starts: the folder is there.
	mergeMustRefuse(t, f, dir, dirs, dirs[1]+" (shard 1 of 3) is being written by "+holder+", which replaces it whole; wait for it to finish and merge again",
		"nothing was written")
	// Its first run: no folder yet, the shards given as their folder.
	if err := os.RemoveAll(dirs[1]); err != nil {
		t.Fatal(err)
	}
	shardDirs, err := ShardDirs([]string{parent})
	if err != nil {
		t.Fatal(err)
	}
	mergeMustRefuse(t, f, dir, shardDirs, "missing of 3: 1 ("+name+": "+dirs[1]+" is being written by "+holder+"; wait for it to finish and merge again)")
	// Its lock released (the shard died): missing, and nothing more.
	lock.Release()
	out := filepath.Join(dir, "merged")
	_, err = Merge(context.Background(), f, shardDirs, Options{Out: out, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "missing of 3: 1 ("+name+")") {
		t.Errorf("with the lock free: %v; want the shard missing, no writer named", err)
	}
}

// TestMergeWaitsForAShardBeingWritten: with --wait (Options.Wait) a
// merge waits for a shard being written, as every command waits for its
// results folder, then merges the shards as they finished (it failed at
// once, asking to wait); up to WaitUpTo, after which it says how long it
// waited.
func TestMergeWaitsForAShardBeingWritten(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	parent, name := filepath.Dir(dirs[1]), filepath.Base(dirs[1])
	const holder = "pid 4242, divergence run x.toml --shard 1/3"
	lock, err := LockDir(context.Background(), parent, name, holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge(context.Background(), f, dirs, Options{Out: filepath.Join(dir, "late"), Workers: 1, Wait: true, WaitUpTo: 50 * time.Millisecond})
	if want := "is still being written by " + holder + " after a wait of"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("waiting up to 50 ms: %v, want %q", err, want)
	}
	var waited []string
	o, err := Merge(context.Background(), f, dirs, Options{Out: filepath.Join(dir, "merged"), Workers: 1, Wait: true,
		Waiting: func(line string) { waited = append(waited, line); lock.Release() }})
	if err != nil {
		t.Fatalf("merge with --wait: %v", err)
	}
	if len(waited) != 1 || !strings.Contains(waited[0], name+" is locked: waiting for pid 4242") {
		t.Errorf("waited for %q, want the shard and its holder named once", waited)
	}
	if len(o.Runs) == 0 {
		t.Error("the merge has no runs")
	}
	// A first run: no folder yet, the shards given as their folder (the
	// two there). The folder appears while the merge waits, which then
	// takes it in (it refused it as missing, the list made before the
	// wait).
	aside := filepath.Join(dir, "aside")
	if err := os.Rename(dirs[1], aside); err != nil {
		t.Fatal(err)
	}
	lock, err = LockDir(context.Background(), parent, name, holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	given, err := ShardDirs([]string{parent})
	if err != nil || len(given) != 2 {
		t.Fatalf("ShardDirs: %v, %v; want the two finished shards", given, err)
	}
	_, err = Merge(context.Background(), f, given, Options{Out: filepath.Join(dir, "merged-first"), Workers: 1, Wait: true,
		Waiting: func(string) {
			if err := os.Rename(aside, dirs[1]); err != nil {
				t.Error(err)
			}
			lock.Release()
		}})
	if err != nil {
		t.Errorf("merge with --wait for a first run: %v", err)
	}
}

// TestMergeNamesAShardFolderWithoutManifest: a shard's folder without its
// shard.json (a copy from the cluster cut short: rsync had copied the
// runs, not yet shard.json) was skipped as not a shard, and the merge said
// only that the shard was missing, beside the folder of that name.
func TestMergeNamesAShardFolderWithoutManifest(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	if err := os.Remove(filepath.Join(dirs[2], ShardFile)); err != nil {
		t.Fatal(err)
	}
	shardDirs, err := ShardDirs([]string{filepath.Dir(dirs[2])})
	if err != nil {
		t.Fatal(err)
	}
	if len(shardDirs) != 2 {
		t.Fatalf("ShardDirs: %v, want the 2 folders with a shard.json", shardDirs)
	}
	mergeMustRefuse(t, f, dir, shardDirs, "missing of 3: 2 ("+filepath.Base(dirs[2])+": "+dirs[2]+" has no shard.json: a copy cut short, or not a shard's folder; copy it again or run the shard again)",
		"nothing was written")
}

// TestMergeNamesAShardThatStopped: a shard killed while it wrote left its
// working folder (.<name>.tmp-…) and no folder; the merge said only that
// the shard was missing, and now says that its run stopped.
func TestMergeNamesAShardThatStopped(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	parent, name := filepath.Dir(dirs[0]), filepath.Base(dirs[0])
	tmp := filepath.Join(parent, "."+name+".tmp-123")
	if err := os.Rename(dirs[0], tmp); err != nil {
		t.Fatal(err)
	}
	shardDirs, err := ShardDirs([]string{parent})
	if err != nil {
		t.Fatal(err)
	}
	mergeMustRefuse(t, f, dir, shardDirs, "missing of 3: 0 ("+name+": its run stopped before it finished (killed or failed: "+tmp+" is its working folder); run the shard again)",
		"nothing was written")
}

// TestMergeNamesAShardMovedAside: a shard killed between moving its
// previous folder aside (.<name>.old-…) and renaming its new one into
// place left no folder; the merge said only that the shard was missing,
// and now names the folder moved aside, which the shard's next run puts
// back.
func TestMergeNamesAShardMovedAside(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	parent, name := filepath.Dir(dirs[1]), filepath.Base(dirs[1])
	old := filepath.Join(parent, "."+name+".old-456")
	if err := os.Rename(dirs[1], old); err != nil {
		t.Fatal(err)
	}
	shardDirs, err := ShardDirs([]string{parent})
	if err != nil {
		t.Fatal(err)
	}
	mergeMustRefuse(t, f, dir, shardDirs, "missing of 3: 1 ("+name+": a run of it stopped between moving its folder aside and putting the new one in place: "+old+
		" is the previous shard folder; the next run of the shard restores it (or rename it to "+dirs[1]+"))", "nothing was written")
}
