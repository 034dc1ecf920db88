package duckdb

import (
	"context"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A window pushed into SQL reads the rows within two days of it: a lone
// bar there (an hourly series with a gap of days on either side) is one
// row, which stampTimes read as its date's daily bar (00:00 UTC), though
// the symbol's whole rows are hourly (wholeIntervals: 1h). AAA has hourly
// bars 2024-01-01 00:00 … 23:00 (24), one at 2024-01-10 10:00, and
// hourly bars 2024-01-20 00:00 … 23:00 (24): its 48 steps' lower median
// is 1h. The window [2024-01-10 08:00, 11:00) holds the 10:00 bar; SQL
// reads [01-08 08:00, 01-12 11:00): that one row. Stamped 00:00, it fell
// before the window's start and the symbol was refused as having no bars
// there; read whole (no window in SQL), it is the 10:00 bar it is.
func TestWindowLoneBarOfAnIntradaySymbol(t *testing.T) {
	q := "SELECT 'AAA' AS symbol, ts AS time, 10.0 AS open, 11.0 AS high, 9.0 AS low, 10.0 AS close, 1.0 AS volume FROM (" +
		"SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) HOUR AS ts FROM range(24) t(i) UNION ALL " +
		"SELECT TIMESTAMP '2024-01-10 10:00:00' UNION ALL " +
		"SELECT TIMESTAMP '2024-01-20 00:00:00' + INTERVAL (i) HOUR FROM range(24) t(i))"
	start, end := data.Day(2024, 1, 10)+8*int64(data.Hour), data.Day(2024, 1, 10)+11*int64(data.Hour)
	p, err := ReadSource(context.Background(), Source{Query: q}, Request{Symbols: []string{"AAA"}, Classes: []data.Class{data.Crypto},
		Start: start, End: end, StartSet: true, EndSet: true})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[0]
	if want := data.Day(2024, 1, 10) + 10*int64(data.Hour); s.Len() != 1 || s.Time[0] != want || s.Interval != data.Hour {
		t.Errorf("bars %v of interval %v, want the one at %s of 1h", s.Time, s.Interval, data.FormatTime(want))
	}
}
