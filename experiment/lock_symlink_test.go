package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results"
)

// RealDir: a folder, a link to it, a link to a link, a link that leads
// nowhere now (the folder renamed away, as a run does between its two
// renames), a missing folder under a linked parent, and a missing folder
// under a missing parent: each is the folder it leads to.
func TestRealDir(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "out")
	dir := filepath.Join(out, "sweep")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mk := func(to, at string) {
		if err := os.Symlink(to, filepath.Join(base, at)); err != nil {
			t.Fatal(err)
		}
	}
	mk(dir, "latest")           // absolute
	mk("latest", "latest2")     // relative, to a link
	mk("out/gone", "dangling")  // relative, to nothing
	mk("dangling", "dangling2") // to a link to nothing
	mk(out, "outlink")          // a linked parent
	for _, tc := range []struct{ name, in, want string }{
		{"the folder", dir, dir},
		{"a link", filepath.Join(base, "latest"), dir},
		{"a link to a link", filepath.Join(base, "latest2"), dir},
		{"a dangling link", filepath.Join(base, "dangling"), filepath.Join(out, "gone")},
		{"a link to a dangling link", filepath.Join(base, "dangling2"), filepath.Join(out, "gone")},
		{"through a linked parent", filepath.Join(base, "outlink", "sweep"), dir},
		{"missing, under a linked parent", filepath.Join(base, "outlink", "new"), filepath.Join(out, "new")},
		{"missing, under a missing parent", filepath.Join(base, "outlink", "a", "b"), filepath.Join(out, "a", "b")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RealDir(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("RealDir(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
	// A link to itself is an error, not a hang.
	mk("loop", "loop")
	if got, err := RealDir(filepath.Join(base, "loop")); err == nil {
		t.Errorf("RealDir of a link to itself = %q, want an error", got)
	}
}

// A run with --out a symlink to a folder (ln -s /big/disk out) takes
// the same lock as one given the folder itself: the lock file is reached
// through the link, and flock locks the file, not its name.
func TestRunIntoLinkedOutHoldsTheFolderLock(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f := loadSmall(t)
	l, err := LockDirUpTo(context.Background(), real, results.Slug(f.Name), "pid 1, a run", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	_, err = Run(context.Background(), f, Options{Out: link, Workers: 1, Wait: true, WaitUpTo: 50 * time.Millisecond})
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "is still being written by pid 1, a run") {
		t.Fatalf("run into %s while %s is held: %v, want a LockedError naming the holder", link, real, err)
	}
}

// A merge given a shard through a symlink (ln -s shards/x-shard-1-of-3
// s1) sees the shard process writing the folder it leads to: it looked
// for the lock beside the link and merged the folder as it was replaced.
func TestMergeSeesAShardBeingWrittenThroughALink(t *testing.T) {
	dir := t.TempDir()
	f, dirs := shardedIntegrity(t, dir)
	parent, name := filepath.Dir(dirs[1]), filepath.Base(dirs[1])
	links := filepath.Join(dir, "links")
	if err := os.Mkdir(links, 0o755); err != nil {
		t.Fatal(err)
	}
	s1 := filepath.Join(links, "s1")
	if err := os.Symlink(dirs[1], s1); err != nil {
		t.Fatal(err)
	}
	given := []string{dirs[0], s1, dirs[2]}
	const holder = "pid 4242, divergence run x.toml --shard 1/3"
	lock, err := LockDir(context.Background(), parent, name, holder, nil)
	if err != nil {
		t.Fatal(err)
	}
	mergeMustRefuse(t, f, dir, given, s1+" (shard 1 of 3) is being written by "+holder)
	// With --wait it waits for the shard, then merges.
	var waited []string
	o, err := Merge(context.Background(), f, given, Options{Out: filepath.Join(dir, "merged"), Workers: 1, Wait: true,
		Waiting: func(line string) { waited = append(waited, line); lock.Release() }})
	if err != nil {
		t.Fatalf("merge with --wait: %v", err)
	}
	o.Release()
	if len(waited) != 1 || !strings.Contains(waited[0], name+" is locked: waiting for pid 4242") {
		t.Errorf("waited for %q, want the shard and its holder named once", waited)
	}
}
