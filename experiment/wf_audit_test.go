package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
)

// The walk-forward audited end to end against numbers made without it:
// the choice on data built so that a look at the out-of-sample bars would
// flip it, the out-of-sample returns computed by hand from the bars'
// returns, and the same experiment with its future changed.

// wfaDays is the audit fixture's length: daily 24/7 bars from 2024-01-01
// to 2024-03-31. With start 2024-01-01 and windows of 30 days in sample
// and 30 out, the windows are (bar k is day k from 2024-01-01):
//
//	window 1: in sample bars 0-29  (01-01 to 01-30), out of sample 30-59 (01-31 to 02-29)
//	window 2: in sample bars 30-59,                  out of sample 60-89 (03-01 to 03-30)
//	window 3: in sample bars 60-89,                  out of sample 90    (03-31, cut at the data's end)
const wfaDays = 91

// wfaRet is the return of bar k's close over bar k-1's of symbol sym
// (k ≥ 1), alternating between two sizes so that the Sharpe ratio of a
// phase is finite. UP rises in window 1's sample and falls twice as hard
// in its out-of-sample days; DN mirrors it. From bar 60 both move by
// smaller steps, UP up and DN down; shocked (the changed future), UP falls
// and DN rises from bar 60. FLAT stays at 100 through window 1's sample,
// then moves as UP.
func wfaRet(sym string, k int, shocked bool) float64 {
	odd := k%2 == 1
	pick := func(a, b float64) float64 {
		if odd {
			return a
		}
		return b
	}
	var up float64
	switch {
	case k < 30:
		up = pick(0.01, 0.002)
	case k < 60:
		up = pick(-0.02, -0.005)
	case shocked:
		up = pick(-0.03, -0.01)
	default:
		up = pick(0.005, -0.001)
	}
	switch sym {
	case "UP":
		return up
	case "DN":
		return -up
	case "FLAT":
		if k < 30 {
			return 0
		}
		return up
	}
	panic(sym)
}

