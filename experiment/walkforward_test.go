package experiment

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
)

func TestWindowsNeverOverlapOutOfSample(t *testing.T) {
	first, last := data.Day(2020, 1, 1), data.Day(2024, 6, 15)
	for _, mode := range []string{"rolling", "expanding"} {
		w := WalkForwardSpec{InSampleDays: 365, OutOfSampleDays: 90, Mode: mode}
		wins := w.Windows(first, last)
		// OOS starts at 2021-01-01 (2020 + 366 days? no: 365 days after
		// 2020-01-01 is 2020-12-31), then every 90 days until last.
		if len(wins) == 0 {
			t.Fatal("no windows")
		}
		for k, win := range wins {
			if win.ISEnd != win.OOSStart || win.ISStart >= win.ISEnd || win.OOSStart >= win.OOSEnd {
				t.Fatalf("%s window %d malformed: %+v", mode, k, win)
			}
			if win.OOSEnd > last {
				t.Fatalf("%s window %d runs past the data", mode, k)
			}
			if k > 0 {
				prev := wins[k-1]
				if win.OOSStart != prev.OOSEnd {
					t.Fatalf("%s window %d: out-of-sample parts overlap or leave a gap (%s vs %s)", mode, k, data.FormatDay(win.OOSStart), data.FormatDay(prev.OOSEnd))
				}
				if mode == "expanding" && win.ISStart != first {
					t.Fatalf("expanding window %d starts %s", k, data.FormatDay(win.ISStart))
				}
				if mode == "rolling" && win.ISEnd-win.ISStart != 365*data.NanosPerDay {
					t.Fatalf("rolling window %d is %d days", k, (win.ISEnd-win.ISStart)/data.NanosPerDay)
				}
			}
		}
		if wins[len(wins)-1].OOSEnd != last {
			t.Fatalf("%s: last window ends %s, want the data's end", mode, data.FormatDay(wins[len(wins)-1].OOSEnd))
		}
	}
}

