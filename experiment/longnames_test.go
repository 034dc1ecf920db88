package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run's key is its folder's name, which a file system bounds (255
// bytes on Linux, macOS and Windows). A sweep of baskets made keys of
// every symbol ("basket--symbols=SYMBOL01+SYMBOL02+…"): the experiment ran
// every run, then failed writing with "file name too long", naming
// neither the strategy nor the sweep. A key longer than maxKeyLen keeps
// its first bytes and ends with a digest of the whole: the run is
// written, its folder named by it, the two points of the sweep apart.
func TestLongSweepKey(t *testing.T) {
	dir := t.TempDir()
	var syms []string
	for i := range 30 {
		sym := fmt.Sprintf("SYMBOL%02d", i) // 8 bytes, + "+" each: the key is over 255 bytes
		syms = append(syms, fmt.Sprintf("%q", sym))
		dailyCSV(t, dir, sym, "2024-01-01", 40, func(k int) float64 { return 100 + float64(k+i) })
	}
	o, err := runIn(t, dir, `name = "baskets"
cash = 10000.0
[data]
dir = "prices"
[[strategy]]
name = "basket"
type = "buy-and-hold"
[strategy.sweep]
symbols = [[`+strings.Join(syms, ", ")+`], ["SYMBOL00"]]
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(o.Runs))
	}
	long, short := o.Runs[0].Key, o.Runs[1].Key
	if short != "basket--symbols=SYMBOL00" {
		t.Errorf("short key %q changed", short)
	}
	// 16 + 30 × 8 + 29 = 285 bytes in full.
	if len(long) > maxKeyLen || !strings.HasPrefix(long, "basket--symbols=SYMBOL00+SYMBOL01+") {
		t.Errorf("long key %q (%d bytes), want at most %d, beginning as the full key", long, len(long), maxKeyLen)
	}
	for _, k := range []string{long, short} {
		if _, err := os.Stat(filepath.Join(o.Dir, "runs", k, "metrics.json")); err != nil {
			t.Errorf("run %s: %v", k, err)
		}
	}
}

// An experiment's, a strategy's or a scenario's name whose folder name
// (its slug) would be too long for a file system is refused with its key
// before anything runs: the experiment's failed taking its lock ("file
// name too long", naming a lock file), a strategy's after every run.
func TestLongNames(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, c := range []struct {
		name, text, want string
	}{
		{"experiment", `name = "` + long + `"`, "name: "},
		{"strategy", `name = "x"`, "strategy[0].name: "},
		{"scenario", `name = "x"`, "scenario[0].name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sname, extra := "s", ""
			switch c.name {
			case "strategy":
				sname = long
			case "scenario":
				extra = "[[scenario]]\nname = \"" + long + "\"\n[[scenario.shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 1\nmove = -0.1\n"
			}
			_, err := Parse("long.toml", c.text+`
[data]
synthetic = true
[[strategy]]
name = "`+sname+`"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`+extra)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "300") {
				t.Errorf("Parse: %v, want an error naming %q and the length, 300", err, c.want)
			}
		})
	}
}
