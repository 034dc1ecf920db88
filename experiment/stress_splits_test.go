package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// On raw prices with a [[splits]] split, a volatility shock whose window
// holds the split scales the holder's returns, not the split's fall in
// the close. Here the holder's price is flat (100 before a 2-for-1 split
// on 2024-02-01, 50 from it): its log returns are all 0, so k = 3 leaves
// them 0 and the shocked closes are the raw ones, and the run under the
// scenario is its baseline (worst day 0, no drawdown, no commission).
// The split read as a return of ln ½ (μ = ln ½ / 23 over the window's
// 23 returns) became 3·ln ½ − 2μ on its bar, a fall of the close to
// 2^−(3 − 2/23) = 0.133 that the engine's doubled position turned into
// a loss of 1 − 0.266 = 73 % on the day, made up by a rise over the
// rest of the window.
func TestStressVolatilityAcrossSplit(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,adj_close,volume\n")
	var closes []float64
	for d := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		c := 100.0
		if !d.Before(time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)) {
			c = 50
		}
		closes = append(closes, c)
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,%g,1000000\n", d.Format("2006-01-02"), c, c, c, c, c)
	}
	if err := os.WriteFile(filepath.Join(dir, "AAA.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, dir, `name = "split"
cash = 1_000_000.0
prices = "raw"
start = "2024-01-02"
[data]
dir = "."
classes = { AAA = "equity" }
[[splits]]
symbol = "AAA"
date = "2024-02-01"
ratio = 2.0
[[scenario]]
name = "vol3"
[[scenario.shock]]
type = "volatility"
symbols = ["AAA"]
date = 2024-01-15
until = 2024-02-15
k = 3.0
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["AAA"]
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Views) != 2 {
		t.Fatalf("%d views, want the baseline and vol3", len(o.Views))
	}
	got := o.Views[1].Panel.Series[0].Close
	for k, want := range closes {
		if got[k] != want {
			t.Errorf("shocked close %d = %g, want the raw %g", k, got[k], want)
		}
	}
	for _, row := range o.Stress.Rows {
		if row.Scenario == "vol3" && (row.PnLVsBaseline != 0 || row.WorstDay != 0 || row.MaxDrawdown != 0) {
			t.Errorf("vol3: PnL vs baseline %g, worst day %g, max drawdown %g; want 0, 0, 0", row.PnLVsBaseline, row.WorstDay, row.MaxDrawdown)
		}
	}
}
