package data

import (
	"strings"
	"testing"
	"time"
)

// Crypto pairs quoted in other currencies than USD stablecoins are crypto
// (README: "crypto pairs and known tokens are crypto"): BTC-EUR and
// ETH-BTC were guessed equity, so their daily bars were New York sessions.
// They keep their whole symbol: a BTC price in euros is not BTC's.
func TestGuessClassPairs(t *testing.T) {
	for _, s := range []string{"BTC-EUR", "ETH-BTC", "eth/btc", "SOL_USDC", "BTC-GBP", "PEPE-EUR", "DOGE-BTC",
		"TAO-ETH", "XYZ-FDUSD", "ETHBTC", "BTCEUR", "SOLBNB", "BTC", "fet"} {
		if GuessClass(s) != Crypto {
			t.Errorf("GuessClass(%q) = %v, want crypto", s, GuessClass(s))
		}
	}
	for _, s := range []string{"BTC-EUR", "ETH-BTC", "ETHBTC"} {
		if c := CanonicalSymbol(s); c != s {
			t.Errorf("CanonicalSymbol(%q) = %q, want it whole", s, c)
		}
	}
	// Share classes, exchange suffixes, indices, forex and an unknown
	// base before a quote without a separator stay equity.
	for _, s := range []string{"NVDA", "BRK-B", "RDS-A", "9984.T", "SAP.DE", "^NDX", "GOOGUSD", "EURUSD=X", "ABCBTC", "MEUR", "BTC-EUR-X"} {
		if GuessClass(s) != Equity {
			t.Errorf("GuessClass(%q) = %v, want equity", s, GuessClass(s))
		}
	}
}

// An equity with bars on a Saturday or Sunday (UTC) is noted (below, 2 of
// 5: Saturday 00:00 and Sunday 23:00); weekdays,
// or a token, are not. The weekdays are checked with time.Weekday.
func TestWeekendNote(t *testing.T) {
	h := func(d, hh int) int64 { return time.Date(2025, 10, d, hh, 0, 0, 0, time.UTC).UnixNano() }
	// 2025-10-03 is a Friday, 10-04 a Saturday, 10-05 a Sunday, 10-06 a Monday.
	for d, wd := range map[int]time.Weekday{3: time.Friday, 4: time.Saturday, 5: time.Sunday, 6: time.Monday} {
		if got := time.Unix(0, h(d, 0)).UTC().Weekday(); got != wd {
			t.Fatalf("2025-10-%02d is a %v, not a %v", d, got, wd)
		}
	}
	for _, tc := range []struct {
		class Class
		times []int64
		want  string // "" for no note
	}{
		{Equity, []int64{h(3, 14), h(3, 23), h(4, 0), h(5, 23), h(6, 0)}, "2 of its 5 bars fall on a Saturday or Sunday (UTC), the first 2025-10-04T00:00:00Z"},
		{Equity, []int64{h(3, 14), h(3, 23), h(6, 0)}, ""},
		{Crypto, []int64{h(4, 0), h(5, 0)}, ""},
		// Before 1970 (negative instants): 1969-12-27 was a Saturday.
		{Equity, []int64{time.Date(1969, 12, 27, 12, 0, 0, 0, time.UTC).UnixNano()}, "1 of its 1 bars"},
		{Equity, []int64{time.Date(1969, 12, 26, 12, 0, 0, 0, time.UTC).UnixNano()}, ""},
	} {
		s := Series{Instrument: Instrument{Symbol: "X", Class: tc.class}, Time: tc.times}
		got := WeekendNote(&s)
		if tc.want == "" && got != "" || tc.want != "" && (!strings.Contains(got, tc.want) || !strings.Contains(got, "--class crypto")) {
			t.Errorf("%v %d bars: note %q, want %q", tc.class, len(tc.times), got, tc.want)
		}
	}
}
