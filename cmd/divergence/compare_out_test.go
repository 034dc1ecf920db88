package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compare --out names a table (.csv) that exists: it is replaced only
// when it is a table compare wrote (its header begins run,folder,key);
// another file (a price file typed by mistake) is refused and left as it
// was. compare wrote its table over any file of that name.
func TestCompareOutKeepsOtherFiles(t *testing.T) {
	out := t.TempDir()
	if _, _, err := cli(t, "run", "../../experiment/testdata/small.toml", "--out", out, "--no-report"); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(out, "small-synthetic")
	dir := t.TempDir()
	prices := filepath.Join(dir, "QQQ.csv")
	text := "date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n"
	if err := os.WriteFile(prices, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := cli(t, "compare", res, "--out", prices)
	if err == nil || !strings.Contains(err.Error(), "--out "+prices) || !strings.Contains(err.Error(), "not replacing it") {
		t.Errorf("compare --out over a price file: %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(prices); string(b) != text {
		t.Errorf("%s now holds %q", prices, b)
	}
	// compare's own table is replaced, run after run; so is a chart.
	table, chart := filepath.Join(dir, "cmp.csv"), filepath.Join(dir, "cmp.png")
	for i := range 2 {
		if _, _, err := cli(t, "compare", res, "--out", table+","+chart); err != nil {
			t.Fatalf("compare %d: %v", i+1, err)
		}
	}
	if b, _ := os.ReadFile(table); !strings.HasPrefix(string(b), "run,folder,key,") {
		t.Errorf("%s: %.40q", table, b)
	}
	// An empty file (mktemp --suffix .csv, made for the table) holds
	// nothing to keep: it is written, not refused.
	empty := filepath.Join(dir, "tmp.csv")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "compare", res, "--out", empty); err != nil {
		t.Errorf("compare --out an empty file: %v", err)
	}
	if b, _ := os.ReadFile(empty); !strings.HasPrefix(string(b), "run,folder,key,") {
		t.Errorf("%s: %.40q, want compare's table", empty, b)
	}
}
