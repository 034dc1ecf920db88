package duckdb

import (
	"context"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// A query's rows have no line or row number (the bars' Rows are 0), so a
// refusal to resample them names the bar by its symbol and instant alone:
// it used to end "(row 0)", a row no file has. A file's bars keep their
// line (TestResampleRefusals, TestResampleDailyStraddle).
func TestResampleRefusalOfAQueryNamesNoRowZero(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		sym   string
		query string
		class data.Class
		bar   data.Interval
		want  string
	}{
		// Hourly token bars at :30 from 2025-01-01T00:30Z: the fourth,
		// 03:30–04:30, is the first to cross a 4h boundary (04:00).
		{"token 1h at :30 into 4h", "AAA",
			"SELECT 'AAA' AS symbol, TIMESTAMP '2025-01-01 00:30:00' + INTERVAL (i) HOUR AS time, " +
				"10.0 AS open, 11.0 AS high, 9.0 AS low, 10.0 AS close, 1.0 AS volume FROM range(10) t(i)",
			data.Crypto, data.Hours4,
			"AAA's 1h bar at 2025-01-01T03:30:00Z straddles two 4h buckets (buckets start at 00:00 UTC); resample it to a coarser bar or leave it at 1h"},
		// An equity's hourly bars at :30 UTC from 13:30Z on 2 January 2025
		// (EST: 08:30 New York, pre-market): the first, 08:30–09:30, ends
		// at the open; the second, 09:30–10:30, opens at it; the last bar
		// of the session, 15:30–16:30 New York (20:30Z), runs past the
		// 16:00 close into post-market trading: refused with bar = 1d.
		{"equity 1h past the close into 1d", "BBB",
			"SELECT 'BBB' AS symbol, TIMESTAMP '2025-01-02 13:30:00' + INTERVAL (i) HOUR AS time, " +
				"10.0 AS open, 11.0 AS high, 9.0 AS low, 10.0 AS close, 1.0 AS volume FROM range(9) t(i)",
			data.Equity, data.Daily,
			"BBB's 1h bar at 2025-01-02T20:30:00Z (15:30–16:30 New York) runs past the 16:00 America/New_York session close"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSource(ctx, Source{Query: tc.query}, Request{Symbols: []string{tc.sym},
				Classes: []data.Class{tc.class}, Bar: tc.bar})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant …%s", err, tc.want)
			}
			if strings.Contains(err.Error(), "row 0") {
				t.Errorf("err = %v\nnames row 0, which no query has", err)
			}
		})
	}
}
