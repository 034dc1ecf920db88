package experiment

import (
	"math"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestLegPeriods: the legs chart annualises its rolling figures by the
// sync points a year holds, as metrics.json's periods per year does:
// weekly legs are 365/7 = 52.142857 a year and monthly ones 12, not the
// 365 or 252 of daily bars.
func TestLegPeriods(t *testing.T) {
	leg := func(sym string, c data.Class, iv data.Interval) data.Series {
		return data.Series{Instrument: data.Instrument{Symbol: sym, Class: c}, Interval: iv}
	}
	for _, tc := range []struct {
		name string
		legs []data.Series
		want float64
	}{
		{"daily tokens", []data.Series{leg("BTC", data.Crypto, data.Daily), leg("TAO", data.Crypto, data.Daily)}, 365},
		{"daily equity and token", []data.Series{leg("NVDA", data.Equity, data.Daily), leg("TAO", data.Crypto, data.Daily)}, 252},
		{"hourly tokens", []data.Series{leg("BTC", data.Crypto, data.Hour), leg("TAO", data.Crypto, data.Hour)}, 365 * 24},
		{"weekly tokens", []data.Series{leg("BTC", data.Crypto, data.Weekly), leg("TAO", data.Crypto, data.Weekly)}, 365.0 / 7},
		{"weekly equity and token", []data.Series{leg("NVDA", data.Equity, data.Weekly), leg("TAO", data.Crypto, data.Weekly)}, 365.0 / 7},
		{"monthly (31-day median step)", []data.Series{leg("NVDA", data.Equity, 31*data.Daily), leg("BTC", data.Crypto, 31*data.Daily)}, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &data.Panel{Series: tc.legs}
			if got := legPeriods(p, []int{0, 1}); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("%g periods a year, want %g", got, tc.want)
			}
		})
	}
}
