package experiment

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/divergence-research/divergence/engine"
)

// minuteCSV writes one-minute bars at times, a seeded random walk; the
// prices of bars at or after from are multiplied by k (1: none).
func minuteCSV(t *testing.T, path string, times []time.Time, seed uint64, from time.Time, k float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	b.WriteString("timestamp,open,high,low,close,volume\n")
	px := 100.0
	for _, tm := range times {
		o := px
		c := o * (1 + 0.006*(r.Float64()-0.5))
		h, l := max(o, c)*(1+0.001*r.Float64()), min(o, c)*(1-0.001*r.Float64())
		px = c
		m := 1.0
		if !tm.Before(from) {
			m = k
		}
		fmt.Fprintf(&b, "%s,%.10g,%.10g,%.10g,%.10g,%d\n", tm.UTC().Format(time.RFC3339), o*m, h*m, l*m, c*m, 1+r.IntN(1000))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A run on resampled bars takes nothing from a sub-bar before that
// sub-bar exists. NVDA (one-minute bars, 09:30–15:59 New York, across the
// DST change of 10 March 2024) and TAO (one-minute bars, 24/7) are run
// at bar = "1h", "4h" and "1d" by a pair hedge that rebalances often and
// an SMA cross on NVDA; then again with every price from an instant x on
// multiplied by 1.5. Whatever x, every fill whose price was made before x
// (its bucket's first sub-bar of its symbol opens before x) and every
// equity point whose bars have all closed by x (stamp + bar ≤ x) must be
// the same in both runs: a decision that saw a close, or a mark that used
// one, after x, would differ. The instants fall inside buckets, on the
// winter close (20:30Z: in the equity's 20:00 4h bucket, 15:00–16:00 New
// York), before a summer session's open (14:00Z, in the 12:00 bucket
// that opens at 13:30Z) and on a day's boundary. Checked to fail when
// the buckets are stamped a bar early (the 4h runs' fills before x
// change).
func TestResampledBarsNoLookAhead(t *testing.T) {
	ny := nyTime(t)
	var tok, eq []time.Time
	for tm := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC); tm.Before(time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)); tm = tm.Add(time.Minute) {
		tok = append(tok, tm)
	}
	for _, d := range []int{6, 7, 8, 11, 12, 13} {
		for m := 0; m < 390; m++ {
			eq = append(eq, time.Date(2024, 3, d, 9, 30+m, 0, 0, ny))
		}
	}
	// realTime is when the price sym filled at in the bucket stamped at
	// (lasting bar) was made: at the open of its first sub-bar, or, at
	// the close (fill = "close"), at the close of its last one.
	realTime := func(sym string, at int64, bar time.Duration, atClose bool) time.Time {
		ts := tok
		if sym == "NVDA" {
			ts = eq
		}
		k := sort.Search(len(ts), func(j int) bool { return ts[j].UnixNano() >= at })
		if atClose {
			e := sort.Search(len(ts), func(j int) bool { return ts[j].UnixNano() >= at+int64(bar) })
			return ts[e-1].Add(time.Minute)
		}
		if k == len(ts) {
			return time.Unix(0, 1<<62)
		}
		return ts[k]
	}
	run := func(bar, fill string, x time.Time, k float64) *Outcome {
		dir := t.TempDir()
		minuteCSV(t, filepath.Join(dir, "TAO-USD.csv"), tok, 1, x, k)
		minuteCSV(t, filepath.Join(dir, "NVDA.csv"), eq, 2, x, k)
		o, err := runIn(t, dir, `name = "la"
bar = "`+bar+`"
[data]
dir = "."
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
gross = 1.0
rebalance_days = 0
drift_band = 0.002
fill = "`+fill+`"
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "NVDA"
fast = 2
slow = 3
`)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	xs := []time.Time{
		time.Date(2024, 3, 7, 18, 30, 0, 0, time.UTC),
		time.Date(2024, 3, 8, 20, 30, 0, 0, time.UTC),
		time.Date(2024, 3, 7, 22, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 11, 14, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC),
	}
	for _, c := range []struct {
		bar, fill string
		len       time.Duration
	}{{"1h", "next-open", time.Hour}, {"4h", "next-open", 4 * time.Hour}, {"1d", "next-open", 24 * time.Hour}, {"4h", "close", 4 * time.Hour}} {
		t.Run(c.bar+"_"+c.fill, func(t *testing.T) {
			atClose := c.fill == "close"
			base := run(c.bar, c.fill, xs[0], 1)
			trades := 0
			for _, r := range base.Runs {
				trades += len(r.Result.Fills)
			}
			if trades < 5 {
				t.Fatalf("%d fills: too few for the test to mean anything", trades)
			}
			for _, x := range xs {
				moved := run(c.bar, c.fill, x, 1.5)
				for i, r := range base.Runs {
					m := moved.Runs[i]
					var before, mb []string
					for _, f := range r.Result.Fills {
						if realTime(f.Symbol, f.Time, c.len, atClose && f.Kind == engine.MarketOnClose).Before(x) {
							before = append(before, fmt.Sprintf("%s %s %.12g@%.12g", time.Unix(0, f.Time).UTC().Format(time.RFC3339), f.Symbol, f.Qty, f.Price))
						}
					}
					for _, f := range m.Result.Fills {
						if realTime(f.Symbol, f.Time, c.len, atClose && f.Kind == engine.MarketOnClose).Before(x) {
							mb = append(mb, fmt.Sprintf("%s %s %.12g@%.12g", time.Unix(0, f.Time).UTC().Format(time.RFC3339), f.Symbol, f.Qty, f.Price))
						}
					}
					if strings.Join(before, "\n") != strings.Join(mb, "\n") {
						t.Errorf("%s, prices moved from %s: the fills made before it changed:\n%s\nthen\n%s", r.Key, x.Format(time.RFC3339), strings.Join(before, "\n"), strings.Join(mb, "\n"))
					}
					cb, cm := r.Result.Curve, m.Result.Curve
					for j := range cb.Time {
						if time.Unix(0, cb.Time[j]).Add(c.len).After(x) {
							break
						}
						if j >= len(cm.Time) || cm.Time[j] != cb.Time[j] || cm.Equity[j] != cb.Equity[j] {
							t.Errorf("%s, prices moved from %s: the equity point at %s changed", r.Key, x.Format(time.RFC3339), time.Unix(0, cb.Time[j]).UTC().Format(time.RFC3339))
							break
						}
					}
				}
			}
		})
	}
}

// A bucket that start cuts (the 4h bucket of 00:00 before a start at
// 02:00) is warm-up history, made whole from the bars before start: the
// runs begin with the 04:00 bucket, with warmup = false too (none of the
// cut bucket is replayed).
func TestResampledBucketStartCuts(t *testing.T) {
	var tok []time.Time
	for tm := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC); tm.Before(time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC)); tm = tm.Add(time.Minute) {
		tok = append(tok, tm)
	}
	for _, warm := range []string{"true", "false"} {
		t.Run("warmup="+warm, func(t *testing.T) {
			dir := t.TempDir()
			minuteCSV(t, filepath.Join(dir, "TAO-USD.csv"), tok, 1, tok[0], 1)
			o, err := runIn(t, dir, `name = "cut"
bar = "4h"
start = "2024-03-06T02:00:00Z"
warmup = `+warm+`
[data]
dir = "."
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["TAO"]
`)
			if err != nil {
				t.Fatal(err)
			}
			c := o.Runs[0].Result.Curve
			if got := time.Unix(0, c.Time[0]).UTC().Format(time.RFC3339); got != "2024-03-06T04:00:00Z" {
				t.Errorf("first point %s, want 2024-03-06T04:00:00Z", got)
			}
		})
	}
}
