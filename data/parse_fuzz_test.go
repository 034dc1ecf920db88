package data

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzSeeds adds the head (at most 2 KB) of each shared data file
// matching glob (under other/, in $DIVERGENCE_DATA or ../shared/data
// beside the checkout, as TestReadSharedRateFiles finds them) to f.
func fuzzSeeds(f *testing.F, glob string) {
	d := os.Getenv("DIVERGENCE_DATA")
	if d == "" {
		d = "../../shared/data"
	}
	if filepath.Base(filepath.Clean(d)) == "prices" {
		d = filepath.Dir(filepath.Clean(d))
	}
	paths, _ := filepath.Glob(filepath.Join(d, glob))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(b) > 2048 {
			b = b[:2048]
		}
		f.Add(string(b))
	}
}

// checkFileError: every error of a funding or rate file names the file
// (a *RowError, or the CSV reader's error wrapped with the file's name,
// which gives its line) and stays short.
func checkFileError(t *testing.T, err error, name string) {
	t.Helper()
	var re *RowError
	if !errors.As(err, &re) && !strings.Contains(err.Error(), "line ") {
		t.Fatalf("error names no line of %s: %T %v", name, err, err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Fatalf("error does not name the file %s: %v", name, err)
	}
	if n := len(err.Error()); n > 4096 {
		t.Fatalf("an error of %d bytes: %.300s", n, err)
	}
}

// FuzzParseFunding: a funding file never panics the parser; an error
// names the file (and a line); what parses is sorted, at least a minute
// apart, finite, within ±MaxFundingRate, and the same parsed twice.
func FuzzParseFunding(f *testing.F) {
	fuzzSeeds(f, "other/funding/*.csv")
	h := "funding_time_utc,symbol,funding_rate\n"
	f.Add(h + "2019-09-10T08:00:00Z,BTCUSDT,0.0001\n2019-09-10T16:00:00.006Z,BTCUSDT,0.01%\n")
	f.Add("symbol,funding_rate,mark_price,funding_time_utc\nBTC-USDT-SWAP,-0.0002,65000.5,2026-03-16T08:00:00Z\nBTC-USDT-SWAP,1e-4,,2026-03-16T16:00:00+02:00\n")
	f.Add(h + "2019-09-10T08:00:00Z,BTCUSDT,NaN\n")
	f.Add(h + "\"2019-09-10T08:00:00Z\",\"BTC\nUSDT\",0.0001\n")
	// Other tools' spellings, an unknown mark of 0, a hex float.
	f.Add("funding_time_utc,symbol,funding_rate,mark_price\n2024-01-01T00:00:00Z,BTC/USDT:USDT,0.0001,0\n2024-01-01T08:00:00Z,BTC/USDT:USDT,0x1p-14,NaN\n")
	f.Add(h + "2024-01-01T00:00:00Z,XBTUSDTM,0.0001\n2024-01-01T08:00:00Z,XBTUSDTM,-0.0002\n")
	f.Fuzz(func(t *testing.T, text string) {
		const name = "f.csv"
		s, err := ParseFunding(strings.NewReader(text), name)
		if err != nil {
			checkFileError(t, err, name)
			return
		}
		if s.Len() == 0 || len(s.Rates) != s.Len() || len(s.Marks) != s.Len() || s.Symbol == "" {
			t.Fatalf("accepted %+v", s)
		}
		for k := range s.Times {
			if k > 0 && s.Times[k]-s.Times[k-1] < 60e9 {
				t.Fatalf("times %d and %d under a minute apart", s.Times[k-1], s.Times[k])
			}
			if r := s.Rates[k]; math.IsNaN(r) || math.Abs(r) > MaxFundingRate {
				t.Fatalf("rate %g accepted", r)
			}
			if m := s.Marks[k]; !math.IsNaN(m) && !(m > 0 && !math.IsInf(m, 0)) {
				t.Fatalf("mark %g accepted", m)
			}
		}
		again, err := ParseFunding(strings.NewReader(text), name)
		if err != nil || !reflect.DeepEqual(nanless(s.Marks), nanless(again.Marks)) ||
			!reflect.DeepEqual(s.Times, again.Times) || !reflect.DeepEqual(s.Rates, again.Rates) || s.Symbol != again.Symbol {
			t.Fatalf("parsed twice: %+v then %+v, %v", s, again, err)
		}
	})
}

// nanless replaces NaN by -1 (DeepEqual finds NaN unequal to itself).
func nanless(v []float64) []float64 {
	out := make([]float64, len(v))
	for k, x := range v {
		if math.IsNaN(x) {
			x = -1
		}
		out[k] = x
	}
	return out
}

// FuzzParseRates: a lending rate file never panics the parser; an error
// names the file (and a line); what parses is sorted, strictly
// increasing in time, with rates in [0, MaxLendingRate], its lines those
// of the file, and the same parsed twice.
func FuzzParseRates(f *testing.F) {
	fuzzSeeds(f, "other/borrow_rates/*.csv")
	f.Add("time_utc,asset,supply_rate,borrow_rate\n2020-12-03T23:37:05Z,wbtc,0.002,0.0176\n2020-12-02T18:00:45Z,wbtc,0.0001,0.0042\n2020-12-05T01:00:00+02:00,wbtc,5%,10%\n")
	f.Add("date,asset,supply_rate,borrow_rate\n2020-11-10,usdc,0.057,0.0909\n2020-11-11,usdc,0.0435,0.0805\n")
	f.Add("date,time_utc,asset,supply_rate,borrow_rate\n")
	f.Add("date,asset,supply_rate,borrow_rate\n9999-12-31,usdc,0.05,0.1\n")
	f.Fuzz(func(t *testing.T, text string) {
		const name = "r.csv"
		r, err := ParseRates(strings.NewReader(text), name)
		if err != nil {
			checkFileError(t, err, name)
			return
		}
		if r.Len() == 0 || len(r.Supply) != r.Len() || len(r.Borrow) != r.Len() || len(r.Lines) != r.Len() || r.Asset == "" {
			t.Fatalf("accepted %+v", r)
		}
		for k := range r.Times {
			if k > 0 && r.Times[k] <= r.Times[k-1] {
				t.Fatalf("times %d then %d", r.Times[k-1], r.Times[k])
			}
			for _, x := range []float64{r.Supply[k], r.Borrow[k]} {
				if !(x >= 0 && x <= MaxLendingRate) {
					t.Fatalf("rate %g accepted", x)
				}
			}
			if r.Lines[k] < 2 {
				t.Fatalf("row at line %d", r.Lines[k])
			}
		}
		again, err := ParseRates(strings.NewReader(text), name)
		if err != nil || !reflect.DeepEqual(r, again) {
			t.Fatalf("parsed twice: %+v then %+v, %v", r, again, err)
		}
	})
}
