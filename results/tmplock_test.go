//go:build unix

package results

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestHelperProcessWriting is not a test: run by TestRemoveLeftovers as
// another process, it writes $RESULTS_HELPER_PATH through WriteFileAtomic,
// says "writing" on stdout once the temporary file exists, and finishes
// when its stdin closes.
func TestHelperProcessWriting(t *testing.T) {
	path := os.Getenv("RESULTS_HELPER_PATH")
	if path == "" {
		t.Skip("run by TestRemoveLeftovers")
	}
	err := WriteFileAtomic(path, func(w io.Writer) error {
		os.Stdout.WriteString("writing\n")
		_, err := io.Copy(io.Discard, os.Stdin)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRemoveLeftovers: the temporary file of a killed write of a path is
// removed; one another process is writing now is not, and its write
// completes; nor is one changed in the last 10 s (a write that has not
// locked its file yet); files of other names are left.
func TestRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	dead := filepath.Join(dir, ".report.html.tmp-123")
	other := filepath.Join(dir, ".results.duckdb.tmp-9")
	fresh := filepath.Join(dir, ".report.html.tmp-456")
	old := time.Now().Add(-time.Minute)
	for _, p := range []string{dead, other, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		if p != fresh {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessWriting$")
	cmd.Env = append(os.Environ(), "RESULTS_HELPER_PATH="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "writing\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("helper: %q, %v", line, err)
	}
	live, _ := filepath.Glob(filepath.Join(dir, ".report.html.tmp-*"))
	live = slices.DeleteFunc(live, func(s string) bool { return s == dead || s == fresh })
	if len(live) != 1 {
		t.Fatalf("the helper's temporary file: %v", live)
	}
	removed := RemoveLeftovers(path)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("the live write failed after RemoveLeftovers: %v", err)
	}
	if !slices.Equal(removed, []string{dead}) {
		t.Errorf("removed %v, want [%s]", removed, dead)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("%s left (%v)", dead, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's leftover removed: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the live write's file: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".report.html.tmp-*")); !slices.Equal(left, []string{fresh}) {
		t.Errorf("left: %s, want the fresh one alone", strings.Join(left, ", "))
	}
}
