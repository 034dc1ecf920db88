package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An hourly run's fills.csv stamps its fills as instants, as its
// equity.csv does, even when every fill falls on 00:00 UTC: it wrote
// them as dates ("2024-03-04"), which in a daily run's files name the
// day's bar, closing at 24:00, not the 00:00 hourly bar closing at 01:00.
// TOK has 8 hourly bars from 2024-03-03T20:00Z (open = close = 100 + k);
// buy-and-hold with fill = "close" from start = 2024-03-04 buys at the
// close of the first bar it replays, 00:00Z's (104), and its curve has
// points from 00:00Z to 03:00Z.
func TestIntradayFillsCSVStampsInstants(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2024, 3, 3, 20, 0, 0, 0, time.UTC)
	hourlyCSV(t, filepath.Join(dir, "TOK.csv"), hours(t0, 8),
		func(tm time.Time) float64 { return 100 + float64(tm.Sub(t0)/time.Hour) },
		func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) })
	o, err := runIn(t, dir, `name = "layout"
start = "2024-03-04"
fill = "close"
[data]
dir = "."
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
`)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "hold", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	if eq := read("equity.csv"); len(eq) != 5 || !strings.HasPrefix(eq[1], "2024-03-04T00:00:00Z,") {
		t.Fatalf("equity.csv:\n%s", strings.Join(eq, "\n"))
	}
	fills := read("fills.csv")
	if len(fills) != 2 || !strings.HasPrefix(fills[1], "2024-03-04T00:00:00Z,TOK,buy,") || !strings.Contains(fills[1], ",104,") {
		t.Errorf("fills.csv:\n%s\nwant one buy of TOK at 104 stamped 2024-03-04T00:00:00Z, as equity.csv stamps its points", strings.Join(fills, "\n"))
	}
}
