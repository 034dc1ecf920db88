package experiment

import (
	"os"
	"strconv"
	"strings"
)

// hugePagesHere decides whether HugePages advises the heap on this
// machine, and why (or why not).
func hugePagesHere() (bool, string) {
	return hugePagesWanted(readSmall("/sys/kernel/mm/transparent_hugepage/enabled"),
		readSmall("/proc/sys/vm/overcommit_memory"), readSmall("/proc/meminfo"))
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

// hugePagesWanted decides from the contents of
// /sys/kernel/mm/transparent_hugepage/enabled, /proc/sys/vm/overcommit_memory
// and /proc/meminfo ("" when unreadable) whether HugePages advises the
// heap, and why (or why not).
func hugePagesWanted(thp, overcommit, meminfo string) (bool, string) {
	switch mode := thpMode(thp); mode {
	case "madvise":
	case "":
		return false, "no transparent huge pages on this system"
	default:
		return false, "transparent huge pages are " + mode + " here"
	}
	if strings.TrimSpace(overcommit) == "2" {
		return false, "strict overcommit (vm.overcommit_memory 2)"
	}
	if hugeReserve(meminfo) == 0 {
		return false, "the machine's memory is unknown or under 16 MiB"
	}
	return true, "transparent huge pages on request"
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

// hugeReserve is the size of HugePages' reservation: 1 GiB, or a
// quarter of MemTotal in /proc/meminfo if less (the heuristic overcommit
// refuses a mapping larger than the machine's memory), whole huge
// pages; 0 when MemTotal is missing or under 16 MiB.
func hugeReserve(meminfo string) int {
	const most = 1 << 30
	for line := range strings.Lines(meminfo) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0
			}
			if kb < 16<<10 {
				return 0
			}
			return int(min(most, kb<<10/4)) &^ (2<<20 - 1)
		}
	}
	return 0
}
