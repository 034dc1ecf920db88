package experiment

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findFile: a gzipped CSV is found by its symbol like a plain one; two
// files for one symbol (BTC.csv beside BTC-USD.csv) are refused, naming
// both and the way out, rather than one picked by the order of the names
// tried; a missing folder is named as missing.
// list is dir's entries, as loadPanel reads them once for every symbol.
func list(dir string) []os.DirEntry {
	ents, _ := os.ReadDir(dir)
	return ents
}

func TestFindFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"NVDA.csv.gz", "BTC.csv", "BTC-USD.csv", "TAO-USDT.csv.gz"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("date,close\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &File{}
	for sym, want := range map[string]string{"NVDA": "NVDA.csv.gz", "TAO": "TAO-USDT.csv.gz"} {
		got, err := f.findFile(dir, "data.dir", sym, list(dir))
		if err != nil || got != filepath.Join(dir, want) {
			t.Errorf("findFile(%s) = %q, %v; want %s", sym, got, err, want)
		}
	}
	_, err := f.findFile(dir, "data.dir", "BTC", list(dir))
	if err == nil || !strings.Contains(err.Error(), "BTC.csv, BTC-USD.csv") || !strings.Contains(err.Error(), "[data.files]") {
		t.Errorf("two files for BTC: %v", err)
	}
	f.Data.Files = map[string]string{"BTC": "BTC-USD.csv"}
	if got, err := f.findFile(dir, "data.dir", "BTC", list(dir)); err != nil || got != filepath.Join(dir, "BTC-USD.csv") {
		t.Errorf("BTC under data.files: %q, %v", got, err)
	}
	missing := filepath.Join(dir, "nodir")
	if _, err := f.findFile(missing, "data.dir", "NVDA", list(missing)); err == nil || !strings.Contains(err.Error(), `symbol "NVDA": folder `+missing+" does not exist") {
		t.Errorf("missing folder: %v", err)
	}
	if _, err := f.findFile(dir, "data.dir", "MSFT", list(dir)); err == nil || !strings.Contains(err.Error(), "no price file for symbol \"MSFT\"") || !strings.Contains(err.Error(), "MSFT.csv.gz") {
		t.Errorf("no file for MSFT: %v", err)
	}
	// Names in another case: qqq.csv is QQQ's file, and beside QQQ.csv it
	// is a second one (it was passed over without a word).
	if err := os.WriteFile(filepath.Join(dir, "qqq.csv"), []byte("date,close\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := f.findFile(dir, "data.dir", "QQQ", list(dir)); err != nil || got != filepath.Join(dir, "qqq.csv") {
		t.Errorf("findFile(QQQ) with qqq.csv = %q, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "QQQ.csv"), []byte("date,close\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.findFile(dir, "data.dir", "QQQ", list(dir)); err == nil || !strings.Contains(err.Error(), `symbol "QQQ" has 2 price files in `+dir+": QQQ.csv, qqq.csv") {
		t.Errorf("QQQ.csv beside qqq.csv: %v, want both named", err)
	}
}

// A gzipped CSV found by its symbol in data.dir is read and run like a
// plain one.
func TestRunGzipFromDir(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.Mkdir(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("date,open,high,low,close,volume\n2024-01-02,10,11,9,10,100\n2024-01-03,10,12,10,12,100\n2024-01-04,12,13,11,12.5,100\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(prices, "AAA.csv.gz"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, dir, "name = \"gz\"\n[data]\ndir = \"prices\"\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"AAA\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	if s := o.Panel.Series[0]; s.Source != filepath.Join(prices, "AAA.csv.gz") || s.Len() != 3 || s.Close[2] != 12.5 {
		t.Errorf("read %s: %d bars, last close %v", s.Source, s.Len(), s.Close)
	}
}

// A symbol with no file says what the folder holds: the symbol likely
// meant (NVIDIA is NVDA with two letters more: 2 edits, within a third
// of its 6 letters; BTCC is BTC with one more), or else the symbols, at
// most maxFolderSymbols of them, as findFile reads the names (TAO-USDT.csv.gz
// is TAO, the longest suffix cut).
func TestFindFileNamesTheFolderSymbols(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"NVDA.csv", "BTC-USD.csv", "TAO-USDT.csv.gz", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("date,close\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	many := t.TempDir()
	for i := range 35 {
		if err := os.WriteFile(filepath.Join(many, "S"+string(rune('A'+i/26))+string(rune('A'+i%26))+".csv"), []byte("date,close\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	f := &File{}
	for _, tc := range []struct{ dir, sym, want string }{
		{dir, "NVIDIA", `; did you mean "NVDA" (NVDA.csv)?; map it under [data.files]`},
		{dir, "BTCC", `; did you mean "BTC" (BTC-USD.csv)?`},
		{dir, "nvidia", `; did you mean "NVDA" (NVDA.csv)?`},
		{dir, "MSFT", "; the folder's files hold BTC, NVDA, TAO; map it under [data.files]"},
		// 35 files SAA … SBI: the first 30, SAA … SAZ and SBA … SBD, then a count.
		{many, "QQQ", "; the folder's files hold SAA, SAB, SAC, SAD, SAE, SAF, SAG, SAH, SAI, SAJ, SAK, SAL, SAM, SAN, SAO, SAP, SAQ, SAR, SAS, SAT, SAU, SAV, SAW, SAX, SAY, SAZ, SBA, SBB, SBC, SBD and 5 more;"},
		{empty, "QQQ", "; the folder holds no price file;"},
	} {
		_, err := f.findFile(tc.dir, "data.dir", tc.sym, list(tc.dir))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("findFile(%s): %v\nwant it to contain %q", tc.sym, err, tc.want)
		}
	}
}
