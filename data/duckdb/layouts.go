package duckdb

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"github.com/divergence-research/divergence/data"
)

// This file recognises two public CSV layouts whose first line is not a
// plain header: yfinance's three-line header and Binance's kline files,
// which have none.

// yfHeader reads the three-line header pandas writes for a yfinance
// download (a DataFrame with two column levels and an index named Date),
// the default of yfinance since 0.2.51:
//
//	Price,Close,High,Low,Open,Volume
//	Ticker,NVDA,NVDA,NVDA,NVDA,NVDA
//	Date,,,,,
//
// or, downloaded with group_by="ticker", the Ticker line first. The
// columns are named by the Price line, the first by the Date line; the
// bars start on line 4.
type yfHeader struct {
	lines int    // header lines read so far; 0: not (or no longer) reading one
	first string // the first line's kind: "price" or "ticker"
	names []string
	// tickers is the Ticker line's fields and tickerLine its line.
	tickers    []string
	tickerLine int
}

// The outcomes of yfHeader.line.
const (
	yfMore    = iota // the header goes on
	yfEnd            // the line ended the header
	yfEndData        // the header ended before the line, which is a bar
	yfNot            // not a yfinance header: the line is a bar
)

// start reports whether a first line of names may begin a yfinance
// header (its first name Price or Ticker, which no other layout puts
// first: Price is investing.com's close, after its Date).
func (y *yfHeader) start(names []string) bool {
	if len(names) < 2 {
		return false
	}
	switch n := normName(names[0]); n {
	case "price", "ticker":
		*y = yfHeader{lines: 1, first: n}
		if n == "price" {
			y.names = slices.Clone(names)
		} else {
			y.tickers, y.tickerLine = slices.Clone(names), 1
		}
		return true
	}
	return false
}

// line reads the record rec on line, the header's next line, and, when
// the header ends, sets lay's names and extraHeader.
func (y *yfHeader) line(path string, line int, rec []byte, lay *csvLayout) (int, error) {
	r := csv.NewReader(bytes.NewReader(rec))
	r.Comma = rune(lay.delim)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	f, err := r.Read()
	if err != nil || len(f) == 0 {
		return yfNot, nil
	}
	first := normName(f[0])
	if y.lines == 1 {
		want := "ticker"
		if y.first == "ticker" {
			want = "price"
		}
		if first != want {
			return yfNot, nil
		}
		if want == "ticker" {
			y.tickers, y.tickerLine = slices.Clone(f), line
		} else {
			y.names = slices.Clone(f)
		}
		y.lines = 2
		return yfMore, nil
	}
	// The third line: the index's name with empty fields, or (an index
	// saved without its name) the first bar.
	empty := true
	for _, v := range f[1:] {
		if strings.TrimSpace(v) != "" {
			empty = false
		}
	}
	out := yfEnd
	dateName := strings.TrimSpace(f[0])
	switch {
	case empty && (first == "date" || first == "datetime"):
	case !empty:
		out, dateName = yfEndData, "Date"
	default:
		return 0, &data.RowError{File: path, Row: line, Msg: fmt.Sprintf(
			"yfinance's header (its Price and Ticker lines) should end with the index line Date,,… (or Datetime,,…); this line is %q", printable(data.Clip(string(rec))))}
	}
	var tickers []string
	for _, t := range y.tickers[1:] {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tickers, t) {
			tickers = append(tickers, t)
		}
	}
	if len(tickers) > 1 {
		return 0, &data.RowError{File: path, Row: y.tickerLine, Msg: fmt.Sprintf(
			"a yfinance download of %d tickers (%s): a file holds one instrument; save each ticker's columns to a file of its own "+
				"(df.xs(%q, axis=1, level=\"Ticker\").to_csv(%q))", len(tickers), data.Clip(strings.Join(tickers, ", ")), tickers[0], tickers[0]+".csv")}
	}
	names := slices.Clone(y.names)
	names[0] = dateName
	lay.names = names
	lay.extraHeader = 2
	if out == yfEndData {
		lay.extraHeader = 1
	}
	return out, nil
}

// klineNames are the columns of Binance's kline files
// (data.binance.vision: spot, USD-M and COIN-M futures), which have no
// header line: the open time in Unix milliseconds (microseconds in spot
// files from 2025), open, high, low, close, volume (base asset), close
// time, quote volume, trades, taker buy base and quote volumes, unused.
var klineNames = [...]string{"open_time", "open", "high", "low", "close", "volume", "close_time",
	"quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume", "ignore"}

// headerless reports whether the file's first line (lay.names) is a bar
// of a Binance kline file, which has no header: 12 numbers, the first a
// Unix time in milliseconds or microseconds (13 to 16 digits). lay then
// takes the kline columns' names. A first line of numbers and dates in
// another layout is an error saying that the file needs a header.
func headerless(path string, lay *csvLayout) (bool, error) {
	names := lay.names
	if len(names) < 2 {
		return false, nil
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if _, err := parseDate(n); err == nil {
			continue
		}
		if v, ok := parseNumber(n, false, lay.delim == ';'); ok && v == v {
			continue
		}
		return false, nil
	}
	t := strings.TrimSpace(names[0])
	if _, ok := digits(t); ok && len(t) >= 13 && len(t) <= 16 && len(names) == len(klineNames) {
		lay.names = klineNames[:]
		lay.noHeader = true
		return true, nil
	}
	return false, &data.RowError{File: path, Row: 1, Msg: fmt.Sprintf(
		"the first line is a bar (%s), not a header: add a header line naming the columns, such as date,open,high,low,close,volume "+
			"(a Binance kline file, 12 columns from the open time in ms, reads without one)", printable(data.Clip(strings.Join(names, string(lay.delim)))))}
}
