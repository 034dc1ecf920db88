package experiment

import (
	"strings"
	"testing"
)

// TestHugePagesWanted: the reservation is asked only where THP is in
// madvise mode with 2 MiB pages, the overcommit is known and not strict,
// the address space is not limited and the machine's memory is known;
// each refusal says why.
func TestHugePagesWanted(t *testing.T) {
	const (
		madvise = "always [madvise] never\n"
		pmd     = "2097152\n"
		mem     = "MemTotal:       24683748 kB\nMemFree:        18569128 kB\n"
	)
	for _, tc := range []struct {
		name, godebug              string
		thp, pmd, overcommit, info string
		limited                    bool
		want                       int
		why                        string
	}{
		{"madvise", "", madvise, pmd, "0\n", mem, false, 4 << 30, "on request"},
		{"heuristic overcommit 1", "", madvise, pmd, "1\n", mem, false, 4 << 30, "on request"},
		{"always", "", "[always] madvise never\n", pmd, "0\n", mem, false, 0, "are always here"},
		{"never", "", "always madvise [never]\n", pmd, "0\n", mem, false, 0, "are never here"},
		{"no THP", "", "", pmd, "0\n", mem, false, 0, "no transparent huge pages"},
		{"512 MiB pages", "", madvise, "536870912\n", "0\n", mem, false, 0, `huge pages of "536870912" bytes`},
		{"page size unknown", "", madvise, "", "0\n", mem, false, 0, `huge pages of "" bytes`},
		{"strict overcommit", "", madvise, pmd, "2\n", mem, false, 0, "strict overcommit"},
		{"overcommit unknown", "", madvise, pmd, "", mem, false, 0, "overcommit setting is unknown"},
		{"address space limited", "", madvise, pmd, "0\n", mem, true, 0, "ulimit -v or -d"},
		{"no meminfo", "", madvise, pmd, "0\n", "", false, 0, "memory is unknown"},
		{"GODEBUG disablethp", "disablethp=1", madvise, pmd, "0\n", mem, false, 0, "GODEBUG has disablethp"},
		{"GODEBUG clobberfree", "gctrace=1,clobberfree=1", madvise, pmd, "0\n", mem, false, 0, "GODEBUG has clobberfree"},
		{"GODEBUG harddecommit", "harddecommit=1", madvise, pmd, "0\n", mem, false, 0, "GODEBUG has harddecommit"},
		{"GODEBUG efence", "efence=1", madvise, pmd, "0\n", mem, false, 0, "GODEBUG has efence"},
		{"GODEBUG others", "gctrace=1,madvdontneed=0,clobberfree=0", madvise, pmd, "0\n", mem, false, 4 << 30, "on request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := hugePagesWanted(tc.godebug, tc.thp, tc.pmd, tc.overcommit, tc.info, tc.limited)
			if got != tc.want || !strings.Contains(why, tc.why) {
				t.Errorf("hugePagesWanted = %d, %q; want %d, containing %q", got, why, tc.want, tc.why)
			}
		})
	}
}

// TestGodebugValue: GODEBUG read as the runtime reads it at start
// (runtime.parsegodebug): left to right, the last value that parses
// as a 32-bit integer wins, fields without "=" skipped, nothing trimmed.
func TestGodebugValue(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    int64
	}{
		{"", 0},
		{"clobberfree=1", 1},
		{"clobberfree=2", 2},
		{"clobberfree=00", 0},
		{"clobberfree=01", 1},
		{"clobberfree=1,clobberfree=0", 0},
		{"clobberfree=0,clobberfree=1", 1},
		{"clobberfree=1,clobberfree=", 1},         // "" does not parse: 1 stays
		{"clobberfree=1,clobberfree", 1},          // no "=": skipped
		{"clobberfree=1, clobberfree=0", 1},       // " clobberfree" is another key
		{"gctrace=0, clobberfree=1", 0},           // likewise
		{"clobberfree=yes", 0},                    // not a number
		{"clobberfree=4294967296", 0},             // past 32 bits
		{"xclobberfree=1,clobberfreex=1", 0},      // other keys
		{"gctrace=1,clobberfree=-1,efence=1", -1}, // parses: not 0
	} {
		if got := godebugValue(tc.godebug, "clobberfree"); got != tc.want {
			t.Errorf("godebugValue(%q, clobberfree) = %d, want %d", tc.godebug, got, tc.want)
		}
	}
}

// TestHugeReserve: 4 GiB, or a quarter of MemTotal in whole 2 MiB pages.
func TestHugeReserve(t *testing.T) {
	for _, tc := range []struct {
		name, info string
		want       int
	}{
		{"24 GB", "MemTotal:       24683748 kB\n", 4 << 30},  // a quarter is 5.9 GiB: 4 GiB
		{"16 GiB", "MemTotal:       16777216 kB\n", 4 << 30}, // a quarter is exactly 4 GiB
		{"4 GiB", "MemTotal:        4194304 kB\n", 1 << 30},  // a quarter is 1 GiB
		// 2,000,000 kB = 2,048,000,000 B; a quarter 512,000,000 B =
		// 244.14 pages of 2,097,152 B: 244 pages, 511,705,088 B.
		{"2 GB, MemTotal second", "MemFree: 1 kB\nMemTotal: 2000000 kB\n", 511_705_088},
		{"16 MiB", "MemTotal: 16384 kB\n", 4 << 20}, // a quarter, 2 pages
		{"under 16 MiB", "MemTotal: 16383 kB\n", 0},
		{"absurd", "MemTotal: 9223372036854775807 kB\n", 4 << 30}, // no overflow
		{"not kB", "MemTotal: 2000000 MB\n", 0},
		{"not a number", "MemTotal: x kB\n", 0},
		{"no MemTotal", "MemFree: 2000000 kB\n", 0},
		{"empty", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hugeReserve(tc.info); got != tc.want {
				t.Errorf("hugeReserve(%q) = %d, want %d", tc.info, got, tc.want)
			}
		})
	}
}

func TestTHPMode(t *testing.T) {
	for in, want := range map[string]string{
		"always [madvise] never\n": "madvise", "[always] madvise never": "always",
		"always madvise [never]": "never", "": "", "always madvise": "", "] [": "",
	} {
		if got := thpMode(in); got != want {
			t.Errorf("thpMode(%q) = %q, want %q", in, got, want)
		}
	}
}
