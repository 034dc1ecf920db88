package duckdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// Public exports as their sites and libraries write them. The expected
// values below are read off these lines by hand.

// yfMultiCSV is yfinance's CSV since 0.2.51 (yf.download("NVDA").to_csv):
// a Price line naming the columns, a Ticker line, a Date line, then bars.
const yfMultiCSV = `Price,Close,High,Low,Open,Volume
Ticker,NVDA,NVDA,NVDA,NVDA,NVDA
Date,,,,,
2024-01-02,48.14,49.29,47.59,49.24,411254000
2024-01-03,47.55,48.17,47.30,47.47,320896000
2024-01-04,47.98,48.49,47.50,47.76,306535000
`

// yfMultiAdjCSV: auto_adjust=False adds Adj Close; group_by="ticker"
// puts the Ticker line first.
const yfMultiAdjCSV = `Ticker,NVDA,NVDA,NVDA,NVDA,NVDA,NVDA
Price,Adj Close,Close,High,Low,Open,Volume
Date,,,,,,
2024-01-02,48.13,48.14,49.29,47.59,49.24,411254000
2024-01-03,47.54,47.55,48.17,47.30,47.47,320896000
2024-01-04,47.97,47.98,48.49,47.50,47.76,306535000
`

// klineCSV is a Binance daily kline file of data.binance.vision: no
// header, the open time in Unix milliseconds. 1704067200000 ms is
// 1704067200 s = 19723 days × 86400 s: 2024-01-01 00:00 UTC (19723 days
// after 1970-01-01), then one day (86400000 ms) per line.
const klineCSV = `1704067200000,42283.58000000,44184.10000000,42180.77000000,44179.55000000,27174.29903000,1704153599999,1169995682.43,1193870,14226.30394000,612655232.00,0
1704153600000,44179.55000000,45879.63000000,44148.34000000,44946.91000000,65146.40661000,1704239999999,2935399419.71,2030684,34200.94570000,1541042718.71,0
1704240000000,44946.91000000,45500.00000000,40750.00000000,42845.23000000,81194.55173000,1704326399999,3585163505.47,2468002,39155.53637000,1729035655.28,0
`

// klineMicrosCSV: Binance's spot files from 2025 stamp in microseconds.
// 1735689600000000 µs = 1735689600 s = 20089 days: 2025-01-01.
const klineMicrosCSV = `1735689600000000,93576.00000000,95151.15000000,92888.00000000,94591.79000000,10373.32613000,1735775999999999,974325540.06,1472640,5222.95328000,490637617.97,0
1735776000000000,94591.78000000,97839.50000000,94392.00000000,96984.79000000,21970.48948000,1735862399999999,2118312283.80,2710908,11002.02140000,1061218440.93,0
`

// klineHourCSV: hourly klines, 3600000 ms apart.
const klineHourCSV = `1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.97,47134,682.57581,28957416.81,0
1704070800000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704074399999,50968769.51,43186,620.86155,26452232.56,0
`

// investingCSV is investing.com's historical data download: every field
// quoted, Price is the close, thousands grouped by commas, volume
// abbreviated (84.12K, 1.05M) or "-", newest first, MM/DD/YYYY.
const investingCSV = `"Date","Price","Open","High","Low","Vol.","Change %"
"05/13/2024","62,900.6","60,799.0","63,449.1","60,652.9","1.05M","3.46%"
"05/10/2024","60,799.0","63,063.9","63,447.8","60,213.6","84.12K","-3.60%"
"05/09/2024","63,070.4","61,192.5","63,410.2","60,740.2","-","3.07%"
`

// investingOldCSV is investing.com's older download: dates written
// "Mon DD, YYYY" (quoted, for their comma), fields unquoted otherwise.
const investingOldCSV = `Date,Price,Open,High,Low,Vol.,Change %
"Jan 03, 2019",1.54,1.73,1.75,1.52,1.21M,-9.94%
"Jan 02, 2019",1.71,1.51,1.75,1.50,980.50K,13.25%
"Dec 31, 2018",1.51,1.55,1.60,1.49,-,-2.58%
`

// yfHistoryCSV is yf.Ticker("NVDA").history().to_csv(): the date with
// the exchange's midnight and offset.
const yfHistoryCSV = `Date,Open,High,Low,Close,Volume,Dividends,Stock Splits
2024-01-02 00:00:00-05:00,49.24,49.29,47.59,48.14,411254000,0.0,0.0
2024-01-03 00:00:00-05:00,47.47,48.17,47.30,47.55,320896000,0.0,0.0
`

