package experiment

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// type7 is R's quantile type 7 of sorted values, written here from its
// definition: h = (n − 1)p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
func type7(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}

// nearestRank is the ⌈p·n⌉-th smallest of sorted values, p·n taken to
// the nearest whole number within 1e-9 (0.05 × 300 = 15 exactly).
func nearestRank(s []float64, p float64) float64 {
	h := p * float64(len(s))
	if r := math.Round(h); math.Abs(h-r) < 1e-9 {
		h = r
	}
	return s[max(int(math.Ceil(h))-1, 0)]
}

// The Monte Carlo's written figures against every path's curve, kept by
// the onPath hook and reduced here: montecarlo_bands.csv against a full
// sort of each date's growths of 1 (equity over the cash), type 7 — to
// 1e-12 of the value with 300 paths (exact: the bands keep every
// value), to the documented 0.1 % beyond 1,000 (1,100 paths: the sketch);
// montecarlo.csv's terminal return (last equity over the cash − 1) and
// maximum drawdown (from the cash as first peak); montecarlo_summary's
// nearest-rank percentiles, VaR (−p05, −p01), CVaR (− the mean of the
// returns at or below them), mean and worst drawdown and prob_loss (the
// share of terminal returns below 0). The long/short hedge loses on
// some paths and gains on others, so every figure is exercised.
func TestAuditMonteCarloFilesByHand(t *testing.T) {
	for _, c := range []struct {
		name  string
		paths int
		tol   float64 // relative, on the bands
	}{{"exact", 300, 1e-12}, {"sketch", 1100, 1e-3}} {
		t.Run(c.name, func(t *testing.T) {
			text := fmt.Sprintf(`name = "mc"
start = "2021-01-01"
end = "2022-01-01"
cash = 1000.0
commission_bps = 5.0
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA"]
short = ["TAO"]
gross = 2.0
rebalance_days = 7
[[strategy]]
name = "hold"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC", "MSFT"]
[montecarlo]
paths = %d
days = 40
mean_block = 5
warmup_days = 0
`, c.paths)
			f, err := Parse("mc.toml", text)
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			curves := map[[2]int][]float64{}
			dir := t.TempDir()
			o, err := Run(context.Background(), f, Options{Out: dir, Workers: 2, onPath: func(run, path int, eq []float64) {
				mu.Lock()
				defer mu.Unlock()
				curves[[2]int{run, path}] = slices.Clone(eq)
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(o.MonteCarlo) != 2 {
				t.Fatalf("%d Monte Carlo runs, want 2", len(o.MonteCarlo))
			}
			bands, err := readCSV(filepath.Join(o.Dir, "montecarlo_bands.csv"))
			if err != nil {
				t.Fatal(err)
			}
			paths, err := readCSV(filepath.Join(o.Dir, "montecarlo.csv"))
			if err != nil {
				t.Fatal(err)
			}
			summary, err := readCSV(filepath.Join(o.Dir, "montecarlo_summary.csv"))
			if err != nil {
				t.Fatal(err)
			}
			row := 1
			for r, mc := range o.MonteCarlo {
				days := len(curves[[2]int{r, 0}])
				if days < 30 {
					t.Fatalf("run %s: %d dates", mc.Run, days)
				}
				col := make([]float64, c.paths)
				losses := 0
				for d := 0; d < days; d++ {
					for k := range c.paths {
						eq := curves[[2]int{r, k}]
						if len(eq) != days {
							t.Fatalf("run %s path %d: %d dates, path 0 %d", mc.Run, k, len(eq), days)
						}
						col[k] = eq[d] / 1000
					}
					slices.Sort(col)
					b := bands[row]
					if b[0] != mc.Run {
						t.Fatalf("bands row %d: run %s, want %s", row, b[0], mc.Run)
					}
					for q, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
						want, got := type7(col, p), num(t, b[2+q])
						if math.Abs(got-want) > c.tol*math.Abs(want) {
							t.Errorf("run %s date %d q%.2f: band %.10g, full sort %.10g (tolerance %g relative)", mc.Run, d, p, got, want, c.tol)
						}
					}
					row++
				}
				// montecarlo.csv and the summary
				term := make([]float64, c.paths)
				meanDD, worstDD := 0.0, 0.0
				for k := range c.paths {
					eq := curves[[2]int{r, k}]
					term[k] = eq[len(eq)-1]/1000 - 1
					peak, dd := 1000.0, 0.0
					for _, v := range eq {
						peak = max(peak, v)
						dd = min(dd, v/peak-1)
					}
					meanDD += dd / float64(c.paths)
					worstDD = min(worstDD, dd)
					if term[k] < 0 {
						losses++
					}
					line := paths[1+r*c.paths+k]
					if line[0] != mc.Run || line[1] != fmt.Sprint(k) {
						t.Fatalf("montecarlo.csv line %d: %v", 1+r*c.paths+k, line[:2])
					}
					if got := num(t, line[3]); math.Abs(got-term[k]) > 1e-12 {
						t.Errorf("run %s path %d: terminal %.15g, by hand %.15g", mc.Run, k, got, term[k])
					}
					if got := num(t, line[4]); math.Abs(got-dd) > 1e-12 {
						t.Errorf("run %s path %d: max drawdown %.15g, by hand %.15g", mc.Run, k, got, dd)
					}
				}
				if losses == 0 || losses == c.paths {
					t.Logf("run %s: %d of %d paths lose", mc.Run, losses, c.paths)
				}
				s := slices.Sorted(slices.Values(term))
				cvar := func(q float64) float64 {
					sum, n := 0.0, 0
					for _, v := range s {
						if v <= q {
							sum += v
							n++
						}
					}
					return -sum / float64(n)
				}
				p05, p01 := nearestRank(s, 0.05), nearestRank(s, 0.01)
				want := map[string]float64{
					"terminal_p05": p05, "terminal_p25": nearestRank(s, 0.25), "terminal_median": nearestRank(s, 0.5),
					"terminal_p75": nearestRank(s, 0.75), "terminal_p95": nearestRank(s, 0.95),
					"var_95": -p05, "var_99": -p01, "cvar_95": cvar(p05), "cvar_99": cvar(p01),
					"mean_max_drawdown": meanDD, "worst_max_drawdown": worstDD,
					"prob_loss": float64(losses) / float64(c.paths), "shocked_paths": 0,
				}
				head, line := summary[0], summary[1+r]
				if line[0] != mc.Run {
					t.Fatalf("summary line %d: run %s, want %s", 1+r, line[0], mc.Run)
				}
				for j, name := range head {
					w, ok := want[name]
					if !ok {
						continue
					}
					delete(want, name)
					if got := num(t, line[j]); math.Abs(got-w) > 1e-12 {
						t.Errorf("run %s %s = %.15g, by hand %.15g", mc.Run, name, got, w)
					}
				}
				if len(want) > 0 {
					t.Errorf("summary lacks %v", want)
				}
			}
			if row != len(bands) {
				t.Errorf("bands: %d rows, checked %d", len(bands)-1, row-1)
			}
		})
	}
}
