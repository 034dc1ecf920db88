package data

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Funding files from other tools write a perpetual's symbol their own
// way; each names the instrument it finances, read off by hand: ccxt's
// unified BASE/QUOTE:SETTLE is its base; OKX's -SWAP, Deribit's
// -PERPETUAL, Binance COIN-M's _PERP, FTX's -PERP are contract suffixes;
// KuCoin's trailing M marks a perpetual (XBTUSDTM); BitMEX and KuCoin
// write bitcoin XBT. A spelling that names no plain base (a dated future,
// a prefixed contract, a multiplied one) is kept as written, upper case,
// so a file under another symbol's table is refused, not guessed.
func TestFundingSymbolSpellings(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"BTCUSDT", "BTC"},                               // Binance/Bybit linear
		{"BTCUSDC", "BTC"},                               // Binance USDC-M
		{"BTC/USDT:USDT", "BTC"},                         // ccxt linear
		{"btc/usdt:usdt", "BTC"},                         // ccxt, lower case
		{"BTC/USD:BTC", "BTC"},                           // ccxt inverse
		{"ETH/USDC:USDC", "ETH"},                         // ccxt (Hyperliquid, …)
		{"BTC-USDT-SWAP", "BTC"},                         // OKX linear
		{"BTC-USD-SWAP", "BTC"},                          // OKX inverse
		{"XBTUSD", "BTC"},                                // BitMEX inverse
		{"XBTUSDT", "BTC"},                               // BitMEX linear
		{"XBTUSDTM", "BTC"},                              // KuCoin linear
		{"XBTUSDM", "BTC"},                               // KuCoin inverse
		{"ETHUSDTM", "ETH"},                              // KuCoin
		{"BTC-PERP", "BTC"},                              // FTX, dYdX v3 exports
		{"BTC-PERPETUAL", "BTC"},                         // Deribit
		{"BTCUSD_PERP", "BTC"},                           // Binance COIN-M
		{"BTCUSD", "BTC"},                                // Bybit inverse
		{"BTC-USD", "BTC"},                               // dYdX
		{"SOL", "SOL"},                                   // Hyperliquid: the coin alone
		{" ethusdt ", "ETH"},                             // spaces and case
		{"1000PEPEUSDT", "1000PEPE"},                     // 1,000 PEPE a contract: not PEPE's price, kept
		{"BTC/USDT:USDT-240628", "BTC/USDT:USDT-240628"}, // ccxt dated future: no funding, kept
		{"PF_XBTUSD", "PF_XBTUSD"},                       // Kraken futures prefix: kept
		{"ETHBTC", "ETHBTC"},                             // quoted in BTC: kept
		{"USDT", "USDT"},                                 // a quote alone is no pair
	} {
		t.Run(tc.raw, func(t *testing.T) {
			if got := FundingSymbol(tc.raw); got != tc.want {
				t.Errorf("FundingSymbol(%q) = %q, want %q", tc.raw, got, tc.want)
			}
			in := "funding_time_utc,symbol,funding_rate\n2026-03-16T08:00:00Z," + tc.raw + ",0.0001\n"
			f, err := ParseFunding(strings.NewReader(in), "f.csv")
			if err != nil {
				t.Fatal(err)
			}
			if f.Symbol != tc.want || f.Raw != strings.TrimSpace(tc.raw) || f.Line != 2 {
				t.Errorf("ParseFunding: symbol %q raw %q line %d, want %q %q 2", f.Symbol, f.Raw, f.Line, tc.want, strings.TrimSpace(tc.raw))
			}
		})
	}
}

