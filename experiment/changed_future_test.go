package experiment

import (
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The changed-future probe at the level of whole experiments: the same
// experiment file is run on two data folders, identical up to a cut and
// different from it (closes moved, volumes changed), and everything the
// program writes with a time before the cut must be identical in the two
// results folders.

// cfFrom, cfDays and cfCut place the probe's data: 200 daily bars from
// cfFrom, the future changed from cfCut on.
const (
	cfFrom = "2022-10-01"
	cfDays = 200
	cfCut  = "2023-02-01"
)

// cfSeries is a symbol's daily closes, a random walk that shares a
// market factor with the other symbols' (so that betas are positive),
// seeded by the symbol alone.
func cfSeries(sym string, seed uint64) []float64 {
	mkt := rand.New(rand.NewPCG(7, 7))
	own := rand.New(rand.NewPCG(seed, 3))
	out := make([]float64, cfDays)
	p := 100.0
	for k := range out {
		p *= math.Exp(0.02*mkt.NormFloat64() + 0.015*own.NormFloat64())
		out[k] = p
	}
	return out
}

// cfWrite writes dir/prices/<sym>.csv from closes; the bars whose dates
// fall in [lo, hi) are changed: their closes moved by a factor that
// varies bar to bar (so that returns change, not only levels), their
// ranges wider and their volumes different.
func cfWrite(t *testing.T, dir, sym string, closes []float64, lo, hi string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "prices"), 0o755); err != nil {
		t.Fatal(err)
	}
	d0, _ := time.Parse(time.DateOnly, cfFrom)
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	for k, c := range closes {
		day := d0.AddDate(0, 0, k).Format(time.DateOnly)
		o, vol, wide := c*(1+0.003*math.Sin(float64(k))), 1000.0+float64(k%9)*10, 1.0
		if day >= lo && day < hi {
			f := 1.25 + 0.2*math.Sin(0.7*float64(k))
			c, o, vol, wide = c*f, o*f*1.01, vol*3+77, 2
		}
		hi, lo := max(o, c)*(1+0.01*wide), min(o, c)*(1-0.01*wide)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g\n", day, o, hi, lo, c, vol)
	}
	if err := os.WriteFile(filepath.Join(dir, "prices", sym+".csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cfRuns runs the experiment text twice: on symbols' data as they are
// and with the bars of the changed symbols in [lo, hi) changed. It
// returns the two results folders.
func cfRuns(t *testing.T, text string, symbols []string, changed []string, lo, hi string) (string, string) {
	t.Helper()
	var outs [2]string
	for v := range outs {
		dir := t.TempDir()
		for i, sym := range symbols {
			l, h := lo, hi
			if v == 0 || !slices.Contains(changed, sym) {
				l, h = "", ""
			}
			cfWrite(t, dir, sym, cfSeries(sym, uint64(i+1)), l, h)
		}
		o, err := runIn(t, dir, text)
		if err != nil {
			t.Fatal(err)
		}
		outs[v] = o.Dir
	}
	return outs[0], outs[1]
}

// timedCSVs lists the CSV files under dir that have a time column,
// relative to dir.
func timedCSVs(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".csv") {
			return err
		}
		rows, err := readCSV(path)
		if err != nil {
			return err
		}
		if len(rows) > 0 && slices.Contains(rows[0], "time") {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// before returns the rows of a CSV file whose time is before cut (the
// header first), and whether it has rows from cut on.
func before(t *testing.T, path, cut string) ([]string, bool) {
	t.Helper()
	rows, err := readCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "time")
	out := []string{strings.Join(rows[0], ",")}
	var later bool
	for _, r := range rows[1:] {
		if r[col] < cut {
			out = append(out, strings.Join(r, ","))
		} else {
			later = true
		}
	}
	return out, later
}

// sameBefore requires every timed CSV file of results folder a to be in
// b, with the same rows before cut as b's; it returns the files whose
// rows from cut on differ.
func sameBefore(t *testing.T, a, b, cut string) []string {
	t.Helper()
	files := timedCSVs(t, a)
	if got := timedCSVs(t, b); !slices.Equal(files, got) {
		t.Fatalf("the two runs wrote different files:\n%v\n%v", files, got)
	}
	var differ []string
	for _, f := range files {
		x, _ := before(t, filepath.Join(a, f), cut)
		y, _ := before(t, filepath.Join(b, f), cut)
		if i := firstDiff(x, y); i >= 0 {
			t.Errorf("%s: row %d before %s differs:\n%s\n%s", f, i, cut, at(x, i), at(y, i))
		}
		all, _ := before(t, filepath.Join(a, f), "9999")
		other, _ := before(t, filepath.Join(b, f), "9999")
		if !slices.Equal(all, other) {
			differ = append(differ, f)
		}
	}
	return differ
}

func firstDiff(x, y []string) int {
	for i := range max(len(x), len(y)) {
		if at(x, i) != at(y, i) {
			return i
		}
	}
	return -1
}

func at(x []string, i int) string {
	if i < len(x) {
		return x[i]
	}
	return "(none)"
}

// The benchmark's and the instruments' bars changed from the cut leave
// every curve, fill, leg series (the returns and the rolling beta the
// hedge's legs file gives) and benchmark close before it as they were:
// a pair hedge in beta mode, hedging AAA with the benchmark itself.
func TestChangedFutureBenchmarkHedge(t *testing.T) {
	text := `name = "cf"
start = "2022-12-01"
benchmarks = ["QQQ"]
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto", QQQ = "crypto" }
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["AAA", "BBB"]
short = ["QQQ"]
hedge = "beta"
lookback = 20
rebalance_days = 5
[[strategy]]
name = "held"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
`
	all := []string{"AAA", "BBB", "QQQ"}
	a, b := cfRuns(t, text, all, all, cfCut, "9999")
	differ := sameBefore(t, a, b, cfCut)
	for _, f := range []string{"benchmarks.csv", filepath.Join("runs", "hedge", "legs.csv"), filepath.Join("runs", "hedge", "fills.csv")} {
		if !slices.Contains(differ, f) {
			t.Errorf("%s is the same after the cut: the probe changed nothing (differ: %v)", f, differ)
		}
	}
	// The benchmark alone changed: the runs do not trade it.
	a, b = cfRuns(t, strings.Replace(text, "long = [\"AAA\", \"BBB\"]\nshort = [\"QQQ\"]", "long = [\"AAA\"]\nshort = [\"BBB\"]", 1), all, []string{"QQQ"}, cfCut, "9999")
	if differ := sameBefore(t, a, b, cfCut); !slices.Equal(differ, []string{"benchmarks.csv"}) {
		t.Errorf("the benchmark's future changed %v, want benchmarks.csv alone", differ)
	}
}

// warmupText is an SMA cross whose slow window (30 bars) reaches from
// start into the warm-up bars before it (61 of them, from cfFrom).
const warmupText = `name = "cf"
start = "2022-12-01"
[data]
dir = "prices"
classes = { AAA = "crypto" }
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
fast = 5
slow = 30
`

// Warm-up. The future changed from the cut changes nothing before it.
// Bars before start are history the strategy reads, as documented: bars
// more than the slow window before start are read by nothing (every file
// identical), bars inside it change what the runs do from start (the
// first signals; expected, not a leak), and with warmup = false the data
// are cut at start, so that the same change is seen by nothing.
func TestChangedFutureWarmup(t *testing.T) {
	sym := []string{"AAA"}
	a, b := cfRuns(t, warmupText, sym, sym, cfCut, "9999")
	if differ := sameBefore(t, a, b, cfCut); !slices.Contains(differ, filepath.Join("runs", "sma", "equity.csv")) {
		t.Errorf("the changed future moved no curve: %v", differ)
	}
	// 2022-10-01 to 2022-10-31: more than 30 bars before 2022-12-01.
	// prices.csv draws every bar loaded, the warm-up's too: the runs'
	// files alone are compared.
	a, b = cfRuns(t, warmupText, sym, sym, "", "2022-11-01")
	if differ := sameBefore(t, filepath.Join(a, "runs"), filepath.Join(b, "runs"), "9999"); len(differ) > 0 {
		t.Errorf("bars beyond the slow window before start changed %v", differ)
	}
	// 2022-11-01 to 2022-11-30: inside the slow window at start.
	a, b = cfRuns(t, warmupText, sym, sym, "2022-11-01", "2022-12-01")
	if differ := sameBefore(t, filepath.Join(a, "runs"), filepath.Join(b, "runs"), "2022-12-01"); !slices.Contains(differ, filepath.Join("sma", "equity.csv")) {
		t.Errorf("the warm-up bars inside the slow window moved no curve: %v", differ)
	}
	cold := strings.Replace(warmupText, "[data]", "warmup = false\n[data]", 1)
	a, b = cfRuns(t, cold, sym, sym, "", "2022-12-01")
	if differ := sameBefore(t, a, b, "9999"); len(differ) > 0 {
		t.Errorf("with warmup = false, bars before start changed %v", differ)
	}
}

// Stress. A library scenario (ai-bubble-burst, its groups mapped to the
// probe's symbols) and a historical replay of the probe's own bars, both
// placed after the cut, the replay's source window later still: the
// future changed from the cut (the replay's source with it) leaves every
// file before the cut as it was, the runs under each scenario included,
// and those runs equal the baseline's before the cut.
func TestChangedFutureStress(t *testing.T) {
	text := `name = "cf"
start = "2022-12-01"
scenarios = ["ai-bubble-burst"]
scenario_start = "2023-02-10"
[data]
dir = "prices"
classes = { AAA = "crypto", BBB = "crypto", QQQ = "crypto" }
[groups]
ai_tokens = ["AAA"]
majors = ["BBB"]
indices = ["QQQ"]
[[scenario]]
name = "later replayed"
[[scenario.shock]]
type = "transplant"
self = true
groups = ["ai_tokens", "majors"]
from = 2023-03-10
to = 2023-03-20
day = 2
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["AAA", "BBB"]
short = ["QQQ"]
hedge = "beta"
lookback = 20
rebalance_days = 5
`
	all := []string{"AAA", "BBB", "QQQ"}
	a, b := cfRuns(t, text, all, all, cfCut, "9999")
	differ := sameBefore(t, a, b, cfCut)
	for _, v := range []string{"hedge@ai-bubble-burst", "hedge@later-replayed"} {
		f := filepath.Join("runs", v, "equity.csv")
		if !slices.Contains(differ, f) {
			t.Errorf("%s is the same after the cut: %v", f, differ)
		}
		for _, dir := range []string{a, b} {
			for _, name := range []string{"equity.csv", "fills.csv"} {
				x, _ := before(t, filepath.Join(dir, "runs", "hedge", name), cfCut)
				y, later := before(t, filepath.Join(dir, "runs", v, name), cfCut)
				if i := firstDiff(x, y); i >= 0 {
					t.Errorf("%s/%s: row %d before %s differs from the baseline's:\n%s\n%s", v, name, i, cfCut, at(x, i), at(y, i))
				}
				if name != "equity.csv" {
					continue
				}
				x, _ = before(t, filepath.Join(dir, "runs", "hedge", name), "9999")
				y, _ = before(t, filepath.Join(dir, "runs", v, name), "9999")
				if !later || slices.Equal(x, y) {
					t.Errorf("%s/%s: the scenario moved nothing after %s", v, name, cfCut)
				}
			}
		}
	}
}

// Walk-forward. The choice of an out-of-sample window's parameters uses
// its in-sample window alone: with the bars from the cut changed, every
// window whose in-sample window ends by the cut chooses the same
// candidate with the same in-sample score, every window whose
// out-of-sample window also ends by then gives the same result, and the
// stitched curve is the same before the cut.
func TestChangedFutureWalkForward(t *testing.T) {
	text := `name = "cf"
start = "2022-12-01"
[data]
dir = "prices"
classes = { AAA = "crypto" }
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
[strategy.sweep]
fast = [3, 5, 8]
slow = [12, 20]
[walkforward]
in_sample_days = 30
out_of_sample_days = 15
`
	// The cut is window 3's in-sample end (and window 2's out-of-sample
	// end): its bar, open included, is the first one changed.
	const cut = "2023-01-30"
	sym := []string{"AAA"}
	a, b := cfRuns(t, text, sym, sym, cut, "9999")
	if differ := sameBefore(t, a, b, cut); !slices.Contains(differ, filepath.Join("walkforward", "sma", "equity.csv")) {
		t.Errorf("the stitched curve is the same after the cut: %v", differ)
	}
	windows := func(dir string) [][]string {
		rows, err := readCSV(filepath.Join(dir, "walkforward", "sma", "windows.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	x, y := windows(a), windows(b)
	if len(x) != len(y) {
		t.Fatalf("%d windows, then %d", len(x)-1, len(y)-1)
	}
	col := func(name string) int { return slices.Index(x[0], name) }
	var chosen, whole, after int
	for i := 1; i < len(x); i++ {
		switch {
		case x[i][col("oos_end")] <= cut:
			if !slices.Equal(x[i], y[i]) {
				t.Errorf("window %s, out of sample before the cut, differs:\n%v\n%v", x[i][0], x[i], y[i])
			}
			whole++
		case x[i][col("is_end")] <= cut:
			for _, c := range []string{"is_start", "is_end", "oos_start", "chosen", "params", "is_sharpe"} {
				if x[i][col(c)] != y[i][col(c)] {
					t.Errorf("window %s, in sample before the cut: %s %s, then %s", x[i][0], c, x[i][col(c)], y[i][col(c)])
				}
			}
			chosen++
		case !slices.Equal(x[i], y[i]):
			after++
		}
	}
	if whole == 0 || chosen == 0 || after == 0 {
		t.Errorf("windows: %d wholly before the cut, %d chosen before it, %d differing after it; want some of each", whole, chosen, after)
	}
}
