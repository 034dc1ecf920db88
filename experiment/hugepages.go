package experiment

import (
	"os"
	"strconv"
	"strings"
)

// hugePageSize is the huge page HugePages asks for: 2 MiB, the PMD size
// of x86-64 and of arm64 with 4 KiB pages. Elsewhere (arm64 with 64 KiB
// pages: 512 MiB) the first touch of a page would make that much
// resident, and nothing is asked.
const hugePageSize = 2 << 20

// hugePagesWanted decides from GODEBUG's value, the contents of
// /sys/kernel/mm/transparent_hugepage/enabled and hpage_pmd_size,
// /proc/sys/vm/overcommit_memory and /proc/meminfo ("" when unreadable),
// and whether the process has an address-space limit (RLIMIT_AS or
// RLIMIT_DATA), the size of HugePages' reservation, or 0 and why none.
func hugePagesWanted(godebug, thp, pmdSize, overcommit, meminfo string, limited bool) (int, string) {
	// The runtime's settings under which the reservation would be
	// written or would not serve: disablethp (no huge pages asked),
	// clobberfree (freed memory written: the 4 GiB, 8 s at start),
	// harddecommit (released memory remapped, its advice lost), efence
	// (freed memory never reused).
	for _, k := range []string{"disablethp", "clobberfree", "harddecommit", "efence"} {
		if godebugValue(godebug, k) != 0 {
			return 0, "GODEBUG has " + k
		}
	}
	switch mode := thpMode(thp); mode {
	case "madvise":
	case "":
		return 0, "no transparent huge pages on this system"
	default:
		return 0, "transparent huge pages are " + mode + " here"
	}
	if s := strings.TrimSpace(pmdSize); s != strconv.Itoa(hugePageSize) {
		return 0, "huge pages of " + strconv.Quote(s) + " bytes here, not 2 MiB"
	}
	switch strings.TrimSpace(overcommit) {
	case "0", "1":
	case "2":
		return 0, "strict overcommit (vm.overcommit_memory 2)"
	default:
		return 0, "the overcommit setting is unknown"
	}
	if limited {
		return 0, "the process's address space is limited (ulimit -v or -d)"
	}
	n := hugeReserve(meminfo)
	if n == 0 {
		return 0, "the machine's memory is unknown or under 16 MiB"
	}
	return n, "transparent huge pages on request"
}

// hugePagesHere is hugePagesWanted on this machine's settings (the
// files it names), given GODEBUG's value and whether the address space
// is limited.
func hugePagesHere(godebug string, limited bool) (int, string) {
	return hugePagesWanted(godebug, readSmall("/sys/kernel/mm/transparent_hugepage/enabled"),
		readSmall("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"),
		readSmall("/proc/sys/vm/overcommit_memory"), readSmall("/proc/meminfo"), limited)
}

// godebugValue is the value GODEBUG gives the runtime's setting key, as
// the runtime reads it at start (runtime.parsegodebug): fields split at
// commas, left to right, a later value replacing an earlier one; a
// field without "=" or whose value is not a 32-bit decimal integer is
// ignored; nothing is trimmed. 0 when unset.
func godebugValue(godebug, key string) int64 {
	var v int64
	for field := range strings.SplitSeq(godebug, ",") {
		k, val, ok := strings.Cut(field, "=")
		if !ok || k != key {
			continue
		}
		if n, err := strconv.ParseInt(val, 10, 32); err == nil {
			v = n
		}
	}
	return v
}

// readSmall is the content of a small system file, "" when it cannot be
// read.
func readSmall(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// thpMode is the bracketed word of the THP setting ("always [madvise]
// never": madvise), "" when there is none.
func thpMode(s string) string {
	i := strings.IndexByte(s, '[')
	j := strings.IndexByte(s, ']')
	if i < 0 || j < i {
		return ""
	}
	return s[i+1 : j]
}

// hugeReserve is the size of HugePages' reservation: 4 GiB, or a
// quarter of MemTotal in /proc/meminfo if less (the heuristic overcommit
// refuses a mapping larger than the machine's memory), whole huge
// pages; 0 when MemTotal is missing or under 16 MiB.
//
// The runtime's bookkeeping of the reserved addresses costs at start
// about 4 ms and 1 MB resident a GiB (measured with 1/4 to 8 GiB); 4 GiB
// covers two years of one-minute bars of 20 instruments (12.5M bars,
// peak 1.29 GB): 5.67–7.10 s a run against 6.68–8.06 s with 1 GiB and
// 8.92–10.50 s without (two interleaved rounds), where ten starts of a
// command cost 0.62 s against 0.52 s with 1 GiB.
func hugeReserve(meminfo string) int {
	const most = 4 << 30
	for line := range strings.Lines(meminfo) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb < 16<<10 {
				return 0
			}
			return int(min(most>>10, kb/4)<<10) &^ (hugePageSize - 1)
		}
	}
	return 0
}
