package synth

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

func utcAt(y int, m time.Month, d, hh, mm int) int64 {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC).UnixNano()
}

// on returns the bars of s whose time falls on the UTC date y-m-d.
func on(s *data.Series, y int, m time.Month, d int) []int64 {
	var out []int64
	lo := data.Day(y, m, d)
	for _, t := range s.Time {
		if t >= lo && t < lo+data.NanosPerDay {
			out = append(out, t)
		}
	}
	return out
}

func TestIntradayCalendars(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 2025-03-03 (Mon) .. 03-12: the US clocks go forward on Sunday 03-09.
	c := DefaultIntradayConfig(7, data.Hour, 10, 2)
	c.Start = data.Day(2025, 3, 3)
	p, err := GenerateIntraday(c)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Synthetic || !strings.Contains(p.Description, "synthetic intraday market, seed 7, 1h bars") {
		t.Errorf("labels: %v %q", p.Synthetic, p.Description)
	}
	btc, msft := &p.Series[0], &p.Series[1]
	if btc.Symbol != "BTC" || btc.Class != data.Crypto || msft.Symbol != "MSFT" || msft.Class != data.Equity {
		t.Fatalf("assets %s %v, %s %v", btc.Symbol, btc.Class, msft.Symbol, msft.Class)
	}
	// Crypto: every hour of every day.
	if btc.Len() != 240 || btc.Time[0] != c.Start || btc.Time[239] != c.Start+239*int64(time.Hour) || btc.Interval != data.Hour {
		t.Errorf("BTC: %d bars %s..%s %v", btc.Len(), data.FormatTime(btc.Time[0]), data.FormatTime(btc.Time[btc.Len()-1]), btc.Interval)
	}
	// Equities: 09:30-16:00 New York. EST (UTC-5) on Friday 03-07: hourly
	// bars stamped 09:00..15:00 EST = 14:00..20:00Z; EDT (UTC-4) on
	// Monday 03-10: 13:00..19:00Z. Nothing on the weekend.
	var est, edt []int64
	for h := 14; h <= 20; h++ {
		est = append(est, utcAt(2025, 3, 7, h, 0))
		edt = append(edt, utcAt(2025, 3, 10, h-1, 0))
	}
	if got := on(msft, 2025, 3, 7); !slices.Equal(got, est) {
		t.Errorf("Friday (EST): %v", got)
	}
	if got := on(msft, 2025, 3, 10); !slices.Equal(got, edt) {
		t.Errorf("Monday (EDT): %v", got)
	}
	if n := len(on(msft, 2025, 3, 8)) + len(on(msft, 2025, 3, 9)); n != 0 {
		t.Errorf("%d weekend bars", n)
	}
	if msft.Len() != 8*7 { // 8 weekdays in 03-03..03-12
		t.Errorf("MSFT: %d bars, want 56", msft.Len())
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestIntradayMinutesAndHolidays(t *testing.T) {
	if _, err := time.LoadLocation("America/New_York"); err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	// 2025-01-08 .. 01-10: 01-09 is a one-off NYSE closure (President
	// Carter's funeral).
	c := DefaultIntradayConfig(1, data.Minute, 3, 2)
	c.Start = data.Day(2025, 1, 8)
	p, err := GenerateIntraday(c)
	if err != nil {
		t.Fatal(err)
	}
	btc, msft := &p.Series[0], &p.Series[1]
	if btc.Len() != 3*1440 || btc.Interval != data.Minute {
		t.Errorf("BTC: %d minute bars", btc.Len())
	}
	// 390 minute bars a session, 09:30 EST = 14:30Z to 15:59 EST = 20:59Z.
	wed := on(msft, 2025, 1, 8)
	if len(wed) != 390 || wed[0] != utcAt(2025, 1, 8, 14, 30) || wed[389] != utcAt(2025, 1, 8, 20, 59) {
		t.Errorf("Wednesday: %d bars", len(wed))
	}
	if n := len(on(msft, 2025, 1, 9)); n != 0 {
		t.Errorf("%d bars on the 2025-01-09 closure", n)
	}
	if msft.Len() != 2*390 {
		t.Errorf("MSFT: %d bars", msft.Len())
	}
	// Crypto opens at the previous close (24/7); an equity's first bar of
	// the next session gaps.
	for k := 1; k < btc.Len(); k++ {
		if btc.Open[k] != btc.Close[k-1] {
			t.Fatalf("BTC bar %d opens at %v, previous close %v", k, btc.Open[k], btc.Close[k-1])
		}
	}
	if msft.Open[390] == msft.Close[389] {
		t.Error("no overnight gap for MSFT")
	}
}

func TestIntradayDeterministic(t *testing.T) {
	c := DefaultIntradayConfig(42, data.Hour, 20, 4)
	a, err := GenerateIntraday(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GenerateIntraday(c)
	for i := range a.Series {
		if !slices.Equal(a.Series[i].Close, b.Series[i].Close) || !slices.Equal(a.Series[i].Volume, b.Series[i].Volume) {
			t.Fatalf("%s differs between two runs", a.Series[i].Symbol)
		}
	}
	c.Seed = 43
	d, _ := GenerateIntraday(c)
	if slices.Equal(a.Series[0].Close, d.Series[0].Close) {
		t.Error("another seed gives the same path")
	}
	// Adding instruments leaves the others' paths (own streams) unchanged
	// only when the factor draws are the same: they are (one stream).
	c.Seed = 42
	c.Assets = IntradayAssets(6)
	e, _ := GenerateIntraday(c)
	if !slices.Equal(a.Series[1].Close, e.Series[1].Close) {
		t.Error("adding instruments changed MSFT's path")
	}
}

func TestIntradayAssets(t *testing.T) {
	got := IntradayAssets(15)
	var syms []string
	eq := 0
	for _, a := range got {
		syms = append(syms, a.Symbol)
		if a.Class == data.Equity {
			eq++
		}
	}
	want := "BTC MSFT ETH NVDA TAO META RENDER AMD FET ORCL NEAR QQQ BTC2 MSFT2 ETH2"
	if strings.Join(syms, " ") != want || eq != 7 {
		t.Errorf("got %v (%d equities)", syms, eq)
	}
}

func TestIntradayValidate(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*IntradayConfig)
		want string
	}{
		{func(c *IntradayConfig) { c.Interval = data.Daily }, "Interval must be whole minutes"},
		{func(c *IntradayConfig) { c.Interval = 7 * data.Minute }, "Interval must be whole minutes"},
		{func(c *IntradayConfig) { c.Days = 0 }, "Days must be in"},
		{func(c *IntradayConfig) { c.Assets = nil }, "no Assets"},
		{func(c *IntradayConfig) { c.Assets = IntradayAssets(500); c.Days = 365 }, "more than 150000000 bars"},
		{func(c *IntradayConfig) { c.Assets[0].Vol = 0 }, "Assets[0] (BTC): Vol must be > 0"},
		{func(c *IntradayConfig) { c.Start += 3600e9 }, "Start must be 00:00 UTC"},
	} {
		c := DefaultIntradayConfig(1, data.Minute, 10, 2)
		tc.mod(&c)
		_, err := GenerateIntraday(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want …%s", err, tc.want)
		}
	}
}
