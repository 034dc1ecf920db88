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
)

// A candidate with no losing day in sample has no downside and no
// drawdown: its Sortino and Calmar ratios are +Inf (results/metrics:
// a zero denominator under a positive numerator), a legitimate "no
// downside" that the choice keeps. On a token that rises every bar
// (each bar opens 0.1 % over the last close and closes 1 % over its
// open, so a position bought at an open gains on every close), two SMA
// crosses both hold it in every window and both score +Inf: they tie,
// and the tie goes to the first in sweep order (weight = 0.5, listed
// first, though weight = 1 made more), whatever the workers. The
// walk-forward's notes say the chosen score is +Inf and that the
// candidates scoring it tied; there was no word of it.
func TestWalkForwardInfiniteScoreTies(t *testing.T) {
	for _, metric := range []string{"sortino", "calmar"} {
		t.Run(metric, func(t *testing.T) {
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("date,open,high,low,close,volume\n")
			c := 100.0
			for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
				o := c * 1.001
				c = o * 1.01
				fmt.Fprintf(&b, "%s,%.8f,%.8f,%.8f,%.8f,1000000\n", d.Format("2006-01-02"), o, c, o, c)
			}
			if err := os.WriteFile(filepath.Join(dir, "UP.csv"), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte(fmt.Sprintf(`name = "wf inf"
cash = 100000.0
start = "2024-02-01"
[data]
dir = "."
[data.classes]
UP = "crypto"
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "UP"
fast = 3
slow = 10
[strategy.sweep]
weight = [0.5, 1.0]
[walkforward]
in_sample_days = 20
out_of_sample_days = 20
metric = %q
`, metric)), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			var chosen [][]int
			for _, workers := range []int{1, 2} {
				o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, fmt.Sprintf("out%d", workers)), Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				wf := o.WalkForward[0]
				if len(wf.Windows) != 4 || len(wf.Candidates) != 2 {
					t.Fatalf("%d windows, %d candidates", len(wf.Windows), len(wf.Candidates))
				}
				if !strings.Contains(wf.Candidates[0].Key, "weight=0.5") {
					t.Fatalf("first candidate %s, want weight = 0.5 first (as listed)", wf.Candidates[0].Key)
				}
				for k := range wf.Windows {
					if !math.IsInf(wf.ISScore[k], 1) {
						t.Errorf("window %d: in-sample %s %g, want +Inf (no losing day)", k+1, metric, wf.ISScore[k])
					}
					if wf.Chosen[k] != 0 {
						t.Errorf("window %d: chose %s, want the first in sweep order (%s)", k+1, wf.Candidates[wf.Chosen[k]].Key, wf.Candidates[0].Key)
					}
				}
				chosen = append(chosen, wf.Chosen)
				var note string
				for _, n := range o.Notes {
					if strings.Contains(n, "+Inf") {
						note = n
					}
				}
				// 2024-02-01 + 20 days: windows out of sample from
				// 02-21, 03-12, 04-01 and 04-21 (to the data's end,
				// 05-01), every one chosen at +Inf.
				want := "walk-forward sma: in windows 1, 2, 3, 4 the chosen"
				if !strings.HasPrefix(note, want) || !strings.Contains(note, "in-sample "+metric+" is +Inf") ||
					!strings.Contains(note, "2 candidates in windows 1, 2, 3, 4 tied") || !strings.Contains(note, "first in sweep order") || !strings.Contains(note, "is_"+metric+" = +Inf") {
					t.Errorf("notes %q: want one starting %q that says the in-sample %s is +Inf and that the 2 candidates tied to the first in sweep order", o.Notes, want, metric)
				}
				o.Release()
			}
			if fmt.Sprint(chosen[0]) != fmt.Sprint(chosen[1]) {
				t.Errorf("choice with 1 worker %v, with 2 %v", chosen[0], chosen[1])
			}
		})
	}
}