// klineHeaderCSV is python-binance's kline columns saved with a header.
const klineHeaderCSV = `Open time,Open,High,Low,Close,Volume,Close time,Quote asset volume,Number of trades,Taker buy base asset volume,Taker buy quote asset volume,Ignore
1704067200000,42283.58,44184.10,42180.77,44179.55,27174.29903,1704153599999,1169995682.43,1193870,14226.30394,612655232.00,0
1704153600000,44179.55,45879.63,44148.34,44946.91,65146.40661,1704239999999,2935399419.71,2030684,34200.94570,1541042718.71,0
`

// coingeckoCSV is CoinGecko's chart export: a close-only series (price,
// in USD), stamped at 00:00 UTC with " UTC" written out; market cap and
// total volume (in USD, not in coins) are not bars' columns.
const coingeckoCSV = `snapped_at,price,market_cap,total_volume
2024-01-01 00:00:00 UTC,42261.04,827460432915.6,12474960394.4
2024-01-02 00:00:00 UTC,44179.92,865080126282.6,19938690810.4
`

// nasdaqQuotedCSV is Nasdaq.com's download as saved by some tools: the
// close column named Close, $ prices, volumes grouped by commas (quoted).
const nasdaqQuotedCSV = `Date,Close,Volume,Open,High,Low
03/01/2024,"$1,822.79","47,913,510",$800.00,"$1,823.00",$794.35
02/29/2024,$791.12,"50,728,900",$790.94,$799.90,$783.50
`

