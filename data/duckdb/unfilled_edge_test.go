package duckdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// A 24/7 instrument's first or last bucket that its bars do not fill is
// kept and noted. The tokens' real hourly files end at 2026-03-19 19:00Z,
// so their last daily bar holds 00:00–20:00 (the 19:00 bar ends at
// 20:00) and was kept without a word. The synthetic hourly file: TAO from
// 2026-03-17 03:00Z to 2026-03-19 19:00Z (a first day of 03:00–24:00, a
// whole 03-18, a last day of 00:00–20:00); BTC 2026-03-17 00:00Z to
// 2026-03-18 23:00Z, whole days: no note. Read into 4h bars, TAO's first
// bucket 00:00–04:00 holds 03:00–04:00 and its last, 16:00–20:00, is
// whole (the 19:00 bar ends at 20:00); BTC's are whole. Read up to the
// end 2026-03-19 (a date: the bars before it), TAO's last bucket is the
// whole 03-18: only the first is noted.
func TestResampleUnfilledEdgeNote(t *testing.T) {
	ctx := context.Background()
	h := int64(time.Hour)
	var body strings.Builder
	body.WriteString("time,symbol,open,high,low,close,volume\n")
	row := func(sym string, from, to int64) {
		for t := from; t <= to; t += h {
			fmt.Fprintf(&body, "%s,%s,10,11,9,10.5,1\n", time.Unix(0, t).UTC().Format(time.RFC3339), sym)
		}
	}
	d17, d18, d19 := data.Day(2026, 3, 17), data.Day(2026, 3, 18), data.Day(2026, 3, 19)
	row("TAO", d17+3*h, d19+19*h)
	row("BTC", d17, d18+23*h)
	src := Source{Table: writeFile(t, t.TempDir(), "tokens.csv", body.String())}
	const (
		first  = "the first 1d bar, 2026-03-17, holds 03:00–24:00 UTC of its 00:00–24:00: the bars begin after its start, so its open, high, low and volume are those of part of it"
		last   = "the last 1d bar, 2026-03-19, holds 00:00–20:00 UTC of its 00:00–24:00: the bars end before its end (an in-progress candle, or a file that stops there), so its high, low, close and volume are those of part of it"
		first4 = "the first 4h bar, 2026-03-17T00:00:00Z, holds 03:00–04:00 UTC of its 00:00–04:00: the bars begin after its start, so its open, high, low and volume are those of part of it"
	)
	for _, tc := range []struct {
		name string
		req  Request
		want []string // the panel's notes that say a bucket is not filled
		n    int      // TAO's bars
	}{
		{"1d", Request{Bar: data.Daily}, []string{"TAO: " + first, "TAO: " + last}, 3},
		{"4h", Request{Bar: 4 * data.Hour}, []string{"TAO: " + first4}, 6 + 6 + 5}, // 00:00 … 20:00 of 03-17 and 03-18, 00:00 … 16:00 of 03-19
		{"1d before 03-19", Request{Bar: data.Daily, End: d19}, []string{"TAO: " + first}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Symbols = []string{"TAO", "BTC"}
			tc.req.Classes = []data.Class{data.Crypto, data.Crypto}
			p, err := ReadSource(ctx, src, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range p.Notes() {
				if strings.Contains(n, " UTC of its ") {
					got = append(got, n)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("notes\n%q\nwant\n%q", got, tc.want)
			}
			if n := p.Series[0].Len(); n != tc.n {
				t.Errorf("TAO has %d bars, want %d", n, tc.n)
			}
		})
	}
}
