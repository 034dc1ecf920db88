package experiment

import (
	"testing"

	"github.com/divergence-research/divergence/engine"
)

// A level and its reach that differ print different: %.6g printed a
// BTC limit buy at 65432.12 and the lowest low after it, 65432.14, both
// as 65432.1 ("at 65432.1, below the lowest low after it (65432.1)"),
// and a sell limit at 104523.37 over a highest high of 104523.3 both as
// 104523. The two are printed with the fewest significant digits, 6 at
// least, that tell them apart (7: 65432.12 and 65432.14; 104523.4 and
// 104523.3), each as written when it has fewer (90, 95.2).
func TestPendingLevelAndReachTellApart(t *testing.T) {
	for _, tc := range []struct {
		name         string
		level, reach float64
		side         int
		want         string
	}{
		{"BTC cents apart", 65432.12, 65432.14, 1,
			"1 limit buy on BTC at 65432.12, below the lowest low after it (65432.14)"},
		{"six digits", 104523.37, 104530.5, 1,
			"1 limit buy on BTC at 104523, below the lowest low after it (104530)"},
		{"sell under the high", 104523.37, 104523.3, -1,
			"1 limit sell on BTC at 104523.4, above the highest high after it (104523.3)"},
		{"short prices", 90, 95.2, 1,
			"1 limit buy on BTC at 90, below the lowest low after it (95.2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := notReachedText(engine.PendingOrder{Symbol: "BTC", Kind: engine.Limit, Side: tc.side, Level: tc.level, Reach: tc.reach, Why: engine.PendingNotReached})
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