// mark_price is read but the engine never uses it: an export that
// writes 0 (or NaN, or nothing) for an unknown mark is read with the
// mark unknown (NaN), its rates as written. A mark that is garbage,
// negative, infinite or hexadecimal is still refused, naming the file,
// line and column.
func TestParseFundingUnknownMark(t *testing.T) {
	h := "funding_time_utc,symbol,funding_rate,mark_price\n"
	in := h + "2021-01-02T00:00:00Z,BTCUSDT,0.0001,0\n" +
		"2021-01-02T08:00:00Z,BTCUSDT,0.0002,0.0\n" +
		"2021-01-02T16:00:00Z,BTCUSDT,0.0003,\n" +
		"2021-01-03T00:00:00Z,BTCUSDT,0.0004,NaN\n" +
		"2021-01-03T08:00:00Z,BTCUSDT,0.0005,32000.5\n"
	f, err := ParseFunding(strings.NewReader(in), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != 5 || f.Rates[0] != 0.0001 || f.Rates[4] != 0.0005 {
		t.Fatalf("rates %v", f.Rates)
	}
	for k := 0; k < 4; k++ {
		if !math.IsNaN(f.Marks[k]) {
			t.Errorf("mark %d = %g, want NaN (unknown)", k, f.Marks[k])
		}
	}
	if f.Marks[4] != 32000.5 {
		t.Errorf("mark 4 = %g, want 32000.5", f.Marks[4])
	}
	for _, tc := range []struct{ in, want string }{
		{h + "2021-01-02T00:00:00Z,BTCUSDT,0.0001,abc\n", `f.csv:2: mark_price "abc" is not a positive number`},
		{h + "2021-01-02T00:00:00Z,BTCUSDT,0.0001,1\n2021-01-02T08:00:00Z,BTCUSDT,0.0001,-5\n", `f.csv:3: mark_price "-5" is not a positive number`},
		{h + "2021-01-02T00:00:00Z,BTCUSDT,0.0001,Inf\n", `f.csv:2: mark_price "Inf" is not a positive number`},
		{h + "2021-01-02T00:00:00Z,BTCUSDT,0.0001,0x1p14\n", `f.csv:2: mark_price "0x1p14" is not a positive number`},
		// The used column: NaN and garbage refused as before.
		{h + "2021-01-02T00:00:00Z,BTCUSDT,NaN,0\n", `f.csv:2: funding_rate "NaN" is not a finite number`},
		{h + "2021-01-02T00:00:00Z,BTCUSDT,,0\n", `f.csv:2: funding_rate "" is not a finite number`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := ParseFunding(strings.NewReader(tc.in), "f.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// Hexadecimal floats are refused in rate files, as the price reader
// refuses them (data/duckdb parseFloat): strconv.ParseFloat reads
// "0x1p-3" as 0.125 and "0x1p-14" as 0.00006103515625, numbers no
// exchange or protocol writes; so are digit separators ("1_0").
func TestRateFilesRefuseHexFloats(t *testing.T) {
	fh := "funding_time_utc,symbol,funding_rate\n2021-01-02T00:00:00Z,BTCUSDT,"
	rh := "time_utc,asset,supply_rate,borrow_rate\n2020-12-02T18:00:45Z,usdc,"
	for _, tc := range []struct {
		name, in, want string
		rates          bool
	}{
		{"funding hex", fh + "0x1p-14\n", `f.csv:2: funding_rate "0x1p-14" is not a finite number`, false},
		{"funding hex upper", fh + "0X1P-14\n", `f.csv:2: funding_rate "0X1P-14" is not a finite number`, false},
		{"funding negative hex", fh + "-0x1p-14\n", `f.csv:2: funding_rate "-0x1p-14" is not a finite number`, false},
		{"funding underscore", fh + "0.000_1\n", `f.csv:2: funding_rate "0.000_1" is not a finite number`, false},
		{"supply hex", rh + "0x1p-3,0.2\n", `f.csv:2: supply_rate "0x1p-3" is not a finite number`, true},
		{"borrow hex", rh + "0.01,0x1p-3\n", `f.csv:2: borrow_rate "0x1p-3" is not a finite number`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.rates {
				_, err = ParseRates(strings.NewReader(tc.in), "f.csv")
			} else {
				_, err = ParseFunding(strings.NewReader(tc.in), "f.csv")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
