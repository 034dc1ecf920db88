//go:build duckdb_arrow && unix

package resultsdb

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	goduckdb "github.com/duckdb/duckdb-go/v2"
)

// holdDatabase, set in the environment of this test binary run as a
// child, names a database file the child opens, says "open" on stdout,
// and holds until its stdin closes: a build of another process, running.
const holdDatabase = "DIVERGENCE_TEST_HOLD_DATABASE"

func TestMain(m *testing.M) {
	if path := os.Getenv(holdDatabase); path != "" {
		c, err := goduckdb.NewConnector(path, nil)
		if err == nil {
			db := sql.OpenDB(c)
			if _, err = db.Exec("CREATE TABLE t AS SELECT 1 AS x"); err == nil {
				fmt.Println("open")
				bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes it
			}
			db.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A build killed mid-way leaves its hidden temporary database (and its
// .wal) in the folder; the next build of that database removes them,
// but not the temporary database of a build another process is running
// (it holds the file open), nor a file of another name.
func TestBuildRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	benchFolder(t, dir, 2, 10)
	dead := filepath.Join(dir, "."+File+".tmp-111")
	other := filepath.Join(dir, ".other.duckdb.tmp-222")
	for _, p := range []string{dead, dead + ".wal", other} {
		if err := os.WriteFile(p, []byte("left by a killed build"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	live := filepath.Join(dir, "."+File+".tmp-333")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command(self, "-test.run", "^$")
	child.Env = append(os.Environ(), holdDatabase+"="+live)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "open\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	if err := Write(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, dead + ".wal"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", filepath.Base(p), err)
		}
	}
	for _, p := range []string{live, other, filepath.Join(dir, File)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
}
