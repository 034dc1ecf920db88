package experiment

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tzChildEnv, set, makes TestSessionStepsWithoutHostTimeZones the child
// that runs TestSessionSteps with the host's time-zone database hidden.
const tzChildEnv = "DIVERGENCE_TEST_NO_HOST_TZ"

// The package carries the time-zone database (time/tzdata) it reads New
// York's seasons from: a Go program using experiment on a host without
// /usr/share/zoneinfo (a slim container, an HPC node) took one season for
// both, and annualised a year of 4-hour equity bars on the UTC grid at
// 756 periods, not 591.86 (TestSessionSteps' figures, by hand there),
// without a word. The command carries it too, but a program of its own
// did not.
//
// The test hides the host's zoneinfo folders (and Go's own copy under
// GOROOT) in a private mount namespace (unshare -m; skipped where that is
// not allowed) and runs TestSessionSteps there, in a child of this test
// binary.
func TestSessionStepsWithoutHostTimeZones(t *testing.T) {
	if os.Getenv(tzChildEnv) != "" {
		if _, err := os.Stat("/usr/share/zoneinfo/America/New_York"); err == nil {
			t.Fatal("the host's zoneinfo is still visible: the child tests nothing")
		}
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare(1)")
	}
	empty := t.TempDir()
	var binds []string
	for _, dir := range []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo", filepath.Join(runtime.GOROOT(), "lib", "time")} {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			binds = append(binds, "mount --bind "+empty+" "+dir)
		}
	}
	if len(binds) == 0 {
		t.Skip("no time-zone folder to hide")
	}
	probe := exec.Command(unshare, "-m", "sh", "-c", binds[0])
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("a private mount namespace is not allowed here: %v %s", err, out)
	}
	script := strings.Join(binds, " && ") + ` && exec "$0" -test.run '^(TestSessionStepsWithoutHostTimeZones|TestSessionSteps)$' -test.v`
	cmd := exec.Command(unshare, "-m", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), tzChildEnv+"=1", "ZONEINFO=")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestSessionSteps ") || !strings.Contains(string(out), "--- PASS: TestSessionStepsWithoutHostTimeZones") {
		t.Fatalf("with the host's time zones hidden: %v\n%s", err, out)
	}
}
