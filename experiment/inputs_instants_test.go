package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manifest.json's inputs give an intraday series' first and last bars as
// instants, 00:00 UTC too: "2024-01-01" named the hourly bar of 00:00
// (closing at 01:00) as a date, the stamp of a daily bar closing at 24:00,
// beside "2024-01-02T23:00:00Z" in the same row. A daily series keeps its
// dates. The hourly file holds 48 bars from 2024-01-01T00:00Z, the last at
// 00:00 + 47 h = 2024-01-02T23:00Z; the daily one 3 days from 2024-01-01.
func TestManifestInputsIntradayInstants(t *testing.T) {
	dir := t.TempDir()
	var h, d strings.Builder
	h.WriteString("timestamp,open,high,low,close,volume\n")
	for k := range 48 {
		// 1704067200 s is 2024-01-01T00:00:00Z (19723 days × 86400).
		fmt.Fprintf(&h, "%d,10,11,9,10,1\n", (1704067200+int64(k)*3600)*1000)
	}
	d.WriteString("date,open,high,low,close,volume\n")
	for k := range 3 {
		fmt.Fprintf(&d, "2024-01-0%d,10,11,9,10,1\n", k+1)
	}
	for name, body := range map[string]string{"TAO-USD.csv": h.String(), "BTC-USD.csv": d.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ sym, first, last string }{
		{"TAO", "2024-01-01T00:00:00Z", "2024-01-02T23:00:00Z"},
		{"BTC", "2024-01-01", "2024-01-03"},
	} {
		t.Run(tc.sym, func(t *testing.T) {
			o, err := runIn(t, t.TempDir(), fmt.Sprintf("name = \"x\"\ncash = 10000.0\n[data]\ndir = %q\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [%q]\n", dir, tc.sym))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Inputs []struct{ Symbol, First, Last string }
			}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Inputs) != 1 || m.Inputs[0].First != tc.first || m.Inputs[0].Last != tc.last {
				t.Errorf("inputs %+v, want %s from %s to %s", m.Inputs, tc.sym, tc.first, tc.last)
			}
		})
	}
}

// An input's rows, first and last are the bars read, the file's whole
// history, past end too (docs/results.md: scenario replays of an event
// after end read them; the sha256 is the whole file's): 10 daily bars
// from 2024-01-01 with end = "2024-01-05" record 10 rows to 2024-01-10,
// while the runs end on 2024-01-04 (end is exclusive).
func TestManifestInputsPastEnd(t *testing.T) {
	dir := t.TempDir()
	var d strings.Builder
	d.WriteString("date,open,high,low,close,volume\n")
	for k := range 10 {
		fmt.Fprintf(&d, "2024-01-%02d,10,11,9,10,1\n", k+1)
	}
	if err := os.WriteFile(filepath.Join(dir, "BTC-USD.csv"), []byte(d.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, t.TempDir(), fmt.Sprintf("name = \"x\"\ncash = 10000.0\nend = \"2024-01-05\"\n[data]\ndir = %q\n[[strategy]]\nname = \"hold\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n", dir))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Inputs []struct {
			Rows        int
			First, Last string
		}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Inputs) != 1 || m.Inputs[0].Rows != 10 || m.Inputs[0].First != "2024-01-01" || m.Inputs[0].Last != "2024-01-10" {
		t.Errorf("inputs %+v, want 10 rows from 2024-01-01 to 2024-01-10", m.Inputs)
	}
}
