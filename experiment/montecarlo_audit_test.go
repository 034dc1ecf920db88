package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/scenarios"
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
// returns at or below them), mean and worst drawdown, prob_loss (the
// share of terminal returns below 0) and prob_ruin (the share of paths
// whose equity touched 0 or below). The long/short hedge loses on
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
				losses, ruins := 0, 0
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
					if slices.Min(eq) <= 0 {
						ruins++
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
					"prob_loss": float64(losses) / float64(c.paths), "prob_ruin": float64(ruins) / float64(c.paths), "shocked_paths": 0,
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

// A perpetual's funding on the Monte Carlo paths, with its rates from a
// funding file and with the same rate given flat: a file of 0.001 at
// 00:00, 08:00 and 16:00 UTC of every day of the history is, on the
// historical run, the flat funding_rate = 0.001 every 8 hours (the same
// events, the same rate). On the paths it must be too: a long BTC
// perpetual pays 3 × 0.001 of its value a day on both (after 60 days
// of warm-up, whose events the file keeps).
func TestAuditMonteCarloFundingFile(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("funding_time_utc,symbol,funding_rate\n")
	for d := data.Day(2020, 12, 1); d < data.Day(2022, 1, 10); d += data.NanosPerDay {
		for h := int64(0); h < 3; h++ {
			fmt.Fprintf(&b, "%s,BTCUSDT,0.001\n", time.Unix(0, d+h*8*3600e9).UTC().Format(time.RFC3339))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "funding.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(costs string) (*Outcome, [][]float64) {
		text := `name = "mc"
start = "2021-01-01"
end = "2022-01-01"
cash = 1000.0
[data]
synthetic = true
[costs.symbols.BTC]
` + costs + `
[[strategy]]
name = "long"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
[montecarlo]
paths = 6
days = 30
mean_block = 5
warmup_days = 60
`
		path := filepath.Join(dir, "x.toml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		curves := make([][]float64, 6)
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1, Keep: true, onPath: func(_, p int, eq []float64) {
			mu.Lock()
			defer mu.Unlock()
			curves[p] = slices.Clone(eq)
		}})
		if err != nil {
			t.Fatal(err)
		}
		return o, curves
	}
	fileOut, fileCurves := run(`funding_file = "funding.csv"`)
	flatOut, flatCurves := run(`funding_rate = 0.001`)
	a, c := fileOut.Runs[0].Result.Curve.Equity, flatOut.Runs[0].Result.Curve.Equity
	if math.Abs(a[len(a)-1]-c[len(c)-1]) > 1e-9*c[len(c)-1] {
		t.Fatalf("historical run: %.6f with the file, %.6f flat: the file should settle the same events", a[len(a)-1], c[len(c)-1])
	}
	for p := range 6 {
		x, y := fileCurves[p], flatCurves[p]
		if len(x) != len(y) {
			t.Fatalf("path %d: %d and %d dates", p, len(x), len(y))
		}
		if d := x[len(x)-1] - y[len(y)-1]; math.Abs(d) > 1e-9*y[len(y)-1] {
			t.Errorf("path %d: final equity %.4f with the funding file, %.4f with the flat rate (%.4f apart)", p, x[len(x)-1], y[len(y)-1], d)
		}
	}
}

// pathFunding by hand: a BTC source of 6 days from 2024-01-01 (union
// index u = day u), a funding file with an event at 00:00 and 08:00 of
// each day at rate u/1000 + h/100,000 (h the hour) and one at 00:00 of
// 2023-12-31: these 13 events, before the path, are kept as they are
// (a warm-up's). Path date j (2024-01-07 +
// j) draws source day Draws[j], so its events are at its own 00:00 and
// 08:00 at Draws[j]/1000 and Draws[j]/1000 + 8e-5. A symbol without a
// file keeps its terms, and the map given is not modified.
func TestPathFundingCarriesDrawnDays(t *testing.T) {
	d0 := data.Day(2024, 1, 1)
	s := data.Series{Instrument: data.Instrument{Symbol: "BTC", Class: data.Crypto}, Interval: data.Daily}
	for u := range 6 {
		c := 100 + float64(u%3)
		s.Time = append(s.Time, d0+int64(u)*data.NanosPerDay)
		s.Open, s.High, s.Low, s.Close, s.Volume = append(s.Open, c), append(s.High, c), append(s.Low, c), append(s.Close, c), append(s.Volume, 1)
	}
	s.AdjClose = s.Close
	mc, err := scenarios.NewMonteCarlo(&data.Panel{Series: []data.Series{s}}, scenarios.MonteCarloConfig{Paths: 3, Length: 12, MeanBlock: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	const h8 = 8 * 3600 * int64(1e9)
	fu := engine.Funding{Times: []int64{d0 - data.NanosPerDay}, Rates: []float64{0.5}}
	for u := range 6 {
		for _, h := range []int64{0, 8} {
			fu.Times = append(fu.Times, d0+int64(u)*data.NanosPerDay+h/8*h8)
			fu.Rates = append(fu.Rates, float64(u)/1000+float64(h)/100000)
		}
	}
	syms := map[string]engine.Terms{"BTC": {Funding: fu}, "ETH": {Funding: engine.Funding{Rate: 0.001, Interval: h8}}}
	for i := range 3 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		got := pathFunding(syms, mc, p)
		if e := got["ETH"].Funding; e.Rate != 0.001 || e.Interval != h8 || e.Times != nil {
			t.Errorf("ETH's flat funding changed: %+v", e)
		}
		g := got["BTC"].Funding
		// the file's own 13 events, all before the path (the warm-up's), then the path's
		want := engine.Funding{Times: slices.Clone(fu.Times), Rates: slices.Clone(fu.Rates)}
		for j, u := range p.Draws {
			day := data.Day(2024, 1, 7) + int64(j)*data.NanosPerDay
			want.Times = append(want.Times, day, day+h8)
			want.Rates = append(want.Rates, float64(u)/1000, float64(u)/1000+8e-5)
		}
		if !slices.Equal(g.Times, want.Times) || len(g.Rates) != len(want.Rates) {
			t.Fatalf("path %d: times %v, want %v", i, g.Times, want.Times)
		}
		for k := range g.Rates {
			if math.Abs(g.Rates[k]-want.Rates[k]) > 1e-15 {
				t.Fatalf("path %d event %d: rate %g, want %g", i, k, g.Rates[k], want.Rates[k])
			}
		}
	}
	if len(syms["BTC"].Funding.Times) != 13 {
		t.Errorf("the experiment's terms were modified: %d BTC events", len(syms["BTC"].Funding.Times))
	}
}

// Ruin on a path: a short of TAO as large as the equity, on paths where
// TAO jumps +400 % (move = 4: × 5) at a date from the third on, has lost
// four times the position's value at the jump: equity 1,000 − 4 × ~1,000
// < 0 on every path (the drift before the jump is a few ten percent at
// most). Each path's equity falls to 0 or below; a path's maximum
// drawdown from the cash (its peak ≥ 1,000 > 0) is then ≤ −1, so the
// ruined paths are those whose max_drawdown ≤ −1 in montecarlo.csv,
// counted here by hand from the curves. montecarlo_summary gives their
// share as prob_ruin (5 of 5: 1), and the run's notes say how many paths
// were ruined; a run without ruin (a long BTC position, weight 0.5) has
// prob_ruin 0 and no note.
func TestMonteCarloRuinedPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "squeeze.toml"), []byte(`name = "tao-squeeze"
[[shock]]
type = "jump"
symbols = ["TAO"]
day = 0
move = 4.0
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ruined := map[int]int{}
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "ruin"
start = "2021-01-01"
end = "2022-01-01"
cash = 1000.0
[data]
synthetic = true
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { TAO = -1.0 }
[[strategy]]
name = "long"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
[montecarlo]
paths = 5
days = 30
mean_block = 5
warmup_days = 0
shock = "squeeze.toml"
shock_probability = 1.0
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1, onPath: func(run, _ int, eq []float64) {
		mu.Lock()
		defer mu.Unlock()
		if slices.IndexFunc(eq, func(e float64) bool { return e <= 0 }) >= 0 {
			ruined[run]++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if ruined[0] != 5 || ruined[1] != 0 {
		t.Fatalf("ruined paths by hand: short %d, long %d; the setup wants 5 and 0", ruined[0], ruined[1])
	}
	rows, err := readCSV(filepath.Join(o.Dir, "montecarlo_summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "prob_ruin")
	if col < 0 {
		t.Fatalf("montecarlo_summary.csv has no prob_ruin: %v", rows[0])
	}
	for i, want := range []float64{1, 0} {
		if got := num(t, rows[1+i][col]); got != want {
			t.Errorf("%s: prob_ruin %g, want %g", rows[1+i][0], got, want)
		}
	}
	var notes []string
	for _, n := range o.Notes {
		if strings.Contains(n, "ruin") {
			notes = append(notes, n)
		}
	}
	want := "montecarlo: run short: 5 of 5 paths' equity fell to 0 or below (ruin, prob_ruin 100%)"
	if len(notes) != 1 || !strings.HasPrefix(notes[0], want) {
		t.Errorf("ruin notes %q, want one starting %q", notes, want)
	}
}

// On the real daily history of BTC (every day) and NVDA (NYSE sessions),
// 2021–2024, the bootstrap keeps each instrument's log-return mean and
// variance and their correlation on the dates both trade. Path dates 300
// apart (mean block 10: the same block with probability 0.9^300) over
// 3,000 paths are iid draws of a uniform source date, so the tolerances
// are 5 standard errors of an iid sample: mean σ/√n, variance
// √((μ4 − σ⁴)/n), correlation (1 − ρ²)/√n · 1.5 (heavy tails: the
// normal theory's error times 1.5). The source's figures are computed
// here from its bars (union of dates, log close-to-close of each
// instrument's consecutive bars).
func TestAuditMonteCarloRealMoments(t *testing.T) {
	d := sharedData(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(`name = "real"
start = "2021-01-01"
end = "2025-01-01"
[data]
dir = %q
[[strategy]]
name = "w"
type = "weights"
[strategy.params]
weights = { BTC = 0.5, NVDA = 0.5 }
[montecarlo]
paths = 3000
days = 1500
mean_block = 10
warmup_days = 0
`, filepath.Join(d, "prices"))), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Out: t.TempDir()}.withDefaults()
	specs, err := f.Runs(opt.Strategies)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.prepare(context.Background(), specs, opt)
	if err != nil {
		t.Fatal(err)
	}
	src, _, _ := f.monteCarloHistory(m)
	mc, err := scenarios.NewMonteCarlo(src, scenarios.MonteCarloConfig{Paths: 3000, Length: 1500, MeanBlock: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ib, in := src.Index("BTC"), src.Index("NVDA")
	ret := func(s int) map[int64]float64 {
		x := src.Series[s]
		out := map[int64]float64{}
		for k := 1; k < x.Len(); k++ {
			out[x.Time[k]] = math.Log(x.Close[k] / x.Close[k-1])
		}
		return out
	}
	rb, rn := ret(ib), ret(in)
	var sb, sn, cb, cn []float64
	for tm, v := range rb {
		sb = append(sb, v)
		if w, ok := rn[tm]; ok {
			cb, cn = append(cb, v), append(cn, w)
		}
	}
	for _, v := range rn {
		sn = append(sn, v)
	}
	var pb, pn, qb, qn []float64
	for i := range 3000 {
		p, err := mc.Path(i)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 1500; j += 300 {
			tj := mc.PathTime(j)
			var r [2]float64
			var has [2]bool
			for k, s := range []int{ib, in} {
				x := p.Panel.Series[s]
				b, ok := slices.BinarySearch(x.Time, tj)
				if !ok {
					continue
				}
				prev := src.Series[s].Close[src.Series[s].Len()-1]
				if b > 0 {
					prev = x.Close[b-1]
				}
				has[k], r[k] = true, math.Log(x.Close[b]/prev)
			}
			if has[0] {
				pb = append(pb, r[0])
			}
			if has[1] {
				pn = append(pn, r[1])
			}
			if has[0] && has[1] {
				qb, qn = append(qb, r[0]), append(qn, r[1])
			}
		}
	}
	type mom struct{ n, mean, v, m4 float64 }
	moms := func(x []float64) mom {
		m := mom{n: float64(len(x))}
		for _, v := range x {
			m.mean += v / m.n
		}
		for _, v := range x {
			d := (v - m.mean) * (v - m.mean)
			m.v += d / m.n
			m.m4 += d * d / m.n
		}
		return m
	}
	corr := func(x, y []float64) float64 {
		a, b := moms(x), moms(y)
		c := 0.0
		for k := range x {
			c += (x[k] - a.mean) * (y[k] - b.mean) / a.n
		}
		return c / math.Sqrt(a.v*b.v)
	}
	for _, c := range []struct {
		name     string
		src, got []float64
	}{{"BTC", sb, pb}, {"NVDA", sn, pn}} {
		s, g := moms(c.src), moms(c.got)
		if tol := 5 * math.Sqrt(s.v/g.n); math.Abs(g.mean-s.mean) > tol {
			t.Errorf("%s: mean log return %.6f over %g path dates, source %.6f ± %.6f", c.name, g.mean, g.n, s.mean, tol)
		}
		if tol := 5 * math.Sqrt((s.m4-s.v*s.v)/g.n); math.Abs(g.v-s.v) > tol {
			t.Errorf("%s: variance %.4g, source %.4g ± %.4g", c.name, g.v, s.v, tol)
		}
		t.Logf("%s: mean %.6f (source %.6f), variance %.4g (source %.4g), n %g", c.name, g.mean, s.mean, g.v, s.v, g.n)
	}
	rs, rp := corr(cb, cn), corr(qb, qn)
	if tol := 1.5 * 5 * (1 - rs*rs) / math.Sqrt(float64(len(qb))); math.Abs(rp-rs) > tol {
		t.Errorf("BTC/NVDA correlation on paths %.4f, source %.4f ± %.4f", rp, rs, tol)
	}
	t.Logf("correlation %.4f (source %.4f) over %d dates", rp, rs, len(qb))
}

// A borrow_recall within the history comes before every Monte Carlo
// path (the paths start the day after the history, 2022-01-01 here): a
// recall refuses new shorts from its time on, so a short of TAO at half
// the equity is refused on every path (before this note, a TAO short
// alone gave 4 paths of terminal return 0, flat at the cash, and no
// word). The run says so in a note naming the key and the paths' first date;
// a recall after the paths' start (none here for BTC) gives no note.
func TestMonteCarloRecallBeforePathsNoted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.toml")
	if err := os.WriteFile(path, []byte(`name = "recall"
start = "2021-01-01"
end = "2022-01-01"
cash = 1000.0
[data]
synthetic = true
[costs.symbols.TAO]
borrow_rate = 0.05
borrow_recall = "2021-06-01"
[costs.symbols.BTC]
borrow_recall = "2030-01-01"
[[strategy]]
name = "short"
type = "weights"
[strategy.params]
weights = { TAO = -0.5, BTC = -0.1 }
[montecarlo]
paths = 4
days = 30
warmup_days = 0
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: filepath.Join(dir, "out"), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range o.Notes {
		if strings.HasPrefix(n, "montecarlo:") && strings.Contains(n, "borrow_recall") {
			got = append(got, n)
		}
	}
	want := "montecarlo: costs.symbols.TAO.borrow_recall = 2021-06-01 comes before the paths (from 2022-01-01): no short of TAO can be opened on any path (a recall refuses new shorts from then on)"
	if len(got) != 1 || got[0] != want {
		t.Errorf("recall notes:\n got %q\nwant [%q]", got, want)
	}
}
