package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A table or a query imported with --start/--end keeps the interval of
// its whole symbol, as a file does (TestImportWindowKeepsTheFileInterval):
// the window's rows measured their own. BTC has hourly bars 2024-01-01
// 00:00 … 23:00 (24 bars, 23 steps of 1h), then 2024-01-05 00:00, 05:00,
// 10:00 (3 days 1h, 5h, 5h): its 26 steps' median (DetectInterval's lower
// middle, the 13th smallest) is 1h. The window [01-05 05:00, 11:00) holds
// 05:00 and 10:00, 5h apart; a time column pushed into SQL is read a
// couple of days wider (01-03 … 01-07: 00:00, 05:00, 10:00), 5h too;
// [01-05 08:00, 11:00) holds one, 10:00, which tells no interval at all.
// ETH beside it has 4h bars 2024-01-01 00:00 … 01-06 00:00 (31 bars),
// one of them, 01-05 08:00, in either window: 4h, its own steps and not
// BTC's. The table's times are text (read whole, cut in Go); the queries'
// a TIMESTAMP and epoch milliseconds (the window pushed into SQL).
func TestImportWindowKeepsTheTableInterval(t *testing.T) {
	var stamps []string
	for h := 0; h < 24; h++ {
		stamps = append(stamps, fmt.Sprintf("2024-01-01 %02d:00:00", h))
	}
	stamps = append(stamps, "2024-01-05 00:00:00", "2024-01-05 05:00:00", "2024-01-05 10:00:00")
	type bar struct{ sym, at string }
	var bars []bar
	for _, s := range stamps {
		bars = append(bars, bar{"BTC", s})
	}
	for k := 0; k <= 30; k++ {
		bars = append(bars, bar{"ETH", time.Date(2024, 1, 1, 4*k, 0, 0, 0, time.UTC).Format("2006-01-02 15:04:05")})
	}
	dir := t.TempDir()
	var csv strings.Builder
	var stampRows, msRows []string
	csv.WriteString("symbol,date,open,high,low,close,volume\n")
	for _, b := range bars {
		fmt.Fprintf(&csv, "%s,%s,100,101,99,100,1000\n", b.sym, b.at)
		stampRows = append(stampRows, fmt.Sprintf("('%s', TIMESTAMP '%s', 100.0, 101.0, 99.0, 100.0, 1000.0)", b.sym, b.at))
		ms := mustInstant(t, strings.Replace(b.at, " ", "T", 1)+"Z") / 1e6
		msRows = append(msRows, fmt.Sprintf("('%s', %d::BIGINT, 100.0, 101.0, 99.0, 100.0, 1000.0)", b.sym, ms))
	}
	table := filepath.Join(dir, "bars.csv")
	if err := os.WriteFile(table, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	query := func(rows []string) string {
		return "SELECT * FROM (VALUES " + strings.Join(rows, ", ") + ") AS v(symbol, ts, open, high, low, close, volume)"
	}
	sources := map[string][]string{
		"table of text times": {"--table", table},
		"query of timestamps": {"--query", query(stampRows)},
		"query of epoch ms":   {"--query", query(msRows)},
	}
	for _, w := range []struct {
		name       string
		start, end string
		rows       int
	}{
		{"two bars 5h apart", "2024-01-05T05:00:00Z", "2024-01-05T11:00:00Z", 2},
		{"one bar", "2024-01-05T08:00:00Z", "2024-01-05T11:00:00Z", 1},
	} {
		for name, src := range sources {
			t.Run(w.name+"/"+name, func(t *testing.T) {
				cat := filepath.Join(t.TempDir(), "c.duckdb")
				args := append(append([]string{"data", "import"}, src...), "--start", w.start, "--end", w.end, "--catalog", cat)
				stdout, _, err := cli(t, args...)
				if err != nil {
					t.Fatal(err)
				}
				for _, line := range []string{"  BTC: 1h bars\n", "  ETH: 4h bars\n"} {
					if !strings.Contains(stdout, line) {
						t.Errorf("stdout:\n%s\nwant the line %q", stdout, line)
					}
				}
				c, err := duckdb.OpenCatalog(cat)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				p, err := c.Load(context.Background(), []string{"BTC", "ETH"})
				if err != nil {
					t.Fatal(err)
				}
				if s := p.Series[0]; s.Len() != w.rows || s.Interval != data.Hour {
					t.Errorf("loaded %d BTC bars of interval %v, want %d of 1h", s.Len(), s.Interval, w.rows)
				}
				if s := p.Series[1]; s.Len() != 1 || s.Interval != 4*data.Hour {
					t.Errorf("loaded %d ETH bars of interval %v, want 1 of 4h", s.Len(), s.Interval)
				}
			})
		}
	}
}

func mustInstant(t *testing.T, s string) int64 {
	t.Helper()
	n, err := data.ParseInstant(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
