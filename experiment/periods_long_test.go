package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// longBars is a series of n bars of class c stamped by at(k).
func longBars(sym string, c data.Class, n int, at func(k int) time.Time) data.Series {
	s := data.Series{Instrument: data.Instrument{Symbol: sym, Class: c}}
	for k := range n {
		s.Time = append(s.Time, at(k).UnixNano())
	}
	s.SetInterval()
	return s
}

// TestPeriodsPerYearLongBars: bars of a week or more are annualised by
// how many of them a 365-day year holds, whatever the calendar: a week
// is 365/7 = 52.142857… of them (a weekly equity bar comes every week,
// holidays or not, so not 252/5), two weeks 365/14, a month 12 (months
// are 28 to 31 days: their median step, 30 or 31 days, is not divided
// into 365), a quarter 4. Daily bars keep 365 and 252.
func TestPeriodsPerYearLongBars(t *testing.T) {
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	weeks := func(n int) func(k int) time.Time {
		return func(k int) time.Time { return monday.AddDate(0, 0, 7*n*k) }
	}
	months := func(n int) func(k int) time.Time {
		return func(k int) time.Time { return monday.AddDate(0, n*k, 0) }
	}
	days := func(k int) time.Time { return monday.AddDate(0, 0, k) }
	for _, c := range []struct {
		name  string
		s     data.Series
		ppy   float64
		basis string
	}{
		{"weekly token", longBars("TOK", data.Crypto, 60, weeks(1)), 365.0 / 7, "365 days / 7 (1w bars)"},
		{"weekly equity", longBars("EQ", data.Equity, 60, weeks(1)), 365.0 / 7, "365 days / 7 (1w bars)"},
		{"two-weekly token", longBars("TOK", data.Crypto, 30, weeks(2)), 365.0 / 14, "365 days / 14 (2w bars)"},
		{"monthly token", longBars("TOK", data.Crypto, 24, months(1)), 12, "12 months"},
		{"monthly equity", longBars("EQ", data.Equity, 24, months(1)), 12, "12 months"},
		{"quarterly equity", longBars("EQ", data.Equity, 12, months(3)), 4, "12 months / 3"},
		{"daily token", longBars("TOK", data.Crypto, 400, days), 365, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ppy, cal, basis := periodsPerYear(&data.Panel{Series: []data.Series{c.s}})
			if math.Abs(ppy-c.ppy) > 1e-12 || !strings.Contains(basis, c.basis) || c.basis == "" && basis != "" {
				t.Errorf("%s bars: %g a year (%q, %q), want %g (%q)", c.s.Interval, ppy, cal, basis, c.ppy, c.basis)
			}
		})
	}
}

// TestWeeklyRunAnnualised runs buy-and-hold on a weekly token and checks
// its annualised metrics by hand: closes 100, 110, 99, 108.9, 119.79,
// each bar opening at the last close, no commission. Bought at the open
// of the second bar (the last close), the curve's returns are the
// closes' own: +10 %, −10 %, +10 %, +10 %.
//
//	growth  1.1 × 0.9 × 1.1 × 1.1 = 1.1979 over n = 4 weeks
//	ppy     365 / 7 = 52.142857
//	CAGR    1.1979^(52.142857 / 4) − 1 = e^(13.035714 × 0.180570) − 1
//	        = e^2.353859 − 1 = 10.526114 − 1 = 9.526114
//	mean    0.05; deviations 0.05, −0.15, 0.05, 0.05
//	sd      √((0.0025 + 0.0225 + 0.0025 + 0.0025) / 3) = √0.01 = 0.1
//	vol     0.1 × √52.142857 = 0.1 × 7.221001 = 0.7221001
//	Sharpe  0.05 / 0.1 × 7.221001 = 3.610501
//
// At 365 a year (bars counted as days) the CAGR was 1.1979^91.25 − 1,
// about 1.43e7, and the volatility 0.1 × √365 = 1.91.
func TestWeeklyRunAnnualised(t *testing.T) {
	dir := t.TempDir()
	closes := []float64{100, 110, 99, 108.9, 119.79}
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for k, c := range closes {
		open := c
		if k > 0 {
			open = closes[k-1]
		}
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", monday.AddDate(0, 0, 7*k).Format("2006-01-02"), open, max(open, c), min(open, c), c)
	}
	if err := os.WriteFile(filepath.Join(dir, "TOK.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse("weekly.toml", fmt.Sprintf(`name = "weekly"
cash = 100000.0
commission_bps = 0.0
[data]
dir = %q
[data.classes]
TOK = "crypto"
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TOK"]
`, dir))
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(t.Context(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(o.Dir, "runs", o.Runs[0].Key, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		PeriodsPerYear float64 `json:"periods_per_year"`
		Calendar       string  `json:"calendar"`
		Basis          string  `json:"periods_per_year_basis"`
		Metrics        struct {
			Periods int     `json:"periods"`
			CAGR    float64 `json:"cagr"`
			Vol     float64 `json:"annual_volatility"`
			Sharpe  float64 `json:"sharpe"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.PeriodsPerYear != 365.0/7 || !strings.Contains(rec.Basis, "365 days / 7 (1w bars)") {
		t.Errorf("metrics.json: periods_per_year %g (basis %q, calendar %q), want 365/7 = 52.142857 on 1w bars", rec.PeriodsPerYear, rec.Basis, rec.Calendar)
	}
	m := rec.Metrics
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"cagr", m.CAGR, 9.526114},
		{"annual_volatility", m.Vol, 0.7221001},
		{"sharpe", m.Sharpe, 3.610501},
	} {
		if math.Abs(c.got-c.want) > 1e-4*math.Abs(c.want) {
			t.Errorf("%s = %.7g, want %.7g (%d periods)", c.name, c.got, c.want, m.Periods)
		}
	}
}
