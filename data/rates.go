package data

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// RateSeries is a lending market's rate history (a DeFi pool such as
// Aave's or Compound's), in time order: from Times[k] until Times[k+1]
// (the last row until the end of time) the asset lent earns Supply[k] a
// year and the asset borrowed pays Borrow[k] a year. Rates are annual
// fractions (0.05 = 5 % a year) over a year of RateYearDays days, as the
// protocols quote them.
type RateSeries struct {
	Asset  string // canonical: wbtc → BTC, weth → ETH, usdc → USDC
	Raw    string // the asset as written in the file
	Source string // the file it was read from
	// Dated is true for a file of dates (YYYY-MM-DD) rather than times:
	// each date's rates hold from the end of that day (see ParseRates).
	Dated  bool
	Times  []int64
	Supply []float64
	Borrow []float64
	// Lines are the file's line of each row, for notes that name one.
	Lines []int
	Line  int // the file's line of the first row, where Raw is written
}

// Len is the number of rows.
func (r *RateSeries) Len() int { return len(r.Times) }

// At returns the index of the row in force at t (the last at or before
// t), -1 before the first.
func (r *RateSeries) At(t int64) int {
	return sort.Search(len(r.Times), func(k int) bool { return r.Times[k] > t }) - 1
}

// RateYearDays is the year of a lending rate file: DeFi protocols
// annualise over 365 days (Aave's SECONDS_PER_YEAR, Compound's
// blocks per year of 365 days), leap years or not.
const RateYearDays = 365.0

// MaxLendingRate bounds an annual rate in a lending rate file: 10,
// 1,000 % a year. A pool's borrow rate past its utilisation kink reaches
// 100 % and more (the shared Aave v2 WETH file: 1.03); 25 for 25 % is a
// file in percent.
const MaxLendingRate = 10.0

// ReadRates reads a lending rate CSV file (see ParseRates).
func ReadRates(path string) (*RateSeries, error) {
	fh, _, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer fh.Close()
	return ParseRates(fh, path)
}

