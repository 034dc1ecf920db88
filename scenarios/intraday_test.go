package scenarios

import (
	"math"
	"strings"
	"testing"
	"time"

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
// time inside a bar moves a gap (the default) to the next bar (a move
// during the bar stays in it: TestTimeInsideAnHourlyBar).
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

// A shock's time written without an offset is UTC on any machine.
// BurntSushi/toml gives such a value the machine's offset (a location
// named "datetime-local"), so its instant moved with the machine's zone:
// 2025-02-06T14:00:00 was 19:00Z on a machine in New York (−5 h). Here
// the value is made as a New York machine's decoder makes it: 14:00 at
// −05:00 named datetime-local, read as 14:00Z = 1,738,850,400 s (2025-02-06
// is day 20,125: 55 years 1970–2024 = 20,089 days with 14 leap days,
// + 31 + 5 = 20,125; × 86,400 + 14 × 3,600). A time of day alone is
// refused.
func TestShockTimeWithoutOffsetIsUTC(t *testing.T) {
	ny := time.FixedZone("datetime-local", -5*3600)
	var at instant
	if err := at.UnmarshalTOML(time.Date(2025, 2, 6, 14, 0, 0, 0, ny)); err != nil {
		t.Fatal(err)
	}
	if want := int64(1_738_850_400) * 1e9; int64(at) != want {
		t.Errorf("2025-02-06T14:00:00 on a New York machine: %s, want 2025-02-06T14:00:00Z", data.FormatTime(int64(at)))
	}
	// With its offset written, the offset counts: 09:00-05:00 is 14:00Z.
	if err := at.UnmarshalTOML(time.Date(2025, 2, 6, 9, 0, 0, 0, time.FixedZone("", -5*3600))); err != nil || int64(at) != int64(1_738_850_400)*1e9 {
		t.Errorf("09:00-05:00: %s, %v; want 14:00Z", data.FormatTime(int64(at)), err)
	}
	if err := at.UnmarshalTOML(time.Date(0, 1, 1, 14, 0, 0, 0, time.FixedZone("time-local", 0))); err == nil || !strings.Contains(err.Error(), "a time of day has no date") {
		t.Errorf("a time of day: %v", err)
	}
}

// A replay lays the source's bars one for one on the target's, so a
// source at another bar interval than the panel's would misplace its
// moves: a daily source's −20 % day (closes 100 → 80 on 2025-01-27) laid
// on hourly bars was the whole day's move in the first hour of
// 2025-02-06 (00:00Z closing at 100 · 80/100 = 80), and a nine-day
// replay nine hours long. Such a source is refused, naming the shock,
// the symbol and both intervals; one at the panel's interval replays.
func TestTransplantSourceOfAnotherInterval(t *testing.T) {
	daily := data.Series{Instrument: data.Instrument{Symbol: "TAO", Class: data.Crypto}}
	for k, c := range []float64{100, 100, 80} {
		daily.Time = append(daily.Time, data.Day(2025, 1, 25+k))
		for _, col := range []*[]float64{&daily.Open, &daily.High, &daily.Low, &daily.AdjClose} {
			*col = append(*col, 100)
		}
		daily.Close = append(daily.Close, c)
		daily.Volume = append(daily.Volume, 1)
	}
	daily.Low[2] = 80
	daily.SetInterval()
	hourly := hourlyPanel()
	hourly.Series[0].Time = nil
	for k := range hourly.Series[0].Close { // the same 48 bars, ten days earlier: 2025-01-26 and -27
		hourly.Series[0].Time = append(hourly.Series[0].Time, data.Day(2025, 1, 26)+int64(k)*int64(data.Hour))
	}
	hourly.Series[0].Close[47], hourly.Series[0].Low[47] = 80, 80 // the day's -20 % in its last hour
	sc, err := Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"transplant\"\nsymbols = [\"TAO\"]\nfrom = 2025-01-27\nto = 2025-01-28\ndate = 2025-02-06\n")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = sc.Apply(hourlyPanel(), nil, ApplyOptions{Source: &data.Panel{Series: []data.Series{daily}}})
	if err == nil || !strings.Contains(err.Error(), "shock[0]") || !strings.Contains(err.Error(), "TAO") ||
		!strings.Contains(err.Error(), "1d") || !strings.Contains(err.Error(), "1h") {
		t.Errorf("daily source on hourly bars: %v, want an error naming shock[0], TAO, 1d and 1h", err)
	}
	// The hourly source of the same day replays it hour by hour: its 24
	// bars of 2025-01-27 (the first has the 26th's last close, 100, as
	// predecessor) put 23 flat hours and the -20 % hour on 2025-02-06,
	// closing that day at 100 · 80/100 = 80 and not before its last hour.
	out, _, err := sc.Apply(hourlyPanel(), nil, ApplyOptions{Source: hourly})
	if err != nil {
		t.Fatal(err)
	}
	s := &out.Series[0]
	for k := 24; k < 47; k++ {
		if s.Close[k] != 100 {
			t.Fatalf("hourly source: %s closes at %g before the day's last hour, want 100", data.FormatTime(s.Time[k]), s.Close[k])
		}
	}
	if math.Abs(s.Close[47]-80) > 1e-9 {
		t.Errorf("hourly source: the day's last hour closes at %g, want 80", s.Close[47])
	}
}

