package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/results"
)

// The manifest's fingerprint of each input is the SHA-256 of the file its
// bars were read from (computed here from the bytes), whether the files
// are hashed while they are read or after: a folder's files asked for in
// another order than their names', and a one-table CSV file.
func TestInputsFingerprintedWhileRead(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	if err := os.Mkdir(prices, 0o755); err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	table.WriteString("symbol,date,open,high,low,close,volume\n")
	for i, sym := range []string{"AAA", "BBB", "CCC"} {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		for d := 2; d <= 31; d++ {
			px := 10 + float64(i) + float64(d)/10
			fmt.Fprintf(&b, "2024-01-%02d,%g,%g,%g,%g,100\n", d, px, px+1, px-1, px+0.5)
			fmt.Fprintf(&table, "%s,2024-01-%02d,%g,%g,%g,%g,100\n", sym, d, px, px+1, px-1, px+0.5)
		}
		if err := os.WriteFile(filepath.Join(prices, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bars.csv"), []byte(table.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	shaOf := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	for _, src := range []string{`dir = "prices"`, `table = "bars.csv"`} {
		text := "name = \"sha\"\nstart = \"2024-01-05\"\n[data]\n" + src + "\n" +
			"[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"CCC\", \"AAA\", \"BBB\"]\n"
		o, err := runIn(t, dir, text)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m results.Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Inputs) != 3 {
			t.Fatalf("%s: %d inputs", src, len(m.Inputs))
		}
		for _, in := range m.Inputs {
			file := filepath.Join(prices, in.Symbol+".csv")
			if strings.HasPrefix(src, "table") {
				file = filepath.Join(dir, "bars.csv")
			}
			if want := shaOf(file); in.SHA256 != want {
				t.Errorf("%s: %s's fingerprint %s, want %s (of %s)", src, in.Symbol, in.SHA256, want, file)
			}
		}
	}
}
