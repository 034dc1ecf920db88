package experiment

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/data/synth"
)

// Benchmarks on intraday bars are annualised with their own bars' periods
// per year, not their calendar's daily count: a run holding BTC on the
// synthetic hourly market, against BTC (24/7: 365 × 24 = 8,760 bars a
// year) and QQQ (09:30–16:00 New York sessions: 252 × 7 = 1,764 hourly
// bars a year, the half-hour counting as a bar, as the run's own periods
// per year count it). Before the fix they were annualised with 365 and
// 252, the daily counts: the tracking error of the run against BTC was
// √(8760/365) = 4.9 times too small, beside an annual volatility on
// √8760. The expected figures are computed a second way: the run's last
// equity at or before each benchmark bar (sort.Search on the curve),
// returns between consecutive bars, gonum's StdDev and Covariance, and
// the annualisation written out here (√N for the tracking error and the
// information ratio, (1 + mean(r) − β·mean(b))^N − 1 for alpha).
func TestBenchmarkIntradayAnnualisation(t *testing.T) {
	f, err := Parse("b.toml", `name = "intraday bench"
start = "2025-01-01"
benchmarks = ["BTC", "QQQ"]
[data]
synthetic = true
synthetic_seed = 7
interval = "1h"
days = 40
[[strategy]]
name = "btc"
type = "weights"
[strategy.params]
weights = { BTC = 0.5 }
rebalance_days = 3
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Run(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if o.PeriodsPerYear != 8760 {
		t.Fatalf("run's periods per year %g, want 8760", o.PeriodsPerYear)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "btc", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	type rel struct {
		Beta             float64 `json:"beta"`
		Alpha            float64 `json:"alpha"`
		TrackingError    float64 `json:"tracking_error"`
		InformationRatio float64 `json:"information_ratio"`
	}
	var rf struct {
		Metrics struct {
			Benchmarks map[string]rel `json:"benchmarks"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	c := o.Runs[0].Result.Curve
	// The benchmarks' bars: the synthetic market the file names, made
	// again from its generator.
	cfg := synth.DefaultIntradayConfig(7, data.Hour, 40, 0)
	cfg.Assets = synth.DefaultAssets()
	full, err := synth.GenerateIntraday(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sym string
		n   float64
	}{{"BTC", 365 * 24}, {"QQQ", 252 * 7}} {
		s := full.Series[full.Index(tc.sym)]
		var x, y []float64
		prevK := -1
		var pe, pb float64
		for j, ts := range s.Time {
			if ts < c.Time[0] || ts > c.Time[len(c.Time)-1] {
				continue
			}
			k := sort.Search(len(c.Time), func(i int) bool { return c.Time[i] > ts }) - 1
			if k == prevK {
				continue
			}
			if prevK >= 0 {
				y = append(y, c.Equity[k]/pe-1)
				x = append(x, s.Close[j]/pb-1)
			}
			prevK, pe, pb = k, c.Equity[k], s.Close[j]
		}
		active := make([]float64, len(y))
		for i := range y {
			active[i] = y[i] - x[i]
		}
		beta := stat.Covariance(y, x, nil) / stat.Variance(x, nil)
		te := stat.StdDev(active, nil) * math.Sqrt(tc.n)
		ir := stat.Mean(active, nil) / stat.StdDev(active, nil) * math.Sqrt(tc.n)
		alpha := math.Pow(1+stat.Mean(y, nil)-beta*stat.Mean(x, nil), tc.n) - 1
		got := rf.Metrics.Benchmarks[tc.sym]
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }
		if !near(got.Beta, beta) || !near(got.TrackingError, te) || !near(got.InformationRatio, ir) || !near(got.Alpha, alpha) {
			t.Errorf("%s (%d samples, %g a year): beta %.12g tracking error %.12g IR %.12g alpha %.12g; second method %.12g %.12g %.12g %.12g",
				tc.sym, len(y), tc.n, got.Beta, got.TrackingError, got.InformationRatio, got.Alpha, beta, te, ir, alpha)
		}
	}
}
