package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The intraday examples: the synthetic one always (it generates its
// market), the real one when ../shared/data/intraday is there.
func TestIntradayExamples(t *testing.T) {
	t.Setenv("DIVERGENCE_DATA", "") // the real example names its own folder (data.dir)
	out, _, err := cli(t, "run", "../../examples/intraday-hedge.toml", "--out", t.TempDir(), "--no-report")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "SYNTHETIC") || !strings.Contains(out, "periods/year 8760") {
		t.Errorf("intraday-hedge.toml output:\n%s", out)
	}
	if _, err := os.Stat("../../../shared/data/intraday/yfinance_1h_otaboyevsardorbek1/NVDA.csv"); err != nil {
		t.Skipf("real intraday data not found: %v", err)
	}
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
}
