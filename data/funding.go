package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FundingSeries is a perpetual future's funding history, in time order:
// at Times[k] a position pays quantity × price × Rates[k] (rates are per
// funding interval, as fractions: 0.0001 = 0.01%; positive = longs pay
// shorts). Marks are the exchange's mark prices where the file has them,
// NaN where it has none. The engine takes Times and Rates as its
// Funding.Times and Funding.Rates.
type FundingSeries struct {
	Symbol string // the instrument it finances (FundingSymbol): BTCUSDT, BTC/USDT:USDT, XBTUSD → BTC
	Raw    string // the symbol as written in the file
	Source string // the file it was read from
	Line   int    // the file's line of the first row, where the symbol is written
	Times  []int64
	Rates  []float64
	Marks  []float64
}

// Len is the number of funding events.
func (f *FundingSeries) Len() int { return len(f.Times) }

// MaxFundingRate bounds a funding rate per settlement, in a file or a
// funding_rate key: 10%.
const MaxFundingRate = 0.1

// ReadFunding reads a funding-rate CSV file (see ParseFunding).
func ReadFunding(path string) (*FundingSeries, error) {
	fh, _, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer fh.Close()
	return ParseFunding(fh, path)
}

// ParseFunding parses the funding layout
//
//	funding_time_utc,symbol,funding_rate[,mark_price]
//
// (columns found by header name, in any order; others are ignored):
// funding_time_utc is an RFC 3339 UTC time, with or without fractional
// seconds (2019-09-10T08:00:00Z, 2026-06-29T00:00:00.006000Z); the rate is
// a decimal fraction, or a percent with its sign (0.0100% = 0.0001, as
// exchanges' pages show it); an empty mark price is NaN. Rows are returned sorted
// by time. Errors name the file and line: a missing column, an unparsable
// time or rate, a column it reads named twice in the header, a time past 2262-04-11 or before 1677-09-21 (outside
// Unix nanoseconds), a NaN or infinite rate, a second symbol in one file
// (spellings that differ only in case, btcusdt and BTCUSDT, are one), a
// duplicated time or two under a minute apart, no rows.
func ParseFunding(r io.Reader, name string) (*FundingSeries, error) {
	kc, err := newKeyedCSV(r, name, "funding_time_utc,symbol,funding_rate", "funding_time_utc", "symbol", "funding_rate", "mark_price")
	if err != nil {
		return nil, err
	}
	need := []string{"funding_time_utc", "symbol", "funding_rate"}
	idx := make([]int, 3)
	for k, n := range need {
		c, ok := kc.col[n]
		if !ok {
			return nil, &RowError{File: name, Row: 1, Msg: fmt.Sprintf("no %s column (header %q; want funding_time_utc,symbol,funding_rate[,mark_price])", n, kc.header())}
		}
		idx[k] = c
	}
	markCol, hasMark := kc.col["mark_price"]
	type ev struct {
		t          int64
		rate, mark float64
		line       int
	}
	var evs []ev
	out := &FundingSeries{Source: name}
	for {
		more, err := kc.next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
		line, field := kc.line, kc.field
		ts, err := time.Parse(time.RFC3339Nano, field(idx[0]))
		if err != nil {
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("funding_time_utc %q is not an RFC 3339 time (2019-09-10T08:00:00Z)", Clip(field(idx[0])))}
		}
		tn, ok := unixNanos(ts)
		if !ok {
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("funding_time_utc %q is outside %s", Clip(field(idx[0])), nanosRange)}
		}
		sym := field(idx[1])
		if sym == "" {
			return nil, &RowError{File: name, Row: line, Msg: "symbol is empty"}
		}
		if out.Raw == "" {
			out.Raw, out.Line = sym, line
		} else if !strings.EqualFold(sym, out.Raw) {
			// Spellings that differ in case name one perpetual
			// (btcusdt, BTCUSDT), as in a lending rate file, as
			// FundingSymbol reads them and funding_symbol maps them.
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("symbol %q differs from %q above (one symbol per file)", sym, out.Raw)}
		}
		txt := field(idx[2])
		rate, err := parseRate(txt)
		if err != nil || math.IsNaN(rate) || math.IsInf(rate, 0) {
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("funding_rate %q is not a finite number", txt)}
		}
		// The bound of the funding_rate key: exchanges cap a settlement
		// at a few percent (the real files here reach 0.74%); 5 or −50
		// is a file in percent, or a bad row, and ruined the run.
		if math.Abs(rate) > MaxFundingRate {
			if strings.HasSuffix(txt, "%") {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("funding_rate %s is beyond ±%g per settlement (%g%%)", txt, MaxFundingRate, 100*MaxFundingRate)}
			}
			return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("funding_rate %g is beyond ±%g per settlement: rates are fractions (0.0001 = 0.01%%); is the file in percent?", rate, MaxFundingRate)}
		}
		mark := math.NaN()
		if hasMark {
			mark, err = parseMark(field(markCol))
			if err != nil {
				return nil, &RowError{File: name, Row: line, Msg: fmt.Sprintf("mark_price %q is not a positive number (nor 0, NaN or empty: unknown)", Clip(field(markCol)))}
			}
		}
		evs = append(evs, ev{tn, rate, mark, line})
	}
	if len(evs) == 0 {
		return nil, &RowError{File: name, Msg: "no funding rows"}
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].t < evs[b].t })
	out.Times = make([]int64, len(evs))
	out.Rates = make([]float64, len(evs))
	out.Marks = make([]float64, len(evs))
	for k, e := range evs {
		if k > 0 && e.t == evs[k-1].t {
			return nil, &RowError{File: name, Row: e.line, Msg: fmt.Sprintf("duplicate funding time %s (also at line %d)", time.Unix(0, e.t).UTC().Format(time.RFC3339Nano), evs[k-1].line)}
		}
		// Under a minute apart: one settlement written twice, to the
		// second and with the exchange's millisecond offset (Binance's
		// 00:00:00.018), as two copies of a history concatenated give
		// it; both would be charged. No exchange settles that often.
		if k > 0 && e.t-evs[k-1].t < int64(time.Minute) {
			return nil, &RowError{File: name, Row: e.line, Msg: fmt.Sprintf("funding time %s is %s after %s (line %d): one settlement written twice? (events under a minute apart)",
				time.Unix(0, e.t).UTC().Format(time.RFC3339Nano), time.Duration(e.t-evs[k-1].t), time.Unix(0, evs[k-1].t).UTC().Format(time.RFC3339Nano), evs[k-1].line)}
		}
		out.Times[k], out.Rates[k], out.Marks[k] = e.t, e.rate, e.mark
	}
	out.Symbol = FundingSymbol(out.Raw)
	return out, nil
}

