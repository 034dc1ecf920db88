package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/divergence-research/divergence/data/synth"
)

// Runs measured against a benchmark. The run here holds only BTC, which
// trades every day, and is measured against QQQ (sessions) and BTC. The
// expected figures are computed here a second way: the run's equity looked
// up by date in a map at each benchmark bar, returns between consecutive
// bars (a weekend compounds into Monday), then gonum's covariance,
// variance and correlation. The benchmarks do not change the run: its
// periods per year stay those of its own instruments.
func TestBenchmarkMetrics(t *testing.T) {
	text := `name = "bench"
start = "2019-03-01"
end = "2020-03-01"
%s
[data]
synthetic = true
[[strategy]]
name = "btc"
type = "buy-and-hold"
[strategy.params]
symbols = ["BTC"]
`
	run := func(extra string) *Outcome {
		f, err := Parse("b.toml", fmt.Sprintf(text, extra))
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	plain := run("")
	o := run(`benchmarks = ["QQQ", "BTC-USD"]`)
	if o.PeriodsPerYear != plain.PeriodsPerYear || o.Runs[0].Metrics.Sharpe != plain.Runs[0].Metrics.Sharpe {
		t.Errorf("benchmarks changed the run: ppy %g vs %g, Sharpe %g vs %g", o.PeriodsPerYear, plain.PeriodsPerYear, o.Runs[0].Metrics.Sharpe, plain.Runs[0].Metrics.Sharpe)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "btc", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Metrics struct {
			Benchmarks map[string]struct {
				Beta        float64 `json:"beta"`
				Correlation float64 `json:"correlation"`
			} `json:"benchmarks"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	c := o.Runs[0].Result.Curve
	byDay := map[int64]float64{}
	for k, ts := range c.Time {
		byDay[ts] = c.Equity[k]
	}
	full, err := synth.Generate(synth.DefaultConfig(7))
	if err != nil {
		t.Fatal(err)
	}
	for _, sym := range []string{"QQQ", "BTC"} {
		s := full.Series[full.Index(sym)]
		var x, y []float64
		pe, pb := 0.0, 0.0
		for j, ts := range s.Time {
			e, ok := byDay[ts] // every date has a curve point: BTC trades daily
			if !ok {
				continue
			}
			if pe != 0 {
				x = append(x, s.Close[j]/pb-1)
				y = append(y, e/pe-1)
			}
			pe, pb = e, s.Close[j]
		}
		beta := stat.Covariance(y, x, nil) / stat.Variance(x, nil)
		corr := stat.Correlation(y, x, nil)
		got, ok := rf.Metrics.Benchmarks[sym]
		if !ok || math.Abs(got.Beta-beta) > 1e-9 || math.Abs(got.Correlation-corr) > 1e-9 {
			t.Errorf("%s: beta %g correlation %g, second method %g %g", sym, got.Beta, got.Correlation, beta, corr)
		}
	}
	// Holding BTC, measured against BTC: beta and correlation near 1 (all
	// but the days before the first fill).
	if g := rf.Metrics.Benchmarks["BTC"]; !(g.Correlation > 0.99 && math.Abs(g.Beta-1) < 0.02) {
		t.Errorf("BTC against itself: %+v", g)
	}
}

// legs.csv of a pair hedge: the rolling beta of the short leg on the long
// leg over the last 60 sync points equals gonum's Cov/Var over the same
// rows of the file's return columns, and its correlation gonum's.
func TestLegAnalytics(t *testing.T) {
	f, err := Parse("l.toml", `name = "legs"
start = "2019-03-01"
end = "2020-06-01"
[data]
synthetic = true
[[strategy]]
name = "hedge"
type = "pair-hedge"
[strategy.params]
long = ["NVDA", "MSFT"]
short = ["TAO", "FET"]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readCSV(filepath.Join(o.Dir, "runs", "hedge", "legs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := recs[1:]
	if len(rows) < 100 {
		t.Fatalf("%d sync points", len(rows))
	}
	var l, s []float64
	for _, r := range rows[len(rows)-legWindow:] {
		l = append(l, num(t, r[1]))
		s = append(s, num(t, r[2]))
	}
	last := rows[len(rows)-1]
	beta := stat.Covariance(s, l, nil) / stat.Variance(l, nil)
	if got := num(t, last[3]); math.Abs(got-beta) > 1e-9 {
		t.Errorf("rolling beta %g, gonum %g", got, beta)
	}
	if got := num(t, last[4]); math.Abs(got-stat.Correlation(s, l, nil)) > 1e-9 {
		t.Errorf("rolling correlation %g, gonum %g", got, stat.Correlation(s, l, nil))
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "runs", "hedge", "legs.png")); err != nil {
		t.Error(err)
	}
}
