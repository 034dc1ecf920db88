// Package data holds instruments, calendars and the columnar Panel that the
// engine replays, with the validation every reader applies before a bar is
// accepted.
//
// Conventions:
//   - Time is UTC Unix nanoseconds and a bar is stamped with its open. A
//     daily bar is stamped with its date at 00:00 UTC (crypto: the UTC day
//     the candle opened; equities: the exchange session date); an intraday
//     bar with its open instant. A bar becomes visible at its close.
//     Series.Interval is the detected spacing (median, DetectInterval);
//     Panel.CheckIntervals says whether a panel's series share one, and
//     Panel.CheckLongBars whether bars of a week or more share their
//     stamps (such a bar is revealed whole at its stamp: off one grid, a
//     decision on it could fill another series before its close).
//   - Prices, quantities and volumes are float64. A missing volume (index
//     levels have none) is NaN, never zero: zero would read as "nothing
//     traded".
//   - Columns are plain []float64 slices, one set per instrument, all of the
//     same length as the instrument's Time column. They are shared
//     read-only between runs; nothing in this module writes to a loaded
//     Panel.
//
// Readers that need cgo (DuckDB for CSV and Parquet; Arrow IPC, read with
// arrow-go beside them) live in
// data/duckdb so that this package, the engine and the strategies build and
// test without a C compiler.
package data
