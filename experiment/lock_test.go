package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results"
)

func loadSmall(t *testing.T) *File {
	t.Helper()
	f, err := Load("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Two runs into one --out: while the first runs (it is inside its
// Progress callback), the second fails at once naming the first's
// holder text, and leaves nothing behind; the first completes.
func TestConcurrentRunsIntoOneFolder(t *testing.T) {
	out := t.TempDir()
	var once sync.Once
	var second error
	first := Options{Out: out, Workers: 1, Holder: "pid 1, started 2025-01-01T00:00:00Z, divergence run small.toml",
		Progress: func(int, int) {
			once.Do(func() {
				_, second = Run(context.Background(), loadSmall(t), Options{Out: out, Workers: 1, Holder: "pid 2"})
			})
		}}
	o, err := Run(context.Background(), loadSmall(t), first)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	var le *LockedError
	if !errors.As(second, &le) {
		t.Fatalf("second run: %v, want a LockedError", second)
	}
	if le.Dir != o.Dir || !strings.Contains(second.Error(), "is being written by pid 1, started 2025-01-01T00:00:00Z, divergence run small.toml") {
		t.Errorf("second run's error: %v", second)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	// The lock is free again, its holder text cleared.
	l, err := LockDir(context.Background(), out, results.Slug(loadSmall(t).Name), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
}

// With Wait, the second run waits for the first's lock instead.
func TestRunWaitsForTheLock(t *testing.T) {
	out := t.TempDir()
	f := loadSmall(t)
	l, err := LockDir(context.Background(), out, results.Slug(f.Name), "pid 1, a test", nil)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		close(released)
		l.Release()
	}()
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 1, Wait: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-released:
	default:
		t.Fatal("the run did not wait for the lock")
	}
	// A wait ends with its context.
	l, _ = LockDir(context.Background(), out, results.Slug(f.Name), "pid 1", nil)
	defer l.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, f, Options{Out: out, Wait: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// The leftovers of runs killed mid-way (a .tmp- folder whose lock nobody
// holds) are removed by the next run into the folder, each with a note;
// those of a run that is alive stay; an .old- folder whose results
// folder is missing (killed between the renames) is put back.
func TestDeadRunsLeftoversCleaned(t *testing.T) {
	out := t.TempDir()
	f := loadSmall(t)
	slug := results.Slug(f.Name)
	mk := func(name string) {
		if err := os.MkdirAll(filepath.Join(out, name, "runs", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name, "runs", "x", "equity.csv"), []byte("time,equity\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("." + slug + ".tmp-123") // this experiment's, killed
	mk(".other.tmp-456")        // another experiment's, killed
	mk(".busy.tmp-789")         // another experiment's, running
	mk(".gone.old-1")           // another's previous results, between renames
	mk(".trash-5")              // a cleaner that stopped
	mk("keep")                  // not a run's
	busy, err := LockDir(context.Background(), out, "busy", "pid 3", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Release()
	var notes []string
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 1, Note: func(s string) { notes = append(notes, s) }}); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if want := []string{".busy.tmp-789", "gone", "keep", slug}; !slices.Equal(names, want) {
		t.Errorf("folders %q, want %q", names, want)
	}
	slices.Sort(notes)
	if len(notes) != 3 || !strings.HasPrefix(notes[1], "removed "+filepath.Join(out, "."+slug+".tmp-123")+" (12 B), left by a run that is no longer running") ||
		!strings.HasPrefix(notes[0], "removed "+filepath.Join(out, ".other.tmp-456")) || !strings.HasPrefix(notes[2], "restored "+filepath.Join(out, "gone")) {
		t.Errorf("notes %q", notes)
	}
}

func TestLeftoverNames(t *testing.T) {
	for _, tc := range []struct {
		name, slug, kind string
	}{
		{".small-synthetic.tmp-123", "small-synthetic", "tmp"},
		{".a-b.old-9", "a-b", "old"},
		{".a.b.tmp-1", "", ""}, // not a slug
		{"a.tmp-1", "", ""},
		{".tmp-1", "", ""},
		{".x.lock", "", ""},
		{".results.duckdb.tmp-5", "", ""},
	} {
		s, k, ok := leftover(tc.name)
		if s != tc.slug || k != tc.kind || ok != (tc.slug != "") {
			t.Errorf("%s: %q %q %v", tc.name, s, k, ok)
		}
	}
}

// Two experiment names that make one folder name: the second does not
// replace the first's results; a folder that is not a results folder is
// never replaced either.
func TestFolderOfAnotherExperimentNotReplaced(t *testing.T) {
	out := t.TempDir()
	f := loadSmall(t)
	f.Name = "A/B"
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	g := loadSmall(t)
	g.Name = "a b"
	_, err := Run(context.Background(), g, Options{Out: out, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), `a-b holds the results of experiment "A/B"; "a b" maps to the same folder name`) {
		t.Fatalf("got %v", err)
	}
	// A rerun of the same experiment replaces its results.
	if _, err := Run(context.Background(), f, Options{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	// A folder of the user's own with the slug's name.
	mine := filepath.Join(out, "notes")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "todo.txt"), []byte("x"), 0o644)
	h := loadSmall(t)
	h.Name = "Notes"
	_, err = Run(context.Background(), h, Options{Out: out, Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "notes exists and is not an experiment's results") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(mine, "todo.txt")); err != nil {
		t.Fatal(err)
	}
}

// With Hold the lock outlives Run until Release.
func TestHoldKeepsTheLock(t *testing.T) {
	out := t.TempDir()
	f := loadSmall(t)
	o, err := Run(context.Background(), f, Options{Out: out, Workers: 1, Hold: true, Holder: "pid 7, the report"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDir(context.Background(), out, results.Slug(f.Name), "", nil); err == nil || !strings.Contains(err.Error(), "pid 7, the report") {
		t.Fatalf("got %v", err)
	}
	o.Release()
	l, err := LockDir(context.Background(), out, results.Slug(f.Name), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
}
