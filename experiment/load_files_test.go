package experiment

// Loading price files: a benchmark may have its own data.files and
// data.classes entries; a splits table may reach beyond the run's window.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

func writeCSV(t *testing.T, dir, name string, days int, px func(k int) float64) {
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	d0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := 0; k < days; k++ {
		d := d0.AddDate(0, 0, k)
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		p := px(k)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), p, p, p, p)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runText(t *testing.T, text string) error {
	f, err := Parse("x.toml", text)
	if err != nil {
		return err
	}
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	return err
}

func TestBenchmarkOwnFileAndClass(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, dir, "nvda.csv", 60, func(k int) float64 { return 100 + float64(k) })
	writeCSV(t, dir, "spy.csv", 60, func(k int) float64 { return 400 + float64(k%3) })
	base := `name = "x"
cash = 10000.0
%s
[data]
dir = %q
%s
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`
	for name, c := range map[string][2]string{
		"files for benchmark":   {`benchmarks = ["SPY"]`, "files = { NVDA = \"nvda.csv\", SPY = \"spy.csv\" }"},
		"classes for benchmark": {`benchmarks = ["SPY"]`, "files = { NVDA = \"nvda.csv\", SPY = \"spy.csv\" }\nclasses = { SPY = \"equity\" }"},
	} {
		err := runText(t, fmt.Sprintf(base, c[0], dir, c[1]))
		t.Logf("%s: %v", name, err)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSplitsOutsideRunWindowAccepted(t *testing.T) {
	dir := t.TempDir()
	// raw prices: a 2:1 split on 2024-02-01 (k=31)
	writeCSV(t, dir, "nvda.csv", 60, func(k int) float64 {
		if k >= 31 {
			return 50
		}
		return 100
	})
	text := `name = "x"
cash = 10000.0
prices = "raw"
end = "2024-01-20"
[data]
dir = %q
files = { NVDA = "nvda.csv" }
[[splits]]
symbol = "NVDA"
date = "2024-02-01"
ratio = 2.0
[[splits]]
symbol = "NVDA"
date = "2023-06-01"
ratio = 4.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA"]
`
	err := runText(t, fmt.Sprintf(text, dir))
	t.Logf("err %v", err)
	if err != nil {
		t.Errorf("a splits table with dates outside the run's window is refused: %v", err)
	}
}

// An equity's file without an adj_close column under prices = "adjusted"
// (the default) is used as it is, with a note: the run's manifest said
// "adjusted" and its returns left the dividends out without a word. A
// file with adj_close, and a token's file without (no dividends), are
// not noted; nor is any under prices = "raw".
func TestNoAdjCloseNoted(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, dir, "NVDA.csv", 60, func(k int) float64 { return 100 + float64(k) })
	writeCSV(t, dir, "BTC.csv", 60, func(k int) float64 { return 40000 + float64(k) })
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k := range 40 {
		d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k)
		fmt.Fprintf(&b, "%s,300,300,300,300,%g,1000\n", d.Format("2006-01-02"), 290+float64(k)/4)
	}
	if err := os.WriteFile(filepath.Join(dir, "MSFT.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	const note = `NVDA (NVDA.csv): no adj_close column, so prices = "adjusted" leaves the bars as they are: dividends are not in these equities' returns (give files with adj_close, or set prices = "raw" to say the prices are raw)`
	for _, prices := range []string{"adjusted", "raw"} {
		f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
prices = %q
[data]
dir = %q
classes = { BTC = "crypto" }
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "MSFT", "BTC"]
`, prices, dir))
		if err != nil {
			t.Fatal(err)
		}
		got := notesWith(t, f, "adj_close")
		want := []string{note}
		if prices == "raw" {
			want = nil
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("prices = %s: notes %q, want %q", prices, got, want)
		}
	}
	// The program's own synthetic files (marked so) have no dividends to
	// leave out: no note.
	if err := os.WriteFile(filepath.Join(dir, data.SyntheticMarker), []byte("synthetic\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse("x.toml", fmt.Sprintf("name = \"x\"\n[data]\ndir = %q\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n", dir))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, computeOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Panel.Synthetic || slices.ContainsFunc(out.Notes, func(n string) bool { return strings.Contains(n, "adj_close") }) {
		t.Errorf("synthetic files (panel synthetic %v): notes %q, want none of adj_close", out.Panel.Synthetic, out.Notes)
	}
}

// A one-row spike of adj_close (× 1,000) refuses the run under prices =
// "adjusted", naming the file and line: it ran with a one-day move of
// ±99.9 % and a volatility of 17,286 %. Under prices = "raw" the
// closes are used and the run goes on.
func TestAdjCloseSpikeRefused(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k := range 40 {
		d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k)
		adj := 290.0
		if k == 20 {
			adj = 290_000
		}
		fmt.Fprintf(&b, "%s,300,300,300,300,%g,1000\n", d.Format("2006-01-02"), adj)
	}
	if err := os.WriteFile(filepath.Join(dir, "MSFT.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	text := `name = "x"
prices = %q
[data]
dir = %q
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["MSFT"]
`
	// The 21st bar is line 22 of the file.
	err := runText(t, fmt.Sprintf(text, "adjusted", dir))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "MSFT.csv")+":22: 2024-01-21 adj_close 290000 is 966.7 × its close 300") {
		t.Errorf("prices = adjusted: %v, want the spike named", err)
	}
	if err := runText(t, fmt.Sprintf(text, "raw", dir)); err != nil {
		t.Errorf("prices = raw: %v", err)
	}
}

// A benchmark the runs do not trade is an input of the experiment: its
// file's SHA-256, rows and dates go into manifest.json beside the traded
// files'. They were left out, so a changed benchmark file (whose beta and
// alpha columns the runs carry) went unrecorded.
func TestBenchmarkInManifestInputs(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, dir, "NVDA.csv", 60, func(k int) float64 { return 100 + float64(k) })
	writeCSV(t, dir, "SPY.csv", 60, func(k int) float64 { return 400 + float64(k%3) })
	o, err := runIn(t, t.TempDir(), fmt.Sprintf("name = \"x\"\ncash = 10000.0\nbenchmarks = [\"SPY\"]\n[data]\ndir = %q\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n", dir))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Inputs []struct {
			Symbol, SHA256 string
			Rows           int
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, sym := range []string{"NVDA", "SPY"} {
		raw, err := os.ReadFile(filepath.Join(dir, sym+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		rows := strings.Count(string(raw), "\n") - 1 // less the header
		k := slices.IndexFunc(m.Inputs, func(in struct {
			Symbol, SHA256 string
			Rows           int
		}) bool {
			return in.Symbol == sym
		})
		if k < 0 {
			t.Errorf("manifest.json inputs lack %s: %s", sym, b)
			continue
		}
		if in := m.Inputs[k]; in.SHA256 != hex.EncodeToString(sum[:]) || in.Rows != rows {
			t.Errorf("%s: sha256 %s rows %d, want %x and %d", sym, in.SHA256, in.Rows, sum, rows)
		}
	}
	if len(m.Inputs) != 2 {
		t.Errorf("%d inputs, want NVDA and SPY once each: %s", len(m.Inputs), b)
	}
}