func TestPublicLayouts(t *testing.T) {
	ctx := context.Background()
	d := func(y int, m time.Month, dd int) int64 { return data.Day(y, m, dd) }
	nan := math.NaN()
	tests := []struct {
		name, file, body string
		opt              ReadOptions
		symbol           string
		class            data.Class
		time             []int64
		open, close, adj []float64
		vol              []float64
		rows             []int
	}{
		{name: "yfinance three-line header", file: "NVDA.csv", body: yfMultiCSV, symbol: "NVDA", class: data.Equity,
			time:  []int64{d(2024, 1, 2), d(2024, 1, 3), d(2024, 1, 4)},
			open:  []float64{49.24, 47.47, 47.76},
			close: []float64{48.14, 47.55, 47.98}, adj: []float64{48.14, 47.55, 47.98}, // no Adj Close: the close
			vol:  []float64{411254000, 320896000, 306535000},
			rows: []int{4, 5, 6}},
		{name: "yfinance Ticker line first, Adj Close", file: "NVDA.csv", body: yfMultiAdjCSV, symbol: "NVDA", class: data.Equity,
			time:  []int64{d(2024, 1, 2), d(2024, 1, 3), d(2024, 1, 4)},
			open:  []float64{49.24, 47.47, 47.76},
			close: []float64{48.14, 47.55, 47.98}, adj: []float64{48.13, 47.54, 47.97},
			vol:  []float64{411254000, 320896000, 306535000},
			rows: []int{4, 5, 6}},
		{name: "yfinance header without its Date line", file: "NVDA.csv",
			body: strings.Replace(yfMultiCSV, "Date,,,,,\n", "", 1), symbol: "NVDA", class: data.Equity,
			time:  []int64{d(2024, 1, 2), d(2024, 1, 3), d(2024, 1, 4)},
			open:  []float64{49.24, 47.47, 47.76},
			close: []float64{48.14, 47.55, 47.98}, adj: []float64{48.14, 47.55, 47.98},
			vol:  []float64{411254000, 320896000, 306535000},
			rows: []int{3, 4, 5}},
		// The symbol of a data.binance.vision file is its pair:
		// BTCUSDT-1d-2024-01 → BTCUSDT → BTC, a crypto pair. The
		// volume is the sixth column (base asset), not the quote volume.
		{name: "binance klines without a header", file: "BTCUSDT-1d-2024-01.csv", body: klineCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2024, 1, 1), d(2024, 1, 2), d(2024, 1, 3)},
			open:  []float64{42283.58, 44179.55, 44946.91},
			close: []float64{44179.55, 44946.91, 42845.23}, adj: []float64{44179.55, 44946.91, 42845.23},
			vol:  []float64{27174.29903, 65146.40661, 81194.55173},
			rows: []int{1, 2, 3}},
		// Saved without the month (a CCXT or python-binance dump named
		// after the pair and interval): BTCUSDT-1d → BTCUSDT → BTC too.
		{name: "binance klines named without a date", file: "BTCUSDT-1d.csv", body: klineCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2024, 1, 1), d(2024, 1, 2), d(2024, 1, 3)},
			open:  []float64{42283.58, 44179.55, 44946.91},
			close: []float64{44179.55, 44946.91, 42845.23}, adj: []float64{44179.55, 44946.91, 42845.23},
			vol:  []float64{27174.29903, 65146.40661, 81194.55173},
			rows: []int{1, 2, 3}},
		{name: "binance klines in microseconds", file: "BTCUSDT-1d-2025-01.csv", body: klineMicrosCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2025, 1, 1), d(2025, 1, 2)},
			open:  []float64{93576, 94591.78},
			close: []float64{94591.79, 96984.79}, adj: []float64{94591.79, 96984.79},
			vol:  []float64{10373.32613, 21970.48948},
			rows: []int{1, 2}},
		// 2024-01-01 00:00 and 01:00 UTC in nanoseconds.
		{name: "binance hourly klines", file: "ETHUSDT-1h-2024-01-01.csv", body: klineHourCSV, symbol: "ETH", class: data.Crypto,
			time:  []int64{1704067200 * 1e9, (1704067200 + 3600) * 1e9},
			open:  []float64{42283.58, 42475.23},
			close: []float64{42475.23, 42613.56}, adj: []float64{42475.23, 42613.56},
			vol:  []float64{1271.68108, 1196.37856},
			rows: []int{1, 2}},
		// Read oldest first: line 4 (05/09) is the first bar. 62,900.6 is
		// 62900.6; 1.05M is 1,050,000; 84.12K is 84,120; "-" is unknown.
		// 05/13/2024 cannot be day-first (no month 13): month-first.
		{name: "investing.com", file: "BTC-USD.csv", body: investingCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2024, 5, 9), d(2024, 5, 10), d(2024, 5, 13)},
			open:  []float64{61192.5, 63063.9, 60799.0},
			close: []float64{63070.4, 60799.0, 62900.6}, adj: []float64{63070.4, 60799.0, 62900.6},
			vol:  []float64{nan, 84120, 1050000},
			rows: []int{4, 3, 2}},
		// Read oldest first: line 4 (Dec 31, 2018) is the first bar;
		// 980.50K is 980,500 and 1.21M 1,210,000.
		{name: "investing.com, month names", file: "RIOT.csv", body: investingOldCSV, symbol: "RIOT", class: data.Equity,
			time:  []int64{d(2018, 12, 31), d(2019, 1, 2), d(2019, 1, 3)},
			open:  []float64{1.55, 1.51, 1.73},
			close: []float64{1.51, 1.71, 1.54}, adj: []float64{1.51, 1.71, 1.54},
			vol:  []float64{nan, 980500, 1210000},
			rows: []int{4, 3, 2}},
		// Full month names, and Sept.
		{name: "month names in full", file: "RIOT.csv",
			body: "Date,Price\n\"September 28, 2018\",1.5\n\"Sept 29, 2018\",1.6\n\"october 1, 2018\",1.7\n", symbol: "RIOT", class: data.Equity,
			time:  []int64{d(2018, 9, 28), d(2018, 9, 29), d(2018, 10, 1)},
			open:  []float64{1.5, 1.6, 1.7},
			close: []float64{1.5, 1.6, 1.7}, adj: []float64{1.5, 1.6, 1.7},
			vol:  []float64{nan, nan, nan},
			rows: []int{2, 3, 4}},
		// Daily bars stamped at New York's midnight are that day's
		// session: 2024-01-02 00:00-05:00 is the bar of 2024-01-02.
		{name: "yfinance history with offsets", file: "NVDA.csv", body: yfHistoryCSV, symbol: "NVDA", class: data.Equity,
			time:  []int64{d(2024, 1, 2), d(2024, 1, 3)},
			open:  []float64{49.24, 47.47},
			close: []float64{48.14, 47.55}, adj: []float64{48.14, 47.55},
			vol:  []float64{411254000, 320896000},
			rows: []int{2, 3}},
		{name: "binance klines with a header", file: "BTC.csv", body: klineHeaderCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2024, 1, 1), d(2024, 1, 2)},
			open:  []float64{42283.58, 44179.55},
			close: []float64{44179.55, 44946.91}, adj: []float64{44179.55, 44946.91},
			vol:  []float64{27174.29903, 65146.40661},
			rows: []int{2, 3}},
		{name: "coingecko", file: "BTC-USD.csv", body: coingeckoCSV, symbol: "BTC", class: data.Crypto,
			time:  []int64{d(2024, 1, 1), d(2024, 1, 2)},
			open:  []float64{42261.04, 44179.92}, // close-only: each bar is its close
			close: []float64{42261.04, 44179.92}, adj: []float64{42261.04, 44179.92},
			vol:  []float64{nan, nan},
			rows: []int{2, 3}},
		// "$1,822.79" is 1822.79; "47,913,510" is 47913510; 02/29 is
		// month-first.
		{name: "nasdaq.com with grouped volumes", file: "NVDA.csv", body: nasdaqQuotedCSV, symbol: "NVDA", class: data.Equity,
			time:  []int64{d(2024, 2, 29), d(2024, 3, 1)},
			open:  []float64{790.94, 800},
			close: []float64{791.12, 1822.79}, adj: []float64{791.12, 1822.79},
			vol:  []float64{50728900, 47913510},
			rows: []int{3, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.file, tc.body)
			s, err := ReadFile(ctx, p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if s.Symbol != tc.symbol || s.Class != tc.class {
				t.Errorf("symbol %q class %v, want %q %v", s.Symbol, s.Class, tc.symbol, tc.class)
			}
			if fmt.Sprint(s.Time) != fmt.Sprint(tc.time) {
				t.Errorf("Time = %v, want %v", s.Time, tc.time)
			}
			for _, c := range []struct {
				name      string
				got, want []float64
			}{{"open", s.Open, tc.open}, {"close", s.Close, tc.close}, {"adj_close", s.AdjClose, tc.adj}, {"volume", s.Volume, tc.vol}} {
				if !equalFloats(c.got, c.want, 0) {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if fmt.Sprint(s.Rows) != fmt.Sprint(tc.rows) {
				t.Errorf("Rows = %v, want %v", s.Rows, tc.rows)
			}
		})
	}
}

