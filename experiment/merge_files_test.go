package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
)

// TestMergeRefusesChangedFiles: a file the experiment reads changes
// between its shards (a vendor re-adjusts a table's history keeping its
// dates, a scenario's move is edited, a funding file is refreshed). The
// merge used to take each shard's runs as they were computed, beside runs
// of the new file, and exit 0; it now refuses, naming the shard and the
// file, and writes nothing. A table read through a glob has a fingerprint
// (its files' SHA-256s), so manifest.json records one too.
func TestMergeRefusesChangedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 4 experiments twice over")
	}
	for _, c := range []struct {
		name, want string
		edit       func(dir string) error
	}{
		{"table glob", "its data differ", func(dir string) error {
			return writeTableBars(filepath.Join(dir, "bars", "btc.csv"), "BTC", 0.5)
		}},
		{"scenario file", "scenarios[0] (shock.toml) had sha256", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "shock.toml"), []byte(shockFile(-0.1)), 0o644)
		}},
		{"funding file", "costs.symbols.BTC.funding_file (funding.csv) had sha256", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "funding.csv"), []byte(fundingFile(0.001)), 0o644)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "bars"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, w := range []error{
				writeTableBars(filepath.Join(dir, "bars", "btc.csv"), "BTC", 1),
				writeTableBars(filepath.Join(dir, "bars", "eth.csv"), "ETH", 1),
				os.WriteFile(filepath.Join(dir, "shock.toml"), []byte(shockFile(-0.5)), 0o644),
				os.WriteFile(filepath.Join(dir, "funding.csv"), []byte(fundingFile(0.0001)), 0o644),
				os.WriteFile(filepath.Join(dir, "x.toml"), []byte(`name = "files"
seed = 1
start = "2024-01-01"
scenarios = ["shock.toml"]
[data]
table = "bars/*.csv"
[data.classes]
BTC = "crypto"
ETH = "crypto"
[costs.symbols.BTC]
funding_file = "funding.csv"
[[strategy]]
name = "btc"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
[[strategy]]
name = "eth"
type = "buy-and-hold"
[strategy.params]
symbols = ["ETH"]
`), 0o644),
			} {
				if w != nil {
					t.Fatal(w)
				}
			}
			f, err := Load(filepath.Join(dir, "x.toml"))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			shards := filepath.Join(dir, "shards")
			for i := range 2 {
				if i == 1 {
					if err := c.edit(dir); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := Run(ctx, f, Options{Out: shards, Workers: 1, Shard: &Shard{Index: i, Count: 2, Source: "test"}}); err != nil {
					t.Fatalf("shard %d: %v", i, err)
				}
			}
			m, err := ReadShardManifest(filepath.Join(shards, Shard{Index: 0, Count: 2}.Name(results.Slug(f.Name))))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Inputs) != 2 || len(m.Inputs[0].SHA256) != 64 || m.Inputs[0].SHA256 != m.Inputs[1].SHA256 {
				t.Errorf("a glob table's inputs should share its fingerprint: %+v", m.Inputs)
			}
			if len(m.Files) != 2 || m.Files[0].Key != "scenarios[0]" || m.Files[1].Key != "costs.symbols.BTC.funding_file" {
				t.Errorf("shard.json files: %+v", m.Files)
			}
			dirs, err := ShardDirs([]string{shards})
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "merged")
			_, err = Merge(ctx, f, dirs, Options{Out: out, Workers: 1})
			if err == nil || !strings.Contains(err.Error(), "-shard-0-of-2 is not a shard of this experiment") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("merge: %v\nwant shard 0 refused: %s", err, c.want)
			}
			if _, serr := os.Stat(filepath.Join(out, results.Slug(f.Name))); !os.IsNotExist(serr) {
				entries, _ := os.ReadDir(out)
				t.Errorf("the refused merge wrote its folder (%v): %v", serr, entries)
			}
		})
	}
}

// writeTableBars writes 400 daily bars of sym from 2023-12-01 (a symbol
// column, for a table), its prices × scale from 2024-06-01 on.
func writeTableBars(path, sym string, scale float64) error {
	var b strings.Builder
	b.WriteString("date,symbol,open,high,low,close,volume\n")
	for k := 0; k < 400; k++ {
		t := data.Day(2023, 12, 1) + int64(k)*data.NanosPerDay
		c := 100 + float64(k%37)
		if t >= data.Day(2024, 6, 1) {
			c *= scale
		}
		fmt.Fprintf(&b, "%s,%s,%g,%g,%g,%g,1000\n", data.FormatDay(t), sym, c, c*1.01, c*0.99, c)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func shockFile(move float64) string {
	return fmt.Sprintf("name = \"my shock\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"BTC\"]\nday = 10\nmove = %g\n", move)
}

// fundingFile is BTC's funding every 8 hours of 2024 at rate.
func fundingFile(rate float64) string {
	var b strings.Builder
	b.WriteString("funding_time_utc,symbol,funding_rate,mark_price\n")
	for k := 0; k < 3*366; k++ {
		t := data.Day(2024, 1, 1) + int64(k)*8*int64(data.Hour)
		fmt.Fprintf(&b, "%s,BTCUSDT,%g,100\n", time.Unix(0, t).UTC().Format(time.RFC3339), rate)
	}
	return b.String()
}
