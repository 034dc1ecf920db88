package experiment

import (
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// The in-sample runs of a walk-forward on weekly bars see no week that
// ends after the in-sample end. A weekly bar is revealed whole at its
// stamp (its close is the week's last price), so a bar stamped on the
// Monday before an in-sample window that ends on a Thursday holds the
// following Sunday's close, three days into the out-of-sample window:
// kept in sample, the choice of parameters would see it. It is left
// out, and so is nothing else: the bar before it, whose week ended on
// that Monday, stays.
func TestWalkForwardWeeklyBarsEndInSample(t *testing.T) {
	d0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC) // a Monday
	week := int64(data.Weekly)
	tok := data.Series{Instrument: data.Instrument{Symbol: "TOK", Class: data.Crypto, Source: "test"}}
	for w := 0; w < 12; w++ {
		tok.Time = append(tok.Time, d0.UnixNano()+int64(w)*week)
	}
	n := len(tok.Time)
	for _, c := range []*[]float64{&tok.Open, &tok.High, &tok.Low, &tok.Close, &tok.AdjClose, &tok.Volume} {
		*c = make([]float64, n)
		for k := range *c {
			(*c)[k] = 100
		}
	}
	if err := tok.Validate(tok.Symbol); err != nil {
		t.Fatal(err)
	}
	tok.SetInterval()
	if tok.BarInterval() != data.Weekly {
		t.Fatalf("interval %s, want 1w", tok.BarInterval())
	}
	p := &data.Panel{Series: []data.Series{tok}}
	// Windows from the first bar (a Monday): in sample 10 days, out of
	// sample 7. Window 1's in-sample end is Thursday 2025-01-16; the bar
	// of Monday 01-13 runs to 01-20, so the last week in sample is the
	// one stamped 01-06 (ending 01-13). Each later window moves by 7
	// days, so the in-sample end is always a Thursday and its last whole
	// week always starts 10 days before it.
	f := &File{WalkForward: &WalkForwardSpec{InSampleDays: 10, OutOfSampleDays: 7}}
	if err := f.WalkForward.validate(); err != nil {
		t.Fatal(err)
	}
	wf, err := f.wfSetup(nil, &Market{Panel: p, Timeline: engine.NewTimeline(p)})
	if err != nil {
		t.Fatal(err)
	}
	if len(wf.wins) < 3 {
		t.Fatalf("probe proves nothing: %d windows", len(wf.wins))
	}
	for k, win := range wf.wins {
		s := &wf.cuts[2*k].p.Series[0]
		if s.Len() == 0 {
			t.Fatalf("window %d: nothing in sample", k+1)
		}
		last := s.Time[s.Len()-1]
		if want := win.ISEnd - 10*data.NanosPerDay; last != want {
			t.Errorf("window %d in sample (to %s): last week stamped %s (ending %s), want %s",
				k+1, data.FormatTime(win.ISEnd), data.FormatTime(last), data.FormatTime(last+week), data.FormatTime(want))
		}
	}
}
