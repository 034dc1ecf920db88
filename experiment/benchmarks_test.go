package experiment

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/results/report"
)

// The benchmarks' closes go into the folder (benchmarks.csv/.parquet),
// every bar over the runs' span, for the report's rolling beta, which is
// measured against the first benchmark listed, whatever the runs are
// called: a token held every day against an equity benchmark of
// weekdays. The closes are checked against those written here; the
// report made from the folder is the run's own.
func TestBenchmarksFileAndBeta(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.MkdirAll(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	d0 := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	write := func(sym string, weekdays bool, px func(k int) float64) map[string]float64 {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		closes := map[string]float64{}
		for k := range 360 {
			d := d0.AddDate(0, 0, k)
			if weekdays && (d.Weekday() == time.Saturday || d.Weekday() == time.Sunday) {
				continue
			}
			c := px(k)
			closes[d.Format(time.DateOnly)] = c
			fmt.Fprintf(&b, "%s,%g,%g,%g,%g,100\n", d.Format(time.DateOnly), c, c+1, c-1, c)
		}
		if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return closes
	}
	write("TOK", false, func(k int) float64 { return 50 + float64(k%9)*0.5 + float64(k)*0.125 })
	qqq := write("QQQ", true, func(k int) float64 { return 300 + float64(k%5)*1.25 + float64(k)*0.25 })
	write("SPY", true, func(k int) float64 { return 400 + float64(k%3)*0.5 })
	exp := func(benchmarks string) string {
		return `name = "bench beta"
start = "2023-03-01"
end = "2023-10-01"
cash = 100_000.0
` + benchmarks + `
[data]
dir = "prices"
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
[[strategy]]
name = "benchmark SPY"
type = "buy-and-hold"
[strategy.params]
symbols = ["SPY"]
`
	}
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(exp(`benchmarks = ["QQQ", "SPY"]`)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2, Report: reportHTML})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Release()

	rows, err := readCSV(filepath.Join(o.Dir, "benchmarks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "symbol,time,close" {
		t.Fatalf("benchmarks.csv header %v", rows[0])
	}
	seen := map[string]int{}
	for _, r := range rows[1:] {
		seen[r[0]]++
		day := r[1][:10]
		if day < "2023-03-01" || day > "2023-10-01" {
			t.Errorf("benchmarks.csv: %s on %s, outside the runs' span", r[0], day)
		}
		if r[0] == "QQQ" && num(t, r[2]) != qqq[day] {
			t.Errorf("benchmarks.csv: QQQ on %s closes at %s, the file %g", day, r[2], qqq[day])
		}
	}
	// Weekdays from Wednesday 2023-03-01 to Friday 2023-09-29: 153.
	if seen["QQQ"] != 153 || seen["SPY"] != 153 || rows[1][0] != "QQQ" {
		t.Errorf("benchmarks.csv: %v rows, first %v; want 153 of QQQ then 153 of SPY", seen, rows[1])
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "benchmarks.parquet")); err != nil {
		t.Error(err)
	}

	page := reportFromFolderSame(t, o.Dir)
	if !bytes.Contains(page, []byte(`"betaVs":"QQQ"`)) || !bytes.Contains(page, []byte(`id="chart-beta"`)) {
		t.Error("the report has no rolling beta against QQQ, the first benchmark")
	}

	// Without benchmarks, no beta chart, though a run is called
	// "benchmark SPY": no run is found by the spelling of its name.
	if err := os.WriteFile(path, []byte(exp("")), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err = Load(path); err != nil {
		t.Fatal(err)
	}
	o2, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out2"), Workers: 2, Report: reportHTML})
	if err != nil {
		t.Fatal(err)
	}
	defer o2.Release()
	b, err := os.ReadFile(filepath.Join(o2.Dir, report.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`id="chart-beta"`)) || bytes.Contains(b, []byte(`"betaVs"`)) || !bytes.Contains(b, []byte("lists no benchmarks")) {
		t.Error("without benchmarks the report still draws a rolling beta, or does not say why it has none")
	}
	if _, err := os.Stat(filepath.Join(o2.Dir, "benchmarks.csv")); err == nil {
		t.Error("benchmarks.csv written without benchmarks")
	}
}
