package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Two candidates that make the same trades in sample score the same:
// the first in sweep order is chosen, and the choice says nothing of the
// parameter they differ in. On a token that rises every day (by 0.1 %,
// 0.5 % and 0.9 % in turn, so that its returns vary and the Sharpe ratio
// is finite), a fast SMA of 3 is above a slow one of 10 or 12 on every
// bar (a shorter mean of rising prices is the higher), warm-up included:
// both candidates hold the token from each window's first bar, with the
// same curve and score. Every window's choice is a tie of 2, and a note
// says so; there was no word of it (only a tie at +Inf had one).
func TestWalkForwardFiniteTieNote(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	c := 100.0
	k := 0
	for d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		o := c
		c = o * (1.001 + 0.004*float64(k%3))
		k++
		fmt.Fprintf(&b, "%s,%.8f,%.8f,%.8f,%.8f,1000000\n", d.Format("2006-01-02"), o, c, o, c)
	}
	if err := os.WriteFile(filepath.Join(dir, "UP.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := runIn(t, dir, `name = "wf tie"
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
[strategy.sweep]
slow = [10, 12]
[walkforward]
in_sample_days = 20
out_of_sample_days = 20
metric = "sharpe"
`)
	if err != nil {
		t.Fatal(err)
	}
	wf := o.WalkForward[0]
	if len(wf.Windows) != 4 {
		t.Fatalf("%d windows, want 4", len(wf.Windows))
	}
	for k, s := range wf.ISScore {
		if math.IsNaN(s) || math.IsInf(s, 0) || wf.ISTied[k] != 2 || wf.Chosen[k] != 0 {
			t.Errorf("window %d: score %g, %d tied, chose %d: want a finite score that both tie at, the first chosen", k+1, s, wf.ISTied[k], wf.Chosen[k])
		}
	}
	i := slices.IndexFunc(o.Notes, func(n string) bool {
		return strings.HasPrefix(n, "walk-forward sma: ") && strings.Contains(n, "scored exactly")
	})
	if i < 0 {
		t.Fatalf("no note of the ties in %q", o.Notes)
	}
	if n := o.Notes[i]; !strings.Contains(n, "2 candidates in windows 1, 2, 3, 4 scored exactly the chosen candidate's in-sample sharpe") {
		t.Errorf("note %q", n)
	}
}
