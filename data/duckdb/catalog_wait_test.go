package duckdb

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// TestHoldCatalogHelper is not a test: run by TestCatalogWaitsForHolder
// in a child process (DuckDB's lock is per process), it opens the catalog
// named by DIVERGENCE_TEST_HOLD_CATALOG (to read only, with
// DIVERGENCE_TEST_HOLD_CATALOG_RO set), says "held", and keeps it open
// until its stdin closes.
func TestHoldCatalogHelper(t *testing.T) {
	path := os.Getenv("DIVERGENCE_TEST_HOLD_CATALOG")
	if path == "" {
		t.Skip("helper process only")
	}
	c, err := OpenCatalogWith(context.Background(), path, CatalogOptions{ReadOnly: os.Getenv("DIVERGENCE_TEST_HOLD_CATALOG_RO") != ""})
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	c.Close()
}

// holdCatalog starts a child process holding path; release closes it.
func holdCatalog(t *testing.T, path string) (pid int, release func()) {
	t.Helper()
	return holdCatalogAs(t, path, false)
}

// holdCatalogAs is holdCatalog, the child reading only with readOnly.
func holdCatalogAs(t *testing.T, path string, readOnly bool) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldCatalogHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DIVERGENCE_TEST_HOLD_CATALOG="+path)
	if readOnly {
		cmd.Env = append(cmd.Env, "DIVERGENCE_TEST_HOLD_CATALOG_RO=1")
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
	done := false
	release = func() {
		if !done {
			done = true
			in.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return cmd.Process.Pid, release
}

// A reader of a catalog another process holds waits for it (bounded),
// saying so once, instead of failing with DuckDB's lock error; past the
// wait, the error names the file and the holder's PID.
func TestCatalogWaitsForHolder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.duckdb")
	c, err := OpenCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	ctx := context.Background()

	pid, release := holdCatalog(t, path)
	pidText := "PID " + strconv.Itoa(pid)
	// A short wait: refused after it, naming the file and the holder.
	_, err = OpenCatalogWith(ctx, path, CatalogOptions{Wait: 300 * time.Millisecond})
	if !errors.Is(err, ErrCatalogBusy) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), pidText) || !strings.Contains(err.Error(), "waited 300ms") {
		t.Fatalf("short wait: %v", err)
	}
	// No wait at all.
	if _, err = OpenCatalogWith(ctx, path, CatalogOptions{Wait: -1}); !errors.Is(err, ErrCatalogBusy) || !strings.Contains(err.Error(), "waited 0s") {
		t.Fatalf("no wait: %v", err)
	}
	// A long enough wait: the holder lets go after ~700 ms and the open
	// succeeds; the message came once, naming the holder.
	var msgs []string
	go func() {
		time.Sleep(700 * time.Millisecond)
		release()
	}()
	c, err = OpenCatalogWith(ctx, path, CatalogOptions{Wait: 10 * time.Second, Waiting: func(m string) { msgs = append(msgs, m) }})
	if err != nil {
		t.Fatalf("long wait: %v", err)
	}
	defer c.Close()
	if len(msgs) != 1 || !strings.Contains(msgs[0], pidText) || !strings.Contains(msgs[0], "waiting up to 10s") {
		t.Errorf("waiting messages: %q", msgs)
	}
	if _, err := c.List(ctx); err != nil {
		t.Error(err)
	}
	// Waiting as long as it takes: the holder lets go after ~300 ms.
	c.Close()
	pid, release = holdCatalog(t, path)
	msgs = nil
	go func() {
		time.Sleep(300 * time.Millisecond)
		release()
	}()
	c, err = OpenCatalogWith(ctx, path, CatalogOptions{Wait: WaitForever, Waiting: func(m string) { msgs = append(msgs, m) }})
	if err != nil {
		t.Fatalf("wait as long as it takes: %v", err)
	}
	c.Close()
	if want := "PID " + strconv.Itoa(pid) + "); waiting until it is free"; len(msgs) != 1 || !strings.Contains(msgs[0], want) {
		t.Errorf("waiting messages: %q, want one containing %q", msgs, want)
	}
}

// TestWaitText: the waiting line says the bound, or that it waits until
// the catalog is free.
func TestWaitText(t *testing.T) {
	for d, want := range map[time.Duration]string{10 * time.Second: "up to 10s", 1500 * time.Millisecond: "up to 1.5s", WaitForever: "until it is free"} {
		if got := waitText(d); got != want {
			t.Errorf("waitText(%v) = %q, want %q", d, got, want)
		}
	}
}

