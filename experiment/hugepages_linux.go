//go:build linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64)

package experiment

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// HugePages asks Linux for transparent huge pages (2 MiB, one page fault
// where 4 KiB pages take 512) on the first addresses the Go heap grows
// into, where the kernel gives them only on request (THP in "madvise"
// mode, the default of Debian and Ubuntu; the Go runtime asks for none).
// A run's memory is mostly columns of millions of values written once,
// and a fresh process pays a page fault for each page it first touches:
// about 10 µs a 4 KiB page on the benchmark machine (a VM whose freed
// memory goes back to its host), 1.0 s for the 349 MB of 6.23M bars'
// columns against 0.05–0.7 s in huge pages
// (BenchmarkCommandHugePages measures the program with and without).
//
// It reserves the heap's next addresses with one large allocation,
// advises them MADV_HUGEPAGE, and frees them (debug.FreeOSMemory): the
// allocations that follow reuse those addresses, lowest first. The
// reservation is 4 GiB or a quarter of the machine's memory if less
// (hugeReserve); the heap beyond it has 4 KiB pages as before. It is
// allocated without being cleared (uncleared), so nothing of it becomes
// resident but the page of its first byte; were it written all the
// same, the resident set would grow by it, and that is an error.
//
// Nothing is asked (false and why, no error) in a race-detector,
// sanitizer or valgrind build (their runtime tracks the reservation's
// memory), where godebug (GODEBUG's value, which the caller reads) has
// disablethp, clobberfree, harddecommit or efence (hugePagesWanted),
// where THP is "always" (the heap has them already) or "never", its
// huge pages are not 2 MiB, the overcommit is strict
// (vm.overcommit_memory 2: the reservation would count against the
// commit limit) or unknown, or the address space is limited (RLIMIT_AS
// or RLIMIT_DATA: the heap keeps what it reserved). It reports whether
// it asked and why (or why not).
//
// Call it first thing in the process (the program does with
// DIVERGENCE_HUGEPAGES=on), where the heap is small: each call
// collects it. Advised memory is THP's as the kernel runs it: a fault
// may compact memory to find a huge page (defrag "madvise"), and
// khugepaged may gather pages the Go scavenger returned back into a
// huge page (max_ptes_none), so the resident set can exceed what the
// runtime counts (the Go runtime asks for none for those reasons); and
// on a VM whose freed memory goes back to its host a huge page's first
// touch can cost more than its 512 small pages: the program asks only
// when told to.
func HugePages(godebug string) (bool, string, error) {
	if sanitized {
		// A race build's allocation and free of 4 GiB: 2.1 GB resident, 6.4 s.
		return false, "a race-detector, sanitizer or valgrind build (its runtime would track the reservation's memory)", nil
	}
	n, why := hugePagesHere(godebug, addressLimited())
	if n == 0 {
		return false, why, nil
	}
	// The reservation is allocated uncleared: a make([]byte, n) is
	// cleared, all 4 GiB of it written, wherever any of its pages had
	// been used and not yet released, which the heap's history decides
	// (seen in a test's child process given 64 MiB written and freed,
	// and once in CI on a second call, even with the heap's free pages
	// released before it).
	before := residentBytes()
	b := uncleared(n)
	grew := residentBytes() - before
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (p+hugePageSize-1)&^(hugePageSize-1), (p+uintptr(len(b)))&^(hugePageSize-1) // the whole huge pages inside
	var err error
	if lo < hi {
		err = syscall.Madvise(b[lo-p:hi-p], syscall.MADV_HUGEPAGE)
	}
	b = nil
	// The reservation goes back now, collected and its pages released:
	// neither the collector's goal nor a memory limit counts it.
	debug.FreeOSMemory()
	// The runtime's own bookkeeping is about 1 MiB a GiB; a reservation
	// written would be resident whole.
	if grew > int64(n/100) {
		return false, why, fmt.Errorf("the %d MiB reservation was written (%d MiB resident)", n>>20, grew>>20)
	}
	if err != nil {
		return false, why, fmt.Errorf("madvise: %w", err)
	}
	return true, why, nil
}

// uncleared allocates at least n bytes the runtime does not clear (a
// strings.Builder grows its buffer so, through the runtime's
// MakeNoZero): fresh or released pages read zero (released with the
// default GODEBUG madvdontneed=1), others what they held. Only its
// first byte is written, to find it. That the growth is not cleared is
// the runtime's behaviour (Go 1.21 on), not a documented promise:
// TestHugePagesAdvisesHeap checks it at each Go version.
func uncleared(n int) []byte {
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteByte(0)
	return unsafe.Slice(unsafe.StringData(sb.String()), sb.Cap())
}

// residentBytes is the process's resident set (/proc/self/statm), 0
// when unknown.
func residentBytes() int64 {
	f := strings.Fields(readSmall("/proc/self/statm"))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// addressLimited reports whether the process's address space or data
// segment is limited (ulimit -v or -d, set by some clusters' jobs).
func addressLimited() bool {
	for _, r := range []int{syscall.RLIMIT_AS, syscall.RLIMIT_DATA} {
		var l syscall.Rlimit
		if err := syscall.Getrlimit(r, &l); err != nil || l.Cur != ^uint64(0) {
			return true
		}
	}
	return false
}
