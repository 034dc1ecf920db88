//go:build duckdb_arrow

package report

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/divergence-research/divergence/experiment"
	"github.com/divergence-research/divergence/results"
	"github.com/divergence-research/divergence/results/metrics"
	"github.com/divergence-research/divergence/strategies"
)

// TestRunFiguresFromEquityParquet audits the figures the page shows for
// each run against its equity.parquet, recomputed here by the formulas of
// docs/metrics.md written out (not by the metrics package): the headline
// metrics of the run's section (as the page's model holds them, formatted)
// and the returns its distribution chart draws, with its VaR and CVaR,
// and the drawdown its charts draw. The returns: the curve's, preceded by
// the first point over the initial cash when it is not the cash.
func TestRunFiguresFromEquityParquet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an experiment")
	}
	toml := filepath.Join(t.TempDir(), "audit.toml")
	if err := os.WriteFile(toml, []byte(`name = "audit"
seed = 5
cash = 100_000.0
commission_bps = 5.0
start = "2020-01-01"
end = "2022-06-01"
[data]
synthetic = true
[[strategy]]
name = "scaled"
type = "scaled-entry"
[strategy.params]
symbol = "BTC"
levels = [0.05, 0.10, 0.20]
take_profit = [0.15, 0.30]
[[strategy]]
name = "sma"
type = "sma-cross"
[strategy.params]
symbol = "NVDA"
fast = 10
slow = 40
`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := experiment.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	o, err := experiment.Run(context.Background(), f, experiment.Options{Strategies: strategies.Builtins(), Out: t.TempDir(), Workers: 1, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	folder, err := Load(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := build(context.Background(), folder)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Runs) != 2 {
		t.Fatalf("%d run sections, want 2", len(p.Runs))
	}
	for _, rs := range p.Runs {
		t.Run(rs.Key, func(t *testing.T) {
			dir := filepath.Join(o.Dir, "runs", rs.Key)
			tab, err := results.ReadTableParquet(filepath.Join(dir, "equity.parquet"), "time", "equity")
			if err != nil {
				t.Fatal(err)
			}
			eq := tab.Columns[1].Floats
			var rec struct {
				Cash float64 `json:"initial_cash"`
				PPY  float64 `json:"periods_per_year"`
			}
			b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
			if err != nil || json.Unmarshal(b, &rec) != nil {
				t.Fatalf("metrics.json: %v", err)
			}
			// The returns, by hand.
			var r []float64
			if eq[0] != rec.Cash {
				r = append(r, eq[0]/rec.Cash-1)
			}
			for k := 1; k < len(eq); k++ {
				r = append(r, eq[k]/eq[k-1]-1)
			}
			n := float64(len(r))
			mean, down := 0.0, 0.0
			for _, v := range r {
				mean += v / n
				down += math.Min(v, 0) * math.Min(v, 0) / n
			}
			ss, hits := 0.0, 0
			for _, v := range r {
				ss += (v - mean) * (v - mean)
				if v > 0 {
					hits++
				}
			}
			sd := math.Sqrt(ss / (n - 1))
			last := eq[len(eq)-1]
			peak, mdd := rec.Cash, 0.0
			for _, v := range eq {
				peak = math.Max(peak, v)
				mdd = math.Min(mdd, v/peak-1)
			}
			sorted := slices.Clone(r)
			slices.Sort(sorted)
			// VaR: the 5th percentile by linear interpolation at (n−1)·0.05;
			// CVaR: the mean of the ⌊(n−1)·0.05⌋+1 smallest.
			h := (n - 1) * 0.05
			lo := int(math.Floor(h))
			var95 := sorted[lo] + (h-float64(lo))*(sorted[min(lo+1, len(sorted)-1)]-sorted[lo])
			cvar95 := 0.0
			for _, v := range sorted[:lo+1] {
				cvar95 += v / float64(lo+1)
			}
			cagr := math.Pow(last/rec.Cash, rec.PPY/n) - 1
			want := map[string]float64{
				"periods":           n,
				"total_return":      last/rec.Cash - 1,
				"cagr":              cagr,
				"annual_volatility": sd * math.Sqrt(rec.PPY),
				"sharpe":            mean / sd * math.Sqrt(rec.PPY),
				"sortino":           mean / math.Sqrt(down) * math.Sqrt(rec.PPY),
				"max_drawdown":      mdd,
				"calmar":            cagr / -mdd,
				"var_95":            var95,
				"cvar_95":           cvar95,
				"hit_rate":          float64(hits) / n,
				"best_period":       sorted[len(sorted)-1],
				"worst_period":      sorted[0],
				"final_equity":      last,
			}
			shown := map[string]string{}
			for _, m := range rs.Metrics {
				shown[m.K] = m.V
			}
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range want {
					if !yield(k) {
						return
					}
				}
			}) {
				text, ok := shown[k]
				if !ok {
					t.Errorf("%s: not shown in the run's section", k)
					continue
				}
				got, tol := parseShown(t, k, text)
				if w := want[k]; math.Abs(got-w) > tol+1e-12*math.Abs(w) {
					t.Errorf("%s: the page shows %s (%g), equity.parquet gives %.10g", k, text, got, w)
				}
			}
			// The distribution chart and the drawdown line draw the
			// folder's series of the run: its returns and VaR/CVaR are
			// those above, its deepest drawdown max_drawdown.
			run := folder.run(rs.Key)
			if run == nil {
				t.Fatalf("no run %s in the folder", rs.Key)
			}
			cr := run.Equity.Returns()
			var got []float64
			for _, v := range cr {
				if !math.IsNaN(v) {
					got = append(got, v)
				}
			}
			if len(got) != len(r) {
				t.Fatalf("the distribution draws %d returns, equity.parquet gives %d", len(got), len(r))
			}
			for k := range r {
				if math.Abs(got[k]-r[k]) > 1e-15 {
					t.Fatalf("return %d: the distribution draws %g, equity.parquet gives %g", k, got[k], r[k])
				}
			}
			if v := metrics.VaR(cr, 0.05); math.Abs(v-var95) > 1e-15 {
				t.Errorf("the distribution's VaR line %g, want %g", v, var95)
			}
			if v := metrics.CVaR(cr, 0.05); math.Abs(v-cvar95) > 1e-15 {
				t.Errorf("the distribution's CVaR line %g, want %g", v, cvar95)
			}
			if v := slices.Min(run.Equity.Drawdown(nil)); math.Abs(v-mdd) > 1e-15 {
				t.Errorf("the drawdown line's deepest point %g, want %g", v, mdd)
			}
		})
	}
}

// parseShown reads a figure as the page shows it (formatValue) back into
// a number, with the tolerance of its rounding.
func parseShown(t *testing.T, key, s string) (v, tol float64) {
	t.Helper()
	x := strings.NewReplacer("−", "-", "\u202f", "", " ", "").Replace(s)
	pct := strings.HasSuffix(x, "%")
	x = strings.TrimSuffix(x, "%")
	v, err := strconv.ParseFloat(x, 64)
	if err != nil {
		t.Fatalf("%s: %q is no number", key, s)
	}
	switch {
	case pct:
		return v / 100, 0.5e-4
	case strings.Contains(x, ".") && !strings.ContainsAny(x, "eE") && key == "final_equity":
		return v, 0.005
	case !strings.Contains(x, "."):
		return v, 0.5
	}
	// Four significant digits.
	return v, 5e-4 * math.Abs(v)
}
