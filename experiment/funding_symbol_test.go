package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// writeFundingFile writes a two-event funding file whose symbol column says
// sym: 2019-03-01 00:00 at 0.0001 and 08:00 at -0.0002.
func writeFundingFile(t *testing.T, dir, name, sym string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	body := "funding_time_utc,symbol,funding_rate,mark_price\n" +
		"2019-03-01T00:00:00Z," + sym + ",0.0001,0\n" +
		"2019-03-01T08:00:00Z," + sym + ",-0.0002,\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A funding file under [costs.symbols.BTC] written by another tool is
// BTC's when its symbol spells BTC's perpetual (ccxt, OKX, BitMEX,
// KuCoin, FTX, Deribit): its two events settle as written (times
// 2019-03-01 00:00 and 08:00 UTC, rates 0.0001 and -0.0002). A spelling
// the reader keeps as written (Kraken's PF_XBTUSD) is BTC's once
// funding_symbol says so.
func TestFundingFileSpellingsFinanceTheirInstrument(t *testing.T) {
	dir := t.TempDir()
	t0 := data.Day(2019, 3, 1)
	for _, tc := range []struct{ sym, extra string }{
		{"BTC/USDT:USDT", ""},
		{"BTC-USDT-SWAP", ""},
		{"BTCUSDT", ""},
		{"XBTUSD", ""},
		{"XBTUSDTM", ""},
		{"BTC-PERP", ""},
		{"BTC-PERPETUAL", ""},
		{"PF_XBTUSD", "funding_symbol = \"PF_XBTUSD\"\n"},
		{"1000BTCUSDT", "funding_symbol = \"1000btcusdt\"\n"}, // case as the user writes it
	} {
		t.Run(tc.sym, func(t *testing.T) {
			p := writeFundingFile(t, dir, strings.NewReplacer("/", "_", ":", "_").Replace(tc.sym)+".csv", tc.sym)
			f, err := Parse("x.toml", "name = \"x\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\"]\n[costs.symbols.BTC]\nfunding_file = \""+p+"\"\n"+tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := f.engineBase(engine.Registry{}, classesOf(map[string]data.Class{"BTC": data.Crypto}))
			if err != nil {
				t.Fatal(err)
			}
			fu := cfg.Symbols["BTC"].Funding
			if len(fu.Times) != 2 || fu.Times[0] != t0 || fu.Times[1] != t0+8*3600e9 || fu.Rates[0] != 0.0001 || fu.Rates[1] != -0.0002 {
				t.Errorf("funding times %v rates %v, want [%d %d] [0.0001 -0.0002]", fu.Times, fu.Rates, t0, t0+8*3600e9)
			}
		})
	}
}

// A funding file that is not the table's instrument's is refused naming
// the key, the file and its line, the symbol as written, the
// experiment's instruments, and how to map it (funding_symbol), or the
// table it belongs under when it is another instrument's.
func TestFundingFileSymbolMismatchSaysHowToMap(t *testing.T) {
	dir := t.TempDir()
	eth := writeFundingFile(t, dir, "eth.csv", "ETH/USDT:USDT")
	kraken := writeFundingFile(t, dir, "kraken.csv", "PF_XBTUSD")
	dated := writeFundingFile(t, dir, "dated.csv", "BTC/USDT:USDT-240628")
	base := "name = \"x\"\nstart = \"2019-03-01\"\nend = \"2019-06-01\"\n[data]\nsynthetic = true\n[[strategy]]\nname = \"h\"\ntype = \"buy-and-hold\"\n[strategy.params]\nsymbols = [\"BTC\", \"ETH\", \"NVDA\"]\n[costs.symbols.BTC]\n%s"
	for _, tc := range []struct{ name, table, want string }{
		{"another instrument's", "funding_file = \"" + eth + "\"\n",
			`costs.symbols.BTC.funding_file: ` + eth + `:2: symbol "ETH/USDT:USDT" is ETH's perpetual, not BTC's (the experiment's instruments: BTC, ETH, NVDA): set the file under [costs.symbols.ETH]`},
		{"unknown spelling", "funding_file = \"" + kraken + "\"\n",
			`costs.symbols.BTC.funding_file: ` + kraken + `:2: symbol "PF_XBTUSD" names no instrument (the experiment's instruments: BTC, ETH, NVDA): if it is BTC's perpetual, add funding_symbol = "PF_XBTUSD" to [costs.symbols.BTC]`},
		{"dated future", "funding_file = \"" + dated + "\"\n",
			`:2: symbol "BTC/USDT:USDT-240628" names no instrument`},
		{"funding_symbol not the file's", "funding_file = \"" + kraken + "\"\nfunding_symbol = \"XBTUSD\"\n",
			`costs.symbols.BTC.funding_symbol = "XBTUSD": the file ` + kraken + ` writes "PF_XBTUSD" (line 2)`},
		{"funding_symbol alone", "funding_rate = 0.0001\nfunding_symbol = \"XBTUSD\"\n",
			`costs.symbols.BTC.funding_symbol: names the symbol a funding_file writes; set one beside it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("x.toml", fmt.Sprintf(base, tc.table))
			if err == nil {
				_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant %q", err, tc.want)
			}
		})
	}
}

// A funding file whose rows spell the symbol in two cases (BTCUSDT,
// btcusdt, BtcUsdt: two exports joined) finances BTC, by hand. BTC is
// flat at 100 from 2024-01-01 to 01-06; "long" (weights BTC = 0.5 of
// 20,000, no commission) buys 100 at the 01-02 open: 10,000 of notional.
// The file's three events, 2024-01-03 at 00:00 (+0.0001), 08:00
// (+0.0002) and 16:00 (−0.0001), settle together at 01-03's step on the
// close of 100:
//
//	100 × 100 × (0.0001 + 0.0002 − 0.0001) = 10,000 × 0.0002 = 2.00 paid
//
// and nothing on any other day (no event outside 01-03). The file was
// refused at its line 3 as a second symbol.
func TestFundingFileSymbolInTwoCasesByHand(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	for k := range 6 {
		fmt.Fprintf(&b, "%s,100,100,100,100,100,1000000\n", data.FormatDay(data.Day(2024, 1, 1)+int64(k)*data.NanosPerDay))
	}
	if err := os.MkdirAll(filepath.Join(dir, "prices"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"prices/BTC.csv": b.String(),
		"funding.csv": "funding_time_utc,symbol,funding_rate\n" +
			"2024-01-03T00:00:00Z,BTCUSDT,0.0001\n" +
			"2024-01-03T08:00:00Z,btcusdt,0.0002\n" +
			"2024-01-03T16:00:00Z,BtcUsdt,-0.0001\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runIn(t, dir, `
name = "funding case"
seed = 1
cash = 20_000.0
commission_bps = 0.0
[data]
dir = "prices"
[costs.symbols.BTC]
funding_file = "funding.csv"
[[strategy]]
name = "long"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Runs) != 1 {
		t.Fatalf("%d runs", len(out.Runs))
	}
	r := out.Runs[0].Result
	got := byDay(r, engine.CostFunding)
	if len(got) != 1 || math.Abs(got["2024-01-03"]-2) > 1e-9 || math.Abs(r.Costs.Funding-2) > 1e-9 {
		t.Errorf("funding %v (total %.12f), want 2.00 on 2024-01-03 only", got, r.Costs.Funding)
	}
}
