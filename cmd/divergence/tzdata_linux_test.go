package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// tzChildEnv, set, makes TestNoHostTimeZones the child that runs the
// commands with the host's time-zone database hidden.
const tzChildEnv = "DIVERGENCE_TEST_NO_HOST_TZ"

// The program carries its own time-zone database (time/tzdata): New
// York's sessions decide an intraday market's equity bars and the bars a
// year of them holds. Without one, on a host with no /usr/share/zoneinfo
// (a slim container image, an HPC node without tzdata), `data synth
// --interval` and every synthetic intraday experiment failed ("unknown
// time zone America/New_York"), `--timezone America/New_York` was
// refused, and a run of 4-hour equity bars from 00:00 UTC silently took
// one season's count for both: 756 periods a year in place of 586.13, so
// its CAGR, volatility and Sharpe ratio changed with the machine.
//
// The test hides the host's zoneinfo folders (and Go's own copy under
// GOROOT) in a private mount namespace (unshare -m; skipped where that is
// not allowed) and runs the commands there, in a child of this test
// binary.
func TestNoHostTimeZones(t *testing.T) {
	if os.Getenv(tzChildEnv) != "" {
		testNoHostTimeZonesChild(t)
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
	// The bars a year of the run holds, with the host's time zones.
	want := fourHourPeriods(t)
	script := strings.Join(binds, " && ") + ` && exec "$0" -test.run '^TestNoHostTimeZones$' -test.v`
	probe := exec.Command(unshare, "-m", "sh", "-c", binds[0])
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("a private mount namespace is not allowed here: %v %s", err, out)
	}
	cmd := exec.Command(unshare, "-m", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), tzChildEnv+"="+want, "ZONEINFO=")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNoHostTimeZones") {
		t.Fatalf("with the host's time zones hidden: %v\n%s", err, out)
	}
}

func testNoHostTimeZonesChild(t *testing.T) {
	if _, err := os.Stat("/usr/share/zoneinfo/America/New_York"); err == nil {
		t.Fatal("the host's zoneinfo is still visible: the child tests nothing")
	}
	// The synthetic intraday market's New York sessions, and the bars a
	// year holds: the parent's figure, not one season's (756 = 252 × 3).
	if got, want := fourHourPeriods(t), os.Getenv(tzChildEnv); got != want {
		t.Errorf("periods_per_year of 4-hour equity bars: %s without the host's time zones, %s with them", got, want)
	}
	// An import's --timezone.
	dir := t.TempDir()
	if _, _, err := cli(t, "data", "synth", "--interval", "1h", "--days", "3", "--out", filepath.Join(dir, "syn")); err != nil {
		t.Fatalf("data synth --interval 1h: %v", err)
	}
	if _, _, err := cli(t, "data", "import", "--table", filepath.Join(dir, "syn", "bars.parquet"), "--symbols", "NVDA",
		"--timezone", "America/New_York", "--catalog", filepath.Join(dir, "c.duckdb")); err != nil {
		t.Fatalf("data import --timezone America/New_York: %v", err)
	}
}

// fourHourPeriods writes the synthetic market's 4-hour bars (from 00:00
// UTC: 3 bars a winter-time New York session, 2 a summer-time one), runs
// NVDA held over them and returns the run's periods_per_year as written.
func fourHourPeriods(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, _, err := cli(t, "data", "synth", "--interval", "4h", "--days", "200", "--out", filepath.Join(dir, "syn")); err != nil {
		t.Fatalf("data synth --interval 4h: %v", err)
	}
	exp := filepath.Join(dir, "x.toml")
	toml := "name = \"four hour\"\nseed = 1\ncash = 1000000.0\nstart = \"2025-01-01\"\n[data]\ntable = \"syn/bars.parquet\"\n" +
		"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"
	if err := os.WriteFile(exp, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "run", exp, "--out", filepath.Join(dir, "out"), "--quiet", "--no-report"); err != nil {
		t.Fatalf("run: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "four-hour", "runs", "hold", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"periods_per_year": ([0-9.]+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no periods_per_year in metrics.json:\n%s", b)
	}
	return string(m[1])
}
