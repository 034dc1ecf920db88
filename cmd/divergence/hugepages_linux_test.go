package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHugePagesGODEBUG: the program passes GODEBUG on to
// experiment.HugePages, which declines under clobberfree (the runtime
// writes freed memory): a command that asks for huge pages stays small,
// where the reservation asked for and freed made 4.2 GB resident in 8 s.
func TestHugePagesGODEBUG(t *testing.T) {
	bin, err := shardBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, "db", filepath.Join(t.TempDir(), "missing"))
	c.Env = append(os.Environ(), "GODEBUG=clobberfree=1", hugePagesEnv+"=on")
	out, _ := c.CombinedOutput()
	ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no resource usage of the child")
	}
	if ru.Maxrss > 512<<10 || !strings.Contains(string(out), "no such folder") {
		t.Errorf("GODEBUG=clobberfree=1 divergence db: %q, peak %d kB; want the folder's error, under 512 MiB", out, ru.Maxrss)
	}
}
