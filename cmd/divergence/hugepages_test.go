package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHugePagesFor: huge pages are asked for the commands that read or
// write a run's data when DIVERGENCE_HUGEPAGES is on, never when it is
// unset or off; any other value is refused, naming the variable and the
// values it takes, whatever the command.
func TestHugePagesFor(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		args      []string
		want      bool
	}{
		{"run", "on", []string{"run", "x.toml"}, true},
		{"stress", "on", []string{"stress", "x.toml"}, true},
		{"data import", "on", []string{"data", "import", "x.csv"}, true},
		{"db", "on", []string{"db", "out"}, true},
		{"version", "on", []string{"version"}, false},
		{"metrics", "on", []string{"metrics", "r.csv"}, false},
		{"no command", "on", nil, false},
		{"unset", "", []string{"run", "x.toml"}, false},
		{"off", "off", []string{"run", "x.toml"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hugePagesFor(tc.env, tc.args)
			if err != nil || got != tc.want {
				t.Errorf("hugePagesFor(%q, %q) = %v, %v; want %v", tc.env, tc.args, got, err, tc.want)
			}
		})
	}
	for _, env := range []string{"1", "0", "OFF", "ON", "true", "false"} {
		got, err := hugePagesFor(env, []string{"version"})
		if got || err == nil || !strings.Contains(err.Error(), "DIVERGENCE_HUGEPAGES=\""+env+"\"") || !strings.Contains(err.Error(), "it takes on or off") {
			t.Errorf("hugePagesFor(%q) = %v, %v; want an error naming the variable, its value and the values it takes", env, got, err)
		}
	}
	bin, err := shardBinary()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, "version")
	c.Env = append(os.Environ(), "DIVERGENCE_HUGEPAGES=yes")
	out, err := c.CombinedOutput()
	if code := c.ProcessState.ExitCode(); err == nil || code != 1 || !strings.Contains(string(out), `divergence: DIVERGENCE_HUGEPAGES="yes": it takes on or off`) {
		t.Errorf("DIVERGENCE_HUGEPAGES=yes divergence version: exit %d, %q; want exit 1 naming the variable", code, out)
	}
}
