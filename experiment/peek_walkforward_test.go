package experiment

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The in-sample runs of a walk-forward see no bar that closes after the
// in-sample end: a daily equity's bar stamped 00:00 UTC of the day an
// in-sample window ends at 07:00 UTC (the windows are whole days from the
// first bar, a token's 07:00 hourly bar) closes at 21:00 UTC (New York's
// 16:00 in January), fourteen hours into the out-of-sample window, and
// is left out, as the experiment's end leaves it out (cutAt).
func TestPeekWalkForwardInSampleEndsAtItsEnd(t *testing.T) {
	d0 := time.Date(2025, 1, 6, 7, 0, 0, 0, time.UTC)
	tok := data.Series{Instrument: data.Instrument{Symbol: "TOK", Class: data.Crypto, Source: "test"}}
	for h := 0; h < 20*24; h++ {
		tok.Time = append(tok.Time, d0.Add(time.Duration(h)*time.Hour).UnixNano())
	}
	eq := data.Series{Instrument: data.Instrument{Symbol: "EQ", Class: data.Equity, Source: "test"}}
	for d := 1; d < 20; d++ {
		day := time.Date(2025, 1, 6+d, 0, 0, 0, 0, time.UTC)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			eq.Time = append(eq.Time, day.UnixNano())
		}
	}
	for _, s := range []*data.Series{&tok, &eq} {
		n := len(s.Time)
		for _, c := range []*[]float64{&s.Open, &s.High, &s.Low, &s.Close, &s.AdjClose, &s.Volume} {
			*c = make([]float64, n)
			for k := range *c {
				(*c)[k] = 100
			}
		}
		if err := s.Validate(s.Symbol); err != nil {
			t.Fatal(err)
		}
		s.SetInterval()
	}
	p := &data.Panel{Series: []data.Series{tok, eq}}
	f := &File{WalkForward: &WalkForwardSpec{InSampleDays: 3, OutOfSampleDays: 2}}
	if err := f.WalkForward.validate(); err != nil {
		t.Fatal(err)
	}
	wf, err := f.wfSetup(nil, &Market{Panel: p, Timeline: engine.NewTimeline(p)})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for k, win := range wf.wins {
		c := wf.cuts[2*k].p
		for i := range c.Series {
			s := &c.Series[i]
			last := s.Time[s.Len()-1]
			end := last + int64(time.Hour) // the token's hourly bar
			if s.Symbol == "EQ" {
				end = last + 21*int64(time.Hour) // New York's 16:00 EST
				checked++
			}
			if end > win.ISEnd {
				t.Errorf("window %d in sample (to %s): %s's last bar, of %s, closes at %s", k+1, data.FormatTime(win.ISEnd), s.Symbol, data.FormatTime(last), data.FormatTime(end))
			}
		}
	}
	if len(wf.wins) < 3 || checked == 0 {
		t.Fatalf("probe proves nothing: %d windows", len(wf.wins))
	}
}
