package scenarios

import (
	"testing"

	"github.com/divergence-research/divergence/data"
)

// TestBootstrapSkipsDatesWithoutReturns: a token listed on a Saturday
// beside equities makes a source date that holds only its first bar, so
// no return of any instrument. Drawn, it left its path date without a
// bar at all: that path had one date fewer than the others, and an
// experiment's Monte Carlo failed ("paths must share their dates") as
// soon as one path drew it (NVDA + FET from 2021: FET's first bar is
// Saturday 2021-07-17).
func TestBootstrapSkipsDatesWithoutReturns(t *testing.T) {
	// d0 is Monday 2025-01-06. NVDA trades the 15 weekdays of three weeks
	// (offsets 0-4, 7-11, 14-18); the token lists on Saturday, offset 5,
	// and trades every day to offset 18 (14 bars).
	nvda := series("NVDA", data.Equity, weekdays(15), flat(15, 1))
	tok := series("TOK", data.Crypto, seq(19)[5:], flat(14, 1))
	for k := range nvda.Close {
		nvda.Close[k] = float64(100 + k) // a return on every date after its first
	}
	for k := range tok.Close {
		tok.Close[k] = float64(10 + k)
	}
	src := panelOf(nvda, tok)
	// Union dates: the 15 weekdays and the weekend days 5, 6, 12, 13 = 19.
	// Date 0 has no previous bar (18 left), and date 5 holds only the
	// token's first bar (17 left): 18 − 1 = 17 dates carry a return.
	const wantDates, listing = 17, 5 // the listing date's union index: offsets 0-4 come before it
	mc, err := NewMonteCarlo(src, MonteCarloConfig{Paths: 200, Length: 60, MeanBlock: 3, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	if got := mc.SourceDates(); got != wantDates {
		t.Errorf("SourceDates = %d, want %d", got, wantDates)
	}
	if mc.PathDates() != 60 {
		t.Fatalf("PathDates = %d, want 60 (the source has weekend dates: every calendar day)", mc.PathDates())
	}
	drawn := map[int32]bool{}
	for i := 0; i < 200; i++ {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		times := map[int64]bool{}
		for _, s := range p.Panel.Series {
			for _, tm := range s.Time {
				times[tm] = true
			}
		}
		if len(times) != 60 {
			t.Fatalf("path %d: bars on %d dates, want every one of the 60 path dates", i, len(times))
		}
		for _, d := range p.Draws {
			if d == listing {
				t.Fatalf("path %d drew the listing date (union index %d), which has no return", i, listing)
			}
			drawn[d] = true
		}
	}
	// Every other date after the first is drawn somewhere in 200 × 60 draws.
	if len(drawn) != wantDates {
		t.Errorf("the paths drew %d distinct dates, want all %d", len(drawn), wantDates)
	}
}
