package data

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFunding(t *testing.T) {
	in := "funding_time_utc,symbol,funding_rate,mark_price\n" +
		"2019-09-10T16:00:00Z,BTCUSDT,-0.0002,10100.5\n" +
		"2019-09-10T08:00:00Z,BTCUSDT,0.0001,\n" + // out of order: sorted
		"2026-06-29T00:00:00.006000Z,BTCUSDT,3.112e-05,59550.3\n"
	f, err := ParseFunding(strings.NewReader(in), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if f.Symbol != "BTC" || f.Raw != "BTCUSDT" || f.Len() != 3 {
		t.Fatalf("%+v", f)
	}
	t0 := Day(2019, 9, 10) + 8*3600e9
	if f.Times[0] != t0 || f.Times[1] != t0+8*3600e9 || f.Rates[0] != 0.0001 || f.Rates[1] != -0.0002 {
		t.Fatalf("times %v rates %v", f.Times, f.Rates)
	}
	if !math.IsNaN(f.Marks[0]) || f.Marks[1] != 10100.5 {
		t.Fatalf("marks %v", f.Marks)
	}
	// 6 ms past midnight, as Binance writes it.
	if f.Times[2] != Day(2026, 6, 29)+6e6 {
		t.Fatalf("fractional time %d", f.Times[2]-Day(2026, 6, 29))
	}
	// OKX swap names and no mark column.
	g, err := ParseFunding(strings.NewReader("funding_time_utc,symbol,funding_rate\n2026-03-16T08:00:00Z,BTC-USDT-SWAP,7.8885664794e-05\n"), "okx.csv")
	if err != nil || g.Symbol != "BTC" || !math.IsNaN(g.Marks[0]) {
		t.Fatalf("%+v %v", g, err)
	}
}

func TestParseFundingErrorsNameFileAndLine(t *testing.T) {
	h := "funding_time_utc,symbol,funding_rate\n"
	for _, tc := range []struct{ in, want string }{
		{"", "f.csv: empty file"},
		{"time,symbol,rate\n", "f.csv:1: no funding_time_utc column"},
		{h + "2019-09-10T08:00:00Z,BTCUSDT,0.0001\n2019-09-10 16:00,BTCUSDT,0.0001\n", "f.csv:3: funding_time_utc \"2019-09-10 16:00\""},
		{h + "2019-09-10T08:00:00Z,BTCUSDT,abc\n", "f.csv:2: funding_rate \"abc\""},
		{h + "2019-09-10T08:00:00Z,BTCUSDT,NaN\n", "f.csv:2: funding_rate \"NaN\""},
		{h + "2019-09-10T08:00:00Z,BTCUSDT,0.1\n2019-09-10T16:00:00Z,ETHUSDT,0.1\n", "f.csv:3: symbol \"ETHUSDT\" differs"},
		{h + "2019-09-10T08:00:00Z,BTCUSDT,0.1\n2019-09-10T08:00:00Z,BTCUSDT,0.02\n", "f.csv:3: duplicate funding time 2019-09-10T08:00:00Z (also at line 2)"},
		// The same settlement written twice, once to the second (the
		// vivowa copy of Binance's BTCUSDT history) and once with
		// Binance's millisecond offset (the shared file): two files
		// concatenated charged 2021-01-03's 00:00 event twice, 18 ms
		// apart. Events under a minute apart are one settlement.
		{h + "2021-01-03T00:00:00.018000Z,BTCUSDT,0.00124058\n2021-01-02T16:00:00Z,BTCUSDT,0.00115471\n2021-01-03T00:00:00Z,BTCUSDT,0.00124058\n", "f.csv:2: funding time 2021-01-03T00:00:00.018Z is 18ms after 2021-01-03T00:00:00Z (line 4)"},
		{h + "2021-01-03T00:00:00Z,BTCUSDT,0.0001\n2021-01-03T00:00:59Z,BTCUSDT,0.0001\n", "f.csv:3: funding time 2021-01-03T00:00:59Z is 59s after 2021-01-03T00:00:00Z (line 2)"},
		// A decimal comma (0,0001 unquoted) splits the rate into two
		// fields: the rate read 0 and the rest was dropped.
		{h + "2021-01-03T00:00:00Z,BTCUSDT,0,0001\n", "f.csv:2: 4 fields, the header 3"},
		// A rate in percent, or a bad row: 5 a settlement ruined the run.
		{h + "2019-09-10T08:00:00Z,BTCUSDT,0.0001\n2019-09-10T16:00:00Z,BTCUSDT,-50\n", "f.csv:3: funding_rate -50 is beyond ±0.1 per settlement"},
		{h, "f.csv: no funding rows"},
		// A column the reader uses, named twice: the last one was read
		// without a word (0.5 here, refused only by the bound; 0.0002
		// would have been charged in place of 0.0001).
		{"funding_time_utc,symbol,funding_rate,funding_rate\n2019-09-10T08:00:00Z,BTCUSDT,0.0001,0.0002\n", `f.csv:1: column "funding_rate" is named twice in the header (columns 3 and 4)`},
		{"funding_time_utc,symbol,Symbol,funding_rate\n2019-09-10T08:00:00Z,BTCUSDT,ETHUSDT,0.0001\n", `f.csv:1: column "symbol" is named twice in the header (columns 2 and 3)`},
	} {
		_, err := ParseFunding(strings.NewReader(tc.in), "f.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("input %q: error %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("input %q: %v does not wrap ErrInvalid", tc.in, err)
		}
	}
}

// The shared funding files ($DIVERGENCE_DATA/other/funding, else
// ../shared/data beside the checkout, and other/more/funding when there;
// DIVERGENCE_DATA may also name the prices folder beside other/): every one reads, one symbol each (BTCUSDT and
// BTC-USDT-SWAP both BTC), its events strictly increasing and within the
// ±10 % bound. The Binance BTCUSDT history is 8-hourly from 2019-09-10
// 08:00 to 2026-06-29 00:00:00.006, none missing: 2 events on the first
// day (08:00, 16:00), 3 on each of the 2,483 days from 2019-09-11
// through 2026-06-28, 1 on the last (00:00): 2 + 2,483 × 3 + 1 = 7,452.
func TestReadSharedFundingFiles(t *testing.T) {
	d := os.Getenv("DIVERGENCE_DATA")
	if d == "" {
		d = "../../shared/data" // beside the checkout, as CI has it
	}
	if filepath.Base(filepath.Clean(d)) == "prices" {
		d = filepath.Dir(filepath.Clean(d))
	}
	var files []string
	for _, g := range []string{"other/funding/*.csv", "other/funding/*/*.csv", "other/more/funding/*.csv"} {
		m, _ := filepath.Glob(filepath.Join(d, g))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no funding files under %s/other/funding (DIVERGENCE_DATA)", d)
	}
	for _, path := range files {
		f, err := ReadFunding(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		// The file names the pair: binance_usdm_BTCUSDT_funding.csv,
		// binance_usdm_recent/TAOUSDT.csv, okx_BTC_swap_funding.csv.
		if !strings.Contains(strings.ToUpper(filepath.Base(path)), f.Symbol) {
			t.Errorf("%s: symbol %s (%q) not in the file's name", path, f.Symbol, f.Raw)
		}
		for k := range f.Times {
			if k > 0 && f.Times[k] <= f.Times[k-1] {
				t.Errorf("%s: event %d out of order", path, k)
				break
			}
			if math.Abs(f.Rates[k]) > MaxFundingRate {
				t.Errorf("%s: rate %g", path, f.Rates[k])
				break
			}
		}
		if filepath.Base(path) == "binance_usdm_BTCUSDT_funding.csv" {
			if f.Symbol != "BTC" || f.Len() != 7452 || f.Times[0] != Day(2019, 9, 10)+8*3600e9 || f.Times[f.Len()-1] != Day(2026, 6, 29)+6e6 {
				t.Errorf("%s: symbol %s, %d events, first %s, last %s", path, f.Symbol, f.Len(), FormatTime(f.Times[0]), FormatTime(f.Times[f.Len()-1]))
			}
		}
	}
	t.Logf("%d funding files read", len(files))
}

// A rate written in percent with its sign, as exchanges' web pages and
// exports show it, is read as the fraction it says: 0.010000% =
// 0.010000 / 100 = 0.0001 and -0.0375% = -0.000375 (the same doubles as
// the fractions written out); 15% = 0.15 is beyond the ±0.1 bound.
func TestParseFundingPercentSign(t *testing.T) {
	in := "funding_time_utc,symbol,funding_rate\n" +
		"2021-01-02T00:00:00Z,BTCUSDT,0.010000%\n" +
		"2021-01-02T08:00:00Z,BTCUSDT, -0.0375 %\n" +
		"2021-01-02T16:00:00Z,BTCUSDT,0.0001\n"
	f, err := ParseFunding(strings.NewReader(in), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if f.Rates[0] != 0.0001 || f.Rates[1] != -0.000375 || f.Rates[2] != 0.0001 {
		t.Fatalf("rates %v, want [0.0001 -0.000375 0.0001]", f.Rates)
	}
	for _, tc := range []struct{ rate, want string }{
		{"15%", "f.csv:2: funding_rate 15% is beyond ±0.1 per settlement"},
		{"%", `f.csv:2: funding_rate "%" is not a finite number`},
		{"NaN%", `f.csv:2: funding_rate "NaN%" is not a finite number`},
	} {
		_, err := ParseFunding(strings.NewReader("funding_time_utc,symbol,funding_rate\n2021-01-02T00:00:00Z,BTCUSDT,"+tc.rate+"\n"), "f.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.rate, err, tc.want)
		}
	}
}

// A column the readers do not use may repeat (an export's two note
// columns): only a column they read is refused when named twice.
func TestKeyedCSVIgnoredColumnTwice(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"funding", "note,funding_time_utc,symbol,funding_rate,note\nx,2019-09-10T08:00:00Z,BTCUSDT,0.0001,y\n"},
		{"rates", "note,date,asset,supply_rate,borrow_rate,note\nx,2020-11-10,usdc,0.05,0.09,y\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.name == "funding" {
				_, err = ParseFunding(strings.NewReader(tc.in), "f.csv")
			} else {
				_, err = ParseRates(strings.NewReader(tc.in), "f.csv")
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A funding file's symbol spelt in two cases (BTCUSDT, btcusdt: two
// exports of one history joined) is one perpetual, as a lending rate
// file's asset is (usdc beside USDC): the case of a symbol says nothing
// (FundingSymbol reads both as BTC, funding_symbol maps either), so the
// rows were refused as a second symbol for no reason. Raw keeps the first
// row's spelling, for messages. Another symbol is still refused.
func TestParseFundingSymbolCase(t *testing.T) {
	for _, tc := range []struct{ name, syms, want string }{
		{"upper then lower", "BTCUSDT,btcusdt,BtcUsdt", ""},
		{"lower then upper", "btcusdt,BTCUSDT,BTCUSDT", ""},
		{"ccxt in two cases", "BTC/USDT:USDT,btc/usdt:usdt,BTC/USDT:USDT", ""},
		{"another symbol", "BTCUSDT,btcusdt,ethusdt", `f.csv:4: symbol "ethusdt" differs from "BTCUSDT" above (one symbol per file)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := strings.Split(tc.syms, ",")
			in := "funding_time_utc,symbol,funding_rate\n" +
				"2021-01-02T00:00:00Z," + s[0] + ",0.0001\n" +
				"2021-01-02T08:00:00Z," + s[1] + ",0.0002\n" +
				"2021-01-02T16:00:00Z," + s[2] + ",-0.0001\n"
			f, err := ParseFunding(strings.NewReader(in), "f.csv")
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Symbol != "BTC" || f.Raw != s[0] || f.Len() != 3 || f.Rates[0] != 0.0001 || f.Rates[1] != 0.0002 || f.Rates[2] != -0.0001 {
				t.Errorf("symbol %s raw %q, %d events, rates %v; want BTC, %q, 3, [0.0001 0.0002 -0.0001]", f.Symbol, f.Raw, f.Len(), f.Rates, s[0])
			}
		})
	}
}
