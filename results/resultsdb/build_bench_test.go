//go:build duckdb_arrow

package resultsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/divergence-research/divergence/data"
	"github.com/divergence-research/divergence/engine"
	"github.com/divergence-research/divergence/results"
)

// benchFolder writes an experiment folder of runs runs, each of days daily
// equity points and 40 fills, as package experiment lays it out, without
// running anything, and returns the runs' curves (in manifest order).
func benchFolder(tb testing.TB, dir string, runs, days int) []*engine.Curve {
	tb.Helper()
	write := func(path string, fn func(io.Writer) error) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := results.WriteFileAtomic(path, fn); err != nil {
			tb.Fatal(err)
		}
	}
	keys := make([]string, runs)
	curves := make([]*engine.Curve, runs)
	tab := benchRuns(runs)
	for i := range runs {
		keys[i] = fmt.Sprintf("sma--fast=%d--slow=%d", 5+i%20, 30+i/20)
		tab.Columns[0].Strings[i] = keys[i]
		c := &engine.Curve{}
		v, peak := 1e5, 1e5
		for k := range days {
			v *= 1 + 0.01*math.Sin(float64(k*(i+3))/17)
			peak = math.Max(peak, v)
			c.Time = append(c.Time, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k).UnixNano())
			c.Equity, c.Cash, c.Gross, c.Net, c.Drawdown = append(c.Equity, v), append(c.Cash, v/2), append(c.Gross, v/2), append(c.Net, v/2), append(c.Drawdown, v/peak-1)
		}
		curves[i] = c
		fills := make([]engine.Fill, 40)
		for k := range fills {
			fills[k] = engine.Fill{Time: c.Time[k*days/40], Symbol: "BTC", Qty: float64(k%3 - 1), Price: 100 + float64(k), Commission: 0.1, Kind: engine.Market}
		}
		rdir := filepath.Join(dir, "runs", keys[i])
		write(filepath.Join(rdir, "equity.csv"), func(w io.Writer) error { return results.WriteCurveCSV(w, c) })
		write(filepath.Join(rdir, "equity.parquet"), func(w io.Writer) error { return results.WriteCurveParquet(w, c) })
		write(filepath.Join(rdir, "fills.csv"), func(w io.Writer) error { return results.WriteFillsCSV(w, fills) })
		write(filepath.Join(rdir, "fills.parquet"), func(w io.Writer) error { return results.WriteFillsParquet(w, fills) })
		write(filepath.Join(rdir, "metrics.json"), func(w io.Writer) error { return results.WriteJSON(w, benchMetrics(keys[i], i, c)) })
		// The runs table's record of the curve and the fills, as the
		// build checks them.
		for _, col := range tab.Columns {
			switch col.Name {
			case "final_equity":
				col.Floats[i] = c.Equity[days-1]
			case "fills":
				col.Ints[i] = int64(len(fills))
			}
		}
	}
	write(filepath.Join(dir, "runs.csv"), func(w io.Writer) error { return results.WriteTableCSV(w, tab) })
	write(filepath.Join(dir, "runs.parquet"), func(w io.Writer) error { return results.WriteTableParquet(w, tab) })
	m := &results.Manifest{Experiment: "bench.toml", Seed: 1, Synthetic: true, Runs: keys,
		Inputs: []results.Input{{Symbol: "BTC", Source: "synthetic", SHA256: results.Synthetic, Rows: days}}}
	write(filepath.Join(dir, "manifest.json"), func(w io.Writer) error { return results.WriteManifest(w, m) })
	return curves
}

// benchMetrics is a metrics.json of the experiment's layout, for run i
// of curve c and 40 fills.
func benchMetrics(key string, i int, c *engine.Curve) map[string]any {
	x := float64(i)
	last := c.Len() - 1
	return map[string]any{
		"experiment": "bench", "run": key, "strategy": "sma", "type": "sma-cross",
		"params": map[string]any{"fast": 5 + i%20, "slow": 30 + i/20, "symbol": "BTC"},
		"swept":  map[string]any{"fast": 5 + i%20, "slow": 30 + i/20},
		"seed":   uint64(1000 + i), "synthetic": true, "data": "synthetic data",
		"start": data.FormatDay(c.Time[0]), "end": data.FormatDay(c.Time[last]), "initial_cash": 100000, "commission_bps": 10,
		"periods_per_year": 365, "calendar": "calendar days",
		"metrics": map[string]any{
			"annual_volatility": 0.3 + x/1e3, "best_period": 0.1, "cagr": 0.05 + x/1e4, "calmar": 0.4,
			"commission_paid": 12.5, "cvar_95": -0.03, "exposure_time": 0.9, "fills": 40, "final_equity": c.Equity[last],
			"hit_rate": 0.51, "kurtosis": 2.1, "liquidations": 0, "margin_calls": 0, "max_drawdown": -0.2 - x/1e4,
			"max_drawdown_duration": 90, "max_drawdown_peak": "2016-01-01", "max_drawdown_recovery": "",
			"max_drawdown_trough": "2016-05-01", "periods": 2519, "periods_per_year": 365, "rejections": 0,
			"sharpe": 0.5 + x/100, "skewness": -0.1, "sortino": 0.7, "total_return": 0.4, "turnover": 3.2,
			"var_95": -0.02, "worst_period": -0.09,
			"costs": map[string]any{"commission": 12.5, "slippage": 0, "spread": 0, "impact": 0, "borrow": 0,
				"funding": 0, "interest": 0, "liquidation_fees": 0, "total": 12.5},
			"benchmarks": map[string]any{"QQQ": map[string]any{"beta": 1.1, "alpha": 0.02, "correlation": 0.6,
				"tracking_error": 0.2, "information_ratio": 0.1, "up_capture": 1.1, "down_capture": 0.9}},
		},
	}
}