// yahooHourly is an equity's hourly bars as Yahoo Finance stamps them,
// 09:30 … 15:30 New York on two sessions, 2025-11-03 and -04 (standard
// time, UTC−5: 14:30Z … 20:30Z), every price 100. The engine closes
// the 15:30 bar at the 16:00 close, 21:00Z (engine.BarEnd), not an
// hour after its stamp.
func yahooHourly() *data.Panel {
	s := data.Series{Instrument: data.Instrument{Symbol: "NVDA", Class: data.Equity}}
	for _, day := range []int64{data.Day(2025, 11, 3), data.Day(2025, 11, 4)} {
		for h := 0; h < 7; h++ {
			s.Time = append(s.Time, day+14*int64(data.Hour)+30*int64(data.Minute)+int64(h)*int64(data.Hour))
			for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose} {
				*c = append(*c, 100)
			}
			s.Volume = append(s.Volume, 1)
		}
	}
	s.SetInterval()
	return &data.Panel{Series: []data.Series{s}}
}

// A move during the bar placed at an instant after an equity's close
// (an earnings release at 16:15 New York, 21:15Z) lands on the next
// session's first bar: the session's last bar, Yahoo's 15:30, closed at
// 16:00, before the news. It landed there all the same (its end was
// taken as its stamp + 1 h = 16:30), so the 15:30 bar's close, which the
// runs see at 16:00, held a move made at 16:15. A wick of −10 % on the
// flat bars: the bar it lands on has low 100 · 0.9 = 90, every other
// low stays 100. One at 15:45 New York (20:45Z) lands in the 15:30 bar.
func TestTimeAfterAnEquitysClose(t *testing.T) {
	for _, c := range []struct {
		at, want string
	}{
		{"2025-11-03T21:15:00Z", "2025-11-04T14:30:00Z"},
		{"2025-11-03T20:45:00Z", "2025-11-03T20:30:00Z"},
	} {
		t.Run(c.at, func(t *testing.T) {
			sc, err := Parse("x.toml", "name = \"x\"\n[[shock]]\ntype = \"wick\"\nsymbols = [\"NVDA\"]\nmove = -0.1\ntime = \""+c.at+"\"\n")
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := sc.Apply(yahooHourly(), nil, ApplyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := &out.Series[0]
			var hit []string
			for k := range s.Low {
				if math.Abs(s.Low[k]-90) < 1e-9 {
					hit = append(hit, data.FormatTime(s.Time[k]))
				} else if s.Low[k] != 100 {
					t.Errorf("%s: low %g, want 100 or 90", data.FormatTime(s.Time[k]), s.Low[k])
				}
			}
			if len(hit) != 1 || hit[0] != c.want {
				t.Errorf("wick at %s lands on %v, want [%s]", c.at, hit, c.want)
			}
		})
	}
}