// Readers of a catalog (runs, shards, data list) open it read-only and
// share it: a second reader does not wait for the first, as it did when
// each opened it to write; an import (a writer) still waits for them. A
// file not yet a catalog of this layout is opened to write, as before.
func TestCatalogReadersShare(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "XYZ.csv")
	// Two bars: the catalog holds XYZ with 2 rows.
	if err := os.WriteFile(csvPath, []byte("date,open,high,low,close\n2024-01-02,10,11,9,10.5\n2024-01-03,10.5,12,10,11\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "c.duckdb")
	c, err := OpenCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Import(context.Background(), []string{csvPath}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	ctx := context.Background()
	_, release := holdCatalogAs(t, path, true)
	t.Run("a second reader opens at once", func(t *testing.T) {
		r, err := OpenCatalogWith(ctx, path, CatalogOptions{ReadOnly: true, Wait: -1})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		es, err := r.List(ctx)
		if err != nil || len(es) != 1 || es[0].Symbol != "XYZ" || es[0].Rows != 2 {
			t.Fatalf("List = %+v, %v; want XYZ with 2 rows", es, err)
		}
		if _, err := r.Import(ctx, []string{csvPath}, ImportOptions{}); err == nil {
			t.Error("an import through a read-only catalog succeeded")
		}
	})
	t.Run("a writer waits for the readers", func(t *testing.T) {
		_, err := OpenCatalogWith(ctx, path, CatalogOptions{Wait: -1})
		if !errors.Is(err, ErrCatalogBusy) {
			t.Fatalf("err = %v, want ErrCatalogBusy", err)
		}
	})
	release()
	t.Run("an empty file: as opened to write", func(t *testing.T) {
		empty := filepath.Join(dir, "empty.duckdb")
		if err := os.WriteFile(empty, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, rw := OpenCatalogWith(ctx, empty, CatalogOptions{Wait: -1})
		_, ro := OpenCatalogWith(ctx, empty, CatalogOptions{ReadOnly: true, Wait: -1})
		if fmt.Sprint(ro) != fmt.Sprint(rw) {
			t.Errorf("read-only: %v\nto write: %v\nwant the same", ro, rw)
		}
	})
	// A catalog of an earlier version, without a column added since: its
	// instruments have no interval recorded, which Load detects from the
	// bars (XYZ's two, a day apart: 1d). Without notes it is brought up
	// to date (opened to write); without interval_ns only, read as it
	// stands (TestCatalogBeforeIntervalsReadAsItStands).
	for _, col := range []string{"notes", "interval_ns"} {
		t.Run("an older layout is brought up to date: no "+col, func(t *testing.T) {
			db, err := sql.Open("duckdb", path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec("ALTER TABLE instruments DROP COLUMN " + col)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			r, err := OpenCatalogWith(ctx, path, CatalogOptions{ReadOnly: true, Wait: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if es, err := r.List(ctx); err != nil || len(es) != 1 || es[0].Rows != 2 {
				t.Fatalf("List = %+v, %v; want XYZ with 2 rows", es, err)
			}
			p, err := r.Load(ctx, []string{"XYZ"})
			if err != nil || p.Series[0].Interval != data.Daily {
				t.Fatalf("Load: %v; want XYZ's interval 1d, detected", err)
			}
		})
	}
}

// A catalog of the version before instruments.interval_ns is read as it
// stands, not first brought up to date by a write: a reader may not
// write the file (a shared catalog), and another process reading it at
// once (here a child holding it read-only) kept it from writing it:
// ErrCatalogBusy. XYZ's two bars a day apart: 1d, detected.
func TestCatalogBeforeIntervalsReadAsItStands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "XYZ.csv")
	if err := os.WriteFile(csvPath, []byte("date,open,high,low,close\n2024-01-02,10,11,9,10.5\n2024-01-03,10.5,12,10,11\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "c.duckdb")
	c, err := OpenCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Import(context.Background(), []string{csvPath}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("ALTER TABLE instruments DROP COLUMN interval_ns")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	holdCatalogAs(t, path, true)
	r, err := OpenCatalogWith(ctx, path, CatalogOptions{ReadOnly: true, Wait: -1})
	if err != nil {
		t.Fatalf("a second reader of an earlier version's catalog: %v", err)
	}
	defer r.Close()
	es, err := r.List(ctx)
	if err != nil || len(es) != 1 || es[0].Rows != 2 || es[0].Interval != 0 {
		t.Fatalf("List = %+v, %v; want XYZ with 2 rows, no interval recorded", es, err)
	}
	p, err := r.Load(ctx, []string{"XYZ"})
	if err != nil || p.Series[0].Interval != data.Daily {
		t.Fatalf("Load: %v; want XYZ's interval 1d, detected", err)
	}
}
