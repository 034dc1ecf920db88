package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// TestWalkForwardSkipsWindowsWithoutBars: out-of-sample windows of one
// day over an equity's weekdays, and an hourly token's run whose end
// falls on a Sunday. A window holding no bar (a Saturday; the Sunday the
// end leaves out) stopped the whole experiment with "no bars to replay";
// it is left out, and every window kept has bars.
func TestWalkForwardSkipsWindowsWithoutBars(t *testing.T) {
	for _, c := range []struct {
		name, class, end string
		step             time.Duration
		oosDays          int
	}{
		{"daily equity, 1-day windows", "equity", "2024-06-01", 24 * time.Hour, 1},
		{"hourly token, end on a Sunday", "crypto", "2024-04-07", time.Hour, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			sawtoothBars(t, filepath.Join(dir, "AAA.csv"), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), c.step, c.class == "equity")
			path := filepath.Join(dir, "x.toml")
			os.WriteFile(path, []byte(fmt.Sprintf(`name = "wf"
start = "2024-02-01"
end = %q
[data]
dir = "."
[data.classes]
AAA = %q
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
slow = 10
[strategy.sweep]
fast = [3, 5]
[walkforward]
in_sample_days = 20
out_of_sample_days = %d
`, c.end, c.class, c.oosDays)), 0o644)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Release()
			wins := o.WalkForward[0].Windows
			if len(wins) < 5 {
				t.Fatalf("%d windows", len(wins))
			}
			tl := engine.NewTimeline(o.Panel)
			for _, w := range wins {
				if k := tl.StepAt(w.OOSStart); k >= tl.Len() || tl.Times[k] >= w.OOSEnd {
					t.Errorf("window %s–%s holds no bar", data.FormatStamp(w.OOSStart), data.FormatStamp(w.OOSEnd))
				}
			}
		})
	}
}

// sawtoothBars writes a price file of bars every step from from to before
// to (weekdays alone with weekdays), the k-th closing at 100 + 10(k mod
// 17)/17 + (k mod 5) + 0.5: moves up and down for an SMA cross to trade
// on. Stamps are dates on daily steps, RFC 3339 instants on shorter ones.
func sawtoothBars(t *testing.T, path string, from, to time.Time, step time.Duration, weekdays bool) {
	t.Helper()
	var b strings.Builder
	b.WriteString("date,open,high,low,close,volume\n")
	k := 0
	for x := from; x.Before(to); x = x.Add(step) {
		if weekdays && (x.Weekday() == time.Saturday || x.Weekday() == time.Sunday) {
			continue
		}
		px := 100 + 10*float64(k%17)/17 + float64(k%5)
		stamp := x.Format("2006-01-02")
		if step < 24*time.Hour {
			stamp = x.Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "%s,%g,%g,%g,%g,1000\n", stamp, px, px+1, px-1, px+0.5)
		k++
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
