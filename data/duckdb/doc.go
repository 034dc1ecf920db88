// Package duckdb reads daily bars through DuckDB and its Arrow interface,
// and keeps them in an embedded DuckDB catalog.
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
// read alike. date, open, high, low and close are required; adj_close
// defaults to close and volume to NaN ("unknown", see package data). A few
// aliases cover other exports: "Close/Last" (Nasdaq.com) and "Price"
// (Investing.com) for close, "Vol." for volume, "timestamp", "datetime" and
// "open_time" (Binance klines) for date.
//
// Dates may be YYYY-MM-DD (the canonical form), an RFC 3339 or
// "YYYY-MM-DD hh:mm:ss[±hh:mm]" timestamp (its date in its own offset is
// taken), MM/DD/YYYY (US order, as Nasdaq.com and Investing.com write it),
// Unix epoch seconds, milliseconds, microseconds or nanoseconds (told apart
// by magnitude), or in Parquet and Arrow a DATE or TIMESTAMP column. Every
// bar is stamped with 00:00 UTC of its date, in Unix nanoseconds; intraday
// bars therefore collide and are rejected as duplicate dates. Dates must lie
// in 1700-01-01..2261-12-31 (the range of int64 nanoseconds).
//
// Numbers are what DuckDB casts to DOUBLE (bit for bit what
// strconv.ParseFloat gives); failing that, a leading "$" and thousands
// separators are dropped (Nasdaq.com). An empty price is NaN and rejected by
// validation. Volume may be empty, "N/A" or "-" (NaN), and may carry a K, M
// or B suffix (Investing.com).
//
// CSV files must be comma-, semicolon- or tab-separated UTF-8 with the
// header on line 1 ("" quoting, CRLF or LF line ends, blank lines skipped).
// A file whose name ends in .gz is decompressed. Paths must not contain the
// glob characters * ? [ because DuckDB would expand them.
package duckdb
