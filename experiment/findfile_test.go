package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findFile: a gzipped CSV is found by its symbol like a plain one; two
// files for one symbol (BTC.csv beside BTC-USD.csv) are refused, naming
// both and the way out, rather than one picked by the order of the names
// tried; a missing folder is named as missing.
func TestFindFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"NVDA.csv.gz", "BTC.csv", "BTC-USD.csv", "TAO-USDT.csv.gz"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("date,close\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &File{}
	for sym, want := range map[string]string{"NVDA": "NVDA.csv.gz", "TAO": "TAO-USDT.csv.gz"} {
		got, err := f.findFile(dir, sym)
		if err != nil || got != filepath.Join(dir, want) {
			t.Errorf("findFile(%s) = %q, %v; want %s", sym, got, err, want)
		}
	}
	_, err := f.findFile(dir, "BTC")
	if err == nil || !strings.Contains(err.Error(), "BTC.csv, BTC-USD.csv") || !strings.Contains(err.Error(), "[data.files]") {
		t.Errorf("two files for BTC: %v", err)
	}
	f.Data.Files = map[string]string{"BTC": "BTC-USD.csv"}
	if got, err := f.findFile(dir, "BTC"); err != nil || got != filepath.Join(dir, "BTC-USD.csv") {
		t.Errorf("BTC under data.files: %q, %v", got, err)
	}
	missing := filepath.Join(dir, "nodir")
	if _, err := f.findFile(missing, "NVDA"); err == nil || !strings.Contains(err.Error(), `symbol "NVDA": folder `+missing+" does not exist") {
		t.Errorf("missing folder: %v", err)
	}
	if _, err := f.findFile(dir, "MSFT"); err == nil || !strings.Contains(err.Error(), "no price file for symbol \"MSFT\"") || !strings.Contains(err.Error(), "MSFT.csv.gz") {
		t.Errorf("no file for MSFT: %v", err)
	}
}
