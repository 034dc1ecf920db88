//go:build linux && (amd64 || arm64 || ppc64le || s390x || riscv64 || loong64)

package experiment

import (
	"runtime"
	"syscall"
	"unsafe"
)

// HugePages asks Linux for transparent huge pages (2 MiB, one page fault
// where 4 KiB pages take 512) on the address space the Go heap grows
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
// advises them MADV_HUGEPAGE, and frees it: the pages are never touched
// (a fresh allocation is zero without a write), so nothing is resident,
// and the allocations that follow reuse those addresses, lowest first.
// The reservation is 1 GiB or a quarter of the machine's memory if
// less; the heap beyond it has 4 KiB pages as before. Nothing is done
// under strict overcommit (vm.overcommit_memory 2, where the
// reservation would count against the commit limit) or when THP is
// "always" (the heap has them already) or "never". It reports whether
// it advised, and why (or why not). Call it once, first thing in the
// process (the program does, unless DIVERGENCE_HUGEPAGES=off).
func HugePages() (bool, string) {
	ok, why := hugePagesHere()
	if !ok {
		return false, why
	}
	const h = 2 << 20 // a huge page
	b := make([]byte, hugeReserve(readSmall("/proc/meminfo")))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (p+h-1)&^(h-1), (p+uintptr(len(b)))&^(h-1) // the whole huge pages inside
	err := syscall.Madvise(b[lo-p:hi-p], syscall.MADV_HUGEPAGE)
	b = nil
	runtime.GC() // frees the reservation now: the collector's goal must not include it
	if err != nil {
		return false, "madvise: " + err.Error()
	}
	return true, why
}
