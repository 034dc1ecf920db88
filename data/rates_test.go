package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An Aave layout out of order is sorted; a wrapped coin is the coin; a
// Compound layout's date holds from the end of its day (2020-11-10's
// rates from 2020-11-11 00:00 UTC); an offset is converted to UTC.
func TestParseRates(t *testing.T) {
	in := "time_utc,asset,supply_rate,borrow_rate\n" +
		"2020-12-03T23:37:05Z,wbtc,0.002,0.0176\n" +
		"2020-12-02T18:00:45Z,wbtc,0.0001,0.0042\n" +
		"2020-12-05T01:00:00+02:00,wbtc,5%,10%\n" // 2020-12-04T23:00:00Z
	r, err := ParseRates(strings.NewReader(in), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Asset != "BTC" || r.Raw != "wbtc" || r.Dated || r.Len() != 3 {
		t.Fatalf("%+v", r)
	}
	d2 := Day(2020, 12, 2)
	if r.Times[0] != d2+18*3600e9+45e9 || r.Borrow[0] != 0.0042 || r.Supply[1] != 0.002 || r.Lines[0] != 3 {
		t.Fatalf("times %v borrow %v supply %v lines %v", r.Times, r.Borrow, r.Supply, r.Lines)
	}
	if r.Times[2] != Day(2020, 12, 4)+23*3600e9 || r.Supply[2] != 0.05 || r.Borrow[2] != 0.1 {
		t.Fatalf("offset row at %s, %g, %g", FormatTime(r.Times[2]), r.Supply[2], r.Borrow[2])
	}
	// At: the row in force; a rate stamped at t holds from t, not before.
	if r.At(r.Times[0]-1) != -1 || r.At(r.Times[0]) != 0 || r.At(r.Times[1]-1) != 0 || r.At(r.Times[1]) != 1 || r.At(Day(2030, 1, 1)) != 2 {
		t.Fatalf("At")
	}
	c, err := ParseRates(strings.NewReader("date,asset,supply_rate,borrow_rate\n2020-11-10,usdc,0.057,0.0909\n2020-11-11,usdc,0.0435,0.0805\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Dated || c.Asset != "USDC" || c.Times[0] != Day(2020, 11, 11) || c.Times[1] != Day(2020, 11, 12) || c.Borrow[1] != 0.0805 {
		t.Fatalf("%+v", c)
	}
	for raw, want := range map[string]string{"weth": "ETH", "eth": "ETH", "link": "LINK", "dai": "DAI", "USDT": "USDT"} {
		if got := RateAsset(raw); got != want || (want == "DAI" || want == "USDT") != Stablecoin(got) {
			t.Errorf("RateAsset(%q) = %s (stablecoin %v), want %s", raw, got, Stablecoin(got), want)
		}
	}
}

func TestParseRatesErrorsNameFileAndLine(t *testing.T) {
	h := "time_utc,asset,supply_rate,borrow_rate\n"
	ok := "2020-12-02T18:00:45Z,wbtc,0.0001,0.0042\n"
	for _, tc := range []struct{ in, want string }{
		{"", "f.csv: empty file"},
		{"time,asset,supply_rate,borrow_rate\n", "f.csv:1: no time_utc or date column"},
		{"time_utc,date,asset,supply_rate,borrow_rate\n", "f.csv:1: both a time_utc and a date column"},
		{"time_utc,asset,supply_rate\n", "f.csv:1: no borrow_rate column"},
		{"time_utc,supply_rate,borrow_rate\n", "f.csv:1: no asset column"},
		{h + ok + "2020-12-03 23:37:05,wbtc,0.002,0.0176\n", `f.csv:3: time_utc "2020-12-03 23:37:05" is not an RFC 3339 time`},
		{h + "2020-12-03T23:37:05,wbtc,0.002,0.0176\n", `f.csv:2: time_utc "2020-12-03T23:37:05" is not an RFC 3339 time with its zone`},
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,usdc,0.05,0.09\n11/11/2020,usdc,0.05,0.09\n", `f.csv:3: date "11/11/2020" is not a date`},
		{h + ok + "2020-12-03T23:37:05Z,wbtc,0.002,\n", `f.csv:3: borrow_rate "" is not a finite number`},
		{h + "2020-12-03T23:37:05Z,wbtc,NaN,0.01\n", `f.csv:2: supply_rate "NaN" is not a finite number`},
		{h + "2020-12-03T23:37:05Z,wbtc,0.01,-0.01\n", "f.csv:2: borrow_rate -0.01 is negative"},
		// 25 for 25 %: a file in percent.
		{h + ok + "2020-12-03T23:37:05Z,wbtc,2,25\n", "f.csv:3: borrow_rate 25 is beyond 10 (1000 % a year)"},
		{h + ok + "2020-12-03T23:37:05Z,weth,0.002,0.0176\n", `f.csv:3: asset "weth" differs from "wbtc" above`},
		// Another pool of the same asset: a bridged token's beside the
		// native one's (they lend at their own rates).
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,USDC,0.05,0.09\n2020-11-11,USDC.e,0.04,0.07\n", `f.csv:3: asset "USDC.e" differs from "USDC" above`},
		// Two cases that RateAsset reads as two assets: Aave's aUSDC
		// (USDC's pool) and AUSDC (kept as written). The first row's
		// spelling was the file's asset, so the order of the rows
		// decided which pool the file was: USDC, or AUSDC.
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,aUSDC,0.05,0.09\n2020-11-11,AUSDC,0.04,0.07\n", `f.csv:3: asset "AUSDC" and "aUSDC" (line 2) differ only in case but read as two assets, AUSDC and USDC`},
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,AUSDC,0.05,0.09\n2020-11-11,aUSDC,0.04,0.07\n", `f.csv:3: asset "aUSDC" and "AUSDC" (line 2) differ only in case but read as two assets, USDC and AUSDC`},
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,cETH,0.05,0.09\n2020-11-11,CETH,0.04,0.07\n", `f.csv:3: asset "CETH" and "cETH" (line 2) differ only in case but read as two assets, CETH and ETH`},
		{h + ok + "2020-12-03T23:37:05Z,,0.002,0.0176\n", "f.csv:3: asset is empty"},
		{h + "2020-12-03T23:37:05Z,wbtc,0.002,0.0176\n" + ok + "2020-12-03T23:37:05Z,wbtc,0.003,0.0177\n", "f.csv:4: duplicate time 2020-12-03T23:37:05Z (also at line 2)"},
		{"date,asset,supply_rate,borrow_rate\n2020-11-10,usdc,0.05,0.09\n2020-11-10,usdc,0.05,0.08\n", "f.csv:3: duplicate date 2020-11-10 (also at line 2)"},
		// A decimal comma splits a rate into two fields (0,05 read as 0
		// and 05 as the next column's rate).
		{h + "2020-12-03T23:37:05Z,wbtc,0,05,0.01\n", "f.csv:2: 5 fields, the header 4"},
		{h, "f.csv: no rate rows"},
		// A column the reader uses, named twice (a variable and a
		// stable borrow rate both called borrow_rate): the last one was
		// read without a word.
		{"time_utc,asset,supply_rate,borrow_rate,borrow_rate\n" + "2020-12-02T18:00:45Z,wbtc,0.0001,0.0042,0.09\n", `f.csv:1: column "borrow_rate" is named twice in the header (columns 4 and 5)`},
		{"date,asset,supply_rate,borrow_rate, DATE\n2020-11-10,usdc,0.05,0.09,2020-11-11\n", `f.csv:1: column "date" is named twice in the header (columns 1 and 5)`},
	} {
		_, err := ParseRates(strings.NewReader(tc.in), "f.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("input %q: error %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("input %q: %v does not wrap ErrInvalid", tc.in, err)
		}
	}
}

// The shared lending rate files ($DIVERGENCE_DATA/other/borrow_rates,
// else ../shared/data beside the checkout):
// every one reads, one asset each, named in the file's name (wbtc and
// weth as BTC and ETH), strictly increasing, but compound_v2_usdt.csv,
// whose first 832 rows say usdc and its last 30 usdt: refused at its
// line 834, the first usdt row. aave_v2_wbtc.csv has 709 rows from
// 2020-12-02T18:00:45Z to 2022-11-13T23:58:23Z; compound_v2_usdc.csv's
// first date, 2020-11-10, holds from 2020-11-11.
func TestReadSharedRateFiles(t *testing.T) {
	d := os.Getenv("DIVERGENCE_DATA")
	if d == "" {
		d = "../../shared/data" // beside the checkout, as CI has it
	}
	if filepath.Base(filepath.Clean(d)) == "prices" {
		d = filepath.Dir(filepath.Clean(d))
	}
	files, _ := filepath.Glob(filepath.Join(d, "other/borrow_rates/*.csv"))
	if len(files) == 0 {
		t.Skipf("no rate files under %s/other/borrow_rates (DIVERGENCE_DATA)", d)
	}
	for _, path := range files {
		r, err := ReadRates(path)
		if filepath.Base(path) == "compound_v2_usdt.csv" {
			if err == nil || !strings.Contains(err.Error(), `compound_v2_usdt.csv:834: asset "usdt" differs from "usdc" above`) {
				t.Errorf("%s: %v, want the mixed assets refused at line 834", path, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		name := strings.ToUpper(filepath.Base(path))
		if !strings.Contains(name, "_"+strings.ToUpper(r.Raw)+".CSV") || (r.Asset != strings.ToUpper(r.Raw) && r.Asset != "BTC" && r.Asset != "ETH") {
			t.Errorf("%s: asset %s (%q) not in the file's name", path, r.Asset, r.Raw)
		}
		for k := 1; k < r.Len(); k++ {
			if r.Times[k] <= r.Times[k-1] {
				t.Errorf("%s: row %d out of order", path, k)
				break
			}
		}
		switch filepath.Base(path) {
		case "aave_v2_wbtc.csv":
			if r.Asset != "BTC" || r.Len() != 709 || FormatTime(r.Times[0]) != "2020-12-02T18:00:45Z" || FormatTime(r.Times[708]) != "2022-11-13T23:58:23Z" {
				t.Errorf("%s: %s, %d rows, %s to %s", path, r.Asset, r.Len(), FormatTime(r.Times[0]), FormatTime(r.Times[r.Len()-1]))
			}
		case "compound_v2_usdc.csv":
			if !r.Dated || r.Times[0] != Day(2020, 11, 11) || r.Len() != 689 {
				t.Errorf("%s: dated %v, first %s, %d rows", path, r.Dated, FormatTime(r.Times[0]), r.Len())
			}
		}
	}
	t.Logf("%d rate files read", len(files))
}

// RateAsset reads other tools' spellings of a pool's asset: Aave's
// receipt tokens (aUSDC, v3's aEthUSDC: a market, then the asset; their
// rate is the asset's supply rate) and debt tokens, Compound's cTokens
// (cUSDC, cWBTC2, Compound III's cUSDCv3) and bridged tokens (USDC.e). A
// spelling it cannot tell is kept, upper case, never cut as a pair:
// AUSDC, ausdc and cbETH (Coinbase's staked ETH, another asset) were read
// as the pairs A/USDC, … or kept; aUSDC was A and cUSDC C.
func TestRateAssetSpellings(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"usdc", "USDC"},
		{"weth", "ETH"},
		{"wbtc", "BTC"},
		{"aUSDC", "USDC"},                // Aave v1/v2 aToken
		{"aWETH", "ETH"},                 // … of WETH
		{"aEthUSDC", "USDC"},             // Aave v3, Ethereum market
		{"aPolUSDT", "USDT"},             // Aave v3, Polygon market
		{"aEthLidoWETH", "ETH"},          // Aave v3, Lido market
		{"variableDebtUSDC", "USDC"},     // Aave v2 debt token
		{"variableDebtEthUSDC", "USDC"},  // Aave v3 debt token
		{"stableDebtDAI", "DAI"},         // Aave v2 stable-rate debt
		{"cUSDC", "USDC"},                // Compound v2 cToken
		{"cETH", "ETH"},                  // … of ether
		{"cWBTC2", "BTC"},                // Compound's second WBTC market
		{"cUSDCv3", "USDC"},              // Compound III
		{"cWETHv3", "ETH"},               // Compound III, WETH base
		{"USDC.e", "USDC"},               // bridged (Avalanche, Arbitrum, Polygon)
		{"USDC.E", "USDC"},               // … in capitals
		{"WETH.e", "ETH"},                // bridged WETH
		{" aUSDC ", "USDC"},              // spaces
		{"AUSDC", "AUSDC"},               // capitals: a ticker of its own, not cut
		{"ausdc", "AUSDC"},               // lower case: cannot tell a from the name
		{"cbETH", "CBETH"},               // Coinbase's staked ETH: another asset
		{"stETH", "STETH"},               // Lido's staked ETH: another asset
		{"aArbUSDCn", "AARBUSDCN"},       // not a plain asset after the market: kept
		{"USDbC", "USDBC"},               // Base's bridged USDC, not spelt .e: kept
		{"BTC-USD", "BTC-USD"},           // a pair is no pool's asset: kept
		{"variableDebt", "VARIABLEDEBT"}, // no asset: kept
		{"cUSD", "CUSD"},                 // Celo Dollar, a stablecoin of its own: no pool lends USD
		{"cEUR", "CEUR"},                 // Celo Euro
		{"cREAL", "CREAL"},               // Celo Real
		{"aUSD", "AUSD"},                 // Acala's stablecoin, not an Aave token of USD
	} {
		t.Run(tc.raw, func(t *testing.T) {
			if got := RateAsset(tc.raw); got != tc.want {
				t.Errorf("RateAsset(%q) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
	// The file keeps the asset as written and the line it is on.
	r, err := ParseRates(strings.NewReader("date,asset,supply_rate,borrow_rate\n2024-01-03,aEthUSDC,0.05,0.06\n2024-01-02,aEthUSDC,0.04,0.05\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Asset != "USDC" || r.Raw != "aEthUSDC" || r.Line != 2 {
		t.Errorf("ParseRates: asset %q raw %q line %d, want USDC aEthUSDC 2", r.Asset, r.Raw, r.Line)
	}
}

// One asset spelt in two cases (a file put together from two exports,
// one writing usdc and the other USDC) is one asset: its rows read as
// one series, kept as the first spelling.
func TestParseRatesAssetCase(t *testing.T) {
	r, err := ParseRates(strings.NewReader("date,asset,supply_rate,borrow_rate\n2020-11-10,usdc,0.05,0.09\n2020-11-11,USDC,0.04,0.07\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Asset != "USDC" || r.Raw != "usdc" || len(r.Times) != 2 {
		t.Errorf("asset %q raw %q, %d rows: want USDC, usdc, 2", r.Asset, r.Raw, len(r.Times))
	}
}