// benchRuns is a runs table of the experiment's headline columns.
func benchRuns(n int) *results.Table {
	str := func(v string) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	flt := func(v float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v + float64(i)/1000
		}
		return s
	}
	ints := func() []int64 { return make([]int64, n) }
	return &results.Table{Columns: []results.Column{
		{Name: "key", Strings: str("")}, {Name: "strategy", Strings: str("sma")}, {Name: "type", Strings: str("sma-cross")},
		{Name: "data", Strings: str("synthetic")}, {Name: "params", Strings: str(`{"fast":5}`)},
		{Name: "param_fast", Strings: str("5")}, {Name: "param_slow", Strings: str("30")},
		{Name: "total_return", Floats: flt(0.4)}, {Name: "cagr", Floats: flt(0.05)}, {Name: "annual_volatility", Floats: flt(0.3)},
		{Name: "sharpe", Floats: flt(0.5)}, {Name: "sortino", Floats: flt(0.7)}, {Name: "max_drawdown", Floats: flt(-0.2)},
		{Name: "calmar", Floats: flt(0.4)}, {Name: "final_equity", Floats: flt(1e5)}, {Name: "commission_paid", Floats: flt(12.5)},
		{Name: "fills", Ints: ints()}, {Name: "total_costs", Floats: flt(12.5)}, {Name: "rejections", Ints: ints()},
		{Name: "margin_calls", Ints: ints()}, {Name: "liquidations", Ints: ints()},
	}}
}

// BenchmarkBuild builds results.duckdb for a folder of 200 runs of 2,520
// daily points (about 500k equity rows).
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	benchFolder(b, dir, 200, 2520)
	b.ResetTimer()
	for b.Loop() {
		if err := Write(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(200, "runs/op")
}

// BenchmarkBuildFromCSV: the folder of BenchmarkBuild without its runs'
// Parquet files, built from their CSV copies (the text columns made
// ENUM types, as from Parquet: one more scan of the fills' CSV files for
// their values).
func BenchmarkBuildFromCSV(b *testing.B) {
	dir := b.TempDir()
	benchFolder(b, dir, 200, 2520)
	pq, err := filepath.Glob(filepath.Join(dir, "runs", "*", "*.parquet"))
	if err != nil || len(pq) == 0 {
		b.Fatal("no Parquet files", err)
	}
	for _, p := range pq {
		if err := os.Remove(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := Write(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(200, "runs/op")
}

// BenchmarkBuildRuns: the same folder built as the experiment builds it
// (BuildRuns, the records and the equity curves in memory, every run's
// files of one layout), as it was built before the curves were handed
// over (BuildRuns with the records alone: equity from the files), and as
// `divergence db` does (Build, every file's columns matched by name),
// interleaved each iteration. Reported: ms/memory, ms/records,
// ms/folder, x-memory (memory over records) and x-records (records over
// folder), from each variant's fastest build.
func BenchmarkBuildRuns(b *testing.B) {
	dir := b.TempDir()
	curves := benchFolder(b, dir, 200, 2520)
	var m results.Manifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		b.Fatal(err)
	}
	recs, err := results.ReadRuns(dir, m.Runs)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), File)
	variants := []func() error{
		func() error { _, err := BuildRuns(context.Background(), dir, path, recs, curves, nil); return err },
		func() error { _, err := BuildRuns(context.Background(), dir, path, recs, nil, nil); return err },
		func() error { _, err := Build(context.Background(), dir, path); return err },
	}
	best := make([]time.Duration, len(variants))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, v := range variants {
			t0 := time.Now()
			if err := v(); err != nil {
				b.Fatal(err)
			}
			if d := time.Since(t0); n == 0 || d < best[i] {
				best[i] = d
			}
		}
	}
	b.ReportMetric(float64(best[0].Milliseconds()), "ms/memory")
	b.ReportMetric(float64(best[1].Milliseconds()), "ms/records")
	b.ReportMetric(float64(best[2].Milliseconds()), "ms/folder")
	b.ReportMetric(best[0].Seconds()/best[1].Seconds(), "x-memory")
	b.ReportMetric(best[1].Seconds()/best[2].Seconds(), "x-records")
}
