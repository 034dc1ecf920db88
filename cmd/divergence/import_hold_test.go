package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data/duckdb"
)

// TestHoldCatalogCmdHelper is not a test: run by TestImportReadsFirst in
// a child process (DuckDB's lock is per process), it opens the catalog
// named by DIVERGENCE_TEST_HOLD_CMD_CATALOG, as another import does, says
// "held", and keeps it open until its stdin closes.
func TestHoldCatalogCmdHelper(t *testing.T) {
	path := os.Getenv("DIVERGENCE_TEST_HOLD_CMD_CATALOG")
	if path == "" {
		t.Skip("helper process only")
	}
	c, err := duckdb.OpenCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	c.Close()
}

// An import reads and validates its files before it opens the catalog:
// a bad file is refused at once, naming its line, while another process
// holds the catalog; it waited the catalog's 10 s first, then failed for
// the busy catalog without a word of the file. (And the reading of a
// large import no longer holds the catalog from runs reading it.)
func TestImportReadsFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cat := filepath.Join(dir, "c.duckdb")
	good := filepath.Join(dir, "XYZ.csv")
	bad := filepath.Join(dir, "BAD.csv")
	if err := os.WriteFile(good, []byte("date,open,high,low,close\n2024-01-02,10,11,9,10.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Line 3 has a close of -1.
	if err := os.WriteFile(bad, []byte("date,open,high,low,close\n2024-01-02,1,1,1,1\n2024-01-03,1,1,1,-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "data", "import", good, "--catalog", cat); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldCatalogCmdHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DIVERGENCE_TEST_HOLD_CMD_CATALOG="+cat)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || strings.TrimSpace(line) != "held" {
		cmd.Process.Kill()
		t.Fatalf("helper: %q, %v", line, err)
	}
	start := time.Now()
	_, stderr, err := cli(t, "data", "import", bad, "--catalog", cat)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "BAD.csv:3") || errors.Is(err, duckdb.ErrCatalogBusy) {
		t.Errorf("err = %v, want BAD.csv:3's error", err)
	}
	if took > 5*time.Second || stderr != "" {
		t.Errorf("took %v, said %q: want the file's error at once, with no wait for the catalog", took, stderr)
	}
}
