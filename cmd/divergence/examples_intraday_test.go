package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The intraday examples: the synthetic one always (it generates its
// market), the real one when the shared intraday folder is there: the
// one $DIVERGENCE_DATA names (the intraday folder, as the example is run
// from a checkout elsewhere, the shared data folder or its prices
// folder), else ../shared/data/intraday beside the checkout, the
// example's own data.dir.
func TestIntradayExamples(t *testing.T) {
	intraday := filepath.Join("..", "..", "..", "shared", "data", "intraday")
	if env := filepath.Clean(os.Getenv("DIVERGENCE_DATA")); env != "." {
		for _, d := range []string{env, filepath.Join(env, "intraday"), filepath.Join(filepath.Dir(env), "intraday")} {
			if _, err := os.Stat(d); err == nil && filepath.Base(d) == "intraday" {
				intraday = d
				break
			}
		}
	}
	t.Setenv("DIVERGENCE_DATA", "")
	out, _, err := cli(t, "run", "../../examples/intraday-hedge.toml", "--out", t.TempDir(), "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "SYNTHETIC") || !strings.Contains(out, "periods/year 8760") {
		t.Errorf("intraday-hedge.toml output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(intraday, "yfinance_1h_otaboyevsardorbek1", "NVDA.csv")); err != nil {
		t.Skipf("real intraday data not found (set DIVERGENCE_DATA): %v", err)
	}
	abs, err := filepath.Abs(intraday)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DIVERGENCE_DATA", abs) // replaces data.dir: the same folder
	dir := t.TempDir()
	out, _, err = cli(t, "run", "../../examples/real-intraday-hedge.toml", "--out", dir, "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "real data") {
		t.Errorf("real-intraday-hedge.toml output:\n%s", out)
	}
	m, err := os.ReadFile(filepath.Join(dir, "ai-hedge-on-real-hourly-bars", "runs", "long-ai-tech-short-ai-tokens", "metrics.json"))
	if err != nil || !strings.Contains(string(m), `"periods_per_year_basis"`) || !strings.Contains(string(m), `"funding": -`) {
		t.Errorf("metrics.json: %v\n%.600s", err, m)
	}
	checkRealIntradayEntry(t, filepath.Join(dir, "ai-hedge-on-real-hourly-bars", "runs", "long-ai-tech-short-ai-tokens", "fills.csv"))
}

// checkRealIntradayEntry reconciles the hedge's entry with the raw files.
// The first sync point is the equities' 09:30 New York bar of Monday
// 2025-09-15 (13:30Z, closing 14:30Z), beside the tokens' 13:00Z bar;
// each order fills at its instrument's first open at or after 14:30Z:
// the equities' 10:30-04:00 bar (14:30Z), the tokens' 15:00Z kline
// (1757948400000), never 14:00Z. Raw opens: NVDA 175.49000549316406,
// MSFT 510.7099914550781, META 756.5 (Yahoo's rows "2025-09-15
// 10:30:00-04:00"), TAO 337.91, FET 0.6347, RENDER 3.748 (Binance's).
// The equities pay half the 1 bp spread on the price (× 1.00005) and
// 2 bp of commission, the tokens 4 bp of taker fee and no spread.
func checkRealIntradayEntry(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil || len(recs) < 7 {
		t.Fatalf("fills.csv: %v\n%.600s", err, b)
	}
	want := []struct {
		at, sym, side string
		px, bps       float64
	}{
		{"2025-09-15T14:30:00Z", "NVDA", "buy", 175.49000549316406 * 1.00005, 2},
		{"2025-09-15T14:30:00Z", "MSFT", "buy", 510.7099914550781 * 1.00005, 2},
		{"2025-09-15T14:30:00Z", "META", "buy", 756.5 * 1.00005, 2},
		{"2025-09-15T15:00:00Z", "TAO", "sell", 337.91, 4},
		{"2025-09-15T15:00:00Z", "FET", "sell", 0.6347, 4},
		{"2025-09-15T15:00:00Z", "RENDER", "sell", 3.748, 4},
	}
	for k, w := range want {
		r := recs[k+1] // time,symbol,side,qty,price,notional,commission,…
		px, _ := strconv.ParseFloat(r[4], 64)
		notional, _ := strconv.ParseFloat(r[5], 64)
		comm, _ := strconv.ParseFloat(r[6], 64)
		if r[0] != w.at || r[1] != w.sym || r[2] != w.side || math.Abs(px-w.px) > 1e-9*w.px ||
			math.Abs(comm-math.Abs(notional)*w.bps/1e4) > 1e-6 {
			t.Errorf("fill %d: %s, want %s %s %s at %.10g, commission %g bp", k+1, strings.Join(r[:7], ","), w.at, w.sym, w.side, w.px, w.bps)
		}
	}
}