// wfaWrite writes dir/<sym>.csv for UP, DN and FLAT: closes from 100 by
// wfaRet, each bar opening at the close before it (a fill at the next
// open trades at the close it was decided on).
func wfaWrite(t *testing.T, dir string, shocked bool) {
	t.Helper()
	for _, sym := range []string{"UP", "DN", "FLAT"} {
		var b strings.Builder
		b.WriteString("date,open,high,low,close,volume\n")
		c := 100.0
		for k := range wfaDays {
			o := c
			if k > 0 {
				c *= 1 + wfaRet(sym, k, shocked)
			}
			day := time.Date(2024, 1, 1+k, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			fmt.Fprintf(&b, "%s,%.17g,%.17g,%.17g,%.17g,1000000\n", day, o, max(o, c)*1.001, min(o, c)*0.999, c)
		}
		if err := os.WriteFile(filepath.Join(dir, sym+".csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const wfaText = `name = "wf audit"
cash = 1000.0
start = "2024-01-01"
[data]
dir = "."
[data.classes]
UP = "crypto"
DN = "crypto"
FLAT = "crypto"
[[strategy]]
name = "pick"
type = "buy-and-hold"
[strategy.sweep]
symbols = [["UP"], ["DN"]]
[[strategy]]
name = "tie"
type = "buy-and-hold"
[strategy.params]
symbols = ["UP"]
[strategy.sweep]
rebalance_days = [500, 400]
[[strategy]]
name = "flat"
type = "buy-and-hold"
[strategy.params]
symbols = ["FLAT"]
[strategy.sweep]
weights = [[0.5], [1.0]]
[walkforward]
in_sample_days = 30
out_of_sample_days = 30
`

// wfaSharpe is the Sharpe ratio of a buy-and-hold of sym bought at bar
// from's open (the close of bar from-1) and held to bar to's close: the
// mean of the bars' returns over their sample standard deviation, times
// √365, computed here from wfaRet alone.
func wfaSharpe(sym string, from, to int) float64 {
	var r []float64
	for k := from; k <= to; k++ {
		r = append(r, wfaRet(sym, k, false))
	}
	mean := 0.0
	for _, v := range r {
		mean += v
	}
	mean /= float64(len(r))
	ss := 0.0
	for _, v := range r {
		ss += (v - mean) * (v - mean)
	}
	return mean / math.Sqrt(ss/float64(len(r)-1)) * math.Sqrt(365)
}

// wfaGrowth is Π (1 + return) of sym's bars from to to, inclusive.
func wfaGrowth(sym string, from, to int, shocked bool) float64 {
	g := 1.0
	for k := from; k <= to; k++ {
		g *= 1 + wfaRet(sym, k, shocked)
	}
	return g
}

func wfaRun(t *testing.T, shocked bool, workers int) *Outcome {
	t.Helper()
	dir := t.TempDir()
	wfaWrite(t, dir, shocked)
	path := filepath.Join(dir, "wf.toml")
	if err := os.WriteFile(path, []byte(wfaText), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Release)
	return o
}

func wfaOf(t *testing.T, o *Outcome, name string) WalkForward {
	t.Helper()
	for _, wf := range o.WalkForward {
		if wf.Strategy == name {
			return wf
		}
	}
	t.Fatalf("no walk-forward of %s", name)
	return WalkForward{}
}

func TestWalkForwardAuditChoiceAndReturns(t *testing.T) {
	o := wfaRun(t, false, 2)
	pick := wfaOf(t, o, "pick")
	d := func(k int) int64 { return data.Day(2024, 1, 1+k) }
	want := []Window{
		{ISStart: d(0), ISEnd: d(30), OOSStart: d(30), OOSEnd: d(60)},
		{ISStart: d(30), ISEnd: d(60), OOSStart: d(60), OOSEnd: d(90)},
		{ISStart: d(60), ISEnd: d(90), OOSStart: d(90), OOSEnd: d(91)}, // the last, cut at the data's end
	}
	if fmt.Sprint(pick.Windows) != fmt.Sprint(want) {
		t.Fatalf("windows %v, want %v", pick.Windows, want)
	}

	t.Run("in-sample choice, no peek", func(t *testing.T) {
		// The trap: a choice that saw window 1's out-of-sample bars (in
		// sample to 01-30 and out of sample to 02-29, bars 1-59 of a hold
		// bought at bar 1's open) would take DN, whose Sharpe ratio over
		// them is the higher; in sample alone (bars 1-29) UP's is.
		if !(wfaSharpe("DN", 1, 59) > wfaSharpe("UP", 1, 59)) || !(wfaSharpe("UP", 1, 29) > wfaSharpe("DN", 1, 29)) {
			t.Fatal("fixture: the out-of-sample bars do not flip the choice")
		}
		chosen := []string{"pick--symbols=UP", "pick--symbols=DN", "pick--symbols=UP"}
		for k, c := range pick.Chosen {
			if got := pick.Candidates[c].Key; !strings.EqualFold(got, chosen[k]) {
				t.Errorf("window %d chose %s, want %s", k+1, got, chosen[k])
			}
		}
		// Window 1's score is UP's Sharpe ratio over bars 1-29 alone.
		if got, want := pick.ISScore[0], wfaSharpe("UP", 1, 29); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("window 1 in-sample Sharpe %g, by hand %g", got, want)
		}
	})

	t.Run("out-of-sample returns by hand", func(t *testing.T) {
		// Window 1 holds UP: decided at bar 30's close, bought at bar 31's
		// open (= bar 30's close), valued at bar 59's close: Π over bars
		// 31-59 of (1 + UP's return), less 1. Window 2 holds DN over bars
		// 61-89 alike. Window 3 has one bar: its order, for the next
		// open, never fills (no trade, return 0, Sharpe undefined).
		r := []float64{wfaGrowth("UP", 31, 59, false) - 1, wfaGrowth("DN", 61, 89, false) - 1, 0}
		for k, m := range pick.OOS {
			if math.Abs(m.TotalReturn-r[k]) > 1e-12 {
				t.Errorf("window %d out-of-sample return %.15g, by hand %.15g", k+1, m.TotalReturn, r[k])
			}
		}
		if m := pick.OOS[2]; m.Fills != 0 || !math.IsNaN(m.Sharpe) {
			t.Errorf("window 3: %d fills, Sharpe %g; want none and NaN", m.Fills, m.Sharpe)
		}
		// The stitched curve: one point per out-of-sample bar (60 + 1),
		// from the cash, ending at cash × Π (1 + r).
		c := pick.Curve
		if c.Len() != 61 || c.Time[0] != d(30) || c.Time[60] != d(90) {
			t.Fatalf("stitched curve of %d points, %s to %s", c.Len(), data.FormatDay(c.Time[0]), data.FormatDay(c.Time[c.Len()-1]))
		}
		end := 1000 * (1 + r[0]) * (1 + r[1])
		if got := c.Equity[60]; math.Abs(got-end) > 1e-9 {
			t.Errorf("stitched terminal equity %.12g, by hand %.12g", got, end)
		}
		// At window 2's first point (bar 60, still flat: its order fills
		// at bar 61's open) the curve stands where window 1 left it.
		if got, want := c.Equity[30], 1000*(1+r[0]); math.Abs(got-want) > 1e-9 {
			t.Errorf("stitched equity at window 2's first point %.12g, want window 1's end %.12g", got, want)
		}
	})

	t.Run("ties go to the first in sweep order", func(t *testing.T) {
		// rebalance_days 500 and 400 never rebalance in 30 days: the two
		// runs are the same and so are their scores; the first listed
		// (500) is chosen in every window.
		tie := wfaOf(t, o, "tie")
		for k, c := range tie.Chosen {
			if got := tie.Candidates[c].Key; got != "tie--rebalance_days=500" {
				t.Errorf("window %d chose %s, want the first listed, tie--rebalance_days=500", k+1, got)
			}
		}
		if len(tie.Candidates) != 2 || tie.Candidates[0].Key != "tie--rebalance_days=500" {
			t.Fatalf("candidates %v", tie.Candidates)
		}
	})

	t.Run("Sharpe undefined in every candidate", func(t *testing.T) {
		// FLAT does not move in window 1's sample: every candidate's
		// returns are 0, their Sharpe ratio 0/0. The first in sweep order
		// (weights [0.5]) trades out of sample, and a note says so.
		flat := wfaOf(t, o, "flat")
		if !math.IsNaN(flat.ISScore[0]) || flat.Chosen[0] != 0 {
			t.Errorf("window 1: score %g, chosen %d; want NaN and the first", flat.ISScore[0], flat.Chosen[0])
		}
		if math.IsNaN(flat.ISScore[1]) {
			t.Error("window 2, where FLAT moves, has no score")
		}
		found := false
		for _, n := range o.Notes {
			found = found || strings.HasPrefix(n, "walk-forward flat: in window 1 no candidate has an in-sample sharpe")
		}
		if !found {
			t.Errorf("no note on window 1 of flat: %q", o.Notes)
		}
	})

	t.Run("changed future", func(t *testing.T) {
		// The bars from 03-01 (bar 60, window 2's in-sample end) on are
		// changed: windows 1 and 2 keep their choice and score, window 2's
		// out-of-sample return follows the new bars, and window 3, whose
		// sample is all new, flips to DN (the test has teeth).
		s := wfaOf(t, wfaRun(t, true, 1), "pick")
		for k := range 2 {
			if s.Chosen[k] != pick.Chosen[k] || s.ISScore[k] != pick.ISScore[k] {
				t.Errorf("window %d: chose %s (score %g) with the future changed, %s (%g) without", k+1,
					s.Candidates[s.Chosen[k]].Key, s.ISScore[k], pick.Candidates[pick.Chosen[k]].Key, pick.ISScore[k])
			}
		}
		if got, want := s.OOS[1].TotalReturn, wfaGrowth("DN", 61, 89, true)-1; math.Abs(got-want) > 1e-12 {
			t.Errorf("window 2 out of sample, future changed: %g, by hand %g", got, want)
		}
		if got := s.Candidates[s.Chosen[2]].Key; !strings.EqualFold(got, "pick--symbols=DN") {
			t.Errorf("window 3 with the future changed chose %s, want pick--symbols=DN", got)
		}
	})
}

// TestWalkForwardRecomputed rebuilds each walk-forward from ordinary
// runs: every window's chosen parameters run as an experiment of their
// own from its out-of-sample start to its end (start and end, a second
// path to the window's bars, its warm-up and its costs), their curves
// chained by hand from the cash, and the summary the command prints
// (total return, CAGR, Sharpe ratio, max drawdown) computed here from
// that chain. With 1 and 2 workers the walk-forward's files are the
// same bytes.
func TestWalkForwardRecomputed(t *testing.T) {
	for _, c := range []struct {
		name, class, from, to, start, end, mode string
		step                                    time.Duration
		is, oos                                 int
		costs, params, scenario                 string
	}{
		{"daily 24/7, commission and funding", "crypto", "2023-11-01", "2024-07-01", "2024-01-03", "2024-06-17", "rolling", 24 * time.Hour, 40, 25,
			"commission_bps = 7.0\n[costs.crypto]\nfunding_rate = 0.0002\n",
			// At the close: an order at a window's first close fills there,
			// and the window's first point is below the cash by its costs.
			// A scenario (AAA -30% on its day 40) shocks the stress runs,
			// not the walk-forward's windows: the runs on the windows alone
			// have none.
			"fill = \"close\"\n", "[[scenario]]\nname = \"crash\"\n[[scenario.shock]]\ntype = \"jump\"\nsymbols = [\"AAA\"]\nday = 40\nmove = -0.3\n"},
		{"daily equity, expanding", "equity", "2023-11-01", "2024-07-01", "2024-01-03", "2024-06-17", "expanding", 24 * time.Hour, 40, 25, "commission_bps = 3.0\n", "", ""},
		{"hourly 24/7", "crypto", "2024-02-20", "2024-04-01", "2024-03-01", "2024-03-29", "rolling", time.Hour, 5, 3, "commission_bps = 2.0\n", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			from, _ := time.Parse(time.DateOnly, c.from)
			to, _ := time.Parse(time.DateOnly, c.to)
			sawtoothBars(t, filepath.Join(dir, "AAA.csv"), from, to, c.step, c.class == "equity")
			text := fmt.Sprintf(`name = "wf recomputed"
cash = 10000.0
start = %q
end = %q
%s
[data]
dir = "."
[data.classes]
AAA = %q
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "AAA"
%s[strategy.sweep]
fast = [2, 3, 5]
slow = [8, 13]
[walkforward]
in_sample_days = %d
out_of_sample_days = %d
mode = %q
%s`, c.start, c.end, c.costs, c.class, c.params, c.is, c.oos, c.mode, c.scenario)
			path := filepath.Join(dir, "wf.toml")
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			var outs [2]*Outcome
			for w := range outs {
				o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, fmt.Sprint("out", w+1)), Workers: w + 1})
				if err != nil {
					t.Fatal(err)
				}
				defer o.Release()
				outs[w] = o
			}
			for _, name := range []string{"windows.csv", "windows.parquet", "equity.csv", "equity.parquet"} {
				a, err1 := os.ReadFile(filepath.Join(outs[0].Dir, "walkforward", "sma", name))
				b, err2 := os.ReadFile(filepath.Join(outs[1].Dir, "walkforward", "sma", name))
				if err1 != nil || err2 != nil || string(a) != string(b) {
					t.Errorf("walkforward/sma/%s differs with 1 and 2 workers (%v, %v)", name, err1, err2)
				}
			}
			wf := outs[1].WalkForward[0]
			if c.scenario != "" && len(outs[1].Runs) != 2*len(wf.Candidates) {
				t.Fatalf("%d runs for %d candidates under a scenario", len(outs[1].Runs), len(wf.Candidates))
			}
			if len(wf.Windows) < 3 {
				t.Fatalf("%d windows", len(wf.Windows))
			}
			last := wf.Windows[len(wf.Windows)-1]
			if last.OOSEnd-last.OOSStart == int64(c.oos)*data.NanosPerDay {
				t.Errorf("the last window is whole (%s to %s): the test wants one cut at the data's end", data.FormatStamp(last.OOSStart), data.FormatStamp(last.OOSEnd))
			}
			// Warm-up: each window's run decides at its first bar on
			// averages of the bars before the window. Where SMA(fast) >
			// SMA(slow) of the closes up to the window's first bar (by hand,
			// from the file), its order fills at the next open and the
			// window's second point holds the position (its first, filled at
			// the close); elsewhere it is flat.
			rows, err := readCSV(filepath.Join(dir, "AAA.csv"))
			if err != nil {
				t.Fatal(err)
			}
			var stamps []int64
			var closes []float64
			for _, r := range rows[1:] {
				ts, err := data.ParseInstant(r[0])
				if err != nil {
					t.Fatal(err)
				}
				v, err := strconv.ParseFloat(r[4], 64)
				if err != nil {
					t.Fatal(err)
				}
				stamps, closes = append(stamps, ts), append(closes, v)
			}
			sma := func(i, n int) float64 {
				sum := 0.0
				for _, v := range closes[i-n+1 : i+1] {
					sum += v
				}
				return sum / float64(n)
			}
			entered := 0
			for k, win := range wf.Windows {
				i := sort.Search(len(stamps), func(i int) bool { return stamps[i] >= win.OOSStart })
				p := wf.Candidates[wf.Chosen[k]].Params
				fast, slow := int(p["fast"].(int64)), int(p["slow"].(int64))
				at := sort.Search(wf.Curve.Len(), func(n int) bool { return wf.Curve.Time[n] >= win.OOSStart })
				if at+1 >= wf.Curve.Len() || wf.Curve.Time[at+1] >= win.OOSEnd {
					continue
				}
				up := sma(i, fast) > sma(i, slow)
				if strings.Contains(c.params, "close") {
					at-- // filled at the first bar's close: held at the first point
				}
				if held := wf.Curve.Gross[at+1] > 0; held != up {
					t.Errorf("window %d (%s): SMA(%d) > SMA(%d) at its first bar is %v by hand, position at its second point %v", k+1, cand(wf, k), fast, slow, up, held)
				}
				if up {
					entered++
				}
			}
			if entered == 0 {
				t.Error("no window starts with the averages crossed up: the warm-up check proves nothing")
			}
			level, n := f.Cash, 0
			var levels []float64
			trades := 0
			for k, win := range wf.Windows {
				cand := wf.Candidates[wf.Chosen[k]]
				g := *f
				g.Start, g.End = data.When(data.FormatStamp(win.OOSStart)), data.When(data.FormatStamp(win.OOSEnd))
				g.WalkForward, g.Scenarios, g.Scenario, g.Inline = nil, nil, nil, nil
				g.Strategy = []StrategySpec{{Name: "sma", Type: cand.Type, Params: map[string]any(cand.Params)}}
				o, err := Run(context.Background(), &g, Options{Out: filepath.Join(dir, fmt.Sprint("w", k+1)), Workers: 1})
				if err != nil {
					t.Fatalf("window %d on its own: %v", k+1, err)
				}
				var r *RunResult
				for i := range o.Runs {
					if o.Runs[i].Baseline() {
						r = &o.Runs[i]
						break
					}
				}
				if r == nil {
					t.Fatalf("window %d on its own: no baseline run of %d", k+1, len(o.Runs))
				}
				if got, want := wf.OOS[k], r.Metrics; !same(got.TotalReturn, want.TotalReturn) || !same(got.Sharpe, want.Sharpe) || !same(got.MaxDrawdown, want.MaxDrawdown) || got.Fills != want.Fills {
					t.Errorf("window %d out of sample: return %g, Sharpe %g, max DD %g, %d fills; on its own %g, %g, %g, %d", k+1,
						got.TotalReturn, got.Sharpe, got.MaxDrawdown, got.Fills, want.TotalReturn, want.Sharpe, want.MaxDrawdown, want.Fills)
				}
				trades += r.Metrics.Fills
				eq := r.Result.Curve
				prev := f.Cash
				for i := range eq.Len() {
					level *= eq.Equity[i] / prev
					prev = eq.Equity[i]
					if n >= wf.Curve.Len() || wf.Curve.Time[n] != eq.Time[i] {
						t.Fatalf("window %d point %d: %s on its own, not on the stitched curve", k+1, i, data.FormatStamp(eq.Time[i]))
					}
					if math.Abs(wf.Curve.Equity[n]-level) > 1e-9*level {
						t.Fatalf("stitched equity at %s: %.12g, chained by hand %.12g", data.FormatStamp(eq.Time[i]), wf.Curve.Equity[n], level)
					}
					// Cash, gross and net: the window's run's, as fractions of
					// its equity, times the chained level.
					for _, col := range []struct {
						what      string
						got, mine float64
					}{{"cash", wf.Curve.Cash[n], eq.Cash[i]}, {"gross", wf.Curve.Gross[n], eq.Gross[i]}, {"net", wf.Curve.Net[n], eq.Net[i]}} {
						if want := col.mine / eq.Equity[i] * level; math.Abs(col.got-want) > 1e-9*level {
							t.Fatalf("stitched %s at %s: %.12g, the window's fraction of the chain %.12g", col.what, data.FormatStamp(eq.Time[i]), col.got, want)
						}
					}
					levels = append(levels, level)
					n++
				}
				o.Release()
			}
			if n != wf.Curve.Len() || trades == 0 {
				t.Fatalf("%d points chained of %d, %d fills", n, wf.Curve.Len(), trades)
			}
			// The summary from the chained levels: the returns from the
			// cash (the first point's own when it is not the cash, which
			// is then a baseline), CAGR over their count at the periods
			// per year, Sharpe ratio = mean / sample sd × √ppy, drawdown
			// from the running peak that starts at the cash.
			ppy := outs[1].PeriodsPerYear
			var rets []float64
			prev, peak, dd := f.Cash, f.Cash, 0.0
			for i, l := range levels {
				if i > 0 || l != f.Cash {
					rets = append(rets, l/prev-1)
				}
				prev, peak = l, max(peak, l)
				dd = min(dd, l/peak-1)
				if got := wf.Curve.Drawdown[i]; math.Abs(got-(l/peak-1)) > 1e-12 {
					t.Fatalf("stitched drawdown at %d: %g, by hand %g", i, got, l/peak-1)
				}
			}
			total := levels[len(levels)-1]/f.Cash - 1
			cagr := math.Pow(1+total, ppy/float64(len(rets))) - 1
			mean, ss := 0.0, 0.0
			for _, r := range rets {
				mean += r
			}
			mean /= float64(len(rets))
			for _, r := range rets {
				ss += (r - mean) * (r - mean)
			}
			sharpe := mean / math.Sqrt(ss/float64(len(rets)-1)) * math.Sqrt(ppy)
			got := wf.Summary(outs[1].Cash, ppy)
			for _, m := range []struct {
				what      string
				got, want float64
			}{{"total return", got.TotalReturn, total}, {"CAGR", got.CAGR, cagr}, {"Sharpe", got.Sharpe, sharpe}, {"max drawdown", got.MaxDrawdown, dd}} {
				if math.Abs(m.got-m.want) > 1e-9*max(1, math.Abs(m.want)) {
					t.Errorf("stitched %s %.12g, by hand %.12g", m.what, m.got, m.want)
				}
			}
		})
	}
}

func cand(wf WalkForward, k int) string { return wf.Candidates[wf.Chosen[k]].Key }

// same says a and b are equal within 1e-12 (relative above 1), or both NaN.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*max(1, math.Abs(b))
}
