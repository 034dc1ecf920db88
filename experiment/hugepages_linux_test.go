//go:build linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64)

package experiment

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// hugePagesChild, set in the environment of this test binary run as a
// child, makes TestHugePagesAdvisesHeap check the heap of that fresh
// process (a test process's heap holds the free memory of the tests
// before it, where a new allocation may land instead): "on" calls
// HugePages first, "none" does not, "twice" calls it twice, "dirty"
// calls it after 64 MiB were written and collected (free, not yet
// released: where the reservation may begin), "uncleared" checks the
// allocation HugePages reserves with.
const hugePagesChild = "DIVERGENCE_TEST_HUGEPAGES_CHILD"

// TestHugePagesAdvisesHeap: after HugePages, a 64 MiB column allocated
// by the program lies in memory advised for huge pages (the mapping's
// VmFlags in /proc/self/smaps hold "hg"); without the call it does not.
// The reservation is not written (HugePages fails if it grows the
// resident set by 1 %) when the heap holds 64 MiB written and freed,
// nor on a second call, given the first one's addresses: it is
// allocated uncleared, and an allocation of 64 MiB given the addresses
// of 64 MiB written and freed keeps what they held (a make clears
// them, and so it cleared the whole reservation once in CI: 4 GiB
// written in 16–31 s).
// Whether the kernel then finds free 2 MiB pages for it is the
// machine's state, reported, not checked. Skipped where HugePages would
// not advise (THP not in madvise mode, strict overcommit).
func TestHugePagesAdvisesHeap(t *testing.T) {
	if mode := os.Getenv(hugePagesChild); mode != "" {
		if mode == "uncleared" {
			// 64 MiB written 0xAA and freed, not released; the next
			// allocation of that size takes their addresses (the lowest
			// free range that fits, in a fresh heap), or most of them
			// (a small span may have taken their first pages).
			const size = 64 << 20
			x := make([]byte, size)
			for i := range x {
				x[i] = 0xAA
			}
			was := uintptr(unsafe.Pointer(&x[0]))
			x = nil
			runtime.GC()
			y := uncleared(size)
			at := uintptr(unsafe.Pointer(&y[0]))
			kept, overlap := 0, 0
			for i := 4096; i < size; i += 4096 { // y[0] is written
				if a := at + uintptr(i); a >= was && a < was+size {
					overlap++
					if y[i] == 0xAA {
						kept++
					}
				}
			}
			fmt.Printf("UNCLEARED %d of %d\n", kept, overlap)
			return
		}
		if mode == "dirty" {
			x := make([]byte, 64<<20)
			for i := range x {
				x[i] = 1
			}
			runtime.KeepAlive(x)
			x = nil
			runtime.GC()
		}
		if mode == "on" || mode == "twice" || mode == "dirty" {
			if ok, why, err := HugePages(""); !ok || err != nil {
				t.Fatalf("HugePages did not advise: %s, %v", why, err)
			}
		}
		if mode == "twice" {
			// The second reservation is given the first's addresses,
			// released: not cleared, not written.
			ok, _, err := HugePages("")
			fmt.Printf("SECOND %v %v\n", ok, err)
			return
		}
		col := make([]float64, 8<<20) // 64 MiB
		for i := range col {
			col[i] = float64(i)
		}
		flags, huge, err := vmaOf(uintptr(unsafe.Pointer(&col[len(col)/2])))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("VMFLAGS %s\nANONHUGE %d\n", flags, huge)
		return
	}
	if sanitized {
		// Checked by hand with go test -race: asking would make 2.1 GB
		// resident for 6.4 s.
		if ok, why, err := HugePages(""); ok || err != nil || !strings.Contains(why, "race-detector") {
			t.Fatalf("HugePages in a race build = %v, %q, %v; want false, the reason, no error", ok, why, err)
		}
		t.Skip("a race-detector or sanitizer build: HugePages asks for nothing")
	}
	if n, why := hugePagesHere("", addressLimited()); n == 0 {
		t.Skip(why)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"on", "none", "twice", "dirty", "uncleared"} {
		c := exec.Command(self, "-test.run", "^TestHugePagesAdvisesHeap$", "-test.v")
		// The runtime's settings are the test's: no GODEBUG (clobberfree
		// would write the freed 64 MiB), and for "uncleared" no
		// background release of the freed pages (GOGC off, no memory
		// limit: the scavenger's goals follow them).
		gogc := "GOGC=100"
		if mode == "uncleared" {
			gogc = "GOGC=off"
		}
		c.Env = []string{hugePagesChild + "=" + mode, "GODEBUG=", "GOMEMLIMIT=off", gogc}
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); k != hugePagesChild && k != "GODEBUG" && k != "GOMEMLIMIT" && k != "GOGC" {
				c.Env = append(c.Env, kv)
			}
		}
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", mode, err, out)
		}
		if mode == "uncleared" {
			// A cleared allocation keeps no 0xAA at all; one at other
			// addresses cannot tell.
			var kept, overlap int
			i := strings.Index(string(out), "UNCLEARED ")
			if i < 0 {
				t.Fatalf("child uncleared printed nothing:\n%s", out)
			}
			if _, err := fmt.Sscanf(string(out[i:]), "UNCLEARED %d of %d", &kept, &overlap); err != nil {
				t.Fatalf("child uncleared: %v\n%s", err, out)
			}
			t.Logf("uncleared: %d of the %d pages at the freed 64 MiB's addresses kept their bytes", kept, overlap)
			if overlap < 8192 {
				t.Errorf("the allocation took %d of the freed 64 MiB's 16,383 pages; cannot tell whether it was cleared", overlap)
			} else if kept < overlap/2 {
				t.Errorf("uncleared kept %d of %d pages written before: the allocation was cleared", kept, overlap)
			}
			continue
		}
		if mode == "twice" {
			if !strings.Contains(string(out), "SECOND true <nil>") {
				t.Errorf("a second HugePages: want advised, no error, child said:\n%s", out)
			}
			continue
		}
		var flags string
		huge := -1
		for line := range strings.Lines(string(out)) {
			if f, ok := strings.CutPrefix(line, "VMFLAGS "); ok {
				flags = strings.TrimSpace(f)
			}
			if f, ok := strings.CutPrefix(line, "ANONHUGE "); ok {
				huge, _ = strconv.Atoi(strings.TrimSpace(f))
			}
		}
		if flags == "" {
			t.Fatalf("child %s printed no VmFlags:\n%s", mode, out)
		}
		advised := strings.Contains(" "+flags+" ", " hg ")
		t.Logf("%s: VmFlags %s, AnonHugePages %d kB", mode, flags, huge)
		if mode == "dirty" {
			// What is checked is that HugePages did not fail (the child
			// would have): the reservation was not written. Where the
			// column lands depends on whether the freed 64 MiB sit at
			// the heap's top, which the runtime's own allocations
			// decide (under load, once, they did not).
			continue
		}
		if want := mode == "on"; advised != want {
			t.Errorf("%s: the column's mapping advised for huge pages = %v, want %v (VmFlags %s)", mode, advised, want, flags)
		}
	}
}

// vmaOf returns the VmFlags and AnonHugePages (kB) of the mapping of
// this process that holds address a, from /proc/self/smaps.
func vmaOf(a uintptr) (flags string, hugeKB int, err error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			lo, hi, ok := strings.Cut(fields[0], "-")
			l, err1 := strconv.ParseUint(lo, 16, 64)
			h, err2 := strconv.ParseUint(hi, 16, 64)
			if in {
				break // past the mapping
			}
			in = ok && err1 == nil && err2 == nil && uint64(a) >= l && uint64(a) < h
			continue
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			hugeKB, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			flags = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return "", 0, err
	}
	if flags == "" {
		return "", 0, fmt.Errorf("no mapping holds %#x in /proc/self/smaps", a)
	}
	return flags, hugeKB, nil
}
