package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/duckdb"
)

// gappedHours is a Binance kline file of hourly bars on 2024-01-02 at
// 00:00, 01:00, 02:00, 03:00, then 08:00, 09:00 UTC (a five-hour gap):
// its spacings are 1h 1h 1h 5h 1h, their median 1h.
func gappedHours() string {
	var b strings.Builder
	for _, h := range []int64{0, 1, 2, 3, 8, 9} {
		ms := int64(1704153600000) + h*3600000
		c := 40000 + 10*h
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d,1.5,%d,60000,100,0.7,28000,0\n", ms, c, c+5, c-5, c, ms+3599999)
	}
	return b.String()
}

// data import FILE --start/--end keeps the interval of the whole file for
// the window: a window of a few bars detected its own, a Friday and a
// Monday (2024-01-05, 2024-01-08) three days apart, an hourly file's
// 03:00 and 08:00 five hours apart. The "N bars" line said "5h bars" of
// an hourly file, and the catalog, which kept no interval, loaded the
// instrument with the window's: beside the file's other instruments a
// run refused the panel's mixed intervals.
func TestImportWindowKeepsTheFileInterval(t *testing.T) {
	dir := t.TempDir()
	daily := filepath.Join(dir, "ABC.csv")
	if err := os.WriteFile(daily, []byte(nineDays()), 0o644); err != nil {
		t.Fatal(err)
	}
	hourly := filepath.Join(dir, "BTCUSDT-1h-2024-01-02.csv")
	if err := os.WriteFile(hourly, []byte(gappedHours()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, symbol string
		args               []string
		rows               int
		want               data.Interval
		line               string // the "N bars" line, for intraday bars
	}{
		// 2024-01-05 (Friday) and 2024-01-08 (Monday): the file's bars are
		// a weekday apart but for the weekend (1d ×7, 3d ×1: median 1d).
		{"daily Friday and Monday", daily, "ABC", []string{"--start", "2024-01-05", "--end", "2024-01-09"}, 2, data.Daily, ""},
		// 03:00 and 08:00: [03:00, 09:00).
		{"hourly across a gap", hourly, "BTC", []string{"--start", "2024-01-02T03:00:00Z", "--end", "2024-01-02T09:00:00Z"}, 2, data.Hour, "  BTC: 1h bars\n"},
		// One bar: the file's interval too.
		{"hourly, one bar", hourly, "BTC", []string{"--start", "2024-01-02T08:00:00Z", "--end", "2024-01-02T09:00:00Z"}, 1, data.Hour, "  BTC: 1h bars\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := filepath.Join(t.TempDir(), "c.duckdb")
			stdout, _, err := cli(t, append([]string{"data", "import", tc.file, "--catalog", cat}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			if tc.line != "" && !strings.Contains(stdout, tc.line) {
				t.Errorf("stdout:\n%s\nwant the line %q", stdout, tc.line)
			}
			if tc.line == "" && strings.Contains(stdout, " bars\n") {
				t.Errorf("stdout:\n%s\nwant no intraday bars line", stdout)
			}
			c, err := duckdb.OpenCatalog(cat)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			p, err := c.Load(context.Background(), []string{tc.symbol})
			if err != nil {
				t.Fatal(err)
			}
			if s := p.Series[0]; s.Len() != tc.rows || s.Interval != tc.want {
				t.Errorf("loaded %d bars of interval %v, want %d of %v", s.Len(), s.Interval, tc.rows, tc.want)
			}
		})
	}
}
