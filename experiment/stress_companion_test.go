package experiment

import (
	"math"
	"reflect"
	"testing"
)

// The stress table finds a hedge's long-leg companion by the run's
// fields (LongLegOf and the view), not by rebuilding the companion's key:
// the companions' keys renamed to anything, the table is the same, with
// its hedge columns filled.
func TestStressFindsCompanionByFields(t *testing.T) {
	o, err := runIn(t, t.TempDir(), `name = "companions"
seed = 42
cash = 1_000_000.0
commission_bps = 5.0
start = "2020-01-01"
scenario_start = "2024-03-01"
[[scenario]]
name = "AI Bubble, Burst!"
[[scenario.shock]]
type = "jump"
symbols = ["MSFT", "NVDA", "META", "TAO", "RENDER", "FET"]
day = 0
move = -0.3
[data]
synthetic = true
synthetic_seed = 7
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["MSFT", "NVDA", "META"]
short = ["TAO", "RENDER", "FET"]
gross = 1.0
rebalance_days = 7
`)
	if err != nil {
		t.Fatal(err)
	}
	want := StressTable(o)
	filled := 0
	for _, row := range want.Rows {
		if !math.IsNaN(row.LongLegChangeVsBaseline) {
			filled++
		}
	}
	if filled != len(want.Rows) || filled == 0 {
		t.Fatalf("%d of %d rows with the long leg's change, want every one", filled, len(want.Rows))
	}
	renamed := 0
	for i := range o.Runs {
		if r := &o.Runs[i]; r.LongLegOf != "" {
			r.Key = "companion-" + string(rune('a'+i))
			r.Base = "companion-base-" + string(rune('a'+i))
			renamed++
		}
	}
	if renamed != 2 { // the hedge's companion in the baseline and under the scenario
		t.Fatalf("%d companion runs, want 2", renamed)
	}
	got := StressTable(o)
	if !reflect.DeepEqual(stressCells(got), stressCells(want)) {
		t.Errorf("with the companions renamed the table is\n%v\nwant\n%v", stressCells(got), stressCells(want))
	}
}

// stressCells is a stress table's rows with NaN as a string, for
// comparison.
func stressCells(s *Stress) [][]any {
	var out [][]any
	for _, r := range s.Rows {
		var row []any
		for _, v := range []float64{r.PnL, r.PnLVsBaseline, r.LongLegPnLVsBaseline, r.LongLegChangeVsBaseline, r.HedgeEffectiveness, r.VarianceReduction} {
			if math.IsNaN(v) {
				row = append(row, "NaN")
			} else {
				row = append(row, v)
			}
		}
		out = append(out, append(row, r.Run, r.Scenario))
	}
	return out
}
