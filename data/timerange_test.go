package data

import (
	"strings"
	"testing"
)

// A time past what Unix nanoseconds hold (1677-09-21 to 2262-04-11) is
// refused naming its line: it wrapped round int64 and was read as
// another time (2300-01-01 as 1715-06-13T00:25:26Z; a Compound date
// 2262-04-11, held from the next day, as 1677-09-21), silently accepted.
func TestRateTimesOutOfRange(t *testing.T) {
	fh := "funding_time_utc,symbol,funding_rate\n"
	rh := "time_utc,asset,supply_rate,borrow_rate\n"
	dh := "date,asset,supply_rate,borrow_rate\n"
	for _, tc := range []struct {
		name, in, want string
		funding        bool
	}{
		{"funding 2300", fh + "2300-01-01T00:00:00Z,BTCUSDT,0.0001\n", "f.csv:2: funding_time_utc \"2300-01-01T00:00:00Z\" is outside", true},
		{"funding 1600", fh + "2019-01-01T00:00:00Z,BTCUSDT,0.0001\n1600-01-01T00:00:00Z,BTCUSDT,0.0001\n", "f.csv:3: funding_time_utc \"1600-01-01T00:00:00Z\" is outside", true},
		{"time 2263", rh + "2263-01-01T00:00:00Z,usdc,0.05,0.1\n", "f.csv:2: time_utc \"2263-01-01T00:00:00Z\" is outside", false},
		// 2262-04-11 00:00 UTC is representable, its end (when the
		// date's rates hold from) is not.
		{"date 2262-04-11", dh + "2020-01-01,usdc,0.05,0.1\n2262-04-11,usdc,0.05,0.1\n", "f.csv:3: date \"2262-04-11\" is outside", false},
		{"date 1500", dh + "1500-01-01,usdc,0.05,0.1\n", "f.csv:2: date \"1500-01-01\" is outside", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.funding {
				_, err = ParseFunding(strings.NewReader(tc.in), "f.csv")
			} else {
				_, err = ParseRates(strings.NewReader(tc.in), "f.csv")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	// The last representable date is accepted: 2262-04-10 holds from
	// 2262-04-11 00:00 UTC = 106,751 days after 1970-01-01 (1970..2261
	// is 292 years of which 71 leap: 292×365+71 = 106,651; Jan 1 to
	// Apr 11 of 2262, not leap: 31+28+31+10 = 100; total 106,751).
	r, err := ParseRates(strings.NewReader(dh+"2262-04-10,usdc,0.05,0.1\n"), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Times[0] != 106_751*NanosPerDay {
		t.Fatalf("2262-04-10 holds from %d, want %d", r.Times[0], int64(106_751)*NanosPerDay)
	}
}