// ParseRates parses the lending rate layout
//
//	time_utc,asset,supply_rate,borrow_rate    (Aave: a snapshot a day)
//	date,asset,supply_rate,borrow_rate        (Compound: a rate a day)
//
// (columns found by header name, in any order; others are ignored).
// time_utc is an RFC 3339 time with its zone (2020-12-02T18:00:45Z),
// converted to UTC: the row's rates hold from that instant. A date
// (2020-11-10) holds from the end of its day, 00:00 UTC of the next: the
// rate of a day is known once the day is over, and holding it from the
// day's start would charge it before it was seen. Rates are annual
// fractions (or percents with their sign, 5% = 0.05), within
// [0, MaxLendingRate]. One asset per file. Rows are returned sorted by
// time. Errors name the file and line: a missing column, a column it reads named twice, both or neither
// time column, an unparsable time or rate, a time outside Unix
// nanoseconds (past 2262-04-11, before 1677-09-21), a NaN, negative or too large
// rate, a second asset (spellings that differ only in case, usdc and
// USDC, are one, unless RateAsset reads them as two: aUSDC and AUSDC), a
// duplicated time, no rows.
func ParseRates(r io.Reader, name string) (*RateSeries, error) {
	const layout = "time_utc (or date),asset,supply_rate,borrow_rate"
	kc, err := newKeyedCSV(r, name, layout, "time_utc", "date", "asset", "supply_rate", "borrow_rate")
	if err != nil {
		return nil, err
	}
	col := kc.col
	tc, hasTime := col["time_utc"]
	dc, hasDate := col["date"]
	out := &RateSeries{Source: name}
	switch {
	case hasTime && hasDate:
		return nil, &RowError{File: name, Row: 1, Msg: fmt.Sprintf("both a time_utc and a date column (header %q): which one stamps the rates?", kc.header())}
	case hasDate:
		tc, out.Dated = dc, true
	case !hasTime:
		return nil, &RowError{File: name, Row: 1, Msg: fmt.Sprintf("no time_utc or date column (header %q; want %s)", kc.header(), layout)}
	}
	idx := [3]int{}
	for k, n := range []string{"asset", "supply_rate", "borrow_rate"} {
		c, ok := col[n]
		if !ok {
			return nil, &RowError{File: name, Row: 1, Msg: fmt.Sprintf("no %s column (header %q; want %s)", n, kc.header(), layout)}
		}
		idx[k] = c
	}
	type row struct {
		t              int64
		supply, borrow float64
		line           int
	}
	var rows []row
	for {
		more, err := kc.next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		line, field := kc.line, kc.field
		var t int64
		if out.Dated {
			d, err := time.Parse(time.DateOnly, field(tc))
			if err != nil {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("date %q is not a date YYYY-MM-DD", Clip(field(tc)))}
			}
			dn, ok := unixNanos(d)
			if !ok || dn > math.MaxInt64-NanosPerDay {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("date %q is outside the dates whose end Unix nanoseconds hold (1677-09-22 to 2262-04-10)", Clip(field(tc)))}
			}
			t = dn + NanosPerDay // known at the day's end
		} else {
			ts, err := time.Parse(time.RFC3339Nano, field(tc))
			if err != nil {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("time_utc %q is not an RFC 3339 time with its zone (2020-12-02T18:00:45Z)", Clip(field(tc)))}
			}
			var ok bool
			if t, ok = unixNanos(ts); !ok {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("time_utc %q is outside %s", Clip(field(tc)), nanosRange)}
			}
		}
		asset := field(idx[0])
		if asset == "" {
			return nil, &RowError{File: name, Row: line, Msg: "asset is empty"}
		}
		if out.Raw == "" {
			out.Raw, out.Line = asset, line
		} else if !strings.EqualFold(asset, out.Raw) {
			// Spellings that differ in case name one asset (usdc, USDC);
			// any other difference is another pool, even of the same
			// asset (USDC.e beside USDC: a bridged token's pool and the
			// native one lend at their own rates), refused.
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("asset %q differs from %q above (one asset per file)", Clip(asset), out.Raw)}
		} else if asset != out.Raw && RateAsset(asset) != RateAsset(out.Raw) {
			// Two cases that RateAsset reads as two assets (aUSDC is
			// USDC's receipt token, AUSDC a name kept as written): the
			// file's asset was the first row's, so the file's order
			// decided which pool it was.
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("asset %q and %q (line %d) differ only in case but read as two assets, %s and %s: which pool is the file's? Write one spelling",
				Clip(asset), out.Raw, out.Line, RateAsset(asset), RateAsset(out.Raw))}
		}
		var v [2]float64
		for k, n := range []string{"supply_rate", "borrow_rate"} {
			txt := field(idx[k+1])
			x, err := parseRate(txt)
			switch {
			case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("%s %q is not a finite number", n, Clip(txt))}
			case x < 0:
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("%s %s is negative: a lending rate is >= 0", n, txt)}
			case x > MaxLendingRate:
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("%s %s is beyond %g (%g %% a year): rates are annual fractions (0.05 = 5 %%); is the file in percent?", n, txt, MaxLendingRate, 100*MaxLendingRate)}
			}
			v[k] = x
		}
		rows = append(rows, row{t, v[0], v[1], line})
	}
	if len(rows) == 0 {
		return nil, &RowError{File: name, Msg: "no rate rows"}
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].t < rows[b].t })
	n := len(rows)
	out.Times, out.Supply, out.Borrow, out.Lines = make([]int64, n), make([]float64, n), make([]float64, n), make([]int, n)
	for k, e := range rows {
		if k > 0 && e.t == rows[k-1].t {
			what := "time " + FormatTime(e.t)
			if out.Dated {
				what = "date " + FormatDay(e.t-NanosPerDay)
			}
			return nil, &RowError{File: name, Row: e.line, Msg: fmt.Sprintf("duplicate %s (also at line %d)", what, rows[k-1].line)}
		}
		out.Times[k], out.Supply[k], out.Borrow[k], out.Lines[k] = e.t, e.supply, e.borrow, e.line
	}
	out.Asset = RateAsset(out.Raw)
	return out, nil
}

