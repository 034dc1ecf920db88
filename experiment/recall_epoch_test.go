package experiment

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/divergence-research/divergence/engine"
)

// A borrow recall at 1970-01-01 (0 ns) is a recall: borrow_recall =
// 1970-01-01 was refused as empty (`borrow_recall = ""`), and a
// scenario's recall shock dated 1970-01-01 left RecallAt at 0, which the
// engine took for none. The weights strategy shorts half the equity from
// the first step, 1969-12-22 (a Monday): sold at 1969-12-23's open; the
// recall covers it at the open of 1970-01-01 (a Thursday, 0 ns), and the
// strategy's later attempts to short again are refused.
func TestBorrowRecallAtTheEpoch(t *testing.T) {
	dir := t.TempDir()
	weekdaysCSV(t, filepath.Join(dir, "abc.csv"), time.Date(1969, 12, 22, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 10, 0, 0, 0, 0, time.UTC), false)
	for _, tc := range []struct {
		name, extra string
		run         int // the run whose fills are read: 0 the baseline, 1 the scenario's
		recalls     int
		held        float64 // the position at the end
	}{
		// No recall: short 10,000 × 0.5 / 100 = 50 held to the end.
		{"none", "", 0, 0, -50},
		{"borrow_recall", "[costs.symbols.ABC]\nborrow_recall = 1970-01-01\n", 0, 1, 0},
		{"borrow_recall string", "[costs.symbols.ABC]\nborrow_recall = \"1970-01-01T00:00:00Z\"\n", 0, 1, 0},
		{"scenario", "[[scenario]]\nname = \"recall\"\n[[scenario.shock]]\ntype = \"recall\"\nsymbols = [\"ABC\"]\ndate = 1970-01-01\n", 1, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("x.toml", fmt.Sprintf(`name = "x"
cash = 10000.0
[data]
dir = %q
files = { ABC = "abc.csv" }
[data.classes]
ABC = "equity"
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { ABC = -0.5 }
rebalance_days = 1
%s`, dir, tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(o.Release)
			res := o.Runs[tc.run].Result
			var recalled int
			for _, fl := range res.Fills {
				if fl.Kind == engine.Recall {
					recalled++
					if fl.Time != 0 || fl.Qty <= 0 {
						t.Errorf("recall fill %+v: want a cover at 1970-01-01 (0 ns)", fl)
					}
				}
				if tc.recalls > 0 && fl.Time > 0 && fl.Qty < 0 {
					t.Errorf("fill %+v: a short opened after the recall", fl)
				}
			}
			if recalled != tc.recalls || res.Portfolio.Qty[0] != tc.held {
				t.Errorf("%d recall fills, final position %g; want %d and %g (fills %+v)", recalled, res.Portfolio.Qty[0], tc.recalls, tc.held, res.Fills)
			}
		})
	}
}
