package data

import (
	"testing"
	"time"
)

// An equity's daily bar closes at its exchange's close, by the symbol's
// suffix, in UTC: New York 21:00 (16:00 EST), Tokyo 06:00 (15:00 JST)
// and 06:30 from 2024-11-05 (15:30 JST), London 16:35 (16:30 GMT and its
// closing auction), a suffix it does not know as New York.
func TestExchangeClose(t *testing.T) {
	for _, c := range []struct {
		symbol string
		day    time.Time
		want   string
	}{
		{"NVDA", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T21:00:00Z"},
		{"BRK.B", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T21:00:00Z"},
		{"9984.T", time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC), "2024-11-01T06:00:00Z"},
		{"9984.T", time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC), "2024-11-05T06:30:00Z"},
		{"0700.HK", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T08:10:00Z"},
		{"VOD.L", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T16:35:00Z"},
		{"SAP.DE", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T16:35:00Z"},
		{"SHOP.TO", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T21:00:00Z"},
		// Futures: CME Globex's 17:00 EST is 22:00 UTC; a currency's
		// day of London time (GMT in January) ends at midnight UTC.
		{"GC=F", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-08T22:00:00Z"},
		{"EURUSD=X", time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), "2024-01-09T00:00:00Z"},
	} {
		t.Run(c.symbol+" "+c.day.Format("2006-01-02"), func(t *testing.T) {
			got := ExchangeOf(c.symbol).Close(c.day.UnixNano() + 3600e9) // any instant of the day
			if s := time.Unix(0, got).UTC().Format(time.RFC3339); s != c.want {
				t.Errorf("%s closes at %s, want %s", c.symbol, s, c.want)
			}
		})
	}
}