// RateAsset is the instrument a lending market's asset stands for: a
// wrapped coin is the coin (wbtc → BTC, weth → ETH), any other its name
// in capitals (link → LINK, usdc → USDC). Other tools' spellings of a
// pool's asset are read as the asset whose pool it is:
//
//   - Aave's receipt tokens, a lower-case a, the market on v3 (Eth, Pol,
//     Arb, EthLido: a capital and lower case), then the asset in capitals
//     (aUSDC, aEthUSDC): they earn the asset's supply rate; its debt
//     tokens, variableDebt or stableDebt in place of the a
//     (variableDebtEthUSDC), pay its borrow rate;
//   - Compound's cTokens, a lower-case c then the asset in capitals
//     (cUSDC, cETH), cWBTC2 (its second WBTC market) and Compound III's
//     v3 suffix (cUSDCv3);
//   - a bridged token's .e or .E (USDC.e on Avalanche, Arbitrum and
//     Polygon is USDC bridged from Ethereum).
//
// Nothing is guessed past these: a spelling that does not read as one
// (AUSDC or ausdc, where the a cannot be told from the name; cbETH,
// Coinbase's staked ETH, another asset; USDbC) is kept in capitals, and
// no name is cut as a pair (aUSDC was read as the pair A/USDC). The
// experiment's borrow_rate_asset and cash_rate_asset keys map one.
func RateAsset(raw string) string {
	s := strings.TrimSpace(raw)
	if b, ok := strings.CutSuffix(s, ".e"); ok && plainName(strings.ToUpper(b)) {
		s = b
	} else if b, ok := strings.CutSuffix(s, ".E"); ok && plainName(strings.ToUpper(b)) {
		s = b
	}
	if a, ok := tokenAsset(s); ok {
		s = a
	}
	switch s = strings.ToUpper(s); s {
	case "WBTC":
		return "BTC"
	case "WETH":
		return "ETH"
	}
	return s
}

// tokenAsset is the asset of an Aave or Compound token's symbol (see
// RateAsset); false when s is not one.
func tokenAsset(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "c"); ok {
		// Compound: cUSDC, cWBTC2, cUSDCv3.
		rest = strings.TrimSuffix(rest, "v3")
		if rest == "WBTC2" {
			return "WBTC", true
		}
		return rest, plainName(rest) && !fiatCode(rest)
	}
	var rest string
	switch {
	case strings.HasPrefix(s, "a"):
		rest = s[1:]
	case strings.HasPrefix(s, "variableDebt"):
		rest = strings.TrimPrefix(s, "variableDebt")
	case strings.HasPrefix(s, "stableDebt"):
		rest = strings.TrimPrefix(s, "stableDebt")
	default:
		return "", false
	}
	// Aave v3's market: runs of a capital and lower case letters (Eth,
	// EthLido), before the asset in capitals and digits.
	for len(rest) > 1 && rest[0] >= 'A' && rest[0] <= 'Z' && rest[1] >= 'a' && rest[1] <= 'z' {
		k := 1
		for k < len(rest) && rest[k] >= 'a' && rest[k] <= 'z' {
			k++
		}
		rest = rest[k:]
	}
	return rest, plainName(rest) && !fiatCode(rest)
}

// fiatCode reports whether s names a national currency: no Aave or
// Compound pool lends one, so a c or a before it is part of another
// stablecoin's own name (Celo's cUSD, cEUR and cREAL, Acala's aUSD), not
// a pool token's prefix.
func fiatCode(s string) bool {
	switch s {
	case "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "CNY", "BRL", "REAL", "KES", "COP", "GHS", "NGN", "XOF", "ZAR", "PHP":
		return true
	}
	return false
}

// Stablecoins lists the US-dollar stablecoins whose lending rates can
// stand for a cash rate (canonical symbols, as RateAsset gives them).
func Stablecoins() []string {
	return []string{"USDC", "USDT", "DAI", "BUSD", "TUSD", "USDP", "GUSD", "FRAX", "LUSD", "SUSD"}
}

// Stablecoin reports whether asset (canonical, as RateAsset gives it) is
// one of Stablecoins.
func Stablecoin(asset string) bool { return slices.Contains(Stablecoins(), asset) }