// TestPublicLayoutErrors: what cannot be read says so, naming the line
// as the file numbers it (the header's three lines counted).
func TestPublicLayoutErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, file, body string
		row              int
		want             string
	}{
		{"yfinance, a bar with a field too many", "NVDA.csv",
			strings.Replace(yfMultiCSV, "47.47,320896000", "47.47,320896000,7", 1), 5, "has 7 fields, want 6"},
		{"yfinance, a close that is no number", "NVDA.csv",
			strings.Replace(yfMultiCSV, "47.98,48.49", "4x7.98,48.49", 1), 6, `close "4x7.98" is not a number`},
		{"yfinance, an inconsistent bar", "NVDA.csv",
			strings.Replace(yfMultiCSV, "48.14,49.29", "50.14,49.29", 1), 4, "close 50.14 outside [low 47.59, high 49.29]"},
		{"yfinance download of two tickers", "AI.csv",
			"Price,Close,Close,Open,Open\nTicker,MSFT,NVDA,MSFT,NVDA\nDate,,,,\n2024-01-02,370.87,48.14,373.86,49.24\n",
			2, "a yfinance download of 2 tickers (MSFT, NVDA): a file holds one instrument"},
		{"yfinance header and no bars", "NVDA.csv", "Price,Close,High,Low,Open,Volume\nTicker,NVDA,NVDA,NVDA,NVDA,NVDA\n",
			0, "the file ends inside yfinance's header"},
		{"yfinance header ending in another line", "NVDA.csv",
			strings.Replace(yfMultiCSV, "Date,,,,,", "Symbol,,,,,", 1), 3, "should end with the index line Date"},
		{"kline with a field short", "BTCUSDT.csv",
			strings.Replace(klineCSV, ",1541042718.71,0\n", ",1541042718.71\n", 1), 2,
			"has 11 fields, want 12 (as many as line 1: a Binance kline file has no header)"},
		{"kline close no number", "BTCUSDT.csv",
			strings.Replace(klineCSV, "42845.23000000", "42845x23", 1), 3, `close "42845x23" is not a number`},
		{"month name, no such day", "RIOT.csv", strings.Replace(investingOldCSV, "Jan 02, 2019", "Feb 30, 2019", 1),
			3, `date "Feb 30, 2019" is not a date`},
		{"month names beside ISO dates", "RIOT.csv", strings.Replace(investingOldCSV, "Jan 02, 2019", "2019-01-02", 1),
			3, "is written as YYYY-MM-DD but row 2 (\"Jan 03, 2019\") as Mon DD, YYYY"},
		{"bars without a header", "NVDA.csv", "2024-01-02,49.24,49.29,47.59,48.14\n2024-01-03,47.47,48.17,47.30,47.55\n",
			1, "the first line is a bar (2024-01-02,49.24,49.29,47.59,48.14), not a header: add a header line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.file, tc.body)
			_, err := ReadFile(ctx, p, ReadOptions{})
			var re *data.RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *data.RowError", err)
			}
			if re.Row != tc.row || !strings.Contains(re.Msg, tc.want) {
				t.Errorf("err = %v (row %d), want row %d and %q", err, re.Row, tc.row, tc.want)
			}
		})
	}
}

// TestPublicLayoutNotATable: a yfinance file has no symbol column; read
// as a table, it is refused saying to import it as a file.
func TestPublicLayoutNotATable(t *testing.T) {
	p := writeFile(t, t.TempDir(), "NVDA.csv", yfMultiCSV)
	_, err := ReadSource(context.Background(), Source{Table: p}, Request{Symbols: []string{"NVDA"}})
	if err == nil || !strings.Contains(err.Error(), "import it as a file") {
		t.Errorf("err = %v, want one saying to import it as a file", err)
	}
}
