package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
)

// A results folder given through a symlink (ln -s out/small-synthetic
// latest; divergence report latest) is read under the lock of the folder
// the link names, out/.small-synthetic.lock, which the run writing it
// holds: the readers took .latest.lock beside the link, which nobody
// else takes, and read the folder while the run replaced it. So did they
// when the link dangled, the run between its two renames.
func TestReadersThroughSymlinkWaitForTheRun(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	real, err := filepath.EvalSymlinks(dir) // the folder named in messages (TMPDIR may hold a link)
	if err != nil {
		t.Fatal(err)
	}
	links := t.TempDir()
	link := filepath.Join(links, "latest")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	// A relative link to a link: latest2 -> latest -> dir.
	link2 := filepath.Join(links, "latest2")
	if err := os.Symlink("latest", link2); err != nil {
		t.Fatal(err)
	}
	// The run: holding the real folder's lock, as Run does.
	run, err := experiment.LockDirUpTo(context.Background(), out, "small-synthetic", "pid 1, started 2026-01-01T00:00:00Z, divergence run x.toml", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Release()
	says := " is being written by pid 1, started 2026-01-01T00:00:00Z, divergence run x.toml"
	for _, l := range []string{link, link2} {
		for _, args := range [][]string{
			{"report", l},
			{"db", l},
			{"compare", l, "--out", filepath.Join(t.TempDir(), "c.csv")},
		} {
			t.Run(filepath.Base(l)+"/"+args[0], func(t *testing.T) {
				_, _, err := cli(t, args...)
				if err == nil {
					t.Fatalf("%s read %s while a run held %s", args[0], l, dir)
				}
				// Named as given, with the folder it leads to.
				if want := l + " (" + real + ")" + says; !strings.Contains(err.Error(), want) {
					t.Errorf("got %v\nwant it to say %q", err, want)
				}
			})
		}
	}
	// No lock file is made beside the link.
	if _, err := os.Lstat(filepath.Join(links, ".latest.lock")); err == nil {
		t.Errorf("a lock file was made beside the link")
	}
	// The run between its renames: the link dangles, the real folder's
	// lock is held; a reader is refused, not let through unlocked.
	if err := os.Rename(dir, dir+"-aside"); err != nil {
		t.Fatal(err)
	}
	l, err := lockResults(context.Background(), "report", link, []string{link}, &waitFlag{}, io.Discard)
	if err == nil {
		l.Release()
		t.Fatalf("report of a dangling link to a folder being replaced was let through")
	}
	if want := link + " (" + real + ")" + says; !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant it to say %q", err, want)
	}
}

// An --out inside a results folder given through a symlink (or inside
// it through a symlink) is refused as one inside the folder itself is:
// the paths were compared as written, so report latest --out
// out/small-synthetic/runs/page.html wrote into the run's folder.
func TestOutInsideResultsThroughSymlink(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report", "--no-db"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "small-synthetic")
	link := filepath.Join(t.TempDir(), "latest")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", link, "--out", filepath.Join(dir, "runs", "page.html")},
		{"report", dir, "--out", filepath.Join(link, "runs", "page.html")},
		{"compare", link, "--out", filepath.Join(dir, "equity.png")},
	} {
		t.Run(strings.Join(args[:2], " ")+" --out "+filepath.Base(args[3]), func(t *testing.T) {
			_, _, err := cli(t, args...)
			if err == nil || !strings.Contains(err.Error(), "inside the results folder") {
				t.Errorf("got %v, want --out refused as inside the results folder", err)
			}
		})
	}
	// The command's own file there is fine.
	if _, _, err := cli(t, "report", link, "--out", filepath.Join(dir, "report.html")); err != nil {
		t.Errorf("report through the link to its own file in the folder: %v", err)
	}
}
