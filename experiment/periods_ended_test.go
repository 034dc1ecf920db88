package experiment

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

// A 24/7 instrument whose data end before the runs start puts no step on
// their timeline: on the real daily bars, MSFT beside AGIX (whose file
// ends 2023-12-29) from 2024-01-02 to 2025-01-01 is a curve of MSFT's 251
// sessions of 2024 after the first (2024-01-02 … 2024-12-31: 252
// sessions, 2,262 rows in the file, none on a weekend or holiday), so
// the periods per year are 252, not 365.
//
// MSFT bought at the 2024-01-03 open and held: the total return R is the
// curve's last point over the initial cash, over 251 periods of 1/252 of
// a year each, so CAGR = (1 + R)^(252/251) − 1 (read at 365, it was
// (1 + R)^(365/251) − 1: 22.7 % for a 15.1 % year).
func TestPeriodsPerYearTokenEndedBeforeStart(t *testing.T) {
	d := sharedData(t)
	dir := t.TempDir()
	out, err := runIn(t, dir, fmt.Sprintf(`
name = "ended token"
seed = 1
cash = 1_000_000.0
commission_bps = 0.0
start = "2024-01-02"
end = "2025-01-01"
[data]
dir = %q
[[strategy]]
name = "msft"
type = "buy-and-hold"
[strategy.params]
symbols = ["MSFT"]
[[strategy]]
name = "with agix"
type = "weights"
[strategy.params]
weights = { MSFT = 0.5, AGIX = 0.5 }
`, filepath.Join(d, "prices")))
	if err != nil {
		t.Fatal(err)
	}
	if out.PeriodsPerYear != 252 {
		t.Errorf("periods per year %g (%s), want 252: AGIX has no bar in the runs", out.PeriodsPerYear, out.Calendar)
	}
	for _, r := range out.Runs {
		eq := r.Result.Curve.Equity
		if len(eq) != 252 {
			t.Fatalf("%s: %d points, want 2024's 252 sessions", r.Key, len(eq))
		}
		total := eq[len(eq)-1]/1e6 - 1
		want := math.Pow(1+total, 252.0/251) - 1
		if got := r.Metrics.CAGR; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: cagr %.6f, want %.6f (total return %.6f over 251 sessions)", r.Key, got, want, total)
		}
	}
}
