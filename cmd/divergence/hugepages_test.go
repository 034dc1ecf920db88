package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHugePagesEnv: DIVERGENCE_HUGEPAGES takes "off" or nothing; any
// other value is an error naming the variable and its one value, before
// any command runs (the program, built, exits 1 with it).
func TestHugePagesEnv(t *testing.T) {
	for _, env := range []string{"", "off"} {
		for _, args := range [][]string{nil, {"version"}, {"metrics", "x.csv"}} {
			if err := hugePages(env, args); err != nil {
				t.Errorf("hugePages(%q, %q) = %v, want nil", env, args, err)
			}
		}
	}
	for _, env := range []string{"on", "0", "OFF", "false"} {
		err := hugePages(env, []string{"version"})
		if err == nil || !strings.Contains(err.Error(), "DIVERGENCE_HUGEPAGES=\""+env+"\"") || !strings.Contains(err.Error(), "the one value it takes is off") {
			t.Errorf("hugePages(%q) = %v, want the variable, its value and its one value named", env, err)
		}
	}
	bin, err := shardBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, "version")
	c.Env = append(os.Environ(), "DIVERGENCE_HUGEPAGES=yes")
	out, err := c.CombinedOutput()
	if code := c.ProcessState.ExitCode(); err == nil || code != 1 || !strings.Contains(string(out), `divergence: DIVERGENCE_HUGEPAGES="yes": the one value it takes is off`) {
		t.Errorf("DIVERGENCE_HUGEPAGES=yes divergence version: exit %d, %q; want exit 1 naming the variable", code, out)
	}
	c = exec.Command(bin, "version")
	c.Env = append(os.Environ(), "DIVERGENCE_HUGEPAGES=off")
	if out, err := c.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "divergence ") {
		t.Errorf("DIVERGENCE_HUGEPAGES=off divergence version: %v, %q", err, out)
	}
}
