//go:build unix

package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An experiment file that is a FIFO or a /dev/zero symlink, and a price
// file that is a symlink loop or a FIFO, are refused by name and kind
// (the loop no longer reads as "no price file").
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "exp.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.toml")
	os.Symlink("/dev/zero", zero)
	for path, want := range map[string]string{fifo: "named pipe (FIFO)", zero: "character device"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Load(%s): %v, want %q", filepath.Base(path), err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load(%s): still reading after 10 s", filepath.Base(path))
		}
	}

	prices := filepath.Join(dir, "prices")
	os.Mkdir(prices, 0o755)
	os.Symlink(filepath.Join(prices, "NVDA.csv"), filepath.Join(prices, "NVDA.csv"))
	syscall.Mkfifo(filepath.Join(prices, "MSFT.csv"), 0o644)
	for sym, want := range map[string]string{"NVDA": "symlink loop", "MSFT": "named pipe (FIFO)"} {
		text := `name = "x"
start = "2024-01-01"
[data]
dir = "prices"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["` + sym + `"]
`
		f, err := Parse(filepath.Join(dir, "exp2.toml"), text)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out")}); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), sym+".csv") {
				t.Errorf("%s: %v, want %q naming the file", sym, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", sym)
		}
	}
}

// on_bad_row: a price file with one bar whose open is above its high is
// refused by default (with the way out named) and read with "skip" or
// "clip", the row listed in the manifest and counted in the notes.
func TestOnBadRow(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices")
	os.Mkdir(prices, 0o755)
	os.WriteFile(filepath.Join(prices, "NVDA.csv"), []byte(badRowCSV("")), 0o644)
	exp := func(policy string) string {
		s := "name = \"bad rows " + policy + "\"\n[data]\ndir = \"prices\"\n"
		if policy != "" {
			s += "on_bad_row = \"" + policy + "\"\n"
		}
		return s + "[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"
	}
	ctx := context.Background()
	f, err := Parse(filepath.Join(dir, "e.toml"), exp(""))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(ctx, f, Options{Out: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "NVDA.csv:22: 2024-01-21 open 107 outside [low 99, high 106]") || !strings.Contains(err.Error(), "on_bad_row") {
		t.Fatalf("default: %v", err)
	}
	if _, err := Parse(filepath.Join(dir, "e.toml"), exp("repair")); err == nil || !strings.Contains(err.Error(), "on_bad_row") {
		t.Errorf("on_bad_row = repair: %v", err)
	}
	for _, tc := range []struct{ policy, action string }{
		{"skip", "row skipped"},
		{"clip", "high raised to 107"},
	} {
		f, err := Parse(filepath.Join(dir, "e.toml"), exp(tc.policy))
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(ctx, f, Options{Out: filepath.Join(dir, "out-"+tc.policy)})
		if err != nil {
			t.Fatalf("%s: %v", tc.policy, err)
		}
		raw, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Inputs []struct {
				Rows    int      `json:"rows"`
				Repairs []string `json:"repairs"`
			} `json:"inputs"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		wantRows := 60
		if tc.policy == "skip" {
			wantRows = 59
		}
		if len(m.Inputs) != 1 || len(m.Inputs[0].Repairs) != 1 || m.Inputs[0].Rows != wantRows ||
			!strings.Contains(m.Inputs[0].Repairs[0], "NVDA.csv:22: 2024-01-21 open 107 outside [low 99, high 106]: "+tc.action) {
			t.Errorf("%s: manifest inputs %+v", tc.policy, m.Inputs)
		}
		noted := false
		for _, n := range o.Notes {
			noted = noted || strings.Contains(n, "NVDA: 1 bad row(s) skipped or repaired")
		}
		if !noted {
			t.Errorf("%s: notes %q", tc.policy, o.Notes)
		}
	}
}

// on_bad_row reaches a one-table source too (it was read for per-file
// sources only: a table with a bad row failed under "skip", naming the
// key that would have let it through). The same bars as TestOnBadRow's,
// one table with a symbol column: refused by default, the row skipped
// with "skip" (59 bars).
func TestOnBadRowTable(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "t.csv"), []byte(badRowCSV("NVDA")), 0o644)
	exp := func(policy string) string {
		s := "name = \"table bad rows\"\n[data]\ntable = \"t.csv\"\n"
		if policy != "" {
			s += "on_bad_row = \"" + policy + "\"\n"
		}
		return s + "[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"NVDA\"]\n"
	}
	f, err := Parse(filepath.Join(dir, "e.toml"), exp(""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out")}); err == nil || !strings.Contains(err.Error(), "open 107 outside [low 99, high 106]") {
		t.Fatalf("default: %v", err)
	}
	f, err = Parse(filepath.Join(dir, "e.toml"), exp("skip"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out-skip"), Keep: true})
	if err != nil {
		t.Fatalf("skip: %v", err)
	}
	if n := o.Panel.Series[0].Len(); n != 59 {
		t.Errorf("skip: %d bars, want 59", n)
	}
}

// badRowCSV is 60 daily bars from 2024-01-01 whose 21st (line 22) opens
// above its high (107 over 106), with a symbol column of symbol when it
// is given.
func badRowCSV(symbol string) string {
	var b strings.Builder
	col := ""
	if symbol != "" {
		col, symbol = "symbol,", symbol+","
	}
	b.WriteString(col + "date,open,high,low,close,volume\n")
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := 0; k < 60; k++ {
		o, h, l, c := 100.0+float64(k%5), 106.0+float64(k%5), 99.0+float64(k%5), 103.0+float64(k%5)
		if k == 20 {
			o = h + 1 // line 22: open above high
		}
		fmt.Fprintf(&b, "%s%s,%g,%g,%g,%g,1000\n", symbol, day.AddDate(0, 0, k).Format("2006-01-02"), o, h, l, c)
	}
	return b.String()
}