// The parameters chosen in each window are the best in-sample run found by
// a second path: an ordinary experiment restricted to that window.
func TestWalkForwardChoosesInSampleBest(t *testing.T) {
	f, err := Load("testdata/walkforward.toml")
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.WalkForward) != 2 {
		t.Fatalf("%d walk-forwards", len(o.WalkForward))
	}
	wf := o.WalkForward[0]
	if len(wf.Windows) < 5 {
		t.Fatalf("%d windows", len(wf.Windows))
	}
	for _, k := range []int{0, 3} {
		win := wf.Windows[k]
		g := *f
		g.Start, g.End = data.When(data.FormatDay(win.ISStart)), data.When(data.FormatDay(win.ISEnd))
		g.WalkForward = nil
		g.Strategy = f.Strategy[:1]
		io, err := Run(context.Background(), &g, Options{Out: t.TempDir(), Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		best := io.Runs[Ranked(io.Runs, "sharpe")[0]]
		if got := wf.Candidates[wf.Chosen[k]].Key; got != best.Key {
			t.Errorf("window %d: chose %s, the in-sample best is %s", k+1, got, best.Key)
		}
		if wf.ISScore[k] != best.Metrics.Sharpe {
			t.Errorf("window %d: in-sample score %g, second path %g", k+1, wf.ISScore[k], best.Metrics.Sharpe)
		}
	}
	// The stitched curve covers exactly the out-of-sample days, in order.
	c := wf.Curve
	if c.Time[0] < wf.Windows[0].OOSStart || c.Time[c.Len()-1] >= wf.Windows[len(wf.Windows)-1].OOSEnd {
		t.Errorf("stitched curve spans %s..%s", data.FormatDay(c.Time[0]), data.FormatDay(c.Time[c.Len()-1]))
	}
	for n := 1; n < c.Len(); n++ {
		if c.Time[n] <= c.Time[n-1] {
			t.Fatalf("stitched curve not increasing at %d", n)
		}
	}
	// Every point of the stitched curve lies in exactly one out-of-sample
	// window, and every window contributes points: the out-of-sample runs
	// never reach into another window.
	per := make([]int, len(wf.Windows))
	for _, ts := range c.Time {
		in := 0
		for k, w := range wf.Windows {
			if ts >= w.OOSStart && ts < w.OOSEnd {
				per[k]++
				in++
			}
		}
		if in != 1 {
			t.Fatalf("point %s lies in %d out-of-sample windows", data.FormatDay(ts), in)
		}
	}
	for k, n := range per {
		if n == 0 {
			t.Errorf("window %d contributes no out-of-sample point", k+1)
		}
	}
	// The stitched curve compounds the windows: its last value is the cash
	// times Π (1 + out-of-sample total return) over the windows.
	for _, wf := range o.WalkForward {
		want := f.Cash
		for _, m := range wf.OOS {
			want *= 1 + m.TotalReturn
		}
		got := wf.Curve.Equity[wf.Curve.Len()-1]
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: stitched terminal %g, product of the windows %g", wf.Strategy, got, want)
		}
	}
	for _, name := range []string{"walkforward.png", "walkforward.svg", "walkforward/sma/windows.csv", "walkforward/sma/equity.parquet", "walkforward/hedge/windows.parquet"} {
		if _, err := os.Stat(filepath.Join(o.Dir, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
}

// With scenarios the stress test adds long-leg companion runs; the
// walk-forward never picks one of them as a strategy's parameter set.
func TestWalkForwardIgnoresCompanions(t *testing.T) {
	f, err := Load("testdata/walkforward.toml")
	if err != nil {
		t.Fatal(err)
	}
	f.Scenarios = []string{"ai-crypto-selloff"}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	companions := 0
	for _, r := range o.Runs {
		if r.LongLegOf != "" {
			companions++
		}
	}
	if companions == 0 {
		t.Fatal("no companion runs: the test would prove nothing")
	}
	for _, wf := range o.WalkForward {
		for _, c := range wf.Candidates {
			if c.LongLegOf != "" {
				t.Errorf("%s: companion %s is a walk-forward candidate", wf.Strategy, c.Key)
			}
		}
	}
}

// A walk-forward the data cannot hold (in-sample windows of 2,000 days
// over 3 years) fails before any run, naming the file, as the data's
// errors do, and the data's span; a window
// past 100 years (whose nanoseconds would overflow) is refused with the
// file.
func TestWalkForwardLongerThanData(t *testing.T) {
	f, err := Load("testdata/walkforward.toml")
	if err != nil {
		t.Fatal(err)
	}
	f.WalkForward.InSampleDays = 2_000
	runs := 0
	_, err = Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 2, Progress: func(int, int) { runs++ }})
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/walkforward.toml: walkforward: no window fits between 2020-01-01 and") || !strings.Contains(err.Error(), "in_sample_days = 2000 is longer than the data") {
		t.Fatalf("%v, want no window", err)
	}
	if runs != 0 {
		t.Errorf("%d runs before the walk-forward was refused, want 0", runs)
	}
	b, err := os.ReadFile("testdata/walkforward.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"in_sample_days", "out_of_sample_days"} {
		text := strings.Replace(string(b), "\n"+k+" = ", "\n"+k+" = 100000 # ", 1)
		if _, err := Parse("wf.toml", text); err == nil || !strings.Contains(err.Error(), "walkforward."+k+" = 100000: want 1 to 36525") {
			t.Errorf("%s = 100000: %v", k, err)
		}
	}
}

// A candidate ruined in sample (max drawdown −100% or worse) scores NaN,
// which the choice never prefers: its Sharpe of 3 on returns past the
// ruin loses to a Sharpe of 0.5; a run that was not ruined, and traded,
// keeps its metric.
func TestWalkForwardScoreRuin(t *testing.T) {
	ruined := &results.RunMetrics{Fills: 40}
	ruined.Sharpe, ruined.MaxDrawdown = 3, -1.2
	fine := &results.RunMetrics{Fills: 12}
	fine.Sharpe, fine.MaxDrawdown = 0.5, -0.3
	// A candidate that made no trade in sample has no evidence either:
	// minimising drawdown, its 0 beat every candidate that traded.
	idle := &results.RunMetrics{}
	idle.Sharpe, idle.MaxDrawdown = math.NaN(), 0
	if got := wfScore(idle, "max_drawdown"); !math.IsNaN(got) {
		t.Errorf("a candidate without a trade scores %g on max_drawdown, want NaN", got)
	}
	if metrics.Better("max_drawdown", wfScore(idle, "max_drawdown"), wfScore(fine, "max_drawdown")) {
		t.Error("the candidate without a trade is preferred")
	}
	if got := wfScore(ruined, "sharpe"); !math.IsNaN(got) {
		t.Errorf("ruined candidate scores %g, want NaN", got)
	}
	if got := wfScore(fine, "sharpe"); got != 0.5 {
		t.Errorf("candidate scores %g, want 0.5", got)
	}
	if metrics.Better("sharpe", wfScore(ruined, "sharpe"), wfScore(fine, "sharpe")) {
		t.Error("the ruined candidate is preferred")
	}
}
