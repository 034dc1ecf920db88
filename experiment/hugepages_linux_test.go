//go:build linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64)

package experiment

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// hugePagesChild, set in the environment of this test binary run as a
// child, makes TestHugePagesAdvisesHeap check the heap of that fresh
// process (a test process's heap holds the free memory of the tests
// before it, where a new allocation may land instead): "on" calls
// HugePages first, "none" does not.
const hugePagesChild = "DIVERGENCE_TEST_HUGEPAGES_CHILD"

// TestHugePagesAdvisesHeap: after HugePages, a 64 MiB column allocated
// by the program lies in memory advised for huge pages (the mapping's
// VmFlags in /proc/self/smaps hold "hg"); without the call it does not.
// Whether the kernel then finds free 2 MiB pages for it is the
// machine's state, reported, not checked. Skipped where HugePages would
// not advise (THP not in madvise mode, strict overcommit).
func TestHugePagesAdvisesHeap(t *testing.T) {
	if mode := os.Getenv(hugePagesChild); mode != "" {
		if mode == "on" {
			if ok, why := HugePages(); !ok {
				t.Fatalf("HugePages did not advise: %s", why)
			}
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
	if ok, why := hugePagesHere(); !ok {
		t.Skip(why)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"on", "none"} {
		c := exec.Command(self, "-test.run", "^TestHugePagesAdvisesHeap$", "-test.v")
		c.Env = append(os.Environ(), hugePagesChild+"="+mode)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", mode, err, out)
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