// FundingSymbol is the instrument a perpetual's symbol, as a funding file
// writes it, finances: BTC for Binance's and Bybit's BTCUSDT (and
// BTCUSDC, BTCUSD), ccxt's unified BTC/USDT:USDT and BTC/USD:BTC (the
// base), OKX's BTC-USDT-SWAP, FTX's BTC-PERP, Deribit's BTC-PERPETUAL,
// Binance COIN-M's BTCUSD_PERP, BitMEX's XBTUSD and KuCoin's XBTUSDTM (XBT
// is bitcoin; KuCoin's M marks the perpetual); a coin alone (SOL) is
// itself. A spelling whose base is not a plain name of letters and
// digits (a ccxt dated future BTC/USDT:USDT-240628, Kraken's PF_XBTUSD)
// is returned as written, upper case: a guess could finance the wrong
// instrument, and the experiment's funding_symbol key maps it. So is
// 1000PEPEUSDT (1000PEPE: a contract of 1,000 tokens).
func FundingSymbol(raw string) string {
	s := strings.ToUpper(strings.TrimSpace(raw))
	base := s
	if pair, settle, ok := strings.Cut(s, ":"); ok {
		// ccxt: BASE/QUOTE:SETTLE; a dated future adds -YYMMDD.
		b, quote, ok := strings.Cut(pair, "/")
		if !ok || !plainName(quote) || !plainName(settle) {
			return s
		}
		base = b
	} else {
		for _, suf := range []string{"-SWAP", "-PERPETUAL", "-PERP", "_PERP", "/PERP"} {
			if b, ok := strings.CutSuffix(base, suf); ok && b != "" {
				base = b
				break
			}
		}
		for _, q := range []string{"USDTM", "USDCM", "USDM"} { // KuCoin
			if strings.HasSuffix(base, q) && len(base) > len(q) {
				base = strings.TrimSuffix(base, "M")
				break
			}
		}
		if suf, ok := quoteSuffix(base); ok {
			base = strings.TrimSuffix(base, suf)
		} else if b, ok := strings.CutSuffix(base, "USD"); ok && b != "" {
			// A perpetual is quoted in something: XBTUSD, BTCUSD
			// are bitcoin's inverse contracts.
			base = b
		}
	}
	if base == "XBT" {
		base = "BTC"
	}
	if !plainName(base) {
		return s
	}
	return base
}

// plainName reports whether s is a non-empty run of A-Z and 0-9.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// parseMark parses a mark price, which the engine does not use: empty, 0
// or NaN (exports write each for a mark they lack) is unknown, NaN; else
// a positive finite number, not hexadecimal.
func parseMark(s string) (float64, error) {
	if s == "" || strings.EqualFold(s, "nan") {
		return math.NaN(), nil
	}
	m, err := parseDecimal(s)
	switch {
	case err != nil || math.IsNaN(m) || math.IsInf(m, 0) || m < 0:
		return 0, strconv.ErrSyntax
	case m == 0:
		return math.NaN(), nil
	}
	return m, nil
}

// parseDecimal is strconv.ParseFloat refusing hexadecimal floats and
// digit separators ("0x1p-3", "1_000"), as the price reader does
// (data/duckdb): no exchange or protocol writes them.
func parseDecimal(s string) (float64, error) {
	if strings.ContainsAny(s, "xX_") {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseFloat(s, 64)
}

// nanosRange says which times Unix nanoseconds (int64) hold.
const nanosRange = "the times Unix nanoseconds hold (1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z)"

// UnixNanos is t in Unix nanoseconds, or an error naming the range they
// hold when t is outside it: time.UnixNano wraps such a time into
// another date (2300-01-01 into 1715-06-13).
func UnixNanos(t time.Time) (int64, error) {
	if n, ok := unixNanos(t); ok {
		return n, nil
	}
	return 0, errors.New("outside " + nanosRange)
}

// unixNanos is t in Unix nanoseconds, and false when t is outside
// nanosRange: time.UnixNano wraps such a time round int64 into another
// (2300-01-01 read as 1715-06-13).
func unixNanos(t time.Time) (int64, bool) {
	n := t.UnixNano()
	return n, time.Unix(0, n).Equal(t)
}

// parseRate parses a rate: a fraction (0.0001), or a percent with its
// sign (0.01%, read as 0.01e-2, the same double as 0.0001).
func parseRate(s string) (float64, error) {
	num, pct := strings.CutSuffix(s, "%")
	if !pct {
		return parseDecimal(s)
	}
	num = strings.TrimSpace(num)
	if num == "" || strings.ContainsAny(num, "eEnNiIxXpP_") {
		// An exponent, NaN, Inf, hex or digit separators: no percent
		// form of those is written; refused as not a number.
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseFloat(num+"e-2", 64)
}
