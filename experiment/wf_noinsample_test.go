package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// TestWalkForwardInSampleWithoutBars: an in-sample window that holds no
// bar stopped the whole experiment with "no bars to replay". Two ways to
// get one, on an equity's weekday bars from Wednesday 2023-11-01:
//
//   - a start before the data: start = 2023-10-01, 20 days in sample, 10
//     out. Out of sample [10-21, 10-31) holds no bar and is left out;
//     [10-31, 11-10) holds bars, its in sample [10-11, 10-31) none;
//     [11-10, 11-20) has 7 bars in sample (Nov 1–3, 6–9).
//   - 2 days in sample before a Monday: [Sat, Mon) holds no bar.
//
// Such a window has no in-sample evidence: every candidate scores NaN, the
// first candidate in sweep order trades out of sample (as when every
// candidate is flat), and the note names the window; a window with bars in
// sample keeps its score.
func TestWalkForwardInSampleWithoutBars(t *testing.T) {
	for _, c := range []struct {
		name, start string
		is, oos     int
		noBars      []int64 // out-of-sample starts of the windows with no bar in sample
		scored      int64   // the out-of-sample start of a window with a score
	}{
		{"start before the data", "2023-10-01", 20, 10, []int64{data.Day(2023, 10, 31)}, data.Day(2023, 11, 10)},
		{"weekend in sample", "2024-01-03", 2, 1, []int64{data.Day(2024, 1, 8), data.Day(2024, 1, 15)}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			sawtoothBars(t, filepath.Join(dir, "AAA.csv"), time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour, true)
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte(fmt.Sprintf(`name = "wf"
start = %q
end = "2024-01-20"
[data]
dir = "."
[data.classes]
AAA = "equity"
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
slow = 3
[strategy.sweep]
fast = [1, 2]
[walkforward]
in_sample_days = %d
out_of_sample_days = %d
`, c.start, c.is, c.oos)), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Release()
			wf := o.WalkForward[0]
			at := map[int64]int{}
			for k, w := range wf.Windows {
				at[w.OOSStart] = k
			}
			for _, s := range c.noBars {
				k, ok := at[s]
				if !ok {
					t.Fatalf("no window out of sample from %s: %+v", data.FormatDay(s), wf.Windows)
				}
				if !math.IsNaN(wf.ISScore[k]) || wf.Chosen[k] != 0 {
					t.Errorf("window %d (out of sample %s): in-sample score %g, chosen %d; want NaN and the first candidate", k+1, data.FormatDay(s), wf.ISScore[k], wf.Chosen[k])
				}
				found := false
				for _, n := range o.Notes {
					found = found || strings.Contains(n, "no candidate has an in-sample sharpe") && strings.Contains(n, fmt.Sprintf(" %d", k+1))
				}
				if !found {
					t.Errorf("no note names window %d: %q", k+1, o.Notes)
				}
			}
			if c.scored != 0 {
				if k, ok := at[c.scored]; !ok || math.IsNaN(wf.ISScore[k]) {
					t.Errorf("the window out of sample from %s has no in-sample score", data.FormatDay(c.scored))
				}
			}
		})
	}
}
