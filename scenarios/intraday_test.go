package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
)

// hourlyPanel is one token's hourly bars over two days, every price 100.
func hourlyPanel() *data.Panel {
	s := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}}
	t0 := data.Day(2025, 2, 5)
	for k := 0; k < 48; k++ {
		s.Time = append(s.Time, t0+int64(k)*int64(data.Hour))
		for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose} {
			*c = append(*c, 100)
		}
		s.Volume = append(s.Volume, 1)
	}
	s.SetInterval()
	return &data.Panel{Series: []data.Series{s}}
}

// On hourly bars a jump placed on a day hits the day's first bar
// (00:00Z), one placed at an exact time the first bar at or after it; a
// time between bars moves to the next bar.
func TestShockOnADayOrAtATime(t *testing.T) {
	cases := []struct {
		when  string
		first string // the first bar moved
	}{
		{`date = 2025-02-06`, "2025-02-06T00:00:00Z"},
		{`time = "2025-02-06T14:00:00Z"`, "2025-02-06T14:00:00Z"},
		{`time = 2025-02-06T09:00:00-05:00`, "2025-02-06T14:00:00Z"},
		{`time = "2025-02-06T14:20:00Z"`, "2025-02-06T15:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.when, func(t *testing.T) {
			sc, err := Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"TAO\"]\nmove = -0.2\n"+tc.when+"\n")
			if err != nil {
				t.Fatal(err)
			}
			p := hourlyPanel()
			out, _, err := sc.Apply(p, nil, ApplyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := &out.Series[0]
			first := ""
			for k := range s.Close {
				// A gap jump spread over one bar: that bar opens and
				// closes at 80, every bar before it stays at 100.
				moved := math.Abs(s.Close[k]-80) < 1e-9 && math.Abs(s.Open[k]-80) < 1e-9
				if first == "" && moved {
					first = data.FormatTime(s.Time[k])
				}
				if first == "" && s.Close[k] != 100 {
					t.Fatalf("bar %s changed before the shock", data.FormatTime(s.Time[k]))
				}
			}
			if first != tc.first {
				t.Errorf("first shocked bar %s, want %s", first, tc.first)
			}
		})
	}
	_, err := Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"TAO\"]\nmove = -0.2\ntime = \"2025-02-06 14:00\"\n")
	if err == nil || !strings.Contains(err.Error(), "shock[0].time") || !strings.Contains(err.Error(), "RFC 3339") {
		t.Errorf("bad time: %v", err)
	}
	_, err = Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"jump\"\nsymbols = [\"TAO\"]\nmove = -0.2\ntime = \"2025-02-06T14:00:00Z\"\ndate = 2025-02-06\n")
	if err == nil || !strings.Contains(err.Error(), "exactly one of date, time, day or random") {
		t.Errorf("date and time: %v", err)
	}
}
