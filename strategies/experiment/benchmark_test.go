package experiment

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// Runs measured against a benchmark: the beta and correlation in
// metrics.json equal those computed here by gonum from the run's equity
// and the benchmark's closes, forward-filled on the curve's dates.
func TestBenchmarkMetrics(t *testing.T) {
	f, err := Parse("b.toml", `name = "bench"
start = "2019-03-01"
end = "2020-03-01"
benchmarks = ["QQQ", "BTC"]
[data]
synthetic = true
[[strategy]]
name = "tech"
type = "buy-and-hold"
[strategy.params]
symbols = ["NVDA", "MSFT"]
`)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Execute(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "runs", "tech", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Metrics struct {
			Benchmarks map[string]struct {
				Beta        float64 `json:"beta"`
				Correlation float64 `json:"correlation"`
			} `json:"benchmarks"`
			ExposureTime float64 `json:"exposure_time"`
			Turnover     float64 `json:"turnover"`
			Trough       string  `json:"max_drawdown_trough"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	r := o.Runs[0]
	c := r.Result.Curve
	for _, sym := range []string{"QQQ", "BTC"} {
		s := o.Panel.Series[o.Panel.Index(sym)]
		var x, y []float64
		j, prev := -1, math.NaN()
		for k := range c.Time {
			for j+1 < s.Len() && s.Time[j+1] <= c.Time[k] {
				j++
			}
			px := s.Close[j]
			if k > 0 && !math.IsNaN(prev) {
				x = append(x, px/prev-1)
				y = append(y, c.Equity[k]/c.Equity[k-1]-1)
			}
			prev = px
		}
		beta := stat.Covariance(y, x, nil) / stat.Variance(x, nil)
		corr := stat.Correlation(y, x, nil)
		got := rf.Metrics.Benchmarks[sym]
		if math.Abs(got.Beta-beta) > 1e-9 || math.Abs(got.Correlation-corr) > 1e-9 {
			t.Errorf("%s: beta %g correlation %g, gonum %g %g", sym, got.Beta, got.Correlation, beta, corr)
		}
	}
	if !(rf.Metrics.ExposureTime > 0.9 && rf.Metrics.ExposureTime < 1) || !(rf.Metrics.Turnover > 0) || rf.Metrics.Trough == "" {
		t.Errorf("exposure %g turnover %g trough %q", rf.Metrics.ExposureTime, rf.Metrics.Turnover, rf.Metrics.Trough)
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
	o, err := Execute(context.Background(), f, Options{Out: t.TempDir(), Workers: 1})
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
