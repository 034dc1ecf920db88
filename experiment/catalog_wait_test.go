package experiment

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data/duckdb"
)

// TestHoldRunCatalogHelper is not a test: run by TestRunWaitsForCatalog
// in a child process (DuckDB's lock is per process), it opens the catalog
// named by DIVERGENCE_TEST_HOLD_RUN_CATALOG, as an import writing it does
// (or, with DIVERGENCE_TEST_HOLD_RUN_CATALOG_RO set, to read, as a run
// does), says "held", and keeps it open until its stdin closes.
func TestHoldRunCatalogHelper(t *testing.T) {
	path := os.Getenv("DIVERGENCE_TEST_HOLD_RUN_CATALOG")
	if path == "" {
		t.Skip("helper process only")
	}
	c, err := duckdb.OpenCatalogWith(context.Background(), path, duckdb.CatalogOptions{ReadOnly: os.Getenv("DIVERGENCE_TEST_HOLD_RUN_CATALOG_RO") != ""})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	c.Close()
}

// holdRunCatalog starts a child process holding path (to read only, with
// readOnly); release closes it.
func holdRunCatalog(t *testing.T, path string, readOnly bool) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldRunCatalogHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DIVERGENCE_TEST_HOLD_RUN_CATALOG="+path)
	if readOnly {
		cmd.Env = append(cmd.Env, "DIVERGENCE_TEST_HOLD_RUN_CATALOG_RO=1")
	}
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: %q, %v", line, err)
	}
	var once sync.Once
	release = func() { once.Do(func() { in.Close(); cmd.Wait() }) }
	t.Cleanup(release)
	return release
}

// A run whose data.catalog another process holds (an import writing it)
// waits for it as the run's --wait says, saying so, and stops on an
// interrupt: it waited the catalog's default 10 s whatever --wait said, in
// silence, deaf to the context, and then told to "wait longer (--wait)".
func TestRunWaitsForCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	dailyCSV(t, dir, "XYZ", "2024-01-01", 30, func(k int) float64 { return 100 + float64(k%5) })
	cat, err := duckdb.OpenCatalog(filepath.Join(dir, "cat.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Import(context.Background(), []string{filepath.Join(dir, "prices", "XYZ.csv")}, duckdb.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	cat.Close()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "x"
[data]
catalog = "cat.duckdb"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["XYZ"]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// The default wait is 10 s: each case ends well inside it when the
	// run follows its own wait (or its context), and only past it if not.
	const within = 5 * time.Second
	for _, c := range []struct {
		name    string
		wait    bool
		upTo    time.Duration
		cancel  time.Duration // cancel the run's context after this; 0 never
		release time.Duration // release the catalog after this; 0 never
		busy    bool          // the run fails with duckdb.ErrCatalogBusy
		reader  bool          // the holder reads the catalog, as another run does
	}{
		{name: "--wait 300ms gives up after it", wait: true, upTo: 300 * time.Millisecond, busy: true},
		{name: "an interrupt ends the wait", wait: true, cancel: 300 * time.Millisecond},
		{name: "no --wait: default wait, said", release: time.Second},
		// Another run (a shard) reading the catalog is no reason to wait:
		// each run held it in turn, and the second failed.
		{name: "another run reading it: no wait", wait: true, upTo: 300 * time.Millisecond, reader: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			release := holdRunCatalog(t, filepath.Join(dir, "cat.duckdb"), c.reader)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.cancel > 0 {
				time.AfterFunc(c.cancel, cancel)
			}
			if c.release > 0 {
				time.AfterFunc(c.release, release)
			}
			var mu sync.Mutex
			var said []string
			start := time.Now()
			_, err := Run(ctx, f, Options{Out: filepath.Join(t.TempDir(), "out"), Workers: 1, Version: "test",
				Wait: c.wait, WaitUpTo: c.upTo, Waiting: func(s string) { mu.Lock(); said = append(said, s); mu.Unlock() }})
			took := time.Since(start)
			release()
			if took > within {
				t.Errorf("the run took %v, want under %v (it ignored its wait or its context): %v", took, within, err)
			}
			switch {
			case c.busy:
				if !errors.Is(err, duckdb.ErrCatalogBusy) || !strings.Contains(err.Error(), "waited 300ms") {
					t.Errorf("err = %v, want the catalog busy after waiting 300ms", err)
				}
			case c.cancel > 0:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case c.reader:
				if len(said) != 0 {
					t.Errorf("said %q, want nothing (no wait)", said)
				}
			case len(said) != 1 || !strings.Contains(said[0], "cat.duckdb is held by"):
				t.Errorf("said %q, want one line naming the catalog and its holder", said)
			}
		})
	}
}

// How long a run waits for its catalog, by --wait.
func TestCatalogWaitOptions(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Options
		want time.Duration
	}{
		{"no --wait: the catalog's default", Options{}, 0},
		{"--wait: as long as it takes", Options{Wait: true}, duckdb.WaitForever},
		{"--wait 30s", Options{Wait: true, WaitUpTo: 30 * time.Second}, 30 * time.Second},
		// --wait=0 is "not at all" on every command: it waited 10 s.
		{"--wait=0: not at all", Options{NoWait: true}, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.opt.catalogWait().Wait; got != c.want {
				t.Errorf("wait %v, want %v", got, c.want)
			}
		})
	}
}
