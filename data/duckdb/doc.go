// Package duckdb reads bars (daily or intraday) through DuckDB and its
// Arrow interface, from per-instrument files, one-table datasets, DuckDB
// databases and SQL queries, resamples them in DuckDB, and keeps them in an
// embedded DuckDB catalog.
//
// It is the cgo edge of package data: CSV and Parquet files are queried by
// DuckDB (read_csv, read_parquet), the results arrive as Arrow record batches
// and are copied into the plain []float64 columns of a [data.Series]. Arrow
// IPC files are read with arrow-go's ipc package directly, because DuckDB
// 1.4 reads them only through an extension, and extensions are not loaded
// here (no network). Every series is validated with
// [data.Series.Validate] before it is returned, and errors name the file,
// the line (CSV) or row (Parquet, Arrow) and the offending value:
//
//	prices/TAO-USD.csv:812: close "abc" is not a number
//
// The package needs the build tag duckdb_arrow (the Makefile passes it):
//
//	go test -tags duckdb_arrow ./data/duckdb/
//
// # Accepted layouts
//
// Column names are matched case-insensitively, in any order; extra columns
// are ignored. Spaces, hyphens and trailing asterisks in names are ignored
// too, so that the project's own layout
//
//	date,open,high,low,close,adj_close,volume
//
// and a Yahoo Finance export
//
//	Date,Open,High,Low,Close,Adj Close,Volume
//
// read alike. date and close are required; open, high and low come
// together or not at all (a close-only series: each bar is its close; a
// file with some of them holding values and another absent is refused);
// adj_close defaults to close and volume to NaN ("unknown", see package
// data). A few
// aliases cover other exports: "Close/Last" (Nasdaq.com) and "Price"
// (Investing.com) for close, "Vol." for volume, "timestamp", "datetime",
// "time", "ts", "open_time" (Binance klines) and "snapped_at" (CoinGecko)
// for date. Two layouts whose first line is not a plain header are
// recognised as the file is scanned (layouts.go): yfinance's three header
// lines (Price, Ticker and Date: the columns are the Price line's, a
// download of several tickers is refused) and Binance's kline files of
// data.binance.vision, which have none (12 numbers on the first line,
// the first a Unix time in ms or µs: the kline columns); a file whose
// first line is a bar in any other layout is refused, saying to add a
// header. A kline file's name, SYMBOL-1d-2024-01.csv or SYMBOL-1d.csv, gives
// the symbol.
//
// Times may be YYYY-MM-DD (the canonical daily form), an RFC 3339 or
// "YYYY-MM-DD hh:mm[:ss[.f]]" timestamp with or without an offset (Z,
// ±hh:mm, ±hhmm, ±hh, " UTC"), MM/DD/YYYY or DD/MM/YYYY (optionally with
// " hh:mm[:ss]"), the month by its English name ("Jan 03, 2019",
// "September 28, 2018": investing.com's older downloads), YYYYMMDD, Unix epoch seconds, milliseconds, microseconds
// or nanoseconds (told apart by magnitude, one unit per file), or in
// Parquet and Arrow a DATE, a TIMESTAMP (any unit; with a zone it states
// the instant, without one it is wall-clock time) or an integer column.
// Dates must lie in 1700-01-01..2261-12-31 (the range of int64
// nanoseconds).
//
// One format per file, decided from all its rows: a row written
// differently from the first (an ISO file with a US date, a timestamp
// with an offset among ones without) is an error naming it. Slash dates
// are day-first when some row has a first part above 12 and month-first
// when some row has a second part above 12 (both in one file is an
// error naming the row); a file where no row tells is refused unless
// ReadOptions.DateFormat (--date-format, date_format) says which, or the
// layout is Nasdaq.com's (Close/Last), which is month-first.
//
// A timestamp without an offset is UTC unless ReadOptions.Timezone names
// an IANA zone, in which it is then read, DST-correctly (see Timezone).
//
// Bar stamps. A file is daily when its times have no time of day (DATE,
// YYYY-MM-DD, slash dates, YYYYMMDD) or its bars are 23 hours or more apart
// (median spacing): each bar is then stamped 00:00 UTC of its date in its
// own offset or zone, exactly as before intraday support (so a daily
// file's "2024-01-02 00:00:00-05:00" is 2024-01-02) — unless, for a
// token (any class but equity), every stamp is 00:00 UTC written in a zone
// behind UTC ("2024-11-27 21:00:00-03:00", the candle of 2024-11-28):
// those are UTC days, read as such with a note. Otherwise the file
// is intraday and each bar is stamped with its instant, the bar's open,
// in UTC nanoseconds. The series' Interval is the median spacing (see
// data.DetectInterval).
//
// Order. Rows must be strictly ascending; a file strictly descending
// throughout (newest first, as Nasdaq.com and some API dumps write) is read
// in reverse and says so in Series.Notes. Any other disorder, and any
// repeated time, is an error naming the row. Gaps stay gaps: no bar is
// ever invented. A last bar still in progress when the file was written
// (Binance and Yahoo both return the open candle) cannot be told from a
// finished one and is kept as it is; drop it in the source, or end the
// experiment's window before it, when it matters.
//
// Bad rows. Every bar is validated (data.Series.Validate). A bar whose
// open, high, low and close contradict each other (high below low, open
// or close outside [low, high]) refuses the file by default;
// ReadOptions.OnBadRow (data import --on-bad-row, the experiment's
// on_bad_row) skips such a bar or widens its range to include open and
// close, and lists it in Series.Repairs (file, line, values, what was
// done); the catalog keeps them in its repairs table. NaN, empty,
// unparsable, non-positive or out-of-range (data.MinPrice, MaxPrice),
// repeated and out-of-order rows are never repaired.
//
// Input paths. A path is checked before it is opened (data.CheckFile): a
// FIFO, socket or device (a symlink to /dev/zero) is refused by name and
// kind, a symlink loop is reported as one, and errors quote at most 200
// bytes of any input line (data.Clip).
//
// One-table datasets and SQL sources (ReadSource): see Source. Resampling
// (Resample): see there; it runs in DuckDB.
//
// Numbers are what DuckDB casts to DOUBLE (bit for bit what
// strconv.ParseFloat gives); failing that, a leading "$" and thousands
// separators are dropped (Nasdaq.com). A semicolon-separated file's numbers
// are all parsed in Go, with one decimal mark for the whole file (see
// decimalMarks). An empty price is NaN and rejected by
// validation. Volume may be empty, "N/A" or "-" (NaN), and may carry a K, M
// or B suffix (Investing.com).
//
// CSV files must be comma-, semicolon- or tab-separated UTF-8 with the
// header on line 1 ("" quoting, CRLF or LF line ends, blank lines skipped).
// A file whose name ends in .gz is decompressed. Paths must not contain the
// glob characters * ? [ because DuckDB would expand them.
package duckdb
