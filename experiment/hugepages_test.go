package experiment

import (
	"strings"
	"testing"
)

// TestHugePagesWanted: the advice is taken only where THP is in madvise
// mode, the overcommit is not strict and the machine's memory is known;
// each refusal says why.
func TestHugePagesWanted(t *testing.T) {
	const (
		madvise = "always [madvise] never\n"
		mem     = "MemTotal:       24683748 kB\nMemFree:        18569128 kB\n"
	)
	for _, tc := range []struct {
		name                  string
		thp, overcommit, info string
		want                  bool
		why                   string
	}{
		{"madvise", madvise, "0\n", mem, true, "on request"},
		{"heuristic overcommit 1", madvise, "1\n", mem, true, "on request"},
		{"always", "[always] madvise never\n", "0\n", mem, false, "are always here"},
		{"never", "always madvise [never]\n", "0\n", mem, false, "are never here"},
		{"no THP", "", "0\n", mem, false, "no transparent huge pages"},
		{"strict overcommit", madvise, "2\n", mem, false, "strict overcommit"},
		{"no meminfo", madvise, "0\n", "", false, "memory is unknown"},
	} {
		got, why := hugePagesWanted(tc.thp, tc.overcommit, tc.info)
		if got != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("%s: hugePagesWanted = %v, %q; want %v, containing %q", tc.name, got, why, tc.want, tc.why)
		}
	}
}

// TestHugeReserve: 1 GiB, or a quarter of MemTotal in whole 2 MiB pages.
func TestHugeReserve(t *testing.T) {
	for _, tc := range []struct {
		info string
		want int
	}{
		{"MemTotal:       24683748 kB\n", 1 << 30}, // a quarter is 5.9 GiB: 1 GiB
		{"MemTotal:        4194304 kB\n", 1 << 30}, // 4 GiB: a quarter is exactly 1 GiB
		// 2,000,000 kB = 2,048,000,000 B; a quarter 512,000,000 B =
		// 244.14 pages of 2,097,152 B: 244 pages, 511,705,088 B.
		{"MemFree: 1 kB\nMemTotal: 2000000 kB\n", 511_705_088},
		{"MemTotal: 16384 kB\n", 4 << 20}, // 16 MiB: a quarter, 2 pages
		{"MemTotal: 16383 kB\n", 0},       // under 16 MiB
		{"MemTotal: 2000000 MB\n", 0},     // not kB
		{"MemTotal: x kB\n", 0},           // not a number
		{"MemFree: 2000000 kB\n", 0},      // no MemTotal
		{"", 0},
	} {
		if got := hugeReserve(tc.info); got != tc.want {
			t.Errorf("hugeReserve(%q) = %d, want %d", tc.info, got, tc.want)
		}
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
