package duckdb

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// intradayDir finds the real intraday bars (../shared/data/intraday, see
// its SOURCES.md): with $DIVERGENCE_DATA, the intraday folder it names
// (as the intraday examples are run), the one in it (the shared data
// folder) or beside it (the prices folder, as the daily ones are run);
// else ../../../shared/data/intraday. It skips when none has bars.
func intradayDir(t testing.TB) string {
	t.Helper()
	cands := []string{filepath.Join("..", "..", "..", "shared", "data", "intraday")}
	if env := os.Getenv("DIVERGENCE_DATA"); env != "" {
		cands = []string{filepath.Join(env, "intraday"), filepath.Join(filepath.Dir(filepath.Clean(env)), "intraday")}
		if filepath.Base(filepath.Clean(env)) == "intraday" {
			cands = []string{env}
		}
	}
	var tried []string
	for _, d := range cands {
		abs, _ := filepath.Abs(d)
		tried = append(tried, abs)
		if m, _ := filepath.Glob(filepath.Join(abs, "*", "*.csv")); len(m) > 0 {
			return abs
		}
	}
	t.Skipf("no intraday data: no */*.csv in %s (set DIVERGENCE_DATA)", strings.Join(tried, " or "))
	return ""
}

// Every real intraday file reads as it is, with the interval, window and
// notes SOURCES.md gives for it.
func TestReadRealIntradayFiles(t *testing.T) {
	dir := intradayDir(t)
	ctx := context.Background()
	// What SOURCES.md says about each folder.
	folders := map[string]struct {
		iv   data.Interval
		note bool // newest first
	}{
		"binance_usdm_perp_1h_silertrades":             {data.Hour, false},
		"binance_usdm_perp_5m_won9892000":              {data.Minutes5, false},
		"binance_spot_1h_ykasra":                       {data.Hour, false},
		"yfinance_5m_zhangjing02":                      {data.Minutes5, false},
		"yfinance_1h_otaboyevsardorbek1":               {data.Hour, false},
		"binance_spliced_spot_perp_1m_astralmoonlight": {data.Minute, false},
		"binance_usdm_perp_1h_desc_astralmoonlight":    {data.Hour, true},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.csv"))
	seen := map[string]bool{}
	for _, f := range files {
		folder := filepath.Base(filepath.Dir(f))
		want, ok := folders[folder]
		if !ok {
			t.Errorf("%s: folder not described by this test", f)
			continue
		}
		seen[folder] = true
		t.Run(folder+"/"+filepath.Base(f), func(t *testing.T) {
			s, err := ReadFile(ctx, f, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(f)
			lines := bytes.Count(b, []byte("\n"))
			if len(b) > 0 && b[len(b)-1] != '\n' {
				lines++ // no newline at the end (silertrades)
			}
			if s.Len() != lines-1 {
				t.Errorf("%d bars, file has %d data lines", s.Len(), lines-1)
			}
			if s.Interval != want.iv {
				t.Errorf("interval %v, want %v", s.Interval, want.iv)
			}
			if got := len(s.Notes) > 0; got != want.note {
				t.Errorf("notes %q", s.Notes)
			}
		})
	}
	for f := range folders {
		if !seen[f] {
			t.Logf("folder %s absent: skipped", filepath.Join(dir, f))
		}
	}
}

// Spot checks against SOURCES.md, converted to UTC by hand.
func TestReadRealIntradayInstants(t *testing.T) {
	dir := intradayDir(t)
	ctx := context.Background()
	for _, tc := range []struct {
		file        string
		first, last int64
		n           int
	}{
		// Yahoo 1h equities: 2025-09-02 09:30-04:00 = 13:30Z; last
		// 2026-03-31 15:30-04:00 = 19:30Z.
		{"yfinance_1h_otaboyevsardorbek1/NVDA.csv", utc(2025, 9, 2, 13, 30), utc(2026, 3, 31, 19, 30), 1014},
		// Chilean time: 2025-05-17 23:58-04:00 = 2025-05-18 03:58Z; last
		// 2025-05-29 12:47-04:00 = 16:47Z.
		{"binance_spliced_spot_perp_1m_astralmoonlight/BTC-USD.csv", utc(2025, 5, 18, 3, 58), utc(2025, 5, 29, 16, 47), 16610},
		// Newest first: oldest 2025-04-22 03:00-04:00 = 07:00Z, newest
		// 2025-06-02 18:00-04:00 = 22:00Z.
		{"binance_usdm_perp_1h_desc_astralmoonlight/BTC-USD.csv", utc(2025, 4, 22, 7, 0), utc(2025, 6, 2, 22, 0), 1000},
		// Epoch ms 1757750400000 = 2025-09-13 08:00Z.
		{"binance_usdm_perp_1h_silertrades/BTC-USD.csv", utc(2025, 9, 13, 8, 0), utc(2026, 3, 19, 18, 0), 4499},
		// Naive UTC.
		{"binance_spot_1h_ykasra/SOL-USD.csv", utc(2025, 7, 1, 0, 0), utc(2025, 12, 31, 22, 0), 4415},
		// CRLF, epoch ms.
		{"binance_usdm_perp_5m_won9892000/TAO-USD.csv", utc(2025, 10, 1, 0, 0), utc(2025, 12, 30, 23, 55), 26208},
		// Datetime,Close,High,Low,Open,Volume in UTC.
		{"yfinance_5m_zhangjing02/NVDA.csv", utc(2025, 12, 23, 14, 30), utc(2026, 3, 20, 19, 55), 4642},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("absent: %s", p)
			}
			s, err := ReadFile(ctx, p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != tc.n || s.Time[0] != tc.first || s.Time[s.Len()-1] != tc.last {
				t.Errorf("%d bars %s .. %s, want %d %s .. %s", s.Len(), data.FormatTime(s.Time[0]), data.FormatTime(s.Time[s.Len()-1]),
					tc.n, data.FormatTime(tc.first), data.FormatTime(tc.last))
			}
		})
	}
	// The 5m Yahoo file's first row: Close 215.80…, Open 214.19…: the
	// columns are matched by name, not position.
	p := filepath.Join(dir, "yfinance_5m_zhangjing02", "AMD.csv")
	if _, err := os.Stat(p); err == nil {
		s, err := ReadFile(ctx, p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Close[0] != 215.80239868164062 || s.Open[0] != 214.1999969482422 || s.High[0] != 216.0198974609375 || s.Low[0] != 213.6999969482422 {
			t.Errorf("AMD first bar O %v H %v L %v C %v", s.Open[0], s.High[0], s.Low[0], s.Close[0])
		}
		// Half day 2025-12-24 (close 13:00 ET = 18:00Z): 42 bars, none
		// invented after it.
		n := 0
		for _, x := range s.Time {
			if x >= utc(2025, 12, 24, 0, 0) && x < utc(2025, 12, 25, 0, 0) {
				n++
				if x >= utc(2025, 12, 24, 18, 0) {
					t.Errorf("bar after the half-day close: %s", data.FormatTime(x))
				}
			}
		}
		if n != 42 {
			t.Errorf("half day: %d bars, want 42", n)
		}
	}
}

// The real daily files in prices/ and alt/ still read as before the
// one-format-per-file rule: none is refused for its dates.
func TestRealDailyFilesKeepTheirDates(t *testing.T) {
	root := filepath.Dir(dataDir(t))
	ctx := context.Background()
	files, _ := filepath.Glob(filepath.Join(root, "prices", "*.csv"))
	alt, _ := filepath.Glob(filepath.Join(root, "alt", "*", "*.csv"))
	files = append(files, alt...)
	for _, f := range files {
		_, err := ReadFile(ctx, f, ReadOptions{})
		if err == nil {
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "date") || strings.Contains(msg, "timestamp") {
			t.Errorf("%v", err)
		}
	}
}
