package experiment

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
)

// A walk-forward whose stitched out-of-sample equity fell below 0 has a
// note (Outcome.Notes: the terminal, manifest.json and the report). On
// real data (long NVDA/MSFT/AMD, short FET at gross 2, 2022-09 to
// 2025-07) window 2 lost 121.8 % and the stitched curve went
// on from -253,000: window 7's loss of 129.9 % turned it positive, and the
// line read "total return -98.67 %, Sharpe 0.95" with no word of the ruin.
// Here, by hand: cash 100; window 1 (days 0-1) ends at 50; window 2 (days
// 2-4) goes 50 → -10 (first point at or below 0: day 3, in window 2) →
// +20 (a 300 % "loss" compounded onto -10).
func TestWalkForwardRuinNote(t *testing.T) {
	d := func(k int) int64 { return int64(19000+k) * data.NanosPerDay }
	wf := WalkForward{
		Strategy: "hedge",
		Windows:  []Window{{ISStart: d(-10), ISEnd: d(0), OOSStart: d(0), OOSEnd: d(2)}, {ISStart: d(-8), ISEnd: d(2), OOSStart: d(2), OOSEnd: d(5)}},
		Curve: engine.Curve{Time: []int64{d(0), d(1), d(2), d(3), d(4)}, Equity: []float64{100, 50, 50, -10, 20},
			Cash: make([]float64, 5), Gross: make([]float64, 5), Net: make([]float64, 5), Drawdown: make([]float64, 5)},
	}
	got := wfRuinNote(&wf)
	want := "walk-forward hedge: the stitched out-of-sample equity fell to -10.00 on " + data.FormatStamp(d(3)) + ", in window 2 (ruin)"
	if !strings.HasPrefix(got, want) {
		t.Errorf("note %q, want it to start %q", got, want)
	}
	// Never at or below 0: no note.
	wf.Curve.Equity = []float64{100, 50, 50, 1, 20}
	if n := wfRuinNote(&wf); n != "" {
		t.Errorf("a curve above 0 throughout: note %q", n)
	}
}

// A ruined walk-forward's note reaches manifest.json (and so the
// report), which were written with the runs' notes before the
// walk-forward ran. SHORT trades at about 10 and jumps to 40 on
// 2024-02-15, inside the first out-of-sample window (2024-01-01 to
// 2024-03-01): a pair hedge short half its equity in it loses
// 0.5 × 3 = 150 % of it that day, whichever gross is chosen.
func TestWalkForwardRuinInManifest(t *testing.T) {
	o, err := wfPairHedge(t, "wf ruin", "[1.0, 1.5]", func(d int64, s float64) (float64, bool) {
		if d >= data.Day(2024, 2, 15) {
			return 4 * s, true
		}
		return s, true
	})
	if err != nil {
		t.Fatal(err)
	}
	// The stitched curve, read back from its file, falls to 0 or below.
	b, err := os.ReadFile(filepath.Join(o.Dir, "walkforward", "hedge", "equity.csv"))
	if err != nil {
		t.Fatal(err)
	}
	low := math.Inf(1)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		v, err := strconv.ParseFloat(strings.Split(line, ",")[1], 64)
		if err != nil {
			t.Fatalf("equity.csv line %q: %v", line, err)
		}
		low = min(low, v)
	}
	if low > 0 {
		t.Fatalf("the stitched equity's low is %g: the data should ruin it", low)
	}
	// windows.csv marks window 1 (the jump's) ruined, and no other: after
	// it SHORT moves 2 % at most a day.
	w, err := os.ReadFile(filepath.Join(o.Dir, "walkforward", "hedge", "windows.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(w)), "\n")
	head := strings.Split(lines[0], ",")
	col := slices.Index(head, "oos_ruined")
	if col < 0 || len(lines) < 3 {
		t.Fatalf("windows.csv: %d lines, header %v", len(lines), head)
	}
	for k, line := range lines[1:] {
		f := strings.Split(line, ",")
		if want := fmt.Sprint(k == 0); f[len(f)-len(head)+col] != want {
			t.Errorf("window %d: oos_ruined %q, want %s", k+1, f[len(f)-len(head)+col], want)
		}
	}
	m, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m), "walk-forward hedge: the stitched out-of-sample equity fell to") {
		t.Errorf("manifest.json has no note of the walk-forward's ruin:\n%s", m)
	}
}

// A window where no candidate has an in-sample score trades the first
// candidate by default, and a note says so. SHORT's data start on
// 2024-03-15: a pair hedge needs both legs, so every candidate is flat
// (no return, no Sharpe) in the in-sample years of windows 1 (to
// 2024-01-01) and 2 (to 2024-03-01), and trades in window 3's (to
// 2024-04-30).
func TestWalkForwardNoScoreNote(t *testing.T) {
	o, err := wfPairHedge(t, "wf no score", "[0.5, 1.0]", func(d int64, s float64) (float64, bool) {
		return s, d >= data.Day(2024, 3, 15)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "walk-forward hedge: in windows 1, 2 no candidate has an in-sample sharpe"
	var got []string
	for _, n := range o.Notes {
		if strings.Contains(n, "no candidate has an in-sample") {
			got = append(got, n)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("notes %q, want one starting %q", got, want)
	}
	m, err := os.ReadFile(filepath.Join(o.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m), want) {
		t.Error("manifest.json does not record the note")
	}
}

// wfPairHedge runs a walk-forward (365 days in sample, 60 out) of a pair
// hedge long LONG, short SHORT (weekly, gross swept over grosses) on daily
// bars from 2023-01-01 to 2024-06-30: LONG at 100 × (1 + 0.01 sin k),
// SHORT at short(day, 10 × (1 + 0.01 cos 0.7k)), left out on the days
// short says so (k the day number).
func wfPairHedge(t *testing.T, name, grosses string, short func(day int64, s float64) (float64, bool)) (*Outcome, error) {
	t.Helper()
	dir := t.TempDir()
	var lb, sb strings.Builder
	lb.WriteString("date,open,high,low,close,adj_close,volume\n")
	sb.WriteString("date,open,high,low,close,adj_close,volume\n")
	for d := data.Day(2023, 1, 1); d < data.Day(2024, 7, 1); d += data.NanosPerDay {
		k := float64(d / data.NanosPerDay)
		l := 100 * (1 + 0.01*math.Sin(k))
		fmt.Fprintf(&lb, "%s,%g,%g,%g,%g,%g,1000000\n", data.FormatDay(d), l, l, l, l, l)
		if s, ok := short(d, 10*(1+0.01*math.Cos(0.7*k))); ok {
			fmt.Fprintf(&sb, "%s,%g,%g,%g,%g,%g,1000000\n", data.FormatDay(d), s, s, s, s, s)
		}
	}
	for file, body := range map[string]string{"LONG.csv": lb.String(), "SHORT.csv": sb.String()} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return runIn(t, dir, `name = "`+name+`"
cash = 1_000_000.0
[data]
dir = "."
[data.classes]
LONG = "crypto"
SHORT = "crypto"
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["LONG"]
short = ["SHORT"]
rebalance_days = 7
[strategy.sweep]
gross = `+grosses+`
[walkforward]
in_sample_days = 365
out_of_sample_days = 60
`)
}
